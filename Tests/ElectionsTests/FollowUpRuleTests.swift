import Testing
import Foundation
import Core
import Persistence
import Audit
import ElectionRules
@testable import Meetings

/// RULES §6–7 where a round follows another (issue #20 item 4), each a case that the code
/// before this change let through: a follow-up before the signatures or twice; a tie-break or
/// supplementary round typed by hand; a preliminary's supplementary counted on P; a write-in
/// elected who is not a full member; a write-in keyed on a tie-break ballot.
@Suite struct FollowUpRuleTests {
    typealias Town = MeetingTests.Town
    static func sign(_ t: Town, _ round: RoundRecord) async throws { try await RoundFollowUpTests.sign(t, round) }

    /// Two seats, three candidates, the pairs AB, AC, BC in turn: all three tied with two thirds.
    static func tiedRound(_ t: Town) async throws -> RoundRecord {
        let round = try await Rounds.create(t.election.id, kind: .formal, seats: 2, candidates: Array(t.voters.suffix(3)).map(\.id), actor: "chair",
                                            scope: .city, in: t.data)
        let c = round.candidates.map(\.id)
        let returned = t.voters.count / 3 * 3
        let pairs = [[c[0], c[1]], [c[0], c[2]], [c[1], c[2]]]
        try await RoundFollowUpTests.vote(t, round, returned: returned) { n in
            BallotEntry.Body(marks: Dictionary(uniqueKeysWithValues: pairs[(n - 1) % 3].map { ($0, "for") }))
        }
        return round
    }

    @Test func aFollowUpWaitsForBothSignaturesAndIsSetUpOnce() async throws {
        let t = try await MeetingTests.town()
        let round = try await Self.tiedRound(t)
        let report = try await RoundResults.report(round.id, scope: .city, in: t.data).report
        #expect(report.tieBreak?.seats == 2 && report.tieBreak?.candidates.count == 3)
        #expect(await refused("round.followUp.notSigned") { _ = try await Rounds.followUp(round.id, actor: "chair", scope: .city, in: t.data) })
        try await Rounds.take(.sign(asChiefScrutineer: false), round: round.id, actor: "chair", scope: .city, in: t.data)
        #expect(await refused("round.followUp.notSigned") { _ = try await Rounds.followUp(round.id, actor: "chair", scope: .city, in: t.data) })
        try await Rounds.take(.sign(asChiefScrutineer: true), round: round.id, actor: "scrutineer", scope: .city, in: t.data)
        let tie = try await Rounds.followUp(round.id, actor: "chair", scope: .city, in: t.data)
        #expect(tie.kind == .tieBreak && tie.origin?.round == round.id && tie.origin?.preliminaryStage == false)
        #expect(Set(tie.candidates.map(\.id)) == Set(round.candidates.map(\.id)))
        #expect(await refused("round.followUp.exists") { _ = try await Rounds.followUp(round.id, actor: "chair", scope: .city, in: t.data) })
        #expect(try await t.data.meetings.rounds(of: t.election.id).count == 2)
    }

