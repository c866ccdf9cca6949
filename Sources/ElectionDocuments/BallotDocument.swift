import Foundation
import Documents
import NameOrder

/// A round's paper ballot (RULES §4, issue #13): A4, one ballot a page, numbered; the title,
/// the seats and how to mark; for each candidate a box for ○ or × above the name and a space
/// for a write-in below it; the ballot definition's hash at the foot, so a ballot from another
/// definition is seen at once. The names come in the order given (姓氏笔画 by the election's
/// convention — `strokeOrdered` — or, for secretaries, the approved order). A list too long for
/// one page is refused, never printed across two.
public struct BallotDesign: Sendable, Equatable {
    public var title: String
    public var seats: Int
    public var candidates: [String]
    /// The frozen ballot definition's hash (printed shortened).
    public var hash: String

    public init(title: String, seats: Int, candidates: [String], hash: String) {
        self.title = title; self.seats = seats; self.candidates = candidates; self.hash = hash
    }

    /// The names in 姓氏笔画 order by the convention.
    public static func strokeOrdered(_ names: [String], convention: NameConvention) -> [String] {
        NameOrder(convention: convention).sorted(names)
    }
}

extension DocumentRenderers {
    static let ballotColumns = 8
    static let ballotCell = (width: 62.0, mark: 22.0, name: 22.0, writeIn: 24.0, gap: 4.0)

    /// The most candidates one A4 ballot holds.
    public static var ballotCapacity: Int {
        let rows = Int((PDFCanvas.a4Height - ballotTop - 50) / (ballotCell.mark + ballotCell.name + ballotCell.writeIn + ballotCell.gap))
        return rows * ballotColumns
    }

    static let ballotTop = 170.0

    /// Ballots numbered `numbers` (the spare set says 备用 on each), one a page.
    public static func ballots(_ design: BallotDesign, numbers: ClosedRange<Int>, spare: Bool = false) throws -> Data {
        guard !design.candidates.isEmpty, design.seats >= 1 else { throw PDFError("ballot.empty", "选票上没有候选人或应选名额") }
        guard design.candidates.count <= ballotCapacity else {
            throw PDFError("ballot.tooLong", "候选人 \(design.candidates.count) 名，一页选票最多排 \(ballotCapacity) 名：请分为几张选票（如按职务分开）")
        }
        guard numbers.lowerBound >= 1, numbers.count <= 100_000 else { throw PDFError("ballot.numbers", "选票编号应从1起，一次最多100000张") }
        let canvas = PDFCanvas(title: design.title + (spare ? "（备用票）" : ""))
        for (i, number) in numbers.enumerated() {
            if i > 0 { canvas.newPage() }
            try ballot(design, number: number, spare: spare, on: canvas)
        }
        return try canvas.finish()
    }

    private static func ballot(_ design: BallotDesign, number: Int, spare: Bool, on canvas: PDFCanvas) throws {
        let x = margin, width = canvas.width - 2 * margin
        try canvas.text(String(format: "No. %05d", number) + (spare ? "　备用票" : ""), x: x, y: margin - 20, size: 10, width: width, align: .right)
        var y = margin + 4
        y += try canvas.text(design.title + "选票", x: x, y: y, size: 17, bold: true, width: width, align: .center) + 6
        y += try canvas.text("应选 \(design.seats) 名，候选人 \(design.candidates.count) 名（按姓氏笔画为序）", x: x, y: y, size: 11, width: width, align: .center) + 8
        let how = "说明：赞成的，在候选人姓名上方的格内划「○」；不赞成的划「×」；弃权的不划。不赞成而另选他人的，在划「×」的候选人姓名"
            + "下方的格内写上另选人的姓名，并在其旁划「○」。赞成（含另选）的人数多于应选 \(design.seats) 名的，此票无效。"
        y += try canvas.text(how, x: x, y: y, size: 9.5, width: width)
        guard y + 6 <= ballotTop else { throw PDFError("ballot.header.tooLong", "选票标题太长，挤占了候选人的位置：请缩短选举名称") }
        let cell = ballotCell
        let left = (canvas.width - Double(ballotColumns) * cell.width) / 2
        for (i, name) in design.candidates.enumerated() {
            let row = i / ballotColumns, column = i % ballotColumns
            let cx = left + Double(column) * cell.width
            let cy = ballotTop + Double(row) * (cell.mark + cell.name + cell.writeIn + cell.gap)
            canvas.rect(x: cx, y: cy, width: cell.width, height: cell.mark)
            canvas.rect(x: cx, y: cy + cell.mark, width: cell.width, height: cell.name)
            // A name stays on its one line (the write-in box is right below): smaller type if it must.
            let size = try canvas.fittingSize(name, size: 11, bold: true, width: cell.width - 4, owner: name)
            try canvas.cell(name, x: cx, y: cy + cell.mark, width: cell.width, height: cell.name, size: size, bold: true, padding: 2, owner: name)
            canvas.rect(x: cx, y: cy + cell.mark + cell.name, width: cell.width, height: cell.writeIn)
        }
        try canvas.text("选票定义 " + String(design.hash.prefix(16)) + "　　投票人不写姓名；选票与投票人没有任何联系", x: x, y: canvas.height - margin, size: 8,
                        width: width, align: .center)
    }
}
