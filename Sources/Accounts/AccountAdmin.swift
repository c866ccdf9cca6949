import Foundation
import Core
import Persistence
import Audit

/// How passwords are hashed and checked (bcrypt, from the web stack, which runs it off the
/// event loop), passed in so that the account rules need no server.
public struct PasswordHasher: Sendable {
    public let hash: @Sendable (String) async throws -> String
    public let verify: @Sendable (_ password: String, _ hash: String) async throws -> Bool
    public init(hash: @escaping @Sendable (String) async throws -> String, verify: @escaping @Sendable (String, String) async throws -> Bool) {
        self.hash = hash; self.verify = verify
    }
}

/// Creating the first administrator.
public enum Accounts {
    public static let adminUsername = "admin"

    /// Creates `admin` when no such user exists. Returns the password when it was created
    /// (the given one, or a random one to print once), nil when admin already existed.
    public static func ensureAdmin(password given: String?, hash: (String) throws -> String,
                                   in data: any DataStore) async throws -> String? {
        if try await data.accounts.named(adminUsername) != nil { return nil }
        let password = given ?? randomPassword()
        // A random password was printed on a console: its owner replaces it at first login.
        let account = AccountRecord(username: adminUsername, passwordHash: try hash(password), displayName: "系统管理员",
                                    role: .systemAdmin, organizationID: nil, mustChangePassword: given == nil)
        try await data.write { data in
            try await data.accounts.insert(account)
            try await AuditLog.append(.userCreated, actor: "system", object: "user:\(adminUsername)",
                                      after: "角色：\(UserRole.systemAdmin.rawValue)", in: data)
        }
        return password
    }

