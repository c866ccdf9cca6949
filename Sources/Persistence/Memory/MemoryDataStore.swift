import Foundation
import Core
import Documents

/// Everything in memory, for fast tests of the features: the same contract as the Fluent
/// store (the contract tests check both), with transactions that roll back on a throw and
/// the database's unique constraints (ID number, user name).
public struct MemoryDataStore: DataStore {
    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var state = State()
        let writers = WriteQueue()

        func read<T>(_ body: (State) throws -> T) rethrows -> T {
            lock.lock(); defer { lock.unlock() }
            return try body(state)
        }

        func change<T>(_ body: (inout State) throws -> T) rethrows -> T {
            lock.lock(); defer { lock.unlock() }
            return try body(&state)
        }
    }

    struct State {
        var organizations: [OrganizationID: OrganizationRecord] = [:]
        var members: [MemberID: (member: MemberRecord, sortKey: String)] = [:]
        var accounts: [AccountID: AccountRecord] = [:]
        var audit: [AuditRecord] = []
        var checkpoints: [(seq: Int, hash: String)] = []
        var sessions: [String: (session: SessionRecord, accountID: AccountID?)] = [:]
        var attempts: [(username: String, address: String, at: Double)] = []
        var staged: [StagedImportID: StagedImportRecord] = [:]
        var columnMaps: [String: [String: String]] = [:]
        var elections: [ElectionRecord] = []
        var quotas: [QuotaRecord] = []
        var participation: [ParticipationRecord] = []
        var exclusions: [ExclusionRecord] = []
        var checkIns: [CheckInRecord] = []
        var officials: [OfficialRecord] = []
        var rounds: [RoundRecord] = []
        var batches: [BatchRecord] = []
        var batchEntries: [BatchEntryRecord] = []
        var keyedBallots: [KeyedBallotRecord] = []
        var resolutions: [ResolutionRecord] = []
        var candidacies: [CandidacyRecord] = []
        var opinions: [VettingOpinionRecord] = []
        var attachmentContents: [AttachmentID: Data] = [:]
        var delegates: [DelegateRecord] = []
    }

    let box: Box
    let inTransaction: Bool
    public let organizations: any OrganizationClient, members: any MemberClient, accounts: any AccountClient
    public let audit: any AuditClient, sessions: any SessionClient, loginAttempts: any LoginAttemptClient
    public let imports: any ImportClient, elections: any ElectionClient, candidacies: any CandidacyClient, vetting: any VettingClient
    public let meetings: any MeetingClient, ballotEntry: any BallotEntryClient, files: any FileClient, delegates: any DelegateClient

    public init() { self.init(box: Box(), inTransaction: false) }

    init(box: Box, inTransaction: Bool) {
        self.box = box; self.inTransaction = inTransaction
        organizations = MemoryOrganizations(box: box); members = MemoryMembers(box: box); accounts = MemoryAccounts(box: box)
        audit = MemoryAudit(box: box); sessions = MemorySessions(box: box); loginAttempts = MemoryLoginAttempts(box: box)
        imports = MemoryImports(box: box); elections = MemoryElections(box: box); candidacies = MemoryCandidacies(box: box)
        vetting = MemoryVetting(box: box); meetings = MemoryMeetings(box: box); ballotEntry = MemoryBallotEntry(box: box)
        files = MemoryFiles(box: box)
        delegates = MemoryDelegates(box: box)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any DataStore) async throws -> T) async throws -> T {
        if inTransaction { return try await body(self) }
        await box.writers.acquire()
        let snapshot = box.read { $0 }
        do {
            let result = try await body(MemoryDataStore(box: box, inTransaction: true))
            await box.writers.release()
            return result
        } catch {
            box.change { $0 = snapshot }
            await box.writers.release()
            throw error
        }
    }
}

