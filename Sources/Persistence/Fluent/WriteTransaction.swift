import Foundation
import FluentKit
import SQLKit
import FluentPostgresDriver

/// One way to write: every change and its audit row in one transaction.
///
/// On SQLite, transactions start deferred (`BEGIN`): two that both read and then write cannot
/// both upgrade to a write lock, and SQLite answers the second "database is locked" at once,
/// without waiting. So on SQLite write transactions take turns through one queue per process
/// (the server is one process on SQLite; several servers share PostgreSQL), and the file runs
/// in WAL mode so readers never wait for them. On PostgreSQL transactions run side by side,
/// one at a time across servers too: each takes the audit chain's advisory lock on its connection
/// *before* it begins, so its snapshot is taken after the previous writer committed (every write
/// appends to the audit chain, whose head it reads: side by side they would conflict anyway, and
/// a long import would be aborted again and again by short writes). The transactions are also
/// SERIALIZABLE, and a serialization failure or deadlock is run again from the start.
extension Database {
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard !inTransaction, let sql = self as? any SQLDatabase else { return try await transaction(body) }
        if sql.dialect.name == "postgresql" { return try await serializableTransaction(body) }
        guard sql.dialect.name == "sqlite" else { return try await transaction(body) }
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

extension Database {
    /// Times a PostgreSQL write is tried before its serialization failure is passed on.
    static var serializableAttempts: Int { 30 }

    /// The audit chain's advisory lock key (the audit append takes it within the transaction too).
    static var writeLock: Int { 7341 }

    func serializableTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    let sql = connection as! any SQLDatabase
                    // Held by the session, outside the transaction: released whatever the transaction did.
                    try await sql.raw("SELECT pg_advisory_lock(\(unsafeRaw: String(Self.writeLock)))").run()
                    do {
                        let result = try await connection.transaction { db in
                            try await (db as! any SQLDatabase).raw("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").run()
                            return try await body(db)
                        }
                        try await sql.raw("SELECT pg_advisory_unlock(\(unsafeRaw: String(Self.writeLock)))").run()
                        return result
                    } catch {
                        // The transaction's own error is the one to report; a connection that cannot
                        // unlock is closed, and the session's lock ends with it.
                        do { try await sql.raw("SELECT pg_advisory_unlock(\(unsafeRaw: String(Self.writeLock)))").run() } catch {}
                        throw error
                    }
                }
            } catch let error as PSQLError where Self.mayRetry(error) && attempt < Self.serializableAttempts {
                // Back off a little, more each time, with jitter, so the retried ones do not collide again.
                try await Task.sleep(nanoseconds: UInt64.random(in: 1...(2 * UInt64(attempt))) * 1_000_000)
                attempt += 1
            }
        }
    }

    /// serialization_failure and deadlock_detected: the transaction did nothing and may run again.
    static func mayRetry(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }
}
