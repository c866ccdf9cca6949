import Foundation

/// Reads the `xuanju count` JSON. Errors name the field, in Chinese, and nothing is counted.
public enum RoundInputParser {
    public static func parse(_ data: Data) throws(CountInputError) -> RoundInput {
        let (root, ballotsRead) = try RoundDocumentReader.read(data)
        try JSONInput.rejectUnknownKeys(root, known: ["profile", "kind", "seats", "candidates", "expected", "present", "issued",
                                                      "marginRatio", "margin", "office", "options", "ballots", "scrutineers", "counters"])
        let profile: RuleProfile = try JSONInput.enumValue(root["profile"], field: "profile") ?? .basic
        let kind: RoundKind = try JSONInput.enumValue(root["kind"], field: "kind") ?? .formal
        let seats = try JSONInput.integer(root["seats"], field: "seats", required: true)!
        let roster = try candidateList(root["candidates"])
        let candidates = roster.names
        let expected = try JSONInput.integer(root["expected"], field: "expected", required: true)!
        let present = try JSONInput.integer(root["present"], field: "present", required: true)!
        let issued = try JSONInput.integer(root["issued"], field: "issued", required: false)
        let ratio = try JSONInput.ratio(root["marginRatio"], field: "marginRatio") ?? Ratio(1, 5)
        let office: Office? = try JSONInput.enumValue(root["office"], field: "office")
        let margin = try marginRule(root["margin"], legacyRatio: root["marginRatio"] != nil ? ratio : nil, office: office, profile: profile)
        var options = RuleOptions()
        if let raw = root["options"] {
            guard let dict = raw as? [String: Any] else { throw CountInputError(field: "options", code: "input.notObject", message: "应是对象") }
            for key in dict.keys where key != "quorumStrict" && key != "partialInvalid" {
                throw CountInputError(field: "options.\(key)", code: "input.unknownField", message: "未知选项")
            }
            if let strict = dict["quorumStrict"] {
                guard JSONInput.isBoolean(strict), let value = strict as? Bool else { throw CountInputError(field: "options.quorumStrict", code: "input.notBoolean", message: "应为 true 或 false") }
                options.quorumStrict = value
            }
            options.partialInvalid = try JSONInput.enumValue(dict["partialInvalid"], field: "options.partialInvalid") ?? .markOnly
        }
        var ballots: [Ballot] = ballotsRead ?? []
        if let raw = root["ballots"] {
            guard let list = raw as? [Any] else { throw CountInputError(field: "ballots", code: "input.notList", message: "应是数组") }
            // Marks refer to ids where candidates have them, else to names.
            let index = Dictionary((roster.ids ?? candidates).enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            ballots.reserveCapacity(list.count)
            for (b, item) in list.enumerated() {
                ballots.append(try ballot(item, field: "ballots[\(b)]", index: index))
            }
        }
        var input = RoundInput(profile: profile, kind: kind, seats: seats, candidates: candidates, expected: expected,
                               present: present, issued: issued, marginRatio: ratio, options: options, ballots: ballots)
        input.margin = margin
        input.candidateIDs = roster.ids
        input.standings = roster.standings
        if let raw = root["scrutineers"] { input.scrutineers = try JSONInput.strings(raw, field: "scrutineers", allowEmpty: true) }
        if let raw = root["counters"] { input.counters = try JSONInput.strings(raw, field: "counters", allowEmpty: true) }
        return input
    }

    /// `candidates`: names, or objects `{"id", "name", "unit"?, "standing"?}` (all of one kind).
    static func candidateList(_ value: Any?) throws(CountInputError) -> (names: [String], ids: [String]?, standings: [MemberStanding?]) {
        guard let list = value as? [Any], !list.isEmpty else { throw CountInputError(field: "candidates", code: "input.notList", message: "应是非空数组") }
        guard list.contains(where: { $0 is [String: Any] }) else {
            return (try JSONInput.strings(value, field: "candidates"), nil, [])
        }
        var names: [String] = [], ids: [String] = [], standings: [MemberStanding?] = []
        for (i, item) in list.enumerated() {
            let field = "candidates[\(i)]"
            guard let object = item as? [String: Any] else { throw CountInputError(field: field, code: "round.candidates.mixedForms", message: "候选人应都写成 {\"id\", \"name\"} 对象") }
            try JSONInput.rejectUnknownKeys(object, known: ["id", "name", "unit", "standing"], prefix: "\(field).")
            guard let id = object["id"] as? String, !id.isEmpty, id.count <= 64 else { throw CountInputError(field: "\(field).id", code: "input.notString", message: "应是非空字符串") }
            guard let name = object["name"] as? String else { throw CountInputError(field: "\(field).name", code: "input.notString", message: "应是字符串") }
            if let unit = object["unit"], !(unit is String) { throw CountInputError(field: "\(field).unit", code: "input.notString", message: "应是字符串") }
            ids.append(id); names.append(name)
            standings.append(try JSONInput.enumValue(object["standing"], field: "\(field).standing"))
        }
        return (names, ids, standings)
    }

    /// `margin`: `{"ratio": "0.2"}`, `{"moreThanSeats": [1, 2]}` or `{"equal": true}`; without it,
    /// `marginRatio` (the older field) or the office's default (RULES §3), or 20%.
    static func marginRule(_ value: Any?, legacyRatio: Ratio?, office: Office?, profile: RuleProfile) throws(CountInputError) -> MarginRule {
        guard let value else {
            if let legacyRatio { return .ratio(legacyRatio) }
            return office.map { MarginRule.default(for: $0, profile: profile) } ?? .ratio(Ratio(1, 5))
        }
        guard legacyRatio == nil else { throw CountInputError(field: "margin", code: "round.margin.twoForms", message: "margin 与 marginRatio 只能写一个") }
        guard let object = value as? [String: Any], object.count == 1, let (key, raw) = object.first else {
            throw CountInputError(field: "margin", code: "round.margin.invalidForm", message: "应为 {\"ratio\": \"0.2\"}、{\"moreThanSeats\": [1, 2]} 或 {\"equal\": true}")
        }
        switch key {
        case "ratio":
            guard let ratio = try JSONInput.ratio(raw, field: "margin.ratio"), ratio.numerator <= ratio.denominator else {
                throw CountInputError(field: "margin.ratio", code: "round.margin.ratioOutOfRange", message: "应是0到1之间的小数")
            }
            return .ratio(ratio)
        case "moreThanSeats":
            guard let pair = raw as? [Any], pair.count == 2,
                  let low = try JSONInput.integer(pair[0], field: "margin.moreThanSeats[0]", required: true),
                  let high = try JSONInput.integer(pair[1], field: "margin.moreThanSeats[1]", required: true),
                  low >= 0, low <= high, high <= 1_000 else {
                throw CountInputError(field: "margin.moreThanSeats", code: "round.margin.moreThanSeatsInvalid", message: "应为 [最少多几名, 最多多几名]，如 [1, 2]")
            }
            return .moreThanSeats(min: low, max: high)
        case "equal":
            guard JSONInput.isBoolean(raw), raw as? Bool == true else { throw CountInputError(field: "margin.equal", code: "input.notBoolean", message: "应为 true") }
            return .equal
        default:
            throw CountInputError(field: "margin.\(key)", code: "round.margin.unknownKind", message: "未知的差额方式")
        }
    }

    static func ballot(_ item: Any, field: String, index: [String: Int]) throws(CountInputError) -> Ballot {
        guard let dict = item as? [String: Any] else { throw CountInputError(field: field, code: "ballot.notObject", message: "选票应是对象") }
        if let reason = dict["invalid"] {
            guard let text = reason as? String else { throw CountInputError(field: "\(field).invalid", code: "ballot.invalid.reasonMissing", message: "应写明无效原因") }
            guard dict.count == 1 else { throw CountInputError(field: field, code: "ballot.invalid.withMarks", message: "无效票不能再有其他标记") }
            return .declaredInvalid(reason: text)
        }
        for key in dict.keys where !["for", "against", "writeIns", "unreadable"].contains(key) {
            throw CountInputError(field: "\(field).\(key)", code: "input.unknownField", message: "未知字段")
        }
        func marks(_ key: String) throws(CountInputError) -> [Int] {
            let names = try JSONInput.strings(dict[key] ?? [Any](), field: "\(field).\(key)", allowEmpty: true)
            var out: [Int] = []
            for name in names {
                guard let j = index[name] else {
                    throw CountInputError(field: "\(field).\(key)", code: "ballot.mark.unknownCandidate", message: "「\(name)」不是本轮候选人")
                }
                out.append(j)
            }
            return out
        }
        // writeIns: plain names (counted under any against-mark, as before) or {"under", "name"}.
        var plain: [String] = [], placed: [PlacedWriteIn] = []
        if let raw = dict["writeIns"] {
            guard let list = raw as? [Any] else { throw CountInputError(field: "\(field).writeIns", code: "input.notList", message: "应是数组") }
            for (w, entry) in list.enumerated() {
                let wf = "\(field).writeIns[\(w)]"
                if let name = entry as? String { plain.append(name); continue }
                guard let object = entry as? [String: Any] else { throw CountInputError(field: wf, code: "ballot.writeIn.invalidForm", message: "应是姓名或 {\"under\", \"name\"}") }
                try JSONInput.rejectUnknownKeys(object, known: ["under", "name"], prefix: "\(wf).")
                guard let under = object["under"] as? String, let j = index[under] else {
                    throw CountInputError(field: "\(wf).under", code: "ballot.mark.unknownCandidate", message: "「\(object["under"] as? String ?? "")」不是本轮候选人")
                }
                guard let name = object["name"] as? String else { throw CountInputError(field: "\(wf).name", code: "input.notString", message: "应是字符串") }
                placed.append(PlacedWriteIn(under: j, name: name))
            }
        }
        var result = BallotMarks(for: try marks("for"), against: try marks("against"), writeIns: plain, unreadable: try marks("unreadable"))
        result.placedWriteIns = placed
        return .marked(result)
    }
}