/// What the in-memory store refuses where the database has a constraint.
public struct MemoryConstraintViolation: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension Array {
    /// Appends `row` unless a row the database's unique constraint `sameKey` names is there already.
    mutating func appendUnique(_ row: Element, constraint: String, sameKey: (Element) -> Bool) throws {
        guard !contains(where: sameKey) else { throw MemoryConstraintViolation(description: "UNIQUE constraint failed: \(constraint)") }
        append(row)
    }
}

struct MemoryOrganizations: OrganizationClient {
    let box: MemoryDataStore.Box

    func find(_ id: OrganizationID) async throws -> OrganizationRecord? { box.read { $0.organizations[id] } }
    func find(_ ids: [OrganizationID]) async throws -> [OrganizationRecord] { box.read { s in ids.compactMap { s.organizations[$0] } } }
    func named(_ name: String) async throws -> OrganizationRecord? { box.read { $0.organizations.values.first { $0.name == name } } }
    func named(_ names: Set<String>) async throws -> [OrganizationRecord] {
        box.read { $0.organizations.values.filter { names.contains($0.name) } }
    }
    func all(in scope: Scope) async throws -> [OrganizationRecord] {
        box.read { $0.organizations.values.filter { scope.contains(path: $0.path) }.sorted { $0.path < $1.path } }
    }
    func count(in scope: Scope) async throws -> Int { try await all(in: scope).count }

    func insert(_ organizations: [OrganizationRecord]) async throws {
        try box.change { s in
            for o in organizations {
                guard s.organizations[o.id] == nil else { throw MemoryConstraintViolation(description: "organization id \(o.id) exists") }
                s.organizations[o.id] = o
            }
        }
    }

    func rename(_ id: OrganizationID, to name: String) async throws { box.change { $0.organizations[id]?.name = name } }

    func move(_ id: OrganizationID, under parent: OrganizationID, from oldPath: String, to newPath: String) async throws {
        box.change { s in
            for (key, o) in s.organizations where o.path.hasPrefix(oldPath) {
                s.organizations[key]?.path = newPath + o.path.dropFirst(oldPath.count)
            }
            s.organizations[id]?.parentID = parent
        }
    }

    func close(_ id: OrganizationID) async throws { box.change { $0.organizations[id]?.closed = true } }
}

struct MemoryMembers: MemberClient {
    let box: MemoryDataStore.Box

    /// The member with their organization's current name.
    static func named(_ m: MemberRecord, _ s: MemoryDataStore.State) -> MemberRecord {
        var m = m
        m.record.organization = s.organizations[m.organizationID]?.name ?? ""
        return m
    }

    /// The search's conditions as the SQL store applies them, in list order.
    func matching(_ search: MemberSearch, _ scope: Scope, _ s: MemoryDataStore.State) -> [(member: MemberRecord, sortKey: String)] {
        let text = search.text.trimmed
        return s.members.values.compactMap { entry -> (member: MemberRecord, sortKey: String)? in
            guard let organization = s.organizations[entry.member.organizationID], scope.contains(path: organization.path) else { return nil }
            let r = entry.member.record
            if let prefix = search.idNumberPrefix {
                guard r.idNumber.hasPrefix(prefix) else { return nil }
            } else if !text.isEmpty {
                guard r.name.contains(text) || organization.name.contains(text) else { return nil }
            }
            if let v = search.status, r.status != v.rawValue { return nil }
            if let v = search.gender, r.gender != v { return nil }
            if let v = search.ethnicity, r.ethnicity != v { return nil }
            if let v = search.category, r.category != v { return nil }
            if let bound = search.bornAfter, !(r.birthDate > bound) { return nil }
            if let bound = search.bornOnOrBefore, !(r.birthDate <= bound) { return nil }
            return (Self.named(entry.member, s), entry.sortKey)
        }.sorted { ($0.sortKey, $0.member.record.idNumber) < ($1.sortKey, $1.member.record.idNumber) }
    }

