import Foundation
import FluentKit
import SQLKit
import Crypto

/// Signed-in sessions, in the database so every server behind a balancer shares them. A row
/// exists only once someone signs in; it is keyed by the SHA-256 of the cookie's value (a copy
/// of the table opens no session), expires after an idle time and an absolute lifetime, and
/// is purged when found expired or when a new session starts.
public enum SessionStore {
    public struct Policy: Sendable {
        /// No request for this long ends the session.
        public var idle: TimeInterval
        /// Nobody stays signed in longer than this, active or not.
        public var lifetime: TimeInterval
        public init(idle: TimeInterval = 30 * 60, lifetime: TimeInterval = 12 * 3600) { self.idle = idle; self.lifetime = lifetime }
    }

    public struct Row: Sendable, Equatable {
        public let data: [String: String]
        public let lastSeen: Double
    }

    static let table = "sessions"

    public static func key(_ cookie: String) -> String {
        SHA256.hash(data: Data(cookie.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func encode(_ data: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(data)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func create(cookie: String, data: [String: String], userID: UUID?, now: Date = Date(), policy: Policy,
                              on database: any Database) async throws {
        let sql = try database.sql()
        // Expired sessions go when a new one starts: the table holds live sessions only.
        try await purge(now: now, policy: policy, on: database)
        let t = now.timeIntervalSince1970
        try await sql.insert(into: table)
            .columns("key", "data", "user_id", "created_at", "last_seen")
            .values(SQLBind(key(cookie)), SQLBind(encode(data)), SQLBind(userID), SQLBind(t), SQLBind(t))
            .run()
    }

    /// The session's data, or nil when there is none or it has expired (an expired row is deleted).
    public static func read(cookie: String, now: Date = Date(), policy: Policy, on database: any Database) async throws -> Row? {
        let sql = try database.sql()
        guard let row = try await sql.select().columns("data", "created_at", "last_seen").from(table)
            .where("key", .equal, SQLBind(key(cookie))).first() else { return nil }
        let created = try row.decode(column: "created_at", as: Double.self), lastSeen = try row.decode(column: "last_seen", as: Double.self)
        let t = now.timeIntervalSince1970
        if t - lastSeen > policy.idle || t - created > policy.lifetime {
            try await delete(cookie: cookie, on: database)
            return nil
        }
        let json = try row.decode(column: "data", as: String.self)
        let data = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
        return Row(data: data, lastSeen: lastSeen)
    }

    public static func update(cookie: String, data: [String: String], userID: UUID?, now: Date = Date(), on database: any Database) async throws {
        try await database.sql().update(table)
            .set("data", to: SQLBind(encode(data))).set("user_id", to: SQLBind(userID)).set("last_seen", to: SQLBind(now.timeIntervalSince1970))
            .where("key", .equal, SQLBind(key(cookie))).run()
    }

    public static func delete(cookie: String, on database: any Database) async throws {
        try await database.sql().delete(from: table).where("key", .equal, SQLBind(key(cookie))).run()
    }

    /// Ends every session of this user except the one with `exceptCookie` (a password change
    /// keeps the changer signed in; a reset or a stop ends them all).
    public static func end(userID: UUID, exceptCookie: String? = nil, on database: any Database) async throws {
        var query = try database.sql().delete(from: table).where("user_id", .equal, SQLBind(userID))
        if let exceptCookie { query = query.where("key", .notEqual, SQLBind(key(exceptCookie))) }
        try await query.run()
    }

    public static func purge(now: Date = Date(), policy: Policy, on database: any Database) async throws {
        let t = now.timeIntervalSince1970
        try await database.sql().delete(from: table)
            .where("last_seen", .lessThan, SQLBind(t - policy.idle))
            .orWhere("created_at", .lessThan, SQLBind(t - policy.lifetime))
            .run()
    }

    public static func count(on database: any Database) async throws -> Int {
        let row = try await database.sql().select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SessionStore.table)
            .field("key", .string, .identifier(auto: false))
            .field("data", .string, .required)
            .field("user_id", .uuid)
            .field("created_at", .double, .required)
            .field("last_seen", .double, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "sessions_user_idx").on(SessionStore.table).column("user_id").run()
        try await sql.create(index: "sessions_last_seen_idx").on(SessionStore.table).column("last_seen").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SessionStore.table).delete()
    }
}
