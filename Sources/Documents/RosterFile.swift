import Foundation
import ElectionRules

/// One member as the roster file writes them. Every field is the text a clerk typed, checked.
public struct RosterRecord: Sendable, Equatable, Codable {
    public struct Honour: Codable, Sendable, Equatable {
        public let name: String, level: String, year: Int
        public init(name: String, level: String, year: Int) { self.name = name; self.level = level; self.year = year }
    }
    public var name = "", gender = "", ethnicity = "", idNumber = "", birthDate = "", joinDate = ""
    public var status = "", organization = "", position = "", category = "", title = "", titleLevel = ""
    public var honours: [Honour] = []
    public var npcDeputy = false, cppccMember = false

    public init() {}

    /// How the database keeps honours: a JSON array of {name, level, year}.
    public var honoursJSON: String {
        if honours.isEmpty { return "[]" }   // most members: skip the encoder
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(honours)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    public static func honours(fromJSON json: String) -> [Honour] {
        if json == "[]" { return [] }
        return (try? JSONDecoder().decode([Honour].self, from: Data(json.utf8))) ?? []
    }
}

/// The roster's file format: one set of columns for the template, the import and the export,
/// so a file exported from Xuanju imports again unchanged.
public enum RosterFile {
    public static let sheetName = "党员名册"

    enum Field: CaseIterable {
        case name, gender, ethnicity, idNumber, birthDate, joinDate, status, organization
        case position, category, title, titleLevel, honours, npcDeputy, cppccMember
    }

    struct Column {
        let field: Field
        let title: String
        /// Other headings clerks use for the same column.
        let aliases: [String]
        let required: Bool
        let width: Double
    }

    static let columns: [Column] = [
        Column(field: .name, title: "姓名", aliases: [], required: true, width: 12),
        Column(field: .gender, title: "性别", aliases: [], required: true, width: 6),
        Column(field: .ethnicity, title: "民族", aliases: [], required: true, width: 10),
        Column(field: .idNumber, title: "公民身份号码", aliases: ["身份证号", "身份证号码", "居民身份证号码"], required: true, width: 22),
        Column(field: .birthDate, title: "出生日期", aliases: [], required: true, width: 12),
        Column(field: .joinDate, title: "入党日期", aliases: ["入党时间"], required: true, width: 12),
        Column(field: .status, title: "党员状态", aliases: ["人员状态", "党籍状态"], required: true, width: 12),
        Column(field: .organization, title: "所在党组织", aliases: ["所在党支部", "党组织"], required: true, width: 36),
        Column(field: .position, title: "职务", aliases: [], required: false, width: 14),
        Column(field: .category, title: "人员类别", aliases: ["类别"], required: false, width: 14),
        Column(field: .title, title: "专业技术职称", aliases: ["职称"], required: false, width: 14),
        Column(field: .titleLevel, title: "职称级别", aliases: [], required: false, width: 10),
        Column(field: .honours, title: "荣誉", aliases: ["荣誉称号"], required: false, width: 30),
        Column(field: .npcDeputy, title: "人大代表", aliases: [], required: false, width: 10),
        Column(field: .cppccMember, title: "政协委员", aliases: [], required: false, width: 10),
    ]

    public static var columnTitles: [String] { columns.map(\.title) }

    /// A file read and checked row by row. Problems that need the database (unknown
    /// organization, an ID number already on the roster) are the importer's to add.
    public struct Parsed: Sendable {
        public let file: String
        public var records: [(row: Int, record: RosterRecord)]
        public var problems: [FileInputError]
        /// Headings present in the file that Xuanju does not read.
        public var ignoredColumns: [String]
    }

    // MARK: Reading

