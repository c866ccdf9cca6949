import Foundation
import Crypto
import Core
import Persistence
import Audit
import Elections
import Allocation
import NameOrder
import Documents

/// The planner's proposal for the list (RULES §10): from every active nomination, each unit's
/// places filled so that every mandatory requirement holds, guidance targets are missed by as
/// few persons as possible, then support is greatest (GLPK, exact). Shown beside the current
/// list (nominations at 初步人选 or later): who comes in, who goes out, and the composition
/// either way. A person accepts it (those coming in become 初步人选, those going out withdraw
/// with the planner named as the reason) or rejects it; both are recorded.
public enum ListPlanning {
    public struct Proposal: Sendable {
        public let feasible: Bool
        /// Names the proposal by its content, so that an acceptance applies exactly what was shown.
        public let digest: String
        public let comingIn: [Nominations.Entry]
        public let goingOut: [Nominations.Entry]
        /// Nominees not on the list now whom the proposal leaves out too (their unit's places go to others).
        public let leftOut: [Nominations.Entry]
        public let selected: [CandidacyID]
        public let current: [RequirementReport]
        public let proposed: [RequirementReport]
        /// Why no list can be made (requirement, quota, …) when infeasible.
        public let conflicts: [String]
        /// The list and quotas the proposal was made from (`fingerprint`).
        let fingerprint: String
        /// The solver ran out of its time limit: no proposal, not a proof that none exists.
        public let timedOut: Bool
    }

