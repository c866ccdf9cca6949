import Foundation
import Core
import Persistence
import Audit

/// Writes a `DemoGenerator` roster and the seed's elections into an empty store, in one
/// transaction, with multi-row inserts (300,000 members in seconds, not minutes).
public enum DemoLoader {
    public struct Counts: Sendable, Equatable, CustomStringConvertible {
        public var organizations = 0
        public var members = 0
        public var elections = 0
        public var quotas = 0
        public var description: String {
            "组织 \(organizations) 个，党员 \(members) 名，选举 \(elections) 项，名额分配 \(quotas) 条"
        }
    }

    /// Members handed to the store at a time (and progress reported after each).
    static let batchSize = 1_000

    /// `withMembers: false` writes the organizations and elections only (the members then come
    /// from a roster file, as in the import walkthrough).
    public static func load(_ generator: DemoGenerator, into data: any DataStore, actor: String = "demo", withMembers: Bool = true,
                            progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Counts {
        guard try await data.members.count() == 0, try await data.organizations.count(in: .city) == 0 else {
            throw Refusal.invalid("demo.notEmpty", "数据库中已有组织或党员数据，演示数据只能写入空数据库")
        }
        return try await data.write { data -> Counts in
            var counts = Counts()
            try await data.organizations.insert(generator.organizations.map {
                OrganizationRecord(id: OrganizationID($0.id), name: $0.name, kind: $0.kind, parentID: $0.parentID.map(OrganizationID.init), path: $0.path)
            })
            counts.organizations = generator.organizations.count
            try await AuditLog.append(.organizationsImported, actor: actor, object: "organizations",
                                      after: "演示数据：\(counts.organizations) 个组织", in: data)

            var batch: [MemberRecord] = []
            batch.reserveCapacity(batchSize)
            var written = 0
            func flush() async throws {
                try await data.members.insert(batch)
                written += batch.count
                batch.removeAll(keepingCapacity: true)
                progress(written, generator.memberCount)
            }
            for m in generator.members() where withMembers {
                batch.append(MemberRecord(id: MemberID(m.id), organizationID: OrganizationID(m.organizationID), record: m.record(organizationName: "")))
                if batch.count == batchSize { try await flush() }
            }
            if !batch.isEmpty { try await flush() }
            counts.members = written
            if withMembers { try await AuditLog.append(.membersImported, actor: actor, object: "members",
                                      after: "演示数据：\(written) 名党员（N=\(generator.memberCount)）", in: data) }

            let provincial = ElectionRecord(
                name: DemoScenario.provincialElectionName, organizationID: OrganizationID(generator.cityID), profile: .localCongress,
                seats: DemoScenario.provincialSeats, candidatePlaces: DemoScenario.provincialCandidatePlaces,
                marginRatio: DemoScenario.provincialMarginRatio, referenceDate: DemoScenario.referenceDate, office: .delegate,
                settings: #"{"stage":"nomination","composition":\#(DemoScenario.compositionTargetsJSON),"deadlines":\#(DemoScenario.deadlinesJSON)}"#)
            try await data.elections.insert(provincial)
            try await AuditLog.append(.electionCreated, actor: actor, object: "election:\(provincial.id)",
                                      after: "\(provincial.name)：应选\(provincial.seats)名，预备人选\(provincial.candidatePlaces)名", in: data)
            let quotas = DemoScenario.units.map {
                QuotaRecord(electionID: provincial.id, organizationID: OrganizationID(generator.unitIDs[$0.key]!), places: $0.places)
            }
            try await data.elections.insert(quotas)
            counts.quotas = quotas.count
            try await AuditLog.append(.quotasSet, actor: actor, object: "election:\(provincial.id)",
                                      after: DemoScenario.units.map { "\($0.name)\($0.places)" }.joined(separator: "，"), in: data)

            let town = ElectionRecord(
                name: DemoScenario.townElectionName, organizationID: OrganizationID(generator.townID), profile: .basic,
                seats: DemoScenario.townSeats, candidatePlaces: Margin.minimumCandidates(seats: DemoScenario.townSeats, ratio: Ratio(1, 5)),
                marginRatio: Ratio(1, 5), referenceDate: "2026-09-15", office: .delegate,
                settings: #"{"stage":"preparation","meeting":"党员大会","quorum":"五分之四"}"#)
            try await data.elections.insert(town)
            try await AuditLog.append(.electionCreated, actor: actor, object: "election:\(town.id)",
                                      after: "\(town.name)：应选\(town.seats)名", in: data)
            counts.elections = 2
            return counts
        }
    }

    /// What the database holds now, for the demo's closing check.
    public static func count(in data: any DataStore) async throws -> Counts {
        var counts = Counts()
        counts.organizations = try await data.organizations.count(in: .city)
        counts.members = try await data.members.count()
        let elections = try await data.elections.count()
        counts.elections = elections.elections
        counts.quotas = elections.quotas
        return counts
    }
}
