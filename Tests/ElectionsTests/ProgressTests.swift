import Foundation
import Testing
import Core
import Persistence
import Demo
import Elections
import Nominations

/// The timeline per unit on the demo: lists reported, opinions heard, deadlines met or overdue.
@Suite struct ProgressTests {
    @Test func eachUnitsDeadlinesAreMetPendingOrOverdue() async throws {
        let (data, generator, counts) = try await demoCityWithNominations()
        #expect(counts.opinions > 0)
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        // Before the first deadline (25 August) nothing is overdue; after the last, the unmet ones are.
        let early = try await NominationProgress.units(election.id, today: "2026-08-20", scope: .city, in: data)
        #expect(early.count == 10 && early.flatMap(\.deadlines).allSatisfy { $0.state != .overdue })
        let late = try await NominationProgress.units(election.id, today: "2026-09-20", scope: .city, in: data)
        let jinshi = try #require(late.first { $0.unit.contains("津市") })
        #expect(jinshi.reported == 0 && jinshi.deadlines.allSatisfy { $0.state == .overdue })
        // 武陵区: its list reported and fully vetted, so the first two steps are met; the last is not yet.
        let wuling = try #require(late.first { $0.unit.contains("武陵") })
        #expect(wuling.reported == wuling.places && wuling.opinionsHeard == wuling.opinionsNeeded)
        #expect(wuling.deadlines.map(\.state) == [.met, .met, .overdue])
        // A unit sees its own row only.
        let unit = try #require(try await data.organizations.find(wuling.unitID))
        #expect(try await NominationProgress.units(election.id, today: "2026-09-20", scope: .subtree(path: unit.path), in: data).map(\.unit) == [wuling.unit])
        // The seed's three steps are judged by what they ask (the demo stored them before steps carried it).
        #expect(wuling.deadlines.map(\.milestone) == [.preliminaryList, .inspection, .decided])
        #expect(wuling.stage == .preliminary && jinshi.stage == .recommended)
    }

    @Test func aStepTheSoftwareCannotJudgeIsShownNotJudged() async throws {
        let (data, generator, _) = try await demoCityWithNominations()
        #expect(ElectionSetup.Milestone.inferred(from: "召开推荐工作培训会") == .untracked)
        #expect(ElectionSetup.Milestone.inferred(from: "各单位上报初步人选名单") == .preliminaryList)
        #expect(ElectionSetup.Milestone.inferred(from: "确定预备人选") == .decided)
        var draft = ElectionSetup.Draft(name: "带自定义时间节点的选举", organizationID: OrganizationID(generator.cityID), profile: .localCongress, seats: 56,
                                        marginRatio: Ratio(21, 100), candidatePlaces: 68, referenceDate: "2026-09-01")
        draft.deadlines = [.init(step: "召开推荐工作培训会", due: "2026-08-01"), .init(step: "各单位上报名单", due: "2026-08-20", milestone: .preliminaryList)]
        let election = try await ElectionSetup.create(draft, actor: "dept", scope: .city, in: data)
        #expect(try ElectionSetup.deadlines(of: election).map(\.milestone) == [.untracked, .preliminaryList])
        var plan = QuotaAllocation.Plan()
        plan.minimum = 3
        try await QuotaAllocation.apply(election.id, plan: plan, actor: "dept", scope: .city, in: data)
        let rows = try await NominationProgress.units(election.id, today: "2026-09-20", scope: .city, in: data)
        // The training is never "overdue" for want of nominations; the list step is, where a unit has places.
        #expect(!rows.isEmpty && rows.allSatisfy { $0.deadlines[0].state == .untracked })
        #expect(rows.filter { $0.places > 0 }.allSatisfy { $0.deadlines[1].state == .overdue })
    }
}
