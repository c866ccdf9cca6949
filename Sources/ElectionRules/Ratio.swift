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

    /// Parses "0.21", "1", "20%" exactly (at most six digits before the point and nine after);
    /// nil for anything else.
    public init?(decimal text: String) {
        var s = text.trimmingCharacters(in: .whitespaces)
        var scale = 1
        if s.hasSuffix("%") { s.removeLast(); scale = 100 }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              !parts[0].isEmpty || (parts.count == 2 && !parts[1].isEmpty) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 9, parts[0].count <= 6 else { return nil }
        let whole = Int(parts[0].isEmpty ? "0" : String(parts[0]))!
        var denominator = 1
        for _ in fraction { denominator *= 10 }
        // 999999999.000000000001 does not fit in 64 bits: refused, not trapped.
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: denominator)
        let (numerator, carry) = scaled.addingReportingOverflow(fraction.isEmpty ? 0 : Int(fraction)!)
        let (bottom, overflowBelow) = denominator.multipliedReportingOverflow(by: scale)
        guard !overflow, !carry, !overflowBelow else { return nil }
        self.init(numerator, bottom)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Decimal keeps the JSON text's digits; Double would not.
        let decimal = try container.decode(Decimal.self)
        var value = decimal
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 9, .plain)
        guard let ratio = Ratio(decimal: "\(rounded)") else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "不是非负小数：\(decimal)")
        }
        self = ratio
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Decimal(numerator) / Decimal(denominator))
    }

    // Products in 128 bits: n × numerator of a ratio with twelve decimals passes 64 bits early.
    /// ⌈n × ratio⌉
    public func ceilTimes(_ n: Int) -> Int { Self.clamp((Int128(n) * Int128(numerator) + Int128(denominator) - 1) / Int128(denominator)) }
    /// ⌊n × ratio⌋
    public func floorTimes(_ n: Int) -> Int { Self.clamp((Int128(n) * Int128(numerator)) / Int128(denominator)) }
    /// ⌊n × ratio + ½⌋
    public func roundTimes(_ n: Int) -> Int { Self.clamp((2 * Int128(n) * Int128(numerator) + Int128(denominator)) / (2 * Int128(denominator))) }

    static func clamp(_ value: Int128) -> Int { value > Int128(Int.max) ? Int.max : Int(value) }

    public var description: String { "\(Decimal(numerator) / Decimal(denominator))" }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(a, 1) : gcd(b, a % b) }
}

extension JSONInput {
    /// A non-negative exact decimal such as 0.21.
    public static func ratio(_ value: Any?, field: String) throws(InputError) -> Ratio? {
        guard let value else { return nil }
        let text = (value as? String) ?? "\(value)"
        guard !isBoolean(value), let ratio = Ratio(decimal: text) else {
            throw InputError(field: field, code: "input.notRatio", message: "应是非负小数，例如0.2")
        }
        return ratio
    }
}
