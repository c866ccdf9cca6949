import Foundation
import Testing
import Core
import Persistence
import Audit
import Demo
import Elections
import Nominations
import Allocation

/// The planner's proposal on the demo's nominations, and accepting or rejecting it.
@Suite struct ListPlanningTests {
    @Test func theProposalFillsEveryUnitMeetsTheMandatoryTargetsAndIsAppliedAsShown() async throws {
        let (data, generator, nominations) = try await demoCityWithNominations()
        #expect(nominations.nominated == 69 && nominations.blockedUnits == ["中共津市市委员会"])
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        // 津市市, held back for nominating men only, has nominated a woman of a minority as well (the demo does):
        // the planner holds each unit to the mandatory targets on its own, as moving a list does, and takes her in.
        let jinshi = try #require(try await data.organizations.find(OrganizationID(generator.unitIDs["jinshi"]!)))
        let proposal = try await ListPlanning.propose(election.id, scope: .city, in: data)
        #expect(proposal.feasible && proposal.selected.count == 68, "\(proposal.conflicts)")
        #expect(proposal.proposed.filter { $0.level == "mandatory" }.allSatisfy { $0.met })
        let jinshiIn = proposal.comingIn.filter { $0.candidacy.unitID == jinshi.id }
        #expect(jinshiIn.count == 3 && jinshiIn.contains { $0.member.record.gender == "女" && $0.member.record.ethnicity != "汉族" })
        // Every unit's part of the proposal passes the check moving its list applies.
        let picked = try await Nominations.list(election.id, scope: .city, in: data).filter { proposal.selected.contains($0.candidacy.id) }
        for quota in try await data.elections.quotas(of: election.id) {
            let list = picked.filter { $0.candidacy.unitID == quota.organizationID }
            let reports = try Nominations.unitComposition(of: election, unit: quota.organizationID, list: list, places: quota.places)
            #expect(reports.filter { $0.level == "mandatory" }.allSatisfy { $0.met }, "\(quota.organizationID)")
        }
        let quotas = try await data.elections.quotas(of: election.id)
        let entries = try await Nominations.list(election.id, scope: .city, in: data)
        let byID = Dictionary(entries.map { ($0.candidacy.id, $0) }, uniquingKeysWith: { a, _ in a })
        for quota in quotas {
            #expect(proposal.selected.filter { byID[$0]?.candidacy.unitID == quota.organizationID }.count == quota.places)
        }
        // A unit may not plan the city's list; a stale digest is refused.
        #expect(await refused("slate.cityOnly") { _ = try await ListPlanning.propose(election.id, scope: .subtree(path: jinshi.path), in: data) })
        #expect(await refused("slate.stale") { try await ListPlanning.accept(election.id, digest: "0", actor: "dept", scope: .city, in: data) })
        try await ListPlanning.accept(election.id, digest: proposal.digest, actor: "dept", scope: .city, in: data)
        let after = try await Nominations.list(election.id, scope: .city, in: data)
        let onList = Set(after.filter { $0.candidacy.stage.isActive && $0.candidacy.stage != .recommended }.map(\.candidacy.id))
        #expect(onList == Set(proposal.selected))
        #expect(after.filter { $0.candidacy.stage == .withdrawn }.allSatisfy { $0.candidacy.reason == "按名单编排方案调整" })
        #expect(try await data.audit.newest()?.action == "slate.decided")
        // Applied, the proposal proposes nothing more.
        let again = try await ListPlanning.propose(election.id, scope: .city, in: data)
        #expect(again.comingIn.isEmpty && again.goingOut.isEmpty)
        try await ListPlanning.reject(election.id, digest: again.digest, reason: "保持现有名单", actor: "dept", scope: .city, in: data)
        #expect(try await data.audit.newest()?.after == "未采纳：保持现有名单")
    }
}
