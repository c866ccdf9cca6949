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
    }

    public static func propose(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> Proposal {
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
        let plan = SlatePlanner.plan(SlateRequest(referenceDate: election.referenceDate, seats: election.seats,
                                                  quotas: quotas.map { ($0.organizationID.description, $0.places) },
                                                  requirements: requirements, pool: pool), order: NameOrdering(NameOrder(convention: election.nameOrder)))
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
        let digest = SHA256.hash(data: Data(plan.selected.sorted().joined(separator: ",").utf8)).map { String(format: "%02x", $0) }.joined()
        return Proposal(feasible: plan.feasible, digest: digest,
                        comingIn: entries.filter { selectedIDs.contains($0.candidacy.id.description) && !currentIDs.contains($0.candidacy.id.description) },
                        goingOut: entries.filter { currentIDs.contains($0.candidacy.id.description) && !selectedIDs.contains($0.candidacy.id.description) },
                        leftOut: plan.feasible ? entries.filter { !currentIDs.contains($0.candidacy.id.description) && !selectedIDs.contains($0.candidacy.id.description) } : [],
                        selected: plan.selected.compactMap(CandidacyID.init), current: current, proposed: plan.requirements,
                        conflicts: (plan.feasible ? [] : shortfalls + unmet) + plan.conflicts.map(\.explanation))
    }

    /// Applies the proposal the user saw (`digest`); a list that changed since is refused.
    @discardableResult
    public static func accept(_ electionID: ElectionID, digest: String, actor: String, scope: Scope, in data: any DataStore) async throws -> Proposal {
        let proposal = try await propose(electionID, scope: scope, in: data)
        guard proposal.feasible else { throw Refusal.invalid("slate.infeasible", "没有满足硬性要求的名单：" + proposal.conflicts.joined(separator: "；")) }
        guard proposal.digest == digest else {
            throw Refusal.invalid("slate.stale", "名单在显示方案后有变化，请重新编排后再确认")
        }
        try await data.write { data in
            for entry in proposal.comingIn where entry.candidacy.stage == .recommended {
                var c = entry.candidacy
                c.stage = .preliminary
                try await data.candidacies.update(c)
            }
            for entry in proposal.goingOut {
                var c = entry.candidacy
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