    /// Reads an .xlsx or .csv roster (CSV in UTF-8 or GBK/GB18030). A file whose shape is wrong
    /// (not a workbook, no roster sheet, headings missing or merged) throws; bad values in rows
    /// are collected, all of them, so one preview shows everything to fix.
    public static func read(_ data: Data, file: String, today: CalendarDate = .today()) throws(FileInputError) -> Parsed {
        let isXLSX = file.lowercased().hasSuffix(".xlsx") || file.lowercased().hasSuffix(".xls")
            || data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
        var problems: [FileInputError] = []
        var rows: [(number: Int, cells: [String])] = []
        if isXLSX {
            let workbook = try XLSXWorkbook(data: data, file: file)
            let sheet: XLSXSheet
            if workbook.sheetNames.contains(sheetName) {
                sheet = try workbook.sheet(named: sheetName)
            } else if workbook.sheetNames.count == 1 {
                sheet = try workbook.sheet(at: 0)
            } else {
                throw FileInputError(file: file, message: "工作簿有 \(workbook.sheetNames.count) 个工作表（\(workbook.sheetNames.joined(separator: "、"))），请把名册放在名为「\(sheetName)」的工作表中")
            }
            let headerRow = sheet.rows.first(where: { row in row.cells.contains { $0 != .empty } })?.number ?? 1
            for range in sheet.merged where mergedRange(range, touchesRow: headerRow) {
                throw FileInputError(file: file, row: headerRow, message: "表头有合并单元格（\(range)），请取消合并，每列只写一个标题")
            }
            let header = sheet.rows.first { $0.number == headerRow }?.cells ?? []
            let fields = header.map { cell -> Field? in if case .text(let t) = cell { return field(for: t) }; return nil }
            for row in sheet.rows {
                var cells: [String] = []
                for (index, cell) in row.cells.enumerated() {
                    let column = index < header.count ? headerTitle(header[index]) : XLSXWorkbook.columnName(index)
                    let field = index < fields.count ? fields[index] : nil
                    switch cell {
                    case .empty: cells.append("")
                    case .text(let text): cells.append(text)
                    case .bool(let value): cells.append(value ? "是" : "否")
                    case .error(let code):
                        cells.append("")
                        problems.append(FileInputError(file: file, row: row.number, column: column, message: "单元格是错误值 \(code)"))
                    case .formula(let formula):
                        cells.append("")
                        if row.number != headerRow {
                            problems.append(FileInputError(file: file, row: row.number, column: column,
                                                           message: "是公式（=\(formula)），请复制该列后「选择性粘贴→数值」再导入"))
                        }
                    case .number(let number):
                        switch field {
                        case .birthDate?, .joinDate?:
                            cells.append(Double(number).flatMap(CalendarDate.init(excelSerial:))?.description ?? number)
                        case .idNumber?:
                            if number.contains("E") || number.contains("e") || number.contains(".") || number.count > 15 {
                                cells.append("")
                                problems.append(FileInputError(file: file, row: row.number, column: column,
                                                               message: "被 Excel 存成了数字（\(number)），末尾几位已经丢失：请把该列设为「文本」后重新录入"))
                            } else { cells.append(number) }
                        default: cells.append(number)
                        }
                    }
                }
                rows.append((row.number, cells))
            }
            rows = rows.filter { $0.number >= headerRow }
        } else {
            guard let text = CSVReader.decode(data) else {
                throw FileInputError(file: file, message: "文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本，请在 Excel 中另存为「CSV UTF-8」或 XLSX")
            }
            rows = try CSVReader.rows(text, file: file).enumerated().map { ($0.offset + 1, $0.element) }
        }
        return try check(rows: rows, file: file, problems: problems, today: today)
    }

    static func headerTitle(_ cell: XLSXCell) -> String {
        if case .text(let t) = cell { return t.trimmed }
        return ""
    }

    static func field(for heading: String) -> Field? {
        let h = heading.trimmed.replacingOccurrences(of: "*", with: "")
        return columns.first { $0.title == h || $0.aliases.contains(h) }?.field
    }

    static func mergedRange(_ range: String, touchesRow row: Int) -> Bool {
        let ends = range.split(separator: ":").map { Int($0.drop { $0.isLetter }) ?? 0 }
        guard ends.count == 2 else { return false }
        return ends[0] <= row && row <= ends[1]
    }

