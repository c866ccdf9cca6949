import Foundation

/// An exact non-negative rational read from a decimal such as 0.21: margins and composition
/// shares are never multiplied in floating point (0.2 × 5 must be exactly 1).
public struct Ratio: Sendable, Hashable, Codable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator > 0 && numerator >= 0)
        let g = Ratio.gcd(numerator, denominator)
        self.numerator = numerator / g
        self.denominator = denominator / g
    }

    /// Parses "0.21", "1", "20%" exactly; nil for anything else.
    public init?(decimal text: String) {
        var s = text.trimmingCharacters(in: .whitespaces)
        var scale = 1
        if s.hasSuffix("%") { s.removeLast(); scale = 100 }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              !parts[0].isEmpty || (parts.count == 2 && !parts[1].isEmpty) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 12, parts[0].count <= 9 else { return nil }
        let whole = Int(parts[0].isEmpty ? "0" : String(parts[0]))!
        var denominator = 1
        for _ in fraction { denominator *= 10 }
        let numerator = whole * denominator + (fraction.isEmpty ? 0 : Int(fraction)!)
        self.init(numerator, denominator * scale)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Decimal keeps the JSON text's digits; Double would not.
        let decimal = try container.decode(Decimal.self)
        var value = decimal
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 12, .plain)
        guard let ratio = Ratio(decimal: "\(rounded)") else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "不是非负小数：\(decimal)")
        }
        self = ratio
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Decimal(numerator) / Decimal(denominator))
    }

    /// ⌈n × ratio⌉
    public func ceilTimes(_ n: Int) -> Int { (n * numerator + denominator - 1) / denominator }
    /// ⌊n × ratio⌋
    public func floorTimes(_ n: Int) -> Int { (n * numerator) / denominator }
    /// ⌊n × ratio + ½⌋
    public func roundTimes(_ n: Int) -> Int { (2 * n * numerator + denominator) / (2 * denominator) }

    public var description: String { "\(Decimal(numerator) / Decimal(denominator))" }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(a, 1) : gcd(b, a % b) }
}
