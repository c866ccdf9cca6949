import Foundation
import Core
import Documents

/// The database as the features see it: one client per aggregate, and transactions.
/// `FluentDataStore` is the real one (SQLite or PostgreSQL); `MemoryDataStore` keeps
/// everything in memory for fast tests. The contract tests run the same checks on both.
public protocol DataStore: Sendable {
    var organizations: any OrganizationClient { get }
    var members: any MemberClient { get }
    var accounts: any AccountClient { get }
    var audit: any AuditClient { get }
    var sessions: any SessionClient { get }
    var loginAttempts: any LoginAttemptClient { get }
    var imports: any ImportClient { get }
    var elections: any ElectionClient { get }
    var candidacies: any CandidacyClient { get }
    var vetting: any VettingClient { get }
    var meetings: any MeetingClient { get }
    var ballotEntry: any BallotEntryClient { get }
    var files: any FileClient { get }
    var delegates: any DelegateClient { get }

    /// Runs `body` as one transaction: every change it makes (and its audit row) is kept, or
    /// none is. Inside a transaction, a nested `write` joins it.
    func write<T: Sendable>(_ body: @escaping @Sendable (any DataStore) async throws -> T) async throws -> T
}

public protocol OrganizationClient: Sendable {
    func find(_ id: OrganizationID) async throws -> OrganizationRecord?
    func find(_ ids: [OrganizationID]) async throws -> [OrganizationRecord]
    /// The organization with this full name (names are unique), open or closed.
    func named(_ name: String) async throws -> OrganizationRecord?
    /// Those of these names that exist, open or closed.
    func named(_ names: Set<String>) async throws -> [OrganizationRecord]
    /// Every organization in scope, by path.
    func all(in scope: Scope) async throws -> [OrganizationRecord]
    func count(in scope: Scope) async throws -> Int
    func insert(_ organizations: [OrganizationRecord]) async throws
    func rename(_ id: OrganizationID, to name: String) async throws
    /// Moves the subtree at `oldPath` to `newPath` (every path below is rewritten) under `parent`.
    func move(_ id: OrganizationID, under parent: OrganizationID, from oldPath: String, to newPath: String) async throws
    func close(_ id: OrganizationID) async throws
}

/// What a member list shows: search, filters, one page.
public struct MemberSearch: Sendable, Equatable {
    public var text: String = ""
    public var status: MemberStanding?
    public var gender: String?
    public var ethnicity: String?
    public var category: String?
    /// Inclusive age band in full years on `referenceDate`.
    public var minAge: Int?
    public var maxAge: Int?
    public var referenceDate: String = "2026-09-01"
    public var page: Int = 1
    public var pageSize: Int = 50

    public init() {}

    /// The search by ID number (six or more digits, X) rather than by name.
    var idNumberPrefix: String? {
        let text = self.text.trimmed
        guard text.count >= 6, text.allSatisfy({ $0.isNumber || $0 == "X" || $0 == "x" }) else { return nil }
        return text.uppercased()
    }

    /// Birth dates the age band admits: after `bornAfter`, on or before `bornOnOrBefore`.
    /// Age in full years ≤ max  ⇔  born after (reference − max − 1 years).
    var bornAfter: String? { maxAge.flatMap { CalendarText.shift(referenceDate, years: -($0 + 1)) } }
    var bornOnOrBefore: String? { minAge.flatMap { CalendarText.shift(referenceDate, years: -$0) } }
}

public struct MemberPage: Sendable {
    public let members: [MemberRecord]
    public let total: Int
    public let page: Int
    public let pageSize: Int
    public var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }
    public init(members: [MemberRecord], total: Int, page: Int, pageSize: Int) {
        self.members = members; self.total = total; self.page = page; self.pageSize = pageSize
    }
}

/// Where the previous batch of a long listing ended: lists are ordered by (姓氏笔画 key, ID number).
public struct MemberCursor: Sendable, Equatable {
    public let sortKey: String, idNumber: String
    public init(sortKey: String, idNumber: String) { self.sortKey = sortKey; self.idNumber = idNumber }
}

public protocol MemberClient: Sendable {
    /// One page of the search, in 姓氏笔画 order, with the total.
    func search(_ search: MemberSearch, in scope: Scope) async throws -> MemberPage
    /// The next `size` members after `cursor`, in list order, with the cursor of the last one.
    func batch(_ search: MemberSearch, in scope: Scope, after cursor: MemberCursor?, size: Int) async throws
        -> (members: [MemberRecord], last: MemberCursor?)
    func count(_ search: MemberSearch, in scope: Scope) async throws -> Int
    /// The member with their organization's name, wherever they are.
    func find(_ id: MemberID) async throws -> MemberRecord?
    /// These members (those that exist), with their organizations' names.
    func find(_ ids: [MemberID]) async throws -> [MemberRecord]
    /// Which of these ID numbers are on the roster.
    func existing(idNumbers: [String]) async throws -> Set<String>
    /// Whether another member than `except` has this ID number.
    func idNumberTaken(_ idNumber: String, except: MemberID?) async throws -> Bool
    /// Adds members (the record's organization name is not stored: the id is).
    func insert(_ members: [MemberRecord]) async throws
    func update(_ member: MemberRecord) async throws
    /// Members directly in each organization that has any.
    func countsByOrganization() async throws -> [OrganizationID: Int]
    func count(inOrganizations ids: [OrganizationID]) async throws -> Int
    func count() async throws -> Int
}

