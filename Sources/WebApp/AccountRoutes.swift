import Foundation
import Vapor
import Core
import Persistence
import Audit
import Accounts

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
    let canBackUp: Bool, notice: String?, noticeFailed: Bool
}

enum AccountRoutes {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("account", "password", use: passwordForm)
        routes.post("account", "password", use: changePassword)
        routes.get("audit", use: audit)
        routes.post("audit", "backup", use: backUp)
    }

    /// A copy of the SQLite database beside it (backups/), taken without pausing anyone, checked,
    /// and recorded. The system administrator's only.
    @Sendable static func backUp(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.backUpDatabase, for: req)
        guard case .sqlite(let database) = req.application.storage[DatabaseTargetKey.self] else {
            return try await audit(req, notice: "本系统使用 PostgreSQL：请用 pg_dump 备份", failed: true)
        }
        let path = DatabaseBackup.defaultPath(besides: database)
        let result: DatabaseBackup.Result
        do {
            result = try await DatabaseBackup.sqlite(req.db, to: path)
        } catch {
            return try await audit(req, notice: "备份失败：\(error)", failed: true)
        }
        try await AuditLog.append(.databaseBackedUp, actor: access.user.username, object: "database",
                                  after: result.summary, in: req.data)
        return try await audit(req, notice: "已备份到 \(result.path)（\(result.bytes / 1024) KB），完整性检查：\(result.integrity)", failed: !result.ok)
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
        do {
            try await changeOwnPassword(user, current: form.current, new: form.new, for: req)
        } catch let refusal as Refusal {
            return try await page(refusal.message, status: .badRequest)
        }
        return try await page(nil, done: true)
    }

    /// Changes the signed-in user's password (page and API); throws why it was refused. The
    /// user's other sessions end: whoever else held the old password is out.
    static func changeOwnPassword(_ user: AccountRecord, current: String, new: String, for req: Request) async throws {
        let work = req.application.heavyWork
        let keep = req.cookies[req.application.sessions.configuration.cookieName]?.string
        let hasher = PasswordHasher(hash: req.bcrypt,
                                    verify: { password, hash in try await work.password { try Bcrypt.verify(password, created: hash) } })
        try await AccountAdmin.changeOwnPassword(user, current: current, new: new, keepSessionKey: keep.map(SessionStore.key),
                                                 hasher: hasher, in: req.data)
    }

    @Sendable static func audit(_ req: Request) async throws -> Response {
        try await audit(req, notice: nil, failed: false)
    }

    static func audit(_ req: Request, notice: String?, failed: Bool) async throws -> Response {
        let access = try await Access.require(.viewAuditLog, for: req)
        let pageNumber = max(1, req.query[Int.self, at: "page"] ?? 1)
        let size = 100
        let (entries, total) = try await AuditLog.page(pageNumber, size: size, in: req.data)
        let verification = try await AuditLog.verifyIncrementally(in: req.data)
        let head = try await AuditLog.head(in: req.data)
        let chain = verification.firstBroken.map { "第 \($0.seq) 条被破坏：\($0.reason)" }
            ?? "哈希链完好（共 \(verification.entries) 条）；链头 \(head.anchor)（请另行留存，用 xuanju audit verify --expect-head 核对）"
        return try await req.render("audit", access, AuditPage(
            chain: chain, chainIntact: verification.firstBroken == nil,
            rows: entries.map { .init(seq: $0.seq, at: String($0.at.prefix(19)).replacingOccurrences(of: "T", with: " "),
                                      actor: $0.actor, action: AuditAction(rawValue: $0.action)?.label ?? $0.action, object: $0.object,
                                      before: $0.before, after: $0.after) },
            total: total, page: pageNumber, pageCount: max(1, (total + size - 1) / size),
            canBackUp: access.can(.backUpDatabase), notice: notice, noticeFailed: failed), status: failed ? .badRequest : .ok)
    }
}
