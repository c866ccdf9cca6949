import Foundation
import Documents
import Testing
@testable import ElectionRules

/// Builds ballots from a compact notation: "○○×." per candidate, then optional write-ins.
func ballots(_ rows: [String], writeIns: [[String]] = []) -> [Ballot] {
    rows.enumerated().map { i, row in
        if row == "invalid" { return .declaredInvalid(reason: "涂改无法辨认") }
        var marks = BallotMarks()
        for (j, ch) in row.enumerated() {
            if ch == "○" { marks.forMarks.append(j) }
            if ch == "×" { marks.againstMarks.append(j) }
            if ch == "?" { marks.unreadable.append(j) }
        }
        if i < writeIns.count { marks.writeIns = writeIns[i] }
        return .marked(marks)
    }
}

func repeated(_ row: String, _ n: Int) -> [String] { Array(repeating: row, count: n) }

@Suite struct RoundCountTests {
    let four = ["王一", "李二", "张三", "刘四"]

    @Test func issueExampleShapesTheReport() throws {
        let input = RoundInput(seats: 3, candidates: four, expected: 50, present: 45,
                               ballots: ballots(["○○×", "", "invalid"], writeIns: [["赵五"]]))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.quorum == QuorumReport(met: true, expected: 50, present: 45))
        #expect(report.counted && !report.void)
        #expect(report.returned == 3 && report.valid == 2 && report.invalid == 1)
        #expect(report.threshold == 23)
        let wang = try #require(report.results.first { $0.name == "王一" })
        #expect((wang.forVotes, wang.againstVotes, wang.abstain) == (1, 0, 1))
        let zhao = try #require(report.results.first { $0.name == "赵五" })
        #expect(zhao.writeIn && zhao.forVotes == 1 && zhao.againstVotes == 0 && zhao.abstain == 0)
        #expect(report.elected.isEmpty && report.shortfall == 3)
        #expect(report.supplementary?.candidates.count == 4)   // 3 + ⌈3×0.2⌉ = 4, listed candidates only
        #expect(report.supplementary?.candidates.contains("赵五") == false)
    }

    @Test func exactlyHalfNeverWins() throws {
        // P = 40: 20 for-votes is exactly half.
        let rows = repeated("○×××", 20) + repeated("×○××", 21)
        let input = RoundInput(seats: 3, candidates: four, expected: 41, present: 41, ballots: ballots(rows))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.threshold == 21)
        #expect(report.elected == ["李二"])
        #expect(report.results.first { $0.name == "王一" }?.status == .belowThreshold)
        let exactlyHalf = RoundInput(seats: 3, candidates: four, expected: 40, present: 40, ballots: ballots(repeated("○×××", 20)))
        #expect(try RoundCounter.count(exactlyHalf, order: .strokes).elected.isEmpty)
    }

    @Test func exactlyFourFifthsCountsAndOneLessDoesNot() throws {
        let met = RoundInput(seats: 1, candidates: ["王一", "李二"], expected: 50, present: 40, ballots: ballots(repeated("○×", 40)))
        #expect(try RoundCounter.count(met, order: .strokes).counted)
        let notMet = RoundInput(seats: 1, candidates: ["王一", "李二"], expected: 50, present: 39, ballots: ballots(repeated("○×", 39)))
        let report = try RoundCounter.count(notMet, order: .strokes)
        #expect(!report.counted && !report.void && report.results.isEmpty)
        #expect(report.problems.first?.contains("五分之四") == true)
        let strict = RoundInput(seats: 1, candidates: ["王一", "李二"], expected: 50, present: 40,
                                options: .init(quorumStrict: true), ballots: ballots(repeated("○×", 40)))
        #expect(try !RoundCounter.count(strict, order: .strokes).counted)
    }

    @Test func moreBallotsReturnedThanIssuedVoidsTheRound() throws {
        let input = RoundInput(seats: 1, candidates: ["王一", "李二"], expected: 10, present: 10, issued: 9,
                               ballots: ballots(repeated("○×", 10)))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.void && !report.counted && report.elected.isEmpty)
        #expect(report.problems.first?.contains("重新投票") == true)
        let fewer = RoundInput(seats: 1, candidates: ["王一", "李二"], expected: 10, present: 10, issued: 10,
                               ballots: ballots(repeated("○×", 9)))
        let counted = try RoundCounter.count(fewer, order: .strokes)
        #expect(counted.counted && counted.returned == 9 && counted.elected == ["王一"])
    }

    @Test func tieAtTheCutOffGoesToATieBreak() throws {
        // 2 seats; 王一 30, 李二 and 张三 25 each, all over the threshold of 21 (P = 40).
        let rows = repeated("○○×.", 15) + repeated("○.○.", 15) + repeated(".○○.", 10)
        let input = RoundInput(seats: 2, candidates: four, expected: 40, present: 40, ballots: ballots(rows))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.elected == ["王一"])
        #expect(report.tieBreak == SeatContest(seats: 1, candidates: ["李二", "张三"]))
        #expect(report.shortfall == 0 && report.supplementary == nil)
        #expect(report.results.filter { $0.status == .tie }.map(\.name) == ["李二", "张三"])
    }

    @Test func tieInsideTheSeatsNeedsNoTieBreak() throws {
        // 2 seats; 李二 and 张三 tie at 25 but 王一 has 22: both tied people are inside the seats.
        let rows = repeated("○○..", 11) + repeated("○.○.", 11) + repeated(".○○.", 14)
        let input = RoundInput(seats: 2, candidates: four, expected: 40, present: 40, ballots: ballots(rows))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.elected == ["李二", "张三"])
        #expect(report.tieBreak == nil)
        #expect(report.results.first { $0.name == "王一" }?.status == .outranked)
    }

    @Test func tieBreakRoundElectsTheMostVotesWithoutThreshold() throws {
        let input = RoundInput(kind: .tieBreak, seats: 1, candidates: ["李二", "张三"], expected: 40, present: 40,
                               ballots: ballots(repeated("○.", 12) + repeated(".○", 10) + repeated("..", 18)))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.threshold == nil)
        #expect(report.elected == ["李二"])
    }

    @Test func writeInCanWin() throws {
        let rows = repeated("○×", 25) + repeated("××", 5)
        var input = RoundInput(seats: 2, candidates: ["王一", "李二"], expected: 30, present: 30,
                               ballots: ballots(rows, writeIns: Array(repeating: ["赵五"], count: 30)))
        input.margin = .equal
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.elected == ["王一", "赵五"])
        #expect(report.results.first { $0.name == "赵五" }?.forVotes == 30)
    }

    @Test func shortfallOfOneSeatProposesTwoCandidates() throws {
        let rows = repeated("○○..", 30) + repeated("..○.", 10)
        let input = RoundInput(seats: 3, candidates: four, expected: 40, present: 40, ballots: ballots(rows))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.elected == ["王一", "李二"])
        #expect(report.shortfall == 1)
        #expect(report.supplementary == SeatContest(seats: 1, candidates: ["张三", "刘四"]))
    }

    @Test func shortfallOfSeveralSeats() throws {
        let names = ["王一", "李二", "张三", "刘四", "陈五", "杨六", "赵七"]
        let rows = repeated("○○○○○..", 10) + repeated("○......", 25)
        let input = RoundInput(seats: 5, candidates: names, expected: 40, present: 40, ballots: ballots(rows))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.elected == ["王一"])
        #expect(report.shortfall == 4)
        // 4 + ⌈4 × 0.2⌉ = 5 wanted, but only 6 remain: 李二…陈五 tie at 10 (姓氏笔画), then 杨六, 赵七 at 0.
        #expect(report.supplementary?.seats == 4)
        #expect(report.supplementary?.candidates == ["刘四", "李二", "张三", "陈五", "杨六"])
    }

    @Test func localCongressUsesExpectedAsBase() throws {
        let rows = repeated("○.", 151) + repeated(".○", 9)
        let local = RoundInput(profile: .localCongress, seats: 1, candidates: ["王一", "李二"], expected: 300, present: 160, ballots: ballots(rows))
        let report = try RoundCounter.count(local, order: .strokes)
        #expect(report.threshold == 151 && report.elected == ["王一"])
        let basic = RoundInput(profile: .basic, seats: 1, candidates: ["王一", "李二"], expected: 200, present: 160, ballots: ballots(rows))
        #expect(try RoundCounter.count(basic, order: .strokes).threshold == 81)
        let lower = RoundInput(profile: .localCongress, seats: 1, candidates: ["王一", "李二"], expected: 300, present: 160,
                               ballots: ballots(repeated("○.", 150) + repeated(".○", 10)))
        #expect(try RoundCounter.count(lower, order: .strokes).elected.isEmpty)
    }

    @Test func invalidAndBlankBallots() throws {
        let rows = ["○○○○", "invalid", "", "○×.."]
        let input = RoundInput(seats: 3, candidates: four, expected: 4, present: 4, ballots: ballots(rows))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.valid == 2 && report.invalid == 2)
        let li = try #require(report.results.first { $0.name == "李二" })
        #expect((li.forVotes, li.againstVotes, li.abstain) == (0, 1, 1))
    }

    /// RULES §3: a formal round below its margin is refused with a code, not counted with a warning.
    @Test func aFormalRoundBelowItsMarginIsRefused() throws {
        let input = RoundInput(seats: 3, candidates: ["王一", "李二", "张三"], expected: 10, present: 10, ballots: ballots(repeated("○○○", 10)))
        #expect(throws: CountInputError.self) { try RoundCounter.count(input, order: .strokes) }
        do { _ = try RoundCounter.count(input, order: .strokes) } catch {
            #expect(error.code == "round.margin.tooSmall" && error.field == "candidates")
            #expect(error.message.contains("应有至少4名"))
        }
    }

    @Test func preliminaryRoundNeedsMoreThanHalfOfExpected() throws {
        let rows = repeated("○○.", 26) + repeated("..○", 19)
        let input = RoundInput(kind: .preliminary, seats: 2, candidates: ["王一", "李二", "张三"], expected: 50, present: 45, ballots: ballots(rows))
        let report = try RoundCounter.count(input, order: .strokes)
        #expect(report.threshold == 26)
        #expect(report.elected == ["王一", "李二"])
    }

    @Test func malformedInputNamesTheField() {
        func fault(_ input: RoundInput) -> CountInputError? {
            do { _ = try RoundCounter.count(input, order: .strokes); return nil } catch { return error }
        }
        #expect(fault(RoundInput(seats: 1, candidates: ["王一", "王一"], expected: 5, present: 5, ballots: []))?.field == "candidates[1]")
        #expect(fault(RoundInput(seats: 1, candidates: ["王一"], expected: 5, present: 6, ballots: []))?.field == "present")
        #expect(fault(RoundInput(seats: 1, candidates: ["王一"], expected: 5, present: 5, issued: 6, ballots: []))?.field == "issued")
        #expect(fault(RoundInput(seats: 1, candidates: ["王一"], expected: -1, present: 0, ballots: []))?.field == "expected")
        #expect(fault(RoundInput(seats: 1, candidates: ["王一"], expected: 5, present: 5,
                                 ballots: [.marked(BallotMarks(for: [0], against: [0]))]))?.field == "ballots[0]")
        #expect(fault(RoundInput(seats: 1, candidates: ["王一"], expected: 5, present: 5,
                                 ballots: [.marked(BallotMarks(against: [0], writeIns: [" 　"]))]))?.field == "ballots[0].writeIns[0]")
    }

    @Test func jsonParserReportsUnknownCandidatesAndBadNumbers() throws {
        func fault(_ json: String) -> CountInputError? {
            do { _ = try RoundCounter.count(try RoundInputParser.parse(Data(json.utf8)), order: .strokes); return nil } catch { return error }
        }
        #expect(fault(#"{"seats":1,"candidates":["王一"],"expected":5,"present":5,"ballots":[{"for":["赵六"]}]}"#)?.field == "ballots[0].for")
        #expect(fault(#"{"seats":1.5,"candidates":["王一"],"expected":5,"present":5}"#)?.field == "seats")
        #expect(fault(#"{"candidates":["王一"],"expected":5,"present":5}"#)?.field == "seats")
        #expect(fault(#"{"seats":1,"candidates":["王一"],"expected":5,"present":5,"colour":1}"#)?.field == "colour")
        #expect(fault("not json")?.field == "(根)")
        #expect(fault(#"{"seats":1,"candidates":["王一","李二"],"expected":5,"present":5,"scrutineers":["赵五","王一"]}"#)?.field == "scrutineers[1]")
        let input = try RoundInputParser.parse(Data(#"{"profile":"local-congress","seats":56,"candidates":["王一"],"expected":5,"present":5,"marginRatio":0.21,"options":{"quorumStrict":true}}"#.utf8))
        #expect(input.profile == .localCongress && input.marginRatio == Ratio(21, 100) && input.options.quorumStrict && input.issued == 5)
    }

    @Test func reportJsonHasTheDocumentedShape() throws {
        let input = RoundInput(seats: 1, candidates: ["王一", "李二"], expected: 2, present: 2, ballots: ballots(["○×", "○×"]))
        let data = try JSONEncoder().encode(try RoundCounter.count(input, order: .strokes))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["quorum", "counted", "void", "issued", "returned", "valid", "invalid", "threshold", "results",
                                     "elected", "tieBreak", "shortfall", "supplementary", "problems", "scrutineers", "counters"])
        #expect(object["tieBreak"] is NSNull)
        let first = try #require((object["results"] as? [[String: Any]])?.first)
        #expect(first["for"] as? Int == 2 && first["status"] as? String == "elected")
    }
}

