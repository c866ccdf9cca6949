import Foundation
import Core
import Persistence
import Audit
import Organizations
import Allocation

/// Sharing an election among its units (RULES §11, §13), weighed by their members and
/// organizations (whole subtrees). The units are the ones the plan names (open organizations
/// anywhere below the election's, none inside another), else those in force, else the open
/// organizations directly below. Where the units elect delegates (`electoralUnits`) the
/// apportionment shares the election's seats, and each unit's candidate places follow from its
/// seats and the election's margin (⌈seats × (1 + margin)⌉, 进一法) unless raised, with a reason;
/// where they only recommend upward it shares the candidate places. A preview shows each unit's
/// exact share, its figures, and the change from the rows in force; applying it replaces those
/// rows, every hand-set one with its reason, and the total must be the election's.
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
        /// Seats (electoral units) or places (recommendation) set by hand, each with its reason.
        public var overrides: [Override] = []
        /// Electoral units only: candidate places raised above what the margin asks, with the reason.
        public var placeOverrides: [Override] = []
        /// The units, when not the ones in force (or the organizations directly below).
        public var units: [OrganizationID]?
        public init() {}
    }

    public struct Row: Sendable, Equatable {
        public let unit: OrganizationID
        public let name: String
        public let members: Int
        public let organizations: Int
        /// The exact proportional share, for display.
        public let share: Double
        /// The delegates the unit elects (nil where the election only recommends).
        public let seats: Int?
        public let places: Int
        /// The places in force before (nil: none yet).
        public let previous: Int?
        /// The seats in force before (nil: none, or a recommendation).
        public let previousSeats: Int?
        public let reason: String?
    }

    public struct Preview: Sendable {
        public let election: ElectionRecord
        public let rows: [Row]
        /// Units tied for the last place: the allocation cannot be applied until an override settles it.
        public let ties: [[String]]
        /// Whether the units elect delegates (seats are shared) or recommend (places are).
        public let electoral: Bool
        /// What is shared: seats for electoral units, places otherwise.
        public var total: Int { rows.map { electoral ? $0.seats ?? 0 : $0.places }.reduce(0, +) }
        /// What it must come to: the election's seats, or its candidate places.
        public var target: Int { electoral ? election.seats : election.candidatePlaces }
        public var totalPlaces: Int { rows.map(\.places).reduce(0, +) }
        public var complete: Bool { ties.isEmpty && total == target }
    }

    public static func preview(_ election: ElectionID, plan: Plan, scope: Scope, in data: any DataStore) async throws -> Preview {
        guard scope == .city else { throw Refusal.forbidden("quota.cityOnly", "名额分配由组织部进行") }
        let election = try await ElectionSetup.find(election, scope: scope, in: data)
        guard let top = try await data.organizations.find(election.organizationID) else {
            throw Refusal.invalid("election.organization.unknown", "选举所属的党组织不存在")
        }
        let electoral = try ElectionSetup.electoralUnits(of: election)
        let inForce = try await data.elections.quotas(of: election.id)
        let units = try await self.units(plan.units ?? (inForce.isEmpty ? nil : inForce.map(\.organizationID)), below: top, in: data)
        // What the apportionment shares: the seats where the units elect, the candidate places where they recommend.
        let shared = electoral ? election.seats : election.candidatePlaces
        let known = Set(units.map(\.organization.id))
        let overrides = try checked(plan.overrides, field: "overrides", known: known, bound: shared)
        let raised = try checked(plan.placeOverrides, field: "placeOverrides", known: known, bound: 2 * ElectionSetup.maxSeats)
        guard electoral || raised.isEmpty else {
            throw Refusal.invalid("quota.placeOverrides.notElectoral", "只推荐候选人的选举直接调整候选人名额（overrides）", field: "placeOverrides")
        }
        guard (0...shared).contains(plan.base), (0...shared).contains(plan.minimum) else {
            throw Refusal.invalid("quota.base.outOfRange", "基础名额和最低名额应在0至\(shared)之间", field: "base")
        }
        let request = ApportionmentRequest(
            seats: shared, method: plan.method, base: plan.base, memberWeight: plan.memberWeight,
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
        let previous = Dictionary(inForce.map { ($0.organizationID, $0) }, uniquingKeysWith: { a, _ in a })
        let allocated = Dictionary(result.allocation.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row] = []
        for node in units {
            let id = node.organization.id
            let a = allocated[id.description]
            let share = a?.seats ?? 0
            var places = share, seats: Int?
            var reasons = [overrides[id]?.reason].compactMap { $0 }
            if electoral {
                seats = share
                // RULES §3, §13: per unit, 进一法; a unit with no seats has no candidates.
                places = share == 0 ? 0 : Margin.minimumCandidates(seats: share, ratio: election.marginRatio)
                if let up = raised[id] {
                    guard up.places >= places else {
                        throw Refusal.invalid("quota.places.belowMargin", "\(node.organization.name)应选 \(share) 名，候选人至少 \(places) 名（进一法），"
                                              + "不能调为 \(up.places) 名", field: "placeOverrides")
                    }
                    places = up.places
                    reasons.append("候选人 \(up.places) 名：\(up.reason)")
                }
            }
            rows.append(Row(unit: id, name: node.organization.name, members: node.members, organizations: node.organizations,
                            share: a?.quota ?? 0, seats: seats, places: places, previous: previous[id]?.places,
                            previousSeats: previous[id]?.seats, reason: reasons.isEmpty ? nil : reasons.joined(separator: "；")))
        }
        let names = Dictionary(units.map { ($0.organization.id.description, $0.organization.name) }, uniquingKeysWith: { a, _ in a })
        return Preview(election: election, rows: rows, ties: result.ties.map { $0.units.map { names[$0] ?? $0 } }, electoral: electoral)
    }

    /// The units a plan shares among: `chosen` (open organizations below `top`, at any depth, none
    /// inside another), or the open organizations directly below `top`.
    static func units(_ chosen: [OrganizationID]?, below top: OrganizationRecord, in data: any DataStore) async throws -> [OrganizationTree.Node] {
        let tree = try await OrganizationTree.load(scope: .subtree(path: top.path), in: data).filter { $0.depth >= 1 && !$0.organization.closed }
        guard let chosen else {
            let units = tree.filter { $0.depth == 1 }
            guard !units.isEmpty else { throw Refusal.invalid("quota.units.none", "「\(top.name)」下没有可分配名额的单位") }
            return units
        }
        guard (1...500).contains(chosen.count), Set(chosen).count == chosen.count else {
            throw Refusal.invalid("quota.units.count", "选举单位应为1至500个，且不重复", field: "units")
        }
        let byID = Dictionary(tree.map { ($0.organization.id, $0) }, uniquingKeysWith: { a, _ in a })
        var units: [OrganizationTree.Node] = []
        for (i, id) in chosen.enumerated() {
            guard let node = byID[id] else {
                throw Refusal.invalid("quota.units.unknown", "选举单位须是「\(top.name)」下未撤销的党组织", field: "units[\(i)]")
            }
            if let outer = units.first(where: { node.organization.path.hasPrefix($0.organization.path) || $0.organization.path.hasPrefix(node.organization.path) }) {
                throw Refusal.invalid("quota.units.nested", "「\(node.organization.name)」与「\(outer.organization.name)」一个在另一个之内，不能都是选举单位",
                                      field: "units[\(i)]")
            }
            units.append(node)
        }
        // In the tree's order, so the table reads like the tree.
        let order = Dictionary(tree.enumerated().map { ($1.organization.id, $0) }, uniquingKeysWith: { a, _ in a })
        return units.sorted { order[$0.organization.id, default: 0] < order[$1.organization.id, default: 0] }
    }

    /// Hand-set figures, each for a known unit once, in range, with its reason.
    static func checked(_ list: [Override], field: String, known: Set<OrganizationID>, bound: Int) throws -> [OrganizationID: Override] {
        var result: [OrganizationID: Override] = [:]
        for (i, override) in list.enumerated() {
            let at = "\(field)[\(i)]"
            guard known.contains(override.unit) else { throw Refusal.invalid("quota.override.unknownUnit", "不是本次分配的单位", field: "\(at).unit") }
            guard result[override.unit] == nil else { throw Refusal.invalid("quota.override.duplicate", "同一单位只能调整一次", field: "\(at).unit") }
            guard (0...bound).contains(override.places) else {
                throw Refusal.invalid("quota.override.outOfRange", "名额应在0至\(bound)之间", field: "\(at).places")
            }
            let reason = try HumanText.screened(override.reason, field: "\(at).reason", label: "调整理由")
            guard (2...200).contains(reason.count) else {
                throw Refusal.invalid("quota.override.reasonMissing", "调整名额须写明理由（2至200字）", field: "\(at).reason")
            }
            result[override.unit] = Override(unit: override.unit, places: override.places, reason: reason)
        }
        return result
    }

    /// Applies the plan: the election's quota rows become the preview's, in one transaction with its audit record.
    @discardableResult
    public static func apply(_ election: ElectionID, plan: Plan, actor: String, scope: Scope, in data: any DataStore) async throws -> Preview {
        let preview = try await self.preview(election, plan: plan, scope: scope, in: data)
        guard preview.ties.isEmpty else {
            throw Refusal.invalid("quota.tie", "\(preview.ties.map { $0.joined(separator: "、") }.joined(separator: "；")) 并列争最后的名额，请调整其中一个单位的名额并写明理由")
        }
        guard preview.total == preview.target else {
            throw Refusal.invalid("quota.total.mismatch", preview.electoral
                                  ? "各选举单位应选名额合计\(preview.total)，应等于应选名额\(preview.target)"
                                  : "各单位名额合计\(preview.total)，应等于候选人名额\(preview.target)")
        }
        let rows = preview.rows.map {
            QuotaRecord(electionID: preview.election.id, organizationID: $0.unit, places: $0.places, reason: $0.reason, seats: $0.seats)
        }
        let summary = preview.rows.map { row in
            (row.seats.map { "\(row.name)应选\($0)名、候选人\(row.places)名" } ?? "\(row.name)\(row.places)")
                + (row.reason.map { "（调整：\($0)）" } ?? "")
        }.joined(separator: "，")
        try await data.write { data in
            try await data.elections.replaceQuotas(of: preview.election.id, with: rows)
            try await AuditLog.append(.quotasSet, actor: actor, object: "election:\(preview.election.id)",
                                      after: "\(plan.method.rawValue)，基础名额\(plan.base)：\(summary)", in: data)
        }
        return preview
    }
}