public protocol AccountClient: Sendable {
    func find(_ id: AccountID) async throws -> AccountRecord?
    func named(_ username: String) async throws -> AccountRecord?
    /// Every account, by user name.
    func all() async throws -> [AccountRecord]
    func insert(_ account: AccountRecord) async throws
    func update(_ account: AccountRecord) async throws
}

public protocol AuditClient: Sendable {
    /// Appends the entry `make` builds from the newest entry's hash, atomically: two appenders
    /// (two servers on PostgreSQL) cannot fork the chain. Returns it with its sequence number.
    func append(_ make: @escaping @Sendable (_ previousHash: String?) -> AuditRecord) async throws -> AuditRecord
    func newest() async throws -> AuditRecord?
    func find(seq: Int) async throws -> AuditRecord?
    /// Up to `limit` entries after `seq`, oldest first.
    func entries(after seq: Int, limit: Int) async throws -> [AuditRecord]
    /// Newest first, skipping `offset`.
    func newest(offset: Int, limit: Int) async throws -> [AuditRecord]
    func count() async throws -> Int
    /// Where the last full check ended (the chain up to there held).
    func checkpoint() async throws -> (seq: Int, hash: String)?
    func addCheckpoint(seq: Int, hash: String, at: String) async throws
}

public protocol SessionClient: Sendable {
    /// `key` is the SHA-256 of the cookie (a copy of the table opens no session).
    func insert(key: String, _ session: SessionRecord, accountID: AccountID?) async throws
    func find(key: String) async throws -> SessionRecord?
    func update(key: String, data: [String: String], accountID: AccountID?, lastSeen: Double) async throws
    func delete(key: String) async throws
    /// Every session of the account except the one with `exceptKey`.
    func delete(accountID: AccountID, exceptKey: String?) async throws
    func deleteExpired(lastSeenBefore: Double, createdBefore: Double) async throws
    func count() async throws -> Int
}

public protocol LoginAttemptClient: Sendable {
    /// Refusals from `address` since `since`, for one user name or (nil) any.
    func failures(username: String?, address: String, since: Double) async throws -> Int
    /// Records a refusal and forgets those older than `forgetBefore`.
    func record(username: String, address: String, at: Double, forgetBefore: Double) async throws
    func clear(username: String, address: String) async throws
}

/// The election's delegates (the body its rounds elected).
public protocol DelegateClient: Sendable {
    func delegates(of election: ElectionID) async throws -> [DelegateRecord]
    func insert(_ delegates: [DelegateRecord]) async throws
    /// Stores a delegate's review and term (found by election and member).
    func update(_ delegate: DelegateRecord) async throws
}

/// The uploads kept (staged rosters, vetting attachments; on SQLite files beside the database,
/// on PostgreSQL large objects), as the per-account quota sees them.
public protocol FileClient: Sendable {
    /// Bytes of uploads this account holds now: the rosters it staged and the attachments it gave.
    func usage(of username: String) async throws -> Int
}

public protocol ImportClient: Sendable {
    func stage(_ file: StagedImportRecord) async throws
    func find(_ id: StagedImportID) async throws -> StagedImportRecord?
    func setColumnMap(_ map: [String: String], for id: StagedImportID) async throws
    func delete(_ id: StagedImportID) async throws
    /// Staged files older than this ISO 8601 time go.
    func deleteStaged(before: String) async throws
    /// Column mappings a unit chose (heading → column title), by the unit's key.
    func columnMap(for key: String) async throws -> [String: String]
    func rememberColumnMap(_ map: [String: String], for key: String) async throws
}

public protocol ElectionClient: Sendable {
    /// Every election, by name.
    func all() async throws -> [ElectionRecord]
    func find(_ id: ElectionID) async throws -> ElectionRecord?
    func quotas(of election: ElectionID) async throws -> [QuotaRecord]
    func insert(_ election: ElectionRecord) async throws
    func insert(_ quotas: [QuotaRecord]) async throws
    /// The election's quota rows become exactly these.
    func replaceQuotas(of election: ElectionID, with quotas: [QuotaRecord]) async throws
    func count() async throws -> (elections: Int, quotas: Int)
    /// The units' participation reports, one per unit at most.
    func participation(of election: ElectionID) async throws -> [ParticipationRecord]
    /// Records a unit's report, replacing the one it had.
    func saveParticipation(_ record: ParticipationRecord) async throws
}

