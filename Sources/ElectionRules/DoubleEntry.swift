import Foundation
import RuleInput

/// A paper ballot as a counter keys it in (issue #13): per candidate ○ (for) or × (against) —
/// a candidate left out abstains — with write-ins under an ×; or the whole ballot declared
/// invalid with a reason. It carries no link to any voter.
public enum KeyedBallot: Sendable, Equatable {
    case marked(marks: [String: KeyedMark], writeIns: [KeyedWriteIn])
    case invalid(reason: String)

    /// Two keyings of the same paper agree when they say the same: write-ins in any order, names
    /// compared as the count compares them (NFKC, no white space).
    public func agrees(with other: KeyedBallot) -> Bool {
        switch (self, other) {
        case (.invalid, .invalid): return true   // the reason is a note; the ballot is invalid either way
        case (.marked(let a, let w), .marked(let b, let v)):
            return a == b && w.map(\.key).sorted() == v.map(\.key).sorted()
        default: return false
        }
    }

    /// Whether the ballot counts (RULES §4): invalid as declared, or when its for-marks, counted
    /// write-ins included, exceed the seats. A write-in counts only under an against-mark.
    public func validity(seats: Int) -> (valid: Bool, reason: String?) {
        switch self {
        case .invalid(let reason): return (false, reason)
        case .marked(let marks, let writeIns):
            let fors = marks.values.filter { $0 == .for }.count
            let counted = writeIns.filter { marks[$0.under] == .against }.count
            return fors + counted > seats ? (false, "赞成 \(fors + counted) 人，多于应选 \(seats) 名") : (true, nil)
        }
    }
}

public enum KeyedMark: String, Sendable, Codable, Equatable { case `for`, against }

public struct KeyedWriteIn: Sendable, Equatable {
    public let under: String
    public let name: String
    public init(under: String, name: String) { self.under = under; self.name = name }
    /// What two keyings are compared on.
    var key: String { under + "\u{1F}" + WriteInName.normalized(name) }
}

/// The names of write-ins as the count compares them.
public enum WriteInName {
    public static func normalized(_ name: String) -> String {
        String(name.precomposedStringWithCompatibilityMapping.unicodeScalars.filter { !$0.properties.isWhitespace })
    }
}

/// One numbered batch (a bundle of paper ballots with its count), keyed twice by different
/// counters. The second entry is told which ballots differ, never the first entry's values;
/// what still differs once both are finalised goes to a scrutineer, who keeps one entry's
/// ballot or sends one entry back to be keyed again from the paper. Nothing is overwritten
/// silently: a keyed ballot changes only while its entry is open, and every change is the
/// caller's to record. Only a batch whose ballots all agree (or are resolved) counts.
public struct DoubleEntryBatch: Sendable, Equatable {
    public enum EntryNumber: Int, Sendable, CaseIterable { case first = 1, second = 2 }

    /// What keying a ballot did: a new ballot, the same again (an idempotent retry), or a change while open.
    public enum Keyed: Sendable, Equatable { case created, unchanged, replaced }

    public let size: Int
    public private(set) var ballots: [EntryNumber: [Int: KeyedBallot]] = [.first: [:], .second: [:]]
    public private(set) var finalised: Set<EntryNumber> = []
    /// The scrutineer's decisions: which entry's ballot stands for a differing number.
    public private(set) var kept: [Int: EntryNumber] = [:]

    public static let maxSize = 1_000

    public init(size: Int) throws(InputError) {
        guard (1...Self.maxSize).contains(size) else {
            throw InputError(field: "size", code: "batch.size.outOfRange", message: "一批选票应为1至\(Self.maxSize)张")
        }
        self.size = size
    }

    func check(_ number: Int) throws(InputError) { try Self.check(number, size: size) }

    static func check(_ number: Int, size: Int) throws(InputError) {
        guard (1...size).contains(number) else {
            throw InputError(field: "number", code: "batch.number.outOfRange", message: "本批选票编号应在1至\(size)之间")
        }
    }

    @discardableResult
    public mutating func key(_ ballot: KeyedBallot, number: Int, entry: EntryNumber) throws(InputError) -> Keyed {
        let outcome = try Self.keying(ballot, number: number, size: size, over: ballots[entry]![number], entry: entry, finalised: finalised.contains(entry))
        if outcome != .unchanged { ballots[entry]![number] = ballot }
        return outcome
    }

    /// What keying `ballot` as `number` of a batch of `size` does over the entry's `earlier`
    /// keying of it: the same again changes nothing; anything else is refused once the entry is
    /// finalised. For a caller that holds only that one keying, not the whole batch.
    public static func keying(_ ballot: KeyedBallot, number: Int, size: Int, over earlier: KeyedBallot?, entry: EntryNumber,
                              finalised: Bool) throws(InputError) -> Keyed {
        try check(number, size: size)
        if let earlier, earlier == ballot { return .unchanged }
        guard !finalised else {
            throw InputError(field: "entry", code: "entry.finalised", message: "第 \(entry.rawValue) 次录入已提交，不能再改")
        }
        return earlier == nil ? .created : .replaced
    }

    /// Ends an entry: every ballot of the batch must be keyed.
    public mutating func finalise(_ entry: EntryNumber) throws(InputError) {
        let missing = (1...size).filter { ballots[entry]![$0] == nil }
        guard missing.isEmpty else {
            throw InputError(field: "entry", code: "entry.incomplete",
                             message: "第 \(entry.rawValue) 次录入还缺 \(missing.count) 张（第 \(missing.prefix(5).map(String.init).joined(separator: "、")) 张…）")
        }
        finalised.insert(entry)
    }

    /// The numbers whose two keyings disagree (both keyed) and that no scrutineer has settled.
    public var differences: [Int] {
        (1...size).filter { n in
            guard kept[n] == nil, let a = ballots[.first]![n], let b = ballots[.second]![n] else { return false }
            return !a.agrees(with: b)
        }
    }

    /// A scrutineer keeps one entry's ballot for a differing number (both entries finalised).
    public mutating func keep(_ entry: EntryNumber, number: Int) throws(InputError) {
        try checkResolvable(number)
        kept[number] = entry
    }

    /// A scrutineer sends one entry's ballot back to be keyed again from the paper: that
    /// entry reopens for it (its other ballots stay as they are).
    public mutating func reenter(_ entry: EntryNumber, number: Int) throws(InputError) {
        try checkResolvable(number)
        ballots[entry]![number] = nil
        finalised.remove(entry)
    }

    func checkResolvable(_ number: Int) throws(InputError) {
        try check(number)
        guard finalised.count == 2 else {
            throw InputError(field: "number", code: "batch.notFinalised", message: "两次录入都提交后才能裁定")
        }
        guard differences.contains(number) else {
            throw InputError(field: "number", code: "batch.noDifference", message: "第 \(number) 张两次录入一致，无须裁定")
        }
    }

    /// Restores a scrutineer's recorded decision without re-checking it (a later send-back may
    /// have reopened an entry since).
    public mutating func restoreKept(_ entry: EntryNumber, number: Int) { kept[number] = entry }

    /// The batch's ballots once definitive — both entries finalised, every number agreeing or
    /// settled — in number order; nil before.
    public var definitive: [KeyedBallot]? {
        guard finalised.count == 2, differences.isEmpty else { return nil }
        return (1...size).map { n in ballots[kept[n] ?? .first]![n]! }
    }
}