    static func check(rows allRows: [(number: Int, cells: [String])], file: String, problems initial: [FileInputError],
                      today: CalendarDate) throws(FileInputError) -> Parsed {
        var problems = initial
        let nonEmpty = allRows.filter { $0.cells.contains { !$0.trimmed.isEmpty } }
        guard let header = nonEmpty.first else { throw FileInputError(file: file, message: "文件是空的，没有表头和数据") }
        var position: [Field: Int] = [:]
        var ignored: [String] = []
        for (index, heading) in header.cells.enumerated() {
            let title = heading.trimmed
            guard !title.isEmpty else { continue }
            if let field = field(for: title) {
                guard position[field] == nil else {
                    throw FileInputError(file: file, row: header.number, column: title, message: "表头中这一列出现了两次")
                }
                position[field] = index
            } else { ignored.append(title) }
        }
        let missing = columns.filter { $0.required && position[$0.field] == nil }.map { "「\($0.title)」" }
        guard missing.isEmpty else {
            throw FileInputError(file: file, row: header.number,
                                 message: "这一行不是党员名册的表头：缺少\(missing.joined())列（请用系统提供的导入模板）")
        }
        // Cells the reader already complained about (formulas, numbers, error values).
        let namedCells = Set(problems.map { "\($0.row ?? 0)|\($0.column ?? "")" })
        let rowsWithProblems = Set(problems.compactMap(\.row))
        var records: [(row: Int, record: RosterRecord)] = []
        records.reserveCapacity(nonEmpty.count)
        var firstRowOfID: [String: Int] = [:]
        for row in nonEmpty.dropFirst() {
            var rowProblems: [FileInputError] = []
            func value(_ field: Field) -> String {
                guard let i = position[field], i < row.cells.count else { return "" }
                return row.cells[i].trimmed
            }
            func report(_ field: Field, _ message: String) {
                let title = columns.first { $0.field == field }!.title
                rowProblems.append(FileInputError(file: file, row: row.number, column: title, message: message))
            }
            var record = RosterRecord()
            for column in columns where column.required && value(column.field).isEmpty {
                if !namedCells.contains("\(row.number)|\(column.title)") { report(column.field, "必填，不能为空") }
            }
            record.name = value(.name)
            if record.name.contains("?") || record.name.contains("？") || record.name.contains("\u{FFFD}") {
                report(.name, "含有「?」：生僻字可能在另存为 GBK 时丢失了，请核对后另存为「CSV UTF-8」或 XLSX")
            }
            record.gender = value(.gender)
            if !record.gender.isEmpty && !["男", "女"].contains(record.gender) { report(.gender, "应为「男」或「女」，实为「\(record.gender)」") }
            record.ethnicity = value(.ethnicity)
            if !record.ethnicity.isEmpty && !record.ethnicity.hasSuffix("族") && record.ethnicity != "穿青人" {
                report(.ethnicity, "应写民族全称（如「汉族」「土家族」），实为「\(record.ethnicity)」")
            }
            record.idNumber = value(.idNumber).uppercased()
            var idIsValid = false
            if !record.idNumber.isEmpty {
                if record.idNumber.contains("E+") {
                    report(.idNumber, "「\(record.idNumber)」被 Excel 存成了科学计数法，末尾几位已经丢失：请把该列设为「文本」后重新录入")
                } else if let problem = IDNumber.problem(record.idNumber) {
                    report(.idNumber, "「\(record.idNumber)」不是有效的居民身份证号：\(problem)")
                } else if let earlier = firstRowOfID[record.idNumber] {
                    report(.idNumber, "与第\(earlier)行的身份证号重复")
                } else {
                    idIsValid = true
                    firstRowOfID[record.idNumber] = row.number
                }
            }
            let birth = date(value(.birthDate), field: .birthDate, report: report)
            if let birth {
                record.birthDate = birth.description
                if idIsValid, let fromID = IDNumber.birthDate(record.idNumber), fromID != birth.description {
                    report(.birthDate, "\(birth) 与身份证号中的出生日期 \(fromID) 不一致")
                }
                if today < birth { report(.birthDate, "\(birth) 晚于今天") }
            }
            if idIsValid, ["男", "女"].contains(record.gender), let fromID = IDNumber.gender(record.idNumber), fromID != record.gender {
                report(.gender, "「\(record.gender)」与身份证号第17位（\(fromID)）不一致")
            }
            let join = date(value(.joinDate), field: .joinDate, report: report)
            if let join {
                record.joinDate = join.description
                if today < join { report(.joinDate, "\(join) 晚于今天") }
                if let birth, birth.years(until: join) < 18 { report(.joinDate, "\(join) 入党时未满18周岁（出生于 \(birth)）") }
            }
            record.status = value(.status)
            if !record.status.isEmpty && MemberStanding(rawValue: record.status) == nil {
                report(.status, "应为\(MemberStanding.allCases.map { "「\($0.rawValue)」" }.joined(separator: "、"))之一，实为「\(record.status)」")
            }
            record.organization = value(.organization)
            record.position = value(.position)
            record.category = value(.category)
            record.title = value(.title)
            record.titleLevel = value(.titleLevel)
            switch honours(value(.honours)) {
            case .success(let list): record.honours = list
            case .failure(let message): report(.honours, message.text)
            }
            for (field, keyPath) in [(Field.npcDeputy, \RosterRecord.npcDeputy), (.cppccMember, \.cppccMember)] {
                switch value(field) {
                case "", "否", "0", "N", "n": record[keyPath: keyPath] = false
                case "是", "1", "Y", "y": record[keyPath: keyPath] = true
                case let other: report(field, "应为「是」或「否」，实为「\(other)」")
                }
            }
            if rowProblems.isEmpty && !rowsWithProblems.contains(row.number) {
                records.append((row.number, record))
            }
            problems += rowProblems
        }
        problems.sort { ($0.row ?? 0) < ($1.row ?? 0) }
        return Parsed(file: file, records: records, problems: problems, ignoredColumns: ignored)
    }

