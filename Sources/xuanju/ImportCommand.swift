import Foundation
import ArgumentParser
import Core
import Persistence
import Organizations
import Roster
import Documents

struct ImportMembers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-members",
        abstract: "导入党员名册（XLSX 或 CSV）：先全部检查，有任何问题就一条也不写入")

    @Argument(help: "名册文件（.xlsx，或 UTF-8 / GBK 编码的 .csv）") var file: String
    @Option(help: "SQLite 数据库文件（或用 DATABASE_URL）") var db: String?
    @Flag(help: "只检查，不写入") var dryRun = false
    @Option(help: "文件中不存在的党组织作为支部新建在这个党组织之下（名称）") var createUnder: String?

    func run() async throws {
        let data = try readInput(file)
        let target = try DatabaseTarget.resolve(dbPath: db)
        let store = try XuanjuStore(target: target)
        let started = Date()
        do {
            try await store.migrate()
            let name = URL(fileURLWithPath: file).lastPathComponent
            var parent: OrganizationID?
            if let createUnder { parent = try await OrganizationLookup.named(createUnder, field: "--create-under", in: store.data).id }
            let check = dryRun
                ? try await RosterImporter.check(data, fileName: name, scope: .city, createUnder: parent, in: store.data)
                : try await RosterImporter.commit(data, fileName: name, actor: "命令行", scope: .city, createUnder: parent, in: store.data)
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            if check.isClean {
                print(dryRun ? "检查通过：\(check.dataRows) 行，可新增党员 \(check.memberCount) 名（未写入），用时 \(seconds) 秒"
                             : "已导入：\(check.dataRows) 行，新增党员 \(check.memberCount) 名，用时 \(seconds) 秒")
            } else {
                throw RosterImportRefused(check: check)
            }
        } catch let refused as RosterImportRefused {
            await store.shutdown()
            for problem in refused.check.problems.prefix(50) { writeError(problem.description) }
            if refused.check.problems.count > 50 { writeError("……另有 \(refused.check.problems.count - 50) 个问题") }
            if refused.check.problems.isEmpty {
                throw CommandError("文件中有 \(refused.check.missingOrganizations.count) 个党组织在系统中不存在（\(refused.check.missingOrganizations.prefix(10).map(\.name).joined(separator: "、"))），请用 --create-under 指定上级党组织；未导入任何党员")
            }
            throw CommandError("名册有 \(refused.check.problems.count) 个问题，未导入任何党员")
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }
}
