/// An operation refused for a reason the user can act on: a stable code for clients and tests
/// (`member.idNumber.taken`, `organization.close.hasMembers`, …), a Chinese message for people,
/// and where it applies the form field or file row at fault. Nothing was changed.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request is wrong (a value, a rule, a state).
        case invalid
        /// The object does not exist, or not for this user (outside their scope looks the same).
        case notFound
        /// The user's role may not do this.
        case forbidden
        /// The object is past the point where this could be done (an entry already finalised).
        case conflict
    }

    public let kind: Kind
    public let code: String
    public let message: String
    public let field: String?
    public let row: Int?

    public init(_ kind: Kind, code: String, message: String, field: String? = nil, row: Int? = nil) {
        self.kind = kind; self.code = code; self.message = message; self.field = field; self.row = row
    }

    public static func invalid(_ code: String, _ message: String, field: String? = nil, row: Int? = nil) -> Refusal {
        Refusal(.invalid, code: code, message: message, field: field, row: row)
    }

    public static func notFound(_ code: String, _ message: String) -> Refusal {
        Refusal(.notFound, code: code, message: message)
    }

    public static func forbidden(_ code: String, _ message: String) -> Refusal {
        Refusal(.forbidden, code: code, message: message)
    }

    public var description: String { message }
}
