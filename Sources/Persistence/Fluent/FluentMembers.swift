import Foundation
import FluentKit
import SQLKit
import Core
import Documents
import NameOrder

/// Members through SQLKit: the searches, counts and bulk inserts of a 300,000-member roster
/// are single statements, not model loads.
struct FluentMembers: MemberClient {
    let db: any Database

    /// Rows per INSERT: 17 columns × 1,000 rows stays under SQLite's and PostgreSQL's bind limits.
    static let insertBatch = 1_000
    static let columns = ["id", "name", "gender", "ethnicity", "id_number", "birth_date", "join_date", "status", "organization_id",
                          "position", "category", "title", "title_level", "honours", "npc_deputy", "cppcc_member", "sort_key"]

    func search(_ search: MemberSearch, in scope: Scope) async throws -> MemberPage {
        let total = try await count(search, in: scope)
        let page = max(1, search.page)
        let rows = try await filtered(search, scope, select: memberColumns(try db.sql().select()))
            .orderBy(column("sort_key")).orderBy(column("id_number"))
            .limit(search.pageSize).offset((page - 1) * search.pageSize)
            .all()
        return MemberPage(members: try rows.map(Self.member), total: total, page: page, pageSize: search.pageSize)
    }

    func batch(_ search: MemberSearch, in scope: Scope, after cursor: MemberCursor?, size: Int) async throws
        -> (members: [MemberRecord], last: MemberCursor?) {
        var query = filtered(search, scope, select: memberColumns(try db.sql().select()).column(column("sort_key")))
        if let cursor {
            let key = column("sort_key"), id = column("id_number")
            query = query.where { group in
                group.where(key, .greaterThan, SQLBind(cursor.sortKey))
                    .orWhere { same in same.where(key, .equal, SQLBind(cursor.sortKey)).where(id, .greaterThan, SQLBind(cursor.idNumber)) }
            }
        }
        let rows = try await query.orderBy(column("sort_key")).orderBy(column("id_number")).limit(size).all()
        let last = try rows.last.map { MemberCursor(sortKey: try $0.decode(column: "sort_key", as: String.self),
                                                    idNumber: try $0.decode(column: "id_number", as: String.self)) }
        return (try rows.map(Self.member), last)
    }

