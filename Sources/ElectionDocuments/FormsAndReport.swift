import Foundation
import Documents

extension DocumentRenderers {
    /// 登记表: one page per person, a ruled form with the roster's facts, the recommendation and
    /// room for the two organizations' opinions and seals.
    public static func forms(_ content: DocumentContent) throws -> Data {
        let canvas = PDFCanvas(title: "\(content.election)候选人初步人选登记表")
        for (i, person) in content.people.enumerated() {
            if i > 0 { canvas.newPage() }
            try form(person, content: content, on: canvas)
        }
        if content.people.isEmpty {
            try canvas.text("（没有人选）", x: margin, y: margin, size: 12)
        }
        return try canvas.finish()
    }

    private static func form(_ p: DocumentContent.Person, content: DocumentContent, on canvas: PDFCanvas) throws {
        let x = margin, width = canvas.width - 2 * margin
        var y = margin
        y = try heading(canvas, election: content.election, title: "候选人初步人选登记表", x: x, y: y, width: width) + 8
        y += try canvas.text("推荐单位：\(p.unit)", x: x, y: y, size: 9.5, width: width, owner: p.name) + 4

        func box(_ text: String, _ bx: Double, _ by: Double, _ w: Double, _ h: Double, label: Bool = false, align: PDFCanvas.Align = .center) throws {
            canvas.rect(x: bx, y: by, width: w, height: h, fillGray: label ? 0.93 : nil)
            try canvas.cell(text, x: bx, y: by, width: w, height: h, size: label ? 9.5 : 10, bold: label, align: align, owner: p.name)
        }
        // Four rows of three label/value pairs, and the photograph beside them.
        let label = 62.0, value = 74.0, photo = width - 3 * (label + value), row = 34.0
        let age = DocumentWording.age(p.birthDate, on: content.referenceDate).map { "\n（\($0)岁）" } ?? ""
        let grid: [[(String, String, Int)]] = [
            [("姓　名", p.name, 1), ("性　别", p.gender, 1), ("出生年月\n（岁）", DocumentWording.month(p.birthDate) + age, 1)],
            [("民　族", p.ethnicity, 1), ("入党时间", DocumentWording.month(p.joinDate), 1), ("类　别", p.category.isEmpty ? "—" : p.category, 1)],
            [("身份证号", p.idNumber, 2), ("专业技术\n职务", [p.title, p.titleLevel].filter { !$0.isEmpty }.joined(separator: "\n"), 1)],
            [("所在环节", p.stage, 2), ("人大代表\n政协委员", p.overlaps.isEmpty ? "否" : p.overlaps.joined(separator: "\n"), 1)],
        ]
        for cells in grid {
            var cx = x
            for (title, text, span) in cells {
                try box(title, cx, y, label, row, label: true)
                let spanWidth = span == 1 ? value : value + label + value   // a value over two pairs takes the second label's place too
                try box(text, cx + label, y, spanWidth, row)
                cx += label + spanWidth
            }
            y += row
        }
        try box("照片", x + width - photo, y - 4 * row, photo, 4 * row)
        // Full-width rows below the grid.
        let wide: [(String, String, Double, PDFCanvas.Align)] = [
            ("工作单位\n及职务", p.position, 44, .left),
            ("荣誉情况", p.honours.isEmpty ? "无" : p.honours.joined(separator: "\n"), 64, .left),
            ("推荐情况", "\(p.supportOrganizations) 个党组织、\(p.supportMembers) 名党员推荐", 34, .left),
        ]
        for (title, text, height, align) in wide {
            try box(title, x, y, label, height, label: true)
            try box(text, x + label, y, width - label, height, align: align)
            y += height
        }
        for title in ["所在单位\n党组织意见", "上级党组织\n审核意见"] {
            let height = 118.0
            try box(title, x, y, label, height, label: true)
            canvas.rect(x: x + label, y: y, width: width - label, height: height)
            try canvas.text("（盖章）\n年　　月　　日", x: x + label, y: y + height - 40, size: 10, width: width - label - 24, align: .right)
            y += height
        }
        try canvas.text("注：本表一式两份，按姓氏笔画为序装订；身份证号按账号权限显示。", x: x, y: y + 6, size: 8.5, width: width)
    }

    static let summaryColumns: [PDFTable.Column] = [
        .init("单位", width: 110, align: .left), .init("名额", width: 36), .init("基层党组织", width: 52), .init("参与推荐\n的组织", width: 52),
        .init("占比", width: 50), .init("参与推荐\n的党员", width: 56), .init("推荐人选", width: 48), .init("初步人选", width: 48),
    ]

