import Foundation
import FluentKit
import SQLKit
import NameOrder
import Core

/// A migration under the name the database has recorded since these lived in the `Store`
/// module ("Store.CreateCoreSchema"): Fluent keys applied migrations by name, so a new module
/// name would make it run them again on an existing database.
protocol StoreMigration: AsyncMigration {}

extension StoreMigration {
    var name: String { "Store.\(Self.self)" }
}

/// The schema, in order. Every entry point (server, demo, audit verify, tests) runs these.
public enum StoreMigrations {
    public static let all: [any AsyncMigration] = [CreateCoreSchema(), CreateImportStaging(), AddMemberSortKey(), AddPasswordChangeFlag(),
                                                   AddAccountDisabled(), CreateSessions(), CreateLoginAttempts(), CreateAuditCheckpoints(), CreateColumnMaps(), AddElectionSetup(), CreateCandidacies(), CreateVetting(), AddCandidacyCategory(), CreateParticipation(), CreateMeetingAttendance(), CreateRounds(), CreateBallotEntry(), AddSeatReduction(), AddRoundOrigin(), AddCandidacyNotice(),
                                                   MoveUploadsToStoredFiles(), AddElectoralUnits(),
                                                   CreateDelegates()]
}

/// Members listed in 姓氏笔画 order by the database: a stored key, filled in for existing rows.
struct AddMemberSortKey: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Member.schema).field("sort_key", .string, .required, .sql(.default(""))).update()
        guard let sql = database as? any SQLDatabase else { return }
        let order = NameOrder()
        let rows = try await sql.select().column("id").column("name").from(Member.schema).all()
        try await database.transaction { db in
            guard let sql = db as? any SQLDatabase else { return }
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self), name = try row.decode(column: "name", as: String.self)
                try await sql.update(Member.schema).set("sort_key", to: order.key(name).storageText).where("id", .equal, id).run()
            }
        }
        try await sql.create(index: "members_sort_key_idx").on(Member.schema).column("sort_key").column("id_number").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "members_sort_key_idx").run() }
        try await database.schema(Member.schema).deleteField("sort_key").update()
    }
}

struct AddPasswordChangeFlag: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("must_change_password", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("must_change_password").update()
    }
}

struct AddAccountDisabled: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("disabled", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("disabled").update()
    }
}

struct CreateImportStaging: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StagedImport.schema)
            .id()
            .field("username", .string, .required)
            .field("file_name", .string, .required)
            .field("sha256", .string, .required)
            .field("content", .data, .required)
            .field("created_at", .string, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "organizations_name_idx").on(Organization.schema).column("name").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StagedImport.schema).delete()
    }
}

struct CreateCoreSchema: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organization.schema)
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("parent_id", .uuid, .references(Organization.schema, .id))
            .field("path", .string, .required)
            .field("closed", .bool, .required)
            .create()
        try await database.schema(Member.schema)
            .id()
            .field("name", .string, .required)
            .field("gender", .string, .required)
            .field("ethnicity", .string, .required)
            .field("id_number", .string, .required)
            .field("birth_date", .string, .required)
            .field("join_date", .string, .required)
            .field("status", .string, .required)
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id))
            .field("position", .string, .required)
            .field("category", .string, .required)
            .field("title", .string, .required)
            .field("title_level", .string, .required)
            .field("honours", .string, .required)
            .field("npc_deputy", .bool, .required)
            .field("cppcc_member", .bool, .required)
            .unique(on: "id_number")
            .create()
        try await database.schema(User.schema)
            .id()
            .field("username", .string, .required)
            .field("password_hash", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("organization_id", .uuid, .references(Organization.schema, .id))
            .unique(on: "username")
            .create()
        try await database.schema(Election.schema)
            .id()
            .field("name", .string, .required)
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id))
            .field("profile", .string, .required)
            .field("seats", .int, .required)
            .field("candidate_places", .int, .required)
            .field("margin_ratio", .string, .required)
            .field("reference_date", .string, .required)
            .field("settings", .string, .required)
            .create()
        try await database.schema(ElectionQuota.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id))
            .field("places", .int, .required)
            .create()
        try await database.schema(AuditEntry.schema)
            .field("seq", .int, .identifier(auto: true))
            .field("at", .string, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("object", .string, .required)
            .field("before", .string, .required)
            .field("after", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        // Searches by organization subtree and by name must stay fast on 300,000 members.
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "members_organization_idx").on(Member.schema).column("organization_id").run()
            try await sql.create(index: "members_name_idx").on(Member.schema).column("name").run()
            try await sql.create(index: "organizations_path_idx").on(Organization.schema).column("path").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [AuditEntry.schema, ElectionQuota.schema, Election.schema, User.schema, Member.schema, Organization.schema] {
            try await database.schema(schema).delete()
        }
    }
}

