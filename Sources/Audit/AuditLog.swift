import Foundation
import Crypto
import Persistence
import ElectionRules

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
    case candidateNominated = "candidate.nominated"
    case candidateStageChanged = "candidate.stage"
    case vettingRecorded = "vetting.recorded"
    case vettingViewed = "vetting.viewed"
    case slateDecided = "slate.decided"
    case candidateCategorySet = "candidate.category"
    case participationRecorded = "participation.recorded"
    case documentIssued = "document.issued"
    case databaseBackedUp = "database.backup"
    case voterCheckedIn = "meeting.checkIn"
    case voterExcluded = "meeting.exclusion"
    case officialAppointed = "meeting.official"
    case roundCreated = "round.created"
    case roundStep = "round.step"
    case ballotKeyed = "ballot.keyed"
    case entryFinalised = "entry.finalised"
    case entryResolved = "entry.resolved"
    case seatsReduced = "round.seatsReduced"
    case delegateReviewed = "delegate.reviewed"
    case delegateTermEnded = "delegate.termEnded"
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
        case .candidateNominated: return "推荐人选"
        case .candidateStageChanged: return "人选进入下一环节"
        case .vettingRecorded: return "记录考察意见"
        case .vettingViewed: return "查阅考察材料"
        case .slateDecided: return "名单编排方案的决定"
        case .candidateCategorySet: return "调整人选类别"
        case .participationRecorded: return "填报参与推荐情况"
        case .documentIssued: return "生成选举文件"
        case .databaseBackedUp: return "备份数据库"
        case .voterCheckedIn: return "签到"
        case .voterExcluded: return "不计入应到会人数"
        case .officialAppointed: return "确定监票人、计票人"
        case .roundCreated: return "设立一轮选举"
        case .roundStep: return "选举轮次的环节"
        case .ballotKeyed: return "录入选票"
        case .entryFinalised: return "提交一次录入"
        case .entryResolved: return "监票人裁定录入差异"
        case .seatsReduced: return "减少应选名额的决定"
        case .delegateReviewed: return "代表资格审查"
        case .delegateTermEnded: return "代表任期终止"
        }
    }
}

/// Append-only, hash-chained audit log: each entry's hash covers its fields and the previous
/// entry's hash, so changing or deleting any row breaks every hash after it.
public enum AuditLog {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Appends one event. Inside a `write`, it is part of that transaction: the change and its
    /// record stand or fall together.
    @discardableResult
    public static func append(_ action: AuditAction, actor: String, object: String,
                              before: String = "", after: String = "", in data: any DataStore) async throws -> AuditRecord {
        let at = timestamp()
        // What is stored is what is hashed, on every database: a control or bidi character in a
        // caller's text (even one refused elsewhere) is written out, never stored raw.
        let (actor, object, before, after) = (HumanText.escaped(actor), HumanText.escaped(object), HumanText.escaped(before),
                                              HumanText.escaped(after))
        return try await data.audit.append { previous in
            var entry = AuditRecord(at: at, actor: actor, action: action.rawValue, object: object, before: before, after: after,
                                    prevHash: previous ?? genesisHash, hash: "")
            entry.hash = hash(of: entry)
            return entry
        }
    }

    public static func hash(of entry: AuditRecord) -> String {
        let fields = [entry.at, entry.actor, entry.action, entry.object, entry.before, entry.after, entry.prevHash]
        // Length-prefixed so that no two field lists give the same text.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public struct Verification: Sendable, Equatable {
        public let entries: Int
        /// The first entry whose hash or link does not hold, with what is wrong.
        public let firstBroken: (seq: Int, reason: String)?
        public init(entries: Int, firstBroken: (seq: Int, reason: String)?) { self.entries = entries; self.firstBroken = firstBroken }

        public static func == (a: Verification, b: Verification) -> Bool {
            a.entries == b.entries && a.firstBroken?.seq == b.firstBroken?.seq && a.firstBroken?.reason == b.firstBroken?.reason
        }
    }

    /// Recomputes the whole chain, reading it in pages by sequence number.
    public static func verify(in data: any DataStore) async throws -> Verification {
        try await verify(from: nil, in: data)
    }

