import Foundation
import Vapor
import Store
import Documents

extension StoreError: AbortError {
    public var status: HTTPResponseStatus {
        switch self {
        case .notFound: return .notFound
        case .invalid: return .badRequest
        case .configuration: return .internalServerError
        }
    }
    public var reason: String { description }
}

extension FileInputError: AbortError {
    public var status: HTTPResponseStatus { .badRequest }
    public var reason: String { description }
}

/// Errors as the user reads them: a Chinese page for the browser, `{"error": "…"}` for the
/// API. Unexpected errors are logged and shown without internals.
struct FriendlyErrors: AsyncMiddleware {
    struct ErrorPage: Encodable { let status: Int; let title: String; let reason: String; let signedIn: Bool }
    struct ErrorView: Encodable { let page: ErrorPage }
    struct APIError: Content { let error: String }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let status: HTTPStatus, reason: String
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
                let response = try await APIError(error: reason).encodeResponse(for: req)
                response.status = status
                return response
            }
            let title: String
            switch status {
            case .forbidden: title = "无权操作"
            case .notFound: title = "找不到"
            case .badRequest: title = "无法完成"
            case .payloadTooLarge: title = "文件太大"
            default: title = "出错了"
            }
            let view = ErrorView(page: ErrorPage(status: Int(status.code), title: title, reason: reason, signedIn: req.auth.has(User.self)))
            let response = try await req.view.render("error", view).encodeResponse(for: req)
            response.status = status
            return response
        }
    }
}
