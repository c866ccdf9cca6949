import Foundation
import RuleInput

/// A paper ballot as a counter keys it in (issue #13): per candidate ○ (for), × (against) or a
/// mark nobody can read (RULES §4, `partialInvalid` decides) — a candidate left out abstains —
/// with write-ins under an ×; or the whole ballot declared invalid with a reason. It carries no
/// link to any voter.
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

    /// The ballot as the count reads it, candidates by their place in `index` (their place on the
    /// ballot; an id not in it is left out).
    public func ballot(index: [String: Int]) -> Ballot {
        switch self {
        case .invalid(let reason): return .declaredInvalid(reason: reason)
        case .marked(let marks, let writeIns):
            var ballot = BallotMarks(for: marks.filter { $0.value == .for }.compactMap { index[$0.key] }.sorted(),
                                     against: marks.filter { $0.value == .against }.compactMap { index[$0.key] }.sorted(),
                                     unreadable: marks.filter { $0.value == .unreadable }.compactMap { index[$0.key] }.sorted())
            ballot.placedWriteIns = writeIns.compactMap { w in index[w.under].map { PlacedWriteIn(under: $0, name: w.name) } }
            return .marked(ballot)
        }
    }

    /// Whether the ballot counts (RULES §4), decided by the one rule the count applies
    /// (`BallotRules.evaluate`) with the election's options: entry, review, count and report
    /// cannot disagree.
    public func validity(seats: Int, options: RuleOptions = RuleOptions()) -> (valid: Bool, reason: String?) {
        // Validity depends on how many are chosen, not on who: any one place per id will do.
        let ids: [String]
        switch self {
        case .invalid: ids = []
        case .marked(let marks, let writeIns): ids = Array(Set(marks.keys).union(writeIns.map(\.under))).sorted()
        }
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        switch BallotRules.evaluate(ballot(index: index), seats: seats, options: options) {
        case .valid: return (true, nil)
        case .invalid(let reason): return (false, reason)
        }
    }
}

public enum KeyedMark: String, Sendable, Codable, Equatable { case `for`, against, unreadable }

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
/// counters, blind (RULES §8): neither entry learns anything of the other while it is open —
/// `differences` is empty until both are finalised. Then a scrutineer keeps one entry's ballot
/// for a differing number, or sends that one ballot back to one counter: the entry stays
/// finalised, that ballot alone is keyed again from the paper (blind as before), and the rest
/// of the entry cannot change. Nothing is overwritten silently: every change is the caller's to
/// record. Only a batch whose ballots all agree (or are settled) counts.
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
    /// finalised — except a ballot the scrutineer sent back, which a finalised entry lacks and
    /// may key once more. For a caller that holds only that one keying, not the whole batch.
    public static func keying(_ ballot: KeyedBallot, number: Int, size: Int, over earlier: KeyedBallot?, entry: EntryNumber,
                              finalised: Bool) throws(InputError) -> Keyed {
        try check(number, size: size)
        if let earlier, earlier == ballot { return .unchanged }
        guard !finalised || earlier == nil else {
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

    /// The numbers whose two keyings disagree and that no scrutineer has settled — only once
    /// both entries are finalised; while either is open, nothing (the entry is blind).
    public var differences: [Int] {
        guard finalised.count == 2 else { return [] }
        return (1...size).filter { n in
            guard kept[n] == nil, let a = ballots[.first]![n], let b = ballots[.second]![n] else { return false }
            return !a.agrees(with: b)
        }
    }

    /// The ballots sent back and not yet keyed again, by entry: a finalised entry's gaps.
    public var sentBack: [EntryNumber: [Int]] {
        var pending: [EntryNumber: [Int]] = [:]
        for entry in finalised {
            let gaps = (1...size).filter { ballots[entry]![$0] == nil }
            if !gaps.isEmpty { pending[entry] = gaps }
        }
        return pending
    }

    /// A scrutineer keeps one entry's ballot for a differing number (both entries finalised).
    public mutating func keep(_ entry: EntryNumber, number: Int) throws(InputError) {
        try checkResolvable(number)
        kept[number] = entry
    }

    /// A scrutineer sends one entry's ballot back to be keyed again from the paper: only that
    /// ballot; the entry stays finalised and its other ballots as they are.
    public mutating func reenter(_ entry: EntryNumber, number: Int) throws(InputError) {
        try checkResolvable(number)
        ballots[entry]![number] = nil
    }

    func checkResolvable(_ number: Int) throws(InputError) {
        try check(number)
        guard finalised.count == 2 else {
            throw InputError(field: "number", code: "batch.notFinalised", message: "两次录入都提交后才能裁定")
        }
        if let entry = kept[number] {
            throw InputError(field: "number", code: "batch.alreadyKept", message: "第 \(number) 张已裁定以第 \(entry.rawValue) 次录入为准")
        }
        guard differences.contains(number) else {
            throw InputError(field: "number", code: "batch.noDifference", message: "第 \(number) 张两次录入一致，无须裁定")
        }
    }

    /// Restores a stored batch without re-checking what was checked when it happened: the
    /// submitted entries (a send-back since leaves a gap in one) and the scrutineer's decisions.
    public mutating func restore(finalised entries: Set<EntryNumber>, kept decisions: [Int: EntryNumber]) {
        finalised = entries
        kept = decisions
    }

    /// The batch's ballots once definitive — both entries finalised, nothing sent back, every
    /// number agreeing or settled — in number order; nil before.
    public var definitive: [KeyedBallot]? {
        guard finalised.count == 2, sentBack.isEmpty, differences.isEmpty else { return nil }
        return (1...size).map { n in ballots[kept[n] ?? .first]![n]! }
    }
}
