import Foundation
import Testing
import FluentKit
import SQLKit
import Core
import Persistence
import Audit
import Organizations
@testable import Roster
import Accounts
import Demo
import FluentKit
import SQLKit
import Documents

/// The backends every store test runs on: SQLite always, PostgreSQL when the test command
/// started one (XUANJU_TEST_DATABASE_URL). Under CI a missing PostgreSQL is a failure.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["XUANJU_TEST_DATABASE_URL"] }

    /// The backends this run can test: PostgreSQL only with XUANJU_TEST_DATABASE_URL (scripts/test
    /// starts one). Without it, `PostgreSQLAvailability` reports the PostgreSQL runs as skipped.
    static var available: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// Runs `body` on a fresh store and shuts it down even when the body throws (a store
    /// dropped without shutdown traps in its connection pool and hides the error).
    func withStore(_ body: (XuanjuStore) async throws -> Void) async throws {
        guard let store = try await openStore() else { return }
        do { try await body(store) } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }

    func openStore() async throws -> XuanjuStore? {
        switch self {
        case .sqlite:
            let path = NSTemporaryDirectory() + "xuanju-test-\(UUID().uuidString).sqlite"
            let store = try XuanjuStore(target: .sqlite(path: path))
            try await store.migrate()
            return store
        case .postgres:
            guard let url = Backend.postgresURL else { try Test.cancel("XUANJU_TEST_DATABASE_URL 未设置：PostgreSQL 上的测试跳过") }
            print("StoreTests: running against PostgreSQL \(DatabaseTarget.postgres(url: url))")
            let store = try XuanjuStore(target: .postgres(url: url))
            do {
                try await store.revertAll()
                try await store.migrate()
            } catch {
                await store.shutdown()
                throw error
            }
            return store
        }
    }
}

/// Every suite that opens a store lives in here: they share one PostgreSQL database, which each
/// test empties and migrates, so they must not run at the same time.
@Suite(.serialized) enum DatabaseSuites {}

/// Says out loud when the PostgreSQL half of the store tests did not run: skipped, not passed
/// (and a failure under CI, which must run them).
@Suite struct PostgreSQLAvailability {
    @Test func storeTestsRunOnPostgreSQL() throws {
        guard Backend.postgresURL != nil else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI must run the store tests on PostgreSQL")
            try Test.cancel("XUANJU_TEST_DATABASE_URL 未设置：所有 PostgreSQL 上的存储测试都被跳过（scripts/test 会启动一个临时实例）")
        }
    }
}

extension DatabaseSuites {
@Suite struct StoreBackendTests {
    @Test(arguments: Backend.available)
    func demoRosterIsStoredExactly(backend: Backend) async throws {
        guard let store = try await backend.openStore() else { return }
        let generator = DemoGenerator(memberCount: 1_234)
        let counts = try await DemoLoader.load(generator, into: store.data)
        let stored = try await DemoLoader.count(in: store.data)
        #expect(stored == counts)
        #expect(stored.members == 1_234)
        #expect(stored.organizations == generator.organizations.count)
        #expect(stored.elections == 2 && stored.quotas == 10)
        let members = try await Member.query(on: store.database).all()
        #expect(Set(members.map(\.idNumber)).count == members.count)
        #expect(members.allSatisfy { IDNumber.isValid($0.idNumber) })
        // Each unit's quota is the seed's allocation, 68 places in all.
        let quotas = try await ElectionQuota.query(on: store.database).all()
        #expect(quotas.map(\.places).reduce(0, +) == 68)
        // Loading twice is refused and changes nothing.
        #expect(await refused("demo.notEmpty") { _ = try await DemoLoader.load(generator, into: store.data) })
        #expect(try await DemoLoader.count(in: store.data) == stored)
        await store.shutdown()
    }