    func search(_ search: MemberSearch, in scope: Scope) async throws -> MemberPage {
        let all = box.read { matching(search, scope, $0) }
        let page = max(1, search.page)
        let members = all.dropFirst((page - 1) * search.pageSize).prefix(search.pageSize).map(\.member)
        return MemberPage(members: Array(members), total: all.count, page: page, pageSize: search.pageSize)
    }

    func batch(_ search: MemberSearch, in scope: Scope, after cursor: MemberCursor?, size: Int) async throws
        -> (members: [MemberRecord], last: MemberCursor?) {
        let rows = box.read { matching(search, scope, $0) }
            .filter { cursor == nil || ($0.sortKey, $0.member.record.idNumber) > (cursor!.sortKey, cursor!.idNumber) }
            .prefix(size)
        return (rows.map(\.member), rows.last.map { MemberCursor(sortKey: $0.sortKey, idNumber: $0.member.record.idNumber) })
    }

    func count(_ search: MemberSearch, in scope: Scope) async throws -> Int { box.read { matching(search, scope, $0).count } }

    func find(_ id: MemberID) async throws -> MemberRecord? { box.read { s in s.members[id].map { Self.named($0.member, s) } } }
    func find(_ ids: [MemberID]) async throws -> [MemberRecord] { box.read { s in ids.compactMap { s.members[$0].map { Self.named($0.member, s) } } } }

    func existing(idNumbers: [String]) async throws -> Set<String> {
        let wanted = Set(idNumbers)
        return box.read { Set($0.members.values.map(\.member.record.idNumber).filter { wanted.contains($0) }) }
    }

    func idNumberTaken(_ idNumber: String, except: MemberID?) async throws -> Bool {
        box.read { $0.members.values.contains { $0.member.record.idNumber == idNumber && $0.member.id != except } }
    }

    func insert(_ members: [MemberRecord]) async throws {
        try box.change { s in
            var taken = Set(s.members.values.map(\.member.record.idNumber))
            for m in members {
                guard s.members[m.id] == nil, taken.insert(m.record.idNumber).inserted else {
                    throw MemoryConstraintViolation(description: "UNIQUE constraint failed: members.id_number \(m.record.idNumber)")
                }
                s.members[m.id] = (m, MemberOrder.sortKey(m.record.name))
            }
        }
    }

    func update(_ m: MemberRecord) async throws {
        try box.change { s in
            guard s.members[m.id] != nil else { return }
            if s.members.values.contains(where: { $0.member.record.idNumber == m.record.idNumber && $0.member.id != m.id }) {
                throw MemoryConstraintViolation(description: "UNIQUE constraint failed: members.id_number")
            }
            s.members[m.id] = (m, MemberOrder.sortKey(m.record.name))
        }
    }

    func countsByOrganization() async throws -> [OrganizationID: Int] {
        box.read { Dictionary(grouping: $0.members.values, by: \.member.organizationID).mapValues(\.count) }
    }

    func count(inOrganizations ids: [OrganizationID]) async throws -> Int {
        let wanted = Set(ids)
        return box.read { $0.members.values.filter { wanted.contains($0.member.organizationID) }.count }
    }

    func count() async throws -> Int { box.read { $0.members.count } }
}

struct MemoryAccounts: AccountClient {
    let box: MemoryDataStore.Box

    func find(_ id: AccountID) async throws -> AccountRecord? { box.read { $0.accounts[id] } }
    func named(_ username: String) async throws -> AccountRecord? { box.read { $0.accounts.values.first { $0.username == username } } }
    func all() async throws -> [AccountRecord] { box.read { $0.accounts.values.sorted { $0.username < $1.username } } }

    func insert(_ account: AccountRecord) async throws {
        try box.change { s in
            guard s.accounts[account.id] == nil, !s.accounts.values.contains(where: { $0.username == account.username }) else {
                throw MemoryConstraintViolation(description: "UNIQUE constraint failed: users.username")
            }
            s.accounts[account.id] = account
        }
    }

    func update(_ account: AccountRecord) async throws {
        box.change { s in if s.accounts[account.id] != nil { s.accounts[account.id] = account } }
    }
}