struct CreateSessions: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Tables.sessions)
            .field("key", .string, .identifier(auto: false))
            .field("data", .string, .required)
            .field("user_id", .uuid)
            .field("created_at", .double, .required)
            .field("last_seen", .double, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "sessions_user_idx").on(Tables.sessions).column("user_id").run()
        try await sql.create(index: "sessions_last_seen_idx").on(Tables.sessions).column("last_seen").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Tables.sessions).delete()
    }
}

struct CreateLoginAttempts: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Tables.loginAttempts)
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("at", .double, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "login_attempts_address_idx").on(Tables.loginAttempts).column("address").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Tables.loginAttempts).delete()
    }
}

struct CreateAuditCheckpoints: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditCheckpoint.schema)
            .field("id", .int, .identifier(auto: true))
            .field("seq", .int, .required)
            .field("hash", .string, .required)
            .field("at", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditCheckpoint.schema).delete()
    }
}

struct CreateColumnMaps: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Tables.columnMaps)
            .field("scope_key", .string, .required)
            .field("heading", .string, .required)
            .field("title", .string, .required)
            .create()
        try await database.schema(StagedImport.schema).field("column_map", .string, .required, .sql(.default("{}"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StagedImport.schema).deleteField("column_map").update()
        try await database.schema(Tables.columnMaps).delete()
    }
}

/// Elections record the office elected and the name-order convention; a hand-set quota its reason.
struct AddElectionSetup: StoreMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema(Election.schema).field("office", .string, .required, .sql(.default(""))).update()
        try await database.schema(Election.schema).field("name_order", .string, .required, .sql(.default("A"))).update()
        try await database.schema(ElectionQuota.schema).field("reason", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ElectionQuota.schema).deleteField("reason").update()
        try await database.schema(Election.schema).deleteField("name_order").update()
        try await database.schema(Election.schema).deleteField("office").update()
    }
}

struct CreateCandidacies: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Candidacy.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("member_id", .uuid, .required, .references(Member.schema, .id))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("stage", .string, .required)
            .field("support_organizations", .int, .required)
            .field("support_members", .int, .required)
            .field("reason", .string, .required)
            .field("nominated_by", .string, .required)
            .field("nominated_at", .string, .required)
            .unique(on: "election_id", "member_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Candidacy.schema).delete()
    }
}

struct CreateVetting: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(VettingOpinion.schema)
            .id()
            .field("candidacy_id", .uuid, .required, .references(Candidacy.schema, .id))
            .field("department", .string, .required)
            .field("verdict", .string, .required)
            .field("opinion", .string, .required)
            .field("date", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .string, .required)
            .create()
        try await database.schema(VettingAttachment.schema)
            .id()
            .field("opinion_id", .uuid, .required, .references(VettingOpinion.schema, .id))
            .field("position", .int, .required)
            .field("name", .string, .required)
            .field("sha256", .string, .required)
            .field("size", .int, .required)
            .field("content", .data, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(VettingAttachment.schema).delete()
        try await database.schema(VettingOpinion.schema).delete()
    }
}

/// Units report how many organizations and members took part in nominating.
struct CreateParticipation: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UnitParticipation.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("organizations", .int, .required)
            .field("members", .int, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .string, .required)
            .unique(on: "election_id", "unit_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UnitParticipation.schema).delete()
    }
}

