import Foundation
import Core
import Persistence
import Audit

/// The organization tree's changes: create, rename, move, close. Nothing is ever deleted, and a
/// unit admin works only inside their own unit (below its top).
public enum OrganizationEditor {
    @discardableResult
    public static func create(name: String, kind: OrganizationKind, parentID: OrganizationID, actor: String, scope: Scope,
                              in data: any DataStore) async throws -> OrganizationRecord {
        try await data.write { data in
            let parent = try await openOrganization(parentID, scope: scope, in: data, allowScopeRoot: true)
            let name = try await checkedName(name, in: data)
            guard kind.level > parent.kind.level else {
                throw Refusal.invalid("organization.kind.belowParent", "「\(kind.rawValue)」不能设在「\(parent.kind.rawValue)」之下（下级必须比上级低一层级或以上）", field: "kind")
            }
            let id = OrganizationID(UUID())
            let organization = OrganizationRecord(id: id, name: name, kind: kind, parentID: parent.id, path: parent.path + "\(id)/")
            try await data.organizations.insert([organization])
            try await AuditLog.append(.organizationCreated, actor: actor, object: "organization:\(id)",
                                      after: "\(name)（\(kind.rawValue)），上级：\(parent.name)", in: data)
            return organization
        }
    }

    public static func rename(_ id: OrganizationID, to newName: String, actor: String, scope: Scope, in data: any DataStore) async throws {
        try await data.write { data in
            let organization = try await openOrganization(id, scope: scope, in: data)
            let name = try await checkedName(newName, in: data)
            try await data.organizations.rename(id, to: name)
            try await AuditLog.append(.organizationRenamed, actor: actor, object: "organization:\(id)", before: organization.name, after: name, in: data)
        }
    }

    /// Moves a subtree under a new parent; every path below it is rewritten in the same transaction.
    public static func move(_ id: OrganizationID, under newParentID: OrganizationID, actor: String, scope: Scope,
                            in data: any DataStore) async throws {
        try await data.write { data in
            let organization = try await openOrganization(id, scope: scope, in: data)
            let parent = try await openOrganization(newParentID, scope: scope, in: data, allowScopeRoot: true)
            guard !parent.path.hasPrefix(organization.path) else {
                throw Refusal.invalid("organization.move.intoOwnSubtree", "不能把「\(organization.name)」移到它自己或它的下级「\(parent.name)」之下", field: "parent")
            }
            guard organization.kind.level > parent.kind.level else {
                throw Refusal.invalid("organization.kind.belowParent", "「\(organization.kind.rawValue)」不能设在「\(parent.kind.rawValue)」之下", field: "parent")
            }
            var oldParent = "无"
            if let parentID = organization.parentID, let old = try await data.organizations.find(parentID) { oldParent = old.name }
            try await data.organizations.move(id, under: parent.id, from: organization.path, to: parent.path + "\(id)/")
            try await AuditLog.append(.organizationMoved, actor: actor, object: "organization:\(id)（\(organization.name)）",
                                      before: "上级：\(oldParent)", after: "上级：\(parent.name)", in: data)
        }
    }

    /// Closes an organization that has no members and no open organizations below it.
    public static func close(_ id: OrganizationID, actor: String, scope: Scope, in data: any DataStore) async throws {
        try await data.write { data in
            let organization = try await openOrganization(id, scope: scope, in: data)
            let below = try await data.organizations.all(in: .subtree(path: organization.path)).filter { !$0.closed }
            let members = try await data.members.count(inOrganizations: below.map(\.id))
            guard members == 0 else {
                throw Refusal.invalid("organization.close.hasMembers", "「\(organization.name)」（含下级）还有 \(members) 名党员，不能撤销：请先把党员转到其他党组织")
            }
            guard below.count == 1 else {
                throw Refusal.invalid("organization.close.hasOpenChildren", "「\(organization.name)」下还有 \(below.count - 1) 个未撤销的党组织，请先撤销或移走它们")
            }
            try await data.organizations.close(id)
            try await AuditLog.append(.organizationClosed, actor: actor, object: "organization:\(id)", after: organization.name, in: data)
        }
    }

    /// The organization an import may create missing branches under: open, in scope, above 支部.
    public static func branchParent(_ id: OrganizationID, scope: Scope, in data: any DataStore) async throws -> OrganizationRecord {
        let parent = try await openOrganization(id, scope: scope, in: data, allowScopeRoot: true)
        guard parent.kind.level < OrganizationKind.branch.level else {
            throw Refusal.invalid("organization.branchParent.isBranch", "「\(parent.name)」是支部，下面不能再设支部，请选择党委或总支", field: "createUnder")
        }
        return parent
    }

    /// An open organization the user may change. A unit admin's own top organization may take
    /// children (`allowScopeRoot`) but cannot itself be renamed, moved or closed.
    static func openOrganization(_ id: OrganizationID, scope: Scope, in data: any DataStore,
                                 allowScopeRoot: Bool = false) async throws -> OrganizationRecord {
        guard let organization = try await data.organizations.find(id), scope.contains(path: organization.path) else {
            throw Refusal.notFound("organization.notFound", "没有这个党组织")
        }
        guard !organization.closed else { throw Refusal.invalid("organization.closed", "「\(organization.name)」已撤销") }
        if case .subtree(let top) = scope, organization.path == top, !allowScopeRoot {
            throw Refusal.invalid("organization.scopeRoot", "您管理的最上级组织「\(organization.name)」只能由组织部调整")
        }
        return organization
    }

    static func checkedName(_ name: String, in data: any DataStore) async throws -> String {
        let trimmed = try HumanText.screened(name, field: "name", label: "党组织名称")
        guard trimmed.count >= 2, trimmed.count <= 60 else {
            throw Refusal.invalid("organization.name.length", "党组织名称应为2至60个字", field: "name")
        }
        guard try await data.organizations.named(trimmed) == nil else {
            throw Refusal.invalid("organization.name.taken", "已有名为「\(trimmed)」的党组织（名称须唯一，导入名册时按名称找组织）", field: "name")
        }
        return trimmed
    }
}
