import Foundation
import FluentKit
import SQLKit
import NameOrder

/// The schema, in order. Every entry point (server, demo, audit verify, tests) runs these.
public enum StoreMigrations {
    public static let all: [any AsyncMigration] = [CreateCoreSchema(), CreateImportStaging(), AddMemberSortKey(), AddPasswordChangeFlag(), AddAccountDisabled(), CreateSessions(), CreateLoginAttempts(), CreateAuditCheckpoints(), CreateColumnMaps()]
}

/// Members listed in 姓氏笔画 order by the database: a stored key, filled in for existing rows.
struct AddMemberSortKey: AsyncMigration {
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

struct AddPasswordChangeFlag: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("must_change_password", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("must_change_password").update()
    }
}

struct AddAccountDisabled: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("disabled", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("disabled").update()
    }
}

struct CreateImportStaging: AsyncMigration {
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

struct CreateCoreSchema: AsyncMigration {
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
