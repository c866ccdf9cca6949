import Foundation
import Crypto
import Core
import Persistence
import Documents
import Organizations
import Audit
import NIOPosix

/// What an uploaded roster would do: every problem, by row and column, or the members it adds.
public struct RosterImportCheck: Sendable {
    public let fileName: String
    public let sha256: String
    /// Data rows in the file (below the heading, footer excluded).
    public let dataRows: Int
    public let problems: [FileInputError]
    public let ignoredColumns: [String]
    /// The file row of the headings (title rows above it were skipped).
    public let headerRow: Int
    /// New members per organization, largest first.
    public let perOrganization: [(name: String, count: Int)]
    /// Organizations the file names that do not exist yet, with how many rows name each.
    public let missingOrganizations: [(name: String, rows: Int)]
    /// Where the missing ones will be created (nil: not chosen, so the import cannot go ahead).
    public let createUnder: (id: OrganizationID, name: String)?
    /// Each member with their organization's id, or nil for one of `missingOrganizations` (created on commit).
    let accepted: [(record: RosterRecord, organizationID: OrganizationID?)]

    /// Nothing stands in the way: no problem, and every organization exists or has a parent to be created under.
    public var isClean: Bool { problems.isEmpty && (missingOrganizations.isEmpty || createUnder != nil) }
    public var memberCount: Int { accepted.count }
}

/// An import refused because the file has problems; nothing was written.
public struct RosterImportRefused: Error, Sendable {
    public let check: RosterImportCheck
    public init(check: RosterImportCheck) { self.check = check }
}

/// Imports a roster file all or nothing: the whole file is checked against the rules and the
/// database first; it is written in one transaction, as one audit event, only when clean.
/// Parsing (the slow part) runs on a thread pool, never on the request's event loop.
public enum RosterImporter {
    /// Where parsing runs: a thread pool, never the request's event loop (the server passes its heavy pool).
    public typealias Offload = @Sendable (@escaping @Sendable () throws -> RosterFile.Parsed) async throws -> RosterFile.Parsed
    public static let ownPool: Offload = { work in try await NIOThreadPool.singleton.runIfActive(work) }

    public static func check(_ file: Data, fileName: String, scope: Scope, createUnder: OrganizationID? = nil,
                             columnMap: [String: String] = [:], today: CalendarDate = .today(), offload: Offload = ownPool,
                             in data: any DataStore) async throws -> RosterImportCheck {
        let parsed = try await parse(file, fileName: fileName, columnMap: columnMap, today: today, offload: offload)
        return try await resolve(parsed, sha256: sha256(file), scope: scope, createUnder: createUnder, in: data)
    }

    /// Reads and checks the file off the event loop: a 300,000-row preview must not stall other users.
    public static func parse(_ data: Data, fileName: String, columnMap: [String: String] = [:],
                             today: CalendarDate = .today(), offload: Offload = ownPool) async throws -> RosterFile.Parsed {
        try await offload {
            try RosterFile.read(data, file: fileName, columnMap: columnMap, today: today)
        }
    }

