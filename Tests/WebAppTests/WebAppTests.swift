import Foundation
import Testing
import Vapor
import VaporTesting
@testable import WebApp
import Core
import Persistence
import Audit
import Organizations
import Roster
import Accounts
import Demo
import Fluent
import SQLKit

func withXuanjuApp(_ body: (Application) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    let path = NSTemporaryDirectory() + "xuanju-web-\(UUID().uuidString).sqlite"
    do {
        try await WebApp.configure(app, settings: WebAppSettings(target: .sqlite(path: path), adminPassword: "管理员密码123"))
        try await body(app)
    } catch {
        try await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

@Suite(.serialized) struct WebAppTests {
    @Test func healthzReportsTheDatabase() async throws {
        try await withXuanjuApp { app in
            try await app.testing().test(.GET, "/healthz") { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let body = try res.content.decode([String: String].self)
                #expect(body == ["status": "ok", "database": "sqlite"])
            }
        }
    }

    @Test func loginPageIsChineseAndHomeNeedsLogin() async throws {
        try await withXuanjuApp { app in
            try await app.testing().test(.GET, "login") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("<html lang=\"zh-CN\">"))
                #expect(res.body.string.contains("用户名") && res.body.string.contains("密码") && res.body.string.contains("登录"))
            }
            try await app.testing().test(.GET, "/") { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/login")
            }
        }
    }

    @Test func adminLogsInWithCSRFAndSeesTheHomePage() async throws {
        try await withXuanjuApp { app in
            let session = try await TestSession.open(app)
            let (token, headers) = (session.csrf, session.headers)
            // The login page makes no session: its token is double-submitted through a cookie.
            #expect(session.cookie.isEmpty && !token.isEmpty && session.csrfCookie == token)
            // Without the token the form is refused.
            try await app.testing().test(.POST, "login", headers: headers, beforeRequest: { req in
                try req.content.encode(["username": "admin", "password": "管理员密码123"], as: .urlEncodedForm)
            }) { res in #expect(res.status == .forbidden) }
            // A wrong password is refused and audited.
            try await app.testing().test(.POST, "login", headers: headers, beforeRequest: { req in
                try req.content.encode(["username": "admin", "password": "wrong", "csrf": token], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("用户名或密码不正确"))
            }
            var signedIn = HTTPHeaders()
            try await app.testing().test(.POST, "login", headers: headers, beforeRequest: { req in
                try req.content.encode(["username": "admin", "password": "管理员密码123", "csrf": token], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/")
                // Logging in issues a new session id; the one from before login is gone.
                let newCookie = try #require(res.headers.setCookie?["xuanju_session"]?.string)
                signedIn.cookie = ["xuanju_session": .init(string: newCookie)]
            }
            try await app.testing().test(.GET, "/", headers: signedIn) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("首页") && res.body.string.contains("系统管理员"))
            }
            try await app.testing().test(.GET, "/", headers: headers) { res in
                #expect(res.status == .seeOther && res.headers.first(name: .location) == "/login")
            }
            let actions = try await AuditEntry.query(on: app.db).all().map(\.action)
            // One refusal is kept with the sign-in attempts, not in the hash chain (a lockout is summarised there).
            #expect(!actions.contains(AuditAction.loginFailed.rawValue) && actions.contains(AuditAction.loginSucceeded.rawValue))
            let sql = try #require(app.db as? any SQLDatabase)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM login_attempts WHERE username = 'admin'").first()?.decode(column: "n", as: Int.self) == 0,
                    "a successful sign-in clears that name's refusals from that address")
            #expect(try await AuditLog.verify(in: app.db.data).firstBroken == nil)
        }
    }

    @Test func fiveRefusedLoginsLockTheNameAndPasswordsCanBeChanged() async throws {
        try await withXuanjuApp { app in
            var session = try await TestSession.open(app)
            func attempt(_ password: String) async throws -> HTTPStatus {
                try await session.logIn(app, "admin", password)
            }
            for _ in 0..<5 { #expect(try await attempt("wrong") == .unauthorized) }
            // Even the right password is refused while the name is locked.
            #expect(try await attempt("管理员密码123") == .tooManyRequests)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.loginLockedOut.rawValue).count() == 1)
            // Clear the refusals (as if 15 minutes had passed) and change the password.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE login_attempts SET at = 0").run()
            #expect(try await attempt("管理员密码123") == .seeOther)
            let signedIn = session.headers
            let token = session.csrf
            try await app.testing().test(.POST, "account/password", headers: signedIn, beforeRequest: { req in
                try req.content.encode(["current": "管理员密码123", "new": "短", "confirm": "短", "csrf": token], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .badRequest && res.body.string.contains("至少10个字符"))
            }
            try await app.testing().test(.POST, "account/password", headers: signedIn, beforeRequest: { req in
                try req.content.encode(["current": "管理员密码123", "new": "新的管理员密码456", "confirm": "新的管理员密码456", "csrf": token],
                                       as: .urlEncodedForm)
            }) { res in #expect(res.status == .ok && res.body.string.contains("密码已修改")) }
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "admin").first())
            #expect(try Bcrypt.verify("新的管理员密码456", created: admin.passwordHash))
            // Tampering is what the audit page is for: it reports the broken chain.
            try await sql.raw("UPDATE audit_log SET actor = 'someone' WHERE seq = 2").run()
            try await app.testing().test(.GET, "audit", headers: signedIn) { res in
                #expect(res.status == .ok && res.body.string.contains("被破坏"))
            }
        }
    }
}