    static func date(_ text: String, field: Field, report: (Field, String) -> Void) -> CalendarDate? {
        guard !text.isEmpty else { return nil }
        guard let date = CalendarDate(text: text) else {
            report(field, "「\(text)」不是有效日期（应写成 1980-05-01）")
            return nil
        }
        return date
    }

    struct Message: Error { let text: String }

    /// "省劳动模范（省级，2019）；市优秀共产党员（市级，2021）"
    static func honours(_ text: String) -> Result<[RosterRecord.Honour], Message> {
        guard !text.isEmpty else { return .success([]) }
        var list: [RosterRecord.Honour] = []
        for item in text.split(whereSeparator: { $0 == "；" || $0 == ";" }) {
            let part = String(item).trimmed
            guard let open = part.firstIndex(where: { $0 == "（" || $0 == "(" }),
                  part.last == "）" || part.last == ")" else {
                return .failure(Message(text: "「\(part)」应写成「名称（级别，年份）」，多项用「；」分隔"))
            }
            let inside = part[part.index(after: open)..<part.index(before: part.endIndex)]
                .split(whereSeparator: { $0 == "，" || $0 == "," }).map { String($0).trimmed }
            guard inside.count == 2, let year = Int(inside[1]), (1921...2100).contains(year) else {
                return .failure(Message(text: "「\(part)」应写成「名称（级别，年份）」，如「省劳动模范（省级，2019）」"))
            }
            list.append(.init(name: String(part[..<open]).trimmed, level: inside[0], year: year))
        }
        return .success(list)
    }

    /// The file's row checks applied to one member typed into a form (cells in column order):
    /// the record with dates normalized, or the problems, each naming its field.
    public enum RowCheck: Sendable {
        case valid(RosterRecord)
        case invalid([FileInputError])
    }

    public static func check(cells: [String], today: CalendarDate = .today()) -> RowCheck {
        let rows = [(number: 1, cells: columnTitles), (number: 2, cells: cells)]
        do {
            let parsed = try check(rows: rows, file: "表单", problems: [], today: today)
            if let record = parsed.records.first?.record, parsed.problems.isEmpty { return .valid(record) }
            return .invalid(parsed.problems.map { FileInputError(file: "表单", column: $0.column, message: $0.message) })
        } catch {
            return .invalid([error])
        }
    }

    public static func check(_ record: RosterRecord, today: CalendarDate = .today()) -> RowCheck {
        check(cells: cells(record), today: today)
    }

    /// Fields that differ between two records, by column title, for the audit trail.
    public static func differences(_ before: RosterRecord, _ after: RosterRecord) -> [(column: String, before: String, after: String)] {
        zip(columns, zip(cells(before), cells(after))).compactMap { column, pair in
            pair.0 == pair.1 ? nil : (column.title, pair.0, pair.1)
        }
    }

    // MARK: Writing

    public static func cells(_ record: RosterRecord) -> [String] {
        columns.map { column in
            switch column.field {
            case .name: return record.name
            case .gender: return record.gender
            case .ethnicity: return record.ethnicity
            case .idNumber: return record.idNumber
            case .birthDate: return record.birthDate
            case .joinDate: return record.joinDate
            case .status: return record.status
            case .organization: return record.organization
            case .position: return record.position
            case .category: return record.category
            case .title: return record.title
            case .titleLevel: return record.titleLevel
            case .honours: return record.honours.map { "\($0.name)（\($0.level)，\($0.year)）" }.joined(separator: "；")
            case .npcDeputy: return record.npcDeputy ? "是" : "否"
            case .cppccMember: return record.cppccMember ? "是" : "否"
            }
        }
    }

    public static func xlsx(_ records: some Sequence<RosterRecord>) throws -> Data {
        try XLSXWriter(sheetName: sheetName, columns: columns.map { .init(title: $0.title, width: $0.width) })
            .data(rows: records.lazy.map(cells))
    }

    /// CSV in UTF-8 with a byte-order mark, which Excel in China opens without garbling.
    public static func csv(_ records: some Sequence<RosterRecord>) -> Data {
        var text = "\u{FEFF}" + csvLine(columnTitles)
        for record in records { text += csvLine(cells(record)) }
        return Data(text.utf8)
    }

    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }

    /// The import template: the headings, formatted, and no rows.
    public static func template() throws -> Data { try xlsx([]) }
}
