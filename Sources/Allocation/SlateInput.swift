import Foundation
import ElectionRules

/// Reads the `xuanju plan-slate` JSON; every fault names its field.
public enum SlateInput {
    public static func parse(_ data: Data) throws(InputError) -> SlateRequest {
        let root = try JSONInput.object(data)
        try JSONInput.rejectUnknownKeys(root, known: ["referenceDate", "seats", "units", "requirements", "required", "excluded", "pool"])
        guard let reference = root["referenceDate"] as? String, isDate(reference) else {
            throw InputError(field: "referenceDate", code: "slate.date.invalid", message: "应为日期 yyyy-MM-dd")
        }
        let seats = try JSONInput.integer(root["seats"], field: "seats", required: false)
        guard let unitList = root["units"] as? [Any], !unitList.isEmpty else { throw InputError(field: "units", code: "slate.missing", message: "缺少单位名额") }
        var quotas: [(unit: String, places: Int)] = []
        for (i, item) in unitList.enumerated() {
            guard let unit = item as? [String: Any], let id = unit["id"] as? String else {
                throw InputError(field: "units[\(i)].id", code: "slate.missing", message: "缺少单位编号")
            }
            try JSONInput.rejectUnknownKeys(unit, known: ["id", "quota"], prefix: "units[\(i)].")
            if quotas.contains(where: { $0.unit == id }) { throw InputError(field: "units[\(i)].id", code: "slate.duplicate", message: "单位「\(id)」重复") }
            let quota = try JSONInput.integer(unit["quota"], field: "units[\(i)].quota", required: true)!
            if quota < 0 { throw InputError(field: "units[\(i)].quota", code: "slate.negative", message: "名额不能为负数") }
            quotas.append((id, quota))
        }
        if let seats, seats > quotas.reduce(0, { $0 + $1.places }) || seats < 1 {
            throw InputError(field: "seats", code: "slate.seats.outOfRange", message: "应选名额应在1和名单总人数之间")
        }
        var requirements: [Requirement] = []
        for (i, item) in (root["requirements"] as? [Any] ?? []).enumerated() {
            requirements.append(try requirement(item, field: "requirements[\(i)]"))
        }
        if let dup = duplicate(requirements.map(\.id)) { throw InputError(field: "requirements", code: "slate.duplicate", message: "要求编号「\(dup)」重复") }
        guard let poolList = root["pool"] as? [Any] else { throw InputError(field: "pool", code: "slate.missing", message: "缺少被推荐人名单") }
        let units = Set(quotas.map(\.unit))
        var pool: [Nominee] = []
        var ids = Set<String>()
        for (i, item) in poolList.enumerated() {
            let field = "pool[\(i)]"
            guard let p = item as? [String: Any] else { throw InputError(field: field, code: "slate.notObject", message: "应是对象") }
            try JSONInput.rejectUnknownKeys(p, known: ["id", "name", "unit", "gender", "ethnicity", "birthDate", "category", "tags", "support"], prefix: "\(field).")
            func text(_ key: String) throws(InputError) -> String {
                guard let v = p[key] as? String, !v.isEmpty else { throw InputError(field: "\(field).\(key)", code: "slate.missing", message: "缺少此项") }
                return v
            }
            let id = try text("id")
            if !ids.insert(id).inserted { throw InputError(field: "\(field).id", code: "slate.duplicate", message: "编号「\(id)」重复") }
            let unit = try text("unit")
            if !units.contains(unit) { throw InputError(field: "\(field).unit", code: "slate.unit.unknown", message: "未知单位「\(unit)」") }
            let birth = try text("birthDate")
            if !isDate(birth) { throw InputError(field: "\(field).birthDate", code: "slate.date.invalid", message: "无法识别的日期「\(birth)」，应为 yyyy-MM-dd") }
            pool.append(Nominee(id: id, name: try text("name"), unit: unit, gender: try text("gender"), ethnicity: try text("ethnicity"),
                                birthDate: birth, category: try text("category"),
                                tags: (p["tags"] as? [String]) ?? [],
                                support: try JSONInput.integer(p["support"], field: "\(field).support", required: false) ?? 0))
        }
        let required = try JSONInput.strings(root["required"] ?? [Any](), field: "required", allowEmpty: true)
        let excluded = try JSONInput.strings(root["excluded"] ?? [Any](), field: "excluded", allowEmpty: true)
        for (i, id) in required.enumerated() {
            if !ids.contains(id) { throw InputError(field: "required[\(i)]", code: "slate.pool.unknownID", message: "「\(id)」不在被推荐人名单中") }
            if excluded.contains(id) { throw InputError(field: "required[\(i)]", code: "slate.pool.requiredAndExcluded", message: "「\(id)」同时在必须列入和排除名单中") }
        }
        for (i, id) in excluded.enumerated() where !ids.contains(id) {
            throw InputError(field: "excluded[\(i)]", code: "slate.pool.unknownID", message: "「\(id)」不在被推荐人名单中")
        }
        return SlateRequest(referenceDate: reference, seats: seats, quotas: quotas, requirements: requirements,
                            required: required, excluded: excluded, pool: pool)
    }

