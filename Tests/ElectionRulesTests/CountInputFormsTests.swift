import Foundation
import Documents
import Testing
import PropertyBased
@testable import ElectionRules

/// The count input's newer forms (RULES §3, §4, §8, §9): candidates with ids, write-ins placed
/// under a candidate, names compared after normalisation, margin kinds, standings, the report's
/// issued ballots and scrutineers.
@Suite struct CountInputFormsTests {
    func count(_ json: String) throws(CountInputError) -> RoundReport {
        try RoundCounter.count(try RoundInputParser.parse(Data(json.utf8)), order: .strokes)
    }

    func refusal(_ json: String) -> CountInputError? {
        do { _ = try count(json); return nil } catch { return error }
    }

    static let three = #""candidates":[{"id":"c1","name":"王一"},{"id":"c2","name":"李二"},{"id":"c3","name":"张三"}]"#

    @Test func aPlacedWriteInCountsOnlyUnderAnAgainstMark() throws {
        let report = try count(#"""
        {"seats":2,\#(Self.three),"expected":4,"present":4,"ballots":[
          {"for":["c1"],"against":["c2"],"writeIns":[{"under":"c2","name":"赵志刚"}]},
          {"for":["c1"],"writeIns":[{"under":"c1","name":"赵志刚"}]},
          {"for":["c1"],"writeIns":[{"under":"c3","name":"赵志刚"}]},
          {"for":["c1"],"against":["c2","c3"],"writeIns":[{"under":"c3","name":"赵志刚"}]}]}
        """#)
        // Under c2's ×: counts. Under c1's ○ and under c3 left blank: do not. Under c3's ×: counts.
        #expect(report.results.first { $0.name == "赵志刚" }?.forVotes == 2)
        #expect(report.results.first { $0.name == "赵志刚" }?.writeIn == true)
    }

    @Test func thePlainFormKeepsItsMeaning() throws {
        let report = try count(#"""
        {"seats":2,"candidates":["王一","李二","张三"],"expected":2,"present":2,"ballots":[
          {"for":["王一"],"against":["李二"],"writeIns":["赵志刚"]},
          {"for":["王一"],"writeIns":["赵志刚"]}]}
        """#)
        #expect(report.results.first { $0.name == "赵志刚" }?.forVotes == 1)
    }

    @Test func oneNameWrittenInWhiteSpaceVariantsIsOnePerson() throws {
        let report = try count(#"""
        {"seats":1,"candidates":["王一","李二"],"expected":3,"present":3,"ballots":[
          {"against":["王一"],"writeIns":["赵志刚"]},
          {"against":["王一"],"writeIns":["赵志刚 "]},
          {"against":["王一"],"writeIns":["赵　志刚"]}]}
        """#)
        let writeIns = report.results.filter(\.writeIn)
        #expect(writeIns.map(\.name) == ["赵志刚"] && writeIns.first?.forVotes == 3)
        #expect(report.elected == ["赵志刚"])
    }

    @Test func thePersonWrittenTwiceOnOneBallotIsOneVoteAndOneChoice() throws {
        // Two seats: one ○ plus the same person under both ×-marks is two choices, not three.
        let report = try count(#"""
        {"seats":2,\#(Self.three),"expected":1,"present":1,"ballots":[
          {"for":["c1"],"against":["c2","c3"],"writeIns":[{"under":"c2","name":"赵志刚"},{"under":"c3","name":"赵 志刚"}]}]}
        """#)
        #expect(report.valid == 1 && report.invalid == 0)
        #expect(report.results.first { $0.name == "赵志刚" }?.forVotes == 1)
    }

    @Test func aWriteInNamingAListedCandidateIsReportedOnItsBallot() throws {
        let report = try count(#"""
        {"seats":1,"candidates":["王一","李二"],"expected":2,"present":2,"ballots":[
          {"for":["王一"]},
          {"against":["王一"],"writeIns":["李二 "]}]}
        """#)
        #expect(report.results.first { $0.name == "李二" }?.forVotes == 0)
        #expect(!report.results.contains { $0.writeIn })
        #expect(report.problems.contains { $0.hasPrefix("第2张选票：另选的「李二」是本轮候选人") })
    }

    @Test func twoCandidatesMayShareANameWhenTheyHaveIds() throws {
        let report = try count(#"""
        {"seats":2,"candidates":[{"id":"a","name":"王芳","unit":"武陵区"},{"id":"b","name":"王芳","unit":"鼎城区"},{"id":"c","name":"李二"}],
         "expected":3,"present":3,"ballots":[{"for":["a","b"]},{"for":["a","b"]},{"for":["b","c"]}]}
        """#)
        #expect(report.elected == ["a", "b"])
        #expect(report.results.map { $0.id ?? "" } == ["b", "a", "c"] && report.results.filter { $0.name == "王芳" }.count == 2)
        // Known by name only, the same name twice is refused.
        #expect(refusal(#"{"seats":1,"candidates":["王芳","王芳 "],"expected":1,"present":1}"#)?.code == "candidate.name.duplicate")
        #expect(refusal(#"{"seats":1,"candidates":[{"id":"a","name":"王芳"},{"id":"a","name":"李二"}],"expected":1,"present":1}"#)?.code == "candidate.id.duplicate")
    }

    @Test func aTieAndASupplementaryListNameIds() throws {
        let tie = try count(#"{"seats":1,\#(Self.three),"expected":2,"present":2,"ballots":[{"for":["c1"]},{"for":["c2"]}],"margin":{"ratio":"0.5"}}"#)
        #expect(tie.tieBreak == nil && tie.shortfall == 1 && tie.supplementary?.candidates == ["c1", "c2"])
        // c1 4, c2 3, c3 3 of five ballots for two seats: c1 elected, c2 and c3 vote again for one.
        let cut = try count(#"{"seats":2,\#(Self.three),"expected":5,"present":5,"ballots":[{"for":["c1","c2"]},{"for":["c1","c2"]},{"for":["c1","c3"]},{"for":["c1","c3"]},{"for":["c2","c3"]}]}"#)
        #expect(cut.elected == ["c1"] && cut.tieBreak?.seats == 1 && Set(cut.tieBreak?.candidates ?? []) == ["c2", "c3"])
    }

    @Test(arguments: [
        (#""margin":{"ratio":"0.2"}"#, 3, 3, "round.margin.tooSmall"), (#""margin":{"ratio":"0.2"}"#, 3, 4, nil),
        (#""margin":{"moreThanSeats":[1,2]}"#, 3, 3, "round.margin.tooSmall"), (#""margin":{"moreThanSeats":[1,2]}"#, 3, 5, nil),
        (#""margin":{"moreThanSeats":[1,2]}"#, 3, 6, "round.margin.tooLarge"),
        (#""margin":{"equal":true}"#, 2, 2, nil), (#""margin":{"equal":true}"#, 2, 3, "round.margin.tooLarge"),
        (#""office":"secretary""#, 1, 1, nil), (#""office":"secretary""#, 1, 2, "round.margin.tooLarge"),
        (#""office":"standing""#, 5, 5, "round.margin.tooSmall"), (#""office":"standing""#, 5, 7, nil),
        (#""office":"committee","profile":"local-plenary""#, 45, 49, "round.margin.tooSmall"),
        (#""office":"committee","profile":"local-plenary""#, 45, 50, nil),
        (#""office":"committee""#, 45, 53, "round.margin.tooSmall"), (#""office":"committee""#, 45, 54, nil),
        (#""office":"delegate""#, 56, 67, "round.margin.tooSmall"), (#""office":"delegate""#, 56, 68, nil),
        (#""marginRatio":"0.21""#, 56, 67, "round.margin.tooSmall"), (#""marginRatio":"0.21""#, 56, 68, nil),
    ] as [(String, Int, Int, String?)])
    func eachMarginKind(setting: String, seats: Int, candidates: Int, code: String?) throws {
        let names = (0..<candidates).map { "\"候选人\($0)\"" }.joined(separator: ",")
        let json = #"{"seats":\#(seats),"candidates":[\#(names)],"expected":10,"present":10,\#(setting)}"#
        #expect(refusal(json)?.code == code, "\(setting), \(seats) seats, \(candidates) candidates")
    }

    @Test func aCandidateWithoutTheRightToBeElectedIsRefused() throws {
        for standing in ["预备党员", "留党察看", "留置或逮捕"] {
            let error = refusal(#"{"seats":1,"candidates":[{"id":"a","name":"王一","standing":"正式党员"},{"id":"b","name":"李二","standing":"\#(standing)"}],"expected":1,"present":1}"#)
            #expect(error?.code == "candidate.standing.noVote" && error?.field == "candidates[1].standing", "\(standing)")
        }
        #expect(refusal(#"{"seats":1,"candidates":[{"id":"a","name":"王一","standing":"正式党员"},{"id":"b","name":"李二"}],"expected":1,"present":1}"#) == nil)
    }

    @Test func theReportStatesIssuedBallotsAndWhoCounted() throws {
        let report = try count(#"{"seats":1,"candidates":["王一","李二"],"expected":10,"present":9,"issued":9,"scrutineers":["赵五"],"counters":["钱六","孙七"],"ballots":[{"for":["王一"]}]}"#)
        #expect(report.issued == 9 && report.scrutineers == ["赵五"] && report.counters == ["钱六", "孙七"])
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains(#""issued":9"#) && json.contains(#""scrutineers":["赵五"]"#))
        #expect(report.text().contains("发出选票 9") && report.text().contains("监票人：赵五"))
    }

    /// Random ballots with placed write-ins: a name counts once per ballot, and only when it
    /// stands under an ×; checked against a tally written out here, not the counter's code.
    @Test func placedWriteInsMatchAPlainTally() async {
        let names = ["王一", "李二", "张三", "刘四"]
        let people = ["赵志刚", "赵志刚 ", "赵　志刚", "钱乙", "孙丙"]
        var rounds = 0
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int.max), Gen.int(in: 1...40)) { seed, ballotCount in
            var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: seed))
            var ballots: [Ballot] = []
            var expected: [String: Int] = [:]
            for _ in 0..<ballotCount {
                var marks = BallotMarks()
                for j in names.indices {
                    switch rng.next() % 3 { case 0: marks.forMarks.append(j); case 1: marks.againstMarks.append(j); default: break }
                }
                for j in names.indices where rng.next() % 3 == 0 {
                    marks.placedWriteIns.append(PlacedWriteIn(under: j, name: people[Int(rng.next() % UInt64(people.count))]))
                }
                ballots.append(.marked(marks))
                // The tally by hand: one name per × space that holds one, white space ignored, once per ballot.
                var standing = Set<String>()
                var used = Set<Int>()
                for placed in marks.placedWriteIns where marks.againstMarks.contains(placed.under) && !used.contains(placed.under) {
                    used.insert(placed.under)
                    standing.insert(placed.name.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "　", with: ""))
                }
                if marks.forMarks.count + standing.count <= names.count {
                    for person in standing { expected[person, default: 0] += 1 }
                }
            }
            var input = RoundInput(seats: names.count, candidates: names, expected: ballotCount, present: ballotCount, ballots: ballots)
            input.margin = .ratio(Ratio(0, 1))
            guard let report = counted(input) else { return }
            let got = Dictionary(uniqueKeysWithValues: report.results.filter(\.writeIn).map { ($0.name, $0.forVotes) })
            #expect(got == expected.filter { $0.value > 0 })
            rounds += 1
        }
        #expect(rounds == 300)
    }
}