/// The election meeting: exclusions from E, check-ins, the officers of the count; each member
/// once per election in each.
struct CreateMeetingAttendance: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MeetingExclusion.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("member_id", .uuid, .required, .references(Member.schema, .id))
            .field("reason", .string, .required)
            .field("approved_by", .string, .required)
            .field("meeting_vote", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .string, .required)
            .unique(on: "election_id", "member_id")
            .create()
        try await database.schema(MeetingCheckIn.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("member_id", .uuid, .required, .references(Member.schema, .id))
            .field("checked_in_by", .string, .required)
            .field("checked_in_at", .string, .required)
            .unique(on: "election_id", "member_id")
            .create()
        try await database.schema(MeetingOfficial.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("member_id", .uuid, .required, .references(Member.schema, .id))
            .field("role", .string, .required)
            .field("approval", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .string, .required)
            .unique(on: "election_id", "member_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [MeetingOfficial.schema, MeetingCheckIn.schema, MeetingExclusion.schema] { try await database.schema(schema).delete() }
    }
}

/// Rounds of voting with their lifecycle.
struct CreateRounds: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Round.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("number", .int, .required)
            .field("kind", .string, .required)
            .field("seats", .int, .required)
            .field("candidates", .string, .required)
            .field("state", .string, .required)
            .field("ballot_hash", .string)
            .field("expected", .int)
            .field("present", .int)
            .field("issued", .int)
            .field("returned", .int)
            .field("chief_scrutineer", .string)
            .field("chair", .string)
            .field("pending_scrutineer", .string)
            .field("pending_chair", .string)
            .field("created_by", .string, .required)
            .field("created_at", .string, .required)
            .unique(on: "election_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Round.schema).delete()
    }
}

/// A round's decision to reduce the seats instead of a supplementary election.
struct AddSeatReduction: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Round.schema).field("seat_reduction", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Round.schema).deleteField("seat_reduction").update()
    }
}

/// A follow-up round's origin (the round whose report it follows), every round's office and whether it keeps the approved order.
struct AddRoundOrigin: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Round.schema).field("origin", .string).update()
        try await database.schema(Round.schema).field("office", .string).update()
        try await database.schema(Round.schema).field("approved_order", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Round.schema).deleteField("approved_order").update()
        try await database.schema(Round.schema).deleteField("office").update()
        try await database.schema(Round.schema).deleteField("origin").update()
    }
}

/// A list's 公示: its first and last day on each nomination.
struct AddCandidacyNotice: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Candidacy.schema).field("notice_from", .string).update()
        try await database.schema(Candidacy.schema).field("notice_until", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Candidacy.schema).deleteField("notice_until").update()
        try await database.schema(Candidacy.schema).deleteField("notice_from").update()
    }
}

/// Ballot entry: batches, entries, every keying, the scrutineers' decisions.
struct CreateBallotEntry: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BallotBatch.schema)
            .id()
            .field("round_id", .uuid, .required, .references(Round.schema, .id))
            .field("number", .int, .required)
            .field("size", .int, .required)
            .unique(on: "round_id", "number")
            .create()
        try await database.schema(BatchEntry.schema)
            .id()
            .field("round_id", .uuid, .required, .references(Round.schema, .id))
            .field("batch", .int, .required)
            .field("entry", .int, .required)
            .field("account", .string, .required)
            .field("finalised_at", .string)
            .unique(on: "round_id", "batch", "entry")
            .create()
        try await database.schema(KeyedBallotRow.schema)
            .id()
            .field("round_id", .uuid, .required, .references(Round.schema, .id))
            .field("batch", .int, .required)
            .field("entry", .int, .required)
            .field("number", .int, .required)
            .field("content", .string, .required)
            .field("keyed_by", .string, .required)
            .field("keyed_at", .string, .required)
            .field("superseded_at", .string)
            .create()
        try await database.schema(BatchResolution.schema)
            .id()
            .field("round_id", .uuid, .required, .references(Round.schema, .id))
            .field("batch", .int, .required)
            .field("number", .int, .required)
            .field("decision", .string, .required)
            .field("entry", .int, .required)
            .field("decided_by", .string, .required)
            .field("decided_at", .string, .required)
            .create()
        // At most one current keying of a ballot per entry: the database refuses a second.
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE UNIQUE INDEX keyed_ballots_current ON keyed_ballots (round_id, batch, entry, number) WHERE superseded_at IS NULL").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [BatchResolution.schema, KeyedBallotRow.schema, BatchEntry.schema, BallotBatch.schema] { try await database.schema(schema).delete() }
    }
}

