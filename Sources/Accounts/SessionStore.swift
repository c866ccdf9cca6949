import Foundation
import Crypto
import Core
import Persistence

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

    public static func key(_ cookie: String) -> String {
        SHA256.hash(data: Data(cookie.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func create(cookie: String, data: [String: String], accountID: AccountID?, now: Date = Date(), policy: Policy,
                              in store: any DataStore) async throws {
        // Expired sessions go when a new one starts: the table holds live sessions only.
        try await purge(now: now, policy: policy, in: store)
        let t = now.timeIntervalSince1970
        try await store.sessions.insert(key: key(cookie), SessionRecord(data: data, createdAt: t, lastSeen: t), accountID: accountID)
    }

    /// The session's data, or nil when there is none or it has expired (an expired row is deleted).
    public static func read(cookie: String, now: Date = Date(), policy: Policy, in store: any DataStore) async throws -> Row? {
        guard let row = try await store.sessions.find(key: key(cookie)) else { return nil }
        let t = now.timeIntervalSince1970
        if t - row.lastSeen > policy.idle || t - row.createdAt > policy.lifetime {
            try await delete(cookie: cookie, in: store)
            return nil
        }
        return Row(data: row.data, lastSeen: row.lastSeen)
    }

    public static func update(cookie: String, data: [String: String], accountID: AccountID?, now: Date = Date(), in store: any DataStore) async throws {
        try await store.sessions.update(key: key(cookie), data: data, accountID: accountID, lastSeen: now.timeIntervalSince1970)
    }

    public static func delete(cookie: String, in store: any DataStore) async throws {
        try await store.sessions.delete(key: key(cookie))
    }

    public static func purge(now: Date = Date(), policy: Policy, in store: any DataStore) async throws {
        let t = now.timeIntervalSince1970
        try await store.sessions.deleteExpired(lastSeenBefore: t - policy.idle, createdBefore: t - policy.lifetime)
    }

    public static func count(in store: any DataStore) async throws -> Int { try await store.sessions.count() }
}
