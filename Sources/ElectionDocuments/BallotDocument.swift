import Foundation
import Documents
import NameOrder

/// The order the names stand in on a ballot, as its header states it.
public enum BallotOrder: String, Sendable, Codable, CaseIterable {
    /// 姓氏笔画 (RULES §4, NAME-ORDER.md).
    case strokes
    /// The order the higher organization approved (a secretary's or deputy's election).
    case approved
    /// As the list was given (a preview of a list already in the order wanted).
    case given

    public var label: String {
        switch self {
        case .strokes: return "按姓氏笔画为序"
        case .approved: return "按上级批准的顺序"
        case .given: return "按所列顺序"
        }
    }
}

/// The paper a ballot is printed on (portrait).
public enum BallotPaper: String, Sendable, Codable, CaseIterable {
    case a4 = "A4", a3 = "A3"

    var size: (width: Double, height: Double) {
        switch self {
        case .a4: return (PDFCanvas.a4Width, PDFCanvas.a4Height)
        case .a3: return (PDFCanvas.a3Width, PDFCanvas.a3Height)
        }
    }
}

/// A round's paper ballot (RULES §4): the title and round, the seats, the order used and how to
/// mark; for each candidate a box for ○ or × above the name and a space for a write-in below it.
/// A list longer than one sheet takes several, each headed 「第 k 张 共 n 张」. No ballot carries
/// a number of any kind — a pre-printed serial can link a ballot to its voter — so every copy
/// is the same; the batch and ballot numbers are written on each sheet where it says, when the
/// returned ballots are split into batches. The ballot definition's hash is at the foot (a ballot
/// of another definition is seen at once); a preview has none and says so.
public struct BallotDesign: Sendable, Equatable {
    public var title: String
    /// The round as the header names it (「第 2 轮　另行选举」); nil for a preview.
    public var round: String?
    public var seats: Int
    public var candidates: [String]
    public var order: BallotOrder
    public var paper: BallotPaper
    /// The frozen ballot definition's hash (printed shortened); nil for a preview.
    public var hash: String?

    /// The most names one ballot lists: beyond any list the regulations make (a congress's
    /// committee election is a few dozen; a county's delegates a few hundred over their units).
    public static let maxCandidates = 1_000

    public init(title: String, round: String? = nil, seats: Int, candidates: [String], order: BallotOrder = .strokes,
                paper: BallotPaper = .a4, hash: String?) {
        self.title = title; self.round = round; self.seats = seats; self.candidates = candidates; self.order = order
        self.paper = paper; self.hash = hash
    }

    /// The names in 姓氏笔画 order by the convention.
    public static func strokeOrdered(_ names: [String], convention: NameConvention) -> [String] {
        NameOrder(convention: convention).sorted(names)
    }
}

/// How a ballot's names fall on its sheets: a grid of `columns` × `rows` a sheet, the names shared
/// evenly over as few sheets as hold them (68 on A4: two sheets of 34, not 64 and 4).
public struct BallotLayout: Sendable, Equatable {
    public let columns: Int
    public let rows: Int
    /// The names on each sheet, in order.
    public let sheets: [[String]]

    public var perSheet: Int { columns * rows }
}

extension DocumentRenderers {
    static let ballotCell = (width: 62.0, mark: 22.0, name: 22.0, writeIn: 24.0, gap: 4.0)
    static let ballotTop = 178.0
    static let ballotFoot = 50.0

    /// The grid of one sheet of `paper`.
    public static func ballotGrid(_ paper: BallotPaper) -> (columns: Int, rows: Int) {
        let size = paper.size, cell = ballotCell
        let columns = Int((size.width - 2 * margin) / cell.width)
        let rows = Int((size.height - ballotTop - ballotFoot) / (cell.mark + cell.name + cell.writeIn + cell.gap))
        return (columns, rows)
    }

    public static func ballotLayout(_ design: BallotDesign) -> BallotLayout {
        let grid = ballotGrid(design.paper), count = design.candidates.count
        let capacity = grid.columns * grid.rows
        let sheets = max(1, (count + capacity - 1) / capacity)
        let each = (count + sheets - 1) / sheets
        let chunks = stride(from: 0, to: count, by: max(1, each)).map { Array(design.candidates[$0..<min(count, $0 + each)]) }
        return BallotLayout(columns: grid.columns, rows: grid.rows, sheets: chunks)
    }

