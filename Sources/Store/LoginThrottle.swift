import Foundation
import FluentKit
import SQLKit

/// Refused sign-ins, counted per user name and client address: five refusals for one name from
/// one address in 15 minutes lock that name for that address only (a stranger elsewhere cannot
/// lock `admin` out), and 30 from one address lock the address. Single refusals are kept here,
/// outside the hash-chained audit log, which gets one summary row per lockout.
public enum LoginThrottle {
    public static let window: TimeInterval = 15 * 60
    public static let perNameAndAddress = 5
    public static let perAddress = 30
    static let table = "login_attempts"

    public enum Lock: Sendable, Equatable { case none, nameFromAddress, address }

    static func failures(username: String?, address: String, since: Double, on sql: any SQLDatabase) async throws -> Int {
        var query = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where("address", .equal, SQLBind(address)).where("at", .greaterThanOrEqual, SQLBind(since))
        if let username { query = query.where("username", .equal, SQLBind(username)) }
        return try await query.first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public static func lock(username: String, address: String, now: Date = Date(), on database: any Database) async throws -> Lock {
        let sql = try database.sql(), since = now.timeIntervalSince1970 - window
        if try await failures(username: nil, address: address, since: since, on: sql) >= perAddress { return .address }
        if try await failures(username: username, address: address, since: since, on: sql) >= perNameAndAddress { return .nameFromAddress }
        return .none
    }

    /// Records one refusal; returns the lock it has just completed (the caller audits that once).
    @discardableResult
    public static func recordFailure(username: String, address: String, now: Date = Date(), on database: any Database) async throws -> Lock {
        let sql = try database.sql(), t = now.timeIntervalSince1970
        try await sql.delete(from: table).where("at", .lessThan, SQLBind(t - 86_400)).run()
        try await sql.insert(into: table).columns("username", "address", "at")
            .values(SQLBind(String(username.prefix(64))), SQLBind(address), SQLBind(t)).run()
        if try await failures(username: nil, address: address, since: t - window, on: sql) == perAddress { return .address }
        if try await failures(username: String(username.prefix(64)), address: address, since: t - window, on: sql) == perNameAndAddress { return .nameFromAddress }
        return .none
    }

    /// A successful sign-in forgets that name's refusals from that address.
    public static func clear(username: String, address: String, on database: any Database) async throws {
        try await database.sql().delete(from: table).where("username", .equal, SQLBind(username)).where("address", .equal, SQLBind(address)).run()
    }
}

struct CreateLoginAttempts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginThrottle.table)
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("at", .double, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "login_attempts_address_idx").on(LoginThrottle.table).column("address").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginThrottle.table).delete()
    }
}
