import Foundation
import Vapor
import Core
import Persistence
import Audit
import Organizations
import Roster
import Accounts
import Documents

// MARK: Shapes

struct APIUser: Content {
    let id: AccountID, username: String, displayName: String, role: UserRole, organizationId: OrganizationID?, disabled: Bool
    init(_ account: AccountRecord) {
        id = account.id; username = account.username; displayName = account.displayName; role = account.role
        organizationId = account.organizationID; disabled = account.disabled
    }
}

struct APISession: Content { let user: APIUser; let csrfToken: String }
struct APILogin: Content { let username: String; let password: String }
struct APIPasswordChange: Content { let current: String; let new: String }
struct APIProblem: Content {
    let row: Int?, column: String?, code: String, message: String
    init(row: Int? = nil, column: String? = nil, code: String, message: String) { self.row = row; self.column = column; self.code = code; self.message = message }
    init(_ error: FileInputError) { self.init(row: error.row, column: error.column, code: error.code, message: error.message) }
}
struct APIProblems: Content { let code: String; let message: String; let problems: [APIProblem] }

struct APIMember: Content {
    let id: MemberID, organizationId: OrganizationID
    let record: RosterRecord
    init(_ member: MemberRecord, _ access: Access) {
        id = member.id; organizationId = member.organizationID
        var record = member.record
        record.idNumber = access.idNumber(record.idNumber)
        self.record = record
    }
}

struct APIMemberPage: Content { let total: Int; let page: Int; let pageCount: Int; let members: [APIMember] }

struct APIOrganization: Content {
    let id: OrganizationID, name: String, kind: OrganizationKind, parentId: OrganizationID?, depth: Int, members: Int, organizations: Int, closed: Bool
    init(_ node: OrganizationTree.Node) {
        let o = node.organization
        id = o.id; name = o.name; kind = o.kind; parentId = o.parentID; depth = node.depth
        members = node.members; organizations = node.organizations; closed = o.closed
    }
}

struct APINewOrganization: Content { let name: String; let kind: String; let parentId: OrganizationID }
struct APIOrganizationChange: Content { let name: String?; let parentId: OrganizationID? }
struct APINewUser: Content { let username: String; let displayName: String; let role: String; let organizationId: OrganizationID? }
struct APIOneTimePassword: Content { let user: APIUser; let oneTimePassword: String }

struct APIImportResult: Content {
    struct MissingOrganization: Content { let name: String; let rows: Int }
    let fileName: String, sha256: String, dataRows: Int, members: Int, imported: Bool
    let problems: [APIProblem]
    /// Organizations the file names that do not exist (created under `createUnder`, or the reason it cannot go ahead).
    let missingOrganizations: [MissingOrganization]
    /// Names of the organizations this import created (on a dry run: would create).
    let organizationsCreated: [String]
    let headerRow: Int
}

struct APIAuditEntry: Content { let seq: Int; let at: String; let actor: String; let action: String; let object: String; let before: String; let after: String }
struct APIAuditPage: Content { let total: Int; let page: Int; let entries: [APIAuditEntry] }

// MARK: Middleware

/// API callers get 401 instead of a redirect to the login page.
struct APISignedIn: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = req.auth.get(SignedInUser.self)?.account, !user.disabled else {
            req.auth.logout(SignedInUser.self)
            throw WebRefusal(.unauthorized, "auth.required", "请先登录（POST /api/v1/session）")
        }
        if user.mustChangePassword && !PasswordChangeFirst.allowed(req) {
            throw WebRefusal(.forbidden, "auth.passwordChangeRequired", "这是管理员发放的一次性密码，请先修改密码（PUT /api/v1/account/password）")
        }
        return try await next.respond(to: req)
    }
}

/// Every API request that changes something carries the session's token in `X-CSRF-Token`
/// (a cross-site form can set neither that header nor a JSON body).
struct APICSRF: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method != .GET && req.method != .HEAD {
            guard let expected = req.session.data[CSRF.sessionKey], let sent = req.headers.first(name: "X-CSRF-Token"),
                  CSRF.constantTimeEqual(expected, sent) else {
                throw WebRefusal(.forbidden, "request.csrf", "缺少或错误的 X-CSRF-Token（登录时返回的 csrfToken）")
            }
        }
        return try await next.respond(to: req)
    }
}

