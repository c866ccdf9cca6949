import Foundation
import Vapor
import Core
import Persistence
import Audit
import Accounts
import Documents

/// What a role may do; the organization scope is checked separately (RULES: every route checks
/// role and scope). Switches are exhaustive so a new role must be decided everywhere.
enum Capability: String {
    case viewRoster = "查看党员名册"
    case seeFullIDNumbers = "查看完整身份证号"
    case viewOrganizations = "查看党组织"
    case viewAuditLog = "查看审计日志"
    case editRoster = "修改和导入党员名册"
    case exportRoster = "导出党员名册"
    case manageOrganizations = "调整党组织"
    case manageUsers = "管理用户账号"
    case viewElections = "查看选举"
    case manageElections = "设立选举和分配名额"
    case viewNominations = "查看推荐人选"
    case nominate = "推荐人选和推进环节"
    case backUpDatabase = "备份数据库"
    case runMeeting = "组织选举大会（签到、不计入应到会人数、监票人和计票人）"
    case seeRounds = "查看选举轮次"
    case enterBallots = "录入选票"
    case resolveEntries = "裁定两次录入的差异"
}

struct Access {
    let user: AccountRecord
    let role: UserRole
    /// The organizations this account may see: the city for the department, the account's own
    /// organization's subtree for everyone else; nil when the account has no organization, which
    /// sees nothing beyond its own account (fails closed, never "missing means everything").
    let ownScope: Scope?

    /// The scope an operation needs; refused for an account without one.
    var scope: Scope {
        get throws(WebRefusal) {
            guard let ownScope else { throw WebRefusal(.forbidden, "access.noOrganization", "您的账号没有所属党组织，不能查看或修改党组织的数据，请联系组织部") }
            return ownScope
        }
    }

    func can(_ capability: Capability) -> Bool {
        switch (role, capability) {
        case (.systemAdmin, _): return true
        // The database file is the system's, not the department's business.
        case (_, .backUpDatabase): return false
        case (.departmentAdmin, _): return true
        // Everyone takes part in some election: the list is filtered by scope.
        case (_, .viewElections): return true
        case (_, .manageElections): return false
        // Lists under deliberation: the department and the unit's administrators only.
        case (.unitAdmin, .viewNominations), (.unitAdmin, .nominate), (.unitAdmin, .runMeeting): return true
        case (_, .runMeeting): return false
        // Counters reach entry only, scrutineers entry's differences; neither the roster.
        case (.unitAdmin, .seeRounds), (.counter, .seeRounds), (.scrutineer, .seeRounds), (.counter, .enterBallots), (.scrutineer, .resolveEntries): return true
        case (_, .seeRounds), (_, .enterBallots), (_, .resolveEntries): return false
        case (_, .viewNominations), (_, .nominate): return false
        case (.unitAdmin, .viewRoster), (.unitAdmin, .seeFullIDNumbers), (.unitAdmin, .viewOrganizations),
             (.unitAdmin, .editRoster), (.unitAdmin, .exportRoster), (.unitAdmin, .manageOrganizations): return true
        case (.unitAdmin, .viewAuditLog), (.unitAdmin, .manageUsers): return false
        case (.readOnly, .viewRoster), (.readOnly, .viewOrganizations): return true
        case (.readOnly, .seeFullIDNumbers), (.readOnly, .viewAuditLog), (.readOnly, .editRoster), (.readOnly, .exportRoster),
             (.readOnly, .manageOrganizations), (.readOnly, .manageUsers): return false
        case (.counter, _), (.scrutineer, _): return false
        }
    }

    /// The signed-in user's access, or a refusal that is written to the audit log.
    static func require(_ capability: Capability, for req: Request) async throws -> Access {
        try await require(anyOf: [capability], for: req)
    }

    /// The same, for a request any one of several capabilities allows.
    static func require(anyOf capabilities: [Capability], for req: Request) async throws -> Access {
        let access = try await current(req)
        guard capabilities.contains(where: access.can) else {
            let what = capabilities.map(\.rawValue).joined(separator: "或")
            try await AuditLog.append(.accessRefused, actor: access.user.username, object: "\(req.method.rawValue) \(req.url.path)",
                                      after: "角色「\(access.role.rawValue)」无权\(what)", in: req.data)
            throw WebRefusal(.forbidden, "access.role", "您的角色（\(access.role.rawValue)）无权\(what)")
        }
        return access
    }

    /// The signed-in user's role and scope, whatever they may do.
    static func current(_ req: Request) async throws -> Access {
        let user = try req.auth.require(SignedInUser.self).account
        return Access(user: user, role: user.role, ownScope: try await Accounts.scope(of: user, in: req.data))
    }

    func idNumber(_ number: String) -> String {
        can(.seeFullIDNumbers) ? number : IDNumber.masked(number)
    }
}
