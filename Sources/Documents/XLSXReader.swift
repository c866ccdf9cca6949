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

/// What a workbook may hold before it is refused. Every size, count and reference in an
/// uploaded file is checked against these before it is trusted, so a hostile file costs little.
public struct XLSXLimits: Sendable {
    /// Entries in the ZIP archive (a workbook has a dozen or so).
    public var maxParts = 1_000
    /// Bytes one part may decompress to (a 300,000-row roster sheet is about 330 MB).
    public var maxPartBytes = 768 << 20
    /// A part that decompresses to more than this many times its compressed size, once past
    /// `ratioCheckFloor` bytes, is a decompression bomb, not a spreadsheet (a real roster sheet
    /// measured 13.5×: 21.8 MB from 1.6 MB for 20,000 rows).
    public var maxCompressionRatio = 100
    public var ratioCheckFloor = 16 << 20
    /// Rows with content (a roster never comes near Excel's 1,048,576).
    public var maxRows = 500_000
    /// Columns that may hold content; empty formatted cells further right are ignored.
    public var maxColumns = 256
    /// Distinct shared strings.
    public var maxSharedStrings = 2_000_000
    public init() {}
}

/// Reads .xlsx workbooks (Office Open XML spreadsheets, as Excel and WPS save them). Parts are
/// decompressed and scanned in chunks; only cells with content are kept.
public struct XLSXWorkbook: Sendable {
    public let sheetNames: [String]
    private let sheetPaths: [String]
    private let archive: Data
    private let sharedStrings: [String]
    private let limits: XLSXLimits
    let file: String

    /// Excel's own bounds: column XFD, row 1,048,576. References beyond them are not Excel's.
    static let excelColumns = 16_384, excelRows = 1_048_576

