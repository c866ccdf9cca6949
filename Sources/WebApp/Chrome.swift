import Foundation
import Vapor
import Core

/// What every signed-in page's header needs: who is signed in, the menu their role may use,
/// the CSRF token for the forms, and a one-time notice from the previous step.
struct Chrome: Encodable {
    struct Link: Encodable { let title: String; let href: String }
    let csrf: String
    let displayName: String
    let role: String
    let menu: [Link]
    let notice: String?
    /// A one-time refusal from the previous step, shown as an error.
    let alert: String?

    static let noticeKey = "notice"
    static let alertKey = "alert"

    init(_ req: Request, _ access: Access) {
        csrf = CSRF.token(for: req)
        displayName = access.user.displayName
        role = access.role.rawValue
        var menu = [Link(title: "首页", href: "/")]
        if access.can(.viewRoster) { menu.append(.init(title: "党员名册", href: "/members")) }
        if access.can(.viewOrganizations) { menu.append(.init(title: "党组织", href: "/organizations")) }
        if access.can(.viewElections) { menu.append(.init(title: "选举", href: "/elections")) }
        if access.can(.seeRounds) { menu.append(.init(title: "选举轮次", href: "/rounds")) }
        if access.can(.manageUsers) { menu.append(.init(title: "用户账号", href: "/users")) }
        if access.can(.viewAuditLog) { menu.append(.init(title: "审计日志", href: "/audit")) }
        menu.append(.init(title: "修改密码", href: "/account/password"))
        self.menu = menu
        notice = req.session.data[Self.noticeKey]
        req.session.data[Self.noticeKey] = nil
        alert = req.session.data[Self.alertKey]
        req.session.data[Self.alertKey] = nil
    }

    /// A message for the next page the user sees (after a redirect).
    static func flash(_ req: Request, _ message: String) {
        req.session.data[noticeKey] = message
    }

    /// A refusal for the next page the user sees (after a redirect).
    static func flashRefusal(_ req: Request, _ message: String) {
        req.session.data[alertKey] = message
    }
}

/// A page body with the header's data beside it.
struct Page<Body: Encodable>: Encodable {
    let chrome: Chrome
    let page: Body
}

extension Request {
    func render<Body: Encodable>(_ template: String, _ access: Access, _ body: Body, status: HTTPStatus = .ok) async throws -> Response {
        try await view.render(template, Page(chrome: Chrome(self, access), page: body)).encodeResponse(status: status, for: self)
    }
}
