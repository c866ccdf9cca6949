import Foundation
import Vapor
import Core

/// Per-session CSRF token: every form carries it, every POST must send it back.
enum CSRF {
    static let sessionKey = "csrf"
    static let field = "csrf"

    static func token(for req: Request) -> String {
        if let token = req.session.data[sessionKey] { return token }
        let token = [UInt8].random(count: 32).base64
        req.session.data[sessionKey] = token
        return token
    }

    static func verify(_ req: Request) throws {
        guard let expected = req.session.data[sessionKey],
              let sent = try? req.content.get(String.self, at: field),
              constantTimeEqual(expected, sent) else {
            throw WebRefusal(.forbidden, "request.csrf", "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        }
    }

    /// Before sign-in there is no session (and no row for a visitor): the login form's token is
    /// a random value in a cookie that the form sends back (double submit; a cross-site page can
    /// neither read the cookie nor set it).
    static let cookieName = "xuanju_csrf"

    static func anonymousToken(for req: Request) -> String {
        if let existing = req.cookies[cookieName]?.string, existing.utf8.count == 44 { return existing }
        return [UInt8].random(count: 32).base64
    }

    static func setAnonymousCookie(_ token: String, on response: Response, for req: Request) {
        response.cookies[cookieName] = HTTPCookies.Value(string: token, path: "/", isSecure: req.security.secureCookies,
                                                         isHTTPOnly: true, sameSite: .strict)
    }

    static func verifyAnonymous(_ req: Request) throws {
        guard let expected = req.cookies[cookieName]?.string, let sent = try? req.content.get(String.self, at: field),
              constantTimeEqual(expected, sent) else {
            throw WebRefusal(.forbidden, "request.csrf", "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        }
    }

    /// A fresh token for a new session (sign-in): a token seen before sign-in is worth nothing after.
    static func renew(for req: Request) -> String {
        let token = [UInt8].random(count: 32).base64
        req.session.data[sessionKey] = token
        return token
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Sends a visitor who is not logged in to the login page.
struct LoginRequired: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = req.auth.get(SignedInUser.self)?.account, !user.disabled else {
            req.auth.logout(SignedInUser.self)
            return req.redirect(to: "/login")
        }
        if user.mustChangePassword && !PasswordChangeFirst.allowed(req) { return req.redirect(to: "/account/password") }
        return try await next.respond(to: req)
    }
}

/// With a password an administrator issued, the only thing to do is choose one's own.
enum PasswordChangeFirst {
    static let allowedPaths: Set<String> = ["/account/password", "/logout", "/api/v1/account/password", "/api/v1/session"]
    static func allowed(_ req: Request) -> Bool { allowedPaths.contains(req.url.path) }
}
