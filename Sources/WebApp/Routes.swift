import Foundation
import Vapor
import Fluent
import Store
import ElectionRules

struct LoginForm: Content {
    var username: String
    var password: String
}

struct LoginPage: Encodable {
    let csrf: String
    let error: String?
    let username: String
}

struct HomePage: Encodable {
    struct ElectionRow: Encodable {
        let name: String
        let seats: Int
        let candidatePlaces: Int
        let marginPercent: String
        let quotas: [QuotaRow]
        let quotaTotal: Int?
    }
    struct QuotaRow: Encodable { let unit: String; let places: Int }
    let showFigures: Bool
    let organizations: Int
    let members: Int
    let fullMembers: Int
    let elections: [ElectionRow]
    let note: String?
}

func routes(_ app: Application) throws {
    app.get("healthz") { req async throws -> Response in
        let name = req.application.storage[DatabaseTargetKey.self]?.name ?? "unknown"
        _ = try await User.query(on: req.db).count()   // the database answers
        return try await ["status": "ok", "database": name].encodeResponse(for: req)
    }

    StaticFiles.register(app)

    app.get("login") { req async throws -> Response in
        if req.auth.has(User.self) { throw Abort.redirect(to: "/") }
        return try await loginPage(req, error: nil, username: "", status: .ok)
    }

    app.post("login") { req async throws -> Response in
        try CSRF.verifyAnonymous(req)
        let form = try req.content.decode(LoginForm.self)
        switch try await Login.attempt(req, username: form.username, password: form.password) {
        case .refused(let message, let status):
            return try await loginPage(req, error: message, username: form.username, status: status)
        case .signedIn:
            break
        }
        return req.redirect(to: "/")
    }

    APIRoutes.register(app)

    let protected = app.grouped(LoginRequired())
    RosterRoutes.register(protected)
    ImportRoutes.register(protected)
    OrganizationPages.register(protected)
    UserRoutes.register(protected)
    AccountRoutes.register(protected)
    protected.post("logout") { req async throws -> Response in
        try CSRF.verify(req)
        let user = try req.auth.require(User.self)
        try await AuditLog.append(.logout, actor: user.username, object: "session", on: req.db)
        req.auth.logout(User.self)
        req.session.destroy()
        return req.redirect(to: "/login")
    }

    protected.get { req async throws -> Response in
        let access = try await Access.current(req)
        return try await req.render("home", access, try await HomePage.load(for: access, on: req.db))
    }
}

extension HomePage {
    /// Each role sees only what it may: the department the city, a unit its own subtree and its
    /// own quota rows; counters and scrutineers (and accounts without an organization) no roster figures.
    static func load(for access: Access, on db: any Database) async throws -> HomePage {
        guard access.can(.viewRoster), let scope = access.ownScope else {
            return HomePage(showFigures: false, organizations: 0, members: 0, fullMembers: 0, elections: [],
                            note: "您的账号（\(access.role.rawValue)）不查看党员名册；选举大会的计票和监票在选举当天使用。")
        }
        let figures = try await MemberDirectory(database: db).figures(scope: scope)
        let units = Dictionary(try await Organization.query(on: db).filter(\.$kind == OrganizationKind.unitCommittee.rawValue).all()
            .map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [ElectionRow] = []
        for election in try await Election.query(on: db).sort(\.$name).all() {
            let all = try await ElectionQuota.query(on: db).filter(\.$electionID == election.id!).all()
            // A unit sees its own row; the total only where all rows are shown.
            let visible = all.filter { units[$0.organizationID].map { scope.contains(path: $0.path) } ?? (scope == .city) }
            let percent = Ratio(decimal: election.marginRatio).map { "\(Decimal($0.numerator * 100) / Decimal($0.denominator))%" } ?? election.marginRatio
            rows.append(.init(name: election.name, seats: election.seats, candidatePlaces: election.candidatePlaces, marginPercent: percent,
                              quotas: visible.map { QuotaRow(unit: units[$0.organizationID]?.name ?? "?", places: $0.places) },
                              quotaTotal: visible.count == all.count ? all.map(\.places).reduce(0, +) : nil))
        }
        return HomePage(showFigures: true, organizations: figures.organizations, members: figures.members, fullMembers: figures.fullMembers,
                        elections: rows, note: scope == .city ? nil : "以下是本单位及下级的数据。")
    }
}

/// Signing in, for the page and the API alike: rate limit, password check, audit.
enum Login {
    enum Outcome { case signedIn(User), refused(String, HTTPStatus) }

    /// Checked when the name is unknown, so that an unknown name takes as long as a wrong password.
    static let standInHash = try! Bcrypt.hash("not a password of anyone")

    static func attempt(_ req: Request, username: String, password: String) async throws -> Outcome {
        let username = String(username.prefix(64)), address = req.clientAddress
        // Refusals count per name and address (LoginThrottle): a stranger locks out only themselves.
        switch try await LoginThrottle.lock(username: username, address: address, on: req.db) {
        case .none: break
        case .nameFromAddress, .address: return .refused("登录失败次数过多，请15分钟后再试", .tooManyRequests)
        }
        let user = try await User.query(on: req.db).filter(\.$username == username).first()
        let hash = user?.passwordHash ?? standInHash
        // bcrypt is slow on purpose: off the event loop.
        let matches = try await req.application.threadPool.runIfActive { try Bcrypt.verify(password, created: hash) }
        guard let user, matches else {
            let lock = try await LoginThrottle.recordFailure(username: username, address: address, on: req.db)
            switch lock {
            case .none: break
            case .nameFromAddress:
                try await AuditLog.append(.loginLockedOut, actor: username, object: "session",
                                          after: "15分钟内从 \(address) 登录失败 \(LoginThrottle.perNameAndAddress) 次：该账号名从此地址锁定15分钟", on: req.db)
            case .address:
                try await AuditLog.append(.loginLockedOut, actor: username, object: "session",
                                          after: "15分钟内从 \(address) 登录失败 \(LoginThrottle.perAddress) 次：此地址锁定15分钟", on: req.db)
            }
            return .refused("用户名或密码不正确", .unauthorized)
        }
        guard !user.disabled else {
            try await AuditLog.append(.loginFailed, actor: username, object: "session", after: "账号已停用", on: req.db)
            return .refused("该账号已停用，请联系组织部", .forbidden)
        }
        // A new session id at login: an id planted before login (session fixation) is worthless after it.
        if let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        req.auth.login(user)
        _ = CSRF.renew(for: req)
        try await LoginThrottle.clear(username: username, address: address, on: req.db)
        try await AuditLog.append(.loginSucceeded, actor: user.username, object: "session", after: "来自 \(address)", on: req.db)
        return .signedIn(user)
    }
}

/// The login form (again, with the reason it was refused). No session is made for it.
private func loginPage(_ req: Request, error: String?, username: String, status: HTTPStatus) async throws -> Response {
    let token = CSRF.anonymousToken(for: req)
    let page = LoginPage(csrf: token, error: error, username: username)
    let response = try await req.view.render("login", page).encodeResponse(for: req)
    response.status = status
    CSRF.setAnonymousCookie(token, on: response, for: req)
    return response
}
