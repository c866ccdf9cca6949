import Foundation
import Core
import Persistence
import Audit

/// Signing in, for the page and the API alike: rate limit, password check, audit. The web
/// layer makes the session; this decides whether there may be one.
public enum SignIn {
    public enum Outcome: Sendable {
        case signedIn(AccountRecord)
        /// `auth.locked` (too many refusals), `auth.credentials` (unknown name or wrong password), `auth.disabled`.
        case refused(Refusal)
    }

    /// `verify(password, hash)` checks a password (slow on purpose: the caller runs it off the
    /// event loop); `standInHash` is checked when the name is unknown, so that an unknown name
    /// takes as long as a wrong password.
    public static func attempt(username: String, password: String, address: String, standInHash: String,
                               verify: @Sendable (String, String) async throws -> Bool, in data: any DataStore) async throws -> Outcome {
        let username = String(username.prefix(64))
        // Refusals count per name and address (LoginThrottle): a stranger locks out only themselves.
        switch try await LoginThrottle.lock(username: username, address: address, in: data) {
        case .none: break
        case .nameFromAddress, .address: return .refused(.forbidden("auth.locked", "登录失败次数过多，请15分钟后再试"))
        }
        let account = try await data.accounts.named(username)
        let matches = try await verify(password, account?.passwordHash ?? standInHash)
        guard let account, matches else {
            switch try await LoginThrottle.recordFailure(username: username, address: address, in: data) {
            case .none: break
            case .nameFromAddress:
                try await AuditLog.append(.loginLockedOut, actor: username, object: "session",
                                          after: "15分钟内从 \(address) 登录失败 \(LoginThrottle.perNameAndAddress) 次：该账号名从此地址锁定15分钟", in: data)
            case .address:
                try await AuditLog.append(.loginLockedOut, actor: username, object: "session",
                                          after: "15分钟内从 \(address) 登录失败 \(LoginThrottle.perAddress) 次：此地址锁定15分钟", in: data)
            }
            return .refused(.invalid("auth.credentials", "用户名或密码不正确"))
        }
        guard !account.disabled else {
            try await AuditLog.append(.loginFailed, actor: username, object: "session", after: "账号已停用", in: data)
            return .refused(.forbidden("auth.disabled", "该账号已停用，请联系组织部"))
        }
        try await LoginThrottle.clear(username: username, address: address, in: data)
        try await AuditLog.append(.loginSucceeded, actor: account.username, object: "session", after: "来自 \(address)", in: data)
        return .signedIn(account)
    }

    public static func signOut(_ account: AccountRecord, in data: any DataStore) async throws {
        try await AuditLog.append(.logout, actor: account.username, object: "session", in: data)
    }
}
