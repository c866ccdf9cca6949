import Foundation
import Testing
import Core
import Persistence
import Demo
import Elections
import Meetings

extension DatabaseSuites {
/// Contended writes on SQLite and on PostgreSQL: each is read, checked and written inside its
/// transaction, so one lands and the others are refused with their code — never a constraint
/// error or a 500. On SQLite the write queue serialises them; on PostgreSQL the transactions are
/// SERIALIZABLE and retried when the database aborts one (before, PostgreSQL ran them side by
/// side under READ COMMITTED: the twenty doors ended in unique-constraint errors).
@Suite struct ConcurrentDeskTests {
    /// The demo town on a fresh store, and its first full member.
    static func town(_ store: XuanjuStore) async throws -> (election: ElectionRecord, voters: [MemberRecord]) {
        let data = store.data
        let generator = DemoGenerator(memberCount: 6_000)
        try await DemoLoader.load(generator, into: data)
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.townID })
        let town = try #require(try await data.organizations.find(election.organizationID))
        var full = MemberSearch(); full.status = .full; full.pageSize = 100
        return (election, try await data.members.search(full, in: .subtree(path: town.path)).members)
    }

    @Test(arguments: Backend.available)
    func theSamePersonAtTwentyDoorsIsCheckedInOnce(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let data = store.data
            let (election, voters) = try await Self.town(store)
            let member = try #require(voters.first)
            let outcomes = await Self.atOnce(20) { door in
                try await MeetingAttendance.checkIn(election.id, query: member.record.idNumber, actor: "door\(door)", scope: .city, in: data)
            }
            #expect(outcomes.filter { $0 == "ok" }.count == 1 && outcomes.filter { $0 == "checkIn.duplicate" }.count == 19, "\(Set(outcomes))")
            #expect(try await data.meetings.checkIns(of: election.id).count == 1)
        }
    }

    /// Ten counters reach for the same entry of a batch at once: one claims it, nine are told
    /// it is another counter's; then ten signatures as chair from ten accounts: one stands.
    @Test(arguments: Backend.available)
    func tenCountersClaimOneEntryAndTenChairsSignOnce(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let data = store.data
            let (election, voters) = try await Self.town(store)
            let round = try await Rounds.create(election.id, kind: .formal, seats: 1, candidates: Array(voters.suffix(2)).map(\.id), actor: "chair",
                                                scope: .city, in: data)
            try await Rounds.take(.freeze, round: round.id, actor: "chair", scope: .city, in: data)
            for member in voters.prefix(90) {
                try await MeetingAttendance.checkIn(election.id, query: member.record.idNumber, actor: "door", scope: .city, in: data)
            }
            let present = try await MeetingAttendance.summary(election.id, scope: .city, in: data)
            try #require(present.quorumMet, "demo town too small for the quorum: \(present.present) of \(present.expected)")
            try await Rounds.take(.open(issued: 1), round: round.id, actor: "chair", scope: .city, in: data)
            try await Rounds.take(.collect(returned: 1), round: round.id, actor: "chair", scope: .city, in: data)
            try await Rounds.take(.startCount, round: round.id, actor: "chair", scope: .city, in: data)
            let a = round.candidates[0].id
            let claims = await Self.atOnce(10) { counter in
                _ = try await BallotEntry.key(.init(marks: [a: "for"]), round: round.id, batch: 1, entry: 1, ballot: 1, actor: "counter\(counter)",
                                              scope: .city, in: data)
            }
            #expect(claims.filter { $0 == "ok" }.count == 1 && claims.filter { $0 == "entry.otherCounter" }.count == 9, "\(Set(claims))")
            let owner = try #require(try await data.ballotEntry.entries(of: round.id, batch: 1).first { $0.entry == 1 }).account
            _ = try await BallotEntry.key(.init(marks: [a: "for"]), round: round.id, batch: 1, entry: 2, ballot: 1, actor: "second",
                                          scope: .city, in: data)
            try await BallotEntry.finalise(round: round.id, batch: 1, entry: 1, actor: owner, scope: .city, in: data)
            try await BallotEntry.finalise(round: round.id, batch: 1, entry: 2, actor: "second", scope: .city, in: data)
            try await Rounds.take(.finishCount, round: round.id, actor: "chair", scope: .city, in: data)
            let signatures = await Self.atOnce(10) { chair in
                _ = try await Rounds.take(.sign(asChiefScrutineer: false), round: round.id, actor: "chair\(chair)", scope: .city, in: data)
            }
            #expect(signatures.filter { $0 == "ok" }.count == 1 && signatures.filter { $0 == "round.signoff.already" }.count == 9,
                    "\(Set(signatures))")
            #expect(try await data.meetings.round(round.id)?.pendingChair?.hasPrefix("chair") == true)
        }
    }

    /// Runs `n` copies of `body` at once; each answers "ok" or its refusal's code.
    static func atOnce(_ n: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async -> [String] {
        await withTaskGroup(of: String.self) { group in
            for i in 1...n {
                group.addTask {
                    do { try await body(i); return "ok" } catch let refusal as Refusal { return refusal.code } catch { return "unexpected: \(error)" }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
    }
}
}
