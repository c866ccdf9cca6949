import Foundation
import Core
import Persistence
import Elections

/// How far each unit has come (the seed's timeline): its places, nominations, how many have
/// reached the preliminary list, opinions heard, and each deadline of the election — met,
/// pending, or overdue (past its day and not met).
public enum NominationProgress {
    public enum DeadlineState: String, Sendable { case met = "已完成", pending = "未到期", overdue = "已逾期", untracked = "不跟踪" }

    public struct Deadline: Sendable {
        public let step: String; public let due: String; public let milestone: ElectionSetup.Milestone; public let state: DeadlineState
    }

    public struct Row: Sendable {
        public let unitID: OrganizationID
        public let unit: String
        public let places: Int
        public let nominated: Int
        /// Active nominations at 初步人选 or later.
        public let reported: Int
        /// Opinions heard, and opinions a complete inspection of the reported ones needs (six each).
        public let opinionsHeard: Int
        public let opinionsNeeded: Int
        /// Where the unit's list stands: the earliest stage of its active nominations (nil without any).
        public let stage: NominationStage?
        public let deadlines: [Deadline]
    }

    /// One row per unit with a quota; `today` as yyyy-MM-dd.
    public static func units(_ electionID: ElectionID, today: String, scope: Scope, in data: any DataStore) async throws -> [Row] {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        return try await units(of: election, entries: try await Nominations.list(electionID, scope: scope, in: data), today: today, scope: scope, in: data)
    }

    /// The same for a list already read (`entries` as `Nominations.list` gives them).
    public static func units(of election: ElectionRecord, entries all: [Nominations.Entry], today: String, scope: Scope,
                             in data: any DataStore) async throws -> [Row] {
        let deadlines = try ElectionSetup.deadlines(of: election)
        let entries = all.filter { $0.candidacy.stage.isActive }
        let heardBy = try await data.vetting.departmentsHeard(for: entries.map(\.candidacy.id))
        var rows: [Row] = []
        for quota in try await ElectionOverview.quotas(election.id, scope: scope, in: data) {
            let mine = entries.filter { $0.candidacy.unitID == quota.unitID }
            let reported = mine.filter { $0.candidacy.stage != .recommended }
            let required = Set(VettingDepartment.required)
            let heard = reported.map { heardBy[$0.candidacy.id, default: []].intersection(required).count }
            let complete = heard.filter { $0 == required.count }.count
            let proposed = mine.filter { NominationStage.path.firstIndex(of: $0.candidacy.stage)! >= NominationStage.path.firstIndex(of: .proposed)! }
            rows.append(Row(unitID: quota.unitID, unit: quota.unit, places: quota.places, nominated: mine.count, reported: reported.count,
                            opinionsHeard: heard.reduce(0, +), opinionsNeeded: reported.count * VettingDepartment.required.count,
                            stage: mine.map(\.candidacy.stage).min { NominationStage.path.firstIndex(of: $0)! < NominationStage.path.firstIndex(of: $1)! },
                            deadlines: deadlines.map { d in
                                let judged = { (met: Bool) -> DeadlineState in met ? .met : (today > d.due ? .overdue : .pending) }
                                let state: DeadlineState
                                switch d.milestone {
                                case .preliminaryList: state = judged(reported.count >= quota.places)
                                case .inspection: state = judged(reported.count >= quota.places && complete >= quota.places)
                                case .decided: state = judged(proposed.count >= quota.places)
                                case .untracked: state = .untracked
                                }
                                return Deadline(step: d.step, due: d.due, milestone: d.milestone, state: state)
                            }))
        }
        return rows.sorted { $0.unit.compare($1.unit, options: .numeric) == .orderedAscending }
    }
}
