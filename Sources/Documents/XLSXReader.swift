import Foundation
import ZIPFoundation

/// One cell as the sheet stores it. Formulas keep their cached value, so the caller can say
/// which cell holds one instead of silently trusting a value that may be stale.
public enum XLSXCell: Sendable, Equatable {
    case empty
    case text(String)
    /// The number exactly as written in the file ("430102199001011234" loses digits in a double).
    case number(String)
    case bool(Bool)
    case formula(String)
    case error(String)
}

public struct XLSXSheet: Sendable {
    public let name: String
    /// (row number as Excel shows it, cells from column A on).
    public var rows: [(number: Int, cells: [XLSXCell])]
    /// Merged ranges such as "A1:B1".
    public var merged: [String]
}

/// Reads .xlsx workbooks (Office Open XML spreadsheets, as Excel and WPS save them).
public struct XLSXWorkbook: Sendable {
    public let sheetNames: [String]
    private let sheetPaths: [String]
    private let archive: Data
    private let sharedStrings: [String]
    let file: String

    public init(data: Data, file: String) throws(FileInputError) {
        self.file = file
        archive = data
        func broken(_ message: String) -> FileInputError { FileInputError(file: file, message: message) }
        guard data.starts(with: [0x50, 0x4B]) else {
            throw broken(data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) ? "这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"
                                                                  : "不是 XLSX 文件（文件开头不是 ZIP 结构）")
        }
        guard let zip = try? Archive(data: data, accessMode: .read) else {
            throw broken("XLSX 文件不完整或已损坏（ZIP 目录读不出），请在 Excel 中重新保存后再导入")
        }
        func part(_ path: String) throws(FileInputError) -> Data? {
            guard let entry = zip[path] else { return nil }
            var out = Data()
            do { _ = try zip.extract(entry) { out.append($0) } } catch {
                throw broken("XLSX 文件中的 \(path) 已损坏，请在 Excel 中重新保存后再导入")
            }
            return out
        }
        guard let workbook = try part("xl/workbook.xml"), let relations = try part("xl/_rels/workbook.xml.rels") else {
            throw broken("XLSX 文件缺少工作簿（xl/workbook.xml），请在 Excel 中重新保存后再导入")
        }
        var targets: [String: String] = [:]
        try Self.scan(relations, file: file) { event in
            if case .start("Relationship", let attributes, _) = event,
               let id = attributes.first(where: { $0.0 == "Id" })?.1, let target = attributes.first(where: { $0.0 == "Target" })?.1 {
                targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        var names: [String] = [], paths: [String] = []
        try Self.scan(workbook, file: file) { event in
            if case .start("sheet", let attributes, _) = event,
               let name = attributes.first(where: { $0.0 == "name" })?.1,
               let id = attributes.first(where: { $0.0 == "id" })?.1, let target = targets[id] {
                names.append(name); paths.append(target)
            }
        }
        sheetNames = names
        sheetPaths = paths
        var strings: [String] = []
        if let shared = try part("xl/sharedStrings.xml") {
            var current = "", inPhonetic = false, inText = false
            try Self.scan(shared, file: file) { event in
                switch event {
                case .start("si", _, _): current = ""
                case .end("si"): strings.append(current)
                case .start("rPh", _, let closed): inPhonetic = !closed
                case .end("rPh"): inPhonetic = false
                case .start("t", _, let closed): inText = !closed
                case .end("t"): inText = false
                case .text(let text) where inText && !inPhonetic: current += text
                default: break
                }
            }
        }
        sharedStrings = strings
    }

    public func sheet(named name: String) throws(FileInputError) -> XLSXSheet {
        guard let index = sheetNames.firstIndex(of: name) else {
            throw FileInputError(file: file, message: "工作簿中没有名为「\(name)」的工作表（现有：\(sheetNames.joined(separator: "、"))）")
        }
        return try sheet(at: index)
    }

    public func sheet(at index: Int) throws(FileInputError) -> XLSXSheet {
        let path = sheetPaths[index]
        guard let zip = try? Archive(data: archive, accessMode: .read), let entry = zip[path] else {
            throw FileInputError(file: file, message: "工作表「\(sheetNames[index])」的内容（\(path)）不在文件中")
        }
        var xml = Data()
        do { _ = try zip.extract(entry) { xml.append($0) } } catch {
            throw FileInputError(file: file, message: "工作表「\(sheetNames[index])」已损坏，请在 Excel 中重新保存后再导入")
        }
        var sheet = XLSXSheet(name: sheetNames[index], rows: [], merged: [])
        var cells: [XLSXCell] = []
        var rowNumber = 0
        var column = 0, type = "", value = "", formula: String?, inValue = false, inText = false, inFormula = false, inPhonetic = false
        func place(_ cell: XLSXCell) {
            if column >= cells.count { cells.append(contentsOf: repeatElement(.empty, count: column - cells.count + 1)) }
            cells[column] = cell
        }
        try Self.scan(xml, file: file) { event in
            switch event {
            case .start("row", let attributes, let closed):
                rowNumber = attributes.first(where: { $0.0 == "r" }).flatMap { Int($0.1) } ?? rowNumber + 1
                cells = []
                if closed { sheet.rows.append((rowNumber, [])) }
            case .end("row"):
                sheet.rows.append((rowNumber, cells))
            case .start("c", let attributes, let closed):
                column = attributes.first(where: { $0.0 == "r" }).flatMap { Self.columnIndex($0.1) } ?? cells.count
                type = attributes.first(where: { $0.0 == "t" })?.1 ?? "n"
                value = ""; formula = nil
                if closed { place(.empty) }
            case .end("c"):
                if let formula { place(.formula(formula)); break }
                switch type {
                case "s": place(Int(value).flatMap { $0 < sharedStrings.count ? .text(sharedStrings[$0]) : nil } ?? .error("共享字符串 \(value) 不存在"))
                case "inlineStr", "str": place(.text(value))
                case "b": place(.bool(value == "1"))
                case "e": place(.error(value))
                default: place(value.isEmpty ? .empty : .number(value))
                }
            case .start("v", _, let closed): inValue = !closed
            case .end("v"): inValue = false
            case .start("f", _, let closed):
                formula = formula ?? ""
                inFormula = !closed
            case .end("f"): inFormula = false
            case .start("rPh", _, let closed): inPhonetic = !closed
            case .end("rPh"): inPhonetic = false
            case .start("t", _, let closed): inText = !closed
            case .end("t"): inText = false
            case .start("mergeCell", let attributes, _):
                if let ref = attributes.first(where: { $0.0 == "ref" })?.1 { sheet.merged.append(ref) }
            case .text(let text):
                if inFormula { formula = (formula ?? "") + text } else if inValue || (inText && !inPhonetic) { value += text }
            default: break
            }
        }
        return sheet
    }

    /// "AB12" → 27 (0-based column).
    public static func columnIndex(_ reference: String) -> Int? {
        var index = 0, letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : index - 1
    }

    /// 0 → "A", 27 → "AB".
    public static func columnName(_ index: Int) -> String {
        var n = index + 1, name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    private static func scan(_ data: Data, file: String, _ body: (XMLScanner.Event) -> Void) throws(FileInputError) {
        var scanner = XMLScanner(data)
        do {
            while let event = try scanner.next() { body(event) }
        } catch {
            throw FileInputError(file: file, message: "XLSX 文件内容格式错误（XML 第 \(error.offset) 字节附近），请在 Excel 中重新保存后再导入")
        }
    }
}
