import Testing
import ElectionRules
import RuleInput

/// Double entry of a batch (issue #13): two keyings, differences flagged, a scrutineer keeps or
/// sends back, only an agreed batch counts; validity decided from the marks.
@Suite struct DoubleEntryTests {
    static let forA = KeyedBallot.marked(marks: ["a": .for], writeIns: [])
    static let againstAWithZhao = KeyedBallot.marked(marks: ["a": .against], writeIns: [.init(under: "a", name: "赵志刚")])

    static func code(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as InputError { return error.code } catch { return "not an InputError: \(error)" }
    }

    @Test func validityFollowsTheRuleBook() {
        // Seats 2: two for-marks are valid, three are not; a write-in counts only under an against-mark.
        #expect(KeyedBallot.marked(marks: ["a": .for, "b": .for], writeIns: []).validity(seats: 2).valid)
        #expect(!KeyedBallot.marked(marks: ["a": .for, "b": .for, "c": .for], writeIns: []).validity(seats: 2).valid)
        #expect(!KeyedBallot.marked(marks: ["a": .for, "b": .for, "c": .against], writeIns: [.init(under: "c", name: "赵志刚")]).validity(seats: 2).valid)
        #expect(KeyedBallot.marked(marks: ["a": .for, "b": .for], writeIns: [.init(under: "c", name: "赵志刚")]).validity(seats: 2).valid)
        #expect(KeyedBallot.marked(marks: [:], writeIns: []).validity(seats: 2).valid)   // blank: abstains on everyone
        #expect(KeyedBallot.invalid(reason: "涂改无法辨认").validity(seats: 2) == (false, "涂改无法辨认"))
    }

    @Test func keyingsAgreeOnWhatTheySayNotHowTheyWereTyped() {
        let a = KeyedBallot.marked(marks: ["a": .against, "b": .against], writeIns: [.init(under: "a", name: "赵　志刚"), .init(under: "b", name: "钱一")])
        let b = KeyedBallot.marked(marks: ["b": .against, "a": .against], writeIns: [.init(under: "b", name: "钱一"), .init(under: "a", name: "赵志刚 ")])
        #expect(a.agrees(with: b))
        #expect(!a.agrees(with: .marked(marks: ["a": .against, "b": .against], writeIns: [.init(under: "b", name: "赵志刚"), .init(under: "a", name: "钱一")])))
        #expect(KeyedBallot.invalid(reason: "撕毁").agrees(with: .invalid(reason: "无法辨认")))
        #expect(!Self.forA.agrees(with: .marked(marks: [:], writeIns: [])))
    }

    @Test func aBatchIsDefinitiveOnlyWhenBothEntriesAgreeOrAreSettled() throws {
        var batch = try DoubleEntryBatch(size: 3)
        #expect(try batch.key(Self.forA, number: 1, entry: .first) == .created)
        #expect(try batch.key(Self.forA, number: 1, entry: .first) == .unchanged)   // a retry changes nothing
        #expect(try batch.key(Self.againstAWithZhao, number: 1, entry: .first) == .replaced)
        #expect(try batch.key(Self.forA, number: 1, entry: .first) == .replaced)
        #expect(Self.code { try batch.key(Self.forA, number: 4, entry: .first) } == "batch.number.outOfRange")
        #expect(Self.code { try batch.finalise(.first) } == "entry.incomplete")
        try batch.key(.marked(marks: [:], writeIns: []), number: 2, entry: .first)
        try batch.key(.invalid(reason: "无法辨认"), number: 3, entry: .first)
        try batch.finalise(.first)
        #expect(Self.code { try batch.key(Self.againstAWithZhao, number: 1, entry: .first) } == "entry.finalised")
        #expect(try batch.key(Self.forA, number: 1, entry: .first) == .unchanged)   // the same again answers as before
        // The second counter keys ballot 2 differently: blind — nothing differs while entry 2 is open.
        try batch.key(Self.forA, number: 1, entry: .second)
        try batch.key(Self.forA, number: 2, entry: .second)
        #expect(batch.differences.isEmpty)
        try batch.key(.invalid(reason: "撕毁"), number: 3, entry: .second)
        #expect(batch.definitive == nil && batch.differences.isEmpty)
        #expect(Self.code { try batch.keep(.first, number: 2) } == "batch.notFinalised")
        try batch.finalise(.second)
        #expect(batch.definitive == nil && batch.differences == [2])
        #expect(Self.code { try batch.keep(.first, number: 1) } == "batch.noDifference")
        // Sent back to the second counter: only ballot 2; the entry stays submitted.
        try batch.reenter(.second, number: 2)
        #expect(batch.finalised == [.first, .second] && batch.sentBack == [.second: [2]] && batch.definitive == nil && batch.differences.isEmpty)
        #expect(Self.code { try batch.key(Self.againstAWithZhao, number: 1, entry: .second) } == "entry.finalised")
        #expect(Self.code { try batch.key(Self.againstAWithZhao, number: 3, entry: .second) } == "entry.finalised")
        try batch.key(.marked(marks: [:], writeIns: []), number: 2, entry: .second)
        #expect(batch.sentBack.isEmpty && batch.differences.isEmpty)
        // Re-keyed once: a second change of the same ballot is refused.
        #expect(Self.code { try batch.key(Self.forA, number: 2, entry: .second) } == "entry.finalised")
        #expect(batch.definitive == [Self.forA, .marked(marks: [:], writeIns: []), .invalid(reason: "无法辨认")])
    }

