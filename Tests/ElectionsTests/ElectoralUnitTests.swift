import Foundation
import Testing
import Core
import Persistence
import Audit
import Demo
import Documents
import Elections
import Nominations
import Organizations
import Allocation

/// Electoral units and their candidates (issue #19 items 1 and 2, RULES §13): where the units
/// elect, the seats are shared and each unit's candidate places follow from its seats and the
/// margin (进一法) unless raised with a reason; units may sit at any depth; the convening
/// committee approves a unit's whole list as its candidates (正式候选人) by a recorded decision.
@Suite struct ElectoralUnitTests {
    /// ⌈s × 6/5⌉ for a 20% margin, by hand: s + ⌈s/5⌉ = s + (s + 4) / 5; no seats, no candidates.
    static func places(_ seats: Int) -> Int { seats == 0 ? 0 : seats + (seats + 4) / 5 }

    static func town() async throws -> (data: MemoryDataStore, generator: DemoGenerator, election: ElectionRecord) {
        let data = MemoryDataStore()
        let generator = DemoGenerator(memberCount: 12_000)
        try await DemoLoader.load(generator, into: data)
        var draft = ElectionSetup.Draft(name: "泥城镇出席第十四次党代会代表选举", organizationID: OrganizationID(generator.townID),
                                        profile: .basic, seats: 45, marginRatio: Ratio(1, 5), referenceDate: "2026-11-01")
        draft.electoralUnits = true
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        return (data, generator, election)
    }

    /// The town's branches (the demo's town holds them under one general branch): its electoral units here.
    static func branches(_ data: MemoryDataStore, _ generator: DemoGenerator) async throws -> [OrganizationID] {
        let town = try #require(try await data.organizations.find(OrganizationID(generator.townID)))
        return try await OrganizationTree.load(scope: .subtree(path: town.path), in: data)
            .filter { $0.organization.kind == .branch }.map(\.organization.id)
    }

