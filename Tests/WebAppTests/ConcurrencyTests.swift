import Foundation
import Testing
import Vapor
import VaporTesting
import Fluent
@testable import WebApp
import Core
import Persistence
import Audit
import Organizations
import Roster
import Accounts
import Demo
import Documents

/// Where the web tests run: a SQLite file, and the PostgreSQL that scripts/with-postgres starts.
enum WebBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
    static var postgresURL: String? { ProcessInfo.processInfo.environment["XUANJU_TEST_WEB_DATABASE_URL"] }
    static var available: [WebBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A fresh target: a new SQLite file, or the web test database emptied.
    func target() async throws -> DatabaseTarget {
        switch self {
        case .sqlite: return .sqlite(path: NSTemporaryDirectory() + "xuanju-web-\(UUID().uuidString).sqlite")
        case .postgres:
            guard let url = Self.postgresURL else { try Test.cancel("XUANJU_TEST_WEB_DATABASE_URL 未设置：PostgreSQL 上的网页测试跳过") }
            let store = try XuanjuStore(target: .postgres(url: url))
            do { try await store.revertAll() } catch { await store.shutdown(); throw error }
            await store.shutdown()
            return .postgres(url: url)
        }
    }
}

@Suite(.serialized) struct ConcurrencyTests {
    /// 20 clients, each signed in as its own unit administrator, edit 10 members each at the same
    /// moment over real HTTP: every edit succeeds (SQLite makes writers wait their turn instead
    /// of answering "database is locked"), every edit is in the audit log, and the chain holds.
    @Test(arguments: WebBackend.available)
    func twentyClientsEditAtOnce(backend: WebBackend) async throws {
        let app = try await Application.make(.testing)
        do {
            try await WebApp.configure(app, settings: WebAppSettings(target: try await backend.target(), adminPassword: "管理员密码123"))
            let generator = DemoGenerator(memberCount: 400)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            var search = MemberSearch()
            search.pageSize = 200
            let members = try await MemberDirectory.search(search, scope: .city, in: app.db.data).members
            #expect(members.count == 200)
            for client in 0..<20 {
                try await User(username: "client\(client)", passwordHash: try Bcrypt.hash("pw-client-\(client)", cost: 4),
                               displayName: "客户端\(client)", role: .departmentAdmin, organizationID: nil).create(on: app.db)
            }
            // A real server on a free loopback port, and real HTTP clients.
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let base = "http://127.0.0.1:\(port)"
            var sessions: [HTTPHeaders] = []
            for client in 0..<20 {
                let res = try await app.client.post(URI(string: base + "/api/v1/session")) { req in
                    try req.content.encode(["username": "client\(client)", "password": "pw-client-\(client)"], as: .json)
                }
                #expect(res.status == .ok)
                var headers = HTTPHeaders()
                headers.cookie = ["xuanju_session": .init(string: res.headers.setCookie?["xuanju_session"]?.string ?? "")]
                headers.replaceOrAdd(name: "X-CSRF-Token", value: try res.content.decode(APISession.self).csrfToken)
                sessions.append(headers)
            }
            let auditBefore = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.memberUpdated.rawValue).count()
            let records = members.map { ($0.id.uuid, $0.record) }
            let statuses = try await withThrowingTaskGroup(of: [HTTPStatus].self) { group in
                for client in 0..<20 {
                    let headers = sessions[client]
                    group.addTask {
                        var answers: [HTTPStatus] = []
                        for edit in 0..<10 {
                            var (id, record) = records[client * 10 + edit]
                            record.position = "第\(client)号客户端第\(edit)次修改"
                            let res = try await app.client.put(URI(string: base + "/api/v1/members/\(id.uuidString)"), headers: headers) { req in
                                try req.content.encode(record, as: .json)
                            }
                            answers.append(res.status)
                        }
                        return answers
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 200)
            #expect(statuses.filter { $0 == .ok }.count == 200, "\(Dictionary(grouping: statuses, by: \.code).mapValues(\.count))")
            let audited = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.memberUpdated.rawValue).count()
            #expect(audited - auditBefore == 200)
            #expect(try await AuditLog.verify(in: app.db.data).firstBroken == nil)
            let changed = try await Member.query(on: app.db).filter(\.$position ~~ "客户端").count()
            #expect(changed == 200)
            print("\(backend): 200 concurrent edits from 20 clients, \(statuses.filter { $0 == .ok }.count) answered 200")
            await app.server.shutdown()
        } catch {
            await app.server.shutdown()
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// Servers started together on one PostgreSQL: migrations run once, under an advisory lock, and
/// exactly one of them creates `admin` (and prints its password).
@Suite(.serialized) struct StartupTests {
    @Test func serversStartedTogetherMigrateOnceAndCreateOneAdmin() async throws {
        guard WebBackend.postgresURL != nil else { try Test.cancel("XUANJU_TEST_WEB_DATABASE_URL 未设置：跳过") }
        let target = try await WebBackend.postgres.target()
        var apps: [Application] = []
        for _ in 0..<3 { apps.append(try await Application.make(.testing)) }
        let passwords: [String?]
        do {
            passwords = try await withThrowingTaskGroup(of: String?.self) { group in
                for app in apps {
                    group.addTask { try await WebApp.configure(app, settings: WebAppSettings(target: target, adminPassword: nil)) }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
        } catch {
            for app in apps { try? await app.asyncShutdown() }
            throw error
        }
        #expect(passwords.compactMap { $0 }.count == 1, "one server created admin")
        #expect(try await User.query(on: apps[0].db).filter(\.$username == "admin").count() == 1)
        #expect(try await AuditEntry.query(on: apps[0].db).filter(\.$action == AuditAction.userCreated.rawValue).count() == 1)
        for app in apps { try await app.asyncShutdown() }
    }
}
