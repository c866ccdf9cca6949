import Foundation
import Core
import Persistence
import Elections
import Documents
import NameOrder

/// The count of a round from its definitive ballots: the rule book's count (`RoundCounter`, the
/// same as `xuanju count`), with the candidates' ids, the ballots issued and the meeting's
/// scrutineers and counters. Provisional until the scrutineers have signed.
public enum RoundResults {
    public struct Result: Sendable {
        public let report: RoundReport
        public let provisional: Bool
    }

    /// The ballots as the count reads them: candidates by their place on the ballot.
    static func ballot(_ keyed: KeyedBallot, index: [String: Int]) -> Ballot {
        switch keyed {
        case .invalid(let reason): return .declaredInvalid(reason: reason)
        case .marked(let marks, let writeIns):
            var ballot = BallotMarks(for: marks.filter { $0.value == .for }.compactMap { index[$0.key] }.sorted(),
                                     against: marks.filter { $0.value == .against }.compactMap { index[$0.key] }.sorted())
            ballot.placedWriteIns = writeIns.compactMap { w in index[w.under].map { PlacedWriteIn(under: $0, name: w.name) } }
            return .marked(ballot)
        }
    }

    public static func report(_ roundID: RoundID, scope: Scope, in data: any DataStore) async throws -> Result {
        let (round, election) = try await Rounds.find(roundID, scope: scope, in: data)
        guard [.counting, .counted, .signed, .announced].contains(round.lifecycle.state),
              let keyed = try await BallotEntry.definitiveBallots(of: round, in: data) else {
            throw Refusal.invalid("round.report.notReady", "各批选票两次录入一致（或经裁定）后才有计票结果（本轮在「\(round.lifecycle.state.rawValue)」）")
        }
        let index = Dictionary(uniqueKeysWithValues: round.candidates.enumerated().map { ($1.id, $0) })
        var input = RoundInput(profile: election.profile, kind: round.kind, seats: round.seats, candidates: round.candidates.map(\.name),
                               expected: round.lifecycle.expected ?? 0, present: round.lifecycle.present ?? 0, issued: round.lifecycle.issued,
                               marginRatio: election.marginRatio, ballots: keyed.map { ballot($0, index: index) })
        input.candidateIDs = round.candidates.map(\.id)
        let officials = try await MeetingOfficials.list(election.id, scope: scope, in: data)
        input.scrutineers = officials.filter { $0.official.role != .counter }.map(\.member.record.name)
        input.counters = officials.filter { $0.official.role == .counter }.map(\.member.record.name)
        do {
            let report = try RoundCounter.count(input, order: NameOrdering(NameOrder(convention: election.nameOrder)))
            return Result(report: report, provisional: ![.signed, .announced].contains(round.lifecycle.state))
        } catch {
            throw Refusal.invalid(error.code, error.message, field: error.field)
        }
    }
}
