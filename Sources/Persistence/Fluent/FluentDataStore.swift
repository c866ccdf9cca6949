import Foundation
import FluentKit
import SQLKit
import Core
import NameOrder

/// The clients on a Fluent database (SQLite or PostgreSQL).
public struct FluentDataStore: DataStore {
    public let database: any Database

    public init(database: any Database) { self.database = database }

    public var organizations: any OrganizationClient { FluentOrganizations(db: database) }
    public var members: any MemberClient { FluentMembers(db: database) }
    public var accounts: any AccountClient { FluentAccounts(db: database) }
    public var audit: any AuditClient { FluentAudit(db: database) }
    public var sessions: any SessionClient { SQLSessions(db: database) }
    public var loginAttempts: any LoginAttemptClient { SQLLoginAttempts(db: database) }
    public var imports: any ImportClient { FluentImports(db: database) }
    public var elections: any ElectionClient { FluentElections(db: database) }
    public var candidacies: any CandidacyClient { FluentCandidacies(db: database) }
    public var vetting: any VettingClient { FluentVetting(db: database) }
    public var meetings: any MeetingClient { FluentMeetings(db: database) }
    public var ballotEntry: any BallotEntryClient { FluentBallotEntry(db: database) }
    public var files: any FileClient { FluentFiles(db: database) }
    public var delegates: any DelegateClient { FluentDelegates(db: database) }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any DataStore) async throws -> T) async throws -> T {
        try await database.writeTransaction { db in try await body(FluentDataStore(database: db)) }
    }
}

// MARK: Organizations

extension Organization {
    var record: OrganizationRecord {
        OrganizationRecord(id: OrganizationID(id!), name: name, kind: OrganizationKind(rawValue: kind) ?? .branch,
                           parentID: parentID.map(OrganizationID.init), path: path, closed: closed)
    }
}

struct FluentOrganizations: OrganizationClient {
    let db: any Database

    func find(_ id: OrganizationID) async throws -> OrganizationRecord? { try await Organization.find(id.uuid, on: db)?.record }

    func find(_ ids: [OrganizationID]) async throws -> [OrganizationRecord] {
        var found: [OrganizationRecord] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(ids.count, start + 500)].map(\.uuid)
            found += try await Organization.query(on: db).filter(\.$id ~~ chunk).all().map(\.record)
        }
        return found
    }

    func named(_ name: String) async throws -> OrganizationRecord? {
        try await Organization.query(on: db).filter(\.$name == name).first()?.record
    }

    func named(_ names: Set<String>) async throws -> [OrganizationRecord] {
        let all = Array(names)
        var found: [OrganizationRecord] = []
        for start in stride(from: 0, to: all.count, by: 500) {
            found += try await Organization.query(on: db).filter(\.$name ~~ Array(all[start..<min(all.count, start + 500)])).all().map(\.record)
        }
        return found
    }

    func scoped(_ scope: Scope) -> QueryBuilder<Organization> {
        var query = Organization.query(on: db)
        if let prefix = scope.pathPrefix { query = query.filter(\.$path =~ prefix) }
        return query
    }

    func all(in scope: Scope) async throws -> [OrganizationRecord] { try await scoped(scope).sort(\.$path).all().map(\.record) }

    func count(in scope: Scope) async throws -> Int { try await scoped(scope).count() }

    func insert(_ organizations: [OrganizationRecord]) async throws {
        let sql = try db.sql()
        for start in stride(from: 0, to: organizations.count, by: 1_000) {
            var insert = sql.insert(into: Organization.schema).columns("id", "name", "kind", "parent_id", "path", "closed")
            for o in organizations[start..<min(start + 1_000, organizations.count)] {
                insert = insert.values([o.id.uuid, o.name, o.kind.rawValue, o.parentID?.uuid, o.path, o.closed] as [any Encodable & Sendable])
            }
            try await insert.run()
        }
    }

    func rename(_ id: OrganizationID, to name: String) async throws {
        try await Organization.query(on: db).set(\.$name, to: name).filter(\.$id == id.uuid).update()
    }

    func move(_ id: OrganizationID, under parent: OrganizationID, from oldPath: String, to newPath: String) async throws {
        try await db.sql().raw("""
            UPDATE organizations SET path = CAST(\(bind: newPath) AS TEXT) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER))
            WHERE substr(path, 1, CAST(\(bind: oldPath.count) AS INTEGER)) = CAST(\(bind: oldPath) AS TEXT)
            """).run()
        try await Organization.query(on: db).set(\.$parentID, to: parent.uuid).filter(\.$id == id.uuid).update()
    }

    func close(_ id: OrganizationID) async throws {
        try await Organization.query(on: db).set(\.$closed, to: true).filter(\.$id == id.uuid).update()
    }
}

