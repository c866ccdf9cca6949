import Foundation
import ArgumentParser
import Core
import Persistence
import ElectionDocuments

/// `xuanju document`: the candidate process's documents for batch printing, the same bytes as
/// the download at `GET /api/v1/elections/{election}/documents/{kind}.{pdf|xlsx}`.
struct DocumentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "document", abstract: "生成选举文件：notice 公示、register 名册、forms 登记表、report 酝酿产生情况报告",
        discussion: "文件格式由 --out 的扩展名决定：.pdf，或名册可用 .xlsx。身份证号默认遮盖，--show-id-numbers 显示全号。")

    @Argument(help: "notice、register、forms 或 report") var kind: String
    @Option(help: "选举的编号") var election: String
    @Option(help: "只生成这个单位的（党组织编号）") var unit: String?
    @Option(help: "SQLite 数据库文件（或用 DATABASE_URL）") var db: String?
    @Option(help: "输出文件（.pdf 或 .xlsx）") var out: String
    @Flag(help: "登记表和名册显示完整身份证号") var showIDNumbers = false

    func run() async throws {
        let format = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ["pdf", "xlsx"].contains(format) else { throw CommandError("--out 的扩展名应为 .pdf 或 .xlsx") }
        let (kind, documentFormat): (ElectionDocuments.Kind, ElectionDocuments.Format)
        do { (kind, documentFormat) = try ElectionDocuments.parse("\(self.kind).\(format)") } catch let refusal as Refusal {
            throw CommandError("\(refusal.message)（\(refusal.code)）")
        }
        guard let electionID = ElectionID(election) else { throw CommandError("--election 应为选举编号（UUID）") }
        var unitID: OrganizationID?
        if let unit {
            guard let id = OrganizationID(unit) else { throw CommandError("--unit 应为党组织编号（UUID）") }
            unitID = id
        }
        let target = try DatabaseTarget.resolve(dbPath: db)
        if case .sqlite(let path) = target, !FileManager.default.fileExists(atPath: path) {
            throw CommandError("数据库文件 \(path) 不存在")
        }
        let store = try XuanjuStore(target: target)
        let document: ElectionDocuments.Document
        do {
            document = try await ElectionDocuments.issue(kind, documentFormat, election: electionID, unit: unitID, showIDNumbers: showIDNumbers,
                                                         actor: "命令行", scope: .city, in: store.data)
        } catch let refusal as Refusal {
            await store.shutdown()
            throw CommandError("\(refusal.message)（\(refusal.code)）")
        } catch { await store.shutdown(); throw error }
        await store.shutdown()
        do { try document.bytes.write(to: URL(fileURLWithPath: out)) } catch { throw CommandError("无法写入 \(out)：\(error.localizedDescription)") }
        print("已生成\(kind.title)：\(out)（\(document.bytes.count) 字节）")
    }
}