    /// 16 characters without look-alikes (0/O, 1/l/I), from the system's secure generator.
    public static func randomPassword(length: Int = 16) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// Every account with its organization's name ("全市" for none).
    public static func list(in data: any DataStore) async throws -> [(account: AccountRecord, organization: String)] {
        let accounts = try await data.accounts.all()
        let names = Dictionary(try await data.organizations.find(Array(Set(accounts.compactMap(\.organizationID)))).map { ($0.id, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        return accounts.map { ($0, $0.organizationID.flatMap { names[$0] } ?? "全市") }
    }

    public static func find(_ id: AccountID, in data: any DataStore) async throws -> AccountRecord? {
        try await data.accounts.find(id)
    }

    /// The scope an account works in: the city for the department's roles, its organization's
    /// subtree for the others; nil when it has no (existing) organization, which sees nothing.
    public static func scope(of account: AccountRecord, in data: any DataStore) async throws -> Scope? {
        if account.role.isCityWide { return .city }
        guard let id = account.organizationID, let organization = try await data.organizations.find(id) else { return nil }
        return .subtree(path: organization.path)
    }
}

/// Accounts that administrators create and reset. A new or reset password is random, shown once
/// to the administrator, and works only to choose a new one at the owner's first login.
public enum AccountAdmin {
    public struct NewAccount: Sendable {
        public var username: String
        public var displayName: String
        public var role: UserRole
        public var organizationID: OrganizationID?
        public init(username: String, displayName: String, role: UserRole, organizationID: OrganizationID?) {
            self.username = username; self.displayName = displayName; self.role = role; self.organizationID = organizationID
        }
    }

    /// Creates the account; returns it with its one-time password.
    public static func create(_ new: NewAccount, by actor: AccountRecord, hash: (String) async throws -> String,
                              in data: any DataStore) async throws -> (account: AccountRecord, password: String) {
        let username = new.username.trimmingCharacters(in: .whitespaces)
        guard (3...32).contains(username.count), username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw Refusal.invalid("account.username.format", "用户名应为3至32个英文字母、数字或 . _ -", field: "username")
        }
        let displayName = try HumanText.screened(new.displayName, field: "displayName", label: "姓名")
        guard !displayName.isEmpty, displayName.count <= 40 else {
            throw Refusal.invalid("account.displayName.length", "姓名不能为空，最多40个字", field: "displayName")
        }
        guard actor.role == .systemAdmin || new.role != .systemAdmin else {
            throw Refusal.invalid("account.role.systemAdminOnly", "只有系统管理员能创建系统管理员")
        }
        var organizationName = "全市"
        if new.role.isCityWide {
            guard new.organizationID == nil else {
                throw Refusal.invalid("account.organization.cityWideRole", "「\(new.role.rawValue)」管辖全市，不属于某个单位", field: "organizationId")
            }
        } else {
            guard let id = new.organizationID, let organization = try await data.organizations.find(id), !organization.closed else {
                throw Refusal.invalid("account.organization.required", "「\(new.role.rawValue)」必须属于一个未撤销的党组织", field: "organizationId")
            }
            organizationName = organization.name
        }
        guard try await data.accounts.named(username) == nil else {
            throw Refusal.invalid("account.username.taken", "用户名「\(username)」已被使用", field: "username")
        }
        let password = Accounts.randomPassword()
        let account = AccountRecord(username: username, passwordHash: try await hash(password), displayName: displayName,
                                    role: new.role, organizationID: new.organizationID, mustChangePassword: true)
        let scope = organizationName
        try await data.write { data in
            try await data.accounts.insert(account)
            try await AuditLog.append(.userCreated, actor: actor.username, object: "user:\(username)",
                                      after: "姓名：\(displayName)；角色：\(new.role.rawValue)；范围：\(scope)", in: data)
        }
        return (account, password)
    }

    /// A new random password for someone else's account.
    public static func resetPassword(of id: AccountID, by actor: AccountRecord, hash: (String) async throws -> String,
                                     in data: any DataStore) async throws -> (account: AccountRecord, password: String) {
        guard var account = try await data.accounts.find(id) else { throw Refusal.notFound("account.notFound", "没有这个用户") }
        guard account.id != actor.id else {
            throw Refusal.invalid("account.reset.own", "自己的密码请在「修改密码」页面修改")
        }
        try checkAdministers(actor, account, doing: "重置密码")
        let password = Accounts.randomPassword()
        account.passwordHash = try await hash(password)
        account.mustChangePassword = true
        // The old password's sessions end with it.
        try await save(account, endingSessions: true, exceptKey: nil, event: .passwordReset, actor: actor.username,
                       note: "已重置为一次性密码", in: data)
        return (account, password)
    }

    /// A system administrator administers every other account; a 组织部管理员 only the accounts
    /// below the department (unit administrators, counters, scrutineers, read-only), not a peer.
    static func checkAdministers(_ actor: AccountRecord, _ account: AccountRecord, doing what: String) throws {
        switch (actor.role, account.role) {
        case (.systemAdmin, _): return
        case (.departmentAdmin, .unitAdmin), (.departmentAdmin, .counter), (.departmentAdmin, .scrutineer), (.departmentAdmin, .readOnly): return
        case (.departmentAdmin, .systemAdmin), (.departmentAdmin, .departmentAdmin):
            throw Refusal.invalid("account.administer.peer", "组织部管理员不能为\(account.role.rawValue)\(what)，请联系系统管理员")
        case (.unitAdmin, _), (.counter, _), (.scrutineer, _), (.readOnly, _):
            throw Refusal.invalid("account.administer.role", "您的角色不能为他人\(what)")
        }
    }

    /// Stops or restarts an account. Nobody stops their own; only a system administrator
    /// touches a system administrator's.
    public static func setDisabled(_ disabled: Bool, for id: AccountID, by actor: AccountRecord, in data: any DataStore) async throws -> AccountRecord {
        guard var account = try await data.accounts.find(id) else { throw Refusal.notFound("account.notFound", "没有这个用户") }
        guard account.id != actor.id else { throw Refusal.invalid("account.disable.own", "不能停用或启用自己的账号") }
        try checkAdministers(actor, account, doing: "停用或启用")
        guard account.disabled != disabled else { return account }
        account.disabled = disabled
        try await save(account, endingSessions: disabled, exceptKey: nil, event: disabled ? .userDisabled : .userEnabled,
                       actor: actor.username, note: account.displayName, in: data)
        return account
    }

    /// The signed-in user's own new password; the user's other sessions end (whoever else held
    /// the old password is out), the one with `keepSessionKey` stays.
    public static func changeOwnPassword(_ account: AccountRecord, current: String, new: String, keepSessionKey: String?,
                                         hasher: PasswordHasher, in data: any DataStore) async throws {
        guard try await hasher.verify(current, account.passwordHash) else {
            throw Refusal.invalid("account.password.currentWrong", "当前密码不正确", field: "current")
        }
        guard new.count >= 10 else { throw Refusal.invalid("account.password.tooShort", "新密码至少10个字符", field: "new") }
        guard new.count <= 128 else { throw Refusal.invalid("account.password.tooLong", "新密码最多128个字符", field: "new") }
        guard new != current else { throw Refusal.invalid("account.password.unchanged", "新密码不能与当前密码相同", field: "new") }
        var changed = account
        changed.passwordHash = try await hasher.hash(new)
        changed.mustChangePassword = false
        try await save(changed, endingSessions: true, exceptKey: keepSessionKey, event: .passwordChanged, actor: account.username,
                       note: "其他会话已结束", in: data)
    }

    /// Saves the account, ends its sessions (all but the one keyed `exceptKey`) when asked, and
    /// audits the change: one transaction.
    static func save(_ account: AccountRecord, endingSessions: Bool, exceptKey: String?, event: AuditAction, actor: String,
                     note: String, in data: any DataStore) async throws {
        try await data.write { data in
            try await data.accounts.update(account)
            if endingSessions { try await data.sessions.delete(accountID: account.id, exceptKey: exceptKey) }
            try await AuditLog.append(event, actor: actor, object: "user:\(account.username)", after: note, in: data)
        }
    }
}
