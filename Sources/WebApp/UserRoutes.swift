import Foundation
import Vapor
import Fluent
import Store

struct UsersPage: Encodable {
    struct Row: Encodable { let id: String; let username: String; let displayName: String; let role: String; let organization: String; let disabled: Bool; let isMe: Bool }
    let rows: [Row]
    let roles: [String]
    let error: String?
}

struct OneTimePasswordPage: Encodable {
    let username: String, displayName: String, password: String, created: Bool
}

struct NewUserForm: Content {
    var username: String
    var displayName: String
    var role: String
    var organization: String?
}

/// Accounts for each unit: the organization department creates them and resets forgotten
/// passwords; the new password is shown once, here, and nowhere else.
enum UserRoutes {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("users", use: list)
        routes.post("users", use: create)
        routes.post("users", ":id", "reset-password", use: reset)
        routes.post("users", ":id", "disable", use: { try await setDisabled($0, true) })
        routes.post("users", ":id", "enable", use: { try await setDisabled($0, false) })
    }

    static func roles(for access: Access) -> [UserRole] {
        // Least privilege first, so the form's default is the safest role.
        UserRole.allCases.reversed().filter { access.role == .systemAdmin || $0 != .systemAdmin }
    }

    static func page(_ req: Request, _ access: Access, error: String?) async throws -> Response {
        let users = try await User.query(on: req.db).sort(\.$username).all()
        let names = Dictionary(try await Organization.query(on: req.db).filter(\.$id ~~ users.compactMap(\.organizationID)).all()
            .map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return try await req.render("users", access, UsersPage(
            rows: users.map { .init(id: $0.id!.uuidString, username: $0.username, displayName: $0.displayName, role: $0.role,
                                    organization: $0.organizationID.flatMap { names[$0] } ?? "全市", disabled: $0.disabled,
                                    isMe: $0.id == access.user.id) },
            roles: roles(for: access).map(\.rawValue), error: error), status: error == nil ? .ok : .badRequest)
    }

    @Sendable static func list(_ req: Request) async throws -> Response {
        try await page(req, try await Access.require(.manageUsers, for: req), error: nil)
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.manageUsers, for: req)
        let form = try req.content.decode(NewUserForm.self)
        do {
            guard let role = UserRole(rawValue: form.role) else { throw StoreError.invalid("请选择角色") }
            var organizationID: UUID?
            if let name = form.organization?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
                guard let organization = try await Organization.named(name, on: req.db) else {
                    throw StoreError.invalid("没有名为「\(name)」的党组织，请写全称")
                }
                organizationID = organization.id
            }
            let (user, password) = try await AccountAdmin.create(
                .init(username: form.username, displayName: form.displayName, role: role, organizationID: organizationID),
                by: access.user, hash: { try Bcrypt.hash($0) }, on: req.db)
            return try await req.render("one_time_password", access, OneTimePasswordPage(
                username: user.username, displayName: user.displayName, password: password, created: true))
        } catch StoreError.invalid(let message) {
            return try await page(req, access, error: message)
        }
    }

    @Sendable static func setDisabled(_ req: Request, _ disabled: Bool) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.manageUsers, for: req)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound, reason: "没有这个用户") }
        do {
            let user = try await AccountAdmin.setDisabled(disabled, for: id, by: access.user, on: req.db)
            Chrome.flash(req, disabled ? "已停用「\(user.displayName)」的账号，其会话随即失效" : "已启用「\(user.displayName)」的账号")
            return req.redirect(to: "/users")
        } catch StoreError.invalid(let message) {
            return try await page(req, access, error: message)
        }
    }

    @Sendable static func reset(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.manageUsers, for: req)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound, reason: "没有这个用户") }
        do {
            let (user, password) = try await AccountAdmin.resetPassword(of: id, by: access.user, hash: { try Bcrypt.hash($0) }, on: req.db)
            return try await req.render("one_time_password", access, OneTimePasswordPage(
                username: user.username, displayName: user.displayName, password: password, created: false))
        } catch StoreError.invalid(let message) {
            return try await page(req, access, error: message)
        }
    }
}
