import Foundation
import ArgumentParser
import Persistence
import WebApp

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "启动网页服务（默认 SQLite 文件 xuanju.sqlite；设置 DATABASE_URL 则用 PostgreSQL）")

    @Option(help: "监听地址") var host = "127.0.0.1"
    @Option(help: "端口") var port = 8080
    @Option(help: "SQLite 数据库文件") var db: String?

    func run() async throws {
        let target = try DatabaseTarget.resolve(dbPath: db)
        try await runWebServer(target: target, host: host, port: port)
    }
}

func runWebServer(target: DatabaseTarget, host: String, port: Int) async throws {
    guard (1...65535).contains(port) else { throw CommandError("端口 \(port) 不在 1–65535 之间") }
    try await WebApp.run(target: target, host: host, port: port)
}