struct MemoryAudit: AuditClient {
    let box: MemoryDataStore.Box

    func append(_ make: @escaping @Sendable (String?) -> AuditRecord) async throws -> AuditRecord {
        box.change { s in
            var entry = make(s.audit.last?.hash)
            entry.seq = (s.audit.last?.seq ?? 0) + 1
            s.audit.append(entry)
            return entry
        }
    }

    func newest() async throws -> AuditRecord? { box.read { $0.audit.last } }
    func find(seq: Int) async throws -> AuditRecord? { box.read { $0.audit.first { $0.seq == seq } } }
    func entries(after seq: Int, limit: Int) async throws -> [AuditRecord] { box.read { Array($0.audit.filter { $0.seq > seq }.prefix(limit)) } }
    func newest(offset: Int, limit: Int) async throws -> [AuditRecord] { box.read { Array($0.audit.reversed().dropFirst(offset).prefix(limit)) } }
    func count() async throws -> Int { box.read { $0.audit.count } }
    func checkpoint() async throws -> (seq: Int, hash: String)? { box.read { $0.checkpoints.last } }
    func addCheckpoint(seq: Int, hash: String, at: String) async throws { box.change { $0.checkpoints.append((seq, hash)) } }
}

struct MemorySessions: SessionClient {
    let box: MemoryDataStore.Box

    func insert(key: String, _ session: SessionRecord, accountID: AccountID?) async throws {
        try box.change { s in
            guard s.sessions[key] == nil else { throw MemoryConstraintViolation(description: "session key exists") }
            s.sessions[key] = (session, accountID)
        }
    }
    func find(key: String) async throws -> SessionRecord? { box.read { $0.sessions[key]?.session } }
    func update(key: String, data: [String: String], accountID: AccountID?, lastSeen: Double) async throws {
        box.change { s in
            guard var entry = s.sessions[key] else { return }
            entry.session.data = data; entry.session.lastSeen = lastSeen; entry.accountID = accountID
            s.sessions[key] = entry
        }
    }
    func delete(key: String) async throws { box.change { _ = $0.sessions.removeValue(forKey: key) } }
    func delete(accountID: AccountID, exceptKey: String?) async throws {
        box.change { s in s.sessions = s.sessions.filter { $0.value.accountID != accountID || $0.key == exceptKey } }
    }
    func deleteExpired(lastSeenBefore: Double, createdBefore: Double) async throws {
        box.change { s in s.sessions = s.sessions.filter { $0.value.session.lastSeen >= lastSeenBefore && $0.value.session.createdAt >= createdBefore } }
    }
    func count() async throws -> Int { box.read { $0.sessions.count } }
}

struct MemoryLoginAttempts: LoginAttemptClient {
    let box: MemoryDataStore.Box

    func failures(username: String?, address: String, since: Double) async throws -> Int {
        box.read { $0.attempts.filter { $0.address == address && $0.at >= since && (username == nil || $0.username == username) }.count }
    }
    func record(username: String, address: String, at: Double, forgetBefore: Double) async throws {
        box.change { s in
            s.attempts.removeAll { $0.at < forgetBefore }
            s.attempts.append((username, address, at))
        }
    }
    func clear(username: String, address: String) async throws {
        box.change { $0.attempts.removeAll { $0.username == username && $0.address == address } }
    }
}

struct MemoryDelegates: DelegateClient {
    let box: MemoryDataStore.Box
    func delegates(of election: ElectionID) async throws -> [DelegateRecord] { box.read { $0.delegates.filter { $0.electionID == election } } }
    func insert(_ delegates: [DelegateRecord]) async throws {
        try box.change { s in
            for d in delegates {
                // As the database's unique index: one row per member of an election.
                try s.delegates.appendUnique(d, constraint: "delegates.election_id, delegates.member_id") {
                    $0.electionID == d.electionID && $0.memberID == d.memberID
                }
            }
        }
    }
    func update(_ delegate: DelegateRecord) async throws {
        box.change { s in
            if let i = s.delegates.firstIndex(where: { $0.electionID == delegate.electionID && $0.memberID == delegate.memberID }) {
                s.delegates[i] = delegate
            }
        }
    }
}

