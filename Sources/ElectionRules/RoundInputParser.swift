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
