import Foundation
import Core
import Persistence
import Documents
import Organizations
import Audit

/// Reading the roster within an organization scope (a unit admin sees only their subtree).
public enum MemberDirectory {
    public static let batchSize = 5_000

    public static func search(_ search: MemberSearch, scope: Scope, in data: any DataStore) async throws -> MemberPage {
        try await data.members.search(search, in: scope)
    }

    /// The next batch after `cursor`, in list order (keyset paging, so an export of 300,000
    /// never holds them all); `next` is nil after the last batch.
    public static func batch(_ search: MemberSearch, scope: Scope, after cursor: MemberCursor?, size: Int = batchSize,
                             in data: any DataStore) async throws -> (records: [RosterRecord], next: MemberCursor?) {
        let batch = try await data.members.batch(search, in: scope, after: cursor, size: size)
        return (batch.members.map(\.record), batch.members.count == size ? batch.last : nil)
    }

    public static func count(_ search: MemberSearch, scope: Scope, in data: any DataStore) async throws -> Int {
        try await data.members.count(search, in: scope)
    }

    /// The home page's figures for a scope: organizations, members, and full members (who vote).
    public static func figures(scope: Scope, in data: any DataStore) async throws -> (organizations: Int, members: Int, fullMembers: Int) {
        var full = MemberSearch()
        full.status = .full
        return (try await data.organizations.count(in: scope), try await data.members.count(MemberSearch(), in: scope),
                try await data.members.count(full, in: scope))
    }

    /// One member, or nil when it does not exist or lies outside the scope.
    public static func member(_ id: MemberID, scope: Scope, in data: any DataStore) async throws -> MemberRecord? {
        guard let member = try await data.members.find(id),
              let organization = try await data.organizations.find(member.organizationID),
              scope.contains(path: organization.path) else { return nil }
        return member
    }
}

/// Changing one member: the same checks as the import, and the audit log keeps what changed.
public enum MemberEditor {
    /// Problems with the new values (each naming its field), or nil when they were saved.
    public static func update(_ id: MemberID, to record: RosterRecord, actor: String, scope: Scope,
                              in data: any DataStore) async throws -> [FileInputError]? {
        try await data.write { data in
            guard let member = try await MemberDirectory.member(id, scope: scope, in: data) else {
                throw Refusal.notFound("member.notFound", "没有这名党员")
            }
            var problems: [FileInputError] = []
            var record = record
            switch RosterFile.check(record) {
            case .valid(let normalized): record = normalized
            case .invalid(let found): problems = found
            }
            switch try await OrganizationDirectory.resolve(record.organization, scope: scope, in: data) {
            case .failure(let refusal):
                problems.append(FileInputError(file: "表单", column: "所在党组织", code: refusal.code, message: refusal.message))
            case .success(let organization):
                if try await data.members.idNumberTaken(record.idNumber, except: id) {
                    problems.append(FileInputError(file: "表单", column: "公民身份号码", code: "member.idNumber.taken",
                                                   message: "「\(record.idNumber)」已是另一名党员的身份证号"))
                }
                guard problems.isEmpty else { return problems }
                let changes = RosterFile.differences(member.record, record)
                guard !changes.isEmpty else { return nil }
                try await data.members.update(MemberRecord(id: id, organizationID: organization.id, record: record))
                try await AuditLog.append(.memberUpdated, actor: actor, object: "member:\(id)（\(record.name)）",
                                          before: changes.map { "\($0.column)：\($0.before)" }.joined(separator: "；"),
                                          after: changes.map { "\($0.column)：\($0.after)" }.joined(separator: "；"), in: data)
                return nil
            }
            return problems
        }
    }
}

/// The column mappings a unit chose in the import preview ("组织关系所在支部" → 所在党组织),
/// remembered per unit so next month's file from the same unit imports without asking again.
public enum ColumnMaps {
    /// One key per unit: the organization the account belongs to, or the whole city.
    static func key(_ scope: Scope) -> String { scope.pathPrefix ?? "city" }

    /// A column map's headings (from the file) and choices (from the form) pass the one text rule.
    static func screened(_ map: [String: String]) throws -> [String: String] {
        guard map.count <= 200 else { throw Refusal.invalid("import.columnMap.tooMany", "列对应关系过多", field: "columns") }
        // Checked, not rewritten: a heading must stay as the file spells it to be found again.
        for (text, label) in map.flatMap({ [($0.key, "列标题"), ($0.value, "对应的字段")] }) {
            if let problem = HumanText.problem(text, maxLength: 200) { throw Refusal.invalid(problem.code, problem.message(label), field: "columns") }
        }
        return map
    }

    public static func load(for scope: Scope, in data: any DataStore) async throws -> [String: String] {
        try await data.imports.columnMap(for: key(scope))
    }

    /// Remembers these choices for the unit (replacing earlier ones for the same headings).
    public static func remember(_ map: [String: String], for scope: Scope, in data: any DataStore) async throws {
        guard !map.isEmpty else { return }
        try await data.imports.rememberColumnMap(try screened(map), for: key(scope))
    }
}

/// Uploaded roster files between preview and confirmation, kept per user for a day.
public enum StagedImports {
    /// Keeps the upload (dropping uploads nobody confirmed or cancelled within a day), with the
    /// unit's remembered column mapping.
    /// The upload counts against the account's quota (`UploadQuota`) while it is staged.
    public static func stage(_ content: Data, fileName: String, username: String, scope: Scope, quota: Int = UploadQuota.bytesPerAccount,
                             in data: any DataStore) async throws -> StagedImportRecord {
        let formatter = ISO8601DateFormatter()
        let fileName = try HumanText.clean(fileName, field: "file", label: "文件名", maxLength: 200)
        let columnMap = try await ColumnMaps.load(for: scope, in: data)
        let staged = StagedImportRecord(username: username, fileName: fileName, sha256: RosterImporter.sha256(content), content: content,
                                        createdAt: formatter.string(from: Date()), columnMap: columnMap)
        let dayAgo = formatter.string(from: Date().addingTimeInterval(-86_400))
        try await data.write { data in
            try await data.imports.deleteStaged(before: dayAgo)
            try await UploadQuota.check(adding: content.count, for: username, limit: quota, field: "file", in: data)
            try await data.imports.stage(staged)
        }
        return staged
    }

    /// The upload this user staged; someone else's upload does not exist for them.
    public static func find(_ id: StagedImportID, username: String, in data: any DataStore) async throws -> StagedImportRecord {
        guard let staged = try await data.imports.find(id), staged.username == username else {
            throw Refusal.notFound("import.staged.notFound", "这次上传已经确认、取消或过期，请重新上传文件")
        }
        return staged
    }

    public static func setColumnMap(_ map: [String: String], for staged: inout StagedImportRecord, in data: any DataStore) async throws {
        let map = try ColumnMaps.screened(map)
        staged.columnMap = map
        try await data.imports.setColumnMap(map, for: staged.id)
    }

    public static func discard(_ staged: StagedImportRecord, in data: any DataStore) async throws {
        try await data.imports.delete(staged.id)
    }
}