struct MemoryFiles: FileClient {
    let box: MemoryDataStore.Box
    func usage(of username: String) async throws -> Int {
        box.read { s in
            let staged = s.staged.values.filter { $0.username == username }.reduce(0) { $0 + $1.content.count }
            return s.opinions.filter { $0.recordedBy == username }.flatMap(\.attachments).reduce(staged) { $0 + $1.size }
        }
    }
}

struct MemoryImports: ImportClient {
    let box: MemoryDataStore.Box

    func stage(_ file: StagedImportRecord) async throws { box.change { $0.staged[file.id] = file } }
    func find(_ id: StagedImportID) async throws -> StagedImportRecord? { box.read { $0.staged[id] } }
    func setColumnMap(_ map: [String: String], for id: StagedImportID) async throws { box.change { $0.staged[id]?.columnMap = map } }
    func delete(_ id: StagedImportID) async throws { box.change { _ = $0.staged.removeValue(forKey: id) } }
    func deleteStaged(before: String) async throws { box.change { s in s.staged = s.staged.filter { $0.value.createdAt >= before } } }
    func columnMap(for key: String) async throws -> [String: String] { box.read { $0.columnMaps[key] ?? [:] } }
    func rememberColumnMap(_ map: [String: String], for key: String) async throws {
        box.change { s in
            for (heading, title) in map.prefix(64) { s.columnMaps[key, default: [:]][String(heading.prefix(100))] = title }
        }
    }
}

struct MemoryElections: ElectionClient {
    let box: MemoryDataStore.Box

    func all() async throws -> [ElectionRecord] { box.read { $0.elections.sorted { $0.name < $1.name } } }
    func find(_ id: ElectionID) async throws -> ElectionRecord? { box.read { $0.elections.first { $0.id == id } } }
    func quotas(of election: ElectionID) async throws -> [QuotaRecord] { box.read { $0.quotas.filter { $0.electionID == election } } }
    func replaceQuotas(of election: ElectionID, with quotas: [QuotaRecord]) async throws {
        box.change { s in s.quotas = s.quotas.filter { $0.electionID != election } + quotas }
    }
    func insert(_ election: ElectionRecord) async throws { box.change { $0.elections.append(election) } }
    func insert(_ quotas: [QuotaRecord]) async throws { box.change { $0.quotas += quotas } }
    func count() async throws -> (elections: Int, quotas: Int) { box.read { ($0.elections.count, $0.quotas.count) } }
    func participation(of election: ElectionID) async throws -> [ParticipationRecord] { box.read { $0.participation.filter { $0.electionID == election } } }
    func saveParticipation(_ record: ParticipationRecord) async throws {
        box.change { s in
            s.participation.removeAll { $0.electionID == record.electionID && $0.unitID == record.unitID }
            s.participation.append(record)
        }
    }
}

struct MemoryCandidacies: CandidacyClient {
    let box: MemoryDataStore.Box

    func find(_ id: CandidacyID) async throws -> CandidacyRecord? { box.read { $0.candidacies.first { $0.id == id } } }
    func all(of election: ElectionID) async throws -> [CandidacyRecord] { box.read { $0.candidacies.filter { $0.electionID == election } } }
    func find(election: ElectionID, member: MemberID) async throws -> CandidacyRecord? {
        box.read { $0.candidacies.first { $0.electionID == election && $0.memberID == member } }
    }
    func insert(_ candidacy: CandidacyRecord) async throws {
        try box.change { s in
            try s.candidacies.appendUnique(candidacy, constraint: "candidacies.election_id, candidacies.member_id") {
                $0.electionID == candidacy.electionID && $0.memberID == candidacy.memberID
            }
        }
    }
    func update(_ candidacy: CandidacyRecord) async throws {
        box.change { s in
            if let i = s.candidacies.firstIndex(where: { $0.id == candidacy.id }) { s.candidacies[i] = candidacy }
        }
    }
}

