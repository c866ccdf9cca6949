import Foundation
import ZIPFoundation

/// Writes a one-sheet .xlsx: a bold, shaded, frozen header row with a filter, column widths,
/// and every cell as text (so ID numbers and dates stay exactly as written).
public struct XLSXWriter {
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

    public func data(rows: some Sequence<[String]>) throws -> Data {
        var sheet = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
        <sheetFormatPr defaultRowHeight="15"/><cols>
        """
        for (i, column) in columns.enumerated() {
            sheet += #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(column.width)" customWidth="1" style="2"/>"#
        }
        sheet += "</cols><sheetData>"
        func append(_ cells: [String], row: Int, style: Int) {
            sheet += #"<row r="\#(row)">"#
            for (i, value) in cells.enumerated() where !value.isEmpty {
                sheet += #"<c r="\#(XLSXWorkbook.columnName(i))\#(row)" s="\#(style)" t="inlineStr"><is><t xml:space="preserve">"#
                sheet += XMLScanner.escape(value)
                sheet += "</t></is></c>"
            }
            sheet += "</row>"
        }
        append(columns.map(\.title), row: 1, style: 1)
        var count = 1
        for row in rows {
            count += 1
            append(row, row: count, style: 2)
        }
        let lastColumn = XLSXWorkbook.columnName(max(0, columns.count - 1))
        sheet += #"</sheetData><autoFilter ref="A1:\#(lastColumn)\#(count)"/></worksheet>"#

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
            // Style 1: header (bold, shaded, bordered, centred); style 2: text ("@") so Excel keeps ID numbers whole.
            ("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>\
            <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
            <fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill></fills>\
            <borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
            <border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="49" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
            <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }
}
