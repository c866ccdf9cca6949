import Foundation
import FluentKit
import FluentSQLiteDriver

/// A copy of the SQLite database taken while it is in use: `VACUUM INTO` reads one consistent
/// snapshot (WAL: writers go on meanwhile, entry is not paused), then the copy is opened on its
/// own and checked with `PRAGMA integrity_check`; the uploads it names are copied into a folder
/// beside it (`<backup>.files`), each checked against its digest. An existing file is never overwritten.
public enum DatabaseBackup {
    public struct Result: Sendable, Equatable {
        public let path: String
        public let bytes: Int
        /// What `PRAGMA integrity_check` said of the copy: "ok", or the problems it found.
        public let integrity: String
        public var ok: Bool { integrity == "ok" }
        /// As the audit log records it.
        public var summary: String { "\(path)（\(bytes) 字节），完整性检查：\(integrity)" }
    }

    public static func sqlite(_ database: any Database, to path: String) async throws -> Result {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else {
            throw ConfigurationError("数据库备份命令用于 SQLite；PostgreSQL 请用 pg_dump 备份")
        }
        guard !FileManager.default.fileExists(atPath: path) else { throw ConfigurationError("备份文件 \(path) 已存在，不覆盖") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw ConfigurationError("备份目录 \(folder) 无法创建：\(error.localizedDescription)")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else { throw ConfigurationError("备份目录 \(folder) 不存在或不可写") }
        // The file name goes in as an SQL string literal (VACUUM INTO takes no bound parameter everywhere).
        let literal = "'" + path.replacingOccurrences(of: "'", with: "''") + "'"
        try await sql.raw(SQLQueryString("VACUUM INTO \(unsafeRaw: literal)")).run()
        let copy = try await SQLiteConnection.open(storage: .file(path: path))
        var lines: [String]
        let files: [String]
        do {
            lines = try await copy.sql().raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) }
            files = try await copy.sql().raw("SELECT sha256 FROM stored_files").all().map { try $0.decode(column: "sha256", as: String.self) }
        } catch {
            try? await copy.close()
            throw error
        }
        try await copy.close()
        // The uploads the copy names, beside it as beside the database (`FluentStoredFiles`).
        let missing = try await FluentStoredFiles(db: database).copy(files, besides: path)
        if !missing.isEmpty {
            lines.append("上传文件 \(missing.count) 个未能完整复制（\(missing.map { String($0.prefix(12)) }.joined(separator: "、"))）")
        }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        return Result(path: path, bytes: bytes, integrity: lines.joined(separator: "；"))
    }

    /// Where a backup goes by default: `backups/` beside the database, named by the time in UTC
    /// (as the audit log shows times).
    public static func defaultPath(besides databasePath: String, at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss'Z'"
        let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("backups")
        return folder.appendingPathComponent("xuanju-\(formatter.string(from: date)).sqlite").path
    }
}