/// A nomination's composition category may be set by hand, with its reason.
struct AddCandidacyCategory: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Candidacy.schema).field("category_override", .string, .required, .sql(.default(""))).update()
        try await database.schema(Candidacy.schema).field("category_reason", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Candidacy.schema).deleteField("category_reason").update()
        try await database.schema(Candidacy.schema).deleteField("category_override").update()
    }
}

/// Uploaded files leave the tables that name them for the content-addressed store
/// (`FluentStoredFiles`): each existing staged roster and attachment is stored there, then the
/// `content` columns go. A staged roster keeps its size, for the per-account quota.
struct MoveUploadsToStoredFiles: StoreMigration {
    static let tables = [StagedImport.schema, VettingAttachment.schema]

    func prepare(on database: any Database) async throws {
        try await database.schema(FluentStoredFiles.table)
            .field("sha256", .string, .identifier(auto: false))
            .field("size", .int, .required)
            .field("object", .int64)
            .field("stored_at", .string, .required)
            .create()
        try await database.schema(StagedImport.schema).field("size", .int, .required, .sql(.default(0))).update()
        try await database.transaction { db in
            let sql = db as! any SQLDatabase, files = FluentStoredFiles(db: db)
            for table in Self.tables {
                for row in try await sql.select().column("id").from(table).all() {
                    let id = try row.decode(column: "id", as: UUID.self)
                    guard let found = try await sql.select().columns("sha256", "content").from(table).where("id", .equal, id).first() else { continue }
                    let content = try found.decode(column: "content", as: Data.self)
                    // The name is the content's: an older row's recorded digest is not trusted unread.
                    let sha256 = FluentStoredFiles.sha256(content)
                    try await files.put(content, sha256: sha256)
                    try await sql.update(table).set("sha256", to: sha256).where("id", .equal, id).run()
                    if table == StagedImport.schema { try await sql.update(table).set("size", to: content.count).where("id", .equal, id).run() }
                }
            }
        }
        for table in Self.tables { try await database.schema(table).deleteField("content").update() }
    }

    func revert(on database: any Database) async throws {
        for table in Self.tables { try await database.schema(table).field("content", .data).update() }
        let sql = database as! any SQLDatabase, files = FluentStoredFiles(db: database)
        for table in Self.tables {
            for row in try await sql.select().columns("id", "sha256").from(table).all() {
                let content = try await files.get(try row.decode(column: "sha256", as: String.self)) ?? Data()
                try await sql.update(table).set("content", to: content).where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
            }
        }
        try await database.schema(StagedImport.schema).deleteField("size").update()
        try await files.forgetAll()
        try await database.schema(FluentStoredFiles.table).delete()
    }
}

/// Electoral units (RULES §13): a unit's delegate seats beside its candidate places, and the
/// convening committee's decision that made a unit's list its candidates (正式候选人).
struct AddElectoralUnits: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ElectionQuota.schema).field("seats", .int).update()
        try await database.schema(Candidacy.schema).field("decision", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Candidacy.schema).deleteField("decision").update()
        try await database.schema(ElectionQuota.schema).deleteField("seats").update()
    }
}

/// The delegate body: who each announced round elected, their review and term.
struct CreateDelegates: StoreMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Delegate.schema)
            .id()
            .field("election_id", .uuid, .required, .references(Election.schema, .id))
            .field("member_id", .uuid, .required, .references(Member.schema, .id))
            .field("name", .string, .required)
            .field("round_id", .uuid, .required, .references(Round.schema, .id))
            .field("elected_at", .string, .required)
            .field("qualification", .string, .required)
            .field("verdict_reason", .string, .required)
            .field("consequence", .string, .required)
            .field("reviewed_by", .string, .required)
            .field("reviewed_at", .string, .required)
            .field("term_ended", .string)
            .field("term_reason", .string, .required)
            .unique(on: "election_id", "member_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Delegate.schema).delete()
    }
}
