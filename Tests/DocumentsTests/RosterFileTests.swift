import Foundation
import Testing
@testable import Documents

/// The committed files in Tests/Fixtures were written by openpyxl (scripts/make_roster_fixtures.py).
func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)"))
}

let fixtureToday = CalendarDate(year: 2026, month: 11, day: 29)!

@Suite struct RosterFileTests {
    @Test func readsAWorkbookAnotherProgramWrote() throws {
        let parsed = try RosterFile.read(try fixture("roster-openpyxl.xlsx"), file: "roster-openpyxl.xlsx", today: fixtureToday)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.records.map(\.row) == [2, 3, 4])
        let first = parsed.records[0].record
        #expect(first.name == "王龑" && first.birthDate == "1980-05-01" && first.joinDate == "2003-07-01")
        #expect(first.honours == [.init(name: "市优秀共产党员", level: "市级", year: 2021)])
        #expect(parsed.records[1].record.name == "李𠈌" && parsed.records[1].record.birthDate == "1992-02-29")
        #expect(parsed.records[1].record.cppccMember && parsed.records[2].record.npcDeputy)
    }

    @Test func exportReadsBackUnchanged() throws {
        let parsed = try RosterFile.read(try fixture("roster-openpyxl.xlsx"), file: "a.xlsx", today: fixtureToday)
        let records = parsed.records.map(\.record)
        let xlsx = try RosterFile.read(try RosterFile.xlsx(records), file: "b.xlsx", today: fixtureToday)
        #expect(xlsx.problems.isEmpty && xlsx.records.map(\.record) == records)
        let csv = try RosterFile.read(RosterFile.csv(records), file: "c.csv", today: fixtureToday)
        #expect(csv.problems.isEmpty && csv.records.map(\.record) == records)
        let workbook = try XLSXWorkbook(data: try RosterFile.xlsx(records), file: "b.xlsx")
        #expect(workbook.sheetNames == [RosterFile.sheetName])
    }

    @Test func gb18030WithRareCharactersKeepsEveryCharacter() throws {
        let parsed = try RosterFile.read(try fixture("roster-gb18030.csv"), file: "roster-gb18030.csv", today: fixtureToday)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.records.map(\.record.name) == ["王龑", "李𠈌", "欧阳堃"])
    }

    @Test func aQuestionMarkLeftByGBKIsReported() throws {
        let parsed = try RosterFile.read(try fixture("roster-gbk-lost.csv"), file: "roster-gbk-lost.csv", today: fixtureToday)
        #expect(parsed.problems.map(\.description) == ["roster-gbk-lost.csv 第3行 「姓名」列：含有「?」：生僻字可能在另存为 GBK 时丢失了，请核对后另存为「CSV UTF-8」或 XLSX"])
        #expect(parsed.records.count == 2)
    }

    @Test func formulasAreNamedByCell() throws {
        let parsed = try RosterFile.read(try fixture("roster-formula.xlsx"), file: "roster-formula.xlsx", today: fixtureToday)
        #expect(parsed.problems.map(\.description) == ["roster-formula.xlsx 第3行 「出生日期」列：是公式（=DATE(1992,2,29)），请复制该列后「选择性粘贴→数值」再导入"])
    }

    @Test func idNumbersStoredAsNumbersAreCaught() throws {
        let parsed = try RosterFile.read(try fixture("roster-id-as-number.xlsx"), file: "x.xlsx", today: fixtureToday)
        #expect(parsed.problems.count == 1)
        #expect(parsed.problems[0].row == 2 && parsed.problems[0].column == "公民身份号码")
        #expect(parsed.problems[0].message.contains("被 Excel 存成了数字"))
    }

    @Test func brokenShapesThrowWithAReason() throws {
        func message(_ name: String, _ data: Data? = nil) throws -> String {
            let bytes = try data ?? fixture(name)
            do {
                _ = try RosterFile.read(bytes, file: name, today: fixtureToday)
                return "no error"
            } catch { return error.description }
        }
        #expect(try message("roster-merged-heading-cells.xlsx") == "roster-merged-heading-cells.xlsx 第1行：表头有合并单元格（H1:I1），请取消合并，每列只写一个标题")
        #expect(try message("roster-wrong-sheet.xlsx") == "roster-wrong-sheet.xlsx：工作簿有 3 个工作表（Sheet1、填写说明、统计），请把名册放在名为「党员名册」的工作表中")
        #expect(try message("roster-not-a-roster.xlsx") == "roster-not-a-roster.xlsx 第1行：这一行不是党员名册的表头：缺少「姓名」「性别」「民族」「公民身份号码」「入党日期」「党员状态」「所在党组织」列（请用系统提供的导入模板，或在预览中指定各列对应关系）")
        let whole = try fixture("roster-openpyxl.xlsx")
        #expect(try message("truncated.xlsx", whole.prefix(whole.count / 2)) == "truncated.xlsx：XLSX 文件不完整或已损坏（找不到 ZIP 目录结尾），请在 Excel 中重新保存后再导入")
        #expect(try message("old.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) == "old.xls：这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
        #expect(try message("empty.csv", Data()) == "empty.csv：文件是空的，没有表头和数据")
        #expect(try message("latin1.csv", Data([0x41, 0xFF, 0xFF, 0x0A])) == "latin1.csv：文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本，请在 Excel 中另存为「CSV UTF-8」或 XLSX")
    }

    @Test func everyRowProblemIsListedWithRowAndColumn() throws {
        let header = RosterFile.columnTitles.joined(separator: ",")
        let good = "430702198005010011"
        let csv = """
        \(header)
        张三,男,汉族,430702198005010013,1980-05-01,2003-07-01,正式党员,某支部,,,,,,,
        李四,女,汉族,\(good),1980-05-02,2003-07-01,正式党员,某支部,,,,,,,
        王五,男,汉族,\(good),1980-05-01,1990-07-01,党员,某支部,,,,,,,
        ,女,汉族,430702198005010046,1980-13-01,2003-07-01,正式党员,,,,,,省劳模,也许,
        """
        let parsed = try RosterFile.read(Data(csv.utf8), file: "名册.csv", today: fixtureToday)
        #expect(parsed.problems.map(\.description) == [
            "名册.csv 第2行 「公民身份号码」列：「430702198005010013」不是有效的居民身份证号：校验位不符（按前17位应为1），请核对是否抄错",
            "名册.csv 第3行 「出生日期」列：1980-05-02 与身份证号中的出生日期 1980-05-01 不一致",
            "名册.csv 第3行 「性别」列：「女」与身份证号第17位（男）不一致",
            "名册.csv 第4行 「公民身份号码」列：与第3行的身份证号重复",
            "名册.csv 第4行 「入党日期」列：1990-07-01 入党时未满18周岁（出生于 1980-05-01）",
            "名册.csv 第4行 「党员状态」列：应为「正式党员」、「预备党员」、「留党察看」、「留置或逮捕」之一，实为「党员」",
            "名册.csv 第5行 「姓名」列：必填，不能为空",
            "名册.csv 第5行 「所在党组织」列：必填，不能为空",
            "名册.csv 第5行 「出生日期」列：「1980-13-01」不是有效日期（应写成 1980-05-01 或 1980.05）",
            "名册.csv 第5行 「荣誉」列：「省劳模」应写成「名称（级别，年份）」，多项用「；」分隔",
            "名册.csv 第5行 「人大代表」列：应为「是」或「否」，实为「也许」",
        ])
        #expect(parsed.records.isEmpty)
        #expect(parsed.problems.map(\.code) == [
            "roster.idNumber.checksum", "roster.birthDate.mismatchID", "roster.gender.mismatchID", "roster.idNumber.duplicate",
            "roster.joinDate.underage", "roster.status.invalid", "roster.name.required", "roster.organization.required",
            "roster.birthDate.invalid", "roster.honours.invalid", "roster.npcDeputy.invalid",
        ])
    }

    /// Rows are checked in parallel chunks; a repeated ID number far apart in the file is still
    /// named against its first row, and the result is the same as the file's order.
    @Test func duplicatesAcrossParallelChunksAreFound() throws {
        var lines = [RosterFile.columnTitles.joined(separator: ",")]
        var numbers: [String] = []
        for i in 0..<6_000 {
            let birth = CalendarDate(excelSerial: Double(25_000 + i % 9_000))!
            let first17 = "110105" + birth.description.replacingOccurrences(of: "-", with: "") + String(format: "%03d", 100 + i / 9_000 * 2 + 1)
            let number = first17 + String(IDNumber.checkCharacter(for: first17))
            numbers.append(number)
            lines.append("测试\(i),男,汉族,\(number),\(birth),\(birth.year + 20)-07-01,正式党员,某支部,,,,,,,")
        }
        lines[5_901] = lines[5_901].replacingOccurrences(of: numbers[5_900], with: numbers[3])   // file row 5,902 repeats row 5
        let parsed = try RosterFile.read(Data(lines.joined(separator: "\n").utf8), file: "big.csv", today: fixtureToday)
        #expect(parsed.problems.map { "\($0.row!)|\($0.code)|\($0.message)" } == ["5902|roster.idNumber.duplicate|与第5行的身份证号重复"])
        #expect(parsed.records.count == 5_999 && parsed.records.map(\.row) == Array(2...6001).filter { $0 != 5902 })
    }

    @Test func aTitleRowMergedAboveTheHeadingsIsSkipped() throws {
        let parsed = try RosterFile.read(try fixture("roster-merged-header.xlsx"), file: "m.xlsx", today: fixtureToday)
        #expect(parsed.headerRow == 2 && parsed.problems.isEmpty && parsed.records.map(\.row) == [3, 4, 5])
    }
}

