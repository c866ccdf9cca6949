import Foundation
import FluentKit
import SQLKit

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
    public func search(_ search: MemberSearch, scopePath: String?) async throws -> MemberPage {
        let query = Member.query(on: database)
            .join(Organization.self, on: \Member.$organizationID == \Organization.$id)
        if let scopePath { query.filter(Organization.self, \.$path =~ scopePath) }
        let text = search.text.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            if text.allSatisfy({ $0.isNumber || $0 == "X" || $0 == "x" }) && text.count >= 6 {
                query.filter(\.$idNumber =~ text.uppercased())
            } else {
                query.group(.or) { or in
                    or.filter(\.$name ~~ text)
                    or.filter(Organization.self, \.$name ~~ text)
                }
            }
        }
        if let status = search.status { query.filter(\.$status == status) }
        if let gender = search.gender { query.filter(\.$gender == gender) }
        if let ethnicity = search.ethnicity { query.filter(\.$ethnicity == ethnicity) }
        if let category = search.category { query.filter(\.$category == category) }
        // Age in full years ≤ max  ⇔  born on or after (reference − max − 1 years) + 1 day.
        if let maxAge = search.maxAge, let bound = Self.shift(search.referenceDate, years: -(maxAge + 1)) {
            query.filter(\.$birthDate > bound)
        }
        if let minAge = search.minAge, let bound = Self.shift(search.referenceDate, years: -minAge) {
            query.filter(\.$birthDate <= bound)
        }
        let total = try await query.copy().count()
        let page = max(1, search.page)
        // 姓氏笔画 order (the stored NameOrder key), then ID number for identical names.
        let members = try await query.sort(\.$sortKey).sort(\.$idNumber)
            .range(((page - 1) * search.pageSize)..<(page * search.pageSize)).all()
        let orgIDs = Set(members.map(\.organizationID))
        let names = Dictionary(try await Organization.query(on: database).filter(\.$id ~~ Array(orgIDs)).all().map { ($0.id!, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        return MemberPage(rows: members.map { MemberRow(member: $0, organizationName: names[$0.organizationID] ?? "") },
                          total: total, page: page, pageSize: search.pageSize)
    }

    /// One member, or nil when it does not exist or lies outside the scope.
    public func member(_ id: UUID, scopePath: String?) async throws -> MemberRow? {
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

    public static func load(on database: any Database, scopePath: String?) async throws -> [Node] {
        var query = Organization.query(on: database)
        if let scopePath { query = query.filter(\.$path =~ scopePath) }
        let organizations = try await query.sort(\.$path).all()
        // Member counts per organization in one grouped query.
        var direct: [UUID: Int] = [:]
        guard let sql = database as? any SQLDatabase else { throw StoreError.configuration("数据库不支持 SQL") }
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
