import Foundation
import Vapor
import Fluent
import Store

struct PasswordPage: Encodable {
    let error: String?, done: Bool
    var firstLogin = false
}

struct PasswordForm: Content {
    var current: String
    var new: String
    var confirm: String
}

struct AuditPage: Encodable {
    struct Row: Encodable { let seq: Int; let at: String; let actor: String; let action: String; let object: String; let before: String; let after: String }
    let chain: String, chainIntact: Bool
    let rows: [Row]
    let total: Int, page: Int, pageCount: Int
}

enum AccountRoutes {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("account", "password", use: passwordForm)
        routes.post("account", "password", use: changePassword)
        routes.get("audit", use: audit)
    }

    @Sendable static func passwordForm(_ req: Request) async throws -> Response {
        let access = try await Access.current(req)
        return try await req.render("password", access, PasswordPage(error: nil, done: false, firstLogin: access.user.mustChangePassword))
    }

    @Sendable static func changePassword(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.current(req)
        let user = access.user
        let form = try req.content.decode(PasswordForm.self)
        func page(_ error: String?, done: Bool = false, status: HTTPStatus = .ok) async throws -> Response {
            try await req.render("password", access, PasswordPage(error: error, done: done, firstLogin: user.mustChangePassword), status: status)
        }
        guard form.new == form.confirm else { return try await page("两次输入的新密码不一致", status: .badRequest) }
        if let refusal = try await changeOwnPassword(user, current: form.current, new: form.new, for: req) {
            return try await page(refusal, status: .badRequest)
        }
        return try await page(nil, done: true)
    }

    /// Changes the signed-in user's password (page and API); returns why it was refused. The
    /// user's other sessions end: whoever else held the old password is out.
    static func changeOwnPassword(_ user: User, current: String, new: String, for req: Request) async throws -> String? {
        let stored = user.passwordHash
        guard try await req.application.threadPool.runIfActive({ try Bcrypt.verify(current, created: stored) }) else { return "当前密码不正确" }
        guard new.count >= 10 else { return "新密码至少10个字符" }
        guard new.count <= 128 else { return "新密码最多128个字符" }
        guard new != current else { return "新密码不能与当前密码相同" }
        user.passwordHash = try await req.application.threadPool.runIfActive { try Bcrypt.hash(new) }
        user.mustChangePassword = false
        let keep = req.cookies[req.application.sessions.configuration.cookieName]?.string
        try await req.db.writeTransaction { db in
            try await user.save(on: db)
            try await SessionStore.end(userID: user.id!, exceptCookie: keep, on: db)
            try await AuditLog.append(.passwordChanged, actor: user.username, object: "user:\(user.username)", after: "其他会话已结束", on: db)
        }
        return nil
    }

    @Sendable static func audit(_ req: Request) async throws -> Response {
        let access = try await Access.require(.viewAuditLog, for: req)
        let pageNumber = max(1, req.query[Int.self, at: "page"] ?? 1)
        let size = 100
        let (entries, total) = try await AuditLog.page(pageNumber, size: size, on: req.db)
        let verification = try await AuditLog.verifyIncrementally(on: req.db)
        let head = try await AuditLog.head(on: req.db)
        let chain = verification.firstBroken.map { "第 \($0.seq) 条被破坏：\($0.reason)" }
            ?? "哈希链完好（共 \(verification.entries) 条）；链头 \(head.anchor)（请另行留存，用 xuanju audit verify --expect-head 核对）"
        return try await req.render("audit", access, AuditPage(
            chain: chain, chainIntact: verification.firstBroken == nil,
            rows: entries.map { .init(seq: $0.id ?? 0, at: String($0.at.prefix(19)).replacingOccurrences(of: "T", with: " "),
                                      actor: $0.actor, action: AuditAction(rawValue: $0.action)?.label ?? $0.action, object: $0.object,
                                      before: $0.before, after: $0.after) },
            total: total, page: pageNumber, pageCount: max(1, (total + size - 1) / size)))
    }
}
