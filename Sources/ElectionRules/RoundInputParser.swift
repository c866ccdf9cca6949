import Foundation

/// Reads the `xuanju count` JSON. Errors name the field, in Chinese, and nothing is counted.
public enum RoundInputParser {
    public static func parse(_ data: Data) throws(CountInputError) -> RoundInput {
        let root = try JSONInput.object(data)
        try JSONInput.rejectUnknownKeys(root, known: ["profile", "kind", "seats", "candidates", "expected", "present", "issued",
                                                      "marginRatio", "options", "ballots", "scrutineers", "counters"])
        let profile: RuleProfile = try JSONInput.enumValue(root["profile"], field: "profile") ?? .basic
        let kind: RoundKind = try JSONInput.enumValue(root["kind"], field: "kind") ?? .formal
        let seats = try JSONInput.integer(root["seats"], field: "seats", required: true)!
        let candidates = try JSONInput.strings(root["candidates"], field: "candidates")
        let expected = try JSONInput.integer(root["expected"], field: "expected", required: true)!
        let present = try JSONInput.integer(root["present"], field: "present", required: true)!
        let issued = try JSONInput.integer(root["issued"], field: "issued", required: false)
        let ratio = try JSONInput.ratio(root["marginRatio"], field: "marginRatio") ?? Ratio(1, 5)
        var options = RuleOptions()
        if let raw = root["options"] {
            guard let dict = raw as? [String: Any] else { throw CountInputError(field: "options", message: "应是对象") }
            for key in dict.keys where key != "quorumStrict" && key != "partialInvalid" {
                throw CountInputError(field: "options.\(key)", message: "未知选项")
            }
            if let strict = dict["quorumStrict"] {
                guard JSONInput.isBoolean(strict), let value = strict as? Bool else { throw CountInputError(field: "options.quorumStrict", message: "应为 true 或 false") }
                options.quorumStrict = value
            }
            options.partialInvalid = try JSONInput.enumValue(dict["partialInvalid"], field: "options.partialInvalid") ?? .markOnly
        }
        var ballots: [Ballot] = []
        if let raw = root["ballots"] {
            guard let list = raw as? [Any] else { throw CountInputError(field: "ballots", message: "应是数组") }
            let index = Dictionary(candidates.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            ballots.reserveCapacity(list.count)
            for (b, item) in list.enumerated() {
                ballots.append(try ballot(item, field: "ballots[\(b)]", index: index))
            }
        }
        var input = RoundInput(profile: profile, kind: kind, seats: seats, candidates: candidates, expected: expected,
                               present: present, issued: issued, marginRatio: ratio, options: options, ballots: ballots)
        if let raw = root["scrutineers"] { input.scrutineers = try JSONInput.strings(raw, field: "scrutineers", allowEmpty: true) }
        if let raw = root["counters"] { input.counters = try JSONInput.strings(raw, field: "counters", allowEmpty: true) }
        return input
    }

    static func ballot(_ item: Any, field: String, index: [String: Int]) throws(CountInputError) -> Ballot {
        guard let dict = item as? [String: Any] else { throw CountInputError(field: field, message: "选票应是对象") }
        if let reason = dict["invalid"] {
            guard let text = reason as? String else { throw CountInputError(field: "\(field).invalid", message: "应写明无效原因") }
            guard dict.count == 1 else { throw CountInputError(field: field, message: "无效票不能再有其他标记") }
            return .declaredInvalid(reason: text)
        }
        for key in dict.keys where !["for", "against", "writeIns", "unreadable"].contains(key) {
            throw CountInputError(field: "\(field).\(key)", message: "未知字段")
        }
        func marks(_ key: String) throws(CountInputError) -> [Int] {
            let names = try JSONInput.strings(dict[key] ?? [Any](), field: "\(field).\(key)", allowEmpty: true)
            var out: [Int] = []
            for name in names {
                guard let j = index[name] else {
                    throw CountInputError(field: "\(field).\(key)", message: "「\(name)」不是本轮候选人")
                }
                out.append(j)
            }
            return out
        }
        return .marked(BallotMarks(for: try marks("for"), against: try marks("against"),
                                   writeIns: try JSONInput.strings(dict["writeIns"] ?? [Any](), field: "\(field).writeIns", allowEmpty: true),
                                   unreadable: try marks("unreadable")))
    }
}

extension RoundReport {
    enum CodingKeys: String, CodingKey {
        case quorum, counted, void, returned, valid, invalid, threshold, results, elected, tieBreak, shortfall, supplementary, problems
    }

    // Absent values are written as null so every report has the same shape.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(quorum, forKey: .quorum)
        try c.encode(counted, forKey: .counted)
        try c.encode(void, forKey: .void)
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
    }

    /// A Chinese 计票结果 table a person can read.
    public func text() -> String {
        var lines = ["计票结果", String(repeating: "=", count: 40)]
        lines.append("应到会有选举权人数 \(quorum.expected)　实到会 \(quorum.present)　会议\(quorum.met ? "有效" : "无效（不足法定人数）")")
        if counted {
            lines.append("收回选票 \(returned)　有效票 \(valid)　无效票 \(invalid)")
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
        if !problems.isEmpty {
            lines.append("")
            lines.append("提示：")
            lines += problems.map { "　· " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
