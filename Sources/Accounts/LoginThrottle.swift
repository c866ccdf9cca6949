import Foundation
import Persistence

/// Refused sign-ins, counted per user name and client address: five refusals for one name from
/// one address in 15 minutes lock that name for that address only (a stranger elsewhere cannot
/// lock `admin` out), and 30 from one address lock the address. Single refusals are kept here,
/// outside the hash-chained audit log, which gets one summary row per lockout.
public enum LoginThrottle {
    public static let window: TimeInterval = 15 * 60
    public static let perNameAndAddress = 5
    public static let perAddress = 30

    public enum Lock: Sendable, Equatable { case none, nameFromAddress, address }

    public static func lock(username: String, address: String, now: Date = Date(), in data: any DataStore) async throws -> Lock {
        let since = now.timeIntervalSince1970 - window
        if try await data.loginAttempts.failures(username: nil, address: address, since: since) >= perAddress { return .address }
        if try await data.loginAttempts.failures(username: username, address: address, since: since) >= perNameAndAddress { return .nameFromAddress }
        return .none
    }

    /// Records one refusal; returns the lock it has just completed (the caller audits that once).
    @discardableResult
    public static func recordFailure(username: String, address: String, now: Date = Date(), in data: any DataStore) async throws -> Lock {
        let t = now.timeIntervalSince1970, name = String(username.prefix(64))
        try await data.loginAttempts.record(username: name, address: address, at: t, forgetBefore: t - 86_400)
        if try await data.loginAttempts.failures(username: nil, address: address, since: t - window) == perAddress { return .address }
        if try await data.loginAttempts.failures(username: name, address: address, since: t - window) == perNameAndAddress { return .nameFromAddress }
        return .none
    }

    /// A successful sign-in forgets that name's refusals from that address.
    public static func clear(username: String, address: String, in data: any DataStore) async throws {
        try await data.loginAttempts.clear(username: username, address: address)
    }
}
