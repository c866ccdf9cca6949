import Foundation
import Testing
import Core
import ElectionDocuments
import Documents
import NameOrder
import Meetings
import PopplerSupport

/// The paper ballot (issue #19 item 8): any list the regulations allow, over as many sheets as
/// it takes, each headed 「第 k 张 共 n 张」; no number of any kind on a ballot, so every copy is the
/// same text; the names in 姓氏笔画 order read back from the PDF; the same design the same bytes.
@Suite struct BallotTests {
    /// The town meeting's 54 candidates for 45 seats (names made up, in 姓氏笔画 order).
    static let design: BallotDesign = {
        let surnames = Array("丁于马王方尹邓石卢叶田冯朱刘江许孙严苏李杨吴何余沈宋张陆陈周郑赵胡钟姜徐高郭唐黄曹龚彭蒋韩程傅曾谢蔡廖谭熊黎薛戴魏")
        let names = (0..<54).map { "\(surnames[$0 % surnames.count])\(["建国", "秀英", "志强", "丽", "明"][$0 % 5])" }
        return BallotDesign(title: "泥城镇第十四届党员代表大会代表选举", round: "第 1 轮　正式选举", seats: 45,
                            candidates: BallotDesign.strokeOrdered(names, convention: .a), hash: "3f5a9c0e12b4d6f8a1c3e5f7092b4d6e")
    }()

    /// 150 names whose 姓氏笔画 order is known by hand: fifteen surnames of 2 to 16 strokes (丁 2,
    /// 于 3, 王 4, 石 5, 朱 6, 李 7, 周 8, 赵 9, 徐 10, 黄 11, 曾 12, 雷 13, 廖 14, 潘 15, 薛 16), each
    /// with ten given names of 1 to 10 strokes (一 1, 力 2, 山 3, 文 4, 平 5, 光 6, 志 7, 明 8, 春 9, 海 10).
    static let known: [String] = Array("丁于王石朱李周赵徐黄曾雷廖潘薛").flatMap { surname in
        Array("一力山文平光志明春海").map { "\(surname)\($0)" }
    }

    /// The PDF's pages as text (pdftotext), and the names in each page's reading order.
    static func pages(_ pdf: Data) throws -> [String] {
        try Poppler.text(pdf).split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    static func words(_ text: String) -> [String] { text.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty } }

