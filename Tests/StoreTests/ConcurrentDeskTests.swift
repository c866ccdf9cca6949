import Foundation
import Testing
import Core
import Persistence
import Demo
import Meetings

/// One person at twenty doors at once, on SQLite: each check-in is decided inside its
/// transaction, so one lands and the others are refused with their code — not a constraint
/// error (which is what the checks made before the transaction gave: this test failed then).
@Suite struct ConcurrentDeskTests {
    @Test func theSamePersonAtTwoDoorsIsCheckedInOnce() async throws {
        let path = NSTemporaryDirectory() + "desk-\(UUID().uuidString).sqlite"
        let store = try XuanjuStore(target: .sqlite(path: path))
        try await store.migrate()
        do {
            let data = store.data
            let generator = DemoGenerator(memberCount: 6_000)
            try await DemoLoader.load(generator, into: data)
            let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.townID })
            let town = try #require(try await data.organizations.find(election.organizationID))
            var full = MemberSearch(); full.status = .full; full.pageSize = 1
            let member = try #require(try await data.members.search(full, in: .subtree(path: town.path)).members.first)
            // Twenty doors at once: exactly one check-in, nineteen coded refusals.
            let outcomes = await withTaskGroup(of: String.self) { group in
                for door in 1...20 {
                    group.addTask { await self.attempt { try await MeetingAttendance.checkIn(election.id, query: member.record.idNumber, actor: "door\(door)", scope: .city, in: data) } }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "ok" }.count == 1 && outcomes.filter { $0 == "checkIn.duplicate" }.count == 19, "\(Set(outcomes))")
            #expect(try await data.meetings.checkIns(of: election.id).count == 1)
        } catch { await store.shutdown(); throw error }
        await store.shutdown()
        try? FileManager.default.removeItem(atPath: path)
    }

    func attempt(_ body: @Sendable () async throws -> MemberRecord) async -> String {
        do { _ = try await body(); return "ok" } catch let refusal as Refusal { return refusal.code } catch { return "unexpected: \(error)" }
    }
}
