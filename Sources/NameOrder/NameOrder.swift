import Foundation

/// How names with the same first character are compared (NAME-ORDER.md).
public enum NameConvention: String, Sendable, CaseIterable, Codable {
    /// 姓氏笔画: a single-character given name counts as a blank and comes first.
    case a = "A"
    /// 姓名笔画: position by position with no blank.
    case b = "B"
}

/// A precomputed sort key: compare keys, not strings, when sorting many names.
public struct NameSortKey: Comparable, Hashable, Sendable {
    fileprivate let units: [UInt32]

    public static func < (lhs: NameSortKey, rhs: NameSortKey) -> Bool {
        for (x, y) in zip(lhs.units, rhs.units) where x != y { return x < y }
        return lhs.units.count < rhs.units.count
    }

    /// The key as text that sorts byte by byte in the same order (8 lowercase hex digits a
    /// unit), so a database can keep it in a column and `ORDER BY` it.
    public var storageText: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.count * 8)
        for unit in units {
            for shift in stride(from: 28, through: 0, by: -4) { bytes.append(digits[Int(unit >> UInt32(shift) & 0xF)]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// 姓氏笔画 ordering of names. All lists, ballots and reports call this.
public struct NameOrder: Sendable {
    public let convention: NameConvention
    public let table: StrokeTable

    public init(convention: NameConvention = .a, table: StrokeTable = .shared) {
        self.convention = convention
        self.table = table
    }

    // Unit values: the blank of convention A sorts first, then the `·` that ends a unit of a
    // transliterated name, then known characters by rank, then unknown ones by code point.
    static let blankUnit: UInt32 = 0
    static let separatorUnit: UInt32 = 1
    static let unknownBase: UInt32 = 0x4000_0000

    static let separators: Set<Unicode.Scalar> = ["\u{00B7}", "\u{30FB}", "\u{2022}", "\u{2027}", "\u{FF65}"]
    static let openingBrackets: Set<Unicode.Scalar> = ["(", "（", "[", "【", "〔"]
    static let closingBrackets: Set<Unicode.Scalar> = [")", "）", "]", "】", "〕"]

    /// The name as it is sorted: annotations in brackets and all white space removed,
    /// the several middle-dot characters folded into `·`.
    public static func normalized(_ name: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var depth = 0
        for scalar in name.unicodeScalars {
            if openingBrackets.contains(scalar) { depth += 1; continue }
            if closingBrackets.contains(scalar) { depth = max(0, depth - 1); continue }
            if depth > 0 || scalar.properties.isWhitespace { continue }
            out.append(separators.contains(scalar) ? "\u{00B7}" : scalar)
        }
        return out
    }

    func units(of scalars: [Unicode.Scalar]) -> [UInt32] {
        var units: [UInt32] = []
        units.reserveCapacity(scalars.count + 1)
        for (index, scalar) in scalars.enumerated() {
            if convention == .a && index == 1 && scalars.count == 2 && scalar != "\u{00B7}" && scalars[0] != "\u{00B7}" {
                units.append(Self.blankUnit)
            }
            if scalar == "\u{00B7}" {
                units.append(Self.separatorUnit)
            } else if let rank = table.rank(of: scalar) {
                units.append(rank + 1)
            } else {
                units.append(Self.unknownBase + scalar.value)
            }
        }
        return units
    }

    public func key(_ name: String) -> NameSortKey {
        NameSortKey(units: units(of: Self.normalized(name)))
    }

    public func areInIncreasingOrder(_ a: String, _ b: String) -> Bool { key(a) < key(b) }

    /// Stable sort of any items by a name: identical names keep their input order (ties).
    public func sorted<T>(_ items: [T], by name: (T) -> String) -> [T] {
        let keyed = items.enumerated().map { (key: key(name($0.element)), offset: $0.offset, item: $0.element) }
        return keyed.sorted { $0.key != $1.key ? $0.key < $1.key : $0.offset < $1.offset }.map(\.item)
    }

    public func sorted(_ names: [String]) -> [String] { sorted(names, by: { $0 }) }

    /// Characters of the name the stroke table does not know (placed last, with a warning).
    public func unknownCharacters(in name: String) -> [Character] {
        Self.normalized(name).filter { $0 != "\u{00B7}" && table.rank(of: $0) == nil }.map(Character.init)
    }
}