// MARK: Routes

/// The JSON API under /api/v1: the same operations as the pages, through the same rules and
/// the same role and scope checks. Described by /api/v1/openapi.json.
enum APIRoutes {
    static func register(_ app: Application) {
        let api = app.grouped("api", "v1")
        api.get("openapi.json") { req async throws -> Response in
            let response = Response(status: .ok, body: .init(data: try OpenAPIDocument.json()))
            response.headers.contentType = .json
            return response
        }
        api.post("session", use: logIn)
        let signedIn = api.grouped(APISignedIn(), APICSRF())
        signedIn.get("session", use: session)
        signedIn.delete("session", use: logOut)
        signedIn.put("account", "password", use: changePassword)
        signedIn.get("members", use: members)
        signedIn.get("members", ":id", use: member)
        signedIn.put("members", ":id", use: updateMember)
        signedIn.on(.POST, "members", "import", body: .collect(maxSize: ImportRoutes.maxUpload), use: importMembers)
        signedIn.get("members", "export", use: RosterRoutes.export)
        signedIn.get("organizations", use: organizations)
        signedIn.post("organizations", use: createOrganization)
        signedIn.get("organizations", ":id", use: organization)
        signedIn.patch("organizations", ":id", use: changeOrganization)
        signedIn.post("organizations", ":id", "close", use: closeOrganization)
        signedIn.get("users", use: users)
        signedIn.post("users", use: createUser)
        signedIn.post("users", ":id", "password-reset", use: resetPassword)
        signedIn.post("users", ":id", "disable", use: { try await setDisabled($0, true) })
        signedIn.post("users", ":id", "enable", use: { try await setDisabled($0, false) })
        signedIn.get("audit", use: audit)
        ElectionAPI.register(signedIn)
    }

    static func problems(_ list: [FileInputError], status: HTTPStatus, for req: Request) async throws -> Response {
        let body = APIProblems(code: "input.problems", message: "有 \(list.count) 个问题，没有写入", problems: list.map(APIProblem.init))
        return try await body.encodeResponse(status: status, for: req)
    }

    @Sendable static func logIn(_ req: Request) async throws -> Response {
        // JSON only: a cross-site form can post url-encoded fields but not application/json,
        // so no other site can sign a visitor in to an account of its choosing.
        guard req.headers.contentType?.type == "application", req.headers.contentType?.subType == "json" else {
            throw WebRefusal(.unsupportedMediaType, "request.mediaType", "请以 JSON（Content-Type: application/json）提交 {\"username\", \"password\"}")
        }
        let form = try req.content.decode(APILogin.self)
        switch try await Login.attempt(req, username: form.username, password: form.password) {
        case .refused(let refusal, let status): throw WebRefusal(status, refusal.code, refusal.message)
        case .signedIn(let user): return try await APISession(user: APIUser(user), csrfToken: CSRF.token(for: req)).encodeResponse(for: req)
        }
    }

    @Sendable static func session(_ req: Request) async throws -> APISession {
        APISession(user: APIUser(try req.auth.require(SignedInUser.self).account), csrfToken: CSRF.token(for: req))
    }

    @Sendable static func logOut(_ req: Request) async throws -> HTTPStatus {
        try await SignIn.signOut(try req.auth.require(SignedInUser.self).account, in: req.data)
        req.auth.logout(SignedInUser.self)
        req.session.destroy()
        return .noContent
    }

    @Sendable static func changePassword(_ req: Request) async throws -> HTTPStatus {
        let form = try req.content.decode(APIPasswordChange.self)
        try await AccountRoutes.changeOwnPassword(try req.auth.require(SignedInUser.self).account, current: form.current, new: form.new, for: req)
        return .noContent
    }

    @Sendable static func members(_ req: Request) async throws -> APIMemberPage {
        let access = try await Access.require(.viewRoster, for: req)
        let result = try await MemberDirectory.search(RosterRoutes.search(req).0, scope: try access.scope, in: req.data)
        return APIMemberPage(total: result.total, page: result.page, pageCount: result.pageCount, members: result.members.map { APIMember($0, access) })
    }

