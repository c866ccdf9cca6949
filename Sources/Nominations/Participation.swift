import Foundation
import Core
import Persistence
import Audit
import Elections

/// How widely each unit nominated (the seed: 参与推荐的基层党组织占比达95%以上): the unit
/// reports how many of its grassroots organizations took part and how many members
/// recommended; the share is taken over the grassroots organizations the roster holds for it.
public enum Participation {
    /// The share of grassroots organizations the seed asks to take part.
    public static let targetShare = Ratio(95, 100)

    /// The organizations counted as grassroots (基层党组织): the Party committees, general
    /// branches and branches below the unit, not the unit's own committee.
    static let grassrootsKinds: Set<OrganizationKind> = [.committee, .generalBranch, .branch]

    public struct Unit: Sendable {
        public let unitID: OrganizationID
        public let unit: String
        /// Open grassroots organizations below the unit.
        public let grassroots: Int
        /// Members in the unit's organizations.
        public let memberCount: Int
        /// What the unit reported; nil until it has.
        public let report: ParticipationRecord?

        /// The share of grassroots organizations that took part, when reported and there are any.
        public var share: Ratio? {
            guard let report, grassroots > 0 else { return nil }
            return Ratio(report.organizations, grassroots)
        }
        public var meetsTarget: Bool? { share.map(Participation.meetsTarget) }
    }

    /// Records (or corrects) a unit's report, and gives the unit's row with it. The unit's own account or the department.
    @discardableResult
    public static func record(unit unitID: OrganizationID, in electionID: ElectionID, organizations: Int, members: Int, actor: String,
                              scope: Scope, in data: any DataStore) async throws -> Unit {
        guard let row = try await units(electionID, scope: scope, in: data).first(where: { $0.unitID == unitID }) else {
            throw Refusal.notFound("participation.unit.unknown", "这个单位不参加这项选举，或不在您的管理范围内")
        }
        guard (0...row.grassroots).contains(organizations) else {
            throw Refusal.invalid("participation.organizations.outOfRange",
                                  "\(row.unit)共有基层党组织 \(row.grassroots) 个，参与推荐的组织数应在0至\(row.grassroots)之间", field: "organizations")
        }
        guard (0...row.memberCount).contains(members) else {
            throw Refusal.invalid("participation.members.outOfRange",
                                  "\(row.unit)共有党员 \(row.memberCount) 名，参与推荐的党员数应在0至\(row.memberCount)之间", field: "members")
        }
        let record = ParticipationRecord(electionID: electionID, unitID: unitID, organizations: organizations, members: members,
                                         recordedBy: actor, recordedAt: AuditLog.timestamp())
        let before = row.report.map { "\($0.organizations) 个组织、\($0.members) 名党员" } ?? ""
        try await data.write { data in
            try await data.elections.saveParticipation(record)
            try await AuditLog.append(.participationRecorded, actor: actor, object: "election:\(electionID) unit:\(unitID)（\(row.unit)）",
                                      before: before, after: "\(organizations) 个组织（共 \(row.grassroots) 个）、\(members) 名党员参与推荐", in: data)
        }
        return Unit(unitID: row.unitID, unit: row.unit, grassroots: row.grassroots, memberCount: row.memberCount, report: record)
    }

    /// One row per unit with a quota that the scope sees, in the quota table's order.
    /// The election's organizations and the members per organization are read once for all units.
    public static func units(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [Unit] {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let quotas = try await ElectionOverview.quotas(election.id, scope: scope, in: data)
        guard !quotas.isEmpty, let top = try await data.organizations.find(election.organizationID) else { return [] }
        let reports = Dictionary(try await data.elections.participation(of: election.id).map { ($0.unitID, $0) }, uniquingKeysWith: { a, _ in a })
        let organizations = try await data.organizations.all(in: .subtree(path: top.path))
        let counts = try await data.members.countsByOrganization()
        return quotas.compactMap { quota -> Unit? in
            guard let unit = organizations.first(where: { $0.id == quota.unitID }) else { return nil }
            let below = organizations.filter { $0.path.hasPrefix(unit.path) }
            let grassroots = below.filter { $0.id != unit.id && !$0.closed && grassrootsKinds.contains($0.kind) }.count
            return Unit(unitID: unit.id, unit: quota.unit, grassroots: grassroots, memberCount: below.reduce(0) { $0 + (counts[$1.id] ?? 0) },
                        report: reports[unit.id])
        }
    }

    /// Exactly 95% meets the target (以上 includes it); compared as integers, not in floating point.
    public static func meetsTarget(_ share: Ratio) -> Bool {
        share.numerator * targetShare.denominator >= targetShare.numerator * share.denominator
    }

    /// The whole election's share: organizations that took part over grassroots organizations,
    /// over the units that reported.
    public static func overall(_ rows: [Unit]) -> Ratio? {
        let reported = rows.filter { $0.report != nil && $0.grassroots > 0 }
        guard !reported.isEmpty else { return nil }
        return Ratio(reported.reduce(0) { $0 + $1.report!.organizations }, reported.reduce(0) { $0 + $1.grassroots })
    }
}