    /// A ballot settled by "keep" cannot be changed by a later send-back of another one: the
    /// send-back reopens that ballot alone (before, it reopened the whole entry).
    @Test func aKeptBallotStaysKeptWhenAnotherIsSentBack() throws {
        var batch = try DoubleEntryBatch(size: 2)
        let blank = KeyedBallot.marked(marks: [:], writeIns: [])
        try batch.key(Self.forA, number: 1, entry: .first)
        try batch.key(Self.forA, number: 2, entry: .first)
        try batch.key(blank, number: 1, entry: .second)
        try batch.key(blank, number: 2, entry: .second)
        try batch.finalise(.first)
        try batch.finalise(.second)
        #expect(batch.differences == [1, 2])
        try batch.keep(.first, number: 1)
        try batch.reenter(.second, number: 2)
        #expect(Self.code { try batch.key(Self.againstAWithZhao, number: 1, entry: .second) } == "entry.finalised")
        try batch.key(Self.forA, number: 2, entry: .second)
        #expect(batch.definitive == [Self.forA, Self.forA])
    }

    /// The entry's validity and the count's are one rule: a person written twice is one choice.
    @Test func entryValidityIsTheCountsValidity() {
        let twice = KeyedBallot.marked(marks: ["a": .for, "b": .against, "c": .against],
                                       writeIns: [.init(under: "b", name: "赵志刚"), .init(under: "c", name: "赵　志刚")])
        // Seats 2: ○ a plus 赵志刚 (written twice, one person) is two choices — valid. Before, entry said three.
        #expect(twice.validity(seats: 2).valid)
        #expect(!twice.validity(seats: 1).valid)
    }

    @Test func aScrutineerKeepsOneEntry() throws {
        var batch = try DoubleEntryBatch(size: 1)
        try batch.key(Self.forA, number: 1, entry: .first)
        try batch.key(Self.againstAWithZhao, number: 1, entry: .second)
        try batch.finalise(.first)
        try batch.finalise(.second)
        try batch.keep(.second, number: 1)
        #expect(batch.differences.isEmpty && batch.definitive == [Self.againstAWithZhao])
        #expect(Self.code { _ = try DoubleEntryBatch(size: 0) } == "batch.size.outOfRange")
        #expect(Self.code { _ = try DoubleEntryBatch(size: DoubleEntryBatch.maxSize + 1) } == "batch.size.outOfRange")
    }
}

/// An unreadable mark keyed at entry follows `partialInvalid` (RULES §4) through the count's own rule.
@Suite struct KeyedUnreadableMarkTests {
    @Test func markOnlyAbstainsWholeBallotInvalidates() {
        let ballot = KeyedBallot.marked(marks: ["a": .for, "b": .unreadable], writeIns: [])
        #expect(ballot.validity(seats: 1, options: RuleOptions(partialInvalid: .markOnly)).valid)
        #expect(!ballot.validity(seats: 1, options: RuleOptions(partialInvalid: .wholeBallot)).valid)
        // The unreadable mark is no for-mark: ○ a alone fits one seat.
        #expect(ballot.ballot(index: ["a": 0, "b": 1]) == .marked(BallotMarks(for: [0], unreadable: [1])))
    }
}
