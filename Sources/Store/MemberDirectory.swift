import Foundation
import FluentKit
import SQLKit
import Documents
import ElectionRules

/// What a member list shows: search, filters, one page.
public struct MemberSearch: Sendable, Equatable {
    public var text: String = ""
    public var status: String?
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
}

public struct MemberRow: Sendable {
    public let member: Member
    public let organizationName: String

    public var record: RosterRecord { member.record(organizationName: organizationName) }
}

public struct MemberPage: Sendable {
    public let rows: [MemberRow]
    public let total: Int
    public let page: Int
    public let pageSize: Int
    public var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }
}

/// Reading the roster within an organization scope (a unit admin sees only their subtree).
public struct MemberDirectory: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// `scopePath` nil means the whole roster; otherwise an organization's materialized path.
    public func search(_ search: MemberSearch, scope: Scope) async throws -> MemberPage {
        let scopePath = scope.pathPrefix
        let sql = try database.sql()
        let counted = try await filtered(search, scopePath: scopePath, select: sql.select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")).first()
        let total = try counted?.decode(column: "n", as: Int.self) ?? 0
        let page = max(1, search.page)
        let rows = try await filtered(search, scopePath: scopePath, select: Self.memberColumns(sql.select()))
            .orderBy(SQLColumn("sort_key", table: Member.schema)).orderBy(SQLColumn("id_number", table: Member.schema))
            .limit(search.pageSize).offset((page - 1) * search.pageSize)
            .all()
        return MemberPage(rows: try rows.map(Self.memberRow), total: total, page: page, pageSize: search.pageSize)
    }

    /// Where the previous batch ended: the list's order is (sort key, ID number), both indexed.
    public struct Cursor: Sendable, Equatable {
        let sortKey: String, idNumber: String
    }

    public static let batchSize = 5_000

    /// The next `size` members after `cursor`, in list order (keyset paging, so an export of
    /// 300,000 never holds them all); `next` is nil after the last batch.
    public func batch(_ search: MemberSearch, scope: Scope, after cursor: Cursor?, size: Int = batchSize) async throws
        -> (records: [RosterRecord], next: Cursor?) {
        let sql = try database.sql()
        var query = filtered(search, scopePath: scope.pathPrefix, select: Self.memberColumns(sql.select()))
        if let cursor {
            let key = SQLColumn("sort_key", table: Member.schema), id = SQLColumn("id_number", table: Member.schema)
            query = query.where { group in
                group.where(key, .greaterThan, SQLBind(cursor.sortKey))
                    .orWhere { same in same.where(key, .equal, SQLBind(cursor.sortKey)).where(id, .greaterThan, SQLBind(cursor.idNumber)) }
            }
        }
        let rows = try await query.orderBy(SQLColumn("sort_key", table: Member.schema)).orderBy(SQLColumn("id_number", table: Member.schema))
            .limit(size).all().map(Self.memberRow)
        let next = rows.count == size ? rows.last.map { Cursor(sortKey: $0.member.sortKey, idNumber: $0.member.idNumber) } : nil
        return (rows.map(\.record), next)
    }

    /// How many members the search finds in the scope.
    public func count(_ search: MemberSearch, scope: Scope) async throws -> Int {
        try await filtered(search, scopePath: scope.pathPrefix, select: try database.sql().select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The home page's figures for a scope: organizations, members, and full members (who vote).
    public func figures(scope: Scope) async throws -> (organizations: Int, members: Int, fullMembers: Int) {
        var full = MemberSearch()
        full.status = MemberStanding.full.rawValue
        var organizations = Organization.query(on: database)
        if let prefix = scope.pathPrefix { organizations = organizations.filter(\.$path =~ prefix) }
        return (try await organizations.count(), try await count(MemberSearch(), scope: scope), try await count(full, scope: scope))
    }

    /// The search's joins and conditions, one definition for the count, the page and the export.
    func filtered(_ search: MemberSearch, scopePath: String?, select: SQLSelectBuilder) -> SQLSelectBuilder {
        func column(_ name: String, _ table: String = Member.schema) -> SQLColumn { SQLColumn(name, table: table) }
        var query = select.from(Member.schema)
            .join(Organization.schema, on: column("organization_id"), .equal, column("id", Organization.schema))
        if let scopePath { query = query.where(column("path", Organization.schema), .like, SQLBind(scopePath + "%")) }
        let text = search.text.trimmed
        if !text.isEmpty {
            if text.allSatisfy({ $0.isNumber || $0 == "X" || $0 == "x" }) && text.count >= 6 {
                query = query.where(Self.like(column("id_number"), Self.likeEscaped(text.uppercased()) + "%"))
            } else {
                let pattern = "%" + Self.likeEscaped(text) + "%"
                query = query.where { group in
                    group.where(Self.like(column("name"), pattern)).orWhere(Self.like(column("name", Organization.schema), pattern))
                }
            }
        }
        for (field, value) in [("status", search.status), ("gender", search.gender), ("ethnicity", search.ethnicity), ("category", search.category)] {
            if let value { query = query.where(column(field), .equal, SQLBind(value)) }
        }
        // Age in full years ≤ max  ⇔  born on or after (reference − max − 1 years) + 1 day.
        if let maxAge = search.maxAge, let bound = Self.shift(search.referenceDate, years: -(maxAge + 1)) {
            query = query.where(column("birth_date"), .greaterThan, SQLBind(bound))
        }
        if let minAge = search.minAge, let bound = Self.shift(search.referenceDate, years: -minAge) {
            query = query.where(column("birth_date"), .lessThanOrEqual, SQLBind(bound))
        }
        return query
    }

    /// `column LIKE pattern ESCAPE '!'`: what a clerk types is matched literally, `%` and `_` included.
    static func like(_ column: SQLColumn, _ pattern: String) -> SQLQueryString {
        "\(column) LIKE \(bind: pattern) ESCAPE '!'"
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
    }

    static func memberColumns(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
        var select = select
        for name in MemberWriter.columns { select = select.column(SQLColumn(name, table: Member.schema)) }
        return select.column(SQLColumn("name", table: Organization.schema), as: "organization_name")
    }

    static func memberRow(_ row: any SQLRow) throws -> MemberRow {
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        let m = Member()
        m.id = try row.decode(column: "id", as: UUID.self)
        m.name = try text("name"); m.gender = try text("gender"); m.ethnicity = try text("ethnicity")
        m.idNumber = try text("id_number"); m.birthDate = try text("birth_date"); m.joinDate = try text("join_date")
        m.status = try text("status"); m.organizationID = try row.decode(column: "organization_id", as: UUID.self)
        m.position = try text("position"); m.category = try text("category"); m.title = try text("title")
        m.titleLevel = try text("title_level"); m.honours = try text("honours")
        m.npcDeputy = try row.decode(column: "npc_deputy", as: Bool.self)
        m.cppccMember = try row.decode(column: "cppcc_member", as: Bool.self)
        m.sortKey = try text("sort_key")
        return MemberRow(member: m, organizationName: try text("organization_name"))
    }

    /// One member, or nil when it does not exist or lies outside the scope.
    public func member(_ id: UUID, scope: Scope) async throws -> MemberRow? {
        let scopePath = scope.pathPrefix
        guard let member = try await Member.find(id, on: database),
              let organization = try await Organization.find(member.organizationID, on: database) else { return nil }
        if let scopePath, !organization.path.hasPrefix(scopePath) { return nil }
        return MemberRow(member: member, organizationName: organization.name)
    }

    static func shift(_ date: String, years: Int) -> String? {
        let p = date.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return nil }
        // 29 February shifted to a common year becomes 28 February.
        let year = p[0] + years
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let day = p[1] == 2 && p[2] == 29 && !leap ? 28 : p[2]
        return String(format: "%04d-%02d-%02d", year, p[1], day)
    }
}

/// The organization tree with member counts rolled up to every level.
public struct OrganizationTree: Sendable {
    public struct Node: Sendable {
        public let organization: Organization
        public let depth: Int
        public let members: Int
        public let organizations: Int
    }

    public static func load(on database: any Database, scope: Scope) async throws -> [Node] {
        let scopePath = scope.pathPrefix
        var query = Organization.query(on: database)
        if let scopePath { query = query.filter(\.$path =~ scopePath) }
        let organizations = try await query.sort(\.$path).all()
        // Member counts per organization in one grouped query.
        var direct: [UUID: Int] = [:]
        let sql = try database.sql()
        let rows = try await sql.select()
            .column("organization_id")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(Member.schema)
            .groupBy("organization_id")
            .all()
        for row in rows {
            direct[try row.decode(column: "organization_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        var members: [UUID: Int] = [:], children: [UUID: Int] = [:]
        for org in organizations {
            let count = direct[org.id!] ?? 0
            // Every ancestor on the path (and the node itself) gets the node's members.
            for ancestor in org.path.split(separator: "/").compactMap({ UUID(uuidString: String($0)) }) {
                members[ancestor, default: 0] += count
                if ancestor != org.id { children[ancestor, default: 0] += 1 }
            }
        }
        // Depth-first, siblings by name, so the page reads like the tree it is.
        let ids = Set(organizations.compactMap(\.id))
        let byParent = Dictionary(grouping: organizations) { org in org.parentID.flatMap { ids.contains($0) ? $0 : nil } }
        var ordered: [Node] = []
        func visit(_ parent: UUID?, depth: Int) {
            for org in (byParent[parent] ?? []).sorted(by: { $0.name.compare($1.name, options: .numeric) == .orderedAscending }) {
                ordered.append(Node(organization: org, depth: depth, members: members[org.id!] ?? 0, organizations: children[org.id!] ?? 0))
                visit(org.id, depth: depth + 1)
            }
        }
        visit(nil, depth: 0)
        return ordered
    }
}

/// Organizations offered in pickers.
public enum OrganizationPicker {
    /// Open organizations in scope that may have 支部 below them (市委, 区县委, 党委, 总支), in tree order.
    public static func branchParents(scope: Scope, on database: any Database) async throws -> [(id: UUID, name: String)] {
        let scopePath = scope.pathPrefix
        var query = Organization.query(on: database).filter(\.$closed == false).filter(\.$kind != OrganizationKind.branch.rawValue)
        if let scopePath { query = query.filter(\.$path =~ scopePath) }
        // Higher levels first (区县委 before 党委 before 总支), then by name as the tree lists them.
        return try await query.limit(5_000).all()
            .sorted { (OrganizationKind(rawValue: $0.kind)?.level ?? 9, $0.name) < (OrganizationKind(rawValue: $1.kind)?.level ?? 9, $1.name) }
            .map { ($0.id!, $0.name) }
    }
}