    /// Checks the chain from `start` (an entry known good: its hash must still be the one
    /// recorded) to the newest entry; from the genesis when nil.
    static func verify(from start: Head?, in data: any DataStore) async throws -> Verification {
        var previous = genesisHash
        var count = 0
        var after = 0
        if let start, start.seq > 0 {
            guard let entry = try await data.audit.find(seq: start.seq) else {
                return Verification(entries: 0, firstBroken: (start.seq, "已核验过的这一条不见了（日志被截断或删除）"))
            }
            guard entry.hash == start.hash, hash(of: entry) == entry.hash else {
                return Verification(entries: 0, firstBroken: (start.seq, "已核验过的这一条被改动（内容或哈希与核验时不同）"))
            }
            previous = entry.hash
            after = start.seq
            count = start.seq
        }
        while true {
            let page = try await data.audit.entries(after: after, limit: 5_000)
            for entry in page {
                count += 1
                if entry.prevHash != previous {
                    return Verification(entries: count, firstBroken: (entry.seq, "与上一条记录的链接不符（上一条被改动或删除）"))
                }
                if hash(of: entry) != entry.hash {
                    return Verification(entries: count, firstBroken: (entry.seq, "内容与哈希不符（本条被改动）"))
                }
                previous = entry.hash
                after = entry.seq
            }
            if page.count < 5_000 { break }
        }
        return Verification(entries: count, firstBroken: nil)
    }

    /// The newest entry's sequence number and hash: printed on reports and exports, so a copy
    /// kept outside the database shows whether the newest entries were cut off or the whole
    /// table rewritten (`xuanju audit verify --expect-head SEQ:HASH`).
    public struct Head: Sendable, Equatable {
        public let seq: Int
        public let hash: String
        public init(seq: Int, hash: String) { self.seq = seq; self.hash = hash }
        public init(_ entry: AuditRecord) { self.init(seq: entry.seq, hash: entry.hash) }

        /// "SEQ:HASH"
        public var anchor: String { "\(seq):\(hash)" }

        public init?(anchor: String) {
            let parts = anchor.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let seq = Int(parts[0]), seq >= 0, parts[1].count == 64,
                  parts[1].allSatisfy({ $0.isHexDigit }) else { return nil }
            self.init(seq: seq, hash: parts[1].lowercased())
        }
    }

    public static func head(in data: any DataStore) async throws -> Head {
        guard let last = try await data.audit.newest() else { return Head(seq: 0, hash: genesisHash) }
        return Head(last)
    }

    /// Checks that the entry the anchor names still exists with the same hash, then the whole
    /// chain: a truncation (the entry is gone) or a rewrite (its hash changed) shows here even
    /// though a rewritten chain is consistent in itself.
    public static func verify(expecting anchor: Head, in data: any DataStore) async throws -> Verification {
        let full = try await verify(in: data)
        if full.firstBroken != nil { return full }
        guard let entry = try await data.audit.find(seq: anchor.seq) else {
            return Verification(entries: full.entries, firstBroken: (anchor.seq, "第 \(anchor.seq) 条已不存在：最新的记录被截断（日志只有 \(full.entries) 条）"))
        }
        guard entry.hash == anchor.hash else {
            return Verification(entries: full.entries, firstBroken: (anchor.seq, "第 \(anchor.seq) 条的哈希与留存的不同：日志被整体改写"))
        }
        return full
    }

    /// The audit page's check: from the last checkpoint to the newest entry, not the whole log
    /// on every view; the checkpoint moves forward when the chain holds.
    public static func verifyIncrementally(in data: any DataStore) async throws -> Verification {
        let start = try await data.audit.checkpoint().map { Head(seq: $0.seq, hash: $0.hash) }
        let result = try await verify(from: start, in: data)
        if result.firstBroken == nil {
            let head = try await head(in: data)
            if head.seq > (start?.seq ?? 0) { try await data.audit.addCheckpoint(seq: head.seq, hash: head.hash, at: timestamp()) }
        }
        return result
    }

    /// The log's time stamp (ISO 8601 with milliseconds), also used for the other records a change writes.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// The newest entries first, one page.
    public static func page(_ page: Int, size: Int, in data: any DataStore) async throws -> (entries: [AuditRecord], total: Int) {
        (try await data.audit.newest(offset: (page - 1) * size, limit: size), try await data.audit.count())
    }
}