/// RULES §1 in the count: a write-in who is no full member (the caller checked the roster) is
/// ranked and shown, but a seat they would win stays open — never passed to the next in line.
@Suite struct IneligibleWriteInTests {
    /// Two seats, 40 ballots (P = 40: at least 21 for), candidates 王一 李二 张三; `groups` are
    /// (ballots, for-marks, whether 赵志刚 is written in under 张三's ×).
    static func input(_ groups: [(count: Int, for: [Int], writeIn: Bool)], ineligible: Bool) -> RoundInput {
        var ballots: [Ballot] = []
        for group in groups {
            for _ in 0..<group.count {
                var marks = BallotMarks(for: group.for)
                if group.writeIn {
                    marks.againstMarks = [2]
                    marks.placedWriteIns = [PlacedWriteIn(under: 2, name: "赵志刚")]
                }
                ballots.append(.marked(marks))
            }
        }
        var input = RoundInput(seats: 2, candidates: ["王一", "李二", "张三"], expected: 40, present: 40, ballots: ballots)
        if ineligible { input.ineligibleWriteIns = ["赵志刚": "不是本单位的正式党员"] }
        return input
    }

    /// 赵志刚 30, 王一 25, 李二 22 (by hand from the groups).
    static let leading: [(count: Int, for: [Int], writeIn: Bool)] = [(15, [0], true), (12, [1], true), (3, [], true), (10, [0, 1], false)]
    /// 王一 30, 赵志刚 25, 李二 25: the last seat tied.
    static let tied: [(count: Int, for: [Int], writeIn: Bool)] = [(15, [0], true), (10, [1], true), (15, [0, 1], false)]

