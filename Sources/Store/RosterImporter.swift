import Foundation
import FluentKit
import SQLKit
import Crypto
import Documents

/// What an uploaded roster would do: every problem, by row and column, or the members it adds.
public struct RosterImportCheck: Sendable {
    public let fileName: String
    public let sha256: String
    /// Data rows in the file (below the heading).
    public let dataRows: Int
    public let problems: [FileInputError]
    public let ignoredColumns: [String]
    /// New members per organization, largest first.
    public let perOrganization: [(name: String, count: Int)]
    let accepted: [(record: RosterRecord, organizationID: UUID)]

    public var isClean: Bool { problems.isEmpty }
    public var memberCount: Int { accepted.count }
}

/// An import refused because the file has problems; nothing was written.
public struct RosterImportRefused: Error, Sendable {
    public let check: RosterImportCheck
    public init(check: RosterImportCheck) { self.check = check }
}

/// Imports a roster file all or nothing: the whole file is checked against the rules and the
/// database first; it is written in one transaction, as one audit event, only when clean.
public enum RosterImporter {
    public static func check(_ data: Data, fileName: String, scopePath: String?, today: CalendarDate = .today(),
                             on database: any Database) async throws -> RosterImportCheck {
        let parsed = try RosterFile.read(data, file: fileName, today: today)
        var problems = parsed.problems
        let organizations = try await OrganizationDirectory.load(on: database)
        let existing = try await existingIDNumbers(on: database)
        var accepted: [(record: RosterRecord, organizationID: UUID)] = []
        accepted.reserveCapacity(parsed.records.count)
        var perOrganization: [String: Int] = [:]
        for (row, record) in parsed.records {
            var clean = true
            if existing.contains(record.idNumber) {
                problems.append(FileInputError(file: fileName, row: row, column: "公民身份号码",
                                               message: "「\(record.idNumber)」已在党员名册中（同一人不能重复导入）"))
                clean = false
            }
            switch organizations.resolve(record.organization, scopePath: scopePath) {
            case .success(let organization) where clean:
                accepted.append((record, organization.id!))
                perOrganization[organization.name, default: 0] += 1
            case .success: break
            case .failure(let error):
                problems.append(FileInputError(file: fileName, row: row, column: "所在党组织", message: error.description))
            }
        }
        problems.sort { ($0.row ?? 0) < ($1.row ?? 0) }
        let dataRows = Set(parsed.records.map(\.row)).union(problems.compactMap(\.row)).count
        return RosterImportCheck(
            fileName: fileName, sha256: sha256(data), dataRows: dataRows, problems: problems,
            ignoredColumns: parsed.ignoredColumns,
            perOrganization: perOrganization.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) },
            accepted: problems.isEmpty ? accepted : [])
    }

    /// Checks again inside the transaction and writes every member, or throws and writes nothing.
    @discardableResult
    public static func commit(_ data: Data, fileName: String, actor: String, scopePath: String?, today: CalendarDate = .today(),
                              on database: any Database) async throws -> RosterImportCheck {
        try await database.transaction { db in
            let check = try await check(data, fileName: fileName, scopePath: scopePath, today: today, on: db)
            guard check.isClean, check.memberCount > 0 else {
                throw check.isClean ? StoreError.invalid("文件中没有党员数据") : RosterImportRefused(check: check)
            }
            guard let sql = db as? any SQLDatabase else { throw StoreError.configuration("数据库不支持 SQL") }
            var batch: [MemberWriter.Row] = []
            batch.reserveCapacity(MemberWriter.batchSize)
            for (record, organizationID) in check.accepted {
                batch.append(MemberWriter.row(record, id: UUID(), organizationID: organizationID))
                if batch.count == MemberWriter.batchSize {
                    try await MemberWriter.insert(batch[...], on: sql)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try await MemberWriter.insert(batch[...], on: sql)
            try await AuditLog.append(.membersImported, actor: actor, object: "members",
                                      after: "文件「\(fileName)」（SHA-256 \(check.sha256)），\(check.dataRows) 行，新增党员 \(check.memberCount) 名", on: db)
            return check
        }
    }

    static func existingIDNumbers(on database: any Database) async throws -> Set<String> {
        guard let sql = database as? any SQLDatabase else { throw StoreError.configuration("数据库不支持 SQL") }
        var numbers = Set<String>()
        for row in try await sql.select().column("id_number").from(Member.schema).all() {
            numbers.insert(try row.decode(column: "id_number", as: String.self))
        }
        return numbers
    }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
