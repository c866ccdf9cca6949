import Core
import Persistence
import Demo
import Nominations

/// Whether `body` was refused with this code (the tests compare codes, not sentences).
func refused(_ code: String, _ body: () async throws -> Void) async -> Bool {
    do { try await body() } catch let refusal as Refusal { return refusal.code == code } catch { return false }
    return false
}

/// The demo city in memory with the demo's nominations and opinions, as `xuanju demo` writes them.
func demoCityWithNominations() async throws -> (data: MemoryDataStore, generator: DemoGenerator, counts: DemoNominations.Counts) {
    let data = MemoryDataStore()
    let generator = DemoGenerator(memberCount: 6_000)
    try await DemoLoader.load(generator, into: data)
    return (data, generator, try await DemoNominations.load(generator, into: data))
}

/// Records the six departments' opinions (RULES §12.2) that the unit's candidates in 考察 still
/// lack, as the department would before 研究审议.
func vetCompletely(_ unit: OrganizationID, in election: ElectionID, data: any DataStore) async throws {
    let entries = try await Nominations.list(election, scope: .city,
                                             in: data).filter { $0.candidacy.unitID == unit && $0.candidacy.stage == .inspection }
    let heard = try await data.vetting.departmentsHeard(for: entries.map(\.candidacy.id))
    for entry in entries {
        for department in VettingDepartment.required where !heard[entry.candidacy.id, default: []].contains(department) {
            try await Vetting.record(entry.candidacy.id, department: department, verdict: .clear, opinion: "经查，未发现问题", date: "2026-08-28",
                                     actor: "dept", scope: .city, in: data)
        }
    }
}
