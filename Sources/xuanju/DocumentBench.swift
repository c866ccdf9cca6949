import Foundation
import ArgumentParser
import ElectionDocuments
import NameOrder

/// 登记表 throughput: drawing N one-page forms, beside poppler's `pdftotext` reading the same
/// file back (the peer, on the same input, when it is installed).
struct DocumentBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "documents", abstract: "登记表（或 --ballots 选票）生成速度：N 页 PDF，对照 pdftotext 读回同一文件")

    @Option(help: "登记表页数（人数）") var forms = 1_000
    @Option(help: "重复次数，取最快一次") var repeats = 3
    @Option(help: "把生成的 PDF 写到这个文件") var out: String?
    @Flag(help: "测选票而不是登记表：泥城镇党员大会的 54 名候选人，每张一页") var ballots = false
    @Option(help: "选票上的候选人数（--ballots 时；多于一页排得下的分几页，如 68、150）") var candidates = 54
    @Option(help: "选票纸张：A4 或 A3（--ballots 时）") var paper = "A4"

    func run() throws {
        guard (1...100_000).contains(forms), (1...20).contains(repeats) else { throw ValidationError("--forms 应在1至100000之间，--repeats 1至20") }
        guard (1...BallotDesign.maxCandidates).contains(candidates), let sheet = BallotPaper(rawValue: paper) else {
            throw ValidationError("--candidates 应在1至\(BallotDesign.maxCandidates)之间，--paper 为 A4 或 A3")
        }
        let content = Self.content(forms)
        let design = BallotDesign(title: "泥城镇第十四届党员代表大会代表选举", round: "第 1 轮　正式选举", seats: candidates * 5 / 6,
                                  candidates: BallotDesign.strokeOrdered(Self.content(candidates).people.map(\.name), convention: .a),
                                  paper: sheet, hash: String(repeating: "ab", count: 32))
        var best = Double.infinity
        var bytes = Data()
        for _ in 0..<repeats {
            let t = DispatchTime.now().uptimeNanoseconds
            bytes = ballots ? try DocumentRenderers.ballots(design, copies: forms) : try ElectionDocuments.render(.forms, .pdf, content)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
        }
        let file = out ?? FileManager.default.temporaryDirectory.appendingPathComponent("xuanju-bench-\(ballots ? "ballots" : "forms").pdf").path
        try bytes.write(to: URL(fileURLWithPath: file))
        let pages = ballots ? forms * DocumentRenderers.ballotLayout(design).sheets.count : forms
        print(String(format: "%@ %d 页：%.3f 秒（%.0f 页/秒），%.1f MB → %@", ballots ? "选票" : "登记表", pages, best, Double(pages) / best,
                     Double(bytes.count) / 1e6, file))
        if let peer = Self.pdftotext(file) {
            print(String(format: "对照：pdftotext 读回同一文件 %.3f 秒；读回 %d 页，含每页的姓名：%@", peer.seconds, peer.pages,
                         (ballots ? design.candidates.allSatisfy { peer.text.contains($0) } : peer.allNames(content)) ? "是" : "否"))
        } else {
            print("对照：没有 pdftotext（poppler-utils），未测")
        }
    }

    /// Made-up people with every field filled, names from a fixed list so each run draws the same.
    static func content(_ n: Int) -> DocumentContent {
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤")
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉海波宁林")
        let people = (0..<n).map { i in
            DocumentContent.Person(
                name: "\(surnames[i % surnames.count])\(given[i / surnames.count % given.count])\(given[(i * 7) % given.count])",
                gender: i % 3 == 0 ? "女" : "男", ethnicity: i % 9 == 0 ? "土家族" : "汉族", birthDate: "19\(70 + i % 25)-0\(1 + i % 9)-1\(i % 10)",
                joinDate: "200\(i % 10)-07-01", idNumber: "4307**********\(1000 + i % 9000)", position: "常德市某某局党组成员、副局长（第 \(i + 1) 号）",
                title: i % 4 == 0 ? "高级工程师" : "", titleLevel: i % 4 == 0 ? "副高级" : "", honours: i % 5 == 0 ? ["2021年 全国劳动模范（全国）"] : [],
                overlaps: i % 11 == 0 ? ["人大代表"] : [], category: ["领导干部", "专业技术人员", "一线工人"][i % 3], unit: "中共常德市直机关工作委员会",
                stage: "初步人选", supportOrganizations: 3 + i % 7, supportMembers: 40 + i % 200)
        }
        return DocumentContent(election: "推荐出席省第九次党代会代表候选人预备人选", issuer: "中共常德市委员会", seats: 56, candidatePlaces: 68,
                               referenceDate: "2026-09-01", unit: nil, people: people)
    }

    struct Peer {
        let seconds: Double, pages: Int, text: String
        func allNames(_ content: DocumentContent) -> Bool { content.people.allSatisfy { text.contains($0.name) } }
    }

    static func pdftotext(_ file: String) -> Peer? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = [file, "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        let t = DispatchTime.now().uptimeNanoseconds
        do { try process.run() } catch { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
        let text = String(decoding: output, as: UTF8.self)
        return Peer(seconds: seconds, pages: text.split(separator: "\u{0C}", omittingEmptySubsequences: false).count - 1, text: text)
    }
}