/// The 花名册 units really keep (scripts/make_roster_fixtures.py `huamingce`): title rows, 序号,
/// 出生年月/入党时间 to the month, 党员类别, 所在党支部, a footer; rows 8 and 10 are wrong.
@Suite struct HuamingceTests {
    @Test(arguments: ["huamingce-problems.xlsx", "huamingce-problems-gb18030.csv"])
    func theTwoProblemsAreNamedByFileRowAndHeading(file: String) throws {
        let parsed = try RosterFile.read(try fixture(file), file: file, today: fixtureToday)
        #expect(parsed.headerRow == 3)
        #expect(parsed.footerRows == [13])
        #expect(parsed.problems.map { "\($0.row!)|\($0.column!)|\($0.code)" } == [
            "8|公民身份号码|roster.idNumber.checksum", "10|公民身份号码|roster.idNumber.duplicate",
        ], "\(parsed.problems)")
        #expect(parsed.problems[1].message == "与第5行的身份证号重复")
        #expect(parsed.records.map(\.row) == [4, 5, 6, 7, 9, 11])
        #expect(parsed.ignoredColumns == [], "序号 is expected, 现任职务 is 职务")
    }

    @Test(arguments: ["huamingce.xlsx", "huamingce-gb18030.csv"])
    func monthDatesTakeTheDayFromTheIDNumber(file: String) throws {
        let parsed = try RosterFile.read(try fixture(file), file: file, today: fixtureToday)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        let byName = Dictionary(uniqueKeysWithValues: parsed.records.map { ($0.record.name, $0.record) })
        #expect(byName["张建国"]?.birthDate == "1975-03-12" && byName["张建国"]?.joinDate == "1998-07")
        #expect(byName["李秀英"]?.birthDate == "1980-05-21" && byName["李秀英"]?.joinDate == "2003-06")
        #expect(byName["王芳"]?.status == "预备党员" && byName["王芳"]?.organization == "中共武陵区城东社区第二支部委员会")
        // Typed as the number 1975.12 in the workbook, "1975.12" in the CSV.
        #expect(byName["欧阳明"]?.birthDate == "1975-12-31" && byName["欧阳明"]?.position == "干部")
        #expect(byName["赵志刚"]?.joinDate == "1990-10")
        #expect(parsed.records.count == 8)
    }

    @Test func aMonthThatDisagreesWithTheIDNumberIsFlagged() throws {
        let csv = "姓名,性别,民族,身份证号码,出生年月,入党时间,党员类别,所在支部\n张三,男,汉族,430702197503120016,1975.04,1998.07,正式党员,某支部\n"
        let parsed = try RosterFile.read(Data(csv.utf8), file: "a.csv", today: fixtureToday)
        #expect(parsed.problems.map(\.code) == ["roster.birthDate.mismatchID"])
        #expect(parsed.problems.first?.message == "出生年月 1975年4月 与身份证号中的出生日期 1975-03-12 不一致")
    }

    @Test func monthTexts() {
        #expect(CalendarDate.month(text: "1990.10")! == (1990, 10))
        #expect(CalendarDate.month(text: "1975年3月")! == (1975, 3))
        #expect(CalendarDate.month(text: "1975-03")! == (1975, 3))
        #expect(CalendarDate.month(text: "197503")! == (1975, 3))
        #expect(CalendarDate.month(text: "1975.13") == nil && CalendarDate.month(text: "75.03") == nil)
    }

    @Test func aUserMappingNamesAnUnknownHeading() throws {
        let csv = "姓名,性别,民族,身份证号码,入党年月,组织关系所在支部,党员类别\n张三,男,汉族,430702197503120016,1998.07,某支部,正式党员\n"
        #expect(throws: FileInputError.self) { try RosterFile.read(Data(csv.utf8), file: "a.csv", today: fixtureToday) }
        let parsed = try RosterFile.read(Data(csv.utf8), file: "a.csv", columnMap: ["组织关系所在支部": "所在党组织"], today: fixtureToday)
        #expect(parsed.problems.isEmpty && parsed.records.first?.record.organization == "某支部")
        do {
            _ = try RosterFile.read(Data(csv.utf8), file: "a.csv", columnMap: ["组织关系所在支部": "密码"], today: fixtureToday)
            Issue.record("an unknown target column was accepted")
        } catch { #expect(error.code == "roster.columnMap.unknownField") }
    }
}

