import Foundation

/// The five stroke classes of GF 3002-1999 in their sorting order (横 < 竖 < 撇 < 点 < 折).
public enum StrokeClass: UInt8, Sendable, CaseIterable {
    case heng = 1, shu, pie, dian, zhe

    public var chineseName: String {
        switch self {
        case .heng: return "横"
        case .shu: return "竖"
        case .pie: return "撇"
        case .dian: return "点"
        case .zhe: return "折"
        }
    }
}

/// One reviewed entry of `stroke-overrides.tsv`.
public struct StrokeOverride: Sendable, Equatable {
    public enum Decision: String, Sendable { case fix, keep }
    public let character: Unicode.Scalar
    public let decision: Decision
    public let reason: String
}

/// The generated stroke table (see `scripts/gen_stroke_table.py`): stroke sequences of the
/// GB13000.1 characters and, derived from them, one rank per character in 姓氏笔画 order.
public final class StrokeTable: Sendable {
    /// Stroke sequence per character, digits 1-5.
    public let sequences: [Unicode.Scalar: [StrokeClass]]
    public let overrides: [Unicode.Scalar: StrokeOverride]
    // Dense rank lookup for the BMP and the supplementary ideograph planes; 0 = not in table.
    private let denseRank: [UInt32]
    private static let denseLimit = 0x3_0000

    public static let shared: StrokeTable = {
        guard let tableURL = Bundle.module.url(forResource: "strokes", withExtension: "tsv"),
              let overridesURL = Bundle.module.url(forResource: "stroke-overrides", withExtension: "tsv"),
              let table = try? String(contentsOf: tableURL, encoding: .utf8),
              let overrides = try? String(contentsOf: overridesURL, encoding: .utf8)
        else { fatalError("NameOrder: the stroke table resource is missing from the bundle") }
        return StrokeTable(tableText: table, overridesText: overrides)
    }()

    public init(tableText: String, overridesText: String) {
        var sequences: [Unicode.Scalar: [StrokeClass]] = [:]
        sequences.reserveCapacity(21_000)
        for line in tableText.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let scalar = fields[0].unicodeScalars.first else { continue }
            let strokes = fields[1].utf8.compactMap { StrokeClass(rawValue: $0 &- 48) }
            precondition(strokes.count == fields[1].utf8.count, "bad stroke sequence for \(scalar)")
            sequences[scalar] = strokes
        }
        var overrides: [Unicode.Scalar: StrokeOverride] = [:]
        for line in overridesText.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, let scalar = fields[0].unicodeScalars.first,
                  let decision = StrokeOverride.Decision(rawValue: String(fields[2])) else { continue }
            overrides[scalar] = StrokeOverride(character: scalar, decision: decision, reason: String(fields[3]))
        }
        // Rank = position in (stroke count, sequence, code point) order; the code point only
        // separates characters with identical sequences, which `sameSequence` reports.
        let ordered = sequences.keys.sorted { a, b in
            let sa = sequences[a]!, sb = sequences[b]!
            if sa.count != sb.count { return sa.count < sb.count }
            for (x, y) in zip(sa, sb) where x != y { return x.rawValue < y.rawValue }
            return a.value < b.value
        }
        var dense = [UInt32](repeating: 0, count: Self.denseLimit)
        for (index, scalar) in ordered.enumerated() where Int(scalar.value) < Self.denseLimit {
            dense[Int(scalar.value)] = UInt32(index + 1)
        }
        self.sequences = sequences
        self.overrides = overrides
        self.denseRank = dense
    }

    /// 1-based rank in 姓氏笔画 character order, or nil when the character is not in the table.
    @inline(__always)
    public func rank(of scalar: Unicode.Scalar) -> UInt32? {
        let v = Int(scalar.value)
        guard v < Self.denseLimit else { return nil }
        let r = denseRank[v]
        return r == 0 ? nil : r
    }

    public func strokeCount(of scalar: Unicode.Scalar) -> Int? { sequences[scalar]?.count }

    /// True when two different characters share one stroke sequence: the table cannot order
    /// them and falls back on code point, so a person should decide.
    public func sameSequence(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        a != b && sequences[a] != nil && sequences[a] == sequences[b]
    }
}