// MARK: Accounts

/// A model written from a record: a new row and a changed row are filled the same way.
protocol RecordModel: Model where IDValue == UUID {
    associatedtype Record
    init()
    func apply(_ record: Record)
}

extension RecordModel {
    static func insert(_ record: Record, id: UUID, on db: any Database) async throws {
        let row = Self()
        row.id = id
        row.apply(record)
        try await row.create(on: db)
    }

    /// Changes the row with this id (nothing when there is none).
    static func update(_ record: Record, id: UUID, on db: any Database) async throws {
        guard let row = try await find(id, on: db) else { return }
        row.apply(record)
        try await row.save(on: db)
    }
}

extension User: RecordModel {
    var record: AccountRecord {
        AccountRecord(id: AccountID(id!), username: username, passwordHash: passwordHash, displayName: displayName,
                      role: UserRole(rawValue: role) ?? .readOnly, organizationID: organizationID.map(OrganizationID.init),
                      mustChangePassword: mustChangePassword, disabled: disabled)
    }

    func apply(_ r: AccountRecord) {
        username = r.username; passwordHash = r.passwordHash; displayName = r.displayName; role = r.role.rawValue
        organizationID = r.organizationID?.uuid; mustChangePassword = r.mustChangePassword; disabled = r.disabled
    }
}

struct FluentAccounts: AccountClient {
    let db: any Database

    func find(_ id: AccountID) async throws -> AccountRecord? { try await User.find(id.uuid, on: db)?.record }
    func named(_ username: String) async throws -> AccountRecord? {
        try await User.query(on: db).filter(\.$username == username).first()?.record
    }
    func all() async throws -> [AccountRecord] { try await User.query(on: db).sort(\.$username).all().map(\.record) }

    func insert(_ account: AccountRecord) async throws { try await User.insert(account, id: account.id.uuid, on: db) }
    func update(_ account: AccountRecord) async throws { try await User.update(account, id: account.id.uuid, on: db) }
}

// MARK: Audit

extension AuditEntry {
    var record: AuditRecord {
        AuditRecord(seq: id ?? 0, at: at, actor: actor, action: action, object: object, before: before, after: after,
                    prevHash: prevHash, hash: hash)
    }
}

struct FluentAudit: AuditClient {
    let db: any Database

    func append(_ make: @escaping @Sendable (String?) -> AuditRecord) async throws -> AuditRecord {
        try await db.writeTransaction { db in
            // Serialize appenders on PostgreSQL so two servers cannot fork the chain.
            if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(7341)").run()
            }
            let last = try await AuditEntry.query(on: db).sort(\.$id, .descending).first()
            let r = make(last?.hash)
            let entry = AuditEntry()
            entry.at = r.at; entry.actor = r.actor; entry.action = r.action; entry.object = r.object
            entry.before = r.before; entry.after = r.after; entry.prevHash = r.prevHash; entry.hash = r.hash
            try await entry.create(on: db)
            return entry.record
        }
    }

    func newest() async throws -> AuditRecord? { try await AuditEntry.query(on: db).sort(\.$id, .descending).first()?.record }
    func find(seq: Int) async throws -> AuditRecord? { try await AuditEntry.find(seq, on: db)?.record }

    func entries(after seq: Int, limit: Int) async throws -> [AuditRecord] {
        try await AuditEntry.query(on: db).filter(\.$id > seq).sort(\.$id, .ascending).limit(limit).all().map(\.record)
    }

    func newest(offset: Int, limit: Int) async throws -> [AuditRecord] {
        try await AuditEntry.query(on: db).sort(\.$id, .descending).range(offset..<(offset + limit)).all().map(\.record)
    }

    func count() async throws -> Int { try await AuditEntry.query(on: db).count() }

    func checkpoint() async throws -> (seq: Int, hash: String)? {
        try await AuditCheckpoint.query(on: db).sort(\.$id, .descending).first().map { ($0.seq, $0.hash) }
    }

    func addCheckpoint(seq: Int, hash: String, at: String) async throws {
        let row = AuditCheckpoint()
        row.seq = seq; row.hash = hash; row.at = at
        try await row.create(on: db)
    }
}

