import Foundation
import Testing
import PropertyBased
import ZIPFoundation
@testable import Documents

#if canImport(Glibc)
import Glibc
#endif

/// A workbook written part by part, the way a hostile or odd program could write one.
func rawWorkbook(sheet: String, sharedStrings: String? = nil) throws -> Data {
    let archive = try Archive(accessMode: .create)
    func add(_ path: String, _ text: String) throws {
        let data = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    try add("xl/workbook.xml", #"<workbook xmlns:r="r"><sheets><sheet name="党员名册" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
    try add("xl/_rels/workbook.xml.rels", #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#)
    if let sharedStrings { try add("xl/sharedStrings.xml", sharedStrings) }
    try add("xl/worksheets/sheet1.xml", "<worksheet><sheetData>\(sheet)</sheetData></worksheet>")
    return archive.data!
}

/// The process's peak resident memory so far, in MB (Linux reports ru_maxrss in KB).
func peakMemoryMB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss / 1024
}

/// Files built to break the reader (scripts/make_roster_fixtures.py `hostile`): each is refused
/// with a Chinese message and a code, quickly and in bounded memory, never by a trap.
@Suite(.serialized) struct HostileFileTests {
    func refusal(_ name: String) throws -> FileInputError? {
        let data = try fixture(name)
        do {
            _ = try RosterFile.read(data, file: name, today: fixtureToday)
            return nil
        } catch { return error }
    }

    @Test func aCellReferenceTwentyLettersLongIsRefused() throws {
        let error = try #require(try refusal("hostile-long-reference.xlsx"))
        #expect(error.code == "xlsx.cellReference")
        #expect(error.description == "hostile-long-reference.xlsx 第2行：单元格引用「AAAAAAAAAAAAAAAAAAAA…」无效（应像 A2，列不超过 XFD）")
    }

    @Test func contentAtColumnXFDIsRefusedWithoutBuildingTheRow() throws {
        let before = peakMemoryMB()
        let error = try #require(try refusal("hostile-far-columns.xlsx"))
        #expect(error.code == "xlsx.limit.columns")
        #expect(error.message.contains("单元格 XFD2 有内容，超出了支持的范围（最多 256 列，到 IV 列）"))
        #expect(peakMemoryMB() - before < 64, "far columns grew the peak by \(peakMemoryMB() - before) MB")
    }

    @Test func emptyFormattedCellsFarRightCostNothing() throws {
        let header = RosterFile.columnTitles.enumerated().map { #"<c r="\#(XLSXWorkbook.columnName($0.offset))1" t="inlineStr"><is><t>\#($0.element)</t></is></c>"# }.joined()
        let rows = (2...3_000).map { #"<row r="\#($0)"><c r="XFD\#($0)" s="3"/></row>"# }.joined()
        let sheet = try XLSXWorkbook(data: try rawWorkbook(sheet: #"<row r="1">\#(header)</row>"# + rows), file: "f.xlsx").sheet(at: 0)
        #expect(sheet.rows.count == 1 && sheet.rows[0].cells.count == RosterFile.columnTitles.count)
    }

    /// 600 MB of blanks (one text run: refused at 1 MB) and 600 MB of empty cells (no text run,
    /// nothing stored: refused by the compression ratio once 32 MB came out of 600 KB).
    @Test(arguments: [("hostile-zip-bomb.xlsx", "xlsx.limit.cellLength"), ("hostile-zip-bomb-cells.xlsx", "xlsx.limit.compressionRatio")])
    func aDecompressionBombIsRefusedInBoundedMemory(file: String, code: String) throws {
        let before = peakMemoryMB()
        let started = Date()
        let error = try #require(try refusal(file))
        #expect(error.code == code, "\(error)")
        #expect(peakMemoryMB() - before < 64, "the bomb grew the peak by \(peakMemoryMB() - before) MB")
        print("\(file) (600 MB in \(try fixture(file).count / 1024) KB): refused in \(String(format: "%.2f", Date().timeIntervalSince(started))) s, peak +\(peakMemoryMB() - before) MB: \(error.message)")
    }

    /// The code a sheet of `rows` one-cell rows is refused with under `limits`, or nil when it was read.
    func refusal(rows count: Int, text: (Int) -> String, limits: XLSXLimits) throws -> String? {
        let rows = (1...count).map { #"<row r="\#($0)"><c r="A\#($0)" t="inlineStr"><is><t>\#(text($0))</t></is></c></row>"# }.joined()
        let data = try rawWorkbook(sheet: rows)
        do {
            _ = try XLSXWorkbook(data: data, file: "limits.xlsx", limits: limits).sheet(at: 0)
            return nil
        } catch { return error.code }
    }

    @Test func aPartOverTheSizeLimitIsRefusedWhileDecompressing() throws {
        var limits = XLSXLimits()
        limits.maxPartBytes = 64 * 1024
        #expect(try refusal(rows: 5_000, text: { "张三\($0)" }, limits: limits) == "xlsx.limit.partSize")
    }

    @Test func tooManyRowsIsRefused() throws {
        var limits = XLSXLimits()
        limits.maxRows = 100
        #expect(try refusal(rows: 101, text: { _ in "x" }, limits: limits) == "xlsx.limit.rows")
        let csv = String(repeating: "a,b\n", count: 101)
        #expect(throws: FileInputError.self) { try CSVReader.rows(csv, file: "rows.csv", maxRows: 100) }
    }

    @Test func wrongTypesAndAbsurdNumbersAreRefusedNotTrapped() throws {
        let error = try #require(try refusal("hostile-wrong-types.xlsx"))
        #expect(error.code == "xlsx.rowNumber", "\(error)")
        // Without the absurd row number, the bad cells are row problems, named by column.
        let sheet = #"""
        <row r="1">\#(RosterFile.columnTitles.prefix(8).enumerated().map { #"<c r="\#(XLSXWorkbook.columnName($0.offset))1" t="inlineStr"><is><t>\#($0.element)</t></is></c>"# }.joined())</row>
        <row r="2"><c r="A2" t="s"><v>99999999999999999999999</v></c><c r="B2" t="s"><v>-1</v></c><c r="C2" t="b"><v>maybe</v></c>
        <c r="D2"><v>1e400</v></c><c r="E2"><v>-99999999999999999</v></c><c r="F2" t="e"><v>#REF!</v></c><c r="G2" t="zz"><v>?</v></c></row>
        """#
        let parsed = try RosterFile.read(try rawWorkbook(sheet: sheet, sharedStrings: "<sst><si><t>a</t></si></sst>"), file: "t.xlsx", today: fixtureToday)
        #expect(parsed.records.isEmpty)
        #expect(Set(parsed.problems.compactMap(\.column)).isSuperset(of: ["姓名", "性别", "公民身份号码"]), "\(parsed.problems)")
    }

    @Test func aMonthExcelStoredAsANumberEndingInOneIsAmbiguous() throws {
        let headings = ["姓名", "性别", "民族", "公民身份号码", "出生年月", "入党时间", "党员类别", "所在党支部"]
        let values = ["张三", "男", "汉族", "430702197503120016"]
        func text(_ column: Int, _ row: Int, _ value: String) -> String {
            #"<c r="\#(XLSXWorkbook.columnName(column))\#(row)" t="inlineStr"><is><t>\#(value)</t></is></c>"#
        }
        let sheet = #"<row r="1">\#(headings.enumerated().map { text($0.offset, 1, $0.element) }.joined())</row>"#
            + #"<row r="2">\#(values.enumerated().map { text($0.offset, 2, $0.element) }.joined())"#
            + #"<c r="E2"><v>1975.03</v></c><c r="F2"><v>1990.1</v></c>\#(text(6, 2, "正式党员"))\#(text(7, 2, "某支部"))</row>"#
        let parsed = try RosterFile.read(try rawWorkbook(sheet: sheet), file: "n.xlsx", today: fixtureToday)
        #expect(parsed.problems.map(\.code) == ["roster.date.ambiguousMonth"])
        #expect(parsed.problems.first?.column == "入党时间" && parsed.problems.first?.row == 2)
    }
}

/// Random and truncated inputs: the readers answer with a value or a FileInputError, never a trap.
@Suite struct ReaderFuzzTests {
    static let seeds = Gen.int(in: 0...Int.max)

    @Test func mutatedWorkbooksNeverTrap() async throws {
        let original = try fixture("huamingce-problems.xlsx")
        var outcomes = (read: 0, refused: 0)
        await propertyCheck(count: 400, input: Self.seeds) { seed in
            var state = UInt64(truncatingIfNeeded: seed)
            func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(truncatingIfNeeded: state >> 33) }
            var bytes = [UInt8](original)
            switch next() % 3 {
            case 0: bytes = Array(bytes.prefix(next() % bytes.count))
            case 1: for _ in 0..<(1 + next() % 20) { bytes[next() % bytes.count] = UInt8(truncatingIfNeeded: next()) }
            default: bytes.insert(contentsOf: (0..<(next() % 64)).map { _ in UInt8(truncatingIfNeeded: next()) }, at: next() % bytes.count)
            }
            do {
                _ = try RosterFile.read(Data(bytes), file: "fuzz.xlsx", today: fixtureToday)
                outcomes.read += 1
            } catch let error as FileInputError {
                #expect(!error.message.isEmpty && !error.code.isEmpty)
                outcomes.refused += 1
            } catch {
                Issue.record("not a FileInputError: \(error)")
            }
        }
        #expect(outcomes.read + outcomes.refused == 400)
        print("mutated workbooks: \(outcomes.read) read, \(outcomes.refused) refused with a message")
    }

    @Test func sheetXMLFromRandomPiecesNeverTraps() async throws {
        let pieces = ["<row r=\"1\">", "</row>", "<c r=\"A1\" t=\"s\">", "<c r=\"ZZZZ9\">", "<c r=\"B2\" t=\"inlineStr\">", "</c>", "<v>", "</v>",
                      "<is><t>", "</t></is>", "1", "99999999999999999999", "-5", "&#x0;", "&#1114112;", "&amp", "<![CDATA[", "]]>", "<!--",
                      "<f>", "</f>", "<row r=\"0\"/>", "<row r=\"-3\">", "\u{FFFF}", "<mergeCell ref=\"A1:B1\"/>", "<c/>", "<row/>"]
        var counted = 0
        await propertyCheck(count: 500, input: Gen.int(in: 0...Int.max), Gen.int(in: 1...60)) { seed, length in
            var state = UInt64(truncatingIfNeeded: seed)
            let xml = (0..<length).map { _ -> String in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return pieces[Int(state >> 33) % pieces.count]
            }.joined()
            let data = try rawWorkbook(sheet: xml, sharedStrings: "<sst><si><t>x</t></si></sst>")
            do { _ = try RosterFile.read(data, file: "p.xlsx", today: fixtureToday) } catch let error as FileInputError { #expect(!error.code.isEmpty) }
            counted += 1
        }
        #expect(counted == 500)
    }

    @Test func randomCSVBytesNeverTrap() async throws {
        var answered = 0
        await propertyCheck(count: 500, input: Gen.int(in: 0...Int.max), Gen.int(in: 0...400)) { seed, length in
            var state = UInt64(truncatingIfNeeded: seed)
            let alphabet: [UInt8] = Array("姓名,性别\"\r\n1975.03公民身份号码所在党支部填表人：".utf8) + [0xFF, 0x81, 0x30, 0x00]
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return alphabet[Int(state >> 33) % alphabet.count]
            }
            do { _ = try RosterFile.read(Data(bytes), file: "r.csv", today: fixtureToday) } catch let error as FileInputError { #expect(!error.message.isEmpty) }
            answered += 1
        }
        #expect(answered == 500)
    }
}