    /// `copies` ballots, every one the same (the spare set says 备用票 on each sheet): pages =
    /// copies × sheets, the sheets of one ballot together.
    public static func ballots(_ design: BallotDesign, copies: Int, spare: Bool = false) throws -> Data {
        guard !design.candidates.isEmpty, design.seats >= 1 else { throw PDFError("ballot.empty", "选票上没有候选人或应选名额") }
        guard design.candidates.count <= BallotDesign.maxCandidates else {
            throw PDFError("ballot.tooLong", "候选人 \(design.candidates.count) 名，一张选票最多列 \(BallotDesign.maxCandidates) 名")
        }
        guard (1...100_000).contains(copies) else { throw PDFError("ballot.copies", "一次印制1至100000张选票") }
        let layout = ballotLayout(design)
        let size = design.paper.size
        let canvas = PDFCanvas(title: design.title + (spare ? "（备用票）" : ""), width: size.width, height: size.height)
        for copy in 0..<copies {
            for (k, names) in layout.sheets.enumerated() {
                if copy > 0 || k > 0 { canvas.newPage() }
                try sheet(design, layout: layout, number: k + 1, names: names, spare: spare, on: canvas)
            }
        }
        return try canvas.finish()
    }

    /// Sheet `number` of one ballot.
    private static func sheet(_ design: BallotDesign, layout: BallotLayout, number: Int, names: [String], spare: Bool,
                              on canvas: PDFCanvas) throws {
        let x = margin, width = canvas.width - 2 * margin, count = layout.sheets.count
        // Where the counters write the numbers when the returned ballots are split into batches.
        try canvas.text("分批时填写：第＿＿＿批　第＿＿＿号", x: x, y: margin - 22, size: 9.5, width: width, align: .left)
        try canvas.text("第 \(number) 张 共 \(count) 张" + (spare ? "　备用票" : ""), x: x, y: margin - 22, size: 10, bold: true,
                        width: width, align: .right)
        var y = margin + 2
        y += try canvas.text(design.title + "选票", x: x, y: y, size: 17, bold: true, width: width, align: .center) + 2
        if let round = design.round {
            y += try canvas.text(round, x: x, y: y, size: 11, width: width, align: .center) + 2
        }
        let sheetNote = count > 1 ? "，本张列第 \(layout.sheets[..<(number - 1)].reduce(0) { $0 + $1.count } + 1)"
            + " 至 \(layout.sheets[..<number].reduce(0) { $0 + $1.count }) 名" : ""
        y += try canvas.text("应选 \(design.seats) 名，候选人 \(design.candidates.count) 名（\(design.order.label)）\(sheetNote)",
                             x: x, y: y, size: 11, width: width, align: .center) + 6
        let whole = count > 1 ? "（本选票共 \(count) 张，各张合计）" : ""
        let how = "说明：赞成的，在候选人姓名上方的格内划「○」；不赞成的划「×」；弃权的不划。不赞成而另选他人的，在划「×」的候选人姓名"
            + "下方的格内写上另选人的姓名，并在其旁划「○」。赞成（含另选）的人数\(whole)多于应选 \(design.seats) 名的，此票无效。"
        y += try canvas.text(how, x: x, y: y, size: 9.5, width: width)
        guard y + 6 <= ballotTop else { throw PDFError("ballot.header.tooLong", "选票标题太长，挤占了候选人的位置：请缩短选举名称") }
        let cell = ballotCell
        let left = (canvas.width - Double(layout.columns) * cell.width) / 2
        for (i, name) in names.enumerated() {
            let row = i / layout.columns, column = i % layout.columns
            let cx = left + Double(column) * cell.width
            let cy = ballotTop + Double(row) * (cell.mark + cell.name + cell.writeIn + cell.gap)
            canvas.rect(x: cx, y: cy, width: cell.width, height: cell.mark)
            canvas.rect(x: cx, y: cy + cell.mark, width: cell.width, height: cell.name)
            // A name stays on its one line (the write-in box is right below): smaller type if it must.
            let size = try canvas.fittingSize(name, size: 11, bold: true, width: cell.width - 4, owner: name)
            try canvas.cell(name, x: cx, y: cy + cell.mark, width: cell.width, height: cell.name, size: size, bold: true, padding: 2, owner: name)
            canvas.rect(x: cx, y: cy + cell.mark + cell.name, width: cell.width, height: cell.writeIn)
        }
        let foot = design.hash.map { "选票定义 " + String($0.prefix(16)) } ?? "选票样张（预览），不是正式选票"
        try canvas.text(foot + "　　投票人不写姓名；选票上没有任何编号，与投票人没有任何联系", x: x, y: canvas.height - margin, size: 8,
                        width: width, align: .center)
    }
}