// MARK: Delegates

struct FluentDelegates: DelegateClient {
    let db: any Database

    func delegates(of election: ElectionID) async throws -> [DelegateRecord] {
        try await Delegate.query(on: db).filter(\.$electionID == election.uuid).all().map { row in
            var record = DelegateRecord(electionID: ElectionID(row.electionID), memberID: MemberID(row.memberID), name: row.name,
                                        roundID: RoundID(row.roundID), electedAt: row.electedAt)
            record.qualification = DelegateQualification(rawValue: row.qualification) ?? .pending
            record.verdictReason = row.verdictReason
            record.consequence = DisqualificationConsequence(rawValue: row.consequence)
            record.reviewedBy = row.reviewedBy
            record.reviewedAt = row.reviewedAt
            record.termEnded = row.termEnded
            record.termReason = row.termReason
            return record
        }
    }

    func insert(_ delegates: [DelegateRecord]) async throws {
        for d in delegates {
            let row = Delegate()
            row.electionID = d.electionID.uuid
            row.memberID = d.memberID.uuid
            row.name = d.name
            row.roundID = d.roundID.uuid
            row.electedAt = d.electedAt
            apply(d, to: row)
            try await row.create(on: db)
        }
    }

    func update(_ d: DelegateRecord) async throws {
        guard let row = try await Delegate.query(on: db).filter(\.$electionID == d.electionID.uuid).filter(\.$memberID == d.memberID.uuid).first()
        else { return }
        apply(d, to: row)
        try await row.update(on: db)
    }

    func apply(_ d: DelegateRecord, to row: Delegate) {
        row.qualification = d.qualification.rawValue
        row.verdictReason = d.verdictReason
        row.consequence = d.consequence?.rawValue ?? ""
        row.reviewedBy = d.reviewedBy
        row.reviewedAt = d.reviewedAt
        row.termEnded = d.termEnded
        row.termReason = d.termReason
    }
}

// MARK: Stored files

struct FluentFiles: FileClient {
    let db: any Database
    func usage(of username: String) async throws -> Int { try await FluentStoredFiles(db: db).usage(of: username) }
}

// MARK: Staged imports and column maps

extension StagedImport {
    func record(content: Data) -> StagedImportRecord {
        StagedImportRecord(id: StagedImportID(id!), username: username, fileName: fileName, sha256: sha256, content: content,
                           createdAt: createdAt, columnMap: JSONText.decode(columnMapJSON))
    }
}

struct FluentImports: ImportClient {
    let db: any Database

    func stage(_ file: StagedImportRecord) async throws {
        try await FluentStoredFiles(db: db).put(file.content, sha256: file.sha256)
        let staged = StagedImport()
        staged.id = file.id.uuid; staged.username = file.username; staged.fileName = file.fileName; staged.sha256 = file.sha256
        staged.size = file.content.count; staged.createdAt = file.createdAt; staged.columnMapJSON = JSONText.encode(file.columnMap)
        try await staged.create(on: db)
    }

    func find(_ id: StagedImportID) async throws -> StagedImportRecord? {
        guard let staged = try await StagedImport.find(id.uuid, on: db) else { return nil }
        guard let content = try await FluentStoredFiles(db: db).get(staged.sha256) else {
            throw FluentStoredFiles.damaged(staged.sha256, "文件不在存储中")
        }
        return staged.record(content: content)
    }

    func setColumnMap(_ map: [String: String], for id: StagedImportID) async throws {
        try await StagedImport.query(on: db).set(\.$columnMapJSON, to: JSONText.encode(map)).filter(\.$id == id.uuid).update()
    }

    func delete(_ id: StagedImportID) async throws { try await StagedImport.query(on: db).filter(\.$id == id.uuid).delete() }
    /// Also forgets the stored files nothing names any more (see `FluentStoredFiles.sweep`).
    func deleteStaged(before: String) async throws {
        try await StagedImport.query(on: db).filter(\.$createdAt < before).delete()
        try await FluentStoredFiles(db: db).sweep()
    }

    func columnMap(for key: String) async throws -> [String: String] {
        var map: [String: String] = [:]
        for row in try await db.sql().select().columns("heading", "title").from(Tables.columnMaps)
            .where("scope_key", .equal, SQLBind(key)).limit(64).all() {
            map[try row.decode(column: "heading", as: String.self)] = try row.decode(column: "title", as: String.self)
        }
        return map
    }

