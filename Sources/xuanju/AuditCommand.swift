import Foundation
import ArgumentParser
import Store

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "审计日志", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重新计算哈希链，指出第一条被改动的记录")
        @Option(help: "SQLite 数据库文件（或用 DATABASE_URL）") var db: String?

        func run() async throws {
            let target = try DatabaseTarget.resolve(dbPath: db)
            if case .sqlite(let path) = target, !FileManager.default.fileExists(atPath: path) {
                throw CommandError("数据库文件 \(path) 不存在")
            }
            let store = try XuanjuStore(target: target)
            let result: AuditLog.Verification
            do { result = try await AuditLog.verify(on: store.database) } catch { await store.shutdown(); throw error }
            await store.shutdown()
            if let broken = result.firstBroken {
                throw CommandError("审计日志第 \(broken.seq) 条被破坏：\(broken.reason)")
            }
            print("审计日志完好：共 \(result.entries) 条，哈希链连续")
        }
    }
}
