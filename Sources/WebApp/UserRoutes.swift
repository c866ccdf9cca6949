import Foundation
import Vapor
import Core
import Persistence
import Organizations
import Accounts

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
        let users = try await Accounts.list(in: req.data)
        return try await req.render("users", access, UsersPage(
            rows: users.map { .init(id: $0.account.id.description, username: $0.account.username, displayName: $0.account.displayName,
                                    role: $0.account.role.rawValue, organization: $0.organization, disabled: $0.account.disabled,
                                    isMe: $0.account.id == access.user.id) },
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
            guard let role = UserRole(rawValue: form.role) else { throw Refusal.invalid("account.role.unknown", "请选择角色", field: "role") }
            var organizationID: OrganizationID?
            if let name = form.organization?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
                organizationID = try await OrganizationLookup.named(name, field: "organization", in: req.data).id
            }
            let (user, password) = try await AccountAdmin.create(
                .init(username: form.username, displayName: form.displayName, role: role, organizationID: organizationID),
                by: access.user, hash: req.bcrypt, in: req.data)
            return try await req.render("one_time_password", access, OneTimePasswordPage(
                username: user.username, displayName: user.displayName, password: password, created: true))
        } catch let refusal as Refusal where refusal.kind != .notFound {
            return try await page(req, access, error: refusal.message)
        }
    }

    @Sendable static func setDisabled(_ req: Request, _ disabled: Bool) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.manageUsers, for: req)
        let id: AccountID = try pathID(req, "用户")
        do {
            let user = try await AccountAdmin.setDisabled(disabled, for: id, by: access.user, in: req.data)
            Chrome.flash(req, disabled ? "已停用「\(user.displayName)」的账号，其会话随即失效" : "已启用「\(user.displayName)」的账号")
            return req.redirect(to: "/users")
        } catch let refusal as Refusal where refusal.kind != .notFound {
            return try await page(req, access, error: refusal.message)
        }
    }

    @Sendable static func reset(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.manageUsers, for: req)
        let id: AccountID = try pathID(req, "用户")
        do {
            let (user, password) = try await AccountAdmin.resetPassword(of: id, by: access.user, hash: req.bcrypt, in: req.data)
            return try await req.render("one_time_password", access, OneTimePasswordPage(
                username: user.username, displayName: user.displayName, password: password, created: false))
        } catch let refusal as Refusal where refusal.kind != .notFound {
            return try await page(req, access, error: refusal.message)
        }
    }
}
