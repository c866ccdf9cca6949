import Foundation
import Documents

/// The four documents of the candidate process, drawn from a `DocumentContent`. Each is A4,
/// names in the order the content gives (姓氏笔画 by the election's convention).
public enum DocumentRenderers {
    static let margin = 48.0
    static let footerGap = 36.0

    /// A page number at the foot of every page.
    static func footer(_ canvas: PDFCanvas) throws {
        try canvas.text("— \(canvas.pageCount) —", x: 0, y: canvas.height - footerGap, size: 9, width: canvas.width, align: .center)
    }

    /// The election's name over the document's title, both centred; gives the y below them.
    static func heading(_ canvas: PDFCanvas, election: String, title: String, x: Double, y: Double, width: Double) throws -> Double {
        var y = y
        y += try canvas.text(election, x: x, y: y, size: 11, width: width, align: .center) + 2
        y += try canvas.text(title, x: x, y: y, size: 16, bold: true, width: width, align: .center)
        return y
    }

    /// "关于…预备人选的公示", without saying 预备人选 twice when the election's name ends with it.
    static func noticeTitle(_ election: String) -> String {
        election.hasSuffix("预备人选") ? "关于\(election)的公示" : "关于\(election)预备人选的公示"
    }

    /// 公示: the preliminary candidates, one paragraph each, and how to report on them.
    public static func notice(_ content: DocumentContent) throws -> Data {
        let canvas = PDFCanvas(title: noticeTitle(content.election))
        let width = canvas.width - 2 * margin, bottom = canvas.height - margin - 20
        var y = margin + 10
        y += try canvas.text(noticeTitle(content.election), x: margin, y: y, size: 18, bold: true, width: width, align: .center) + 18
        let scope = content.unit.map { "（\($0)）" } ?? ""
        let decided = content.election.hasSuffix("预备人选") ? content.election : "\(content.election)预备人选"
        y += try canvas.text("　　经\(content.issuer)研究，确定以下 \(content.people.count) 名同志为\(decided)\(scope)，现予公示。"
                             + "名单按姓氏笔画为序。", x: margin, y: y, size: 12, width: width) + 10
        let period = DocumentWording.noticePeriod(content.people, workingDays: content.noticeWorkingDays)
        for p in content.people {
            let born = DocumentWording.monthInWords(p.birthDate), joined = DocumentWording.monthInWords(p.joinDate)
            var text = "　　\(p.name)，\(p.gender)，\(p.ethnicity)，\(born)生"
            if !joined.isEmpty { text += "，\(joined)入党" }
            if !p.position.isEmpty { text += "，现为\(p.position)" }
            text += "。"
            if period.perPerson, let from = p.noticeFrom, let until = p.noticeUntil {
                text += "公示期：\(DocumentWording.dayInWords(from))至\(DocumentWording.dayInWords(until))。"
            }
            let height = try canvas.measure(text, size: 12, width: width, owner: p.name)
            if y + height > bottom {
                try footer(canvas); canvas.newPage(); y = margin
            }
            y += try canvas.text(text, x: margin, y: y, size: 12, width: width, owner: p.name) + 6
        }
        let closing = ["　　\(period.sentence)公示期间，个人或单位可通过来信、来电、来访等方式，向\(content.issuer)组织部反映公示对象的情况和问题。"
                       + "反映问题应实事求是，以个人名义反映的提倡签署或告知真实姓名。",
                       "\(content.issuer)组织部", period.dated ?? "　　年　　月　　日"]
        y += 8
        for (i, line) in closing.enumerated() {
            let height = try canvas.measure(line, size: 12, width: width)
            if y + height > bottom { try footer(canvas); canvas.newPage(); y = margin }
            y += try canvas.text(line, x: margin, y: y, size: 12, width: width, align: i == 0 ? .left : .right) + (i == 0 ? 24 : 4)
        }
        try footer(canvas)
        return try canvas.finish()
    }

    /// 名册 columns, shared by the PDF and the XLSX.
    static let registerColumns: [PDFTable.Column] = [
        .init("序号", width: 24), .init("姓名", width: 48, keepTogether: true), .init("性别", width: 24), .init("民族", width: 32),
        .init("出生年月", width: 44), .init("入党时间", width: 44), .init("工作单位及职务", width: 150, align: .left),
        .init("类别", width: 54), .init("推荐单位", width: 72, align: .left), .init("环节", width: 47),
    ]

    static func registerRow(_ p: DocumentContent.Person, number: Int) -> [String] {
        [String(number), p.name, p.gender, p.ethnicity, DocumentWording.month(p.birthDate), DocumentWording.month(p.joinDate), p.position,
         p.category.isEmpty ? "—" : p.category, p.unit, p.stage]
    }


    /// 名册 (PDF): a ruled table, the heading row again on every page.
    public static func register(_ content: DocumentContent) throws -> Data {
        let canvas = PDFCanvas(title: "\(content.election)候选人初步人选名册")
        let table = PDFTable(columns: registerColumns, size: 8.5)
        let x = (canvas.width - table.width) / 2, bottom = canvas.height - margin - 10
        func top(_ canvas: PDFCanvas) throws -> Double {
            var y = margin - 10
            y = try heading(canvas, election: content.election, title: "候选人初步人选名册", x: x, y: y, width: table.width) + 6
            y += try canvas.text("填报单位：\(content.unit ?? content.issuer)　　共 \(content.people.count) 名（按姓氏笔画为序）",
                                 x: x, y: y, size: 9.5, width: table.width) + 6
            return y
        }
        let rows = content.people.enumerated().map { registerRow($1, number: $0 + 1) }
        try table.draw(on: canvas, x: x, top: try top(canvas), bottom: bottom, rows: rows, owner: { content.people[$0].name },
                       pageTop: { canvas in try footer(canvas); return try top(canvas) })
        try footer(canvas)
        return try canvas.finish()
    }

    /// 名册 (XLSX): the table's columns and what a spreadsheet user wants beside them.
    public static func registerSheet(_ content: DocumentContent) throws -> Data {
        let writer = XLSXWriter(sheetName: "名册", columns: registerColumns.map { XLSXWriter.Column(title: $0.title, width: $0.width / 5) } + [
            .init(title: "年龄", width: 6), .init(title: "身份证号", width: 21), .init(title: "专业技术职务", width: 16),
            .init(title: "荣誉", width: 30), .init(title: "人大代表/政协委员", width: 14),
            .init(title: "推荐的党组织数", width: 10), .init(title: "推荐的党员数", width: 10),
        ])
        return try writer.data(rows: content.people.enumerated().map { i, p in
            registerRow(p, number: i + 1) + [
                DocumentWording.age(p.birthDate, on: content.referenceDate).map(String.init) ?? "",
                p.idNumber, [p.title, p.titleLevel].filter { !$0.isEmpty }.joined(separator: "／"), p.honours.joined(separator: "；"),
                p.overlaps.joined(separator: "、"), String(p.supportOrganizations), String(p.supportMembers),
            ]
        })
    }
}
