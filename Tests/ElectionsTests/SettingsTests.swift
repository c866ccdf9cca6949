import Testing
import Foundation
import Core
import Persistence
import ElectionRules
@testable import Elections
@testable import Meetings
import ElectionDocuments

/// The rule book's settings are reachable where an election is set up (issue #20 item 5):
/// `quorumStrict` and `partialInvalid` stored with the election and applied by the meeting, the
/// entry and the count; each round's office with its margin; the method printed on the report.
@Suite struct SettingsTests {
    /// A new election of the demo town with these options, and its voters.
    static func townElection(_ options: RuleOptions) async throws -> (t: MeetingTests.Town, election: ElectionRecord) {
        let t = try await MeetingTests.town()
        var draft = ElectionSetup.Draft(name: "设置测试\(options.quorumStrict)\(options.partialInvalid.rawValue)", organizationID: t.town.id,
                                        profile: .basic,
                                        seats: 3, marginRatio: Ratio(1, 5), referenceDate: "2026-09-01")
        draft.options = options
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: t.data)
        return (t, election)
    }

    /// Exactly four fifths present: met by default (5·P ≥ 4·E), not with quorumStrict (5·P > 4·E).
    @Test(arguments: [false, true])
    func exactlyFourFifthsMeetsTheQuorumUnlessStrict(_ strict: Bool) async throws {
        let (t, election) = try await Self.townElection(RuleOptions(quorumStrict: strict))
        #expect(try ElectionSetup.options(of: election).quorumStrict == strict)
        // Leave out enough voters (by recorded exclusion) that E is a multiple of 5.
        let excluded = t.voters.count % 5
        for member in t.voters.suffix(excluded) {
            try await MeetingAttendance.exclude(election.id, member: member.id, reason: .abroad, approvedBy: "镇党委批准", meetingVote: "举手通过",
                                                actor: "dept", scope: .city, in: t.data)
        }
        let e = t.voters.count - excluded
        for member in t.voters.prefix(4 * e / 5) {
            try await MeetingAttendance.checkIn(election.id, query: member.record.idNumber, actor: "door", scope: .city, in: t.data)
        }
        let summary = try await MeetingAttendance.summary(election.id, scope: .city, in: t.data)
        #expect(summary.expected == e && 5 * summary.present == 4 * e)
        #expect(summary.quorumMet == !strict)
        #expect(summary.rule == (strict ? "到会须超过应到会人数的五分之四（至少 \(4 * e / 5 + 1) 人）" : "到会须达应到会人数的五分之四（至少 \(4 * e / 5) 人）"))
        try await MeetingAttendance.checkIn(election.id, query: t.voters[4 * e / 5].record.idNumber, actor: "door", scope: .city, in: t.data)
        #expect(try await MeetingAttendance.summary(election.id, scope: .city, in: t.data).quorumMet)
    }

    /// One unreadable mark: with markOnly the rest of the ballot counts (the mark abstains); with
    /// wholeBallot the ballot is invalid — at entry and in the count alike. Hand figures below.
    @Test(arguments: [PartialInvalid.markOnly, .wholeBallot])
    func anUnreadableMarkFollowsTheElectionsSetting(_ partial: PartialInvalid) async throws {
        let (t, election) = try await Self.townElection(RuleOptions(partialInvalid: partial))
        let round = try await Rounds.create(election.id, kind: .formal, seats: 3, candidates: Array(t.voters.suffix(4)).map(\.id), actor: "chair",
                                            scope: .city, in: t.data)
        let c = round.candidates.map(\.id)
        try await Rounds.take(.freeze, round: round.id, actor: "chair", scope: .city, in: t.data)
        for member in t.voters { try await MeetingAttendance.checkIn(election.id, query: member.record.idNumber, actor: "door",
                                                                     scope: .city, in: t.data) }
        try await Rounds.take(.open(issued: 10), round: round.id, actor: "chair", scope: .city, in: t.data)
        try await Rounds.take(.collect(returned: 10), round: round.id, actor: "chair", scope: .city, in: t.data)
        try await Rounds.take(.startCount, round: round.id, actor: "chair", scope: .city, in: t.data)
        // Ballots 1–4: ○ A, ? B; ballots 5–10: ○ A ○ B.
        for n in 1...10 {
            let body = BallotEntry.Body(marks: n <= 4 ? [c[0]: "for", c[1]: "unreadable"] : [c[0]: "for", c[1]: "for"])
            for (entry, counter) in [(1, "a"), (2, "b")] {
                let answer = try await BallotEntry.key(body, round: round.id, batch: 1, entry: entry, ballot: n, actor: counter,
                                                       scope: .city, in: t.data)
                #expect(answer.valid == (n > 4 || partial == .markOnly))
            }
        }
        try await BallotEntry.finalise(round: round.id, batch: 1, entry: 1, actor: "a", scope: .city, in: t.data)
        try await BallotEntry.finalise(round: round.id, batch: 1, entry: 2, actor: "b", scope: .city, in: t.data)
        let result = try await RoundResults.report(round.id, scope: .city, in: t.data)
        let a = try #require(result.report.results.first { $0.id == c[0] }), b = try #require(result.report.results.first { $0.id == c[1] })
        switch partial {
        case .markOnly:
            #expect(result.report.valid == 10 && a.forVotes == 10 && b.forVotes == 6 && b.abstain == 4)
        case .wholeBallot:
            #expect(result.report.valid == 6 && result.report.invalid == 4 && a.forVotes == 6 && b.forVotes == 6 && b.abstain == 0)
        }
        #expect(result.method.contains("一处标记无法辨认时：\(partial.label)"))
        let sheet = RoundResults.sheet(result, auditHead: "")
        #expect(sheet.method == result.method && DocumentRenderers.figures(sheet).first?.hasPrefix("选举办法：选举职务：代表") == true)
    }
}
