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
        let quotaTotal: Int
    }
    struct QuotaRow: Encodable { let unit: String; let places: Int }
    let organizations: Int
    let members: Int
    let fullMembers: Int
    let elections: [ElectionRow]
}

func routes(_ app: Application) throws {
    app.get("healthz") { req async throws -> Response in
        let name = req.application.storage[DatabaseTargetKey.self]?.name ?? "unknown"
        _ = try await User.query(on: req.db).count()   // the database answers
        return try await ["status": "ok", "database": name].encodeResponse(for: req)
    }

    app.get("login") { req async throws -> View in
        if req.auth.has(User.self) { throw Abort.redirect(to: "/") }
        return try await req.view.render("login", LoginPage(csrf: CSRF.token(for: req), error: nil, username: ""))
    }

    app.post("login") { req async throws -> Response in
        try CSRF.verify(req)
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
        let units = Dictionary(try await Organization.query(on: req.db).filter(\.$kind == OrganizationKind.unitCommittee.rawValue).all()
            .map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        var rows: [HomePage.ElectionRow] = []
        for election in try await Election.query(on: req.db).sort(\.$name).all() {
            let quotas = try await ElectionQuota.query(on: req.db).filter(\.$electionID == election.id!).all()
                .map { HomePage.QuotaRow(unit: units[$0.organizationID] ?? "?", places: $0.places) }
            let percent = Ratio(decimal: election.marginRatio).map { "\(Decimal($0.numerator * 100) / Decimal($0.denominator))%" } ?? election.marginRatio
            rows.append(.init(name: election.name, seats: election.seats, candidatePlaces: election.candidatePlaces,
                              marginPercent: percent, quotas: quotas, quotaTotal: quotas.map(\.places).reduce(0, +)))
        }
        let page = HomePage(organizations: try await Organization.query(on: req.db).count(),
                            members: try await Member.query(on: req.db).count(),
                            fullMembers: try await Member.query(on: req.db).filter(\.$status == MemberStanding.full.rawValue).count(),
                            elections: rows)
        return try await req.render("home", access, page)
    }
}

/// Signing in, for the page and the API alike: rate limit, password check, audit.
enum Login {
    enum Outcome { case signedIn(User), refused(String, HTTPStatus) }

    static func attempt(_ req: Request, username: String, password: String) async throws -> Outcome {
        // Five refused attempts in 15 minutes lock the name for the rest of that window.
        let window = Date().addingTimeInterval(-15 * 60)
        if try await AuditLog.failedLogins(for: username, since: window, on: req.db) >= 5 {
            try await AuditLog.append(.loginLockedOut, actor: username, object: "session", on: req.db)
            return .refused("登录失败次数过多，请15分钟后再试", .tooManyRequests)
        }
        let user = try await User.query(on: req.db).filter(\.$username == username).first()
        guard let user, try Bcrypt.verify(password, created: user.passwordHash) else {
            try await AuditLog.append(.loginFailed, actor: username, object: "session",
                                      after: "来自 \(req.remoteAddress?.ipAddress ?? "未知地址")", on: req.db)
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
        try await AuditLog.append(.loginSucceeded, actor: user.username, object: "session", on: req.db)
        return .signedIn(user)
    }
}

/// The login form again, with the reason it was refused.
private func loginPage(_ req: Request, error: String, username: String, status: HTTPStatus) async throws -> Response {
    let page = LoginPage(csrf: CSRF.token(for: req), error: error, username: username)
    let response = try await req.view.render("login", page).encodeResponse(for: req)
    response.status = status
    return response
}
