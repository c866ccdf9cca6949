import Foundation
import Vapor
import Fluent
import Leaf
import LeafKit
import Store

public struct WebAppSettings: Sendable {
    public var target: DatabaseTarget
    /// XUANJU_ADMIN_PASSWORD, or nil for a random one printed once.
    public var adminPassword: String?
    public init(target: DatabaseTarget, adminPassword: String? = ProcessInfo.processInfo.environment["XUANJU_ADMIN_PASSWORD"]) {
        self.target = target
        self.adminPassword = adminPassword
    }
}

struct DatabaseTargetKey: StorageKey { typealias Value = DatabaseTarget }

public enum WebApp {
    /// Sets up database, migrations, sessions, views and routes. Returns the admin password
    /// when this start created the administrator.
    @discardableResult
    public static func configure(_ app: Application, settings: WebAppSettings) async throws -> String? {
        try settings.target.configure(app.databases)
        app.storage[DatabaseTargetKey.self] = settings.target
        // Routes before anything that may boot the application: the responder keeps the
        // routes it finds when it is first built.
        try routes(app)
        app.migrations.add(StoreMigrations.all)
        app.migrations.add(SessionRecord.migration)
        try await app.autoMigrate()

        // Sessions live in the database so several servers can share them.
        app.sessions.use(.fluent)
        app.sessions.configuration.cookieName = "xuanju_session"
        app.sessions.configuration.cookieFactory = { id in
            HTTPCookies.Value(string: id.string, isSecure: false, isHTTPOnly: true, sameSite: .lax)
        }
        // Errors as Chinese pages (or JSON under /api) instead of Vapor's default.
        app.middleware = Middlewares()
        app.middleware.use(FriendlyErrors())
        app.middleware.use(app.sessions.middleware)
        app.middleware.use(User.sessionAuthenticator())

        // Views ship inside the module bundle, which may sit below a hidden folder (.build):
        // sandbox Leaf to that folder instead of refusing hidden paths.
        let views = Bundle.module.bundleURL.path + "/Resources/Views/"
        app.leaf.configuration = LeafConfiguration(rootDirectory: views)
        app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                      sandboxDirectory: views, viewDirectory: views))
        app.leaf.cache.isEnabled = app.environment.isRelease
        app.views.use(.leaf)

        return try await Accounts.ensureAdmin(password: settings.adminPassword, hash: { try Bcrypt.hash($0) }, on: app.db)
    }
}
