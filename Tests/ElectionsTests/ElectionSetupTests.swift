import Foundation
import Testing
import Core
import Persistence
import Audit
import Demo
import Elections
import Allocation

/// Election setup and quota allocation on the in-memory store (the contract tests keep it
/// answering as the database does): the seed's provincial election, 56 seats, 68 places.
@Suite struct ElectionSetupTests {
    /// The demo city with its members, and the department's draft of the seed's election.
    static func city() async throws -> (data: MemoryDataStore, generator: DemoGenerator, draft: ElectionSetup.Draft) {
        let data = MemoryDataStore()
        let generator = DemoGenerator(memberCount: 3_000)
        try await DemoLoader.load(generator, into: data)
        let draft = ElectionSetup.Draft(name: "推荐出席省第十次党代会代表候选人预备人选", organizationID: OrganizationID(generator.cityID),
                                        profile: .localCongress, seats: 56, marginRatio: Ratio(21, 100), candidatePlaces: 68,
                                        referenceDate: "2026-09-01")
        return (data, generator, draft)
    }


    @Test func theSeedElectionIsSetUpAndAudited() async throws {
        let (data, _, draft) = try await Self.city()
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        #expect(election.candidatePlaces == 68 && election.nameOrder == .a && election.office == .delegate)
        let entry = try #require(try await data.audit.newest())
        #expect(entry.action == "election.created" && entry.after.contains("候选人68名") && entry.after.contains("21%"))
        // 56 seats at 21%: at least 56 + ⌈11.76⌉ = 68 places (进一法); without a number, that is what is set.
        var fewest = draft; fewest.name = "另一项"; fewest.candidatePlaces = nil
        #expect(try await ElectionSetup.create(fewest, actor: "dept", scope: .city, in: data).candidatePlaces == 68)
    }

    @Test func theTimelineAndRequirementsAreKeptAsSetUp() async throws {
        let (data, _, draft) = try await Self.city()
        var seed = draft
        seed.deadlines = try ElectionSetup.parseTimeline("2026-08-25 区县（市）与市委组织部衔接初步人选名单\r\n\r\n2026-08-31\t完成代表候选人初步人选考察\n2026-09-15　全面完成推荐工作\r\n")
        #expect(seed.deadlines == ElectionSetup.seedTimeline)
        seed.compositionJSON = #"[{"id":"women","label":"妇女","where":{"gender":"女"},"min":"0.11","level":"mandatory"}]"#
        let election = try await ElectionSetup.create(seed, actor: "dept", scope: .city, in: data)
        #expect(try ElectionSetup.deadlines(of: election).map(\.due) == ["2026-08-25", "2026-08-31", "2026-09-15"])
        let requirements = try ElectionSetup.requirements(of: election)
        // 0.11 is read as 11/100 exactly: 100 places need 11 women, not 12.
        #expect(requirements.count == 1 && requirements[0].target == .min(Ratio(11, 100)))
        #expect(try #require(try await data.audit.newest()).after.contains("结构要求 1 项，时间节点 3 个"))
        #expect(await refused("election.deadlines.line") { _ = try ElectionSetup.parseTimeline("2026-08-25\n") })
        for (bad, code) in [([ElectionSetup.Deadline(step: "上报", due: "2026-8-25")], "election.deadlines.date"),
                            ([.init(step: "上报", due: "2026-08-25"), .init(step: "考察", due: "2026-08-24")], "election.deadlines.order"),
                            ([.init(step: "报", due: "2026-08-25")], "election.deadlines.step"),
                            (Array(repeating: ElectionSetup.Deadline(step: "上报", due: "2026-08-25"), count: 21), "election.deadlines.tooMany")] {
            var refusedDraft = draft
            refusedDraft.name = "时间节点有误的选举"
            refusedDraft.deadlines = bad
            #expect(await refused(code) { try await ElectionSetup.create(refusedDraft, actor: "d", scope: .city, in: data) }, "\(code)")
        }
    }

