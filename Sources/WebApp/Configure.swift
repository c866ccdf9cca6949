import Foundation
import Vapor
import Fluent
import Leaf
import LeafKit
import Core
import Persistence
import Accounts

public struct WebAppSettings: Sendable {
    public var target: DatabaseTarget
    /// XUANJU_ADMIN_PASSWORD, or nil for a random one printed once.
    public var adminPassword: String?
    public var security: SecuritySettings
    public init(target: DatabaseTarget, adminPassword: String? = ProcessInfo.processInfo.environment["XUANJU_ADMIN_PASSWORD"],
                security: SecuritySettings = SecuritySettings()) {
        self.target = target
        self.adminPassword = adminPassword
        self.security = security
    }
}

struct DatabaseTargetKey: StorageKey { typealias Value = DatabaseTarget }

public enum WebApp {
    /// Sets up database, migrations, sessions, views and routes. Returns the admin password
    /// when this start created the administrator.
    @discardableResult
    public static func configure(_ app: Application, settings: WebAppSettings) async throws -> String? {
        // The database's threads are its own (Vapor's default shares one pool of as many threads
        // as cores with everything else): set before the databases are first touched.
        app.threadPool = NIOThreadPool(numberOfThreads: 4)
        let cores = System.coreCount
        app.storage[HeavyWorkKey.self] = HeavyWork(heavyThreads: max(1, cores), passwordThreads: max(2, cores))
        app.lifecycle.use(HeavyWorkShutdown())
        try settings.target.configure(app.databases)
        app.storage[DatabaseTargetKey.self] = settings.target
        app.storage[SecuritySettingsKey.self] = settings.security
        // JSON with its keys in order: the same answer is the same bytes (a retried ballot PUT
        // answers exactly as the first time did).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        ContentConfiguration.global.use(encoder: encoder, for: .json)
        // Routes before anything that may boot the application: the responder keeps the
        // routes it finds when it is first built.
        try routes(app)
        try await settings.target.tune(app.databases, on: app.eventLoopGroup, logger: app.logger)
        app.migrations.add(StoreMigrations.all)
        let createdPassword = try await settings.target.whileMigrating(logger: app.logger) { () -> String? in
            try await app.autoMigrate()
            return try await Accounts.ensureAdmin(password: settings.adminPassword, hash: { try Bcrypt.hash($0) }, in: FluentDataStore(database: app.db))
        }

        // Sessions live in the database so several servers can share them; a row only once
        // someone signs in, ended by idle time, a password change or an administrator.
        let secure = settings.security.secureCookies
        app.sessions.use { _ in DatabaseSessions(policy: settings.security.sessionPolicy) }
        app.sessions.configuration.cookieName = "xuanju_session"
        app.sessions.configuration.cookieFactory = { id in
            HTTPCookies.Value(string: id.string, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        }
        // Security headers on everything, error pages included; errors as Chinese pages (or
        // JSON under /api) instead of Vapor's default.
        app.middleware = Middlewares()
        app.middleware.use(SecurityHeaders())
        app.middleware.use(FriendlyErrors())
        app.middleware.use(app.sessions.middleware)
        app.middleware.use(SignedInAuthenticator())

        // Views ship inside the module bundle, which may sit below a hidden folder (.build):
        // sandbox Leaf to that folder instead of refusing hidden paths.
        let views = Bundle.module.bundleURL.path + "/Resources/Views/"
        app.leaf.configuration = LeafConfiguration(rootDirectory: views)
        app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                      sandboxDirectory: views, viewDirectory: views))
        app.leaf.cache.isEnabled = app.environment.isRelease
        app.views.use(.leaf)

        // The stand-in hash for unknown names is made now, so the first unknown name is not slower.
        _ = Login.standInHash
        return createdPassword
    }
}

/// Stops the heavy and password pools with the application.
struct HeavyWorkShutdown: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.heavyWork.shutdown()
    }
}