    func rememberColumnMap(_ map: [String: String], for key: String) async throws {
        let sql = try db.sql()
        for (heading, title) in map.prefix(64) {
            try await sql.delete(from: Tables.columnMaps).where("scope_key", .equal, SQLBind(key)).where("heading", .equal, SQLBind(heading)).run()
            try await sql.insert(into: Tables.columnMaps).columns("scope_key", "heading", "title")
                .values(SQLBind(key), SQLBind(String(heading.prefix(100))), SQLBind(title)).run()
        }
    }
}

// MARK: Elections

extension Election {
    var record: ElectionRecord {
        ElectionRecord(id: ElectionID(id!), name: name, organizationID: OrganizationID(organizationID),
                       profile: RuleProfile(rawValue: profile) ?? .basic, seats: seats, candidatePlaces: candidatePlaces,
                       marginRatio: Ratio(decimal: marginRatio) ?? Ratio(0, 1), referenceDate: referenceDate,
                       office: Office(rawValue: office), nameOrder: NameConvention(rawValue: nameOrder) ?? .a, settings: settings)
    }
}

struct FluentElections: ElectionClient {
    let db: any Database

    func all() async throws -> [ElectionRecord] { try await Election.query(on: db).sort(\.$name).all().map(\.record) }

    func find(_ id: ElectionID) async throws -> ElectionRecord? { try await Election.find(id.uuid, on: db)?.record }

    func quotas(of election: ElectionID) async throws -> [QuotaRecord] {
        try await ElectionQuota.query(on: db).filter(\.$electionID == election.uuid).all().map {
            QuotaRecord(electionID: ElectionID($0.electionID), organizationID: OrganizationID($0.organizationID), places: $0.places,
                        reason: $0.reason.isEmpty ? nil : $0.reason, seats: $0.seats)
        }
    }

    func replaceQuotas(of election: ElectionID, with quotas: [QuotaRecord]) async throws {
        try await ElectionQuota.query(on: db).filter(\.$electionID == election.uuid).delete()
        try await insert(quotas)
    }

    func insert(_ r: ElectionRecord) async throws {
        let e = Election()
        e.id = r.id.uuid; e.name = r.name; e.organizationID = r.organizationID.uuid; e.profile = r.profile.rawValue
        e.seats = r.seats; e.candidatePlaces = r.candidatePlaces; e.marginRatio = r.marginRatio.description
        e.referenceDate = r.referenceDate; e.office = r.office?.rawValue ?? ""; e.nameOrder = r.nameOrder.rawValue; e.settings = r.settings
        try await e.create(on: db)
    }

    func insert(_ quotas: [QuotaRecord]) async throws {
        for q in quotas {
            try await ElectionQuota(electionID: q.electionID.uuid, organizationID: q.organizationID.uuid, places: q.places, reason: q.reason,
                                    seats: q.seats).create(on: db)
        }
    }

    func count() async throws -> (elections: Int, quotas: Int) {
        (try await Election.query(on: db).count(), try await ElectionQuota.query(on: db).count())
    }

    func participation(of election: ElectionID) async throws -> [ParticipationRecord] {
        try await UnitParticipation.query(on: db).filter(\.$electionID == election.uuid).all().map {
            ParticipationRecord(electionID: ElectionID($0.electionID), unitID: OrganizationID($0.unitID), organizations: $0.organizations,
                                members: $0.members, recordedBy: $0.recordedBy, recordedAt: $0.recordedAt)
        }
    }

    func saveParticipation(_ r: ParticipationRecord) async throws {
        try await UnitParticipation.query(on: db).filter(\.$electionID == r.electionID.uuid).filter(\.$unitID == r.unitID.uuid).delete()
        let row = UnitParticipation()
        row.electionID = r.electionID.uuid; row.unitID = r.unitID.uuid; row.organizations = r.organizations; row.members = r.members
        row.recordedBy = r.recordedBy; row.recordedAt = r.recordedAt
        try await row.create(on: db)
    }
}