    /// 酝酿产生情况报告: for one unit, its report; for the whole election, a summary table and
    /// then each unit's report on a page of its own.
    public static func report(_ content: DocumentContent) throws -> Data {
        let canvas = PDFCanvas(title: "\(content.election)候选人初步人选酝酿产生情况报告")
        let width = canvas.width - 2 * margin
        var first = true
        if content.unit == nil {
            var y = margin
            y = try heading(canvas, election: content.election, title: "候选人初步人选酝酿产生情况汇总", x: margin, y: y, width: width) + 14
            let rows = content.units.map { u -> [String] in
                [u.unit, String(u.places), String(u.grassroots), u.organizations.map(String.init) ?? "未填报",
                 u.organizations.map { DocumentWording.percent($0, of: u.grassroots) } ?? "—", u.members.map(String.init) ?? "未填报",
                 String(u.nominated), String(u.preliminary.count)]
            }
            let table = PDFTable(columns: summaryColumns, size: 9)
            y = try table.draw(on: canvas, x: margin, top: y, bottom: canvas.height - margin, rows: rows, pageTop: { _ in margin })
            let reported = content.units.filter { $0.organizations != nil }
            let took = reported.reduce(0) { $0 + $1.organizations! }, of = reported.reduce(0) { $0 + $1.grassroots }
            try canvas.text("已填报的 \(reported.count) 个单位共有基层党组织 \(of) 个，参与推荐的 \(took) 个，占 \(DocumentWording.percent(took, of: of))"
                            + "（要求达到95%以上）。", x: margin, y: y + 10, size: 10.5, width: width)
            try footer(canvas)
            first = false
        }
        for unit in content.units {
            if !first { canvas.newPage() }
            first = false
            try unitReport(unit, content: content, on: canvas)
            try footer(canvas)
        }
        if first { try canvas.text("（没有单位）", x: margin, y: margin, size: 12) }
        return try canvas.finish()
    }

    private static func unitReport(_ u: DocumentContent.UnitReport, content: DocumentContent, on canvas: PDFCanvas) throws {
        let x = margin, width = canvas.width - 2 * margin
        var y = margin
        y = try heading(canvas, election: content.election, title: "\(u.unit)\n关于候选人初步人选酝酿产生情况的报告", x: x, y: y, width: width) + 14
        y += try canvas.text("\(content.issuer)：", x: x, y: y, size: 12, width: width) + 6
        var participation = "　　按照\(content.issuer)的部署，本单位分配候选人初步人选名额 \(u.places) 名。"
        if let organizations = u.organizations, let members = u.members {
            let share = DocumentWording.percent(organizations, of: u.grassroots)
            participation += "本单位共有基层党组织 \(u.grassroots) 个，参与推荐的 \(organizations) 个，占 \(share)（要求达到95%以上，\(u.meetsTarget == true ? "已达到" : "未达到")）；"
                + "共有党员 \(u.memberCount) 名，参与推荐的党员 \(members) 名，占 \(DocumentWording.percent(members, of: u.memberCount))。"
        } else {
            participation += "本单位共有基层党组织 \(u.grassroots) 个、党员 \(u.memberCount) 名；参与推荐的党组织数和党员数尚未填报。"
        }
        y += try canvas.text(participation, x: x, y: y, size: 12, width: width) + 6
        let outcome = u.preliminary.isEmpty ? "尚未确定初步人选"
            : "确定初步人选 \(u.preliminary.count) 名（按姓氏笔画为序）：\(u.preliminary.joined(separator: "、"))"
        y += try canvas.text("　　经自下而上推荐、考察，本单位共推荐人选 \(u.nominated) 名，\(outcome)。", x: x, y: y, size: 12, width: width) + 10
        if !u.requirements.isEmpty {
            y += try canvas.text("　　\(u.preliminary.isEmpty ? "推荐人选" : "初步人选")结构情况：", x: x, y: y, size: 12, width: width) + 4
            let table = PDFTable(columns: [.init("结构要求", width: 200, align: .left), .init("类型", width: 60), .init("应有", width: 60),
                                           .init("实有", width: 60), .init("是否符合", width: 80)], size: 10)
            y = try table.draw(on: canvas, x: x, top: y, bottom: canvas.height - margin - 60, rows: u.requirements.map {
                [$0.label, $0.level, String($0.needed), String($0.actual), $0.met ? "符合" : "不符合"]
            }, pageTop: { canvas in try footer(canvas); return margin })
        }
        y += 30
        try canvas.text("\(u.unit)（盖章）\n年　　月　　日", x: x, y: y, size: 12, width: width, align: .right)
    }
}
