import Foundation
import Testing
import Vapor
import VaporTesting

/// A browser's view of the app in tests: the session cookie and the CSRF token that the
/// login page handed out.
struct TestSession {
    var cookie: String
    var csrf: String
    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.cookie = ["xuanju_session": .init(string: cookie)]
        return headers
    }

    /// Opens the login page, as a browser would before submitting the form.
    static func open(_ app: Application) async throws -> TestSession {
        var session = TestSession(cookie: "", csrf: "")
        try await app.testing().test(.GET, "login") { res in
            session.cookie = res.headers.setCookie?["xuanju_session"]?.string ?? ""
            session.csrf = csrfToken(in: res.body.string) ?? ""
        }
        return session
    }

    /// Submits the login form with the session's token; returns the answer's status. A login
    /// issues a new session id, which the session keeps from then on.
    mutating func logIn(_ app: Application, _ username: String, _ password: String) async throws -> HTTPStatus {
        var status = HTTPStatus.ok
        var newCookie: String?
        try await app.testing().test(.POST, "login", headers: headers, beforeRequest: { [csrf] req in
            try req.content.encode(["username": username, "password": password, "csrf": csrf], as: .urlEncodedForm)
        }) { res in
            status = res.status
            newCookie = res.headers.setCookie?["xuanju_session"]?.string
        }
        if let newCookie, !newCookie.isEmpty { cookie = newCookie }
        return status
    }
}

func csrfToken(in html: String) -> String? {
    guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}
