import Foundation
import Testing
import Core
import Persistence
import Audit
import Documents
import Elections
import Meetings
import Delegates
import PopplerSupport

/// The delegate body (issue #19 items 9 and 10, RULES §13): an announced round's elected become
/// the election's delegates, listed with their unit and round; the qualification committee's
/// verdict on each; a term that ends early is kept with its day and reason; the composition of the
/// elected leaves out only those found not qualified.
@Suite struct DelegateBodyTests {
    /// Two seats, three candidates; every ballot for the first two (by ballot order): they are elected.
    static func announcedRound(_ t: MeetingTests.Town) async throws -> (round: RoundRecord, elected: [RoundRecord.Candidate]) {
        let round = try await Rounds.create(t.election.id, kind: .formal, seats: 2, candidates: Array(t.voters.suffix(3)).map(\.id), actor: "chair",
                                            scope: .city, in: t.data)
        let chosen = Array(round.candidates.prefix(2))
        try await RoundFollowUpTests.vote(t, round, returned: t.voters.count) { _ in
            BallotEntry.Body(marks: Dictionary(uniqueKeysWithValues: chosen.map { ($0.id, "for") }))
        }
        try await RoundFollowUpTests.sign(t, round)
        #expect(try await t.data.delegates.delegates(of: t.election.id).isEmpty, "signed is not yet announced")
        try await Rounds.take(.announce, round: round.id, actor: "chair", scope: .city, in: t.data)
        return (round, chosen)
    }

    @Test func theAnnouncedElectedBecomeTheDelegates() async throws {
        let t = try await MeetingTests.town()
        let (round, elected) = try await Self.announcedRound(t)
        let delegates = try await DelegateBody.list(t.election.id, scope: .city, in: t.data)
        #expect(Set(delegates.map(\.delegate.memberID.description)) == Set(elected.map(\.id)))
        #expect(Set(delegates.map(\.delegate.name)) == Set(elected.map(\.name)))
        #expect(delegates.allSatisfy { $0.delegate.roundID == round.id && $0.delegate.qualification == .pending && !$0.stands && !$0.unit.isEmpty })
        // The third candidate, not elected, is no delegate.
        let third = try #require(round.candidates.last)
        #expect(!delegates.contains { $0.delegate.memberID.description == third.id })
        // A unit below the town sees only its own delegates.
        let member = try #require(delegates.first?.member)
        let organization = try #require(try await t.data.organizations.find(member.organizationID))
        let own = try await DelegateBody.list(t.election.id, scope: .subtree(path: organization.path), in: t.data)
        #expect(own.allSatisfy { $0.member?.organizationID == member.organizationID } && own.contains { $0.delegate.memberID == member.id })
    }