    /// What a proposal depends on: every active nomination's unit, stage, category, support and
    /// the roster facts the requirements read (gender, ethnicity, birth date), the quotas, and the
    /// election's own settings (requirements, seats, reference date).
    static func fingerprint(_ entries: [Nominations.Entry], quotas: [QuotaRecord], election: ElectionRecord) -> String {
        let lines = entries.map { e in
            [e.candidacy.id.description, e.candidacy.unitID.description, e.candidacy.stage.rawValue,
             Categories.effective(e.member.record, candidacy: e.candidacy).category, String(e.candidacy.supportMembers),
             e.member.record.gender, e.member.record.ethnicity, e.member.record.birthDate].joined(separator: ":")
        }.sorted() + quotas.map { "\($0.organizationID):\($0.places)" }.sorted()
            + [election.settings, String(election.seats), election.referenceDate]
        return SHA256.hash(data: Data(lines.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Where the solver runs: a thread pool of the caller's (the server's heavy pool), not the caller's task.
    public typealias Offload = @Sendable (@escaping @Sendable () throws -> SlatePlan) async throws -> SlatePlan

    public static func propose(_ electionID: ElectionID, scope: Scope, offload: Offload = { try $0() },
                               in data: any DataStore) async throws -> Proposal {
        guard scope == .city else { throw Refusal.forbidden("slate.cityOnly", "名单编排由组织部进行") }
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let entries = try await Nominations.list(electionID, scope: scope, in: data).filter { $0.candidacy.stage.isActive }
        let quotas = try await data.elections.quotas(of: election.id)
        guard !quotas.isEmpty else { throw Refusal.invalid("slate.quotas.missing", "还没有分配名额") }
        // Each unit's list must meet the mandatory requirements on its own, as moving a list on
        // demands (`Nominations.moveList`): the planner holds every unit to them, so an accepted
        // proposal never lets in a list that moving it would refuse. Guidance stays list-wide.
        let requirements = try ElectionSetup.requirements(of: election).map { r -> Requirement in
            var r = r
            if r.level == .mandatory { r.perUnit = true }
            return r
        }
        func nominee(_ e: Nominations.Entry) -> Nominee {
            Nominee(id: e.candidacy.id.description, name: e.member.record.name, unit: e.candidacy.unitID.description, gender: e.member.record.gender,
                    ethnicity: e.member.record.ethnicity, birthDate: e.member.record.birthDate, category: Categories.effective(e.member.record, candidacy: e.candidacy).category,
                    support: e.candidacy.supportMembers)
        }
        let pool = entries.map(nominee)
        // From 公示 on a candidate is the public's to see: a plan keeps them (RULES §12).
        let fixed = entries.filter { Nominations.index($0.candidacy.stage) >= Nominations.index(.publicized) }.map { $0.candidacy.id.description }
        let fingerprint = Self.fingerprint(entries, quotas: quotas, election: election)
        let request = SlateRequest(referenceDate: election.referenceDate, seats: election.seats,
                                   quotas: quotas.map { ($0.organizationID.description, $0.places) },
                                   requirements: requirements, required: fixed, pool: pool)
        let order = NameOrdering(NameOrder(convention: election.nameOrder))
        let plan = try await SlatePlanCache.shared.plan(election: election.id, fingerprint: fingerprint) {
            try await offload { SlatePlanner.plan(request, order: order) }
        }
        let currentIDs = Set(entries.filter { $0.candidacy.stage != .recommended }.map { $0.candidacy.id.description })
        let selectedIDs = Set(plan.selected)
        let current = CompositionCheck.evaluate(requirements, list: pool.filter { currentIDs.contains($0.id) }, referenceDate: election.referenceDate,
                                                seats: election.seats)
        // A unit with fewer nominees than places cannot be filled: said by name, before the solver's own reasons.
        let names = Dictionary(try await data.organizations.find(quotas.map(\.organizationID)).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let shortfalls = quotas.compactMap { quota -> String? in
            let count = entries.filter { $0.candidacy.unitID == quota.organizationID }.count
            return count < quota.places ? "\(names[quota.organizationID] ?? quota.organizationID.description)有 \(count) 名人选，少于分配的 \(quota.places) 个名额" : nil
        }
        // A unit whose nominees cannot meet a mandatory minimum on its own: said with the unit's name.
        let unmet = quotas.flatMap { quota -> [String] in
            let unitPool = pool.filter { $0.unit == quota.organizationID.description }
            return requirements.compactMap { r -> String? in
                guard r.level == .mandatory, case .min(let share) = r.target else { return nil }
                let needed = share.ceilTimes(quota.places), have = unitPool.filter { r.matches($0, on: election.referenceDate) }.count
                return have < needed ? "\(names[quota.organizationID] ?? quota.organizationID.description)：\(r.label)应至少 \(needed) 名，被推荐人中只有 \(have) 名" : nil
            }
        }
        // The digest names the list it was made from as well as the selection: accepting checks both.
        let digest = SHA256.hash(data: Data((fingerprint + "|" + plan.selected.sorted().joined(separator: ",")).utf8)).map { String(format: "%02x", $0) }.joined()
        return Proposal(feasible: plan.feasible, digest: digest,
                        comingIn: entries.filter { selectedIDs.contains($0.candidacy.id.description) && !currentIDs.contains($0.candidacy.id.description) },
                        goingOut: entries.filter { currentIDs.contains($0.candidacy.id.description) && !selectedIDs.contains($0.candidacy.id.description) },
                        leftOut: plan.feasible ? entries.filter { !currentIDs.contains($0.candidacy.id.description) && !selectedIDs.contains($0.candidacy.id.description) } : [],
                        selected: plan.selected.compactMap(CandidacyID.init), current: current, proposed: plan.requirements,
                        conflicts: (plan.feasible || plan.timedOut ? [] : shortfalls + unmet) + plan.conflicts.map(\.explanation),
                        fingerprint: fingerprint, timedOut: plan.timedOut)
    }

    /// Applies the proposal the user saw (`digest`); a list that changed since is refused.
    @discardableResult
    public static func accept(_ electionID: ElectionID, digest: String, actor: String, scope: Scope, offload: Offload = { try $0() },
                              in data: any DataStore) async throws -> Proposal {
        // The plan is made (or taken from the cache) outside the write; inside it, the list is read
        // again and must still be the one the plan was made from, and the records written are those read there.
        let proposal = try await propose(electionID, scope: scope, offload: offload, in: data)
        guard proposal.feasible else { throw Refusal.invalid("slate.infeasible", "没有满足硬性要求的名单：" + proposal.conflicts.joined(separator: "；")) }
        guard proposal.digest == digest else {
            throw Refusal.invalid("slate.stale", "名单在显示方案后有变化，请重新编排后再确认")
        }
        try await data.write { data in
            let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
            let now = try await Nominations.list(electionID, scope: scope, in: data).filter { $0.candidacy.stage.isActive }
            guard fingerprint(now, quotas: try await data.elections.quotas(of: election.id), election: election) == proposal.fingerprint else {
                throw Refusal.invalid("slate.stale", "名单在显示方案后有变化，请重新编排后再确认")
            }
            let current = Dictionary(now.map { ($0.candidacy.id, $0.candidacy) }, uniquingKeysWith: { a, _ in a })
            for entry in proposal.comingIn {
                guard var c = current[entry.candidacy.id], c.stage == .recommended else { continue }
                c.stage = .preliminary
                try await data.candidacies.update(c)
            }
            for entry in proposal.goingOut {
                guard var c = current[entry.candidacy.id] else { continue }
                guard Nominations.index(c.stage) < Nominations.index(.publicized) else {
                    throw Refusal.invalid("slate.locked", "\(entry.member.record.name)已在「\(c.stage.rawValue)」，名单编排方案不能调出")
                }
                c.stage = .withdrawn
                c.reason = "按名单编排方案调整"
                try await data.candidacies.update(c)
            }
            try await AuditLog.append(.slateDecided, actor: actor, object: "election:\(electionID)", before: "方案 \(digest.prefix(12))",
                                      after: "采纳：调入 \(proposal.comingIn.map(\.member.record.name).joined(separator: "、"))；调出 \(proposal.goingOut.map(\.member.record.name).joined(separator: "、"))",
                                      in: data)
        }
        return proposal
    }

    /// Records that the proposal was looked at and not taken.
    public static func reject(_ electionID: ElectionID, digest: String, reason: String, actor: String, scope: Scope, in data: any DataStore) async throws {
        guard scope == .city else { throw Refusal.forbidden("slate.cityOnly", "名单编排由组织部进行") }
        _ = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let text = try HumanText.clean(reason, field: "reason", label: "理由", maxLength: 200, minLength: 0, multiline: true)
        try await AuditLog.append(.slateDecided, actor: actor, object: "election:\(electionID)", before: "方案 \(digest.prefix(12))",
                                  after: "未采纳" + (text.isEmpty ? "" : "：\(text.prefix(200))"), in: data)
    }
}

/// The planner's answers per election and list (`ListPlanning.fingerprint`): a page view of an
/// unchanged list does not run the solver again.
actor SlatePlanCache {
    static let shared = SlatePlanCache()
    private var plans: [ElectionID: (fingerprint: String, plan: SlatePlan)] = [:]

    func plan(election: ElectionID, fingerprint: String, make: @Sendable () async throws -> SlatePlan) async throws -> SlatePlan {
        if let cached = plans[election], cached.fingerprint == fingerprint { return cached.plan }
        // Made off the actor's executor: two views of a changed list may both solve it, the cache keeps one.
        let plan = try await make()
        // A timed-out run is not kept: the next view tries again.
        if !plan.timedOut { plans[election] = (fingerprint, plan) }
        return plan
    }
}
