/// A refused input document (a round to count, an apportionment, a slate): the field at
/// fault, a stable code a client can act on (`round.margin.tooSmall`, `apportion.seats.tooFew`,
/// …) and a Chinese message. Nothing is computed from a refused input.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let code: String
    public let message: String
    public init(field: String, code: String = "input.invalid", message: String) { self.field = field; self.code = code; self.message = message }
    public var description: String { "\(field): \(message)" }
}
