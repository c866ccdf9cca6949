import Foundation
import FluentKit
import SQLKit
import Documents

/// Changing one member: the same checks as the import, and the audit log keeps what changed.
public enum MemberEditor {
    /// Problems with the new values (each naming its field), or nil when they were saved.
    public static func update(_ id: UUID, to record: RosterRecord, actor: String, scope: Scope,
                              on database: any Database) async throws -> [FileInputError]? {
        let scopePath = scope.pathPrefix
        return try await database.writeTransaction { db in
            guard let row = try await MemberDirectory(database: db).member(id, scope: scope) else {
                throw StoreError.notFound("没有这名党员")
            }
            var problems: [FileInputError] = []
            var record = record
            switch RosterFile.check(record) {
            case .valid(let normalized): record = normalized
            case .invalid(let found): problems = found
            }
            switch try await OrganizationDirectory.resolve(record.organization, scopePath: scopePath, on: db) {
            case .failure(let error): problems.append(FileInputError(file: "表单", column: "所在党组织", message: error.description))
            case .success(let organization):
                if try await Member.query(on: db).filter(\.$idNumber == record.idNumber).filter(\.$id != id).count() > 0 {
                    problems.append(FileInputError(file: "表单", column: "公民身份号码", message: "「\(record.idNumber)」已是另一名党员的身份证号"))
                }
                guard problems.isEmpty else { return problems }
                let before = row.member.record(organizationName: row.organizationName)
                let changes = RosterFile.differences(before, record)
                guard !changes.isEmpty else { return nil }
                row.member.apply(record, organizationID: organization.id!)
                try await row.member.save(on: db)
                try await AuditLog.append(.memberUpdated, actor: actor, object: "member:\(id)（\(record.name)）",
                                          before: changes.map { "\($0.column)：\($0.before)" }.joined(separator: "；"),
                                          after: changes.map { "\($0.column)：\($0.after)" }.joined(separator: "；"), on: db)
                return nil
            }
            return problems
        }
    }
}

/// The organization tree's changes: create, rename, move, close. Nothing is ever deleted, and a
/// unit admin works only inside their own unit (below its top).
public enum OrganizationEditor {
    public static func create(name: String, kind: OrganizationKind, parentID: UUID, actor: String, scope: Scope,
                              on database: any Database) async throws -> Organization {
        let scopePath = scope.pathPrefix
        return try await database.writeTransaction { db in
            let parent = try await openOrganization(parentID, scopePath: scopePath, on: db, allowScopeRoot: true)
            let name = try await checkedName(name, on: db)
            guard let parentKind = OrganizationKind(rawValue: parent.kind), kind.level > parentKind.level else {
                throw StoreError.invalid("「\(kind.rawValue)」不能设在「\(parent.kind)」之下（下级必须比上级低一层级或以上）")
            }
            let id = UUID()
            let organization = Organization(id: id, name: name, kind: kind, parentID: parent.id, path: parent.path + "\(id)/")
            try await organization.create(on: db)
            try await AuditLog.append(.organizationCreated, actor: actor, object: "organization:\(id)",
                                      after: "\(name)（\(kind.rawValue)），上级：\(parent.name)", on: db)
            return organization
        }
    }

    public static func rename(_ id: UUID, to newName: String, actor: String, scope: Scope, on database: any Database) async throws {
        let scopePath = scope.pathPrefix
        try await database.writeTransaction { db in
            let organization = try await openOrganization(id, scopePath: scopePath, on: db)
            let name = try await checkedName(newName, on: db)
            let old = organization.name
            organization.name = name
            try await organization.save(on: db)
            try await AuditLog.append(.organizationRenamed, actor: actor, object: "organization:\(id)", before: old, after: name, on: db)
        }
    }