    @Sendable static func member(_ req: Request) async throws -> APIMember {
        let access = try await Access.require(.viewRoster, for: req)
        return APIMember(try await RosterRoutes.member(req, access), access)
    }

    @Sendable static func updateMember(_ req: Request) async throws -> Response {
        let access = try await Access.require(.editRoster, for: req)
        let member = try await RosterRoutes.member(req, access)
        let record = try req.content.decode(RosterRecord.self)
        if let found = try await MemberEditor.update(member.id, to: record, actor: access.user.username, scope: try access.scope, in: req.data) {
            return try await problems(found, status: .unprocessableEntity, for: req)
        }
        return try await APIMember(try await RosterRoutes.member(req, access), access).encodeResponse(for: req)
    }

    /// The file is the request body; `?fileName=` names it in the audit log; `?dryRun=true` only checks;
    /// `?createUnder=<organization id>` creates the branches the file names that do not exist;
    /// `?columnMap[表头]=列名` maps a heading the importer does not know.
    @Sendable static func importMembers(_ req: Request) async throws -> Response {
        let access = try await Access.require(.editRoster, for: req)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw WebRefusal(.badRequest, "import.body.empty", "请求体应为名册文件（XLSX 或 CSV）") }
        let data = Data(buffer: buffer)
        let fileName = String((req.query[String.self, at: "fileName"] ?? "api-upload").prefix(200))
        let dryRun = req.query[Bool.self, at: "dryRun"] ?? false
        let createUnder = try ImportRoutes.createUnder(req.query[String.self, at: "createUnder"])
        let given = req.query[[String: String].self, at: "columnMap"]
        // Without a mapping, the unit's remembered one applies; a mapping that imports is remembered.
        var columnMap = given ?? [:]
        if given == nil { columnMap = try await ColumnMaps.load(for: try access.scope, in: req.data) }
        let check: RosterImportCheck
        do {
            check = dryRun ? try await RosterImporter.check(data, fileName: fileName, scope: try access.scope, createUnder: createUnder,
                                                            columnMap: columnMap, offload: req.heavy(access.user.username), in: req.data)
                           : try await RosterImporter.commit(data, fileName: fileName, actor: access.user.username, scope: try access.scope,
                                                             createUnder: createUnder, columnMap: columnMap, offload: req.heavy(access.user.username), in: req.data)
        } catch let refused as RosterImportRefused {
            check = refused.check
        } catch let error as FileInputError {
            return try await problems([error], status: .unprocessableEntity, for: req)
        }
        if let given, !dryRun, check.isClean { try await ColumnMaps.remember(given, for: try access.scope, in: req.data) }
        var problems = check.problems.map(APIProblem.init)
        if !check.missingOrganizations.isEmpty && check.createUnder == nil {
            problems.append(.init(code: "roster.organization.missing", message: ImportRoutes.missingMessage(check)))
        }
        let result = APIImportResult(fileName: fileName, sha256: check.sha256, dataRows: check.dataRows, members: check.memberCount,
                                     imported: !dryRun && check.isClean, problems: problems,
                                     missingOrganizations: check.missingOrganizations.map { .init(name: $0.name, rows: $0.rows) },
                                     organizationsCreated: check.createUnder == nil ? [] : check.missingOrganizations.map(\.name),
                                     headerRow: check.headerRow)
        return try await result.encodeResponse(status: check.isClean ? .ok : .unprocessableEntity, for: req)
    }

    @Sendable static func organizations(_ req: Request) async throws -> [APIOrganization] {
        let access = try await Access.require(.viewOrganizations, for: req)
        return try await OrganizationTree.load(scope: try access.scope, in: req.data).map(APIOrganization.init)
    }

    static func organizationNode(_ req: Request, _ access: Access, _ id: OrganizationID) async throws -> APIOrganization {
        guard let node = try await OrganizationTree.node(id, scope: try access.scope, in: req.data) else {
            throw Refusal.notFound("organization.notFound", "没有这个党组织")
        }
        return APIOrganization(node)
    }

    @Sendable static func organization(_ req: Request) async throws -> APIOrganization {
        let access = try await Access.require(.viewOrganizations, for: req)
        return try await organizationNode(req, access, try pathID(req, "党组织"))
    }

    @Sendable static func createOrganization(_ req: Request) async throws -> Response {
        let access = try await Access.require(.manageOrganizations, for: req)
        let form = try req.content.decode(APINewOrganization.self)
        guard let kind = OrganizationKind(rawValue: form.kind) else {
            throw Refusal.invalid("organization.kind.unknown", "kind 应为 \(OrganizationKind.allCases.map(\.rawValue).joined(separator: "、")) 之一", field: "kind")
        }
        let created = try await OrganizationEditor.create(name: form.name, kind: kind, parentID: form.parentId, actor: access.user.username,
                                                          scope: try access.scope, in: req.data)
        return try await organizationNode(req, access, created.id).encodeResponse(status: .created, for: req)
    }

    @Sendable static func changeOrganization(_ req: Request) async throws -> APIOrganization {
        let access = try await Access.require(.manageOrganizations, for: req)
        let id: OrganizationID = try pathID(req, "党组织")
        let change = try req.content.decode(APIOrganizationChange.self)
        if let name = change.name {
            try await OrganizationEditor.rename(id, to: name, actor: access.user.username, scope: try access.scope, in: req.data)
        }
        if let parent = change.parentId {
            try await OrganizationEditor.move(id, under: parent, actor: access.user.username, scope: try access.scope, in: req.data)
        }
        return try await organizationNode(req, access, id)
    }

    @Sendable static func closeOrganization(_ req: Request) async throws -> APIOrganization {
        let access = try await Access.require(.manageOrganizations, for: req)
        let id: OrganizationID = try pathID(req, "党组织")
        try await OrganizationEditor.close(id, actor: access.user.username, scope: try access.scope, in: req.data)
        return try await organizationNode(req, access, id)
    }

    @Sendable static func users(_ req: Request) async throws -> [APIUser] {
        _ = try await Access.require(.manageUsers, for: req)
        return try await Accounts.list(in: req.data).map { APIUser($0.account) }
    }

    @Sendable static func createUser(_ req: Request) async throws -> Response {
        let access = try await Access.require(.manageUsers, for: req)
        let form = try req.content.decode(APINewUser.self)
        guard let role = UserRole(rawValue: form.role) else {
            throw Refusal.invalid("account.role.unknown", "role 应为 \(UserRole.allCases.map(\.rawValue).joined(separator: "、")) 之一", field: "role")
        }
        let (user, password) = try await AccountAdmin.create(
            .init(username: form.username, displayName: form.displayName, role: role, organizationID: form.organizationId),
            by: access.user, hash: req.bcrypt, in: req.data)
        return try await APIOneTimePassword(user: APIUser(user), oneTimePassword: password).encodeResponse(status: .created, for: req)
    }

    @Sendable static func resetPassword(_ req: Request) async throws -> APIOneTimePassword {
        let access = try await Access.require(.manageUsers, for: req)
        let (user, password) = try await AccountAdmin.resetPassword(of: try pathID(req, "用户"), by: access.user, hash: req.bcrypt, in: req.data)
        return APIOneTimePassword(user: APIUser(user), oneTimePassword: password)
    }

    @Sendable static func setDisabled(_ req: Request, _ disabled: Bool) async throws -> APIUser {
        let access = try await Access.require(.manageUsers, for: req)
        return APIUser(try await AccountAdmin.setDisabled(disabled, for: try pathID(req, "用户"), by: access.user, in: req.data))
    }

    @Sendable static func audit(_ req: Request) async throws -> APIAuditPage {
        _ = try await Access.require(.viewAuditLog, for: req)
        let page = max(1, req.query[Int.self, at: "page"] ?? 1)
        let (entries, total) = try await AuditLog.page(page, size: 100, in: req.data)
        return APIAuditPage(total: total, page: page, entries: entries.map {
            .init(seq: $0.seq, at: $0.at, actor: $0.actor, action: $0.action, object: $0.object, before: $0.before, after: $0.after)
        })
    }
}
