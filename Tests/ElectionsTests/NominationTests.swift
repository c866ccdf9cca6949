import Foundation
import Testing
import Core
import Persistence
import Audit
import Demo
import Elections
import Nominations
import Allocation

/// Nominating from the roster and moving lists through the stages, on the in-memory store.
@Suite struct NominationTests {
    struct City {
        let data: MemoryDataStore
        let generator: DemoGenerator
        let election: ElectionRecord
        let wuling: OrganizationRecord
        let dingcheng: OrganizationRecord
        var wulingScope: Scope { .subtree(path: wuling.path) }
        var dingchengScope: Scope { .subtree(path: dingcheng.path) }
    }

    /// The seed's provincial election with its composition targets, quotas applied.
    /// The demo city's recommendation to the province; without the seed's composition targets
    /// when `composition` is false (for tests of the stages alone).
    static func city(composition: Bool = true) async throws -> City {
        let data = MemoryDataStore()
        let generator = DemoGenerator(memberCount: 6_000)
        try await DemoLoader.load(generator, into: data)
        let draft = ElectionSetup.Draft(name: "推荐出席省第十次党代会代表候选人预备人选", organizationID: OrganizationID(generator.cityID),
                                        profile: .localCongress, seats: 56, marginRatio: Ratio(21, 100), candidatePlaces: 68,
                                        referenceDate: "2026-09-01", compositionJSON: composition ? DemoScenario.compositionTargetsJSON : nil)
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        var plan = QuotaAllocation.Plan()
        plan.minimum = 3
        try await QuotaAllocation.apply(election.id, plan: plan, actor: "dept", scope: .city, in: data)
        let wuling = try #require(try await data.organizations.find(OrganizationID(generator.unitIDs["wuling"]!)))
        let dingcheng = try #require(try await data.organizations.find(OrganizationID(generator.unitIDs["dingcheng"]!)))
        return City(data: data, generator: generator, election: election, wuling: wuling, dingcheng: dingcheng)
    }

    /// Full members of the scope matching the search, in list order.
    static func members(_ city: City, _ scope: Scope, _ configure: (inout MemberSearch) -> Void) async throws -> [MemberRecord] {
        var search = MemberSearch()
        search.pageSize = 10_000
        search.status = .full
        search.referenceDate = city.election.referenceDate
        configure(&search)
        return try await city.data.members.search(search, in: scope).members
    }


