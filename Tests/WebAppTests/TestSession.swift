import Foundation
import Testing
import Vapor
import VaporTesting

/// A browser's view of the app in tests: the cookies it holds and the CSRF token of the last
/// page it read (the login form's before signing in, the session's after).
struct TestSession {
    var cookie: String
    var csrf: String
    /// The login form's double-submit cookie (there is no session before signing in).
    var csrfCookie: String = ""
    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        var cookies = HTTPCookies()
        if !cookie.isEmpty { cookies["xuanju_session"] = .init(string: cookie) }
        if !csrfCookie.isEmpty { cookies["xuanju_csrf"] = .init(string: csrfCookie) }
        headers.cookie = cookies
        return headers
    }

    /// Opens the login page, as a browser would before submitting the form.
    static func open(_ app: Application) async throws -> TestSession {
        var session = TestSession(cookie: "", csrf: "")
        try await app.testing().test(.GET, "login") { res in
            session.cookie = res.headers.setCookie?["xuanju_session"]?.string ?? ""
            session.csrfCookie = res.headers.setCookie?["xuanju_csrf"]?.string ?? ""
            session.csrf = csrfToken(in: res.body.string) ?? ""
        }
        return session
    }

    /// Submits the login form with the form's token; returns the answer's status. A login
    /// issues a new session id and a new CSRF token, which the session keeps from then on.
    mutating func logIn(_ app: Application, _ username: String, _ password: String) async throws -> HTTPStatus {
        var status = HTTPStatus.ok
        var newCookie: String?
        try await app.testing().test(.POST, "login", headers: headers, beforeRequest: { [csrf] req in
            try req.content.encode(["username": username, "password": password, "csrf": csrf], as: .urlEncodedForm)
        }) { res in
            status = res.status
            newCookie = res.headers.setCookie?["xuanju_session"]?.string
        }
        if let newCookie, !newCookie.isEmpty {
            cookie = newCookie
            // The signed-in pages carry the session's own token.
            var token: String?
            try await app.testing().test(.GET, "account/password", headers: headers) { res in token = csrfToken(in: res.body.string) }
            if let token { csrf = token }
        }
        return status
    }
}

func csrfToken(in html: String) -> String? {
    guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}

/// One API request as a client program sends it: a JSON body, the expected status checked, the
/// answer decoded — nil when the status differs or the body does not decode, which the caller's
/// `#require` turns into a failure.
func apiCall<T: Decodable>(_ app: Application, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: (any Encodable)? = nil,
                           expect status: HTTPStatus, as: T.Type) async throws -> T? {
    var result: T?
    try await app.testing().test(method, "/api/v1" + path, headers: headers, beforeRequest: { req in
        if let body { try req.content.encode(AnyEncodable(body), as: .json) }
    }) { res in
        #expect(res.status == status, "\(method) \(path): \(res.body.string.prefix(300))")
        if res.status == status { result = try? res.content.decode(T.self) }
    }
    return result
}