    @Test func theSeatsAreSharedAndEachUnitsPlacesFollowItsSeats() async throws {
        let (data, generator, election) = try await Self.town()
        #expect(try ElectionSetup.electoralUnits(of: election))
        #expect(try await data.audit.newest()?.after.contains("各选举单位选举代表") == true)
        var units = QuotaAllocation.Plan()
        units.units = try await Self.branches(data, generator)
        let preview = try await QuotaAllocation.preview(election.id, plan: units, scope: .city, in: data)
        #expect(preview.electoral && preview.target == 45 && preview.total == 45 && preview.complete)
        // The demo town's three branches have 40 members each: 15 seats each, 15 + 3 = 18 places.
        #expect(preview.rows.count == 3 && preview.rows.allSatisfy { $0.members == 40 && $0.seats == 15 && $0.places == 18 })
        #expect(preview.rows.allSatisfy { $0.seats != nil && $0.places == Self.places($0.seats!) }, "\(preview.rows.map { ($0.seats, $0.places) })")
        #expect(preview.totalPlaces == preview.rows.map { Self.places($0.seats!) }.reduce(0, +))
        // Places raised above the margin with a reason; never below it.
        let unit = try #require(preview.rows.first { ($0.seats ?? 0) >= 3 })
        var plan = units
        plan.placeOverrides = [.init(unit: unit.unit, places: Self.places(unit.seats!) + 2, reason: "支部党员多，多安排两名候选人")]
        let raised = try await QuotaAllocation.apply(election.id, plan: plan, actor: "dept", scope: .city, in: data)
        #expect(raised.rows.first { $0.unit == unit.unit }?.places == Self.places(unit.seats!) + 2)
        let stored = try await data.elections.quotas(of: election.id)
        #expect(stored.map { $0.seats ?? -1 }.reduce(0, +) == 45)
        #expect(stored.first { $0.organizationID == unit.unit }?.reason?.contains("多安排两名候选人") == true)
        #expect(try await data.audit.newest()?.after.contains("\(unit.name)应选\(unit.seats!)名、候选人\(Self.places(unit.seats!) + 2)名") == true)
        plan.placeOverrides = [.init(unit: unit.unit, places: Self.places(unit.seats!) - 1, reason: "少安排一名")]
        #expect(await refused("quota.places.belowMargin") {
            try await QuotaAllocation.apply(election.id, plan: plan, actor: "dept", scope: .city, in: data)
        })
        // Seats set by hand must still come to the election's 45.
        // (The units in force now: the plan need not name them again.)
        // 17 by hand for one: the other two share 28, 14 each (equal members); a share of 16 and 14 would tie.
        var byHand = QuotaAllocation.Plan()
        byHand.overrides = [.init(unit: unit.unit, places: 17, reason: "镇党委研究，多给两个名额")]
        let handSet = try await QuotaAllocation.preview(election.id, plan: byHand, scope: .city, in: data)
        #expect(handSet.rows.map { $0.unit == unit.unit ? 17 == $0.seats : 14 == $0.seats } == [true, true, true])
        #expect(handSet.total == 45 && handSet.complete)
        #expect(handSet.rows.first { $0.unit == unit.unit }.map { $0.places == Self.places(17) && $0.reason?.contains("多给两个名额") == true } == true)
        byHand.overrides = [.init(unit: unit.unit, places: 16, reason: "镇党委研究，多给一个名额")]
        let tied = try await QuotaAllocation.preview(election.id, plan: byHand, scope: .city, in: data)
        #expect(tied.ties.count == 1 && !tied.complete)
    }

    @Test func unitsMaySitAtAnyDepthAndNominationsFindTheirUnit() async throws {
        let data = MemoryDataStore()
        // Large enough that a county has several committees (one per about twelve branches of forty).
        let generator = DemoGenerator(memberCount: 20_000)
        try await DemoLoader.load(generator, into: data)
        var draft = ElectionSetup.Draft(name: "武陵区出席市党代会代表选举", organizationID: OrganizationID(generator.cityID), profile: .localCongress,
                                        seats: 30, marginRatio: Ratio(1, 5), referenceDate: "2026-11-01")
        draft.electoralUnits = true
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        let tree = try await OrganizationTree.load(scope: .city, in: data)
        // A unit with two committees or more inside (depth 2): two of them, and another unit whole (depth 1).
        let committees = Dictionary(grouping: tree.filter { $0.depth == 2 && $0.organization.kind == .committee }) { $0.organization.parentID! }
        let (outerID, inside) = try #require(committees.first { $0.value.count >= 2 })
        let outer = try #require(try await data.organizations.find(outerID))
        let wuling = outer.id
        let dingcheng = try #require(tree.first { $0.depth == 1 && $0.organization.id != outerID }).organization.id
        let inner = [inside[0].organization.id]
        let outside = inside[1]
        var plan = QuotaAllocation.Plan()
        plan.units = inner + [dingcheng]
        let preview = try await QuotaAllocation.apply(election.id, plan: plan, actor: "dept", scope: .city, in: data)
        #expect(Set(preview.rows.map(\.unit)) == Set(inner + [dingcheng]) && preview.total == 30)
        // A member of a branch inside the chosen committee is that committee's nominee; one of its sibling takes no part.
        let innerPath = try #require(try await data.organizations.find(inner[0])).path
        var search = MemberSearch()
        search.status = .full
        search.pageSize = 1
        let member = try #require(try await data.members.search(search, in: .subtree(path: innerPath)).members.first)
        let candidacy = try await Nominations.nominate(member.id, in: election.id, supportOrganizations: 1, supportMembers: 5, actor: "d",
                                                       scope: .city, in: data)
        #expect(candidacy.unitID == inner[0])
        let stranger = try #require(try await data.members.search(search, in: .subtree(path: outside.organization.path)).members.first)
        #expect(await refused("nomination.outsideElection") {
            _ = try await Nominations.nominate(stranger.id, in: election.id, supportOrganizations: 1, supportMembers: 5, actor: "d",
                                               scope: .city, in: data)
        })
        // Nested, unknown and repeated units are refused, naming the entry.
        for (units, code) in [([wuling, inner[0]], "quota.units.nested"), ([OrganizationID(generator.townID)], "quota.units.unknown"),
                              ([dingcheng, dingcheng], "quota.units.count")] {
            var bad = QuotaAllocation.Plan()
            bad.units = units
            #expect(await refused(code) { _ = try await QuotaAllocation.preview(election.id, plan: bad, scope: .city, in: data) }, "\(code)")
        }
    }

    /// A recommendation upward (the city's 68 for the province) keeps places alone.
    @Test func aRecommendationKeepsPlacesOnly() async throws {
        let city = try await NominationTests.city(composition: false)
        let rows = try await city.data.elections.quotas(of: city.election.id)
        #expect(rows.allSatisfy { $0.seats == nil } && rows.map(\.places).reduce(0, +) == 68)
        var plan = QuotaAllocation.Plan()
        plan.placeOverrides = [.init(unit: city.wuling.id, places: 9, reason: "推荐选举不设应选名额")]
        #expect(await refused("quota.placeOverrides.notElectoral") {
            _ = try await QuotaAllocation.preview(city.election.id, plan: plan, scope: .city, in: city.data)
        })
    }

    /// Takes 武陵区's list from nomination to 报上级审查 (vetting complete, 公示 ended).
    static func reportedList(_ city: NominationTests.City) async throws -> [CandidacyID] {
        let places = try #require(try await city.data.elections.quotas(of: city.election.id).first { $0.organizationID == city.wuling.id }?.places)
        let people = try await NominationTests.members(city, city.wulingScope) { $0.maxAge = 50 }
        var ids: [CandidacyID] = []
        for person in people.prefix(places) {
            ids.append(try await Nominations.nominate(person.id, in: city.election.id, supportOrganizations: 3, supportMembers: 30, actor: "w",
                                                      scope: city.wulingScope, in: city.data).id)
        }
        _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .preliminary, actor: "w", scope: city.wulingScope,
                                           in: city.data)
        for stage in [NominationStage.inspection, .deliberation, .proposed] {
            if stage == .deliberation { try await vetCompletely(city.wuling.id, in: city.election.id, data: city.data) }
            _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: stage, actor: "d", scope: .city, in: city.data)
        }
        _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .publicized, actor: "d", scope: .city,
                                           today: try #require(CalendarDate(text: "2026-08-27")), in: city.data)
        _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .reported, actor: "d", scope: .city,
                                           today: try #require(CalendarDate(text: "2026-09-03")), in: city.data)
        return ids
    }

    @Test func theCommitteeApprovesAUnitsWholeListByARecordedDecision() async throws {
        let city = try await NominationTests.city(composition: false)
        let ids = try await Self.reportedList(city)
        let decision = "市委常委会 2026年9月10日 研究批准"
        // Never one by one, never by the unit, never without the decision.
        #expect(await refused("nomination.approved.listOnly") {
            try await Nominations.move(ids[0], to: .approved, actor: "d", scope: .city, in: city.data)
        })
        #expect(await refused("nomination.stage.departmentOnly") {
            _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .approved, decision: decision, actor: "w",
                                               scope: city.wulingScope, in: city.data)
        })
        #expect(await refused("nomination.approved.decisionMissing") {
            _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .approved, decision: " ", actor: "d", scope: .city,
                                               in: city.data)
        })
        let approved = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .approved, decision: decision, actor: "d",
                                                      scope: .city, in: city.data)
        #expect(approved.moved.count == ids.count && approved.moved.allSatisfy { $0.stage == .approved && $0.decision == decision })
        let stored = try await city.data.candidacies.all(of: city.election.id).filter { ids.contains($0.id) }
        #expect(stored.allSatisfy { $0.stage == .approved && $0.decision == decision })
        let entry = try #require(try await city.data.audit.newest())
        #expect(entry.before == "报上级审查" && entry.after.hasPrefix("正式候选人：") && entry.after.contains("（\(decision)）"))
        // After approval only the department withdraws a candidate.
        #expect(await refused("nomination.withdraw.departmentOnly") {
            try await Nominations.move(ids[0], to: .withdrawn, reason: "本人申请退出", actor: "w", scope: city.wulingScope, in: city.data)
        })
        #expect(try await AuditLog.verify(in: city.data).firstBroken == nil)
    }

    @Test func aListShorterThanTheUnitsPlacesIsNotApproved() async throws {
        let city = try await NominationTests.city(composition: false)
        let ids = try await Self.reportedList(city)
        try await Nominations.move(ids[0], to: .withdrawn, reason: "本人申请退出，经组织部同意", actor: "d", scope: .city, in: city.data)
        #expect(await refused("nomination.list.belowMargin") {
            _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .approved, decision: "市委常委会研究批准", actor: "d",
                                               scope: .city, in: city.data)
        })
        #expect(try await city.data.candidacies.all(of: city.election.id).allSatisfy { $0.stage != .approved })
    }
}