    @Test func setupRefusalsAreCoded() async throws {
        let (data, generator, draft) = try await Self.city()
        var below = draft; below.candidatePlaces = 67
        #expect(await refused("election.candidatePlaces.belowMargin") { try await ElectionSetup.create(below, actor: "d", scope: .city, in: data) })
        var seats = draft; seats.seats = 0
        #expect(await refused("election.seats.outOfRange") { try await ElectionSetup.create(seats, actor: "d", scope: .city, in: data) })
        var date = draft; date.referenceDate = "2026-02-30"
        #expect(await refused("election.referenceDate.invalid") { try await ElectionSetup.create(date, actor: "d", scope: .city, in: data) })
        let unit = try #require(try await data.organizations.find(OrganizationID(generator.unitIDs["wuling"]!)))
        #expect(await refused("election.create.cityOnly") {
            try await ElectionSetup.create(draft, actor: "u", scope: .subtree(path: unit.path), in: data)
        })
        try await ElectionSetup.create(draft, actor: "d", scope: .city, in: data)
        #expect(await refused("election.name.taken") { try await ElectionSetup.create(draft, actor: "d", scope: .city, in: data) })
    }

    @Test func quotasFollowTheMembersAndAnOverrideKeepsItsReason() async throws {
        let (data, generator, draft) = try await Self.city()
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        var plan = QuotaAllocation.Plan()
        plan.minimum = 3
        let preview = try await QuotaAllocation.preview(election.id, plan: plan, scope: .city, in: data)
        // The ten units below the city, every one with at least its minimum, 68 in all.
        #expect(preview.rows.count == 10 && preview.total == 68 && preview.rows.allSatisfy { $0.places >= 3 })
        #expect(preview.rows.allSatisfy { $0.previous == nil })
        // The largest unit by members gets the most places.
        let largest = try #require(preview.rows.max { $0.members < $1.members })
        #expect(preview.rows.allSatisfy { $0.places <= largest.places })
        // 市直 gets 31 by decision of the city (the seed), with the reason; the rest share the remainder.
        let shizhi = OrganizationID(generator.unitIDs["shizhi"]!)
        plan.overrides = [.init(unit: shizhi, places: 31, reason: "市直机关代表性强，按市委研究意见安排")]
        let applied = try await QuotaAllocation.apply(election.id, plan: plan, actor: "dept", scope: .city, in: data)
        #expect(applied.total == 68)
        let rows = try await data.elections.quotas(of: election.id)
        #expect(rows.count == 10 && rows.map(\.places).reduce(0, +) == 68)
        #expect(rows.first { $0.organizationID == shizhi }?.places == 31 && rows.first { $0.organizationID == shizhi }?.reason?.hasPrefix("市直") == true)
        let entry = try #require(try await data.audit.newest())
        #expect(entry.action == "election.quotas.set" && entry.after.contains("调整：市直机关代表性强"))
        // A second preview shows the change from the rows in force.
        let again = try await QuotaAllocation.preview(election.id, plan: QuotaAllocation.Plan(), scope: .city, in: data)
        #expect(again.rows.allSatisfy { $0.previous != nil })
        #expect(try await AuditLog.verify(in: data).firstBroken == nil)
    }

    @Test func quotaRefusalsAreCodedAndChangeNothing() async throws {
        let (data, generator, draft) = try await Self.city()
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        let wuling = OrganizationID(generator.unitIDs["wuling"]!)
        let auditBefore = try await data.audit.count()
        var noReason = QuotaAllocation.Plan()
        noReason.overrides = [.init(unit: wuling, places: 3, reason: " ")]
        #expect(await refused("quota.override.reasonMissing") { try await QuotaAllocation.apply(election.id, plan: noReason, actor: "d", scope: .city, in: data) })
        var tooMany = QuotaAllocation.Plan()
        tooMany.overrides = [.init(unit: wuling, places: 69, reason: "超过总数")]
        #expect(await refused("quota.override.outOfRange") { try await QuotaAllocation.apply(election.id, plan: tooMany, actor: "d", scope: .city, in: data) })
        var stranger = QuotaAllocation.Plan()
        stranger.overrides = [.init(unit: OrganizationID(generator.townID), places: 1, reason: "不是下级单位")]
        #expect(await refused("quota.override.unknownUnit") { try await QuotaAllocation.apply(election.id, plan: stranger, actor: "d", scope: .city, in: data) })
        var impossible = QuotaAllocation.Plan()
        impossible.minimum = 7   // ten units × 7 > 68
        #expect(await refused("apportion.seats.tooFew") { try await QuotaAllocation.apply(election.id, plan: impossible, actor: "d", scope: .city, in: data) })
        let unit = try #require(try await data.organizations.find(wuling))
        #expect(await refused("quota.cityOnly") {
            try await QuotaAllocation.apply(election.id, plan: QuotaAllocation.Plan(), actor: "u", scope: .subtree(path: unit.path), in: data)
        })
        #expect(try await data.elections.quotas(of: election.id).isEmpty)
        #expect(try await data.audit.count() == auditBefore)
    }

    @Test func aUnitSeesTheElectionsItTakesPartIn() async throws {
        let (data, generator, draft) = try await Self.city()
        try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        let unit = try #require(try await data.organizations.find(OrganizationID(generator.unitIDs["wuling"]!)))
        let town = try #require(try await data.organizations.find(OrganizationID(generator.townID)))
        let seenByUnit = try await ElectionSetup.list(scope: .subtree(path: unit.path), in: data).map(\.name)
        let seenByTown = try await ElectionSetup.list(scope: .subtree(path: town.path), in: data).map(\.name)
        #expect(seenByUnit.contains(draft.name) && !seenByUnit.contains { $0.contains("泥城镇") })
        #expect(seenByTown.contains { $0.contains("泥城镇") } && !seenByTown.contains(draft.name))
    }

    /// Settings that do not read are an error, never an election without composition targets.
    @Test func unreadableSettingsAreRefusedNotIgnored() async throws {
        let broken = ElectionRecord(name: "设置损坏的选举", organizationID: OrganizationID(UUID()), profile: .basic, seats: 5, candidatePlaces: 6,
                                    marginRatio: Ratio(1, 5), referenceDate: "2026-09-01", settings: "{not json")
        #expect(await refused("election.settings.invalid") { _ = try ElectionSetup.requirements(of: broken) })
        var wrongShape = broken
        wrongShape.settings = #"{"composition":{"women":0.2}}"#
        #expect(await refused("election.composition.invalid") { _ = try ElectionSetup.requirements(of: wrongShape) })
        var none = broken
        none.settings = #"{"stage":"preparation"}"#
        #expect(try ElectionSetup.requirements(of: none).isEmpty)
    }
}
