import Foundation
import Vapor
import Core
import Persistence
import Organizations

struct OrganizationTreePage: Encodable {
    struct Row: Encodable { let id: String; let name: String; let kind: String; let depth: Int; let members: Int; let organizations: Int; let closed: Bool }
    let rows: [Row]
    let hiddenBelow: Int
}

struct OrganizationDetailPage: Encodable {
    struct Crumb: Encodable { let id: String; let name: String }
    let id: String, name: String, kind: String, closed: Bool
    let members: Int, organizations: Int
    let ancestors: [Crumb]
    let children: [OrganizationTreePage.Row]
    let childKinds: [String]
    let canManage: Bool
    let error: String?
}

struct OrganizationNameForm: Content { var name: String }
struct OrganizationChildForm: Content { var name: String; var kind: String }
struct OrganizationMoveForm: Content { var parent: String }

/// The tree (three levels at a glance, every node a link) and one organization's page with its
/// changes: new child, rename, move, close.
enum OrganizationPages {
    static let treeDepth = 2

    static func register(_ routes: any RoutesBuilder) {
        routes.get("organizations", use: treePage)
        routes.get("organizations", ":id", use: detail)
        routes.post("organizations", ":id", "children", use: createChild)
        routes.post("organizations", ":id", "rename", use: rename)
        routes.post("organizations", ":id", "move", use: move)
        routes.post("organizations", ":id", "close", use: close)
    }

    static func row(_ node: OrganizationTree.Node, depth: Int) -> OrganizationTreePage.Row {
        .init(id: node.organization.id.description, name: node.organization.name, kind: node.organization.kind.rawValue, depth: min(depth, 9),
              members: node.members, organizations: node.organizations, closed: node.organization.closed)
    }

    static func tree(_ req: Request, _ access: Access) async throws -> OrganizationTreePage {
        let nodes = try await OrganizationTree.load(scope: try access.scope, in: req.data)
        let shown = nodes.filter { $0.depth <= treeDepth }
        return OrganizationTreePage(rows: shown.map { row($0, depth: $0.depth) }, hiddenBelow: nodes.count - shown.count)
    }

    @Sendable static func treePage(_ req: Request) async throws -> Response {
        let access = try await Access.require(.viewOrganizations, for: req)
        return try await req.render("organizations", access, try await tree(req, access))
    }

    @Sendable static func detail(_ req: Request) async throws -> Response {
        let access = try await Access.require(.viewOrganizations, for: req)
        return try await page(req, access, error: nil)
    }

    static func page(_ req: Request, _ access: Access, error: String?) async throws -> Response {
        let id: OrganizationID = try pathID(req, "党组织")
        let scope = try access.scope
        guard let organization = try await OrganizationLookup.find(id, scope: scope, in: req.data) else {
            throw Refusal.notFound("organization.notFound", "没有这个党组织")
        }
        let nodes = try await OrganizationTree.load(scope: .subtree(path: organization.path), in: req.data)
        let me = nodes.first { $0.organization.id == id }
        let ancestors = try await OrganizationLookup.ancestors(of: organization, scope: scope, in: req.data)
        return try await req.render("organization", access, OrganizationDetailPage(
            id: id.description, name: organization.name, kind: organization.kind.rawValue, closed: organization.closed,
            members: me?.members ?? 0, organizations: me?.organizations ?? 0,
            ancestors: ancestors.map { .init(id: $0.id.description, name: $0.name) },
            children: nodes.filter { $0.depth == 1 }.map { row($0, depth: 0) },
            childKinds: OrganizationKind.allCases.filter { $0.level > organization.kind.level }.map(\.rawValue),
            canManage: access.can(.manageOrganizations), error: error), status: error == nil ? .ok : .badRequest)
    }

    /// Runs a change; a refusal from the rules comes back on the same page, in words.
    static func change(_ req: Request, done: String, _ body: (Access, OrganizationID) async throws -> Void) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.manageOrganizations, for: req)
        let id: OrganizationID = try pathID(req, "党组织")
        do {
            try await body(access, id)
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, error: refusal.message)
        }
        Chrome.flash(req, done)
        return req.redirect(to: "/organizations/\(id)")
    }

    @Sendable static func createChild(_ req: Request) async throws -> Response {
        let form = try req.content.decode(OrganizationChildForm.self)
        return try await change(req, done: "已新建「\(form.name)」") { access, id in
            guard let kind = OrganizationKind(rawValue: form.kind) else { throw Refusal.invalid("organization.kind.unknown", "请选择组织类别", field: "kind") }
            try await OrganizationEditor.create(name: form.name, kind: kind, parentID: id, actor: access.user.username,
                                                scope: try access.scope, in: req.data)
        }
    }

    @Sendable static func rename(_ req: Request) async throws -> Response {
        let form = try req.content.decode(OrganizationNameForm.self)
        return try await change(req, done: "已更名为「\(form.name)」") { access, id in
            try await OrganizationEditor.rename(id, to: form.name, actor: access.user.username, scope: try access.scope, in: req.data)
        }
    }

    @Sendable static func move(_ req: Request) async throws -> Response {
        let form = try req.content.decode(OrganizationMoveForm.self)
        return try await change(req, done: "已调整到「\(form.parent)」之下") { access, id in
            let parent = try await OrganizationLookup.named(form.parent, field: "parent", in: req.data)
            try await OrganizationEditor.move(id, under: parent.id, actor: access.user.username, scope: try access.scope, in: req.data)
        }
    }

    @Sendable static func close(_ req: Request) async throws -> Response {
        try await change(req, done: "已撤销（记录保留，可在审计日志中查到）") { access, id in
            try await OrganizationEditor.close(id, actor: access.user.username, scope: try access.scope, in: req.data)
        }
    }
}
