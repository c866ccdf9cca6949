import Foundation
import ZIPFoundation

/// Writes a one-sheet .xlsx: a bold, shaded, frozen header row with a filter, column widths,
/// and every cell as text (so ID numbers and dates stay exactly as written).
public struct XLSXWriter: Sendable {
    public struct Column: Sendable {
        public let title: String
        /// Width in Excel's character units (a CJK character is about 2).
        public let width: Double
        public init(title: String, width: Double) { self.title = title; self.width = width }
    }

    public let sheetName: String
    public let columns: [Column]

    public init(sheetName: String, columns: [Column]) {
        self.sheetName = sheetName
        self.columns = columns
    }

    /// A cell a spreadsheet would read as a formula if it were typed (= + - @, or a tab or
    /// line break first): such text is exported marked as text (CSV: a leading apostrophe;
    /// XLSX: the quote-prefix style), never as a live formula.
    public static func looksLikeFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return first == "=" || first == "+" || first == "-" || first == "@" || first == "\t" || first == "\r"
    }

    /// The time stamp of every part in the archive: fixed, so that the same rows give the same bytes.
    static let fixedDate = Date(timeIntervalSince1970: 1_767_225_600)   // 2026-01-01

    /// The whole workbook in memory (templates, tests, small files).
    public func data(rows: some Sequence<[String]>) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xuanju-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("book.xlsx")
        var iterator = rows.makeIterator()
        try write(to: file) { () -> [[String]]? in
            var batch: [[String]] = []
            while batch.count < 1_000, let row = iterator.next() { batch.append(row) }
            return batch.isEmpty ? nil : batch
        }
        return try Data(contentsOf: file)
    }

    /// Writes the workbook to `url` without holding the sheet in memory: rows come in batches
    /// from `nextBatch` (nil when done), the sheet's XML goes to a scratch file beside `url`,
    /// and the archive is compressed from that file.
    public func write(to url: URL, nextBatch: () async throws -> [[String]]?) async throws {
        let sheetURL = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".sheet.xml")
        defer { try? FileManager.default.removeItem(at: sheetURL) }
        let count = try await writeSheet(to: sheetURL, nextBatch: nextBatch)
        // Compressing a 300,000-row sheet takes seconds: on a dispatch queue, not on the threads
        // that serve requests.
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global(qos: .utility).async {
                do { try self.package(sheetURL: sheetURL, rowCount: count, to: url); done.resume() } catch { done.resume(throwing: error) }
            }
        }
    }

    /// The synchronous form, for callers that have their rows at hand.
    public func write(to url: URL, nextBatch: () throws -> [[String]]?) throws {
        let sheetURL = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".sheet.xml")
        defer { try? FileManager.default.removeItem(at: sheetURL) }
        var sheet = try SheetFile(url: sheetURL, columns: columns)
        while let batch = try nextBatch() { try sheet.append(batch) }
        try package(sheetURL: sheetURL, rowCount: try sheet.finish(), to: url)
    }

    private func writeSheet(to url: URL, nextBatch: () async throws -> [[String]]?) async throws -> Int {
        var sheet = try SheetFile(url: url, columns: columns)
        while let batch = try await nextBatch() { try sheet.append(batch) }
        return try sheet.finish()
    }

    /// The sheet's XML, appended to a file in 1 MB writes.
    private struct SheetFile {
        let handle: FileHandle
        var buffer = ""
        var count = 0
        let lastColumn: String

        init(url: URL, columns: [Column]) throws {
            FileManager.default.createFile(atPath: url.path, contents: nil)
            handle = try FileHandle(forWritingTo: url)
            lastColumn = XLSXWorkbook.columnName(max(0, columns.count - 1))
            buffer = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/><cols>
            """
            for (i, column) in columns.enumerated() {
                buffer += #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(column.width)" customWidth="1" style="2"/>"#
            }
            buffer += "</cols><sheetData>"
            count = 1
            row(columns.map(\.title), number: 1, style: 1)
        }

        mutating func row(_ cells: [String], number: Int, style: Int) {
            buffer += #"<row r="\#(number)">"#
            for (i, value) in cells.enumerated() where !value.isEmpty {
                let cellStyle = style == 2 && XLSXWriter.looksLikeFormula(value) ? 3 : style
                buffer += #"<c r="\#(XLSXWorkbook.columnName(i))\#(number)" s="\#(cellStyle)" t="inlineStr"><is><t xml:space="preserve">"#
                buffer += XMLScanner.escape(value)
                buffer += "</t></is></c>"
            }
            buffer += "</row>"
        }

        mutating func append(_ rows: [[String]]) throws {
            for cells in rows {
                count += 1
                row(cells, number: count, style: 2)
            }
            if buffer.utf8.count > 1 << 20 { try flush() }
        }

        mutating func flush() throws {
            try handle.write(contentsOf: Data(buffer.utf8))
            buffer = ""
        }

        /// Closes the sheet; returns the last row number (the heading is row 1).
        mutating func finish() throws -> Int {
            buffer += #"</sheetData><autoFilter ref="A1:\#(lastColumn)\#(count)"/></worksheet>"#
            try flush()
            try handle.close()
            return count
        }
    }

    private func package(sheetURL: URL, rowCount count: Int, to url: URL) throws {
        let lastColumn = XLSXWorkbook.columnName(max(0, columns.count - 1))
        let parts: [(String, String)] = [
            ("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """),
            ("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """),
            ("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets><sheet name="\(XMLScanner.escape(sheetName))" sheetId="1" r:id="rId1"/></sheets>\
            <definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'\(XMLScanner.escape(sheetName))'!$A$1:$\(lastColumn)$\(count)</definedName></definedNames>\
            </workbook>
            """),
            ("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """),
            // Style 1: header (bold, shaded, bordered, centred); style 2: text ("@") so Excel keeps ID numbers
            // whole; style 3: the same with the quote prefix (text that starts like a formula stays text).
            ("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>\
            <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
            <fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill></fills>\
            <borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
            <border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="49" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
            <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """),
        ]
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: Self.fixedDate,
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        // The sheet, read back from its scratch file a chunk at a time while it is compressed.
        let sheet = try FileHandle(forReadingFrom: sheetURL)
        defer { try? sheet.close() }
        let size = try sheet.seekToEnd()
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(size), modificationDate: Self.fixedDate, compressionMethod: .deflate,
                             bufferSize: 1 << 20) { position, chunk in
            try sheet.seek(toOffset: UInt64(position))
            return try sheet.read(upToCount: chunk) ?? Data()
        }
    }
}