    @Test func aUnitNominatesItsOwnFullMembersOnly() async throws {
        let city = try await Self.city()
        let own = try #require(try await Self.members(city, city.wulingScope) { $0.maxAge = 50 }.first)
        let candidacy = try await Nominations.nominate(own.id, in: city.election.id, supportOrganizations: 12, supportMembers: 340,
                                                       actor: "wuling", scope: city.wulingScope, in: city.data)
        #expect(candidacy.unitID == city.wuling.id && candidacy.stage == .recommended)
        #expect(try await city.data.audit.newest()?.action == "candidate.nominated")
        #expect(await refused("nomination.duplicate") {
            try await Nominations.nominate(own.id, in: city.election.id, supportOrganizations: 1, supportMembers: 1, actor: "w", scope: city.wulingScope, in: city.data)
        })
        var probationary = MemberSearch(); probationary.status = .probationary; probationary.pageSize = 1
        let prob = try #require(try await city.data.members.search(probationary, in: city.wulingScope).members.first)
        #expect(await refused("nomination.standing") {
            try await Nominations.nominate(prob.id, in: city.election.id, supportOrganizations: 1, supportMembers: 1, actor: "w", scope: city.wulingScope, in: city.data)
        })
        let other = try #require(try await Self.members(city, city.dingchengScope) { _ in }.first)
        #expect(await refused("member.notFound") {
            try await Nominations.nominate(other.id, in: city.election.id, supportOrganizations: 1, supportMembers: 1, actor: "w", scope: city.wulingScope, in: city.data)
        })
        // 鼎城区 nominates its own; each unit sees only its own list, the city both.
        try await Nominations.nominate(other.id, in: city.election.id, supportOrganizations: 3, supportMembers: 40, actor: "dc", scope: city.dingchengScope, in: city.data)
        #expect(try await Nominations.list(city.election.id, scope: city.wulingScope, in: city.data).map(\.member.id) == [own.id])
        #expect(try await Nominations.list(city.election.id, scope: city.dingchengScope, in: city.data).map(\.member.id) == [other.id])
        #expect(try await Nominations.list(city.election.id, scope: .city, in: city.data).count == 2)
        // Another unit's nomination does not exist for it.
        #expect(await refused("nomination.notFound") {
            try await Nominations.move(candidacy.id, to: .preliminary, actor: "dc", scope: city.dingchengScope, in: city.data)
        })
    }

    @Test func stagesGoInOrderAndTheDepartmentTakesThemOn() async throws {
        let city = try await Self.city(composition: false)
        let person = try #require(try await Self.members(city, city.wulingScope) { $0.maxAge = 50 }.first)
        let c = try await Nominations.nominate(person.id, in: city.election.id, supportOrganizations: 5, supportMembers: 50, actor: "w",
                                               scope: city.wulingScope, in: city.data)
        #expect(await refused("nomination.stage.order") { try await Nominations.move(c.id, to: .inspection, actor: "d", scope: .city, in: city.data) })
        try await Nominations.move(c.id, to: .preliminary, actor: "w", scope: city.wulingScope, in: city.data)
        #expect(await refused("nomination.stage.departmentOnly") { try await Nominations.move(c.id, to: .inspection, actor: "w", scope: city.wulingScope, in: city.data) })
        try await Nominations.move(c.id, to: .inspection, actor: "d", scope: .city, in: city.data)
        #expect(await refused("nomination.reasonMissing") { try await Nominations.move(c.id, to: .notPassed, actor: "d", scope: .city, in: city.data) })
        let out = try await Nominations.move(c.id, to: .notPassed, reason: "考察中发现问题", actor: "d", scope: .city, in: city.data)
        #expect(out.stage == .notPassed && out.reason == "考察中发现问题")
        #expect(await refused("nomination.stage.ended") { try await Nominations.move(c.id, to: .withdrawn, reason: "本人申请", actor: "d", scope: .city, in: city.data) })
        let entry = try #require(try await city.data.audit.newest())
        #expect(entry.action == "candidate.stage" && entry.before == "考察" && entry.after == "未通过：考察中发现问题")
    }

    @Test func aMandatoryRequirementBlocksTheListAndGuidanceWarns() async throws {
        let city = try await Self.city()
        let places = try #require(try await city.data.elections.quotas(of: city.election.id).first { $0.organizationID == city.wuling.id }?.places)
        // All men over 50: women, minorities and the age requirement all fail.
        let men = try await Self.members(city, city.wulingScope) { $0.gender = "男"; $0.minAge = 51 }
        try #require(men.count >= places)
        var ids: [CandidacyID] = []
        for m in men.prefix(places) {
            ids.append(try await Nominations.nominate(m.id, in: city.election.id, supportOrganizations: 2, supportMembers: 20, actor: "w",
                                                      scope: city.wulingScope, in: city.data).id)
        }
        do {
            _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .preliminary, actor: "w", scope: city.wulingScope, in: city.data)
            Issue.record("a list without women moved on")
        } catch let refusal as Refusal {
            #expect(refusal.code == "nomination.list.mandatoryUnmet" && refusal.message.contains("妇女"))
        }
        #expect(try await Nominations.list(city.election.id, scope: city.wulingScope, in: city.data).allSatisfy { $0.candidacy.stage == .recommended })
        // Withdraw them and nominate a list that meets every mandatory target: women, minorities, aged 50 or under.
        for id in ids { try await Nominations.move(id, to: .withdrawn, reason: "调整名单结构", actor: "w", scope: city.wulingScope, in: city.data) }
        let needWomen = Int((Double(places) * 0.20).rounded(.up)), needMinority = Int((Double(places) * 0.11).rounded(.up))
        let young = try await Self.members(city, city.wulingScope) { $0.maxAge = 50 }
        let women = young.filter { $0.record.gender == "女" && $0.record.ethnicity == "汉族" }
        let minority = young.filter { $0.record.ethnicity != "汉族" }
        let rest = young.filter { $0.record.gender == "男" && $0.record.ethnicity == "汉族" }
        try #require(women.count >= needWomen && minority.count >= needMinority && rest.count >= places)
        let chosen = Array(women.prefix(needWomen)) + Array(minority.prefix(needMinority)) + Array(rest.prefix(places - needWomen - needMinority))
        for m in chosen {
            try await Nominations.nominate(m.id, in: city.election.id, supportOrganizations: 2, supportMembers: 20, actor: "w", scope: city.wulingScope, in: city.data)
        }
        let move = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .preliminary, actor: "w", scope: city.wulingScope, in: city.data)
        #expect(move.moved.count == places && move.moved.allSatisfy { $0.stage == .preliminary })
        // The demo roster's categories do not meet every guidance target of a list this small: said, not blocking.
        #expect(!move.warnings.isEmpty)
        // The unit may not take its list further.
        #expect(await refused("nomination.stage.departmentOnly") {
            _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .inspection, actor: "w", scope: city.wulingScope, in: city.data)
        })
        // The composition table: overall (the city sees every unit), with robustness against the 56 seats.
        let reports = try await Nominations.composition(city.election.id, scope: .city, in: city.data)
        let women20 = try #require(reports.first { $0.id == "women" && $0.unit == nil })
        #expect(women20.actual >= needWomen && women20.level == "mandatory")
        #expect(try await AuditLog.verify(in: city.data).firstBroken == nil)
    }

    @Test func aPeoplesCongressDeputyIsFlaggedNotRefused() async throws {
        let city = try await Self.city()
        // The roster's flags: 0.2% of the demo's members sit in the People's Congress.
        var search = MemberSearch(); search.status = .full; search.pageSize = 10_000
        let deputy = try #require(try await city.data.members.search(search, in: .city).members.first { $0.record.npcDeputy && !$0.record.cppccMember })
        let c = try await Nominations.nominate(deputy.id, in: city.election.id, supportOrganizations: 1, supportMembers: 10, actor: "d", scope: .city, in: city.data)
        let entry = try #require(try await Nominations.list(city.election.id, scope: .city, in: city.data).first { $0.candidacy.id == c.id })
        #expect(entry.overlaps == ["人大代表"] && entry.candidacy.stage == .recommended)
    }
}