/// The election meeting's attendance and officers. Each member once per election in each list
/// (the database's unique constraints; the memory store refuses the same).
public protocol MeetingClient: Sendable {
    /// The election's exclusions; with `member`, that member's only (at most one).
    func exclusions(of election: ElectionID, member: MemberID?) async throws -> [ExclusionRecord]
    func insert(_ exclusion: ExclusionRecord) async throws
    func deleteExclusion(of member: MemberID, in election: ElectionID) async throws
    /// The election's check-ins; with `member`, that member's only (at most one): the door asks of one person.
    func checkIns(of election: ElectionID, member: MemberID?) async throws -> [CheckInRecord]
    func insert(_ checkIn: CheckInRecord) async throws
    func officials(of election: ElectionID) async throws -> [OfficialRecord]
    func insert(_ official: OfficialRecord) async throws
    func rounds(of election: ElectionID) async throws -> [RoundRecord]
    func round(_ id: RoundID) async throws -> RoundRecord?
    func insert(_ round: RoundRecord) async throws
    /// Stores the round's lifecycle (its state and what the steps recorded).
    func update(_ round: RoundRecord) async throws
}

extension MeetingClient {
    public func exclusions(of election: ElectionID) async throws -> [ExclusionRecord] { try await exclusions(of: election, member: nil) }
    public func checkIns(of election: ElectionID) async throws -> [CheckInRecord] { try await checkIns(of: election, member: nil) }
}

/// Ballot entry: batches, who keys each entry, every keying (kept, superseded rows included),
/// and the scrutineers' decisions.
public protocol BallotEntryClient: Sendable {
    func batches(of round: RoundID) async throws -> [BatchRecord]
    func insert(_ batches: [BatchRecord]) async throws
    func entries(of round: RoundID, batch: Int) async throws -> [BatchEntryRecord]
    /// Every batch's entries, for reading the whole round at once.
    func entries(of round: RoundID) async throws -> [BatchEntryRecord]
    func insert(_ entry: BatchEntryRecord) async throws
    func finalise(round: RoundID, batch: Int, entry: Int, at: String) async throws
    /// The current keyings of a batch (not superseded).
    func ballots(of round: RoundID, batch: Int) async throws -> [KeyedBallotRecord]
    /// One ballot's current keying in one entry, if it has been keyed.
    func ballot(of round: RoundID, batch: Int, entry: Int, number: Int) async throws -> KeyedBallotRecord?
    /// Every current keying of the round, for the count.
    func ballots(of round: RoundID) async throws -> [KeyedBallotRecord]
    /// Every keying of one ballot in both entries, superseded ones included: what a send-back changed.
    func keyings(of round: RoundID, batch: Int, number: Int) async throws -> [KeyedBallotRecord]
    func insert(_ ballot: KeyedBallotRecord) async throws
    func supersede(round: RoundID, batch: Int, entry: Int, number: Int, at: String) async throws
    func resolutions(of round: RoundID, batch: Int) async throws -> [ResolutionRecord]
    func resolutions(of round: RoundID) async throws -> [ResolutionRecord]
    func insert(_ resolution: ResolutionRecord) async throws
}

public protocol CandidacyClient: Sendable {
    func find(_ id: CandidacyID) async throws -> CandidacyRecord?
    /// Every nomination of the election, oldest first.
    func all(of election: ElectionID) async throws -> [CandidacyRecord]
    /// The person's nomination in this election, if any (one per person and election).
    func find(election: ElectionID, member: MemberID) async throws -> CandidacyRecord?
    func insert(_ candidacy: CandidacyRecord) async throws
    func update(_ candidacy: CandidacyRecord) async throws
}

public protocol VettingClient: Sendable {
    /// Adds an opinion with its attachments' contents (in the order of `opinion.attachments`).
    func insert(_ opinion: VettingOpinionRecord, contents: [Data]) async throws
    /// The candidacy's opinions, oldest first.
    func opinions(of candidacy: CandidacyID) async throws -> [VettingOpinionRecord]
    /// Which departments have given an opinion on each of these candidacies.
    func departmentsHeard(for candidacies: [CandidacyID]) async throws -> [CandidacyID: Set<VettingDepartment>]
    /// An attachment's file, with the opinion it belongs to.
    func attachment(_ id: AttachmentID) async throws -> (opinion: VettingOpinionRecord, name: String, content: Data)?
}

/// Dates as the roster keeps them (yyyy-MM-dd text).
enum CalendarText {
    /// The date `years` years later (earlier when negative); 29 February in a common year becomes 28 February.
    static func shift(_ date: String, years: Int) -> String? {
        let p = date.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return nil }
        let year = p[0] + years
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let day = p[1] == 2 && p[2] == 29 && !leap ? 28 : p[2]
        return String(format: "%04d-%02d-%02d", year, p[1], day)
    }
}