    @Test func theSeatAnIneligibleWriteInWouldWinIsAShortfall() throws {
        let eligible = try RoundCounter.count(Self.input(Self.leading, ineligible: false), order: .strokes)
        #expect(eligible.results.map { "\($0.name) \($0.forVotes)" } == ["赵志刚 30", "王一 25", "李二 22", "张三 0"])
        #expect(Set(eligible.elected) == ["赵志刚", "王一"])
        let report = try RoundCounter.count(Self.input(Self.leading, ineligible: true), order: .strokes)
        #expect(report.elected == ["王一"] && report.shortfall == 1)   // not 李二, who has 22 ≥ 21
        #expect(report.results.first { $0.name == "赵志刚" }?.status == .ineligible)
        #expect(report.supplementary?.seats == 1 && report.supplementary?.candidates.first == "李二")
        #expect(report.problems.contains("另选的「赵志刚」不是本单位的正式党员，不能当选"))
    }

    @Test func anIneligibleWriteInTiedAtTheLastSeatLeavesTheTie() throws {
        let tied = try RoundCounter.count(Self.input(Self.tied, ineligible: false), order: .strokes)
        #expect(tied.elected == ["王一"] && tied.tieBreak?.seats == 1 && Set(tied.tieBreak?.candidates ?? []) == ["赵志刚", "李二"])
        let report = try RoundCounter.count(Self.input(Self.tied, ineligible: true), order: .strokes)
        #expect(report.tieBreak == nil && Set(report.elected) == ["王一", "李二"] && report.shortfall == 0)
    }
}