    public static func requirement(_ item: Any, field: String) throws(InputError) -> Requirement {
        guard let r = item as? [String: Any] else { throw InputError(field: field, code: "slate.notObject", message: "应是对象") }
        try JSONInput.rejectUnknownKeys(r, known: ["id", "label", "where", "min", "max", "approx", "tolerance", "level", "perUnit"], prefix: "\(field).")
        guard let id = r["id"] as? String, !id.isEmpty else { throw InputError(field: "\(field).id", code: "slate.missing", message: "缺少编号") }
        let level: Requirement.Level = try JSONInput.enumValue(r["level"], field: "\(field).level") ?? .mandatory
        let targets = ["min", "max", "approx"].filter { r[$0] != nil }
        guard targets.count == 1 else { throw InputError(field: field, code: "slate.requirement.targetCount", message: "min、max、approx 须有且只有一项") }
        let p = try JSONInput.ratio(r[targets[0]], field: "\(field).\(targets[0])")!
        if p.numerator > p.denominator { throw InputError(field: "\(field).\(targets[0])", code: "slate.requirement.ratioAboveOne", message: "比例不能大于1") }
        let target: Requirement.Target
        switch targets[0] {
        case "min": target = .min(p)
        case "max": target = .max(p)
        default: target = .approx(p, tolerance: try JSONInput.integer(r["tolerance"], field: "\(field).tolerance", required: false) ?? 1)
        }
        guard let conditionsObject = r["where"] as? [String: Any] else { throw InputError(field: "\(field).where", code: "slate.missing", message: "缺少条件") }
        var conditions: [Condition] = []
        for key in conditionsObject.keys.sorted() {
            let value = conditionsObject[key]!
            let f = "\(field).where.\(key)"
            if let attribute = Condition.Field(rawValue: key) {
                if let s = value as? String { conditions.append(.equals(attribute, s)) }
                else if let o = value as? [String: Any], let s = o["not"] as? String, o.count == 1 { conditions.append(.not(attribute, s)) }
                else if let o = value as? [String: Any], let list = o["in"] as? [String], o.count == 1 { conditions.append(.oneOf(attribute, list)) }
                else { throw InputError(field: f, code: "slate.type", message: "应为字符串、{\"not\": …} 或 {\"in\": […]}") }
            } else if key == "tag" {
                guard let t = value as? String else { throw InputError(field: f, code: "slate.type", message: "应为字符串") }
                conditions.append(.tag(t))
            } else if ["ageAtMost", "ageBelow", "ageAtLeast"].contains(key) {
                let n = try JSONInput.integer(value, field: f, required: true)!
                conditions.append(key == "ageAtMost" ? .ageAtMost(n) : key == "ageBelow" ? .ageBelow(n) : .ageAtLeast(n))
            } else {
                throw InputError(field: f, code: "slate.requirement.unknownCondition", message: "未知条件")
            }
        }
        return Requirement(id: id, label: r["label"] as? String ?? id, conditions: conditions, target: target, level: level,
                           perUnit: (r["perUnit"] as? Bool) ?? false)
    }

    static func isDate(_ s: String) -> Bool {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m) else { return false }
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...days[m - 1]).contains(d)
    }

    static func duplicate(_ ids: [String]) -> String? {
        var seen = Set<String>()
        return ids.first { !seen.insert($0).inserted }
    }
}

extension SlatePlan {
    public func text(request: SlateRequest) -> String {
        let names = Dictionary(request.pool.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        guard feasible else {
            return (["无法编排出满足全部必须要求的名单。以下条件不能同时满足（去掉其中任何一条，其余的就能满足）："]
                    + conflicts.map { "　· " + $0.explanation }).joined(separator: "\n")
        }
        var lines = ["建议名单（\(selected.count)名，按姓氏笔画为序）：", "　" + selected.map { names[$0] ?? $0 }.joined(separator: "　"),
                     "", "指导性比例偏差：\(deviation)人；推荐票合计：\(support)", "", "结构比例："]
        for r in requirements {
            let scope = r.unit.map { "（\($0)）" } ?? ""
            let robust = r.robustness.map { "，差额落选中最多可有\($0)名属此类" } ?? ""
            lines.append("　\(r.label)\(scope)：需\(r.needed)，实有\(r.actual)，\(r.met ? "达到" : (r.level == "mandatory" ? "未达到（必须）" : "未达到（指导性）"))\(robust)")
        }
        return lines.joined(separator: "\n")
    }
}
