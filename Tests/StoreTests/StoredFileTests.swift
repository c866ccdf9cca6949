import Foundation
import Testing
import FluentKit
import SQLKit
import Core
@testable import Persistence
import Roster

extension DatabaseSuites {
/// Uploads live outside the rows that name them (issue #20 item 7): on SQLite as files beside
/// the database, on PostgreSQL as large objects; one copy per content, checked on every read,
/// forgotten when nothing names them, and the per-account quota refuses what would pass it.
@Suite struct StoredFileTests {
    static func bytes(_ count: Int, seed: UInt8) -> Data { Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed }) }

    /// The stored copy's bytes, read past the store's own code (the file, or the large object).
    static func rawCopy(_ sha256: String, backend: Backend, store: XuanjuStore) async throws -> Data? {
        let sql = store.database as! any SQLDatabase
        switch backend {
        case .sqlite:
            guard case .sqlite(let path) = store.target else { return nil }
            return FileManager.default.contents(atPath: "\(path).files/\(sha256.prefix(2))/\(sha256)")
        case .postgres:
            return try await sql.raw("SELECT lo_get(object::oid) AS content FROM stored_files WHERE sha256 = \(bind: sha256)").first()?
                .decode(column: "content", as: Data.self)
        }
    }

    /// Files in the SQLite folder, or large objects in PostgreSQL.
    static func copiesKept(_ backend: Backend, store: XuanjuStore) async throws -> Int {
        switch backend {
        case .sqlite:
            guard case .sqlite(let path) = store.target else { return -1 }
            return FileManager.default.enumerator(atPath: path + ".files")?.allObjects.compactMap { $0 as? String }
                .filter { $0.count > 60 }.count ?? 0
        case .postgres:
            return Int(try await (store.database as! any SQLDatabase).raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pg_largeobject_metadata")
                .first()?.decode(column: "n", as: Int64.self) ?? -1)
        }
    }

    static func listed(_ store: XuanjuStore) async throws -> [String] {
        try await (store.database as! any SQLDatabase).select().column("sha256").from("stored_files").all()
            .map { try $0.decode(column: "sha256", as: String.self) }
    }

    @Test(arguments: Backend.available)
    func uploadsAreKeptOnceByTheirDigestOutsideTheirRows(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let data = store.data, sql = store.database as! any SQLDatabase
            let content = Self.bytes(300_000, seed: 7), sha = RosterImporter.sha256(content)
            let first = try await StagedImports.stage(content, fileName: "名册.xlsx", username: "wuling1", scope: .city, in: data)
            let second = try await StagedImports.stage(content, fileName: "名册（副本）.xlsx", username: "wuling1", scope: .city, in: data)
            // The row carries no bytes; the one copy is the content itself.
            await #expect(throws: (any Error).self) { _ = try await sql.raw("SELECT content FROM import_staging").all() }
            #expect(try await Self.listed(store) == [sha])
            #expect(try await Self.rawCopy(sha, backend: backend, store: store) == content)
            #expect(try await data.imports.find(first.id)?.content == content)
            #expect(try await data.imports.find(second.id)?.fileName == "名册（副本）.xlsx")
            #expect(try await data.files.usage(of: "wuling1") == 600_000)   // each staging counts against its account

            // Over the quota: refused, nothing staged.
            await #expect(throws: Refusal.self) {
                _ = try await StagedImports.stage(Self.bytes(1_000, seed: 1), fileName: "再来.csv", username: "wuling1", scope: .city,
                                                  quota: 600_999, in: data)
            }
            #expect(try await data.files.usage(of: "wuling1") == 600_000)
            #expect(try await Self.listed(store) == [sha])

            // A copy changed behind the store's back is refused on reading, not handed out.
            switch backend {
            case .sqlite:
                guard case .sqlite(let path) = store.target else { return }
                var damaged = content
                damaged[0] ^= 0xFF
                try damaged.write(to: URL(fileURLWithPath: "\(path).files/\(sha.prefix(2))/\(sha)"))
            case .postgres:
                try await sql.raw("SELECT lo_put(object::oid, 0, decode('ff', 'hex')) FROM stored_files").run()
            }
            do {
                _ = try await data.imports.find(first.id)
                Issue.record("a damaged copy was read")
            } catch let refusal as Refusal {
                #expect(refusal.code == "file.damaged")
            }

            // Discarded: the next staging's sweep forgets the copy (a SQLite file goes at the sweep after).
            try await data.imports.delete(first.id)
            try await data.imports.delete(second.id)
            let other = Self.bytes(10, seed: 9), otherSHA = RosterImporter.sha256(other)
            _ = try await StagedImports.stage(other, fileName: "小.csv", username: "dept", scope: .city, in: data)
            #expect(try await Self.listed(store) == [otherSHA])
            _ = try await StagedImports.stage(other, fileName: "小.csv", username: "dept", scope: .city, in: data)
            #expect(try await Self.rawCopy(sha, backend: backend, store: store) == nil)
            #expect(try await Self.rawCopy(otherSHA, backend: backend, store: store) == other)
            #expect(try await Self.copiesKept(backend, store: store) == 1)
        }
    }

    /// A database from before the store: the migration moves each row's bytes out and back.
    @Test(arguments: Backend.available)
    func theMigrationMovesExistingBytesOutAndItsRevertBringsThemBack(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let data = store.data, sql = store.database as! any SQLDatabase
            let content = Self.bytes(50_000, seed: 3), sha = RosterImporter.sha256(content)
            let staged = try await StagedImports.stage(content, fileName: "旧.xlsx", username: "w", scope: .city, in: data)
            try await MoveUploadsToStoredFiles().revert(on: store.database)
            let inRow = try await sql.select().column("content").from("import_staging").first()?.decode(column: "content", as: Data.self)
            #expect(inRow == content)
            #expect(try await Self.copiesKept(backend, store: store) == 0)
            try await MoveUploadsToStoredFiles().prepare(on: store.database)
            #expect(try await Self.rawCopy(sha, backend: backend, store: store) == content)
            #expect(try await data.imports.find(staged.id)?.content == content)
            #expect(try await data.files.usage(of: "w") == 50_000)
        }
    }
}
}
