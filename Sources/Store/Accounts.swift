import Foundation
import FluentKit

/// Creating the first administrator. Hashing is passed in (bcrypt lives with the web stack).
public enum Accounts {
    public static let adminUsername = "admin"

    /// Creates `admin` when no such user exists. Returns the password when it was created
    /// (the given one, or a random one to print once), nil when admin already existed.
    public static func ensureAdmin(password given: String?, hash: (String) throws -> String,
                                   on database: any Database) async throws -> String? {
        if try await User.query(on: database).filter(\.$username == adminUsername).first() != nil { return nil }
        let password = given ?? randomPassword()
        // A random password was printed on a console: its owner replaces it at first login.
        let user = User(username: adminUsername, passwordHash: try hash(password), displayName: "系统管理员",
                        role: .systemAdmin, organizationID: nil, mustChangePassword: given == nil)
        try await user.create(on: database)
        try await AuditLog.append(.userCreated, actor: "system", object: "user:\(adminUsername)",
                                  after: "角色：\(UserRole.systemAdmin.rawValue)", on: database)
        return password
    }

    /// 16 characters without look-alikes (0/O, 1/l/I), from the system's secure generator.
    public static func randomPassword(length: Int = 16) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}

/// Accounts that administrators create and reset. A new or reset password is random, shown once
/// to the administrator, and works only to choose a new one at the owner's first login.
public enum AccountAdmin {
    public struct NewAccount: Sendable {
        public var username: String
        public var displayName: String
        public var role: UserRole
        public var organizationID: UUID?
        public init(username: String, displayName: String, role: UserRole, organizationID: UUID?) {
            self.username = username; self.displayName = displayName; self.role = role; self.organizationID = organizationID
        }
    }

    /// Creates the account; returns it with its one-time password.
    public static func create(_ account: NewAccount, by actor: User, hash: (String) throws -> String,
                              on database: any Database) async throws -> (user: User, password: String) {
        let username = account.username.trimmingCharacters(in: .whitespaces)
        guard (3...32).contains(username.count), username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw StoreError.invalid("用户名应为3至32个英文字母、数字或 . _ -")
        }
        let displayName = account.displayName.trimmingCharacters(in: .whitespaces)
        guard !displayName.isEmpty, displayName.count <= 40 else { throw StoreError.invalid("姓名不能为空，最多40个字") }
        guard actor.role == UserRole.systemAdmin.rawValue || account.role != .systemAdmin else {
            throw StoreError.invalid("只有系统管理员能创建系统管理员")
        }
        var organizationName = "全市"
        switch account.role {
        case .systemAdmin, .departmentAdmin:
            guard account.organizationID == nil else { throw StoreError.invalid("「\(account.role.rawValue)」管辖全市，不属于某个单位") }
        case .unitAdmin, .counter, .scrutineer, .readOnly:
            guard let id = account.organizationID, let organization = try await Organization.find(id, on: database), !organization.closed else {
                throw StoreError.invalid("「\(account.role.rawValue)」必须属于一个未撤销的党组织")
            }
            organizationName = organization.name
        }
        guard try await User.query(on: database).filter(\.$username == username).count() == 0 else {
            throw StoreError.invalid("用户名「\(username)」已被使用")
        }
        let password = Accounts.randomPassword()
        let user = User(username: username, passwordHash: try hash(password), displayName: displayName,
                        role: account.role, organizationID: account.organizationID, mustChangePassword: true)
        let scope = organizationName
        try await database.writeTransaction { db in
            try await user.create(on: db)
            try await AuditLog.append(.userCreated, actor: actor.username, object: "user:\(username)",
                                      after: "姓名：\(displayName)；角色：\(account.role.rawValue)；范围：\(scope)", on: db)
        }
        return (user, password)
    }

    /// A new random password for someone else's account.
    public static func resetPassword(of id: UUID, by actor: User, hash: (String) throws -> String,
                                     on database: any Database) async throws -> (user: User, password: String) {
        guard let user = try await User.find(id, on: database) else { throw StoreError.notFound("没有这个用户") }
        guard user.id != actor.id else { throw StoreError.invalid("自己的密码请在「修改密码」页面修改") }
        try checkAdministers(actor, user, doing: "重置密码")
        let password = Accounts.randomPassword()
        user.passwordHash = try hash(password)
        user.mustChangePassword = true
        try await database.writeTransaction { db in
            try await user.save(on: db)
            // The old password's sessions end with it.
            try await SessionStore.end(userID: user.id!, on: db)
            try await AuditLog.append(.passwordReset, actor: actor.username, object: "user:\(user.username)", after: "已重置为一次性密码", on: db)
        }
        return (user, password)
    }

    /// A system administrator administers every other account; a 组织部管理员 only the accounts
    /// below the department (unit administrators, counters, scrutineers, read-only), not a peer.
    static func checkAdministers(_ actor: User, _ user: User, doing what: String) throws {
        guard let actorRole = UserRole(rawValue: actor.role), let role = UserRole(rawValue: user.role) else {
            throw StoreError.invalid("账号角色无效")
        }
        switch (actorRole, role) {
        case (.systemAdmin, _): return
        case (.departmentAdmin, .unitAdmin), (.departmentAdmin, .counter), (.departmentAdmin, .scrutineer), (.departmentAdmin, .readOnly): return
        case (.departmentAdmin, .systemAdmin), (.departmentAdmin, .departmentAdmin):
            throw StoreError.invalid("组织部管理员不能为\(role.rawValue)\(what)，请联系系统管理员")
        case (.unitAdmin, _), (.counter, _), (.scrutineer, _), (.readOnly, _):
            throw StoreError.invalid("您的角色不能为他人\(what)")
        }
    }

    /// Stops or restarts an account. Nobody stops their own; only a system administrator
    /// touches a system administrator's.
    public static func setDisabled(_ disabled: Bool, for id: UUID, by actor: User, on database: any Database) async throws -> User {
        guard let user = try await User.find(id, on: database) else { throw StoreError.notFound("没有这个用户") }
        guard user.id != actor.id else { throw StoreError.invalid("不能停用或启用自己的账号") }
        try checkAdministers(actor, user, doing: "停用或启用")
        guard user.disabled != disabled else { return user }
        user.disabled = disabled
        try await database.writeTransaction { db in
            try await user.save(on: db)
            if disabled { try await SessionStore.end(userID: user.id!, on: db) }
            try await AuditLog.append(disabled ? .userDisabled : .userEnabled, actor: actor.username, object: "user:\(user.username)",
                                      after: user.displayName, on: db)
        }
        return user
    }
}
