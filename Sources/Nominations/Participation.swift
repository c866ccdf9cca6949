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

    /// Records (or corrects) a unit's report. The unit's own account or the department.
    @discardableResult
    public static func record(unit unitID: OrganizationID, in electionID: ElectionID, organizations: Int, members: Int, actor: String,
                              scope: Scope, in data: any DataStore) async throws -> ParticipationRecord {
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
        return record
    }

    /// One row per unit with a quota that the scope sees, in the quota table's order.
    public static func units(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [Unit] {
        let quotas = try await ElectionOverview.quotas(electionID, scope: scope, in: data)
        let reports = Dictionary(try await data.elections.participation(of: electionID).map { ($0.unitID, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [Unit] = []
        for quota in quotas {
            guard let unit = try await data.organizations.find(quota.unitID) else { continue }
            let organizations = try await data.organizations.all(in: .subtree(path: unit.path))
            let grassroots = organizations.filter { $0.id != unit.id && !$0.closed && grassrootsKinds.contains($0.kind) }.count
            let members = try await data.members.count(inOrganizations: organizations.map(\.id))
            rows.append(Unit(unitID: unit.id, unit: quota.unit, grassroots: grassroots, memberCount: members, report: reports[unit.id]))
        }
        return rows
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
