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
        Column(field: .idNumber, title: "公民身份号码", aliases: ["身份证号", "身份证号码", "居民身份证号码", "居民身份证号", "身份证"], required: true, width: 22),
        Column(field: .birthDate, title: "出生日期", aliases: ["出生年月", "出生时间", "出生年月日"], required: false, width: 12),
        Column(field: .joinDate, title: "入党日期", aliases: ["入党时间", "入党年月"], required: true, width: 12),
        Column(field: .status, title: "党员状态", aliases: ["人员状态", "党籍状态", "党员类别", "党员类型"], required: true, width: 12),
        Column(field: .organization, title: "所在党组织", aliases: ["所在党支部", "所在支部", "党组织", "党支部", "所属党组织", "所属支部", "所在党组织名称"], required: true, width: 36),
        Column(field: .position, title: "职务", aliases: ["现任职务", "工作单位及职务"], required: false, width: 14),
        Column(field: .category, title: "人员类别", aliases: ["类别"], required: false, width: 14),
        Column(field: .title, title: "专业技术职称", aliases: ["职称", "专业技术职务"], required: false, width: 14),
        Column(field: .titleLevel, title: "职称级别", aliases: [], required: false, width: 10),
        Column(field: .honours, title: "荣誉", aliases: ["荣誉称号"], required: false, width: 30),
        Column(field: .npcDeputy, title: "人大代表", aliases: [], required: false, width: 10),
        Column(field: .cppccMember, title: "政协委员", aliases: [], required: false, width: 10),
    ]

    public static var columnTitles: [String] { columns.map(\.title) }

    /// Headings a 花名册 carries that hold nothing to import (no need to list them as ignored).
    static let unread: Set<String> = ["序号", "编号", "备注"]
    /// A row whose first cell starts so is the signature footer, not a member.
    static let footerPrefixes = ["填表人", "审核人", "制表人", "填报人", "负责人", "单位负责人", "经办人", "填表日期", "制表日期",
                                 "填报日期", "联系电话", "备注", "说明", "注：", "注:", "合计", "总计"]
    /// How far down the file the heading row is looked for (title rows come first).
    static let headerSearchRows = 30

    /// A file read and checked row by row. Problems that need the database (unknown
    /// organization, an ID number already on the roster) are the importer's to add.
    public struct Parsed: Sendable {
        public let file: String
        public var records: [(row: Int, record: RosterRecord)]
        public var problems: [FileInputError]
        /// Headings present in the file that Xuanju does not read.
        public var ignoredColumns: [String]
        /// The file row of the headings (title rows above it are skipped).
        public var headerRow: Int = 1
        /// Rows skipped as the signature footer (填表人 …).
        public var footerRows: [Int] = []
        /// The file's own heading for each column read, by the template's title ("身份证号码" for 公民身份号码).
        public var headings: [String: String] = [:]

        /// How problems name a column: by the file's heading where it has one.
        public func heading(_ title: String) -> String { headings[title] ?? title }
    }

    /// The canonical column titles a user may map an unrecognised heading to.
    public static var mappableTitles: [String] { columns.map(\.title) }

    // MARK: Reading

    /// Reads an .xlsx or .csv roster (CSV in UTF-8 or GBK/GB18030). A file whose shape is wrong
    /// (not a workbook, no roster sheet, headings missing or merged) throws; bad values in rows
    /// are collected, all of them, so one preview shows everything to fix. `columnMap` maps a
    /// heading of the file to one of `mappableTitles` (the user's choice in the preview).
    public static func read(_ data: Data, file: String, columnMap: [String: String] = [:], today: CalendarDate = .today(),
                            limits: XLSXLimits = XLSXLimits()) throws(FileInputError) -> Parsed {
        let isXLSX = file.lowercased().hasSuffix(".xlsx") || file.lowercased().hasSuffix(".xls")
            || data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
        let map = try normalizedMap(columnMap, file: file)
        var problems: [FileInputError] = []
        var rows: [(number: Int, cells: [String])] = []
        if isXLSX {
            let sheet = try rosterSheet(try XLSXWorkbook(data: data, file: file, limits: limits), file: file)
            let texts = sheet.rows.prefix(headerSearchRows).map { row in (row.number, row.cells.map(headerTitle)) }
            let headerRow = headerIndex(texts, map: map).map { texts[$0].0 } ?? sheet.rows.first?.number ?? 1
            for range in sheet.merged where mergedRange(range, touchesRow: headerRow) {
                throw FileInputError(file: file, row: headerRow, code: "roster.header.merged", message: "表头有合并单元格（\(range)），请取消合并，每列只写一个标题")
            }
            let header = sheet.rows.first { $0.number == headerRow }?.cells ?? []
            let fields = header.map { cell -> Field? in if case .text(let t) = cell { return field(for: t, map: map) }; return nil }
            // Problems name a column by its heading (or its letter past the headings), worked out once.
            let titles = header.map(headerTitle)
            func columnTitle(_ index: Int) -> String {
                index < titles.count && !titles[index].isEmpty ? titles[index] : XLSXWorkbook.columnName(index)
            }
            rows.reserveCapacity(sheet.rows.count)
            for row in sheet.rows where row.number >= headerRow {
                var cells: [String] = []
                cells.reserveCapacity(row.cells.count)
                for (index, cell) in row.cells.enumerated() {
                    let field = index < fields.count ? fields[index] : nil
                    func problem(_ code: String, _ message: String) {
                        problems.append(FileInputError(file: file, row: row.number, column: columnTitle(index), code: code, message: message))
                    }
                    switch cell {
                    case .empty: cells.append("")
                    case .text(let text): cells.append(text)
                    case .bool(let value): cells.append(value ? "是" : "否")
                    case .error(let code):
                        cells.append("")
                        problem("roster.cell.error", "单元格是错误值 \(code)")
                    case .formula(let formula):
                        cells.append("")
                        if row.number != headerRow {
                            problem("roster.cell.formula", "是公式（=\(formula.prefix(200))），请复制该列后「选择性粘贴→数值」再导入")
                        }
                    case .number(let number):
                        switch field {
                        case .birthDate?, .joinDate?:
                            // 1975.03 typed into a cell is a number; 1992.10 is then stored as 1992.1.
                            if let value = Double(number), value >= 1900, value < 2101, number.contains(".") {
                                let parts = number.split(separator: ".")
                                if parts.count == 2, parts[1] == "1" {
                                    cells.append("")
                                    problem("roster.date.ambiguousMonth", "「\(number)」被 Excel 存成了数字，分不清是1月还是10月：请把该列设为「文本」后写成 \(parts[0]).01 或 \(parts[0]).10")
                                } else {
                                    cells.append(parts.count == 2 && parts[1].count == 1 ? "\(parts[0]).0\(parts[1])" : number)
                                }
                            } else {
                                cells.append(Double(number).flatMap(CalendarDate.init(excelSerial:))?.description ?? number)
                            }
                        case .idNumber?:
                            if number.contains("E") || number.contains("e") || number.contains(".") || number.count > 15 {
                                cells.append("")
                                problem("roster.idNumber.storedAsNumber", "被 Excel 存成了数字（\(number.prefix(30))），末尾几位已经丢失：请把该列设为「文本」后重新录入")
                            } else { cells.append(number) }
                        default: cells.append(number)
                        }
                    }
                }
                rows.append((row.number, cells))
            }
        } else {
            guard let text = CSVReader.decode(data) else {
                throw FileInputError(file: file, code: "csv.encoding", message: "文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本，请在 Excel 中另存为「CSV UTF-8」或 XLSX")
            }
            rows = try CSVReader.rows(text, file: file, maxRows: limits.maxRows, maxColumns: limits.maxColumns)
                .enumerated().map { ($0.offset + 1, $0.element) }
            if let header = headerIndex(Array(rows.prefix(headerSearchRows).filter { $0.cells.contains { !$0.trimmed.isEmpty } }), map: map) {
                let headerNumber = rows.filter { $0.cells.contains { !$0.trimmed.isEmpty } }[header].number
                rows.removeAll { $0.number < headerNumber }
            }
        }
        return try check(rows: rows, file: file, problems: problems, map: map, today: today)
    }

    /// The headings of the file's heading row as the importer finds it (or, when none names
    /// three roster columns, of the row with the most headings among the first rows), for the
    /// preview to offer a column mapping when the file could not be read as a roster.
    public static func headings(_ data: Data, file: String, columnMap: [String: String] = [:]) -> [String] {
        var rows: [[String]] = []
        let isXLSX = data.starts(with: [0x50, 0x4B, 0x03, 0x04])
        if isXLSX {
            guard let workbook = try? XLSXWorkbook(data: data, file: file), let sheet = try? rosterSheet(workbook, file: file) else { return [] }
            rows = sheet.rows.prefix(headerSearchRows).map { $0.cells.map(headerTitle) }
        } else if let text = CSVReader.decode(data), let all = try? CSVReader.rows(text, file: file, maxRows: 500_000) {
            rows = Array(all.prefix(headerSearchRows))
        }
        let map = (try? normalizedMap(columnMap, file: file)) ?? [:]
        let numbered = rows.enumerated().map { ($0.offset, $0.element) }
        let header = headerIndex(numbered, map: map).map { rows[$0] }
            ?? rows.max { $0.filter { !$0.trimmed.isEmpty }.count < $1.filter { !$0.trimmed.isEmpty }.count } ?? []
        return header.map(\.trimmed).filter { !$0.isEmpty && !unread.contains(normalizedHeading($0)) }
    }

    /// Whether the importer reads this heading (itself or through the mapping).
    public static func recognizes(_ heading: String, columnMap: [String: String] = [:]) -> Bool {
        field(for: heading, map: (try? normalizedMap(columnMap, file: "")) ?? [:]) != nil
    }

    /// The sheet named 党员名册, or the only sheet there is.
    static func rosterSheet(_ workbook: XLSXWorkbook, file: String) throws(FileInputError) -> XLSXSheet {
        if workbook.sheetNames.contains(sheetName) { return try workbook.sheet(named: sheetName) }
        if workbook.sheetNames.count == 1 { return try workbook.sheet(at: 0) }
        throw FileInputError(file: file, code: "roster.sheet.missing",
                             message: "工作簿有 \(workbook.sheetNames.count) 个工作表（\(workbook.sheetNames.joined(separator: "、"))），请把名册放在名为「\(sheetName)」的工作表中")
    }

    /// The heading with white space and required-marks removed ("性 别", "*姓名" → "性别", "姓名").
    static func normalizedHeading(_ heading: String) -> String {
        String(heading.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "*" && $0 != "＊" }.map(Character.init))
    }

    static func headerTitle(_ cell: XLSXCell) -> String {
        if case .text(let t) = cell { return t.trimmed }
        return ""
    }

    /// The user's mapping, checked: every target must be one of the canonical titles.
    static func normalizedMap(_ map: [String: String], file: String) throws(FileInputError) -> [String: Field] {
        guard map.count <= 64 else { throw FileInputError(file: file, code: "roster.columnMap.tooLarge", message: "列对应关系过多（最多64项）") }
        var out: [String: Field] = [:]
        for (heading, title) in map {
            guard let column = columns.first(where: { $0.title == title }) else {
                throw FileInputError(file: file, column: String(heading.prefix(40)), code: "roster.columnMap.unknownField",
                                     message: "「\(title.prefix(40))」不是名册的列（可选：\(columnTitles.joined(separator: "、"))）")
            }
            out[normalizedHeading(heading)] = column.field
        }
        return out
    }

    static func field(for heading: String, map: [String: Field] = [:]) -> Field? {
        let h = normalizedHeading(heading)
        if let mapped = map[h] { return mapped }
        return columns.first { $0.title == h || $0.aliases.contains(h) }?.field
    }

    /// Which of the first rows is the heading: the first naming at least three roster columns.
    static func headerIndex(_ rows: [(Int, [String])], map: [String: Field]) -> Int? {
        rows.firstIndex { row in Set(row.1.compactMap { field(for: $0, map: map) }).count >= 3 }
    }

    static func isFooter(_ cells: [String]) -> Bool {
        guard let first = cells.first(where: { !$0.trimmed.isEmpty })?.trimmed else { return false }
        return footerPrefixes.contains { first.hasPrefix($0) }
    }

    static func mergedRange(_ range: String, touchesRow row: Int) -> Bool {
        let ends = range.split(separator: ":").map { Int($0.drop { $0.isLetter }) ?? 0 }
        guard ends.count == 2 else { return false }
        return ends[0] <= row && row <= ends[1]
    }

    static func check(rows allRows: [(number: Int, cells: [String])], file: String, problems initial: [FileInputError],
                      map: [String: Field] = [:], today: CalendarDate) throws(FileInputError) -> Parsed {
        var problems = initial
        let nonEmpty = allRows.filter { $0.cells.contains { !$0.trimmed.isEmpty } }
        guard let header = nonEmpty.first else { throw FileInputError(file: file, code: "roster.empty", message: "文件是空的，没有表头和数据") }
        var position: [Field: Int] = [:]
        var ignored: [String] = []
        var titles: [Int: String] = [:]
        for (index, heading) in header.cells.enumerated() {
            let title = heading.trimmed
            guard !title.isEmpty else { continue }
            titles[index] = title
            if let field = field(for: title, map: map) {
                guard position[field] == nil else {
                    throw FileInputError(file: file, row: header.number, column: title, code: "roster.header.duplicate", message: "表头中这一列出现了两次")
                }
                position[field] = index
            } else if !unread.contains(normalizedHeading(title)) { ignored.append(title) }
        }
        let missing = columns.filter { $0.required && position[$0.field] == nil }.map { "「\($0.title)」" }
        guard missing.isEmpty else {
            throw FileInputError(file: file, row: header.number, code: "roster.header.missingColumns",
                                 message: "这一行不是党员名册的表头：缺少\(missing.joined())列（请用系统提供的导入模板，或在预览中指定各列对应关系）")
        }
        // Problems name the column by the file's own heading.
        func heading(_ field: Field) -> String {
            position[field].flatMap { titles[$0] } ?? columns.first { $0.field == field }!.title
        }
        // Cells the reader already complained about (formulas, numbers, error values).
        let namedCells = Set(problems.map { "\($0.row ?? 0)|\($0.column ?? "")" })
        let rowsWithProblems = Set(problems.compactMap(\.row))
        let dataRows = Array(nonEmpty.dropFirst())
        func cell(_ row: (number: Int, cells: [String]), _ field: Field) -> String {
            guard let i = position[field], i < row.cells.count else { return "" }
            // Stored in NFC (HumanText); ASCII is NFC already and needs no pass.
            let raw = row.cells[i].trimmed
            let text = raw.utf8.allSatisfy({ $0 < 0x80 }) ? raw : raw.precomposedStringWithCanonicalMapping
            // An exported CSV marks formula-like text with an apostrophe: read it back as written.
            if text.hasPrefix("'"), XLSXWriter.looksLikeFormula(String(text.dropFirst())) { return String(text.dropFirst()) }
            return text
        }
        // Rows are checked on every core; only finding repeated ID numbers needs the file's order,
        // so that is a quick pass of its own between the two parallel ones.
        struct IDCheck: Sendable { var footer = false, number = "", problem: String?, valid = false }
        let idChecks = parallelMap(dataRows.count) { index -> IDCheck in
            let row = dataRows[index]
            if isFooter(row.cells) { return IDCheck(footer: true) }
            let number = cell(row, .idNumber).uppercased()
            guard !number.isEmpty, !number.contains("E+") else { return IDCheck(number: number) }
            let problem = IDNumber.problem(number)
            return IDCheck(number: number, problem: problem, valid: problem == nil)
        }
        var firstRowOfID: [String: Int] = [:]
        var duplicateOf = [Int?](repeating: nil, count: dataRows.count)
        for (index, check) in idChecks.enumerated() where check.valid {
            if let earlier = firstRowOfID[check.number] { duplicateOf[index] = earlier } else { firstRowOfID[check.number] = dataRows[index].number }
        }
        let footerRows = zip(dataRows, idChecks).filter { $0.1.footer }.map { $0.0.number }
        let checked = parallelMap(dataRows.count) { index -> (record: RosterRecord?, problems: [FileInputError]) in
            let row = dataRows[index], idCheck = idChecks[index]
            guard !idCheck.footer else { return (nil, []) }
            var rowProblems: [FileInputError] = []
            func value(_ field: Field) -> String { cell(row, field) }
            func report(_ field: Field, _ code: String, _ message: String) {
                rowProblems.append(FileInputError(file: file, row: row.number, column: heading(field), code: "roster.\(field).\(code)", message: message))
            }
            var record = RosterRecord()
            // The one rule for stored text: no control or bidi characters, no stacked marks.
            for column in columns {
                if let problem = HumanText.problem(value(column.field), maxLength: 100_000) {
                    report(column.field, String(problem.code.dropFirst("text.".count)), problem.message(heading(column.field)))
                }
            }
            for column in columns where column.required && value(column.field).isEmpty {
                if !namedCells.contains("\(row.number)|\(heading(column.field))") { report(column.field, "required", "必填，不能为空") }
            }
            record.name = value(.name)
            if record.name.contains("?") || record.name.contains("？") || record.name.contains("\u{FFFD}") {
                report(.name, "lostCharacter", "含有「?」：生僻字可能在另存为 GBK 时丢失了，请核对后另存为「CSV UTF-8」或 XLSX")
            }
            if record.name.count > 40 { report(.name, "tooLong", "超过40个字") }
            record.gender = value(.gender)
            if !record.gender.isEmpty && !["男", "女"].contains(record.gender) { report(.gender, "invalid", "应为「男」或「女」，实为「\(record.gender.prefix(20))」") }
            record.ethnicity = value(.ethnicity)
            if !record.ethnicity.isEmpty && !record.ethnicity.hasSuffix("族") && record.ethnicity != "穿青人" {
                report(.ethnicity, "invalid", "应写民族全称（如「汉族」「土家族」），实为「\(record.ethnicity.prefix(20))」")
            }
            record.idNumber = idCheck.number
            var idIsValid = false
            if !record.idNumber.isEmpty {
                if record.idNumber.contains("E+") {
                    report(.idNumber, "scientificNotation", "「\(record.idNumber.prefix(30))」被 Excel 存成了科学计数法，末尾几位已经丢失：请把该列设为「文本」后重新录入")
                } else if let problem = idCheck.problem {
                    report(.idNumber, problem.contains("校验位") ? "checksum" : "invalid", "「\(record.idNumber.prefix(30))」不是有效的居民身份证号：\(problem)")
                } else if let earlier = duplicateOf[index] {
                    report(.idNumber, "duplicate", "与第\(earlier)行的身份证号重复")
                } else {
                    idIsValid = true
                }
            }
            let fromID = idIsValid ? IDNumber.birthDate(record.idNumber).flatMap { CalendarDate(text: $0) } : nil
            // 出生年月 to the month is common: the full date comes from the ID number.
            let birthText = value(.birthDate)
            var birth: CalendarDate?
            if birthText.isEmpty {
                birth = fromID   // no ID either: the ID number's own problem says so
            } else if let full = CalendarDate(text: birthText) {
                birth = full
                if let fromID, fromID != full { report(.birthDate, "mismatchID", "\(full) 与身份证号中的出生日期 \(fromID) 不一致") }
            } else if let month = CalendarDate.month(text: birthText) {
                if let fromID {
                    birth = fromID
                    if (fromID.year, fromID.month) != (month.year, month.month) {
                        report(.birthDate, "mismatchID", "出生年月 \(month.year)年\(month.month)月 与身份证号中的出生日期 \(fromID) 不一致")
                    }
                } else if !idIsValid {
                    birth = CalendarDate(year: month.year, month: month.month, day: 1)
                }
            } else {
                report(.birthDate, "invalid", "「\(birthText.prefix(30))」不是有效日期（应写成 1980-05-01 或 1980.05）")
            }
            if let birth {
                record.birthDate = birth.description
                if today < birth { report(.birthDate, "future", "\(birth) 晚于今天") }
            }
            if idIsValid, ["男", "女"].contains(record.gender), let fromID = IDNumber.gender(record.idNumber), fromID != record.gender {
                report(.gender, "mismatchID", "「\(record.gender)」与身份证号第17位（\(fromID)）不一致")
            }
            let joinText = value(.joinDate)
            if !joinText.isEmpty {
                if let join = CalendarDate(text: joinText) {
                    record.joinDate = join.description
                    if today < join { report(.joinDate, "future", "\(join) 晚于今天") }
                    if let birth, birth.years(until: join) < 18 { report(.joinDate, "underage", "\(join) 入党时未满18周岁（出生于 \(birth)）") }
                } else if let month = CalendarDate.month(text: joinText), let end = CalendarDate.endOfMonth(year: month.year, month: month.month) {
                    // Kept to the month, as the file gives it; checked against the month's last day.
                    record.joinDate = "\(month.year)-\(month.month < 10 ? "0" : "")\(month.month)"
                    if today.year * 12 + today.month < month.year * 12 + month.month { report(.joinDate, "future", "\(record.joinDate) 晚于今天") }
                    if let birth, birth.years(until: end) < 18 { report(.joinDate, "underage", "\(record.joinDate) 入党时未满18周岁（出生于 \(birth)）") }
                } else {
                    report(.joinDate, "invalid", "「\(joinText.prefix(30))」不是有效日期（应写成 1980-05-01 或 1980.05）")
                }
            }
            record.status = value(.status)
            if !record.status.isEmpty && MemberStanding(rawValue: record.status) == nil {
                report(.status, "invalid", "应为\(MemberStanding.allCases.map { "「\($0.rawValue)」" }.joined(separator: "、"))之一，实为「\(record.status.prefix(20))」")
            }
            record.organization = value(.organization)
            if record.organization.count > 100 { report(.organization, "tooLong", "党组织名称超过100个字") }
            record.position = value(.position)
            record.category = value(.category)
            record.title = value(.title)
            record.titleLevel = value(.titleLevel)
            for (field, text) in [(Field.position, record.position), (.category, record.category), (.title, record.title), (.titleLevel, record.titleLevel)]
            where text.count > 200 {
                report(field, "tooLong", "超过200个字")
            }
            switch honours(value(.honours)) {
            case .success(let list): record.honours = list
            case .failure(let message): report(.honours, "invalid", message.text)
            }
            for (field, keyPath) in [(Field.npcDeputy, \RosterRecord.npcDeputy), (.cppccMember, \.cppccMember)] {
                switch value(field) {
                case "", "否", "0", "N", "n": record[keyPath: keyPath] = false
                case "是", "1", "Y", "y": record[keyPath: keyPath] = true
                case let other: report(field, "invalid", "应为「是」或「否」，实为「\(other.prefix(20))」")
                }
            }
            return (rowProblems.isEmpty && !rowsWithProblems.contains(row.number) ? record : nil, rowProblems)
        }
        var records: [(row: Int, record: RosterRecord)] = []
        records.reserveCapacity(dataRows.count)
        for (index, result) in checked.enumerated() {
            if let record = result.record { records.append((dataRows[index].number, record)) }
            problems += result.problems
        }
        problems.sort { ($0.row ?? 0) < ($1.row ?? 0) }
        var headings: [String: String] = [:]
        for column in columns where position[column.field] != nil { headings[column.title] = heading(column.field) }
        return Parsed(file: file, records: records, problems: problems, ignoredColumns: ignored, headerRow: header.number,
                      footerRows: footerRows, headings: headings)
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
            return .invalid(parsed.problems.map { FileInputError(file: "表单", column: $0.column, code: $0.code, message: $0.message) })
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

    /// The roster as an .xlsx file at `url`, records arriving in batches (nil when done), so a
    /// 300,000-row export never holds the sheet in memory.
    public static func writeXLSX(to url: URL, nextBatch: () async throws -> [RosterRecord]?) async throws {
        try await XLSXWriter(sheetName: sheetName, columns: columns.map { .init(title: $0.title, width: $0.width) })
            .write(to: url) { try await nextBatch().map { $0.map(cells) } }
    }

    /// CSV in UTF-8 with a byte-order mark, which Excel in China opens without garbling.
    public static func csv(_ records: some Sequence<RosterRecord>) -> Data {
        var text = csvHeading
        for record in records { text += csvLine(record) }
        return Data(text.utf8)
    }

    /// The CSV's first line, byte-order mark included (streamed exports write it, then the rows).
    public static var csvHeading: String { "\u{FEFF}" + csvLine(columnTitles) }

    public static func csvLine(_ record: RosterRecord) -> String { csvLine(cells(record)) }

    /// A field that would start a formula in a spreadsheet gets a leading apostrophe (OWASP's
    /// advice for CSV injection): Excel shows the text, never runs it.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { value in
            let field = XLSXWriter.looksLikeFormula(value) ? "'" + value : value
            return field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }

    /// The import template: the headings, formatted, and no rows.
    public static func template() throws -> Data { try xlsx([]) }
}

/// `transform` applied to 0..<count on every core, results in order. The rows of a 300,000-row
/// roster are checked this way: the checks of one row do not depend on any other.
func parallelMap<T: Sendable>(_ count: Int, _ transform: (Int) -> T) -> [T] {
    guard count > 1_000 else { return (0..<count).map(transform) }
    let chunks = min(ProcessInfo.processInfo.activeProcessorCount * 4, count)
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let out = buffer
        withoutActuallyEscaping(transform) { transform in
            nonisolated(unsafe) let work = transform
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
                for index in start..<end { out[index] = work(index) }
            }
        }
    }
    return results.map { $0! }
}
