import Foundation
import FluentKit
import FluentSQLiteDriver
import FluentPostgresDriver
import PostgresNIO
import SQLKit
import Logging

/// Where the data lives: an embedded SQLite file (default) or PostgreSQL via DATABASE_URL.
public enum DatabaseTarget: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultSQLitePath = "xuanju.sqlite"

    /// `--db PATH` wins over nothing; `DATABASE_URL` selects PostgreSQL.
    public static func resolve(dbPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> DatabaseTarget {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            if dbPath != nil { throw ConfigurationError("--db 与 DATABASE_URL 不能同时使用") }
            try validatePostgresURL(url)
            return .postgres(url: url)
        }
        let path = dbPath ?? defaultSQLitePath
        try validateSQLitePath(path)
        return .sqlite(path: path)
    }

    public var name: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres: return "postgres"
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return "SQLite \(path)"
        case .postgres(let url):
            // Never print the password.
            guard var parts = URLComponents(string: url) else { return "PostgreSQL" }
            if parts.password != nil { parts.password = "***" }
            return "PostgreSQL \(parts.string ?? "")"
        }
    }

    static func validatePostgresURL(_ url: String) throws(ConfigurationError) {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
              ["postgres", "postgresql"].contains(scheme), let host = parts.host, !host.isEmpty,
              parts.path.count > 1, (try? SQLPostgresConfiguration(url: url)) != nil else {
            throw ConfigurationError("DATABASE_URL 格式不正确，应为 postgres://用户:密码@主机:端口/数据库")
        }
        if let port = parts.port, !(1...65535).contains(port) {
            throw ConfigurationError("DATABASE_URL 端口不正确：\(port)")
        }
    }

    static func validateSQLitePath(_ path: String) throws(ConfigurationError) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw ConfigurationError("--db \(path) 是目录，不是数据库文件") }
            if !fm.isReadableFile(atPath: path) || !fm.isWritableFile(atPath: path) {
                throw ConfigurationError("--db \(path) 无法读写")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("--db \(path)：目录 \(directory) 不存在")
        }
        guard fm.isWritableFile(atPath: directory) else {
            throw ConfigurationError("--db \(path)：目录 \(directory) 不可写")
        }
    }

    /// Registers this target with Fluent as the default database.
    public func configure(_ databases: Databases) throws {
        switch self {
        case .sqlite(let path):
            // No SQL logging at all: a logged query carries its bind values (names, ID numbers, password hashes).
            databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
        case .postgres(let url):
            // The PostgreSQL driver always logs queries (at trace here); the server's log handler drops their binds.
            // Eight connections per event loop: requests wait on one another's transactions at the
            // database (which decides who goes first), not for a free connection in this process.
            databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url), maxConnectionsPerEventLoop: 8,
                                    sqlLogLevel: .trace), as: .psql)
        }
    }

    /// Runs `body` (migrations, the first administrator) while holding a PostgreSQL advisory
    /// lock on a connection of its own, so several servers started together on one database
    /// migrate once and create `admin` once; the others wait, then find nothing left to do.
    /// SQLite has one server process: nothing to lock.
    public func whileMigrating<T: Sendable>(logger: Logger, _ body: () async throws -> T) async throws -> T {
        guard case .postgres(let url) = self else { return try await body() }
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 7342, logger: logger)
        do {
            _ = try await connection.query("SELECT pg_advisory_lock(7342)", logger: logger)
            let result = try await body()
            _ = try await connection.query("SELECT pg_advisory_unlock(7342)", logger: logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()   // closing the connection releases the lock too
            throw error
        }
    }

    /// SQLite as a server database: WAL (readers never wait for the writer; kept in the file) and,
    /// on each event loop's connection, a sleeping busy timeout instead of the driver's spinning
    /// retry, with full sync. Nothing to do on PostgreSQL.
    public func tune(_ databases: Databases, on group: any EventLoopGroup, logger: Logger) async throws {
        guard case .sqlite = self else { return }
        for loop in group.makeIterator() {
            guard let sql = databases.database(logger: logger, on: loop) as? any SQLDatabase else { continue }
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            try await sql.raw("PRAGMA busy_timeout=15000").run()
            try await sql.raw("PRAGMA synchronous=FULL").run()
            // 128 MB of page cache: a 300,000-row import's index inserts stay in memory instead of
            // spilling pages to the WAL in the middle of the transaction.
            try await sql.raw("PRAGMA cache_size=-131072").run()
            try await sql.raw("PRAGMA temp_store=MEMORY").run()
        }
    }
}

/// A database setting that cannot work (a bad DATABASE_URL, an unwritable --db path).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
