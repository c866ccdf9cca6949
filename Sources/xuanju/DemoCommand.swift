import Foundation
import ArgumentParser
import WebApp
import Persistence
import Accounts
import Demo
import Documents
import Core

/// The town meeting's counters and scrutineer, each with a one-time password printed once.
func createMeetingAccounts(_ generator: DemoGenerator, in data: any DataStore) async throws {
    guard let admin = try await data.accounts.named("admin") else { return }
    for (username, name, role) in [("counter1", "计票人（一）", UserRole.counter), ("counter2", "计票人（二）", .counter), ("scrutineer", "总监票人", .scrutineer)] {
        let created = try await AccountAdmin.create(.init(username: username, displayName: name, role: role, organizationID: OrganizationID(generator.townID)),
                                                    by: admin, hash: WebApp.hashPassword, in: data)
        print("账号 \(username) 的初始密码：\(created.password)")
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "生成演示数据库：常德市十个单位的组织与党员、省党代会代表推荐和泥城镇党员大会")

    @Option(help: "党员人数（结果对同一人数总是相同）") var members = 20_000
    @Option(help: "SQLite 数据库文件（须不存在或为空）") var db: String?
    @Option(help: "党员不写入数据库，而是写成这个 XLSX 名册文件（用于演示「导入名册」）") var rosterFile: String?
    @Flag(help: "生成后启动网页服务") var serve = false
    @Option(help: "监听地址（与 --serve 一起用）") var host = "127.0.0.1"
    @Option(help: "端口（与 --serve 一起用）") var port = 8080

    func validate() throws {
        guard (1...5_000_000).contains(members) else { throw ValidationError("--members 应在 1 到 5000000 之间") }
    }

    func run() async throws {
        let target = try DatabaseTarget.resolve(dbPath: db)
        if case .sqlite(let path) = target, let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
            throw CommandError("\(path) 已存在：演示数据只写入新数据库，请删除它或用 --db 指定新文件")
        }
        let started = Date()
        let store = try XuanjuStore(target: target)
        do {
            try await store.migrate()
            if let password = try await Accounts.ensureAdmin(password: ProcessInfo.processInfo.environment["XUANJU_ADMIN_PASSWORD"],
                                                              hash: WebApp.hashPassword, in: store.data) {
                print("管理员账号 admin 的初始密码：\(password)（只显示这一次，请登录后修改）")
            }
            let generator = DemoGenerator(memberCount: members)
            let bar = ProgressBar(label: "写入党员", total: members)
            let written = try await DemoLoader.load(generator, into: store.data, withMembers: rosterFile == nil,
                                                    progress: { done, _ in bar.update(done) })
            let stored = try await DemoLoader.count(in: store.data)
            if let rosterFile {
                try RosterFile.xlsx(generator.rosterRecords()).write(to: URL(fileURLWithPath: rosterFile))
                print("党员名册已写入 \(rosterFile)：\(members) 名（可在「党员名册 → 导入」中导入）")
            }
            guard stored == written, stored.members == (rosterFile == nil ? members : 0) else {
                throw CommandError("数据库中的数量与生成的不一致：生成 \(written)，数据库 \(stored)")
            }
            if rosterFile == nil {
                let nominations = try await DemoNominations.load(generator, into: store.data)
                print("推荐人选 \(nominations.nominated) 名，其中 \(nominations.preliminary) 名已报为初步人选，考察意见 \(nominations.opinions) 条"
                      + (nominations.blockedUnits.isEmpty ? "" : "；\(nominations.blockedUnits.joined(separator: "、"))的名单不符合硬性结构要求，未能上报"))
                print("\(nominations.participationReported) 个单位已填报参与推荐情况"
                      + (nominations.belowShare.isEmpty ? "" : "；\(nominations.belowShare.joined(separator: "、"))参与推荐的基层党组织不足95%"))
                if let meeting = try await DemoMeeting.load(generator, into: store.data) {
                    print("泥城镇党员大会：应到会 \(meeting.expected) 人，实到会 \(meeting.present) 人；第一轮当选 \(meeting.elected) 名，差 \(meeting.shortfall) 名，"
                          + "另行选举的选票已收回，分为 \(meeting.batches) 批待录入")
                    try await createMeetingAccounts(generator, in: store.data)
                }
            }
            print("演示数据已写入 \(target)：\(stored)，用时 \(String(format: "%.1f", Date().timeIntervalSince(started))) 秒")
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        if serve { try await runWebServer(target: target, host: host, port: port) }
    }
}

