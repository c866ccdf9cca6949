import Foundation
import Crypto
import FluentKit
import SQLKit
import NIOPosix
import Core

/// Uploaded files (a staged roster, a vetting attachment) kept out of the rows that name them,
/// by the SHA-256 of their bytes: the same file given twice is kept once, and every read checks
/// the bytes against their name. On SQLite they are files in a folder beside the database
/// (`xuanju.sqlite.files/ab/<sha256>`), written under a temporary name, synced, then renamed
/// into place; on PostgreSQL they are large objects, so every server reads the same ones and a
/// rolled-back transaction leaves none behind. `stored_files` lists them with their size.
struct FluentStoredFiles {
    let db: any Database
    static let table = "stored_files"

    private var sql: any SQLDatabase { db as! any SQLDatabase }
    private var onPostgres: Bool { sql.dialect.name == "postgresql" }

    /// Keeps `content` (whose SHA-256 is `sha256`) unless it is kept already.
    func put(_ content: Data, sha256: String) async throws {
        let listed = try await sql.select().column("sha256").from(Self.table).where("sha256", .equal, SQLBind(sha256)).first() != nil
        if onPostgres {
            guard !listed else { return }
            // The large object belongs to this transaction: a rollback leaves nothing.
            let row = try await sql.raw("SELECT lo_from_bytea(0, \(bind: content))::bigint AS object").first()
            let object = try row.map { try $0.decode(column: "object", as: Int64.self) }
            try await insertRow(sha256, size: content.count, object: object)
            return
        }
        let path = try await folder().appending("/" + Self.relativePath(sha256))
        if !FileManager.default.fileExists(atPath: path) { try await Self.write(content, to: path) }
        if !listed { try await insertRow(sha256, size: content.count, object: nil) }
    }

    /// The bytes kept as `sha256`, checked against it; nil when nothing is kept under it.
    func get(_ sha256: String) async throws -> Data? {
        guard let row = try await sql.select().column("object").from(Self.table).where("sha256", .equal, SQLBind(sha256)).first() else {
            return nil
        }
        let content: Data
        if onPostgres {
            let object = try row.decode(column: "object", as: Int64.self)
            guard let read = try await sql.raw("SELECT lo_get(\(bind: object)::oid) AS content").first() else { return nil }
            content = try read.decode(column: "content", as: Data.self)
        } else {
            let path = try await folder().appending("/" + Self.relativePath(sha256))
            guard let read = try await NIOThreadPool.singleton.runIfActive({ FileManager.default.contents(atPath: path) }) else {
                throw Self.damaged(sha256, "文件不在存储目录中")
            }
            content = read
        }
        guard Self.sha256(content) == sha256 else { throw Self.damaged(sha256, "内容与登记的 SHA-256 不符") }
        return content
    }

    /// Forgets the files that no staged roster and no attachment names any more. Called inside a
    /// write transaction: on SQLite writes take turns, so no upload stands between its file and
    /// its row meanwhile. A SQLite file is removed only once its row's removal is committed (the
    /// folder is swept for files without a row first), so a rollback never leaves a row without
    /// its file; the files of rows forgotten now go at the next sweep.
    func sweep() async throws {
        let unreferenced = SQLRaw("""
            sha256 NOT IN (SELECT sha256 FROM import_staging) AND sha256 NOT IN (SELECT sha256 FROM vetting_attachments)
            """)
        if onPostgres {
            try await sql.raw("SELECT lo_unlink(object::oid) FROM stored_files WHERE object IS NOT NULL AND \(unreferenced)").run()
        } else {
            let listed = Set(try await sql.select().column("sha256").from(Self.table).all().map { try $0.decode(column: "sha256", as: String.self) })
            let root = try await folder()
            try await NIOThreadPool.singleton.runIfActive {
                let fm = FileManager.default
                guard fm.fileExists(atPath: root) else { return }
                for shard in try fm.contentsOfDirectory(atPath: root) where shard.count == 2 {
                    for name in try fm.contentsOfDirectory(atPath: root + "/" + shard) where !listed.contains(name) {
                        try fm.removeItem(atPath: root + "/" + shard + "/" + name)
                    }
                }
            }
        }
        try await sql.delete(from: Self.table).where(unreferenced).run()
    }

