import Foundation
import ArgumentParser
import Persistence
import Audit

/// `xuanju backup`: a copy of the SQLite database taken while the server runs (entry is not
/// paused), checked with `PRAGMA integrity_check`, recorded in the audit log.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "备份 SQLite 数据库：VACUUM INTO 复制一份（服务不停、录入不停），再检查副本的完整性")

    @Option(help: "SQLite 数据库文件（默认 xuanju.sqlite）") var db: String?
    @Option(help: "备份文件（默认：数据库旁 backups/xuanju-时间.sqlite；已存在则不覆盖）") var out: String?

    func run() async throws {
        let target = try DatabaseTarget.resolve(dbPath: db)
        guard case .sqlite(let path) = target else { throw CommandError("备份命令用于 SQLite；PostgreSQL 请用 pg_dump") }
        guard FileManager.default.fileExists(atPath: path) else { throw CommandError("数据库文件 \(path) 不存在") }
        let destination = out ?? DatabaseBackup.defaultPath(besides: path)
        let store = try XuanjuStore(target: target)
        let result: DatabaseBackup.Result
        do {
            result = try await DatabaseBackup.sqlite(store.database, to: destination)
            try await AuditLog.append(.databaseBackedUp, actor: "命令行", object: "database",
                                      after: result.summary, in: store.data)
        } catch let error as ConfigurationError {
            await store.shutdown()
            throw CommandError(error.message)
        } catch { await store.shutdown(); throw error }
        await store.shutdown()
        guard result.ok else { throw CommandError("备份 \(result.path) 的完整性检查未通过：\(result.integrity)") }
        print("已备份到 \(result.path)（\(result.bytes) 字节），完整性检查：ok")
    }
}
