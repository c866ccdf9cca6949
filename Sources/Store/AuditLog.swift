import Foundation
import FluentKit
import SQLKit
import Crypto

/// Every kind of audited event, defined in one place.
public enum AuditAction: String, Sendable, CaseIterable {
    case storeInitialized = "store.initialized"
    case userCreated = "user.created"
    case loginSucceeded = "auth.login"
    case loginFailed = "auth.login.refused"
    case logout = "auth.logout"
    case accessRefused = "access.refused"
    case loginLockedOut = "auth.login.locked"
    case passwordChanged = "user.password.changed"
    case organizationsImported = "organizations.imported"
    case membersImported = "members.imported"
    case electionCreated = "election.created"
    case quotasSet = "election.quotas.set"
    case passwordReset = "user.password.reset"
    case userDisabled = "user.disabled"
    case userEnabled = "user.enabled"
    case memberUpdated = "member.updated"
    case membersExported = "members.exported"
    case organizationCreated = "organization.created"
    case organizationRenamed = "organization.renamed"
    case organizationMoved = "organization.moved"
    case organizationClosed = "organization.closed"
}

extension AuditAction {
    /// How the audit page names the event.
    public var label: String {
        switch self {
        case .storeInitialized: return "初始化数据库"
        case .userCreated: return "创建用户"
        case .loginSucceeded: return "登录"
        case .loginFailed: return "登录被拒绝"
        case .logout: return "退出"
        case .accessRefused: return "越权访问被拒绝"
        case .loginLockedOut: return "登录已锁定"
        case .passwordChanged: return "修改密码"
        case .organizationsImported: return "导入党组织"
        case .membersImported: return "导入党员"
        case .electionCreated: return "创建选举"
        case .quotasSet: return "设定名额分配"
        case .passwordReset: return "重置他人密码"
        case .userDisabled: return "停用账号"
        case .userEnabled: return "启用账号"
        case .memberUpdated: return "修改党员信息"
        case .membersExported: return "导出党员名册"
        case .organizationCreated: return "新建党组织"
        case .organizationRenamed: return "党组织更名"
        case .organizationMoved: return "调整党组织隶属关系"
        case .organizationClosed: return "撤销党组织"
        }
    }
}

/// Append-only, hash-chained audit log: each entry's hash covers its fields and the previous
/// entry's hash, so changing or deleting any row breaks every hash after it.
public enum AuditLog {
    public static let genesisHash = String(repeating: "0", count: 64)

    @discardableResult
    public static func append(_ action: AuditAction, actor: String, object: String,
                              before: String = "", after: String = "", on database: any Database) async throws -> AuditEntry {
        try await database.transaction { db in
            // Serialize appenders on PostgreSQL so two servers cannot fork the chain.
            if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(7341)").run()
            }
            let last = try await AuditEntry.query(on: db).sort(\.$id, .descending).first()
            let entry = AuditEntry()
            entry.at = timestamp()
            entry.actor = actor
            entry.action = action.rawValue
            entry.object = object
            entry.before = before
            entry.after = after
            entry.prevHash = last?.hash ?? genesisHash
            entry.hash = hash(of: entry)
            try await entry.create(on: db)
            return entry
        }
    }

    public static func hash(of entry: AuditEntry) -> String {
        let fields = [entry.at, entry.actor, entry.action, entry.object, entry.before, entry.after, entry.prevHash]
        // Length-prefixed so that no two field lists give the same text.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public struct Verification: Sendable, Equatable {
        public let entries: Int
        /// The first entry whose hash or link does not hold, with what is wrong.
        public let firstBroken: (seq: Int, reason: String)?

        public static func == (a: Verification, b: Verification) -> Bool {
            a.entries == b.entries && a.firstBroken?.seq == b.firstBroken?.seq && a.firstBroken?.reason == b.firstBroken?.reason
        }
    }

    public static func verify(on database: any Database) async throws -> Verification {
        var previous = genesisHash
        var count = 0
        for entry in try await AuditEntry.query(on: database).sort(\.$id, .ascending).all() {
            count += 1
            let seq = entry.id ?? -1
            if entry.prevHash != previous {
                return Verification(entries: count, firstBroken: (seq, "与上一条记录的链接不符（上一条被改动或删除）"))
            }
            if hash(of: entry) != entry.hash {
                return Verification(entries: count, firstBroken: (seq, "内容与哈希不符（本条被改动）"))
            }
            previous = entry.hash
        }
        return Verification(entries: count, firstBroken: nil)
    }

    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Refused logins for a user name since `date`: the rate limit reads the shared log, so
    /// every server behind the balancer sees the same count.
    public static func failedLogins(for username: String, since date: Date, on database: any Database) async throws -> Int {
        try await AuditEntry.query(on: database)
            .filter(\.$action == AuditAction.loginFailed.rawValue)
            .filter(\.$actor == username)
            .filter(\.$at >= timestamp(date))
            .count()
    }

    /// The newest entries first, one page.
    public static func page(_ page: Int, size: Int, on database: any Database) async throws -> (entries: [AuditEntry], total: Int) {
        let total = try await AuditEntry.query(on: database).count()
        let entries = try await AuditEntry.query(on: database).sort(\.$id, .descending)
            .range(((page - 1) * size)..<(page * size)).all()
        return (entries, total)
    }
}