    public init(data: Data, file: String, limits: XLSXLimits = XLSXLimits()) throws(FileInputError) {
        self.file = file
        self.limits = limits
        archive = data
        func broken(_ code: String, _ message: String) -> FileInputError { FileInputError(file: file, code: code, message: message) }
        guard data.starts(with: [0x50, 0x4B]) else {
            if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
                throw broken("xlsx.oldFormat", "这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
            }
            throw broken("xlsx.notZip", "不是 XLSX 文件（文件开头不是 ZIP 结构）")
        }
        let zip = try Self.open(data, file: file, limits: limits)
        guard let workbook = try Self.extract("xl/workbook.xml", from: zip, file: file, limits: limits),
              let relations = try Self.extract("xl/_rels/workbook.xml.rels", from: zip, file: file, limits: limits) else {
            throw broken("xlsx.noWorkbook", "XLSX 文件缺少工作簿（xl/workbook.xml），请在 Excel 中重新保存后再导入")
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
        var current = "", inPhonetic = false, inText = false
        try Self.stream("xl/sharedStrings.xml", from: zip, file: file, limits: limits) { event throws(FileInputError) in
            switch event {
            case .start("si", _, _): current = ""
            case .end("si"):
                guard strings.count < limits.maxSharedStrings else {
                    throw broken("xlsx.limit.sharedStrings", "共享字符串超过 \(limits.maxSharedStrings) 个，不像是党员名册，请检查文件")
                }
                strings.append(current)
            case .start("rPh", _, let closed): inPhonetic = !closed
            case .end("rPh"): inPhonetic = false
            case .start("t", _, let closed): inText = !closed
            case .end("t"): inText = false
            case .text(let text) where inText && !inPhonetic: current += text
            default: break
            }
        }
        sharedStrings = strings
    }

    public func sheet(named name: String) throws(FileInputError) -> XLSXSheet {
        guard let index = sheetNames.firstIndex(of: name) else {
            throw FileInputError(file: file, code: "xlsx.noSuchSheet", message: "工作簿中没有名为「\(name)」的工作表（现有：\(sheetNames.joined(separator: "、"))）")
        }
        return try sheet(at: index)
    }

    public func sheet(at index: Int) throws(FileInputError) -> XLSXSheet {
        let path = sheetPaths[index], sheetName = sheetNames[index], file = self.file, limits = self.limits
        let zip = try Self.open(archive, file: file, limits: limits, checked: true)
        guard zip[path] != nil else {
            throw FileInputError(file: file, code: "xlsx.sheetMissing", message: "工作表「\(sheetName)」的内容（\(path)）不在文件中")
        }
        var sheet = XLSXSheet(name: sheetName, rows: [], merged: [])
        var cells: [XLSXCell] = []
        var rowNumber = 0
        var column = 0, type = "", value = "", formula: String?, inValue = false, inText = false, inFormula = false, inPhonetic = false
        func refuse(_ code: String, _ message: String) -> FileInputError { FileInputError(file: file, row: rowNumber, code: code, message: message) }
        // Only cells with content are stored: a formatted but empty cell at column XFD costs nothing.
        func place(_ cell: XLSXCell) throws(FileInputError) {
            if cell == .empty { return }
            guard column < limits.maxColumns else {
                throw refuse("xlsx.limit.columns", "单元格 \(Self.columnName(column))\(rowNumber) 有内容，超出了支持的范围（最多 \(limits.maxColumns) 列，到 \(Self.columnName(limits.maxColumns - 1)) 列）")
            }
            if column >= cells.count { cells.append(contentsOf: repeatElement(.empty, count: column - cells.count + 1)) }
            cells[column] = cell
        }
        func endRow() throws(FileInputError) {
            guard !cells.isEmpty else { return }
            guard sheet.rows.count < limits.maxRows else {
                throw refuse("xlsx.limit.rows", "工作表「\(sheetName)」超过 \(limits.maxRows) 行有内容，请分成几个文件导入")
            }
            sheet.rows.append((rowNumber, cells))
        }
        try Self.stream(path, from: zip, file: file, limits: limits) { event throws(FileInputError) in
            switch event {
            case .start("row", let attributes, let closed):
                if let r = attributes.first(where: { $0.0 == "r" })?.1 {
                    guard r.utf8.count <= 7, let number = Int(r), number > rowNumber, number <= Self.excelRows else {
                        throw refuse("xlsx.rowNumber", "行号「\(r.prefix(20))」无效（应在 \(rowNumber + 1)–\(Self.excelRows) 之间且逐行递增）")
                    }
                    rowNumber = number
                } else {
                    rowNumber += 1
                    guard rowNumber <= Self.excelRows else { throw refuse("xlsx.rowNumber", "超过 \(Self.excelRows) 行") }
                }
                cells = []
                if closed { try endRow() }
            case .end("row"):
                try endRow()
            case .start("c", let attributes, let closed):
                if let reference = attributes.first(where: { $0.0 == "r" })?.1 {
                    guard let index = Self.cellColumn(reference, row: rowNumber) else {
                        throw refuse("xlsx.cellReference", "单元格引用「\(reference.prefix(20))\(reference.count > 20 ? "…" : "")」无效（应像 A\(rowNumber)，列不超过 XFD）")
                    }
                    column = index
                } else {
                    column = cells.count
                }
                type = attributes.first(where: { $0.0 == "t" })?.1 ?? "n"
                value = ""; formula = nil
            case .end("c"):
                if let formula { try place(.formula(formula)); break }
                switch type {
                case "s": try place(Int(value).flatMap { $0 >= 0 && $0 < sharedStrings.count ? .text(sharedStrings[$0]) : nil } ?? .error("共享字符串 \(value.prefix(20)) 不存在"))
                case "inlineStr", "str": try place(.text(value))
                case "b": try place(.bool(value == "1"))
                case "e": try place(.error(value))
                default: try place(value.isEmpty ? .empty : .number(value))
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
                if let ref = attributes.first(where: { $0.0 == "ref" })?.1, sheet.merged.count < 10_000 { sheet.merged.append(ref) }
            case .text(let text):
                if inFormula { formula = (formula ?? "") + text } else if inValue || (inText && !inPhonetic) { value += text }
            default: break
            }
        }
        return sheet
    }

    /// The 0-based column of a reference such as "AB12", or nil when it is not one Excel could
    /// write: one to three letters up to XFD, then the row's own number.
    static func cellColumn(_ reference: String, row: Int) -> Int? {
        let utf8 = reference.utf8
        guard utf8.count <= 10 else { return nil }
        var index = 0, letters = 0
        var rest = utf8[...]
        while let byte = rest.first, byte >= 65 && byte <= 90 {
            guard letters < 3 else { return nil }
            index = index * 26 + Int(byte - 64)
            letters += 1
            rest = rest.dropFirst()
        }
        guard letters > 0, index <= excelColumns, let number = Int(String(decoding: rest, as: UTF8.self)), number == row else { return nil }
        return index - 1
    }

    /// "AB12" → 27 (0-based column); nil for anything that is not a column Excel has.
    public static func columnIndex(_ reference: String) -> Int? {
        var index = 0, letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            guard letters < 3 else { return nil }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 || index > excelColumns ? nil : index - 1
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

    // MARK: The archive, bounded

    /// The archive, its directory checked (offsets, sizes, number of parts) — once per workbook:
    /// `sheet(at:)` reopens bytes `init` already checked and passes `checked`.
    private static func open(_ data: Data, file: String, limits: XLSXLimits, checked: Bool = false) throws(FileInputError) -> Archive {
        if !checked {
            do { try ZIPDirectory.check(data, maxParts: limits.maxParts) } catch {
                if error.tooManyParts {
                    throw FileInputError(file: file, code: "xlsx.limit.parts", message: "XLSX 文件含有超过 \(limits.maxParts) 个部件，不像是 Excel 保存的名册，请检查文件")
                }
                throw FileInputError(file: file, code: "xlsx.corrupt", message: "XLSX 文件不完整或已损坏（\(error.message)），请在 Excel 中重新保存后再导入")
            }
        }
        guard let zip = try? Archive(data: data, accessMode: .read) else {
            throw FileInputError(file: file, code: "xlsx.corrupt", message: "XLSX 文件不完整或已损坏（ZIP 目录读不出），请在 Excel 中重新保存后再导入")
        }
        return zip
    }

    /// A small part (workbook, relationships) whole.
    private static func extract(_ path: String, from zip: Archive, file: String, limits: XLSXLimits) throws(FileInputError) -> Data? {
        var small = limits
        small.maxPartBytes = min(limits.maxPartBytes, 16 << 20)
        var out = Data()
        let found = try decompress(path, from: zip, file: file, limits: small) { out.append($0) }
        return found ? out : nil
    }

    /// Scans one part chunk by chunk as it decompresses; a part that does not exist is skipped.
    private static func stream(_ path: String, from zip: Archive, file: String, limits: XLSXLimits,
                               _ body: (XMLScanner.Event) throws(FileInputError) -> Void) throws(FileInputError) {
        var scanner = XMLScanner()
        func drain() throws(FileInputError) {
            do {
                while let event = try scanner.next() { try body(event) }
            } catch let failure as XMLScanner.Failure {
                throw scanFailure(failure, path: path, file: file)
            } catch let error as FileInputError {
                throw error
            } catch {
                throw FileInputError(file: file, code: "xlsx.corrupt", message: "XLSX 文件中的 \(path) 读不出")
            }
        }
        _ = try decompress(path, from: zip, file: file, limits: limits) { chunk throws(FileInputError) in
            scanner.feed(chunk)
            try drain()
        }
        scanner.finish()
        try drain()
    }

    /// Feeds the part's bytes to `consumer`, stopping at the first limit. False when the part is absent.
    private static func decompress(_ path: String, from zip: Archive, file: String, limits: XLSXLimits,
                                   _ consumer: (Data) throws(FileInputError) -> Void) throws(FileInputError) -> Bool {
        guard let entry = zip[path] else { return false }
        let compressed = max(1, Int(clamping: entry.compressedSize))
        var produced = 0
        do {
            _ = try zip.extract(entry, bufferSize: 64 * 1024) { chunk in
                produced += chunk.count
                if produced > limits.maxPartBytes {
                    throw FileInputError(file: file, code: "xlsx.limit.partSize", message: "XLSX 文件中的 \(path) 解压后超过 \(limits.maxPartBytes >> 20) MB，超出了支持的大小（请分成几个文件导入）")
                }
                if produced > limits.ratioCheckFloor && produced / compressed > limits.maxCompressionRatio {
                    throw FileInputError(file: file, code: "xlsx.limit.compressionRatio", message: "XLSX 文件中的 \(path) 压缩比异常（超过 \(limits.maxCompressionRatio) 倍），不像是 Excel 保存的文件，已拒绝")
                }
                try consumer(chunk)
            }
        } catch let error as FileInputError {
            throw error
        } catch {
            throw FileInputError(file: file, code: "xlsx.corrupt", message: "XLSX 文件中的 \(path) 已损坏，请在 Excel 中重新保存后再导入")
        }
        return true
    }

    private static func scanFailure(_ failure: XMLScanner.Failure, path: String, file: String) -> FileInputError {
        switch failure {
        case .malformed(let offset):
            return FileInputError(file: file, code: "xlsx.malformed", message: "XLSX 文件内容格式错误（\(path) 第 \(offset) 字节附近），请在 Excel 中重新保存后再导入")
        case .tokenTooLong(let offset):
            return FileInputError(file: file, code: "xlsx.limit.cellLength", message: "XLSX 文件中的 \(path) 在第 \(offset) 字节处有一段超过 1 MB 的内容（单元格最多 32,767 个字），已拒绝")
        }
    }

    private static func scan(_ data: Data, file: String, _ body: (XMLScanner.Event) -> Void) throws(FileInputError) {
        var scanner = XMLScanner(data)
        do {
            while let event = try scanner.next() { body(event) }
        } catch {
            throw scanFailure(error, path: "xl/workbook.xml", file: file)
        }
    }
}