    @Test(arguments: Backend.available)
    func auditChainFindsTheFirstTamperedEntry(backend: Backend) async throws {
        guard let store = try await backend.openStore() else { return }
        let db = store.database
        for i in 1...5 {
            try await AuditLog.append(.userCreated, actor: "tester", object: "user:\(i)", after: "第\(i)个", in: db.data)
        }
        #expect(try await AuditLog.verify(in: db.data) == AuditLog.Verification(entries: 5, firstBroken: nil))
        let sql = try #require(db as? any SQLDatabase)
        try await sql.update(AuditEntry.schema).set("after", to: "篡改").where("seq", .equal, 3).run()
        let tampered = try await AuditLog.verify(in: db.data)
        #expect(tampered.firstBroken?.seq == 3)
        #expect(tampered.firstBroken?.reason.contains("改动") == true)
        try await sql.update(AuditEntry.schema).set("after", to: "第3个").where("seq", .equal, 3).run()
        #expect(try await AuditLog.verify(in: db.data).firstBroken == nil)
        try await sql.delete(from: AuditEntry.schema).where("seq", .equal, 2).run()
        #expect(try await AuditLog.verify(in: db.data).firstBroken?.seq == 3)
        await store.shutdown()
    }

    @Test(arguments: Backend.available)
    func adminIsCreatedOnceWithTheGivenPassword(backend: Backend) async throws {
        guard let store = try await backend.openStore() else { return }
        let hash: (String) -> String = { "hashed:" + $0 }
        #expect(try await Accounts.ensureAdmin(password: "pw", hash: hash, in: store.data) == "pw")
        #expect(try await Accounts.ensureAdmin(password: "other", hash: hash, in: store.data) == nil)
        let admin = try #require(try await User.query(on: store.database).filter(\.$username == "admin").first())
        #expect(admin.passwordHash == "hashed:pw" && admin.role == UserRole.systemAdmin.rawValue)
        await store.shutdown()
    }
}

}

@Suite struct StoreConfigurationTests {
    @Test func malformedDatabaseURLIsRefused() {
        for url in ["postgres//nohost", "mysql://u:p@h/db", "postgres://u:p@/db", "postgres://u:p@h:99999/db", "postgres://u:p@h"] {
            #expect(throws: ConfigurationError.self, "\(url)") { try DatabaseTarget.resolve(dbPath: nil, environment: ["DATABASE_URL": url]) }
        }
        #expect(try! DatabaseTarget.resolve(dbPath: nil, environment: ["DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x"]).name == "postgres")
    }

    @Test func unusableSQLitePathsAreRefusedAndNothingIsCreated() throws {
        #expect(throws: ConfigurationError.self) { try DatabaseTarget.resolve(dbPath: "/nonexistent-dir/x.sqlite", environment: [:]) }
        #expect(throws: ConfigurationError.self) { try DatabaseTarget.resolve(dbPath: NSTemporaryDirectory(), environment: [:]) }
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-dir"))
        #expect(try! DatabaseTarget.resolve(dbPath: nil, environment: [:]) == .sqlite(path: "xuanju.sqlite"))
    }

    @Test func passwordsAreNeverPrinted() {
        #expect(!DatabaseTarget.postgres(url: "postgres://u:secret@h:5432/db").description.contains("secret"))
    }
}

@Suite struct DemoDataTests {
    @Test func generationIsDeterministicAndPlausible() {
        let a = DemoGenerator(memberCount: 3_000), b = DemoGenerator(memberCount: 3_000)
        var first: [DemoGenerator.MemberRow] = [], second: [DemoGenerator.MemberRow] = []
        a.forEachMember { first.append($0) }
        b.forEachMember { second.append($0) }
        #expect(first.count == 3_000)
        #expect(first.map(\.idNumber) == second.map(\.idNumber))
        #expect(first.map(\.name) == second.map(\.name))
        let women = first.filter { $0.gender == "女" }.count
        #expect((700...1_200).contains(women))
        #expect(Set(first.map(\.ethnicity)).isSuperset(of: ["汉族", "土家族", "回族", "维吾尔族", "苗族"]))
        #expect(first.contains { $0.name.contains("·") })
        #expect(first.contains { $0.status == "留党察看" } && first.contains { $0.status == "预备党员" })
        #expect(first.contains { $0.honours.contains("劳动模范") })
        // Every member's ID number carries their birth date and gender.
        for m in first {
            let digits = Array(m.idNumber)
            #expect(String(digits[6..<14]) == m.birthDate.replacingOccurrences(of: "-", with: ""))
            #expect((digits[16].wholeNumberValue! % 2 == 1) == (m.gender == "男"))
        }
    }

    @Test func idNumbersAreCheckedAndMasked() {
        #expect(IDNumber.isValid("11010519491231002X"))
        #expect(!IDNumber.isValid("110105194912310021"))
        #expect(!IDNumber.isValid("1101051949123100"))
        #expect(IDNumber.masked("430102199001011234") == "4301**********1234")
    }
}
