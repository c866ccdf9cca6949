import Foundation
import Documents
import Testing
import PropertyBased
@testable import ElectionRules

/// A random round built deterministically from a seed, so failures reproduce.
struct RandomRound {
    static func make(candidates n: Int, seats: Int, ballots count: Int, seed: Int, profile: RuleProfile = .basic) -> RoundInput {
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: seed))
        let names = Array(["王一", "李二", "张三", "刘四", "陈五", "杨六", "赵七", "黄八"].prefix(n))
        let writeInNames = ["孙甲", "周乙"]
        var list: [Ballot] = []
        for _ in 0..<count {
            if rng.next() % 10 == 0 { list.append(.declaredInvalid(reason: "无法辨认")); continue }
            var marks = BallotMarks()
            for j in 0..<n {
                switch rng.next() % 3 {
                case 0: marks.forMarks.append(j)
                case 1: marks.againstMarks.append(j)
                default: break
                }
            }
            if !marks.againstMarks.isEmpty && rng.next() % 4 == 0 {
                marks.writeIns = [writeInNames[Int(rng.next() % 2)]]
            }
            list.append(.marked(marks))
        }
        let present = count + Int(rng.next() % 3)
        var input = RoundInput(profile: profile, seats: seats, candidates: names, expected: present + Int(rng.next() % 2),
                               present: present, ballots: list)
        // Any number of candidates from one per seat: these properties are about counting, the
        // margin rule has tests of its own.
        input.margin = .ratio(Ratio(0, 1))
        return input
    }
}

/// The count, or an issue recorded: `propertyCheck` swallows an error thrown from its body
/// (it runs the body under `try?`), so a count that throws must be turned into a failure here.
func counted(_ input: RoundInput, sourceLocation: SourceLocation = #_sourceLocation) -> RoundReport? {
    do { return try RoundCounter.count(input, order: .strokes) } catch {
        Issue.record("count threw: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The row-by-row tally written from RULES §4 here, not with the code under test: a declared
/// invalid ballot is invalid; a write-in counts only while there is an against-mark for it, one
/// person once (the generator writes names without places or spaces); a ballot choosing more
/// than the seats is invalid; the rest count their marks.
func referenceTally(_ input: RoundInput) -> (for: [Int], against: [Int], valid: Int) {
    var f = [Int](repeating: 0, count: input.candidates.count), a = f, valid = 0
    for ballot in input.ballots {
        guard case .marked(let marks) = ballot else { continue }
        precondition(marks.unreadable.isEmpty && marks.placedWriteIns.isEmpty, "the generator makes neither")
        let writeIns = Set(marks.writeIns.prefix(marks.againstMarks.count)).count
        guard marks.forMarks.count + writeIns <= input.seats else { continue }
        valid += 1
        for j in marks.forMarks { f[j] += 1 }
        for j in marks.againstMarks { a[j] += 1 }
    }
    return (f, a, valid)
}

@Suite struct CountingProperties {
    static let shape = (Gen.int(in: 1...8), Gen.int(in: 1...8), Gen.int(in: 0...200), Gen.int(in: 0...Int.max))

    /// A count that throws fails the property (`counted`); rounds that were not counted (no
    /// quorum, void) are allowed, but most generated rounds must be counted or the test proves little.
    final class Tally: @unchecked Sendable {
        var generated = 0, counted = 0
        func check(atLeast share: Double) {
            #expect(generated > 0 && Double(counted) >= share * Double(generated), "only \(counted) of \(generated) rounds were counted")
        }
    }

    @Test func countsAddUpAndMatchTheRowByRowTally() async {
        let tally = Tally()
        await propertyCheck(count: 300, input: Self.shape.0, Self.shape.1, Self.shape.2, Self.shape.3) { n, s, b, seed in
            let input = RandomRound.make(candidates: n, seats: min(s, n), ballots: b, seed: seed)
            tally.generated += 1
            guard let report = counted(input), report.counted else { return }
            tally.counted += 1
            let reference = referenceTally(input)
            #expect(report.valid == reference.valid)
            for r in report.results where !r.writeIn {
                #expect(r.forVotes + r.againstVotes + r.abstain == report.valid)
                let j = input.candidates.firstIndex(of: r.name)!
                #expect(r.forVotes == reference.for[j] && r.againstVotes == reference.against[j])
            }
        }
        tally.check(atLeast: 0.5)
    }

    @Test func nobodyElectedWithHalfOrLessAndNeverMoreThanSeats() async {
        let tally = Tally()
        await propertyCheck(count: 300, input: Self.shape.0, Self.shape.1, Self.shape.2, Self.shape.3) { n, s, b, seed in
            for profile in RuleProfile.allCases {
                let input = RandomRound.make(candidates: n, seats: min(s, n), ballots: b, seed: seed, profile: profile)
                tally.generated += 1
                guard let report = counted(input), report.counted else { continue }
                tally.counted += 1
                // RULES §6 by hand: the basic profile counts on those present, the others on those expected.
                let base = profile == .basic ? input.present : input.expected
                #expect(report.elected.count <= input.seats)
                for r in report.results where r.status == .elected { #expect(2 * r.forVotes > base) }
                let open = input.seats - report.elected.count
                #expect(open == report.shortfall + (report.tieBreak?.seats ?? 0))
            }
        }
        tally.check(atLeast: 0.5)
    }

    @Test func ballotOrderDoesNotChangeTheResult() async {
        await propertyCheck(count: 200, input: Self.shape.0, Self.shape.1, Self.shape.2, Self.shape.3) { n, s, b, seed in
            var input = RandomRound.make(candidates: n, seats: min(s, n), ballots: b, seed: seed)
            let first = counted(input)
            var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: seed) ^ 0xABCD)
            input.ballots.shuffle(using: &rng)
            #expect(first != nil && first == counted(input))
        }
    }

    @Test func anInvalidBallotChangesNoCandidatesCounts() async {
        await propertyCheck(count: 200, input: Self.shape.0, Self.shape.1, Self.shape.2, Self.shape.3) { n, s, b, seed in
            var input = RandomRound.make(candidates: n, seats: min(s, n), ballots: b, seed: seed)
            input.present += 1; input.expected += 1; input.issued = input.present
            guard let before = counted(input), before.counted else { return }
            input.ballots.insert(.declaredInvalid(reason: "撕毁"), at: input.ballots.count / 2)
            guard let after = counted(input) else { return }
            #expect(after.invalid == before.invalid + 1 && after.valid == before.valid)
            let votes = { (r: RoundReport) in r.results.map { [$0.name: [$0.forVotes, $0.againstVotes, $0.abstain]] } }
            #expect(votes(after) == votes(before))
        }
    }
}
