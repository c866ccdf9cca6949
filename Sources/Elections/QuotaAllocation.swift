import Foundation
import Core
import Persistence
import Audit
import Organizations
import Allocation

/// Sharing an election's candidate places among its units (RULES §11): the units are the open
/// organizations directly below the election's organization, weighed by their members and
/// organizations (whole subtrees). A preview shows each unit's exact share, its places, and the
/// change from the rows in force; applying it replaces those rows, every hand-set one with its
/// reason, and the total must be the election's candidate places.
public enum QuotaAllocation {
    public struct Override: Sendable, Equatable {
        public var unit: OrganizationID
        public var places: Int
        public var reason: String
        public init(unit: OrganizationID, places: Int, reason: String) { self.unit = unit; self.places = places; self.reason = reason }
    }

    public struct Plan: Sendable {
        public var method: ApportionmentMethod = .hamilton
        /// Places every unit gets before the proportional share.
        public var base = 0
        public var memberWeight = Ratio(1, 1)
        public var organizationWeight = Ratio(0, 1)
        /// The fewest places any unit gets (base included).
        public var minimum = 0
        public var overrides: [Override] = []
        public init() {}
    }

    public struct Row: Sendable, Equatable {
        public let unit: OrganizationID
        public let name: String
        public let members: Int
        public let organizations: Int
        /// The exact proportional share, for display.
        public let share: Double
        public let places: Int
        /// The places in force before (nil: none yet).
        public let previous: Int?
        public let reason: String?
    }

    public struct Preview: Sendable {
        public let election: ElectionRecord
        public let rows: [Row]
        /// Units tied for the last place: the allocation cannot be applied until an override settles it.
        public let ties: [[String]]
        public var total: Int { rows.map(\.places).reduce(0, +) }
        public var complete: Bool { ties.isEmpty && total == election.candidatePlaces }
    }

    public static func preview(_ election: ElectionID, plan: Plan, scope: Scope, in data: any DataStore) async throws -> Preview {
        guard scope == .city else { throw Refusal.forbidden("quota.cityOnly", "名额分配由组织部进行") }
        let election = try await ElectionSetup.find(election, scope: scope, in: data)
        guard let top = try await data.organizations.find(election.organizationID) else {
            throw Refusal.invalid("election.organization.unknown", "选举所属的党组织不存在")
        }
        let units = try await OrganizationTree.load(scope: .subtree(path: top.path), in: data)
            .filter { $0.depth == 1 && !$0.organization.closed }
        guard !units.isEmpty else { throw Refusal.invalid("quota.units.none", "「\(top.name)」下没有可分配名额的单位") }
        let known = Set(units.map(\.organization.id))
        var overrides: [OrganizationID: Override] = [:]
        for (i, override) in plan.overrides.enumerated() {
            let field = "overrides[\(i)]"
            guard known.contains(override.unit) else { throw Refusal.invalid("quota.override.unknownUnit", "不是本次分配的单位", field: "\(field).unit") }
            guard overrides[override.unit] == nil else { throw Refusal.invalid("quota.override.duplicate", "同一单位只能调整一次", field: "\(field).unit") }
            guard (0...election.candidatePlaces).contains(override.places) else {
                throw Refusal.invalid("quota.override.outOfRange", "名额应在0至\(election.candidatePlaces)之间", field: "\(field).places")
            }
            let reason = try HumanText.screened(override.reason, field: "\(field).reason", label: "调整理由")
            guard (2...200).contains(reason.count) else {
                throw Refusal.invalid("quota.override.reasonMissing", "调整名额须写明理由（2至200字）", field: "\(field).reason")
            }
            overrides[override.unit] = Override(unit: override.unit, places: override.places, reason: reason)
        }
        guard (0...election.candidatePlaces).contains(plan.base), (0...election.candidatePlaces).contains(plan.minimum) else {
            throw Refusal.invalid("quota.base.outOfRange", "基础名额和最低名额应在0至\(election.candidatePlaces)之间", field: "base")
        }
        let request = ApportionmentRequest(
            seats: election.candidatePlaces, method: plan.method, base: plan.base, memberWeight: plan.memberWeight,
            organizationWeight: plan.organizationWeight,
            units: units.map { node in
                let o = overrides[node.organization.id]
                return ApportionmentUnit(id: node.organization.id.description, name: node.organization.name, members: node.members,
                                         organizations: node.organizations, minimum: plan.minimum, fixed: o?.places, reason: o?.reason)
            })
        let result: ApportionmentResult
        do { result = try Apportionment.apportion(request) } catch {
            throw Refusal.invalid(error.code, error.message, field: error.field)
        }
        let previous = Dictionary(try await data.elections.quotas(of: election.id).map { ($0.organizationID, $0.places) }, uniquingKeysWith: { a, _ in a })
        let allocated = Dictionary(result.allocation.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = units.map { node -> Row in
            let a = allocated[node.organization.id.description]
            return Row(unit: node.organization.id, name: node.organization.name, members: node.members, organizations: node.organizations,
                       share: a?.quota ?? 0, places: a?.seats ?? 0, previous: previous[node.organization.id],
                       reason: overrides[node.organization.id]?.reason)
        }
        let names = Dictionary(units.map { ($0.organization.id.description, $0.organization.name) }, uniquingKeysWith: { a, _ in a })
        return Preview(election: election, rows: rows, ties: result.ties.map { $0.units.map { names[$0] ?? $0 } })
    }

    /// Applies the plan: the election's quota rows become the preview's, in one transaction with its audit record.
    @discardableResult
    public static func apply(_ election: ElectionID, plan: Plan, actor: String, scope: Scope, in data: any DataStore) async throws -> Preview {
        let preview = try await self.preview(election, plan: plan, scope: scope, in: data)
        guard preview.ties.isEmpty else {
            throw Refusal.invalid("quota.tie", "\(preview.ties.map { $0.joined(separator: "、") }.joined(separator: "；")) 并列争最后的名额，请调整其中一个单位的名额并写明理由")
        }
        guard preview.total == preview.election.candidatePlaces else {
            throw Refusal.invalid("quota.total.mismatch", "各单位名额合计\(preview.total)，应等于候选人名额\(preview.election.candidatePlaces)")
        }
        let rows = preview.rows.map { QuotaRecord(electionID: preview.election.id, organizationID: $0.unit, places: $0.places, reason: $0.reason) }
        let summary = preview.rows.map { "\($0.name)\($0.places)" + ($0.reason.map { "（调整：\($0)）" } ?? "") }.joined(separator: "，")
        try await data.write { data in
            try await data.elections.replaceQuotas(of: preview.election.id, with: rows)
            try await AuditLog.append(.quotasSet, actor: actor, object: "election:\(preview.election.id)",
                                      after: "\(plan.method.rawValue)，基础名额\(plan.base)：\(summary)", in: data)
        }
        return preview
    }
}