struct MemoryMeetings: MeetingClient {
    let box: MemoryDataStore.Box

    func exclusions(of election: ElectionID, member: MemberID?) async throws -> [ExclusionRecord] {
        box.read { $0.exclusions.filter { $0.electionID == election && (member == nil || $0.memberID == member) } }
    }
    func insert(_ exclusion: ExclusionRecord) async throws {
        try box.change { s in
            try s.exclusions.appendUnique(exclusion, constraint: "meeting_exclusions.election_id, member_id") {
                $0.electionID == exclusion.electionID && $0.memberID == exclusion.memberID
            }
        }
    }
    func deleteExclusion(of member: MemberID, in election: ElectionID) async throws {
        box.change { s in s.exclusions.removeAll { $0.electionID == election && $0.memberID == member } }
    }
    func checkIns(of election: ElectionID, member: MemberID?) async throws -> [CheckInRecord] {
        box.read { $0.checkIns.filter { $0.electionID == election && (member == nil || $0.memberID == member) } }
    }
    func insert(_ checkIn: CheckInRecord) async throws {
        try box.change { s in
            try s.checkIns.appendUnique(checkIn, constraint: "meeting_check_ins.election_id, member_id") {
                $0.electionID == checkIn.electionID && $0.memberID == checkIn.memberID
            }
        }
    }
    func officials(of election: ElectionID) async throws -> [OfficialRecord] { box.read { $0.officials.filter { $0.electionID == election } } }
    func insert(_ official: OfficialRecord) async throws {
        try box.change { s in
            try s.officials.appendUnique(official, constraint: "meeting_officials.election_id, member_id") {
                $0.electionID == official.electionID && $0.memberID == official.memberID
            }
        }
    }
    func rounds(of election: ElectionID) async throws -> [RoundRecord] {
        box.read { $0.rounds.filter { $0.electionID == election }.sorted { $0.number < $1.number } }
    }
    func round(_ id: RoundID) async throws -> RoundRecord? { box.read { $0.rounds.first { $0.id == id } } }
    func insert(_ round: RoundRecord) async throws {
        try box.change { s in
            try s.rounds.appendUnique(round, constraint: "rounds.election_id, number") { $0.electionID == round.electionID && $0.number == round.number }
        }
    }
    func update(_ round: RoundRecord) async throws {
        box.change { s in
            if let i = s.rounds.firstIndex(where: { $0.id == round.id }) {
                s.rounds[i] = round
            }
        }
    }
}

struct MemoryBallotEntry: BallotEntryClient {
    let box: MemoryDataStore.Box

