import Foundation
import Testing
import Core
import Persistence
import Demo
import Meetings

/// The demo's town meeting, as `xuanju demo` writes it: a first round counted and announced with
/// a shortfall, and the supplementary round it called for waiting in empty batches.
@Suite struct DemoMeetingTests {
    @Test func theTownMeetingIsReadyForItsSupplementaryRound() async throws {
        let data = MemoryDataStore()
        let generator = DemoGenerator(memberCount: 12_000)
        try await DemoLoader.load(generator, into: data)
        let summary = try #require(try await DemoMeeting.load(generator, into: data))
        #expect(summary.elected == 40 && summary.shortfall == 5 && summary.present == summary.expected - 4)
        #expect(summary.batches == (summary.present - 1 + 49) / 50)
        let rounds = try await Rounds.list(scope: .city, in: data).map(\.round)
        #expect(rounds.map(\.kind) == [.formal, .supplementary] && rounds.map(\.lifecycle.state) == [.announced, .counting])
        #expect(rounds[1].seats == 5 && rounds[1].candidates.count == 6)   // s + ⌈s × 20%⌉
        let report = try await RoundResults.report(rounds[0].id, scope: .city, in: data)
        #expect(!report.provisional && report.report.results.contains { $0.writeIn && $0.name == "赵志刚" && $0.forVotes == 1 })
        #expect(report.report.scrutineers.count == 2 && report.report.counters.count == 2 && report.report.issued == summary.present)
        // The supplementary round's batches are empty: nothing keyed yet.
        #expect(try await BallotEntry.batches(of: rounds[1], in: data).allSatisfy { $0.state == .open })
        #expect(try await data.ballotEntry.ballots(of: rounds[1].id).isEmpty)
    }
}
