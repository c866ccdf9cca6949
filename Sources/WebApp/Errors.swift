import Foundation
import Vapor
import Core
import Persistence
import Documents

extension Refusal: AbortError {
    public var status: HTTPResponseStatus {
        switch kind {
        case .invalid: return .badRequest
        case .notFound: return .notFound
        case .forbidden: return .forbidden
        case .conflict: return .conflict
        }
    }
    public var reason: String { message }
}

extension FileInputError: AbortError {
    public var status: HTTPResponseStatus { .badRequest }
    public var reason: String { description }
}

/// The API's answer to anything refused: a stable code, the Chinese message, and where it
/// applies the field or the file row.
struct APIError: Content {
    let code: String
    let message: String
    let field: String?
    let row: Int?
}

/// Errors as the user reads them: a Chinese page for the browser, `{"code", "message",
/// "field"?, "row"?}` for the API. Unexpected errors are logged and shown without internals.
struct FriendlyErrors: AsyncMiddleware {
    struct ErrorPage: Encodable { let status: Int; let title: String; let reason: String; let signedIn: Bool }
    struct ErrorView: Encodable { let page: ErrorPage }

    /// The code of an error that does not carry one, from its status.
    static func code(for status: HTTPStatus) -> String {
        switch status {
        case .unauthorized: return "auth.required"
        case .forbidden: return "access.forbidden"
        case .notFound: return "request.notFound"
        case .payloadTooLarge: return "upload.tooLarge"
        case .unsupportedMediaType: return "request.mediaType"
        case .tooManyRequests: return "auth.locked"
        case .internalServerError: return "server.error"
        default: return "request.invalid"
        }
    }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let status: HTTPStatus, reason: String
            var code: String?, field: String?, row: Int?
            switch error {
            case let refusal as Refusal: code = refusal.code; field = refusal.field; row = refusal.row
            case let refusal as WebRefusal: code = refusal.code
            case let problem as FileInputError: code = problem.code; field = problem.column; row = problem.row
            case is DecodingError: code = "request.body"
            default: break
            }
            if let abort = error as? any AbortError {
                status = abort.status
                switch abort.status {
                case .notFound where abort.reason == "Not Found": reason = "没有这个页面"
                case .payloadTooLarge: reason = "上传的文件超过 100 MB，超出了支持的大小：请把名册分成几个文件导入"
                default: reason = abort.reason
                }
                if let location = abort.headers.first(name: .location), (300..<400).contains(Int(status.code)) {
                    return req.redirect(to: location)
                }
            } else {
                req.logger.report(error: error)
                status = .internalServerError
                reason = "服务器内部错误，请稍后重试；如果一再出现，请把时间告诉系统管理员"
            }
            if req.url.path.hasPrefix("/api/") {
                let body = APIError(code: code ?? Self.code(for: status), message: reason, field: field, row: row)
                return try await body.encodeResponse(status: status, for: req)
            }
            let title: String
            switch status {
            case .forbidden: title = "无权操作"
            case .notFound: title = "找不到"
            case .badRequest: title = "无法完成"
            case .payloadTooLarge: title = "文件太大"
            default: title = "出错了"
            }
            let view = ErrorView(page: ErrorPage(status: Int(status.code), title: title, reason: reason, signedIn: req.auth.has(SignedInUser.self)))
            return try await req.view.render("error", view).encodeResponse(status: status, for: req)
        }
    }

}
