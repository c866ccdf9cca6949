import Foundation
import Vapor
import Core
import Persistence
import Accounts

/// Security settings, from the environment unless a test sets them.
public struct SecuritySettings: Sendable {
    /// Cookies only over HTTPS (set when the server sits behind TLS): XUANJU_SECURE_COOKIES=1.
    public var secureCookies: Bool
    /// Sessions end after this much inactivity: XUANJU_SESSION_IDLE_MINUTES (default 30).
    public var sessionPolicy: SessionStore.Policy
    /// Proxies whose X-Forwarded-For is believed (the sign-in lockout counts per client
    /// address): XUANJU_TRUSTED_PROXIES=127.0.0.1,10.0.0.2.
    public var trustedProxies: Set<String>

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        secureCookies = ["1", "true", "yes"].contains(environment["XUANJU_SECURE_COOKIES"]?.lowercased() ?? "")
        let minutes = environment["XUANJU_SESSION_IDLE_MINUTES"].flatMap(Double.init).map { min(max($0, 1), 24 * 60) } ?? 30
        sessionPolicy = SessionStore.Policy(idle: minutes * 60)
        trustedProxies = Set((environment["XUANJU_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
}

struct SecuritySettingsKey: StorageKey { typealias Value = SecuritySettings }

extension Request {
    var security: SecuritySettings { application.storage[SecuritySettingsKey.self] ?? SecuritySettings(environment: [:]) }

    /// The client's address: the peer, or behind a configured proxy the last address in
    /// X-Forwarded-For that is not itself a trusted proxy.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "未知地址"
        let trusted = security.trustedProxies
        guard trusted.contains(peer), let forwarded = headers.first(name: "X-Forwarded-For") else { return peer }
        let chain = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return String((chain.last { !trusted.contains($0) } ?? peer).prefix(64))
    }
}

/// Sessions in the database through `SessionStore`: a row only for a signed-in user (anonymous
/// pages never touch the session), idle and absolute expiry, no write when nothing changed.
struct DatabaseSessions: AsyncSessionDriver {
    let policy: SessionStore.Policy
    /// How often an unchanged session's last-seen time is written (idle expiry needs no finer grain).
    static let touchInterval: TimeInterval = 60

    struct Loaded: StorageKey { typealias Value = SessionStore.Row }

    static func accountID(_ data: SessionData) -> AccountID? { data["_SignedInUserSession"].flatMap(AccountID.init) }

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let id = SessionID(string: Data([UInt8].random(count: 32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""))
        try await SessionStore.create(cookie: id.string, data: data.snapshot, accountID: Self.accountID(data), policy: policy, in: request.data)
        return id
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        guard sessionID.string.utf8.count <= 128,
              let row = try await SessionStore.read(cookie: sessionID.string, policy: policy, in: request.data) else { return nil }
        request.storage[Loaded.self] = row
        return SessionData(initialData: row.data)
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        let now = Date()
        if let loaded = request.storage[Loaded.self], loaded.data == data.snapshot,
           now.timeIntervalSince1970 - loaded.lastSeen < Self.touchInterval {
            return sessionID
        }
        try await SessionStore.update(cookie: sessionID.string, data: data.snapshot, accountID: Self.accountID(data), now: now, in: request.data)
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await SessionStore.delete(cookie: sessionID.string, in: request.data)
    }
}

/// Headers on every response: a Content-Security-Policy without inline script or style (the
/// pages load /static/app.css and /static/app.js only), no MIME sniffing, no framing.
struct SecurityHeaders: AsyncMiddleware {
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if response.headers.contentType == .html || req.url.path.hasPrefix("/api/") {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}

/// The one style sheet and the one script, from the module's resources.
enum StaticFiles {
    static let files: [String: (Data, HTTPMediaType)] = {
        let folder = Bundle.module.bundleURL.appendingPathComponent("Resources/Static")
        var out: [String: (Data, HTTPMediaType)] = [:]
        for (name, type) in [("app.css", HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])),
                             ("app.js", HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"]))] {
            if let data = try? Data(contentsOf: folder.appendingPathComponent(name)) { out[name] = (data, type) }
        }
        return out
    }()

    static func register(_ app: Application) {
        app.get("static", ":file") { req async throws -> Response in
            guard let name = req.parameters.get("file"), let (data, type) = files[name] else { throw Abort(.notFound) }
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = type
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return response
        }
    }
}

/// The console log with query bind values removed: drivers log a query's binds (names, ID
/// numbers, password hashes) with the SQL at their log level; nothing of that reaches a log.
struct RedactingLogHandler: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        var metadata = metadata
        if metadata?["binds"] != nil { metadata?["binds"] = "（已隐去）" }
        inner.log(level: level, message: message, metadata: metadata, source: source, file: file, function: function, line: line)
    }
}
