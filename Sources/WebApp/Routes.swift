import Foundation
import Vapor
import Core
import Audit
import Persistence
import Roster
import Accounts
import Elections

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
        _ = try await AuditLog.head(in: req.data)   // the database answers
        return try await ["status": "ok", "database": name].encodeResponse(for: req)
    }

    StaticFiles.register(app)

    app.get("login") { req async throws -> Response in
        if req.auth.has(SignedInUser.self) { throw Abort.redirect(to: "/") }
        return try await loginPage(req, error: nil, username: "", status: .ok)
    }

    app.post("login") { req async throws -> Response in
        try CSRF.verifyAnonymous(req)
        let form = try req.content.decode(LoginForm.self)
        switch try await Login.attempt(req, username: form.username, password: form.password) {
        case .refused(let refusal, let status):
            return try await loginPage(req, error: refusal.message, username: form.username, status: status)
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
    ElectionPages.register(protected)
    protected.post("logout") { req async throws -> Response in
        try CSRF.verify(req)
        try await SignIn.signOut(try req.auth.require(SignedInUser.self).account, in: req.data)
        req.auth.logout(SignedInUser.self)
        req.session.destroy()
        return req.redirect(to: "/login")
    }

    protected.get { req async throws -> Response in
        let access = try await Access.current(req)
        return try await req.render("home", access, try await HomePage.load(for: access, in: req.data))
    }
}

extension HomePage {
    /// Each role sees only what it may: the department the city, a unit its own subtree and its
    /// own quota rows; counters and scrutineers (and accounts without an organization) no roster figures.
    static func load(for access: Access, in data: any DataStore) async throws -> HomePage {
        guard access.can(.viewRoster), let scope = access.ownScope else {
            return HomePage(showFigures: false, organizations: 0, members: 0, fullMembers: 0, elections: [],
                            note: "您的账号（\(access.role.rawValue)）不查看党员名册；选举大会的计票和监票在选举当天使用。")
        }
        let figures = try await MemberDirectory.figures(scope: scope, in: data)
        let rows = try await ElectionOverview.list(scope: scope, in: data).map { election in
            ElectionRow(name: election.name, seats: election.seats, candidatePlaces: election.candidatePlaces,
                        marginPercent: ElectionSetup.percent(election.marginRatio),
                        quotas: election.quotas.map { QuotaRow(unit: $0.unit, places: $0.places) }, quotaTotal: election.quotaTotal)
        }
        return HomePage(showFigures: true, organizations: figures.organizations, members: figures.members, fullMembers: figures.fullMembers,
                        elections: rows, note: scope == .city ? nil : "以下是本单位及下级的数据。")
    }
}

/// Signing in, for the page and the API alike: the rules are the Accounts feature's
/// (`SignIn`); here the password check runs off the event loop and the session is made.
enum Login {
    enum Outcome { case signedIn(AccountRecord), refused(Refusal, HTTPStatus) }

    /// Checked when the name is unknown, so that an unknown name takes as long as a wrong password.
    static let standInHash = try! Bcrypt.hash("not a password of anyone")

    static func attempt(_ req: Request, username: String, password: String) async throws -> Outcome {
        let work = req.application.heavyWork
        // A name with control characters is nobody's (user names are letters and digits): stored
        // and looked up escaped, it is refused like any unknown name, never sent raw to the database.
        let username = HumanText.escaped(String(username.prefix(64)))
        let outcome = try await SignIn.attempt(username: username, password: password, address: req.clientAddress, standInHash: standInHash,
                                               verify: { password, hash in
            // bcrypt is slow on purpose: off the event loop.
            try await work.password { try Bcrypt.verify(password, created: hash) }
        }, in: req.data)
        switch outcome {
        case .refused(let refusal):
            let status: HTTPStatus
            switch refusal.code {
            case "auth.locked": status = .tooManyRequests
            case "auth.disabled": status = .forbidden
            default: status = .unauthorized
            }
            return .refused(refusal, status)
        case .signedIn(let account):
            // A new session id at login: an id planted before login (session fixation) is worthless after it.
            if let old = req.session.id {
                try await req.application.sessions.driver.deleteSession(old, for: req).get()
                req.session.id = nil
            }
            req.auth.login(SignedInUser(account: account))
            _ = CSRF.renew(for: req)
            return .signedIn(account)
        }
    }
}

/// The login form (again, with the reason it was refused). No session is made for it.
private func loginPage(_ req: Request, error: String?, username: String, status: HTTPStatus) async throws -> Response {
    let token = CSRF.anonymousToken(for: req)
    let page = LoginPage(csrf: token, error: error, username: username)
    let response = try await req.view.render("login", page).encodeResponse(status: status, for: req)
    CSRF.setAnonymousCookie(token, on: response, for: req)
    return response
}
