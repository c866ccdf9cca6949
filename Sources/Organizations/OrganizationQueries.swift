import Foundation
import Core
import Persistence

/// The organization tree with member counts rolled up to every level.
public enum OrganizationTree {
    public struct Node: Sendable {
        public let organization: OrganizationRecord
        public let depth: Int
        public let members: Int
        public let organizations: Int
    }

    public static func load(scope: Scope, in data: any DataStore) async throws -> [Node] {
        let organizations = try await data.organizations.all(in: scope)
        let direct = try await data.members.countsByOrganization()
        var members: [OrganizationID: Int] = [:], children: [OrganizationID: Int] = [:]
        for org in organizations {
            let count = direct[org.id] ?? 0
            // Every ancestor on the path (and the node itself) gets the node's members.
            for ancestor in org.pathIDs {
                members[ancestor, default: 0] += count
                if ancestor != org.id { children[ancestor, default: 0] += 1 }
            }
        }
        // Depth-first, siblings by name, so the page reads like the tree it is.
        let ids = Set(organizations.map(\.id))
        let byParent = Dictionary(grouping: organizations) { org in org.parentID.flatMap { ids.contains($0) ? $0 : nil } }
        var ordered: [Node] = []
        func visit(_ parent: OrganizationID?, depth: Int) {
            for org in (byParent[parent] ?? []).sorted(by: { $0.name.compare($1.name, options: .numeric) == .orderedAscending }) {
                ordered.append(Node(organization: org, depth: depth, members: members[org.id] ?? 0, organizations: children[org.id] ?? 0))
                visit(org.id, depth: depth + 1)
            }
        }
        visit(nil, depth: 0)
        return ordered
    }

    /// One organization in scope with its figures, or nil (outside the scope it does not exist).
    public static func node(_ id: OrganizationID, scope: Scope, in data: any DataStore) async throws -> Node? {
        guard let organization = try await data.organizations.find(id), scope.contains(path: organization.path) else { return nil }
        return try await load(scope: .subtree(path: organization.path), in: data).first { $0.organization.id == id }
    }
}

/// Organizations looked up for pages and forms.
public enum OrganizationLookup {
    /// An organization in scope, or nil.
    public static func find(_ id: OrganizationID, scope: Scope, in data: any DataStore) async throws -> OrganizationRecord? {
        guard let organization = try await data.organizations.find(id), scope.contains(path: organization.path) else { return nil }
        return organization
    }

    /// The organization with this full name (as a form names it), or a refusal naming the field.
    public static func named(_ name: String, field: String, in data: any DataStore) async throws -> OrganizationRecord {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard let organization = try await data.organizations.named(name) else {
            throw Refusal.invalid("organization.name.unknown", "没有名为「\(name)」的党组织，请写全称", field: field)
        }
        return organization
    }

    /// The organization's ancestors the scope may see, top first.
    public static func ancestors(of organization: OrganizationRecord, scope: Scope, in data: any DataStore) async throws -> [OrganizationRecord] {
        try await data.organizations.find(organization.pathIDs.filter { $0 != organization.id })
            .filter { scope.contains(path: $0.path) }
            .sorted { $0.path.count < $1.path.count }
    }

    /// The city committee: the top of the tree the department works on.
    public static func city(in data: any DataStore) async throws -> OrganizationRecord? {
        try await data.organizations.all(in: .city).first { $0.parentID == nil && $0.kind == .cityCommittee && !$0.closed }
    }

    /// Names of these organizations.
    public static func names(_ ids: [OrganizationID], in data: any DataStore) async throws -> [OrganizationID: String] {
        Dictionary(try await data.organizations.find(Array(Set(ids))).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// Open organizations in scope that may have 支部 below them (市委, 区县委, 党委, 总支), in tree order.
    public static func branchParents(scope: Scope, in data: any DataStore) async throws -> [OrganizationRecord] {
        // Higher levels first (区县委 before 党委 before 总支), then by name as the tree lists them.
        Array(try await data.organizations.all(in: scope).filter { !$0.closed && $0.kind != .branch }
            .sorted { ($0.kind.level, $0.name) < ($1.kind.level, $1.name) }.prefix(5_000))
    }
}

/// Open organizations by their full name, for files that name them; with each one's path for
/// the scope check. A file loads only the names it uses; a form asks for its one name.
public struct OrganizationDirectory: Sendable {
    public let byName: [String: OrganizationRecord]
    /// Names that name no organization at all (closed ones exist: those are refused, not created).
    let unknown: Set<String>

    public static func load(names: Set<String>, in data: any DataStore) async throws -> OrganizationDirectory {
        let found = try await data.organizations.named(names)
        let open = found.filter { !$0.closed }
        return OrganizationDirectory(byName: Dictionary(open.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
                                     unknown: names.subtracting(found.map(\.name)))
    }

    public func isUnknown(_ name: String) -> Bool { unknown.contains(name) && !name.isEmpty }

    /// The organization, or why it cannot take members from this user.
    public func resolve(_ name: String, scope: Scope) -> Result<OrganizationRecord, Refusal> {
        Self.check(byName[name], name: name, scope: scope)
    }

    /// The same answer for a single name, with one query instead of the file's names.
    public static func resolve(_ name: String, scope: Scope, in data: any DataStore) async throws -> Result<OrganizationRecord, Refusal> {
        let found = try await data.organizations.named(name)
        return check(found?.closed == false ? found : nil, name: name, scope: scope)
    }

    static func check(_ organization: OrganizationRecord?, name: String, scope: Scope) -> Result<OrganizationRecord, Refusal> {
        guard let organization else {
            return .failure(.invalid("member.organization.unknown", "没有名为「\(name)」的党组织（或已撤销），请写党组织全称，与「党组织」页面一致", field: "organization"))
        }
        guard scope.contains(path: organization.path) else {
            return .failure(.invalid("member.organization.outOfScope", "「\(name)」不在您的管理范围内", field: "organization"))
        }
        return .success(organization)
    }
}
