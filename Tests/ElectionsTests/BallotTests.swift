import Foundation
import Testing
import ElectionDocuments
import Documents
import NameOrder
import PopplerSupport

/// The paper ballot: one a page, numbered, names in the order given, every name and number
/// read back; a list too long for a page refused; the same design gives the same bytes.
@Suite struct BallotTests {
    /// The town meeting's 54 candidates for 45 seats (names made up, in 姓氏笔画 order).
    static let design: BallotDesign = {
        let surnames = Array("丁于马王方尹邓石卢叶田冯朱刘江许孙严苏李杨吴何余沈宋张陆陈周郑赵胡钟姜徐高郭唐黄曹龚彭蒋韩程傅曾谢蔡廖谭熊黎薛戴魏")
        let names = (0..<54).map { "\(surnames[$0 % surnames.count])\(["建国", "秀英", "志强", "丽", "明"][$0 % 5])" }
        return BallotDesign(title: "泥城镇第十四届党员代表大会代表选举", seats: 45,
                            candidates: BallotDesign.strokeOrdered(names, convention: .a), hash: "3f5a9c0e12b4d6f8a1c3e5f7092b4d6e")
    }()

    @Test(.enabled(if: Poppler.installed("pdffonts"), "poppler-utils is not installed: skipped"))
    func eachBallotIsAPageWithItsNumberAndEveryNameInOrder() throws {
        let pdf = try DocumentRenderers.ballots(Self.design, numbers: 7...9)
        #expect(try Poppler.run("pdfinfo", pdf).contains("Pages:           3"))
        let pages = try Poppler.text(pdf).split(separator: "\u{0C}").map(String.init)
        #expect(pages.count == 3)
        for (page, number) in zip(pages, ["No. 00007", "No. 00008", "No. 00009"]) {
            #expect(page.contains(number) && page.contains("应选 45 名，候选人 54 名") && page.contains("3f5a9c0e12b4d6f8"))
            let positions = Self.design.candidates.map { page.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil }, "every name on the ballot")
        }
        let fonts = try Poppler.run("pdffonts", pdf).split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty && fonts.allSatisfy { $0.split(separator: " ").reversed().dropFirst(4).first == "yes" })
        #expect(try DocumentRenderers.ballots(Self.design, numbers: 7...9) == pdf)
        let spare = try Poppler.text(try DocumentRenderers.ballots(Self.design, numbers: 1...1, spare: true))
        #expect(spare.contains("备用票"))
    }

    /// One A4 sheet holds eight rows of eight (64, counted by hand from the layout: 8 columns of
    /// 62 pt, rows of 72 pt between a 170 pt head and a 50 pt foot); the 65th is refused, never cut off.
    @Test func aListTooLongForOnePageIsRefused() throws {
        var long = Self.design
        long.candidates = (0..<65).map { "候选人\($0)" }
        #expect(throws: PDFError.self) { _ = try DocumentRenderers.ballots(long, numbers: 1...1) }
        do { _ = try DocumentRenderers.ballots(long, numbers: 1...1) } catch let error as PDFError { #expect(error.code == "ballot.tooLong") }
        var fits = Self.design
        fits.candidates = Array(long.candidates.prefix(64))
        let pdf = try DocumentRenderers.ballots(fits, numbers: 1...1)
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        guard Poppler.installed() else { try Test.cancel("poppler-utils 未安装：选票上的姓名读回检查跳过") }
        let words = Set(try Poppler.text(pdf).components(separatedBy: .whitespacesAndNewlines))
        #expect(fits.candidates.filter { !words.contains($0) }.isEmpty, "every one of the 64 names is on the sheet, each a word of its own")
        var empty = Self.design
        empty.candidates = []
        #expect(throws: PDFError.self) { _ = try DocumentRenderers.ballots(empty, numbers: 1...1) }
    }

    /// A long name keeps to its one line on the ballot (the write-in box is right under it):
    /// 努尔兰·阿不都满金 reads back whole, as one word.
    @Test func aLongNameStaysOnItsLineOnTheBallot() throws {
        guard Poppler.installed() else { try Test.cancel("poppler-utils 未安装：选票上的姓名读回检查跳过") }
        var design = Self.design
        design.candidates = ["努尔兰·阿不都满金", "古丽娜·米娜", "王一"]
        design.seats = 2
        let words = Set(try Poppler.text(try DocumentRenderers.ballots(design, numbers: 1...1)).components(separatedBy: .whitespacesAndNewlines))
        #expect(design.candidates.allSatisfy(words.contains), "\(words.sorted())")
    }
}
