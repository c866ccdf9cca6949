import Foundation
import Testing
import Vapor
import VaporTesting
@testable import WebApp
import Store

private func withXuanjuApp(_ body: (Application) async throws -> Void) async throws {
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

private func csrfToken(in html: String) -> String? {
    guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
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
            var cookie = ""
            var token = ""
            try await app.testing().test(.GET, "login") { res in
                cookie = res.headers.setCookie?["xuanju_session"]?.string ?? ""
                token = csrfToken(in: res.body.string) ?? ""
            }
            #expect(!cookie.isEmpty && !token.isEmpty)
            var headers = HTTPHeaders()
            headers.cookie = ["xuanju_session": .init(string: cookie)]
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
            try await app.testing().test(.POST, "login", headers: headers, beforeRequest: { req in
                try req.content.encode(["username": "admin", "password": "管理员密码123", "csrf": token], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/")
            }
            try await app.testing().test(.GET, "/", headers: headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("首页") && res.body.string.contains("系统管理员"))
            }
            let actions = try await AuditEntry.query(on: app.db).all().map(\.action)
            #expect(actions.contains(AuditAction.loginFailed.rawValue) && actions.contains(AuditAction.loginSucceeded.rawValue))
            #expect(try await AuditLog.verify(on: app.db).firstBroken == nil)
        }
    }
}
