import Foundation
import Testing
import Persistence
import Audit
import Demo
import Roster

/// `xuanju backup` and the backup button: a copy taken while writes go on, checked, usable.
@Suite struct BackupTests {
    @Test func aBackupIsTakenWhileWritesGoOnAndTheCopyChecksOut() async throws {
        let folder = NSTemporaryDirectory() + "xuanju-backup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try XuanjuStore(target: .sqlite(path: folder + "/live.sqlite"))
        try await store.migrate()
        let copyPath = folder + "/copy.sqlite"
        let result: DatabaseBackup.Result
        let auditBefore: Int
        let upload = Data(String(repeating: "姓名,性别\n张三,男\n", count: 500).utf8)
        let staged: StagedImportRecord
        do {
            try await DemoLoader.load(DemoGenerator(memberCount: 1_000), into: store.data)
            // An upload lives beside the database: the backup takes it along.
            staged = try await StagedImports.stage(upload, fileName: "名册.csv", username: "w", scope: .city, in: store.data)
            auditBefore = try await AuditLog.verify(in: store.data).entries
            // Entry goes on while the copy is taken: 100 audited writes race the backup.
            let data = store.data
            async let writes: Void = {
                for i in 0..<100 {
                    try await AuditLog.append(.databaseBackedUp, actor: "writer", object: "test", after: "写入 \(i)", in: data)
                }
            }()
            result = try await DatabaseBackup.sqlite(store.database, to: copyPath)
            try await writes
            #expect(try await AuditLog.verify(in: store.data).entries == auditBefore + 100)
            // An existing file is never overwritten.
            await #expect(throws: ConfigurationError.self) { try await DatabaseBackup.sqlite(store.database, to: copyPath) }
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        #expect(result.ok && result.integrity == "ok" && result.bytes > 100_000 && result.path == copyPath)
        // The copy is a database of its own: the members are all there and its audit chain verifies,
        // holding a consistent prefix of the racing writes.
        let copy = try XuanjuStore(target: .sqlite(path: copyPath))
        do {
            #expect(try await copy.data.members.count() == 1_000)
            #expect(try await copy.data.imports.find(staged.id)?.content == upload)
            #expect(FileManager.default.fileExists(atPath: copyPath + ".files/\(staged.sha256.prefix(2))/\(staged.sha256)"))
            let verification = try await AuditLog.verify(in: copy.data)
            #expect(verification.firstBroken == nil && (auditBefore...(auditBefore + 100)).contains(verification.entries))
        } catch {
            await copy.shutdown()
            throw error
        }
        await copy.shutdown()
        #expect(DatabaseBackup.defaultPath(besides: "/srv/xuanju/xuanju.sqlite", at: Date(timeIntervalSince1970: 1_767_225_600))
                == "/srv/xuanju/backups/xuanju-20260101-000000Z.sqlite")
    }
}