@Suite struct CalendarDateTests {
    @Test func excelSerialNumbers() {
        #expect(CalendarDate(excelSerial: 1)?.description == "1900-01-01")
        #expect(CalendarDate(excelSerial: 59)?.description == "1900-02-28")
        #expect(CalendarDate(excelSerial: 60) == nil)
        #expect(CalendarDate(excelSerial: 61)?.description == "1900-03-01")
        #expect(CalendarDate(excelSerial: 29_342)?.description == "1980-05-01")
        #expect(CalendarDate(excelSerial: 33_663)?.description == "1992-02-29")
        #expect(CalendarDate(excelSerial: 46_355)?.description == "2026-11-29")
        #expect(CalendarDate(excelSerial: 29_342.5) == nil)
    }

    @Test func writtenForms() {
        for text in ["1980-05-01", "1980/5/1", "1980.05.01", "1980年5月1日", "19800501"] {
            #expect(CalendarDate(text: text)?.description == "1980-05-01", "\(text)")
        }
        for text in ["1980-02-30", "80-05-01", "1980-5", "abc", "2023-02-29"] {
            #expect(CalendarDate(text: text) == nil, "\(text)")
        }
        let birth = CalendarDate(year: 1980, month: 5, day: 1)!
        #expect(birth.years(until: CalendarDate(year: 1998, month: 4, day: 30)!) == 17)
        #expect(birth.years(until: CalendarDate(year: 1998, month: 5, day: 1)!) == 18)
    }

    @Test func idNumberProblemsAreSpecific() {
        #expect(IDNumber.problem("11010519491231002X") == nil)
        #expect(IDNumber.problem("110105194912310021") == "校验位不符（按前17位应为X），请核对是否抄错")
        #expect(IDNumber.problem("1101051949123100") == "应为18位，实为16位")
        #expect(IDNumber.problem("110105194913310021") == "第7至14位不是有效的出生日期")
        #expect(IDNumber.problem("11010519491231A02X") == "前17位应全为数字")
        #expect(IDNumber.gender("11010519491231002X") == "女")
    }
}