    @Test func aTieBreakListsOnlyTheTiedAndTakesNoWriteIns() async throws {
        let t = try await MeetingTests.town()
        // By hand, a tie-break or supplementary round is refused whatever it lists.
        for kind in [RoundKind.tieBreak, .supplementary] {
            #expect(await refused("round.kind.followUpOnly") {
                _ = try await Rounds.create(t.election.id, kind: kind, seats: 1, candidates: Array(t.voters.prefix(3)).map(\.id), actor: "chair",
                                            scope: .city, in: t.data)
            })
        }
        let round = try await Self.tiedRound(t)
        try await Self.sign(t, round)
        #expect(await refused("round.followUp.tieListFixed") {
            _ = try await Rounds.followUp(round.id, override: (Array(t.voters.prefix(3)).map(\.id), "会议决定"), actor: "chair", scope: .city, in: t.data)
        })
        let tie = try await Rounds.followUp(round.id, actor: "chair", scope: .city, in: t.data)
        // The tie-break is voted; a write-in on its ballot is refused at entry.
        try await Rounds.take(.freeze, round: tie.id, actor: "chair", scope: .city, in: t.data)
        try await Rounds.take(.open(issued: t.voters.count), round: tie.id, actor: "chair", scope: .city, in: t.data)
        try await Rounds.take(.collect(returned: 3), round: tie.id, actor: "chair", scope: .city, in: t.data)
        try await Rounds.take(.startCount, round: tie.id, actor: "chair", scope: .city, in: t.data)
        let first = tie.candidates[0].id
        #expect(await refused("ballot.writeIn.inTieBreak") {
            _ = try await BallotEntry.key(.init(marks: [first: "against"], writeIns: [.init(under: first, name: "赵志刚")]), round: tie.id, batch: 1,
                                          entry: 1, ballot: 1, actor: "a", scope: .city, in: t.data)
        })
        // The three ballots keyed twice: counting ends — unless the count cannot give a result
        // (here a candidate's name gone blank in the store): no finish, so no signature or announcement.
        for n in 1...3 {
            for (entry, counter) in [(1, "a"), (2, "b")] {
                _ = try await BallotEntry.key(.init(marks: [first: "for"]), round: tie.id, batch: 1, entry: entry, ballot: n, actor: counter,
                                              scope: .city, in: t.data)
            }
        }
        try await BallotEntry.finalise(round: tie.id, batch: 1, entry: 1, actor: "a", scope: .city, in: t.data)
        try await BallotEntry.finalise(round: tie.id, batch: 1, entry: 2, actor: "b", scope: .city, in: t.data)
        var broken = try #require(try await t.data.meetings.round(tie.id))
        broken.candidates[1] = .init(id: broken.candidates[1].id, name: " ")
        try await t.data.meetings.update(broken)
        #expect(await refused("round.candidate.nameEmpty") { _ = try await Rounds.take(.finishCount, round: tie.id, actor: "chair",
                                                                                       scope: .city, in: t.data) })
        #expect(try await t.data.meetings.round(tie.id)?.lifecycle.state == .counting)
    }

    /// One seat, A and B: A on a third of the ballots, B on none — a shortfall of 1.
    static func shortRound(_ t: Town, kind: RoundKind, present: Int? = nil) async throws -> RoundRecord {
        let round = try await Rounds.create(t.election.id, kind: kind, seats: 1,
                                            candidates: Array(t.voters.suffix(kind == .formal ? 2 : 3)).map(\.id),
                                            actor: "chair", scope: .city, in: t.data)
        let a = round.candidates[0].id
        try await RoundFollowUpTests.vote(t, round, returned: present ?? t.voters.count,
                                          present: present) { n in BallotEntry.Body(marks: n % 3 == 0 ? [a: "for"] : [:]) }
        try await sign(t, round)
        return round
    }

    @Test func aSupplementaryListSetByTheChairHasAReasonAndAtLeastSeatsPlusOne() async throws {
        let t = try await MeetingTests.town()
        let round = try await Self.shortRound(t, kind: .formal)
        let others = Array(t.voters.prefix(2)).map(\.id)
        #expect(await refused("round.followUp.tooFew") {
            _ = try await Rounds.followUp(round.id, override: (Array(others.prefix(1)), "会议酝酿后调整"), actor: "chair", scope: .city, in: t.data)
        })
        #expect(await refused("round.followUp.reasonMissing") {
            _ = try await Rounds.followUp(round.id, override: (others, " "), actor: "chair", scope: .city, in: t.data)
        })
        let next = try await Rounds.followUp(round.id, override: (others, "会议酝酿后调整"), actor: "chair", scope: .city, in: t.data)
        #expect(next.kind == .supplementary && Set(next.candidates.map(\.id)) == Set(others.map(\.description)) && next.origin?.override == "会议酝酿后调整")
        let audit = try #require(try await t.data.audit.newest())
        #expect(audit.action == AuditAction.roundCreated.rawValue && audit.after.contains("主持人调整候选人名单，理由：会议酝酿后调整"))
    }

    /// RULES §7: a preliminary's shortfall is filled on the same base, E — not P as a formal
    /// round's supplementary. Hand figures: E voters, P = E − 3 present; the threshold of the
    /// follow-up is E / 2 + 1.
    @Test func aPreliminarysSupplementaryKeepsBaseE() async throws {
        let t = try await MeetingTests.town()
        let e = t.voters.count, p = e - 3
        try #require(5 * p >= 4 * e)
        let round = try await Self.shortRound(t, kind: .preliminary, present: p)
        let supplementary = try await Rounds.followUp(round.id, actor: "chair", scope: .city, in: t.data)
        #expect(supplementary.kind == .supplementary && supplementary.origin?.preliminaryStage == true)
        // Exactly half of E vote for X: more than half of P, not more than half of E.
        let x = supplementary.candidates[0].id
        let votesFor = e / 2   // more than half of P (p = e − 3), not more than half of E
        try #require(2 * votesFor > p && 2 * votesFor <= e)
        try await RoundFollowUpTests.vote(t, supplementary, returned: p,
                                          present: p) { n in BallotEntry.Body(marks: n <= votesFor ? [x: "for"] : [:]) }
        let report = try await RoundResults.report(supplementary.id, scope: .city, in: t.data).report
        #expect(report.threshold == e / 2 + 1)
        #expect(report.elected.isEmpty && report.shortfall == 1)
    }

    /// RULES §1: a write-in with the most votes who is no full member of the unit is not elected;
    /// the seat is a shortfall and the report says why. One who is a full member is elected.
    @Test func aWriteInElectedIsCheckedAgainstTheRoster() async throws {
        for (writeIn, stands) in [("查无此人", false), (nil as String?, true)] {
            let t = try await MeetingTests.town()
            let round = try await Rounds.create(t.election.id, kind: .formal, seats: 1, candidates: Array(t.voters.suffix(2)).map(\.id),
                                                actor: "chair",
                                                scope: .city, in: t.data)
            let a = round.candidates[0].id
            let name = writeIn ?? t.voters[0].record.name
            try #require(t.voters.filter { $0.record.name == name }.count <= 1)
            try await RoundFollowUpTests.vote(t, round, returned: t.voters.count) { _ in BallotEntry.Body(marks: [a: "against"],
                                                                                                          writeIns: [.init(under: a, name: name)]) }
            let report = try await RoundResults.report(round.id, scope: .city, in: t.data).report
            let person = try #require(report.results.first { $0.writeIn && $0.name == name })
            #expect(person.forVotes == t.voters.count)
            if stands {
                #expect(report.elected == [name] && person.status == .elected && report.shortfall == 0)
            } else {
                #expect(report.elected.isEmpty && person.status == .ineligible && report.shortfall == 1)
                #expect(report.problems.contains { $0.contains("另选的「\(name)」不是本单位的正式党员") })
            }
        }
    }
}
