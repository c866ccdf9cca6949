import Foundation
import Vapor
import Persistence

extension WebApp {
    /// bcrypt, for the command line's administrator bootstrap.
    public static func hashPassword(_ password: String) throws -> String { try Bcrypt.hash(password) }

    /// Runs the web application until SIGINT/SIGTERM; Vapor's serve command handles the
    /// signals and shuts down cleanly.
    public static func run(target: DatabaseTarget, host: String, port: Int) async throws {
        var env = Environment(name: "production", arguments: ["xuanju", "serve", "--hostname", host, "--port", "\(port)"])
        try LoggingSystem.bootstrap(from: &env) { level in
            let console = Terminal()
            return { label in RedactingLogHandler(inner: ConsoleLogger(label: label, console: console, level: level)) }
        }
        let app = try await Application.make(env)
        do {
            if let password = try await configure(app, settings: WebAppSettings(target: target)) {
                print("管理员账号 admin 的初始密码：\(password)（只显示这一次，请登录后修改）")
            }
            print("数据库：\(target)")
            print("请在浏览器中打开 http://\(host):\(port)/")
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
