import Foundation
import Vapor
import NIOPosix
import Core
#if canImport(Glibc)
import Glibc
#endif

/// Where slow work runs, so that one request never delays a sign-in, a ballot or a health check
/// (DESIGN: threads). Three pools instead of Vapor's one shared pool of as many threads as cores:
/// - `application.threadPool` — the database's (SQLite does its blocking I/O there);
/// - `passwords` — bcrypt, slow on purpose, at normal priority;
/// - `heavy` — PDF drawing, file parsing, the slate planner: lower priority (nice 10), and at
///   most `perAccount` jobs of one account at once (another is answered 429 `heavy.busy` at
///   once, not after a timeout).
final class HeavyWork: Sendable {
    let heavy: NIOThreadPool
    let passwords: NIOThreadPool
    let limiter = HeavyLimiter()
    /// Heavy jobs one account may run at once.
    static let perAccount = 1

    init(heavyThreads: Int, passwordThreads: Int) {
        heavy = NIOThreadPool(numberOfThreads: heavyThreads)
        passwords = NIOThreadPool(numberOfThreads: passwordThreads)
        heavy.start()
        passwords.start()
    }

    func shutdown() async {
        try? await heavy.shutdownGracefully()
        try? await passwords.shutdownGracefully()
    }

    /// Runs `work` on the heavy pool for `account`, or refuses at once when the account already
    /// has as many heavy jobs running as it may.
    func run<T: Sendable>(for account: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await limiter.enter(account)
        do {
            let result = try await onHeavyPool(work)
            await limiter.leave(account)
            return result
        } catch {
            await limiter.leave(account)
            throw error
        }
    }

    /// `work` on the heavy pool at its lower priority, for a caller that holds the account's slot.
    func onHeavyPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await heavy.runIfActive { () throws -> T in
            Self.lowerPriority()
            return try work()
        }
    }

    /// bcrypt on the passwords' own threads.
    func password<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await passwords.runIfActive(work)
    }

    /// The calling (heavy pool) thread yields to the event loops and the database. On Linux the
    /// nice value belongs to the thread and `who` 0 is the calling thread (setpriority(2), NOTES),
    /// so this touches nothing else; lowering it needs no privilege.
    static func lowerPriority() {
        #if os(Linux)
        if getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) < 15 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 15)
        }
        #endif
    }
}

/// Heavy jobs running per account.
actor HeavyLimiter {
    private var running: [String: Int] = [:]

    func enter(_ account: String) throws {
        guard running[account, default: 0] < HeavyWork.perAccount else {
            throw WebRefusal(.tooManyRequests, "heavy.busy", "您的上一项大型任务（生成文件、读取名册或编排名单）还在进行，请完成后再试")
        }
        running[account, default: 0] += 1
    }

    func leave(_ account: String) {
        running[account, default: 1] -= 1
        if running[account] == 0 { running[account] = nil }
    }
}

struct HeavyWorkKey: StorageKey { typealias Value = HeavyWork }

extension Application {
    var heavyWork: HeavyWork {
        guard let work = storage[HeavyWorkKey.self] else { fatalError("WebApp.configure sets up HeavyWork before any route runs") }
        return work
    }
}

extension Request {
    /// bcrypt for a password set here (own change, a new account, a reset): slow on purpose, so
    /// off the event loop, on the passwords' threads.
    var bcrypt: @Sendable (String) async throws -> String {
        let work = application.heavyWork
        return { password in try await work.password { try Bcrypt.hash(password) } }
    }

    /// The offload a feature takes (`offload: { work in … }`), run as this account's heavy job.
    func heavy<T: Sendable>(_ account: String) -> @Sendable (@escaping @Sendable () throws -> T) async throws -> T {
        let work = application.heavyWork
        return { job in try await work.run(for: account, job) }
    }
}

/// Documents too large to draw while the request waits (a ballot set beyond `threshold` pages):
/// drawn as the account's heavy job, kept as a file in a folder of this process, downloaded by
/// the same account when ready. A restart forgets them: the document is simply asked for again.
actor DocumentJobs {
    enum State: Sendable, Equatable {
        case running
        case done(path: String, bytes: Int)
        case failed(code: String, message: String)
    }
    struct Job: Sendable {
        let id: UUID
        let owner: String
        let name: String
        let contentType: String
        var state: State
        let startedAt: Date
    }

    /// More ballot pages than this are drawn as a job.
    static let threshold = 1_000
    static let shared = DocumentJobs()

    private var jobs: [UUID: Job] = [:]
    private let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("xuanju-jobs-\(ProcessInfo.processInfo.processIdentifier)")
    /// How long a finished job's file is kept for its download.
    static let keptFor: TimeInterval = 3_600
    private var swept = false

    /// Forgets jobs finished more than `keptFor` ago (and deletes their files); the first time,
    /// also the folders earlier processes left behind.
    private func sweep(now: Date = Date()) {
        let manager = FileManager.default
        if !swept {
            swept = true
            let temporary = URL(fileURLWithPath: NSTemporaryDirectory())
            for name in (try? manager.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix("xuanju-jobs-") && name != folder.lastPathComponent {
                try? manager.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
        for (id, job) in jobs where job.state != .running && now.timeIntervalSince(job.startedAt) > Self.keptFor {
            if case .done(let path, _) = job.state { try? manager.removeItem(atPath: path) }
            jobs[id] = nil
        }
    }

    /// Starts drawing: the account's heavy slot is taken now (a busy account is refused here, 429).
    func start(owner: String, name: String, contentType: String, work: HeavyWork,
               draw: @escaping @Sendable (_ offload: @escaping @Sendable (@escaping @Sendable () throws -> Data) async throws -> Data) async throws -> Data) async throws -> Job {
        sweep()
        try await work.limiter.enter(owner)
        let job = Job(id: UUID(), owner: owner, name: name, contentType: contentType, state: .running, startedAt: Date())
        jobs[job.id] = job
        let folder = self.folder
        Task.detached {
            let state: State
            do {
                // The slot was taken above: the drawing runs on the heavy pool without asking again.
                let bytes = try await draw { job in try await work.onHeavyPool(job) }
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let path = folder.appendingPathComponent(job.id.uuidString).path
                try bytes.write(to: URL(fileURLWithPath: path))
                state = .done(path: path, bytes: bytes.count)
            } catch let refusal as Refusal {
                state = .failed(code: refusal.code, message: refusal.message)
            } catch {
                state = .failed(code: "job.failed", message: "生成文件失败：\(error)")
            }
            await work.limiter.leave(owner)
            await DocumentJobs.shared.finish(job.id, state)
        }
        return job
    }

    func finish(_ id: UUID, _ state: State) { jobs[id]?.state = state }

    /// The account's own job; anyone else's does not exist for them.
    func job(_ id: UUID, owner: String) throws -> Job {
        guard let job = jobs[id], job.owner == owner else { throw WebRefusal(.notFound, "job.notFound", "没有这项任务（或已过期）") }
        return job
    }
}