    func count(_ search: MemberSearch, in scope: Scope) async throws -> Int {
        try await filtered(search, scope, select: try db.sql().select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"))
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func find(_ id: MemberID) async throws -> MemberRecord? {
        try await memberColumns(try db.sql().select()).from(Member.schema)
            .join(Organization.schema, on: column("organization_id"), .equal, SQLColumn("id", table: Organization.schema))
            .where(column("id"), .equal, SQLBind(id.uuid)).first().map(Self.member)
    }

    func find(_ ids: [MemberID]) async throws -> [MemberRecord] {
        var found: [MemberRecord] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            found += try await memberColumns(try db.sql().select()).from(Member.schema)
                .join(Organization.schema, on: column("organization_id"), .equal, SQLColumn("id", table: Organization.schema))
                .where(column("id"), .in, SQLBind.group(ids[start..<min(ids.count, start + 500)].map(\.uuid))).all().map(Self.member)
        }
        return found
    }

    func existing(idNumbers numbers: [String]) async throws -> Set<String> {
        let sql = try db.sql()
        var found = Set<String>()
        for start in stride(from: 0, to: numbers.count, by: 500) {
            let chunk = Array(numbers[start..<min(numbers.count, start + 500)])
            for row in try await sql.select().column("id_number").from(Member.schema)
                .where(SQLIdentifier("id_number"), .in, SQLBind.group(chunk)).all() {
                found.insert(try row.decode(column: "id_number", as: String.self))
            }
        }
        return found
    }

    func idNumberTaken(_ idNumber: String, except: MemberID?) async throws -> Bool {
        var query = Member.query(on: db).filter(\.$idNumber == idNumber)
        if let except { query = query.filter(\.$id != except.uuid) }
        return try await query.count() > 0
    }

    func insert(_ members: [MemberRecord]) async throws {
        let sql = try db.sql()
        for start in stride(from: 0, to: members.count, by: Self.insertBatch) {
            var insert = sql.insert(into: Member.schema).columns(Self.columns)
            for m in members[start..<min(start + Self.insertBatch, members.count)] {
                insert = insert.values(Self.values(m))
            }
            try await insert.run()
        }
    }

    func update(_ m: MemberRecord) async throws {
        var update = try db.sql().update(Member.schema)
        for (name, value) in zip(Self.columns, Self.values(m)).dropFirst() { update = update.set(SQLIdentifier(name), to: SQLBind(value)) }
        try await update.where("id", .equal, SQLBind(m.id.uuid)).run()
    }

    func countsByOrganization() async throws -> [OrganizationID: Int] {
        var counts: [OrganizationID: Int] = [:]
        for row in try await db.sql().select().column("organization_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(Member.schema).groupBy("organization_id").all() {
            counts[OrganizationID(try row.decode(column: "organization_id", as: UUID.self))] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    func count(inOrganizations ids: [OrganizationID]) async throws -> Int {
        var total = 0
        for start in stride(from: 0, to: ids.count, by: 500) {
            total += try await Member.query(on: db).filter(\.$organizationID ~~ ids[start..<min(ids.count, start + 500)].map(\.uuid)).count()
        }
        return total
    }

    func count() async throws -> Int { try await Member.query(on: db).count() }

    // MARK: SQL pieces

    func column(_ name: String, _ table: String = Member.schema) -> SQLColumn { SQLColumn(name, table: table) }

    /// The search's joins and conditions, one definition for the count, the page and the export.
    func filtered(_ search: MemberSearch, _ scope: Scope, select: SQLSelectBuilder) -> SQLSelectBuilder {
        var query = select.from(Member.schema)
            .join(Organization.schema, on: column("organization_id"), .equal, column("id", Organization.schema))
        if let prefix = scope.pathPrefix { query = query.where(column("path", Organization.schema), .like, SQLBind(prefix + "%")) }
        let text = search.text.trimmed
        if let idPrefix = search.idNumberPrefix {
            query = query.where(Self.like(column("id_number"), Self.likeEscaped(idPrefix) + "%"))
        } else if !text.isEmpty {
            let pattern = "%" + Self.likeEscaped(text) + "%"
            query = query.where { group in
                group.where(Self.like(column("name"), pattern)).orWhere(Self.like(column("name", Organization.schema), pattern))
            }
        }
        for (field, value) in [("status", search.status?.rawValue), ("gender", search.gender), ("ethnicity", search.ethnicity), ("category", search.category)] {
            if let value { query = query.where(column(field), .equal, SQLBind(value)) }
        }
        if let bound = search.bornAfter { query = query.where(column("birth_date"), .greaterThan, SQLBind(bound)) }
        if let bound = search.bornOnOrBefore { query = query.where(column("birth_date"), .lessThanOrEqual, SQLBind(bound)) }
        return query
    }

    /// `column LIKE pattern ESCAPE '!'`: what a clerk types is matched literally, `%` and `_` included.
    static func like(_ column: SQLColumn, _ pattern: String) -> SQLQueryString {
        "\(column) LIKE \(bind: pattern) ESCAPE '!'"
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
    }

    func memberColumns(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
        var select = select
        for name in Self.columns where name != "sort_key" { select = select.column(column(name)) }
        return select.column(SQLColumn("name", table: Organization.schema), as: "organization_name")
    }

    static func member(_ row: any SQLRow) throws -> MemberRecord {
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        var r = RosterRecord()
        r.name = try text("name"); r.gender = try text("gender"); r.ethnicity = try text("ethnicity")
        r.idNumber = try text("id_number"); r.birthDate = try text("birth_date"); r.joinDate = try text("join_date")
        r.status = try text("status"); r.organization = try text("organization_name")
        r.position = try text("position"); r.category = try text("category"); r.title = try text("title")
        r.titleLevel = try text("title_level"); r.honours = RosterRecord.honours(fromJSON: try text("honours"))
        r.npcDeputy = try row.decode(column: "npc_deputy", as: Bool.self)
        r.cppccMember = try row.decode(column: "cppcc_member", as: Bool.self)
        return MemberRecord(id: MemberID(try row.decode(column: "id", as: UUID.self)),
                            organizationID: OrganizationID(try row.decode(column: "organization_id", as: UUID.self)), record: r)
    }

    static func values(_ m: MemberRecord) -> [any Encodable & Sendable] {
        let r = m.record
        return [m.id.uuid, r.name, r.gender, r.ethnicity, r.idNumber, r.birthDate, r.joinDate, r.status,
                m.organizationID.uuid, r.position, r.category, r.title, r.titleLevel, r.honoursJSON,
                r.npcDeputy, r.cppccMember, MemberOrder.sortKey(r.name)]
    }
}

/// The order member lists come in: 姓氏笔画 by a stored key (so the database sorts), then ID number.
public enum MemberOrder {
    static let nameOrder = NameOrder()
    public static func sortKey(_ name: String) -> String { nameOrder.key(name).storageText }
}

// MARK: Sessions and sign-in refusals (SQLKit tables)

struct SQLSessions: SessionClient {
    let db: any Database

    func insert(key: String, _ s: SessionRecord, accountID: AccountID?) async throws {
        try await db.sql().insert(into: Tables.sessions)
            .columns("key", "data", "user_id", "created_at", "last_seen")
            .values(SQLBind(key), SQLBind(JSONText.encode(s.data)), SQLBind(accountID?.uuid), SQLBind(s.createdAt), SQLBind(s.lastSeen))
            .run()
    }

    func find(key: String) async throws -> SessionRecord? {
        guard let row = try await db.sql().select().columns("data", "created_at", "last_seen").from(Tables.sessions)
            .where("key", .equal, SQLBind(key)).first() else { return nil }
        return SessionRecord(data: JSONText.decode(try row.decode(column: "data", as: String.self)),
                             createdAt: try row.decode(column: "created_at", as: Double.self),
                             lastSeen: try row.decode(column: "last_seen", as: Double.self))
    }

    func update(key: String, data: [String: String], accountID: AccountID?, lastSeen: Double) async throws {
        try await db.sql().update(Tables.sessions)
            .set("data", to: SQLBind(JSONText.encode(data))).set("user_id", to: SQLBind(accountID?.uuid)).set("last_seen", to: SQLBind(lastSeen))
            .where("key", .equal, SQLBind(key)).run()
    }

    func delete(key: String) async throws {
        try await db.sql().delete(from: Tables.sessions).where("key", .equal, SQLBind(key)).run()
    }

    func delete(accountID: AccountID, exceptKey: String?) async throws {
        var query = try db.sql().delete(from: Tables.sessions).where("user_id", .equal, SQLBind(accountID.uuid))
        if let exceptKey { query = query.where("key", .notEqual, SQLBind(exceptKey)) }
        try await query.run()
    }

    func deleteExpired(lastSeenBefore: Double, createdBefore: Double) async throws {
        try await db.sql().delete(from: Tables.sessions)
            .where("last_seen", .lessThan, SQLBind(lastSeenBefore)).orWhere("created_at", .lessThan, SQLBind(createdBefore)).run()
    }

    func count() async throws -> Int {
        try await db.sql().select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Tables.sessions).first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}

struct SQLLoginAttempts: LoginAttemptClient {
    let db: any Database

    func failures(username: String?, address: String, since: Double) async throws -> Int {
        var query = try db.sql().select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Tables.loginAttempts)
            .where("address", .equal, SQLBind(address)).where("at", .greaterThanOrEqual, SQLBind(since))
        if let username { query = query.where("username", .equal, SQLBind(username)) }
        return try await query.first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func record(username: String, address: String, at: Double, forgetBefore: Double) async throws {
        let sql = try db.sql()
        try await sql.delete(from: Tables.loginAttempts).where("at", .lessThan, SQLBind(forgetBefore)).run()
        try await sql.insert(into: Tables.loginAttempts).columns("username", "address", "at")
            .values(SQLBind(username), SQLBind(address), SQLBind(at)).run()
    }

    func clear(username: String, address: String) async throws {
        try await db.sql().delete(from: Tables.loginAttempts).where("username", .equal, SQLBind(username))
            .where("address", .equal, SQLBind(address)).run()
    }
}
