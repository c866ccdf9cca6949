import Foundation
import Vapor
import Fluent
import Store
import Documents

/// What a role may do; the organization scope is checked separately (RULES: every route checks
/// role and scope). Switches are exhaustive so a new role must be decided everywhere.
enum Capability: String {
    case viewRoster = "查看党员名册"
    case seeFullIDNumbers = "查看完整身份证号"
    case viewOrganizations = "查看党组织"
    case viewAuditLog = "查看审计日志"
}

struct Access {
    let user: User
    let role: UserRole
    /// Materialized path of the user's organization; nil = the whole city.
    let scopePath: String?

    func can(_ capability: Capability) -> Bool {
        switch (role, capability) {
        case (.systemAdmin, _), (.departmentAdmin, _): return true
        case (.unitAdmin, .viewRoster), (.unitAdmin, .seeFullIDNumbers), (.unitAdmin, .viewOrganizations): return true
        case (.unitAdmin, .viewAuditLog): return false
        case (.readOnly, .viewRoster), (.readOnly, .viewOrganizations): return true
        case (.readOnly, .seeFullIDNumbers), (.readOnly, .viewAuditLog): return false
        case (.counter, _), (.scrutineer, _): return false
        }
    }

    /// The signed-in user's access, or a refusal that is written to the audit log.
    static func require(_ capability: Capability, for req: Request) async throws -> Access {
        let user = try req.auth.require(User.self)
        guard let role = UserRole(rawValue: user.role) else { throw Abort(.forbidden, reason: "未知角色") }
        var scopePath: String?
        switch role {
        case .systemAdmin, .departmentAdmin:
            scopePath = nil
        case .unitAdmin, .readOnly, .counter, .scrutineer:
            if let id = user.organizationID {
                scopePath = try await Organization.find(id, on: req.db)?.path
            } else if role == .unitAdmin {
                scopePath = "/no-scope/"   // a unit admin without a unit sees nothing
            }
        }
        let access = Access(user: user, role: role, scopePath: scopePath)
        guard access.can(capability) else {
            try await AuditLog.append(.accessRefused, actor: user.username, object: req.url.path,
                                      after: "角色「\(role.rawValue)」无权\(capability.rawValue)", on: req.db)
            throw Abort(.forbidden, reason: "您的角色（\(role.rawValue)）无权\(capability.rawValue)")
        }
        return access
    }

    func idNumber(_ number: String) -> String {
        can(.seeFullIDNumbers) ? number : IDNumber.masked(number)
    }
}
