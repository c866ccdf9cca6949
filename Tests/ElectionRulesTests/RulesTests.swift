import Foundation
import Testing
@testable import ElectionRules

@Suite struct QuorumTests {
    @Test func fourFifthsExampleFromRules() {
        #expect(Quorum.isMet(expected: 50, present: 40, profile: .basic))
        #expect(!Quorum.isMet(expected: 50, present: 40, profile: .basic, options: .init(quorumStrict: true)))
        #expect(Quorum.isMet(expected: 50, present: 41, profile: .basic, options: .init(quorumStrict: true)))
        #expect(!Quorum.isMet(expected: 50, present: 39, profile: .basic))
        // 4/5 of 7 is 5.6: 6 present meets it, 5 does not.
        #expect(Quorum.isMet(expected: 7, present: 6, profile: .basic))
        #expect(!Quorum.isMet(expected: 7, present: 5, profile: .basic))
    }

    @Test func localProfilesNeedMoreThanHalfAndTwoThirds() {
        #expect(!Quorum.isMet(expected: 300, present: 150, profile: .localCongress))   // exactly half
        #expect(Quorum.isMet(expected: 300, present: 151, profile: .localCongress))
        #expect(!Quorum.isMet(expected: 30, present: 20, profile: .localPlenary))      // exactly two thirds
        #expect(Quorum.isMet(expected: 30, present: 21, profile: .localPlenary))
    }
}

@Suite struct MarginTests {
    @Test("margin rounds up (进一法)", arguments: [
        (56, "0.2", 68), (3, "0.2", 4), (45, "0.1", 50), (56, "0.21", 68), (5, "0.2", 6), (10, "0.2", 12), (1, "0.2", 2),
    ])
    func minimumCandidates(seats: Int, ratio: String, expected: Int) {
        #expect(Margin.minimumCandidates(seats: seats, ratio: Ratio(decimal: ratio)!) == expected)
    }

    @Test func supplementaryListSizes() {
        let r = Ratio(1, 5)
        #expect(Margin.supplementaryCandidates(shortfall: 1, ratio: r) == 2)   // one seat → two candidates
        #expect(Margin.supplementaryCandidates(shortfall: 3, ratio: r) == 4)
        #expect(Margin.supplementaryCandidates(shortfall: 10, ratio: r) == 12)
    }

    @Test func ratioParsingIsExact() {
        #expect(Ratio(decimal: "0.21") == Ratio(21, 100))
        #expect(Ratio(decimal: "20%") == Ratio(1, 5))
        #expect(Ratio(decimal: "abc") == nil)
        #expect(Ratio(decimal: "-0.2") == nil)
        // Too many digits is refused, never an arithmetic trap.
        #expect(Ratio(decimal: "999999999.000000000001") == nil && Ratio(decimal: "0.0000000001") == nil)
        #expect(Ratio(decimal: "999999.999999999") == Ratio(999_999_999_999_999, 1_000_000_000))
        #expect(Ratio(999_999_999_999_999, 1_000_000_000).ceilTimes(1_000_000) == 1_000_000_000_000)
        #expect(Ratio(1, 5).ceilTimes(5) == 1)       // never 2 through 1.0000000000000002
        #expect(Ratio(1, 5).floorTimes(56) == 11)
        #expect(Ratio(1, 5).ceilTimes(56) == 12)     // 20% of 56 → 12
    }
}

@Suite struct ThresholdTests {
    @Test func workedExamples() {
        #expect(Threshold.smallestWinning(base: Threshold.base(profile: .basic, kind: .formal, expected: 50, present: 40)) == 21)
        #expect(Threshold.smallestWinning(base: Threshold.base(profile: .basic, kind: .formal, expected: 50, present: 41)) == 21)
        #expect(Threshold.smallestWinning(base: Threshold.base(profile: .localCongress, kind: .formal, expected: 300, present: 160)) == 151)
        #expect(Threshold.smallestWinning(base: Threshold.base(profile: .localPlenary, kind: .formal, expected: 300, present: 160)) == 151)
        // Preliminary rounds always use E.
        #expect(Threshold.base(profile: .basic, kind: .preliminary, expected: 50, present: 45) == 50)
    }
}

@Suite struct BallotValidityTests {
    let options = RuleOptions()

    @Test func overMarkedBallotIsInvalid() {
        let ballot = Ballot.marked(BallotMarks(for: [0, 1, 2, 3]))
        guard case .invalid = BallotRules.evaluate(ballot, seats: 3, options: options) else { Issue.record("should be invalid"); return }
    }

    @Test func writeInsCountTowardsTheLimit() {
        let ballot = Ballot.marked(BallotMarks(for: [0, 1], against: [2, 3], writeIns: ["赵五", "钱六"]))
        guard case .invalid = BallotRules.evaluate(ballot, seats: 3, options: options) else { Issue.record("should be invalid"); return }
        #expect(BallotRules.evaluate(ballot, seats: 4, options: options) ==
                .valid(for: [0, 1], against: [2, 3], writeIns: ["赵五", "钱六"]))
    }

    @Test func writeInWithoutAgainstMarkIsNotCounted() {
        let ballot = Ballot.marked(BallotMarks(for: [0], against: [1], writeIns: ["赵五", "钱六"]))
        #expect(BallotRules.evaluate(ballot, seats: 3, options: options) == .valid(for: [0], against: [1], writeIns: ["赵五"]))
    }

    @Test func blankBallotIsValid() {
        #expect(BallotRules.evaluate(.marked(BallotMarks()), seats: 3, options: options) == .valid(for: [], against: [], writeIns: []))
    }

    @Test func unreadableMarkDependsOnTheSetting() {
        let ballot = Ballot.marked(BallotMarks(for: [0], unreadable: [1]))
        #expect(BallotRules.evaluate(ballot, seats: 3, options: options) == .valid(for: [0], against: [], writeIns: []))
        guard case .invalid = BallotRules.evaluate(ballot, seats: 3, options: .init(partialInvalid: .wholeBallot)) else {
            Issue.record("wholeBallot should void the ballot"); return
        }
    }
}
