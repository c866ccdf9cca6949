import Foundation

/// How a counted round is written out: JSON with every key present, and the Chinese table.
extension RoundReport {
    enum CodingKeys: String, CodingKey {
        case quorum, counted, void, issued, returned, valid, invalid, threshold, results, elected, tieBreak, shortfall, supplementary, problems
        case scrutineers, counters
    }

    // Absent values are written as null so every report has the same shape.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(quorum, forKey: .quorum)
        try c.encode(counted, forKey: .counted)
        try c.encode(void, forKey: .void)
        try c.encode(issued, forKey: .issued)
        try c.encode(returned, forKey: .returned)
        try c.encode(valid, forKey: .valid)
        try c.encode(invalid, forKey: .invalid)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(results, forKey: .results)
        try c.encode(elected, forKey: .elected)
        try c.encode(tieBreak, forKey: .tieBreak)
        try c.encode(shortfall, forKey: .shortfall)
        try c.encode(supplementary, forKey: .supplementary)
        try c.encode(problems, forKey: .problems)
        try c.encode(scrutineers, forKey: .scrutineers)
        try c.encode(counters, forKey: .counters)
    }

    /// A Chinese 计票结果 table a person can read.
    public func text() -> String {
        var lines = ["计票结果", String(repeating: "=", count: 40)]
        lines.append("应到会有选举权人数 \(quorum.expected)　实到会 \(quorum.present)　会议\(quorum.met ? "有效" : "无效（不足法定人数）")")
        if counted {
            lines.append("发出选票 \(issued)　收回选票 \(returned)　有效票 \(valid)　无效票 \(invalid)")
            if let threshold { lines.append("当选所需最少赞成票 \(threshold)") } else { lines.append("重新投票：得票多者当选") }
            lines.append("")
            lines.append("序号  姓名          赞成  不赞成  弃权  结果")
            for (i, r) in results.enumerated() {
                let label: String
                switch r.status {
                case .elected: label = "当选"
                case .tie: label = "得票并列"
                case .belowThreshold: label = "未过半数"
                case .outranked: label = "得票未进入名额"
                case .ineligible: label = "不能当选"
                }
                let name = r.name + (r.writeIn ? "（另选）" : "")
                let pad = String(repeating: "　", count: max(0, 7 - name.count))
                lines.append(String(format: "%4d  ", i + 1) + name + pad + String(format: "%4d  %6d  %4d  ", r.forVotes, r.againstVotes, r.abstain) + label)
            }
            lines.append("")
            lines.append("当选（按姓氏笔画为序）：" + (elected.isEmpty ? "无" : elected.joined(separator: "、")))
            if let tieBreak { lines.append("重新投票：\(tieBreak.candidates.joined(separator: "、"))，决定\(tieBreak.seats)个名额") }
            if let supplementary {
                lines.append("另行选举：缺额\(supplementary.seats)名，候选人（按得票）\(supplementary.candidates.joined(separator: "、"))")
            }
        } else {
            lines.append("本轮未计票" + (void ? "（选举无效）" : ""))
        }
        if !scrutineers.isEmpty || !counters.isEmpty {
            lines.append("")
            lines.append("监票人：" + (scrutineers.isEmpty ? "（未填）" : scrutineers.joined(separator: "、"))
                         + "　计票人：" + (counters.isEmpty ? "（未填）" : counters.joined(separator: "、")))
        }
        if !problems.isEmpty {
            lines.append("")
            lines.append("提示：")
            lines += problems.map { "　· " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
