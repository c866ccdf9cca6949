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
    }
}
