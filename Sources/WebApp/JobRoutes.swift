import Foundation
import Vapor

/// A document job as the API answers it.
struct APIJob: Content {
    let id: UUID, name: String, state: String, bytes: Int?, code: String?, message: String?
    init(_ job: DocumentJobs.Job) {
        id = job.id
        name = job.name
        switch job.state {
        case .running: (state, bytes, code, message) = ("running", nil, nil, nil)
        case .done(_, let size): (state, bytes, code, message) = ("done", size, nil, nil)
        case .failed(let c, let m): (state, bytes, code, message) = ("failed", nil, c, m)
        }
    }
}

struct JobPage: Encodable {
    let id: String, name: String, running: Bool, done: Bool, failed: String?, bytes: Int
}

/// A job's state and, once drawn, its file — for the account that started it (anyone else's
/// job does not exist for them), as JSON under /api/v1 and as a page that refreshes itself.
enum JobRoutes {
    static func register(api: (any RoutesBuilder)?, pages: (any RoutesBuilder)?) {
        api?.get("jobs", ":job", use: { req in APIJob(try await job(req).job) })
        api?.get("jobs", ":job", "file", use: file)
        pages?.get("jobs", ":job", use: page)
        pages?.get("jobs", ":job", "file", use: file)
    }

    static func job(_ req: Request) async throws -> (access: Access, job: DocumentJobs.Job) {
        let access = try await Access.current(req)
        guard let text = req.parameters.get("job"), let id = UUID(uuidString: text) else {
            throw WebRefusal(.notFound, "job.notFound", "没有这项任务（或已过期）")
        }
        return (access, try await DocumentJobs.shared.job(id, owner: access.user.username))
    }

    @Sendable static func file(_ req: Request) async throws -> Response {
        let job = try await job(req).job
        guard case .done(let path, _) = job.state else {
            throw WebRefusal(.conflict, "job.notDone", "文件还在生成（或生成失败），请稍候")
        }
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.replaceOrAdd(name: .contentType, value: job.contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(job.name)\"")
        return response
    }

    @Sendable static func page(_ req: Request) async throws -> Response {
        let (access, job) = try await job(req)
        var failed: String?, bytes = 0
        switch job.state {
        case .running: break
        case .done(_, let size): bytes = size
        case .failed(_, let message): failed = message
        }
        return try await req.render("job", access, JobPage(id: job.id.uuidString, name: job.name, running: job.state == .running,
                                                          done: bytes > 0, failed: failed, bytes: bytes))
    }
}
