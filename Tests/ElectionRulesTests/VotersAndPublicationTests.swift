import Foundation
import Documents
import Testing
@testable import ElectionRules

@Suite struct VoterRulesTests {
    let approved = Exclusion(reason: .abroad, approvedBy: "区委组织部", meetingVote: "党员大会通过")

    @Test func onlyFullMembersCountAndOnlyRecordedExclusionsLeaveE() {
        let voters = [
            Voter(name: "王一", standing: .full, checkedIn: true),
            Voter(name: "李二", standing: .full),                                   // absent: still in E
            Voter(name: "张三", standing: .probationary, checkedIn: true),          // no vote
            Voter(name: "刘四", standing: .disciplinaryProbation, checkedIn: true), // no vote
            Voter(name: "陈五", standing: .detained),
            Voter(name: "杨六", standing: .full, exclusion: approved),              // excluded
            Voter(name: "赵七", standing: .full, exclusion: Exclusion(reason: .illness, approvedBy: "", meetingVote: "通过")),
        ]
        let attendance = VoterRules.attendance(voters)
        #expect(attendance.expected == 3)   // 王一, 李二, 赵七 (incomplete exclusion)
        #expect(attendance.present == 1)
        #expect(attendance.problems.count == 1 && attendance.problems[0].hasPrefix("赵七"))
        #expect(!MemberStanding.probationary.hasVote && MemberStanding.full.hasVote)
    }

    @Test func aCandidateCannotScrutinize() {
        #expect(throws: CountInputError(field: "scrutineers[1]", code: "round.scrutineer.isCandidate", message: "「李二」是本轮候选人，不能担任监票人")) {
            try ScrutineerRules.validate(scrutineers: ["赵五", "李二"], counters: [], candidates: ["王一", "李二"])
        }
        #expect(throws: CountInputError.self) {
            try ScrutineerRules.validate(scrutineers: [], counters: ["王一"], candidates: ["王一", "李二"])
        }
        #expect(throws: Never.self) {
            try ScrutineerRules.validate(scrutineers: ["赵五"], counters: ["钱六"], candidates: ["王一", "李二"])
        }
    }
}

@Suite struct PublicationTests {
    @Test func electedInStrokeOrderAlternatesByVotesSecretariesAsApproved() {
        #expect(Publication.electedOrder(["张三", "李二", "王一"], order: .strokes) == ["王一", "李二", "张三"])
        let results = [("张三", 30), ("李二", 30), ("王一", 25)].map {
            ContenderResult(name: $0.0, forVotes: $0.1, againstVotes: 0, abstain: 0, writeIn: false, status: .elected)
        }
        #expect(Publication.alternateOrder(results, order: .strokes) == ["李二", "张三", "王一"])
        #expect(Publication.approvedOrder(["王一", "张三", "李二"], approved: ["张三", "王一", "李二"]) == ["张三", "王一", "李二"])
    }
}
