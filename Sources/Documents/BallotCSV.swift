import Foundation
import ElectionRules

/// Entered ballots as a CSV: one row per ballot, one column per listed candidate (header =
/// name) holding ○ (for), × (against), ? (unreadable) or nothing (abstain), then 另选1, 另选2, …
/// columns holding written-in names; an optional 无效 column holds the scrutineers' reason for
/// a ballot declared invalid.
public enum BallotCSV {
    static let forMarks: Set<String> = ["○", "〇", "O", "o"]
    static let againstMarks: Set<String> = ["×", "x", "X", "✕"]

    public static func read(_ data: Data, file: String, candidates: [String]) throws(FileInputError) -> [Ballot] {
        guard let text = CSVReader.decode(data) else {
            throw FileInputError(file: file, code: "ballots.file.encoding", message: "无法识别文件编码（应为 UTF-8 或 GBK/GB18030）")
        }
        let rows = try CSVReader.rows(text, file: file)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw FileInputError(file: file, code: "ballots.file.empty", message: "文件为空，缺少表头")
        }
        var candidateColumn: [Int: Int] = [:]
        var writeInColumns: [Int] = []
        var invalidColumn: Int?
        for (c, title) in header.enumerated() {
            if let j = candidates.firstIndex(of: title) {
                if candidateColumn.values.contains(j) { throw FileInputError(file: file, row: 1, column: title, code: "ballots.heading.duplicate", message: "表头重复") }
                candidateColumn[c] = j
            } else if title.hasPrefix("另选"), Int(title.dropFirst(2)) != nil {
                writeInColumns.append(c)
            } else if title == "无效" {
                invalidColumn = c
            } else {
                throw FileInputError(file: file, row: 1, column: title, code: "ballots.heading.unknown", message: "不是本轮候选人，也不是「另选N」或「无效」列")
            }
        }
        if let missing = candidates.first(where: { !candidateColumn.values.contains(candidates.firstIndex(of: $0)!) }) {
            throw FileInputError(file: file, row: 1, column: missing, code: "ballots.heading.missingCandidate", message: "缺少候选人列")
        }
        var ballots: [Ballot] = []
        for (r, row) in rows.enumerated().dropFirst() {
            let line = r + 1
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) && row.count <= 1 { continue }
            guard row.count == header.count else {
                throw FileInputError(file: file, row: line, code: "ballots.row.columnCount", message: "有\(row.count)列，表头有\(header.count)列")
            }
            if let c = invalidColumn, !row[c].trimmingCharacters(in: .whitespaces).isEmpty {
                ballots.append(.declaredInvalid(reason: row[c].trimmingCharacters(in: .whitespaces)))
                continue
            }
            var marks = BallotMarks()
            for (c, j) in candidateColumn.sorted(by: { $0.key < $1.key }) {
                let mark = row[c].trimmingCharacters(in: .whitespaces)
                if mark.isEmpty { continue }
                if forMarks.contains(mark) { marks.forMarks.append(j) }
                else if againstMarks.contains(mark) { marks.againstMarks.append(j) }
                else if mark == "?" || mark == "？" { marks.unreadable.append(j) }
                else { throw FileInputError(file: file, row: line, column: header[c], code: "ballots.mark.unknown", message: "标记「\(mark)」无法识别，应为 ○、×、? 或留空") }
            }
            for c in writeInColumns {
                let name = row[c].trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { marks.writeIns.append(name) }
            }
            ballots.append(.marked(marks))
        }
        return ballots
    }
}