    /// Removes every stored file (the migration's revert, once the contents are back in their rows).
    func forgetAll() async throws {
        if onPostgres {
            try await sql.raw("SELECT lo_unlink(object::oid) FROM stored_files WHERE object IS NOT NULL").run()
        } else {
            let root = try await folder()
            if FileManager.default.fileExists(atPath: root) { try FileManager.default.removeItem(atPath: root) }
        }
        try await sql.delete(from: Self.table).run()
    }

    /// Bytes of uploads `username` holds now: rosters staged and attachments given.
    func usage(of username: String) async throws -> Int {
        // CAST: PostgreSQL sums a bigint as a numeric.
        let staged = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes FROM import_staging WHERE username = \(bind: username)
            """).first()
        let attached = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(a.size), 0) AS BIGINT) AS bytes FROM vetting_attachments a JOIN vetting_opinions o ON o.id = a.opinion_id
            WHERE o.recorded_by = \(bind: username)
            """).first()
        return try [staged, attached].compactMap { $0 }.reduce(0) { $0 + Int(try $1.decode(column: "bytes", as: Int64.self)) }
    }

    private func insertRow(_ sha256: String, size: Int, object: Int64?) async throws {
        try await sql.insert(into: Self.table).columns("sha256", "size", "object", "stored_at")
            .values(SQLBind(sha256), SQLBind(size), SQLBind(object), SQLBind(ISO8601DateFormatter().string(from: Date()))).run()
    }

    /// The folder beside the SQLite file (a database in memory keeps its files in a folder of its own).
    func folder() async throws -> String {
        let row = try await sql.raw("SELECT file FROM pragma_database_list WHERE name = 'main'").first()
        let file = try row?.decode(column: "file", as: String.self) ?? ""
        return file.isEmpty ? NSTemporaryDirectory() + "xuanju-memory-files-\(ProcessInfo.processInfo.processIdentifier)" : file + ".files"
    }

    /// Copies the files `names` lists from this database's folder to `destination`'s, checking
    /// each copy against its name (a backup's files, beside the backup); gives the names it could
    /// not copy whole.
    func copy(_ names: [String], besides destination: String) async throws -> [String] {
        let source = try await folder(), target = destination + ".files"
        return try await NIOThreadPool.singleton.runIfActive {
            let fm = FileManager.default
            var failed: [String] = []
            for name in names {
                let from = source + "/" + Self.relativePath(name), to = target + "/" + Self.relativePath(name)
                try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard let content = fm.contents(atPath: from), Self.sha256(content) == name, fm.createFile(atPath: to, contents: content) else {
                    failed.append(name)
                    continue
                }
            }
            return failed
        }
    }

    static func relativePath(_ sha256: String) -> String { "\(sha256.prefix(2))/\(sha256)" }

    /// Written whole under a temporary name, synced to the disk, then renamed into place: a
    /// crash leaves the old state or the whole file, never part of one.
    static func write(_ content: Data, to path: String) async throws {
        try await NIOThreadPool.singleton.runIfActive {
            let fm = FileManager.default
            let folder = (path as NSString).deletingLastPathComponent
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let temporary = folder + "/.incoming-\(UUID().uuidString)"
            guard fm.createFile(atPath: temporary, contents: nil) else {
                throw Refusal.invalid("file.store.unwritable", "上传的文件无法写入存储目录 \(folder)")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            do {
                try handle.write(contentsOf: content)
                try handle.synchronize()
                try handle.close()
                guard rename(temporary, path) == 0 else {
                    throw Refusal.invalid("file.store.unwritable", "上传的文件无法写入存储目录 \(folder)")
                }
            } catch {
                try? fm.removeItem(atPath: temporary)
                throw error
            }
        }
    }

    static func sha256(_ content: Data) -> String {
        SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
    }

    static func damaged(_ sha256: String, _ why: String) -> Refusal {
        Refusal(.conflict, code: "file.damaged", message: "存储的文件 \(sha256.prefix(12))… 已损坏（\(why)），请从备份恢复")
    }
}
