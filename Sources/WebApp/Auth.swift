import Foundation
import Vapor
import Fluent
import Store

extension User: ModelSessionAuthenticatable {}

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
            throw Abort(.forbidden, reason: "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        }
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
        guard let user = req.auth.get(User.self), !user.disabled else {
            req.auth.logout(User.self)
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