/// A string map kept as one JSON text column.
enum JSONText {
    static func encode(_ map: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(map)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A map this program wrote; anything else reads as empty (a damaged row loses its mapping, nothing more).
    static func decode(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}

// MARK: Nominations

extension Candidacy: RecordModel {
    var record: CandidacyRecord {
        var record = CandidacyRecord(id: CandidacyID(id!), electionID: ElectionID(electionID), memberID: MemberID(memberID),
                                     unitID: OrganizationID(unitID),
                                     stage: NominationStage(rawValue: stage) ?? .recommended, supportOrganizations: supportOrganizations,
                                     supportMembers: supportMembers, reason: reason, nominatedBy: nominatedBy, nominatedAt: nominatedAt,
                                     categoryOverride: categoryOverride, categoryReason: categoryReason)
        record.noticeFrom = noticeFrom
        record.noticeUntil = noticeUntil
        record.decision = decision
        return record
    }

    func apply(_ r: CandidacyRecord) {
        electionID = r.electionID.uuid; memberID = r.memberID.uuid; unitID = r.unitID.uuid; stage = r.stage.rawValue
        supportOrganizations = r.supportOrganizations; supportMembers = r.supportMembers; reason = r.reason
        nominatedBy = r.nominatedBy; nominatedAt = r.nominatedAt; categoryOverride = r.categoryOverride; categoryReason = r.categoryReason
        noticeFrom = r.noticeFrom; noticeUntil = r.noticeUntil; decision = r.decision
    }
}

struct FluentCandidacies: CandidacyClient {
    let db: any Database

    func find(_ id: CandidacyID) async throws -> CandidacyRecord? { try await Candidacy.find(id.uuid, on: db)?.record }
    func all(of election: ElectionID) async throws -> [CandidacyRecord] {
        try await Candidacy.query(on: db).filter(\.$electionID == election.uuid).sort(\.$nominatedAt).all().map(\.record)
    }
    func find(election: ElectionID, member: MemberID) async throws -> CandidacyRecord? {
        try await Candidacy.query(on: db).filter(\.$electionID == election.uuid).filter(\.$memberID == member.uuid).first()?.record
    }
    func insert(_ candidacy: CandidacyRecord) async throws { try await Candidacy.insert(candidacy, id: candidacy.id.uuid, on: db) }
    func update(_ candidacy: CandidacyRecord) async throws { try await Candidacy.update(candidacy, id: candidacy.id.uuid, on: db) }
}

// MARK: Vetting

struct FluentMeetings: MeetingClient {
    let db: any Database

    func exclusions(of election: ElectionID, member: MemberID?) async throws -> [ExclusionRecord] {
        var query = MeetingExclusion.query(on: db).filter(\.$electionID == election.uuid)
        if let member { query = query.filter(\.$memberID == member.uuid) }
        return try await query.sort(\.$recordedAt).all().compactMap { row in
            guard let reason = ExclusionReason(rawValue: row.reason) else { return nil }
            return ExclusionRecord(electionID: ElectionID(row.electionID), memberID: MemberID(row.memberID), reason: reason, approvedBy: row.approvedBy,
                                   meetingVote: row.meetingVote, recordedBy: row.recordedBy, recordedAt: row.recordedAt)
        }
    }

    func insert(_ e: ExclusionRecord) async throws {
        let row = MeetingExclusion()
        row.electionID = e.electionID.uuid; row.memberID = e.memberID.uuid; row.reason = e.reason.rawValue; row.approvedBy = e.approvedBy
        row.meetingVote = e.meetingVote; row.recordedBy = e.recordedBy; row.recordedAt = e.recordedAt
        try await row.create(on: db)
    }

    func deleteExclusion(of member: MemberID, in election: ElectionID) async throws {
        try await MeetingExclusion.query(on: db).filter(\.$electionID == election.uuid).filter(\.$memberID == member.uuid).delete()
    }

    func checkIns(of election: ElectionID, member: MemberID?) async throws -> [CheckInRecord] {
        var query = MeetingCheckIn.query(on: db).filter(\.$electionID == election.uuid)
        if let member { query = query.filter(\.$memberID == member.uuid) }
        return try await query.sort(\.$checkedInAt).all().map {
            CheckInRecord(electionID: ElectionID($0.electionID), memberID: MemberID($0.memberID), checkedInBy: $0.checkedInBy, checkedInAt: $0.checkedInAt)
        }
    }

    func insert(_ c: CheckInRecord) async throws {
        let row = MeetingCheckIn()
        row.electionID = c.electionID.uuid; row.memberID = c.memberID.uuid; row.checkedInBy = c.checkedInBy; row.checkedInAt = c.checkedInAt
        try await row.create(on: db)
    }

    func officials(of election: ElectionID) async throws -> [OfficialRecord] {
        try await MeetingOfficial.query(on: db).filter(\.$electionID == election.uuid).sort(\.$recordedAt).all().compactMap { row in
            guard let role = MeetingRole(rawValue: row.role) else { return nil }
            return OfficialRecord(electionID: ElectionID(row.electionID), memberID: MemberID(row.memberID), role: role, approval: row.approval,
                                  recordedBy: row.recordedBy, recordedAt: row.recordedAt)
        }
    }

    func insert(_ o: OfficialRecord) async throws {
        let row = MeetingOfficial()
        row.electionID = o.electionID.uuid; row.memberID = o.memberID.uuid; row.role = o.role.rawValue; row.approval = o.approval
        row.recordedBy = o.recordedBy; row.recordedAt = o.recordedAt
        try await row.create(on: db)
    }
}

extension FluentMeetings {
    func rounds(of election: ElectionID) async throws -> [RoundRecord] {
        try await Round.query(on: db).filter(\.$electionID == election.uuid).sort(\.$number).all().map(record)
    }

    func round(_ id: RoundID) async throws -> RoundRecord? { try await Round.find(id.uuid, on: db).map(record) }

    func insert(_ r: RoundRecord) async throws {
        let row = Round()
        row.id = r.id.uuid; row.electionID = r.electionID.uuid; row.number = r.number; row.kind = r.kind.rawValue; row.seats = r.seats
        row.candidates = String(decoding: try JSONEncoder().encode(r.candidates), as: UTF8.self)
        row.createdBy = r.createdBy; row.createdAt = r.createdAt
        try write(r, to: row)
        try await row.create(on: db)
    }

    func update(_ r: RoundRecord) async throws {
        guard let row = try await Round.find(r.id.uuid, on: db) else { return }
        try write(r, to: row)
        try await row.update(on: db)
    }

    func write(_ r: RoundRecord, to row: Round) throws {
        let l = r.lifecycle
        row.pendingScrutineer = r.pendingScrutineer; row.pendingChair = r.pendingChair
        row.seatReduction = try r.seatReduction.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        row.origin = try r.origin.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        row.office = r.office?.rawValue
        row.approvedOrder = r.approvedOrder
        row.state = l.state.rawValue; row.ballotHash = l.ballotHash; row.expected = l.expected; row.present = l.present
        row.issued = l.issued; row.returned = l.returned; row.chiefScrutineer = l.signedBy?.chiefScrutineer; row.chair = l.signedBy?.chair
    }

    func record(_ row: Round) throws -> RoundRecord {
        guard let kind = RoundKind(rawValue: row.kind), let state = RoundState(rawValue: row.state) else {
            throw ConfigurationError("轮次 \(row.id?.uuidString ?? "") 的类型或状态无法读取")
        }
        let signed = row.chiefScrutineer.flatMap { s in row.chair.map { (chiefScrutineer: s, chair: $0) } }
        var record = RoundRecord(id: RoundID(row.id!), electionID: ElectionID(row.electionID), number: row.number, kind: kind, seats: row.seats,
                                 candidates: try JSONDecoder().decode([RoundRecord.Candidate].self, from: Data(row.candidates.utf8)),
                                 lifecycle: RoundLifecycle(state: state, ballotHash: row.ballotHash, expected: row.expected, present: row.present,
                                                           issued: row.issued, returned: row.returned, signedBy: signed),
                                 createdBy: row.createdBy, createdAt: row.createdAt)
        record.pendingScrutineer = row.pendingScrutineer; record.pendingChair = row.pendingChair
        record.seatReduction = try row.seatReduction.map { try JSONDecoder().decode(SeatReduction.self, from: Data($0.utf8)) }
        record.origin = try row.origin.map { try JSONDecoder().decode(RoundOrigin.self, from: Data($0.utf8)) }
        record.office = try row.office.map { text in
            guard let office = Office(rawValue: text) else { throw ConfigurationError("轮次 \(row.id?.uuidString ?? "") 的职务无法读取") }
            return office
        }
        record.approvedOrder = row.approvedOrder ?? false
        return record
    }
}

struct FluentBallotEntry: BallotEntryClient {
    let db: any Database

    func batches(of round: RoundID) async throws -> [BatchRecord] {
        try await BallotBatch.query(on: db).filter(\.$roundID == round.uuid).sort(\.$number).all()
            .map { BatchRecord(roundID: RoundID($0.roundID), number: $0.number, size: $0.size) }
    }
    func insert(_ batches: [BatchRecord]) async throws {
        for b in batches {
            let row = BallotBatch(); row.roundID = b.roundID.uuid; row.number = b.number; row.size = b.size
            try await row.create(on: db)
        }
    }
    func entries(of round: RoundID, batch: Int) async throws -> [BatchEntryRecord] {
        try await entries(BatchEntry.query(on: db).filter(\.$roundID == round.uuid).filter(\.$batch == batch))
    }
    func entries(of round: RoundID) async throws -> [BatchEntryRecord] {
        try await entries(BatchEntry.query(on: db).filter(\.$roundID == round.uuid))
    }
    func entries(_ query: QueryBuilder<BatchEntry>) async throws -> [BatchEntryRecord] {
        try await query.sort(\.$batch).sort(\.$entry).all()
            .map { BatchEntryRecord(roundID: RoundID($0.roundID), batch: $0.batch, entry: $0.entry, account: $0.account, finalisedAt: $0.finalisedAt) }
    }
    func insert(_ e: BatchEntryRecord) async throws {
        let row = BatchEntry(); row.roundID = e.roundID.uuid; row.batch = e.batch; row.entry = e.entry; row.account = e.account; row.finalisedAt = e.finalisedAt
        try await row.create(on: db)
    }
    func finalise(round: RoundID, batch: Int, entry: Int, at: String) async throws {
        try await BatchEntry.query(on: db).filter(\.$roundID == round.uuid).filter(\.$batch == batch).filter(\.$entry == entry)
            .set(\.$finalisedAt, to: at).update()
    }
    func record(_ r: KeyedBallotRow) -> KeyedBallotRecord {
        KeyedBallotRecord(roundID: RoundID(r.roundID), batch: r.batch, entry: r.entry, number: r.number, content: r.content, keyedBy: r.keyedBy,
                          keyedAt: r.keyedAt, supersededAt: r.supersededAt)
    }
    func ballots(of round: RoundID, batch: Int) async throws -> [KeyedBallotRecord] {
        try await KeyedBallotRow.query(on: db).filter(\.$roundID == round.uuid).filter(\.$batch == batch).filter(\.$supersededAt == nil).all().map(record)
    }
    func ballot(of round: RoundID, batch: Int, entry: Int, number: Int) async throws -> KeyedBallotRecord? {
        try await KeyedBallotRow.query(on: db).filter(\.$roundID == round.uuid).filter(\.$batch == batch).filter(\.$entry == entry)
            .filter(\.$number == number).filter(\.$supersededAt == nil).first().map(record)
    }
    func ballots(of round: RoundID) async throws -> [KeyedBallotRecord] {
        try await KeyedBallotRow.query(on: db).filter(\.$roundID == round.uuid).filter(\.$supersededAt == nil).all().map(record)
    }
    func keyings(of round: RoundID, batch: Int, number: Int) async throws -> [KeyedBallotRecord] {
        try await KeyedBallotRow.query(on: db).filter(\.$roundID == round.uuid).filter(\.$batch == batch).filter(\.$number == number).all().map(record)
    }
    func insert(_ b: KeyedBallotRecord) async throws {
        let row = KeyedBallotRow()
        row.roundID = b.roundID.uuid; row.batch = b.batch; row.entry = b.entry; row.number = b.number; row.content = b.content
        row.keyedBy = b.keyedBy; row.keyedAt = b.keyedAt; row.supersededAt = b.supersededAt
        try await row.create(on: db)
    }
    func supersede(round: RoundID, batch: Int, entry: Int, number: Int, at: String) async throws {
        try await KeyedBallotRow.query(on: db).filter(\.$roundID == round.uuid).filter(\.$batch == batch).filter(\.$entry == entry)
            .filter(\.$number == number).filter(\.$supersededAt == nil).set(\.$supersededAt, to: at).update()
    }
    func resolutions(of round: RoundID, batch: Int) async throws -> [ResolutionRecord] {
        try await resolutions(BatchResolution.query(on: db).filter(\.$roundID == round.uuid).filter(\.$batch == batch))
    }
    func resolutions(of round: RoundID) async throws -> [ResolutionRecord] {
        try await resolutions(BatchResolution.query(on: db).filter(\.$roundID == round.uuid))
    }
    func resolutions(_ query: QueryBuilder<BatchResolution>) async throws -> [ResolutionRecord] {
        try await query.sort(\.$decidedAt).all().compactMap { r in
            guard let decision = ResolutionRecord.Decision(rawValue: r.decision) else { return nil }
            return ResolutionRecord(roundID: RoundID(r.roundID), batch: r.batch, number: r.number, decision: decision, entry: r.entry,
                                    decidedBy: r.decidedBy, decidedAt: r.decidedAt)
        }
    }
    func insert(_ r: ResolutionRecord) async throws {
        let row = BatchResolution()
        row.roundID = r.roundID.uuid; row.batch = r.batch; row.number = r.number; row.decision = r.decision.rawValue; row.entry = r.entry
        row.decidedBy = r.decidedBy; row.decidedAt = r.decidedAt
        try await row.create(on: db)
    }
}

struct FluentVetting: VettingClient {
    let db: any Database

    func insert(_ o: VettingOpinionRecord, contents: [Data]) async throws {
        let row = VettingOpinion()
        row.id = o.id.uuid; row.candidacyID = o.candidacyID.uuid; row.department = o.department.rawValue; row.verdict = o.verdict.rawValue
        row.opinion = o.opinion; row.date = o.date; row.recordedBy = o.recordedBy; row.recordedAt = o.recordedAt
        try await row.create(on: db)
        for (position, (attachment, content)) in zip(o.attachments, contents).enumerated() {
            let file = VettingAttachment()
            file.id = attachment.id.uuid; file.opinionID = o.id.uuid; file.position = position; file.name = attachment.name
            file.sha256 = attachment.sha256; file.size = attachment.size
            try await FluentStoredFiles(db: db).put(content, sha256: attachment.sha256)
            try await file.create(on: db)
        }
    }

    func opinions(of candidacy: CandidacyID) async throws -> [VettingOpinionRecord] {
        try await records(VettingOpinion.query(on: db).filter(\.$candidacyID == candidacy.uuid).sort(\.$recordedAt).all())
    }

    /// The opinions with their files' descriptions (contents are read one at a time, when asked for).
    func records(_ rows: [VettingOpinion]) async throws -> [VettingOpinionRecord] {
        guard !rows.isEmpty else { return [] }
        let files = try await db.sql().select().columns("id", "opinion_id", "position", "name", "sha256", "size").from(VettingAttachment.schema)
            .where(SQLIdentifier("opinion_id"), .in, SQLBind.group(rows.compactMap(\.id))).all()
        var byOpinion: [UUID: [(Int, VettingOpinionRecord.Attachment)]] = [:]
        for f in files {
            let attachment = VettingOpinionRecord.Attachment(id: AttachmentID(try f.decode(column: "id", as: UUID.self)), name: try f.decode(column: "name", as: String.self),
                                                             sha256: try f.decode(column: "sha256", as: String.self), size: try f.decode(column: "size", as: Int.self))
            byOpinion[try f.decode(column: "opinion_id", as: UUID.self), default: []].append((try f.decode(column: "position", as: Int.self), attachment))
        }
        return rows.map { r in
            VettingOpinionRecord(id: VettingOpinionID(r.id!), candidacyID: CandidacyID(r.candidacyID), department: VettingDepartment(rawValue: r.department) ?? .unit,
                                 verdict: VettingVerdict(rawValue: r.verdict) ?? .toVerify, opinion: r.opinion, date: r.date, recordedBy: r.recordedBy,
                                 recordedAt: r.recordedAt, attachments: (byOpinion[r.id!] ?? []).sorted { $0.0 < $1.0 }.map(\.1))
        }
    }

    func departmentsHeard(for candidacies: [CandidacyID]) async throws -> [CandidacyID: Set<VettingDepartment>] {
        var heard: [CandidacyID: Set<VettingDepartment>] = [:]
        for start in stride(from: 0, to: candidacies.count, by: 500) {
            let chunk = candidacies[start..<min(candidacies.count, start + 500)].map(\.uuid)
            for row in try await VettingOpinion.query(on: db).filter(\.$candidacyID ~~ chunk).all() {
                if let department = VettingDepartment(rawValue: row.department) { heard[CandidacyID(row.candidacyID), default: []].insert(department) }
            }
        }
        return heard
    }

    func attachment(_ id: AttachmentID) async throws -> (opinion: VettingOpinionRecord, name: String, content: Data)? {
        guard let file = try await VettingAttachment.find(id.uuid, on: db), let opinion = try await VettingOpinion.find(file.opinionID, on: db),
              let record = try await records([opinion]).first else { return nil }
        guard let content = try await FluentStoredFiles(db: db).get(file.sha256) else { throw FluentStoredFiles.damaged(file.sha256, "文件不在存储中") }
        return (record, file.name, content)
    }
}