    /// Without any space or line break (pdftotext drops the spaces beside CJK characters and breaks
    /// lines where the page does): what a phrase is compared by.
    static func flat(_ text: String) -> String { String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }) }

    /// The grid of a sheet, counted by hand from the layout: cells of 62 pt across between 48 pt
    /// margins, rows of 72 pt between a 178 pt head and a 50 pt foot — A4 (595 × 842 pt) 8 × 8,
    /// A3 (842 × 1191 pt) 12 × 13.
    @Test func aSheetHoldsItsGridAndALongListIsSharedEvenlyOverSheets() {
        #expect(DocumentRenderers.ballotGrid(.a4) == (8, 8))
        #expect(DocumentRenderers.ballotGrid(.a3) == (12, 13))
        func sheets(_ count: Int, _ paper: BallotPaper) -> [Int] {
            DocumentRenderers.ballotLayout(BallotDesign(title: "t", seats: 1, candidates: Array(Self.known.prefix(count)), paper: paper, hash: nil))
                .sheets.map(\.count)
        }
        #expect(sheets(64, .a4) == [64])
        #expect(sheets(65, .a4) == [33, 32])
        #expect(sheets(68, .a4) == [34, 34])
        #expect(sheets(150, .a4) == [50, 50, 50])
        #expect(sheets(150, .a3) == [150])
        #expect(sheets(1, .a4) == [1])
    }

    @Test(.enabled(if: Poppler.installed("pdffonts"), "poppler-utils is not installed: skipped"))
    func everyCopyIsTheSameTextAndCarriesNoNumber() throws {
        let pdf = try DocumentRenderers.ballots(Self.design, copies: 3)
        #expect(try Poppler.run("pdfinfo", pdf).contains("Pages:           3"))
        let pages = try Self.pages(pdf)
        #expect(pages.count == 3 && pages[1] == pages[0] && pages[2] == pages[0])
        let page = pages[0]
        let stated = ["第 1 张 共 1 张", "第 1 轮　正式选举", "应选 45 名，候选人 54 名（按姓氏笔画为序）", "选票定义 3f5a9c0e12b4d6f8",
                      "多于应选 45 名的"]
        #expect(stated.allSatisfy { Self.flat(page).contains(Self.flat($0)) }, "\(page)")
        #expect(Self.flat(page).contains("分批时填写：第＿＿＿批第＿＿＿号"))
        // No digit but the ones the design states (seats, counts, round, sheet) and the definition's hash.
        let rest = stated.reduce(Self.flat(page)) { $0.replacingOccurrences(of: Self.flat($1), with: "") }
        #expect(!rest.contains { "0123456789０１２３４５６７８９".contains($0) }, "\(rest)")
        #expect(Self.design.candidates.allSatisfy { page.contains($0) }, "every name on the ballot")
        let fonts = try Poppler.run("pdffonts", pdf).split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty && fonts.allSatisfy { $0.split(separator: " ").reversed().dropFirst(4).first == "yes" })
        #expect(try DocumentRenderers.ballots(Self.design, copies: 3) == pdf)
        let spare = try Poppler.text(try DocumentRenderers.ballots(Self.design, copies: 1, spare: true))
        #expect(spare.contains("备用票"))
    }

    /// The seed's city list (68 candidates for 56 seats) and a congress-sized 150: given shuffled,
    /// printed in 姓氏笔画 order with every name; sheet k of one ballot reads exactly like sheet k
    /// of any other; each sheet says which it is and which names it lists.
    @Test(.enabled(if: Poppler.installed(), "poppler-utils is not installed: skipped"),
          arguments: [(68, BallotPaper.a4, 2), (150, .a4, 3), (150, .a3, 1)])
    func longListsPrintEveryNameInStrokeOrderOverSheets(count: Int, paper: BallotPaper, sheets: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let expected = Array(Self.known.prefix(count))
        let design = try BallotPreview.design(title: "常德市出席省第十二次党代会代表候选人推荐人选", seats: count * 56 / 68,
                                              candidates: expected.shuffled(using: &generator), order: .strokes, paper: paper)
        #expect(design.candidates == expected)
        let copies = 2
        let pages = try Self.pages(try DocumentRenderers.ballots(design, copies: copies))
        #expect(pages.count == copies * sheets)
        for k in 0..<sheets {
            #expect(Self.flat(pages[k]).contains("第\(k + 1)张共\(sheets)张"))
            #expect(pages[sheets + k] == pages[k], "sheet \(k + 1) of the second copy reads like the first's")
        }
        // Reading the sheets of one ballot in order gives the names in order, each once.
        let read = pages.prefix(sheets).flatMap(Self.words).filter { Set(expected).contains($0) }
        #expect(read == expected)
        if sheets > 1 {
            let first = Self.flat(pages[0])
            #expect(first.contains("本张列第1至\(count / sheets)名") && first.contains("（本选票共\(sheets)张，各张合计）"))
        }
    }

    /// The bound is the regulations', not a sheet's: 1,000 names print, the 1,001st is refused.
    @Test func aListBeyondAnyTheRegulationsMakeIsRefused() throws {
        var long = Self.design
        long.candidates = (0..<1_001).map { "候选人\($0)" }
        #expect(throws: PDFError.self) { _ = try DocumentRenderers.ballots(long, copies: 1) }
        do { _ = try DocumentRenderers.ballots(long, copies: 1) } catch let error as PDFError { #expect(error.code == "ballot.tooLong") }
        var empty = Self.design
        empty.candidates = []
        do { _ = try DocumentRenderers.ballots(empty, copies: 1) } catch let error as PDFError { #expect(error.code == "ballot.empty") }
        #expect(throws: Refusal.self) {
            _ = try BallotPreview.design(title: "t", seats: 1, candidates: long.candidates, order: .strokes, paper: .a4)
        }
    }

    /// The preview takes nothing on trust: a name twice, seats beyond the list, a hostile title.
    @Test func thePreviewRefusesWhatNoBallotCouldBe() {
        func code(_ body: () throws -> BallotDesign) -> String? {
            do { _ = try body(); return nil } catch let refusal as Refusal { return refusal.code } catch { return "\(error)" }
        }
        #expect(code { try BallotPreview.design(title: "t", seats: 1, candidates: ["王一", "王一"], order: .strokes, paper: .a4) }
                == "ballot.candidates.duplicate")
        #expect(code { try BallotPreview.design(title: "t", seats: 3, candidates: ["王一", "李二"], order: .strokes, paper: .a4) }
                == "ballot.seats.outOfRange")
        #expect(code { try BallotPreview.design(title: "选举\u{202E}", seats: 1, candidates: ["王一"], order: .strokes, paper: .a4) }
                == "text.bidi")
        #expect(code { try BallotPreview.design(title: "t", seats: 1, candidates: [], order: .strokes, paper: .a4) }
                == "ballot.candidates.count")
        // Given order is kept as given, and the header says so.
        #expect((try? BallotPreview.design(title: "t", seats: 1, candidates: ["薛一", "丁一"], order: .given, paper: .a4))?.candidates
                == ["薛一", "丁一"])
    }

    /// A long name keeps to its one line on the ballot (the write-in box is right under it):
    /// 努尔兰·阿不都满金 reads back whole, as one word.
    @Test func aLongNameStaysOnItsLineOnTheBallot() throws {
        guard Poppler.installed() else { try Test.cancel("poppler-utils 未安装：选票上的姓名读回检查跳过") }
        var design = Self.design
        design.candidates = ["努尔兰·阿不都满金", "古丽娜·米娜", "王一"]
        design.seats = 2
        let words = Set(Self.words(try Poppler.text(try DocumentRenderers.ballots(design, copies: 1))))
        #expect(design.candidates.allSatisfy(words.contains), "\(words.sorted())")
    }
}