    func batches(of round: RoundID) async throws -> [BatchRecord] { box.read { $0.batches.filter { $0.roundID == round }.sorted { $0.number < $1.number } } }
    func insert(_ batches: [BatchRecord]) async throws {
        try box.change { s in
            for b in batches where s.batches.contains(where: { $0.roundID == b.roundID && $0.number == b.number }) {
                throw MemoryConstraintViolation(description: "UNIQUE constraint failed: ballot_batches.round_id, number \(b.number)")
            }
            s.batches += batches
        }
    }
    func entries(of round: RoundID, batch: Int) async throws -> [BatchEntryRecord] {
        try await entries(of: round).filter { $0.batch == batch }
    }
    func entries(of round: RoundID) async throws -> [BatchEntryRecord] {
        box.read { $0.batchEntries.filter { $0.roundID == round }.sorted { ($0.batch, $0.entry) < ($1.batch, $1.entry) } }
    }
    func insert(_ entry: BatchEntryRecord) async throws {
        try box.change { s in
            try s.batchEntries.appendUnique(entry, constraint: "batch_entries.round_id, batch, entry") {
                $0.roundID == entry.roundID && $0.batch == entry.batch && $0.entry == entry.entry
            }
        }
    }
    func finalise(round: RoundID, batch: Int, entry: Int, at: String) async throws {
        box.change { s in
            for i in s.batchEntries.indices where s.batchEntries[i].roundID == round && s.batchEntries[i].batch == batch && s.batchEntries[i].entry == entry {
                s.batchEntries[i].finalisedAt = at
            }
        }
    }
    func ballots(of round: RoundID, batch: Int) async throws -> [KeyedBallotRecord] {
        box.read { $0.keyedBallots.filter { $0.roundID == round && $0.batch == batch && $0.supersededAt == nil } }
    }
    func ballot(of round: RoundID, batch: Int, entry: Int, number: Int) async throws -> KeyedBallotRecord? {
        box.read { $0.keyedBallots.first { $0.roundID == round && $0.batch == batch && $0.entry == entry && $0.number == number && $0.supersededAt == nil } }
    }
    func ballots(of round: RoundID) async throws -> [KeyedBallotRecord] {
        box.read { $0.keyedBallots.filter { $0.roundID == round && $0.supersededAt == nil } }
    }
    func keyings(of round: RoundID, batch: Int, number: Int) async throws -> [KeyedBallotRecord] {
        box.read { $0.keyedBallots.filter { $0.roundID == round && $0.batch == batch && $0.number == number } }
    }
    func insert(_ ballot: KeyedBallotRecord) async throws {
        try box.change { s in
            try s.keyedBallots.appendUnique(ballot, constraint: "keyed_ballots_current") {
                $0.roundID == ballot.roundID && $0.batch == ballot.batch && $0.entry == ballot.entry && $0.number == ballot.number && $0.supersededAt == nil
            }
        }
    }
    func supersede(round: RoundID, batch: Int, entry: Int, number: Int, at: String) async throws {
        box.change { s in
            for i in s.keyedBallots.indices where s.keyedBallots[i].roundID == round && s.keyedBallots[i].batch == batch && s.keyedBallots[i].entry == entry
                && s.keyedBallots[i].number == number && s.keyedBallots[i].supersededAt == nil {
                s.keyedBallots[i].supersededAt = at
            }
        }
    }
    func resolutions(of round: RoundID, batch: Int) async throws -> [ResolutionRecord] {
        try await resolutions(of: round).filter { $0.batch == batch }
    }
    func resolutions(of round: RoundID) async throws -> [ResolutionRecord] {
        box.read { $0.resolutions.filter { $0.roundID == round } }
    }
    func insert(_ resolution: ResolutionRecord) async throws { box.change { $0.resolutions.append(resolution) } }
}

struct MemoryVetting: VettingClient {
    let box: MemoryDataStore.Box

    func insert(_ opinion: VettingOpinionRecord, contents: [Data]) async throws {
        box.change { s in
            s.opinions.append(opinion)
            for (attachment, content) in zip(opinion.attachments, contents) { s.attachmentContents[attachment.id] = content }
        }
    }
    func opinions(of candidacy: CandidacyID) async throws -> [VettingOpinionRecord] { box.read { $0.opinions.filter { $0.candidacyID == candidacy } } }
    func departmentsHeard(for candidacies: [CandidacyID]) async throws -> [CandidacyID: Set<VettingDepartment>] {
        let wanted = Set(candidacies)
        return box.read { s in
            Dictionary(grouping: s.opinions.filter { wanted.contains($0.candidacyID) }, by: \.candidacyID).mapValues { Set($0.map(\.department)) }
        }
    }
    func attachment(_ id: AttachmentID) async throws -> (opinion: VettingOpinionRecord, name: String, content: Data)? {
        box.read { s in
            guard let opinion = s.opinions.first(where: { $0.attachments.contains { $0.id == id } }),
                  let attachment = opinion.attachments.first(where: { $0.id == id }), let content = s.attachmentContents[id] else { return nil }
            return (opinion, attachment.name, content)
        }
    }
}