    /// Moves a subtree under a new parent; every path below it is rewritten in the same transaction.
    public static func move(_ id: UUID, under newParentID: UUID, actor: String, scope: Scope, on database: any Database) async throws {
        let scopePath = scope.pathPrefix
        try await database.writeTransaction { db in
            let organization = try await openOrganization(id, scopePath: scopePath, on: db)
            let parent = try await openOrganization(newParentID, scopePath: scopePath, on: db, allowScopeRoot: true)
            guard !parent.path.hasPrefix(organization.path) else {
                throw StoreError.invalid("不能把「\(organization.name)」移到它自己或它的下级「\(parent.name)」之下")
            }
            guard let kind = OrganizationKind(rawValue: organization.kind), let parentKind = OrganizationKind(rawValue: parent.kind),
                  kind.level > parentKind.level else {
                throw StoreError.invalid("「\(organization.kind)」不能设在「\(parent.kind)」之下")
            }
            let oldParent = try await Organization.find(organization.parentID, on: db)?.name ?? "无"
            let oldPath = organization.path, newPath = parent.path + "\(id)/"
            let sql = try db.sql()
            try await sql.raw("""
                UPDATE organizations SET path = CAST(\(bind: newPath) AS TEXT) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER))
                WHERE substr(path, 1, CAST(\(bind: oldPath.count) AS INTEGER)) = CAST(\(bind: oldPath) AS TEXT)
                """).run()
            try await Organization.query(on: db).set(\.$parentID, to: parent.id).filter(\.$id == id).update()
            try await AuditLog.append(.organizationMoved, actor: actor, object: "organization:\(id)（\(organization.name)）",
                                      before: "上级：\(oldParent)", after: "上级：\(parent.name)", on: db)
        }
    }

    /// Closes an organization that has no members and no open organizations below it.
    public static func close(_ id: UUID, actor: String, scope: Scope, on database: any Database) async throws {
        let scopePath = scope.pathPrefix
        try await database.writeTransaction { db in
            let organization = try await openOrganization(id, scopePath: scopePath, on: db)
            let below = try await Organization.query(on: db).filter(\.$path =~ organization.path).filter(\.$closed == false).all()
            let members = try await Member.query(on: db).filter(\.$organizationID ~~ below.compactMap(\.id)).count()
            guard members == 0 else {
                throw StoreError.invalid("「\(organization.name)」（含下级）还有 \(members) 名党员，不能撤销：请先把党员转到其他党组织")
            }
            guard below.count == 1 else {
                throw StoreError.invalid("「\(organization.name)」下还有 \(below.count - 1) 个未撤销的党组织，请先撤销或移走它们")
            }
            organization.closed = true
            try await organization.save(on: db)
            try await AuditLog.append(.organizationClosed, actor: actor, object: "organization:\(id)", after: organization.name, on: db)
        }
    }

    /// An open organization the user may change. A unit admin's own top organization may take
    /// children (`allowScopeRoot`) but cannot itself be renamed, moved or closed.
    /// The organization an import may create missing branches under: open, in scope, above 支部.
    public static func branchParent(_ id: UUID, scope: Scope, on db: any Database) async throws -> Result<Organization, StoreError> {
        let scopePath = scope.pathPrefix
        let parent = try await openOrganization(id, scopePath: scopePath, on: db, allowScopeRoot: true)
        guard let kind = OrganizationKind(rawValue: parent.kind), kind.level < OrganizationKind.branch.level else {
            return .failure(.invalid("「\(parent.name)」是支部，下面不能再设支部，请选择党委或总支"))
        }
        return .success(parent)
    }

    static func openOrganization(_ id: UUID?, scopePath: String?, on db: any Database, allowScopeRoot: Bool = false) async throws -> Organization {
        guard let id, let organization = try await Organization.find(id, on: db),
              scopePath.map({ organization.path.hasPrefix($0) }) ?? true else {
            throw StoreError.notFound("没有这个党组织")
        }
        guard !organization.closed else { throw StoreError.invalid("「\(organization.name)」已撤销") }
        if let scopePath, organization.path == scopePath, !allowScopeRoot {
            throw StoreError.invalid("您管理的最上级组织「\(organization.name)」只能由组织部调整")
        }
        return organization
    }

    static func checkedName(_ name: String, on db: any Database) async throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 2, trimmed.count <= 60 else { throw StoreError.invalid("党组织名称应为2至60个字") }
        guard try await Organization.named(trimmed, on: db) == nil else {
            throw StoreError.invalid("已有名为「\(trimmed)」的党组织（名称须唯一，导入名册时按名称找组织）")
        }
        return trimmed
    }
}
