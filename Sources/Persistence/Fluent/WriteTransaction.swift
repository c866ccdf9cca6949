import Foundation
import FluentKit
import SQLKit

/// One way to write: every change and its audit row in one transaction.
///
/// On SQLite, transactions start deferred (`BEGIN`): two that both read and then write cannot
/// both upgrade to a write lock, and SQLite answers the second "database is locked" at once,
/// without waiting. So on SQLite write transactions take turns through one queue per process
/// (the server is one process on SQLite; several servers share PostgreSQL), and the file runs
/// in WAL mode so readers never wait for them. On PostgreSQL transactions run side by side.
extension Database {
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard !inTransaction, let sql = self as? any SQLDatabase, sql.dialect.name == "sqlite" else {
            return try await transaction(body)
        }
        await WriteQueue.sqlite.acquire()
        do {
            let result = try await transaction { db in
                // Take the write lock before the first read (what BEGIN IMMEDIATE does): a write
                // outside the queue (a session's expiry, a login attempt) committed between our
                // first read and our first write would otherwise fail the upgrade at once
                // (SQLITE_BUSY_SNAPSHOT, "database is locked"), where now we wait (busy_timeout).
                try await (db as! any SQLDatabase).raw("UPDATE _fluent_migrations SET name = name WHERE 0").run()
                return try await body(db)
            }
            await WriteQueue.sqlite.release()
            return result
        } catch {
            await WriteQueue.sqlite.release()
            throw error
        }
    }
}

/// A first-come, first-served lock for write transactions (SQLite's, and the in-memory store's).
actor WriteQueue {
    static let sqlite = WriteQueue()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