    @Test func theQualificationCommitteesVerdictAndAnEarlyEndOfTermAreKept() async throws {
        let demo = try await MeetingTests.town()
        // The town's meeting as an election with a composition target: women at least half of the two seats.
        var draft = ElectionSetup.Draft(name: "泥城镇代表补选", organizationID: demo.town.id, profile: .basic, seats: 2, marginRatio: Ratio(1, 5),
                                        candidatePlaces: 3, referenceDate: "2026-11-01")
        draft.compositionJSON = #"[{"id":"women","label":"妇女","where":{"gender":"女"},"min":"0.5","level":"guidance"}]"#
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: demo.data)
        let t = MeetingTests.Town(data: demo.data, election: election, town: demo.town, voters: demo.voters)
        _ = try await Self.announcedRound(t)
        let delegates = try await DelegateBody.list(t.election.id, scope: .city, in: t.data)
        try #require(delegates.count == 2)
        let (first, second) = (delegates[0].delegate.memberID, delegates[1].delegate.memberID)
        let unitScope = Scope.subtree(path: t.town.path)
        #expect(await refused("delegate.review.departmentOnly") {
            try await DelegateBody.review(first, in: t.election.id, qualification: .valid, reason: "", consequence: nil, actor: "u", scope: unitScope,
                                          in: t.data)
        })
        #expect(await refused("delegate.review.reasonMissing") {
            try await DelegateBody.review(second, in: t.election.id, qualification: .invalid, reason: "", consequence: .reelect, actor: "d",
                                          scope: .city, in: t.data)
        })
        #expect(await refused("delegate.review.consequence") {
            try await DelegateBody.review(second, in: t.election.id, qualification: .invalid, reason: "选举时未达到规定人数", consequence: nil,
                                          actor: "d", scope: .city, in: t.data)
        })
        #expect(await refused("delegate.notFound") {
            try await DelegateBody.review(t.voters[0].id, in: t.election.id, qualification: .valid, reason: "", consequence: nil, actor: "d",
                                          scope: .city, in: t.data)
        })
        try await DelegateBody.review(first, in: t.election.id, qualification: .valid, reason: "", consequence: nil, actor: "d", scope: .city,
                                      in: t.data)
        try await DelegateBody.review(second, in: t.election.id, qualification: .invalid, reason: "当选时已受留党察看处分", consequence: .replace,
                                      actor: "d", scope: .city, in: t.data)
        #expect(try await t.data.audit.newest()?.after == "无效：当选时已受留党察看处分，撤换")
        var after = try await DelegateBody.list(t.election.id, scope: .city, in: t.data)
        #expect(after.first { $0.delegate.memberID == first }?.stands == true)
        #expect(after.first { $0.delegate.memberID == second }.map { !$0.stands && $0.delegate.consequence == .replace } == true)
        // The composition counts the one who stands and not the one found not qualified.
        let reports = try await DelegateBody.composition(t.election.id, scope: .city, in: t.data)
        let women = after.filter { $0.delegate.memberID == first && $0.member?.record.gender == "女" }.count
        let report = try #require(reports.first { $0.id == "women" })
        #expect(reports.count == 1 && report.actual == women && report.needed == 1 && report.met == (women >= 1))
        // The term ends early: kept, with its day and reason, no longer on the roll; not twice.
        #expect(await refused("delegate.term.date") {
            try await DelegateBody.endTerm(first, in: t.election.id, on: "2027-2-30", reason: "调离本选举单位", actor: "d", scope: .city, in: t.data)
        })
        try await DelegateBody.endTerm(first, in: t.election.id, on: "2027-03-01", reason: "调离本选举单位", actor: "d", scope: .city, in: t.data)
        #expect(await refused("delegate.term.ended") {
            try await DelegateBody.endTerm(first, in: t.election.id, on: "2027-03-02", reason: "再次终止", actor: "d", scope: .city, in: t.data)
        })
        after = try await DelegateBody.list(t.election.id, scope: .city, in: t.data)
        let ended = try #require(after.first { $0.delegate.memberID == first })
        #expect(ended.delegate.termEnded == "2027-03-01" && ended.delegate.termReason == "调离本选举单位" && !ended.stands && after.count == 2)
        // The committee's report: both delegates with their verdicts, the figures, the composition with its share.
        #expect(await refused("delegate.report.departmentOnly") {
            _ = try await QualificationReport.issue(t.election.id, actor: "u", scope: unitScope, in: t.data)
        })
        let pdf = try await QualificationReport.issue(t.election.id, actor: "d", scope: .city, in: t.data)
        #expect(try await t.data.audit.newest()?.after == "代表资格审查报告.pdf：2 名代表")
        if Poppler.installed() {
            let text = String(try Poppler.text(pdf).unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
            #expect(after.allSatisfy { text.contains($0.delegate.name) })
            #expect(text.contains("资格有效1名，无效1名，尚待审查0名；任期终止1名。现缺额2名。"))
            #expect(text.contains("当选时已受留党察看处分（撤换）") && text.contains("2027-03-01任期终止：调离本选举单位"))
            // Women among the one counted: 1 of 1 is 100.0%, none is 0.0%.
            #expect(text.contains("妇女") && text.contains("参考1名\(women)\(women == 1 ? "100.0%达到" : "0.0%未达到")"))
        } else {
            try Test.cancel("poppler-utils 未安装：资格审查报告的读回检查跳过")
        }
        #expect(try await AuditLog.verify(in: t.data).firstBroken == nil)
    }
}
