import Foundation
import Core
import Persistence
import Audit
import Allocation
import Elections
import Documents

/// The qualification committee's report (代表资格审查报告, RULES §13) as a PDF: the figures, the
/// delegates by electoral unit with each verdict, and the composition of the elected with counts
/// and shares. Read from the database first, drawn afterwards (drawing never awaits).
public enum QualificationReport {
    public struct Content: Sendable {
        public struct Row: Sendable {
            public let unit: String, name: String, gender: String, ethnicity: String, birthDate: String, verdict: String, note: String
        }
        public let election: String
        public let seats: Int
        public let rows: [Row]
        public let composition: [RequirementReport]
        /// Counted on the delegates the composition counts (all but the unqualified).
        public let counted: Int
        public let tally: DelegateBody.Tally
    }

    public static func content(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> Content {
        guard scope == .city else { throw Refusal.forbidden("delegate.report.departmentOnly", "代表资格审查报告由组织部（审查委员会）生成") }
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let entries = try await DelegateBody.list(election.id, scope: scope, in: data)
        guard !entries.isEmpty else { throw Refusal.invalid("delegate.report.empty", "还没有宣布当选的代表，不能生成资格审查报告") }
        // By unit (in the order of the units' names), 姓氏笔画 within each: the list's order kept.
        let units = Array(Set(entries.map(\.unit))).sorted()
        let rows = units.flatMap { unit in
            entries.filter { $0.unit == unit }.map { e in
                let d = e.delegate, r = e.member?.record
                var notes: [String] = []
                if d.qualification == .invalid { notes.append("\(d.verdictReason)（\(d.consequence?.rawValue ?? "")）") }
                if let ended = d.termEnded { notes.append("\(ended) 任期终止：\(d.termReason)") }
                return Content.Row(unit: unit, name: d.name, gender: r?.gender ?? "", ethnicity: r?.ethnicity ?? "", birthDate: month(r?.birthDate ?? ""),
                                   verdict: d.qualification.rawValue, note: notes.joined(separator: "；"))
            }
        }
        let composition = try await DelegateBody.composition(election.id, scope: scope, in: data)
        return Content(election: election.name, seats: election.seats, rows: rows, composition: composition,
                       counted: entries.filter { $0.delegate.qualification != .invalid }.count, tally: DelegateBody.Tally(entries))
    }

    /// The report, drawn (by `offload`) and recorded in the audit log.
    public static func issue(_ electionID: ElectionID, actor: String, scope: Scope, in data: any DataStore,
                             offload: (@escaping @Sendable () throws -> Data) async throws -> Data = { try $0() }) async throws -> Data {
        let content = try await self.content(electionID, scope: scope, in: data)
        let pdf: Data
        do { pdf = try await offload { try render(content) } } catch let error as PDFError {
            throw Refusal.invalid(error.code, error.message)
        }
        try await data.write { data in
            _ = try await AuditLog.append(.documentIssued, actor: actor, object: "election:\(electionID)",
                                          after: "代表资格审查报告.pdf：\(content.rows.count) 名代表", in: data)
        }
        return pdf
    }

    static let margin = 48.0
    static let columns: [PDFTable.Column] = [
        .init("序号", width: 26), .init("选举单位", width: 120, align: .left), .init("姓名", width: 56, keepTogether: true),
        .init("性别", width: 26), .init("民族", width: 34), .init("出生年月", width: 46), .init("审查结论", width: 44),
        .init("说明", width: 147, align: .left),
    ]
    static let compositionColumns: [PDFTable.Column] = [
        .init("项目", width: 150, align: .left), .init("要求", width: 90), .init("人数", width: 60), .init("占比", width: 70),
        .init("是否达到", width: 70),
    ]

    public static func render(_ content: Content) throws -> Data {
        let canvas = PDFCanvas(title: "\(content.election)代表资格审查报告")
        let width = canvas.width - 2 * margin, bottom = canvas.height - margin - 10
        func footer(_ canvas: PDFCanvas) throws {
            try canvas.text("— \(canvas.pageCount) —", x: 0, y: canvas.height - 36, size: 9, width: canvas.width, align: .center)
        }
        func continued(_ canvas: PDFCanvas) throws -> Double {
            try footer(canvas)
            canvas.newPage()
            return margin
        }
        var y = margin
        y += try canvas.text(content.election, x: margin, y: y, size: 11, width: width, align: .center) + 2
        y += try canvas.text("代表资格审查报告", x: margin, y: y, size: 16, bold: true, width: width, align: .center) + 12
        let tally = content.tally, vacant = tally.vacant(of: content.seats)
        let summary = "　　本次选举应选代表 \(content.seats) 名，已选出 \(content.rows.count) 名。代表资格审查委员会对每名代表的选举程序和代表资格进行了审查："
            + "资格有效 \(tally.valid) 名，无效 \(tally.invalid) 名，尚待审查 \(tally.pending) 名；任期终止 \(tally.ended) 名。"
            + (vacant > 0 ? "现缺额 \(vacant) 名。" : "")
        y += try canvas.text(summary, x: margin, y: y, size: 11, width: width) + 10
        y += try canvas.text("一、代表名单（按选举单位，单位内按姓氏笔画为序）", x: margin, y: y, size: 11, bold: true, width: width) + 4
        let table = PDFTable(columns: columns, size: 8.5)
        let rows = content.rows.enumerated().map { i, r in [String(i + 1), r.unit, r.name, r.gender, r.ethnicity, r.birthDate, r.verdict, r.note] }
        y = try table.draw(on: canvas, x: margin, top: y, bottom: bottom, rows: rows, owner: { content.rows[$0].name }, pageTop: continued) + 14
        if y + 80 > bottom { y = try continued(canvas) }
        y += try canvas.text("二、当选代表的结构（资格无效的不计，共 \(content.counted) 名；最终以选举结果为准）", x: margin, y: y, size: 11, bold: true,
                             width: width) + 4
        if content.composition.isEmpty {
            try canvas.text("本次选举没有设定结构要求。", x: margin, y: y, size: 10, width: width)
        } else {
            let composition = PDFTable(columns: compositionColumns, size: 9)
            let lines = content.composition.map { r in
                [r.label, "\(r.level == "mandatory" ? "硬性" : "参考") \(r.needed) 名", String(r.actual), share(r.actual, of: content.counted),
                 r.met ? "达到" : "未达到"]
            }
            try composition.draw(on: canvas, x: margin, top: y, bottom: bottom, rows: lines, pageTop: continued)
        }
        try footer(canvas)
        return try canvas.finish()
    }

    /// A share cut (not rounded) to one decimal, compared as integers: 2 of 3 reads 66.6%.
    static func share(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "—" }
        let tenths = part * 1000 / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// "1972-05-08" → "1972.05".
    static func month(_ date: String) -> String {
        guard let day = CalendarDate(text: date) else { return date }
        return String(format: "%04d.%02d", day.year, day.month)
    }
}
