import Foundation
import ArgumentParser
import Persistence
import Audit

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "审计日志", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重新计算哈希链，指出第一条被改动的记录")
        @Option(help: "SQLite 数据库文件（或用 DATABASE_URL）") var db: String?
        @Option(help: "留存的链头 SEQ:HASH（报告、导出和审计页上印有）：检查最新记录是否被截断、整个日志是否被改写")
        var expectHead: String?

        func run() async throws {
            let target = try DatabaseTarget.resolve(dbPath: db)
            if case .sqlite(let path) = target, !FileManager.default.fileExists(atPath: path) {
                throw CommandError("数据库文件 \(path) 不存在")
            }
            var anchor: AuditLog.Head?
            if let expectHead {
                guard let parsed = AuditLog.Head(anchor: expectHead) else {
                    throw CommandError("--expect-head 应为「序号:64位十六进制哈希」，如 42:3f5a…")
                }
                anchor = parsed
            }
            let store = try XuanjuStore(target: target)
            let result: AuditLog.Verification, head: AuditLog.Head
            do {
                if let anchor {
                    result = try await AuditLog.verify(expecting: anchor, in: store.data)
                } else {
                    result = try await AuditLog.verify(in: store.data)
                }
                head = try await AuditLog.head(in: store.data)
            } catch { await store.shutdown(); throw error }
            await store.shutdown()
            if let broken = result.firstBroken {
                throw CommandError("审计日志第 \(broken.seq) 条被破坏：\(broken.reason)")
            }
            print("审计日志完好：共 \(result.entries) 条，哈希链连续\(anchor.map { "，含留存的链头 \($0.seq)" } ?? "")；链头 \(head.anchor)")
        }
    }
}
