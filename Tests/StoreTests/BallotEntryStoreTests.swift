import Foundation
import Testing
import Core
import Persistence
import Demo
import Elections
import Meetings

/// The ballot-entry rows on SQLite answer as the memory store does: batches, entries claimed
/// and finalised, keyings superseded (kept, not overwritten), one current keying per ballot
/// and entry, decisions.
@Suite struct BallotEntryStoreTests {
    static func scenario(_ data: any DataStore) async throws -> [String] {
        let generator = DemoGenerator(memberCount: 300)
        try await DemoLoader.load(generator, into: data)
        let election = try await ElectionSetup.create(.init(name: "录入契约测试", organizationID: OrganizationID(generator.cityID), profile: .basic,
                                                            seats: 1, marginRatio: Ratio(1, 5), referenceDate: "2026-09-01"), actor: "d", scope: .city, in: data)
        var full = MemberSearch(); full.status = .full; full.pageSize = 2
        let round = try await Rounds.create(election.id, kind: .formal, seats: 1, candidates: try await data.members.search(full, in: .city).members.map(\.id),
                                            actor: "c", scope: .city, in: data)
        let e = data.ballotEntry
        try await e.insert([BatchRecord(roundID: round.id, number: 1, size: 2), BatchRecord(roundID: round.id, number: 2, size: 1)])
        try await e.insert(BatchEntryRecord(roundID: round.id, batch: 1, entry: 1, account: "a"))
        try await e.insert(KeyedBallotRecord(roundID: round.id, batch: 1, entry: 1, number: 1, content: "{\"invalid\":\"撕毁\"}", keyedBy: "a", keyedAt: "t1"))
        var out: [String] = []
        do {
            try await e.insert(KeyedBallotRecord(roundID: round.id, batch: 1, entry: 1, number: 1, content: "{}", keyedBy: "a", keyedAt: "t2"))
            out.append("second current keying?!")
        } catch { out.append("second current keying refused") }
        try await e.supersede(round: round.id, batch: 1, entry: 1, number: 1, at: "t2")
        try await e.insert(KeyedBallotRecord(roundID: round.id, batch: 1, entry: 1, number: 1, content: "{}", keyedBy: "a", keyedAt: "t2"))
        try await e.finalise(round: round.id, batch: 1, entry: 1, at: "t3")
        try await e.insert(ResolutionRecord(roundID: round.id, batch: 1, number: 1, decision: .reenter, entry: 1, decidedBy: "s", decidedAt: "t4"))
        // Every keying of ballot 1, the superseded one too, oldest first by time.
        let all = try await e.keyings(of: round.id, batch: 1, number: 1).sorted { $0.keyedAt < $1.keyedAt }
        out.append("keyings " + all.map { "\($0.keyedAt):\($0.supersededAt ?? "-")" }.joined(separator: ","))
        do { try await e.insert(BatchEntryRecord(roundID: round.id, batch: 1, entry: 1, account: "b")); out.append("entry taken twice?!") }
        catch { out.append("entry claimed once") }
        out.append("batches " + (try await e.batches(of: round.id)).map { "\($0.number):\($0.size)" }.joined(separator: ","))
        out.append("entries " + (try await e.entries(of: round.id, batch: 1)).map { "\($0.entry):\($0.account):\($0.finalisedAt ?? "-")" }.joined())
        out.append("current " + (try await e.ballots(of: round.id, batch: 1)).map { "\($0.number):\($0.content):\($0.keyedAt)" }.joined())
        out.append("round " + (try await e.ballots(of: round.id)).count.description)
        out.append("resolutions " + (try await e.resolutions(of: round.id, batch: 1)).map { "\($0.number):\($0.decision.rawValue):\($0.entry)" }.joined())
        var one: [String] = []
        for (number, entry) in [(1, 1), (1, 2), (2, 1)] {
            one.append("\(number).\(entry)=\(try await e.ballot(of: round.id, batch: 1, entry: entry, number: number)?.keyedAt ?? "-")")
        }
        out.append("one " + one.joined(separator: ","))
        // A seat reduction is kept with the round, as written.
        var reduced = round
        reduced.seatReduction = SeatReduction(seats: 1, vote: "大会举手表决", agreed: 101, decidedBy: "chair", decidedAt: "t5")
        try await data.meetings.update(reduced)
        let stored = try await data.meetings.round(round.id)?.seatReduction
        out.append("reduction " + (stored.map { "\($0.seats):\($0.vote):\($0.agreed ?? -1):\($0.decidedBy):\($0.decidedAt)" } ?? "-"))
        return out
    }

    @Test func sqliteAnswersAsMemoryDoes() async throws {
        let (memory, sqlite) = try await onMemoryAndSQLite(Self.scenario)
        #expect(memory == sqlite)
        #expect(memory == ["second current keying refused", "keyings t1:t2,t2:-", "entry claimed once", "batches 1:2,2:1", "entries 1:a:t3",
                           "current 1:{}:t2", "round 1",
                           "resolutions 1:reenter:1", "one 1.1=t2,1.2=-,2.1=-", "reduction 1:大会举手表决:101:chair:t5"])
    }
}
