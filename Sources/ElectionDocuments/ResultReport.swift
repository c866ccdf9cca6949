import Foundation
import Documents

/// What a round's 选举结果报告单 states (RULES §9), as the count found it: figures, each person's
/// for/against/abstain, who is elected (姓氏笔画 order) and what comes next, the reconciliation,
/// the officers and the audit chain's head at the time. Drawn as a PDF and as a spreadsheet.
public struct RoundResultSheet: Sendable {
    public struct Row: Sendable {
        public let name: String, forVotes: Int, against: Int, abstain: Int, writeIn: Bool, status: String
        public init(name: String, forVotes: Int, against: Int, abstain: Int, writeIn: Bool, status: String) {
            self.name = name; self.forVotes = forVotes; self.against = against; self.abstain = abstain; self.writeIn = writeIn; self.status = status
        }
    }
    public var election = "", round = "", seats = 0
    /// The rules the round was held under (office, margin, quorum, unreadable marks, order).
    public var method: [String] = []
    public var expected = 0, present = 0, issued = 0, returned = 0, valid = 0, invalid = 0
    public var invalidReasons: [(reason: String, count: Int)] = []
    /// 「当选须得赞成票超过实到会人数（P = 182）的半数，即至少 92 票」, or that none applies.
    public var threshold = ""
    public var rows: [Row] = []
    public var elected: [String] = []
    /// Tie-break and shortfall, in words; empty when the seats are filled.
    public var next: [String] = []
    /// 「各批选票 50+50+50+32 = 182 张 = 收回 R」 and the per-person check.
    public var reconciliation: [String] = []
    public var scrutineers: [String] = [], counters: [String] = []
    public var signedBy: String?
    public var provisional = true
    public var auditHead = ""
    public init() {}
}

extension DocumentRenderers {
    static let resultColumns: [PDFTable.Column] = [
        .init("序号", width: 30), .init("姓名", width: 110, keepTogether: true), .init("赞成", width: 52), .init("反对", width: 52),
        .init("弃权", width: 52), .init("合计", width: 52), .init("结果", width: 140),
    ]

    static func resultRows(_ sheet: RoundResultSheet) -> [[String]] {
        sheet.rows.enumerated().map { i, r in
            [String(i + 1), r.name + (r.writeIn ? "（另选人）" : ""), String(r.forVotes), String(r.against), String(r.abstain),
             String(r.forVotes + r.against + r.abstain), r.status]
        }
    }

    /// The figures in sentences: seats, E and P; I, R, valid and invalid with reasons; the threshold.
    public static func figures(_ s: RoundResultSheet) -> [String] {
        let reasons = s.invalidReasons.map { "\($0.reason) \($0.count) 张" }.joined(separator: "；")
        return (s.method.isEmpty ? [] : ["选举办法：" + s.method.joined(separator: "；") + "。"]) + ["应选名额 \(s.seats) 名；应到会 E = \(s.present == 0 && s.expected == 0 ? "—" : String(s.expected)) 人，实到会 P = \(s.present) 人。",
                "发出选票 I = \(s.issued) 张，收回选票 R = \(s.returned) 张；有效票 \(s.valid) 张，无效票 \(s.invalid) 张\(reasons.isEmpty ? "" : "（\(reasons)）")。",
                s.threshold]
    }

    /// 选举结果报告单 (PDF): figures, the table by for-votes, the elected in 姓氏笔画 order, what
    /// comes next, the reconciliation, the officers, signature lines and the audit chain's head.
    public static func resultReport(_ s: RoundResultSheet) throws -> Data {
        let title = "选举结果报告单"
        let canvas = PDFCanvas(title: "\(s.election)\(s.round)\(title)")
        let table = PDFTable(columns: resultColumns, size: 10)
        let x = (canvas.width - table.width) / 2, width = table.width, bottom = canvas.height - margin - 20
        func top(_ canvas: PDFCanvas) throws -> Double {
            var y = try heading(canvas, election: s.election, title: "\(s.round)\(title)", x: x, y: margin - 10, width: width) + 4
            if s.provisional {
                y += try canvas.text("（计票结果待监票人签字确认，仅供核对）", x: x, y: y, size: 10, bold: true, width: width, align: .center) + 2
            }
            return y + 6
        }
        var y = try top(canvas)
        for line in figures(s) where !line.isEmpty { y += try canvas.text(line, x: x, y: y, size: 10.5, width: width) + 3 }
        y = try table.draw(on: canvas, x: x, top: y + 4, bottom: bottom, rows: resultRows(s), owner: { s.rows[$0].name },
                           pageTop: { canvas in try footer(canvas); return try top(canvas) }) + 8
        var paragraphs = ["当选（\(s.elected.count) 名，按姓氏笔画为序）：" + (s.elected.isEmpty ? "无" : s.elected.joined(separator: "、"))]
        paragraphs += s.next
        paragraphs.append("核对：" + s.reconciliation.joined(separator: "；"))
        paragraphs.append("总监票人、监票人：" + (s.scrutineers.isEmpty ? "—" : s.scrutineers.joined(separator: "、"))
                          + "；计票人：" + (s.counters.isEmpty ? "—" : s.counters.joined(separator: "、")))
        if let signed = s.signedBy { paragraphs.append("签字确认：\(signed)") }
        for text in paragraphs {
            let height = try canvas.measure(text, size: 10.5, width: width)
            if y + height > bottom { try footer(canvas); canvas.newPage(); y = try top(canvas) }
            y += try canvas.text(text, x: x, y: y, size: 10.5, width: width) + 5
        }
        if y + 110 > bottom { try footer(canvas); canvas.newPage(); y = try top(canvas) }
        y += 16
        for (i, who) in ["总监票人（签字）", "监票人（签字）", "会议主持人（签字）"].enumerated() {
            let cx = x + Double(i) * width / 3
            try canvas.text(who, x: cx, y: y, size: 10.5, width: width / 3)
            canvas.line(x1: cx, y1: y + 44, x2: cx + width / 3 - 16, y2: y + 44)
        }
        y += 58
        try canvas.text("　　年　　月　　日", x: x, y: y, size: 10.5, width: width, align: .right)
        try canvas.text("审计链：\(s.auditHead)", x: x, y: bottom + 2, size: 7, width: width)
        try footer(canvas)
        return try canvas.finish()
    }

    /// 计票结果 (XLSX): the table's rows, then the figures and the elected, one to a row.
    public static func resultSheet(_ s: RoundResultSheet) throws -> Data {
        let writer = XLSXWriter(sheetName: "计票结果", columns: resultColumns.map { XLSXWriter.Column(title: $0.title, width: $0.width / 5) })
        let pad = { (text: String) in [text] + Array(repeating: "", count: resultColumns.count - 1) }
        var rows = resultRows(s)
        rows.append(pad(""))
        rows += ([s.election + s.round] + figures(s).filter { !$0.isEmpty }).map(pad)
        rows.append(pad("当选（按姓氏笔画为序）：" + s.elected.joined(separator: "、")))
        rows += s.next.map(pad)
        rows += s.reconciliation.map(pad)
        rows.append(pad(s.provisional ? "计票结果待监票人签字确认" : "签字确认：\(s.signedBy ?? "")"))
        rows.append(pad("审计链：\(s.auditHead)"))
        return try writer.data(rows: rows)
    }
}