    /// The database's part of the check: ID numbers already on the roster (only the file's own
    /// are looked up), organizations that exist, are open and in scope, or are to be created.
    static func resolve(_ parsed: RosterFile.Parsed, sha256: String, scope: Scope, createUnder: OrganizationID?,
                        in data: any DataStore) async throws -> RosterImportCheck {
        let fileName = parsed.file
        var problems = parsed.problems
        let existing = try await data.members.existing(idNumbers: parsed.records.map(\.record.idNumber))
        let names = Set(parsed.records.map(\.record.organization))
        let organizations = try await OrganizationDirectory.load(names: names, in: data)
        var parent: OrganizationRecord?
        if let createUnder { parent = try await OrganizationEditor.branchParent(createUnder, scope: scope, in: data) }
        var accepted: [(record: RosterRecord, organizationID: OrganizationID?)] = []
        accepted.reserveCapacity(parsed.records.count)
        var perOrganization: [String: Int] = [:]
        var missing: [String: Int] = [:]
        for (row, record) in parsed.records {
            var clean = true
            if existing.contains(record.idNumber) {
                problems.append(FileInputError(file: fileName, row: row, column: parsed.heading("公民身份号码"), code: "roster.idNumber.onRoster",
                                               message: "「\(record.idNumber)」已在党员名册中（同一人不能重复导入）"))
                clean = false
            }
            switch organizations.resolve(record.organization, scope: scope) {
            case .success where !clean: break
            case .success(let organization):
                accepted.append((record, organization.id))
                perOrganization[organization.name, default: 0] += 1
            case .failure where organizations.isUnknown(record.organization):
                // Not an error of the row: the preview lists it, and the user picks where to create it.
                missing[record.organization, default: 0] += 1
                if clean {
                    accepted.append((record, nil))
                    perOrganization[record.organization, default: 0] += 1
                }
            case .failure(let refusal):
                // Known but closed, or open but outside the user's unit.
                let code = organizations.byName[record.organization] == nil ? "roster.organization.closed" : "roster.organization.outOfScope"
                problems.append(FileInputError(file: fileName, row: row, column: parsed.heading("所在党组织"), code: code, message: refusal.message))
            }
        }
        problems.sort { ($0.row ?? 0) < ($1.row ?? 0) }
        let dataRows = Set(parsed.records.map(\.row)).union(problems.compactMap(\.row)).subtracting([parsed.headerRow]).count
        return RosterImportCheck(
            fileName: fileName, sha256: sha256, dataRows: dataRows, problems: problems,
            ignoredColumns: parsed.ignoredColumns, headerRow: parsed.headerRow,
            perOrganization: perOrganization.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) },
            missingOrganizations: missing.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            createUnder: parent.map { ($0.id, $0.name) },
            // Kept when only the missing organizations stand in the way: the preview counts them,
            // and `commit` writes nothing until a parent is chosen (`isClean`).
            accepted: problems.isEmpty ? accepted : [])
    }

    /// Parses outside the transaction, then checks the database again inside it and writes
    /// every member (creating the missing branches first), or throws and writes nothing.
    @discardableResult
    public static func commit(_ file: Data, fileName: String, actor: String, scope: Scope, createUnder: OrganizationID? = nil,
                              columnMap: [String: String] = [:], today: CalendarDate = .today(),
                              offload: Offload = ownPool, in data: any DataStore) async throws -> RosterImportCheck {
        let parsed = try await parse(file, fileName: fileName, columnMap: columnMap, today: today, offload: offload)
        let digest = sha256(file)
        return try await data.write { data in
            let check = try await resolve(parsed, sha256: digest, scope: scope, createUnder: createUnder, in: data)
            guard check.isClean, check.memberCount > 0 else {
                if check.isClean { throw Refusal.invalid("roster.file.noMembers", "文件中没有党员数据") }
                throw RosterImportRefused(check: check)
            }
            var created: [String: OrganizationID] = [:]
            if let parent = check.createUnder {
                for (name, _) in check.missingOrganizations {
                    created[name] = try await OrganizationEditor.create(
                        name: name, kind: .branch, parentID: parent.id, actor: actor, scope: scope, in: data).id
                }
            }
            var batch: [MemberRecord] = []
            batch.reserveCapacity(insertBatch)
            var ids = OrderedIDs()
            for (record, known) in check.accepted {
                // The check inside this transaction resolved every existing organization; the rest were just created.
                guard let organizationID = known ?? created[record.organization] else {
                    throw Refusal.invalid("roster.organization.missing", "党组织「\(record.organization)」不存在")
                }
                batch.append(MemberRecord(id: MemberID(ids.next()), organizationID: organizationID, record: record))
                if batch.count == insertBatch {
                    try await data.members.insert(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try await data.members.insert(batch)
            let branches = created.isEmpty ? "" : "，新建党组织 \(created.count) 个（\(created.keys.sorted().joined(separator: "、"))）"
            try await AuditLog.append(.membersImported, actor: actor, object: "members",
                                      after: "文件「\(fileName)」（SHA-256 \(check.sha256)），\(check.dataRows) 行，新增党员 \(check.memberCount) 名\(branches)", in: data)
            return check
        }
    }

    /// Members handed to the store at a time (its inserts batch further).
    static let insertBatch = 10_000

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
