import Foundation
import Vapor
import Fluent
import Store
import ElectionRules

struct MemberListPage: Encodable {
    struct Row: Encodable {
        let id: String, name: String, gender: String, ethnicity: String, idNumber: String
        let birthDate: String, status: String, organization: String, category: String
    }
    struct Option: Encodable { let value: String; let selected: Bool }
    let csrf: String, displayName: String, role: String
    let q: String
    let statuses: [Option], genders: [Option], ethnicities: [Option], categories: [Option], ageBands: [Option]
    let rows: [Row]
    let total: Int, page: Int, pageCount: Int
    let previousQuery: String?, nextQuery: String?
}

struct MemberDetailPage: Encodable {
    struct Honour: Decodable, Encodable { let name: String; let level: String; let year: Int }
    let csrf: String, displayName: String, role: String
    let name: String, gender: String, ethnicity: String, idNumber: String, birthDate: String, joinDate: String
    let status: String, organization: String, position: String, category: String, title: String, titleLevel: String
    let honours: [Honour], npcDeputy: Bool, cppccMember: Bool
}

struct OrganizationTreePage: Encodable {
    struct Row: Encodable { let name: String; let kind: String; let indent: Int; let members: Int; let organizations: Int }
    let csrf: String, displayName: String, role: String
    let rows: [Row]
}

enum RosterRoutes {
    static let statuses = MemberStanding.allCases.map(\.rawValue)
    static let genders = ["男", "女"]
    static let ethnicities = ["汉族", "土家族", "回族", "苗族", "维吾尔族", "白族", "侗族"]
    static let categories = ["领导干部", "专业技术人员", "先进模范人物", "一线工人", "农民", "企业管理人员", "机关工作人员", "离退休人员"]
    static let ageBands: [(label: String, min: Int?, max: Int?)] = [("35岁以下", nil, 35), ("36至50岁", 36, 50), ("51至60岁", 51, 60), ("61岁以上", 61, nil)]

    static func register(_ routes: any RoutesBuilder) {
        routes.get("members", use: list)
        routes.get("members", ":id", use: detail)
        routes.get("organizations", use: tree)
    }

    @Sendable static func list(_ req: Request) async throws -> View {
        let access = try await Access.require(.viewRoster, for: req)
        func param(_ key: String) -> String? {
            guard let value = req.query[String.self, at: key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        var search = MemberSearch()
        search.text = param("q") ?? ""
        search.status = param("status").flatMap { statuses.contains($0) ? $0 : nil }
        search.gender = param("gender").flatMap { genders.contains($0) ? $0 : nil }
        search.ethnicity = param("ethnicity").flatMap { ethnicities.contains($0) ? $0 : nil }
        search.category = param("category").flatMap { categories.contains($0) ? $0 : nil }
        let band = param("age").flatMap { label in ageBands.first { $0.label == label } }
        search.minAge = band?.min
        search.maxAge = band?.max
        search.page = max(1, Int(param("page") ?? "1") ?? 1)
        let result = try await MemberDirectory(database: req.db).search(search, scopePath: access.scopePath)
        func options(_ values: [String], _ selected: String?) -> [MemberListPage.Option] {
            values.map { .init(value: $0, selected: $0 == selected) }
        }
        func query(page: Int) -> String {
            var items = [URLQueryItem(name: "page", value: "\(page)")]
            for key in ["q", "status", "gender", "ethnicity", "category", "age"] {
                if let value = param(key) { items.append(URLQueryItem(name: key, value: value)) }
            }
            var components = URLComponents()
            components.queryItems = items
            return components.percentEncodedQuery ?? ""
        }
        let user = access.user
        let page = MemberListPage(
            csrf: CSRF.token(for: req), displayName: user.displayName, role: user.role, q: search.text,
            statuses: options(statuses, search.status), genders: options(genders, search.gender),
            ethnicities: options(ethnicities, search.ethnicity), categories: options(categories, search.category),
            ageBands: options(ageBands.map(\.label), band?.label),
            rows: result.rows.map { row in
                let m = row.member
                return .init(id: m.id!.uuidString, name: m.name, gender: m.gender, ethnicity: m.ethnicity,
                             idNumber: access.idNumber(m.idNumber), birthDate: m.birthDate, status: m.status,
                             organization: row.organizationName, category: m.category)
            },
            total: result.total, page: result.page, pageCount: result.pageCount,
            previousQuery: result.page > 1 ? query(page: result.page - 1) : nil,
            nextQuery: result.page < result.pageCount ? query(page: result.page + 1) : nil)
        return try await req.view.render("members", page)
    }

    @Sendable static func detail(_ req: Request) async throws -> View {
        let access = try await Access.require(.viewRoster, for: req)
        // Outside the user's scope a member does not exist, for them: 404, not 403.
        guard let id = req.parameters.get("id", as: UUID.self),
              let row = try await MemberDirectory(database: req.db).member(id, scopePath: access.scopePath) else {
            throw Abort(.notFound, reason: "没有这名党员")
        }
        let m = row.member
        let honours = (try? JSONDecoder().decode([MemberDetailPage.Honour].self, from: Data(m.honours.utf8))) ?? []
        let user = access.user
        return try await req.view.render("member", MemberDetailPage(
            csrf: CSRF.token(for: req), displayName: user.displayName, role: user.role,
            name: m.name, gender: m.gender, ethnicity: m.ethnicity, idNumber: access.idNumber(m.idNumber),
            birthDate: m.birthDate, joinDate: m.joinDate, status: m.status, organization: row.organizationName,
            position: m.position, category: m.category, title: m.title, titleLevel: m.titleLevel,
            honours: honours, npcDeputy: m.npcDeputy, cppccMember: m.cppccMember))
    }

    @Sendable static func tree(_ req: Request) async throws -> View {
        let access = try await Access.require(.viewOrganizations, for: req)
        let nodes = try await OrganizationTree.load(on: req.db, scopePath: access.scopePath)
        let user = access.user
        return try await req.view.render("organizations", OrganizationTreePage(
            csrf: CSRF.token(for: req), displayName: user.displayName, role: user.role,
            rows: nodes.prefix(2_000).map { .init(name: $0.organization.name, kind: $0.organization.kind, indent: $0.depth * 24,
                                                  members: $0.members, organizations: $0.organizations) }))
    }
}
