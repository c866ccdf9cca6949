import Foundation
import ElectionRules

/// Reads the `xuanju apportion` JSON (see the issue): seats, method, base, weights, units.
public enum ApportionmentInput {
    public static func parse(_ data: Data) throws(InputError) -> ApportionmentRequest {
        let root = try JSONInput.object(data)
        try JSONInput.rejectUnknownKeys(root, known: ["seats", "method", "base", "weights", "units"])
        let seats = try JSONInput.integer(root["seats"], field: "seats", required: true)!
        let method: ApportionmentMethod = try JSONInput.enumValue(root["method"], field: "method") ?? .hamilton
        let base = try JSONInput.integer(root["base"], field: "base", required: false) ?? 0
        var memberWeight = Ratio(1, 1), organizationWeight = Ratio(0, 1)
        if let raw = root["weights"] {
            guard let weights = raw as? [String: Any] else { throw InputError(field: "weights", code: "apportion.notObject", message: "应是对象") }
            try JSONInput.rejectUnknownKeys(weights, known: ["members", "organizations"], prefix: "weights.")
            memberWeight = try JSONInput.ratio(weights["members"], field: "weights.members") ?? Ratio(0, 1)
            organizationWeight = try JSONInput.ratio(weights["organizations"], field: "weights.organizations") ?? Ratio(0, 1)
        }
        guard let list = root["units"] as? [Any] else { throw InputError(field: "units", code: "apportion.missing", message: "缺少单位数组") }
        var units: [ApportionmentUnit] = []
        for (i, item) in list.enumerated() {
            let field = "units[\(i)]"
            guard let unit = item as? [String: Any] else { throw InputError(field: field, code: "apportion.notObject", message: "应是对象") }
            try JSONInput.rejectUnknownKeys(unit, known: ["id", "name", "members", "organizations", "minimum", "fixed", "reason"], prefix: "\(field).")
            guard let id = unit["id"] as? String else { throw InputError(field: "\(field).id", code: "apportion.missing", message: "缺少单位编号") }
            var fixed: Int?, reason: String?
            if let raw = unit["fixed"], !(raw is NSNull) {
                fixed = try JSONInput.integer(raw, field: "\(field).fixed", required: true)
                // An override without its reason is not accepted: the reason is part of the record.
                guard let text = unit["reason"] as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty, text.count <= 200 else {
                    throw InputError(field: "\(field).reason", code: "apportion.override.reasonMissing", message: "固定名额须写明理由（最多200字）")
                }
                reason = text
            } else if unit["reason"] != nil {
                throw InputError(field: "\(field).reason", code: "apportion.override.reasonWithoutFixed", message: "只有固定名额（fixed）才写理由")
            }
            units.append(ApportionmentUnit(
                id: id, name: unit["name"] as? String ?? "",
                members: try JSONInput.integer(unit["members"], field: "\(field).members", required: memberWeight.numerator > 0) ?? 0,
                organizations: try JSONInput.integer(unit["organizations"], field: "\(field).organizations", required: organizationWeight.numerator > 0) ?? 0,
                minimum: try JSONInput.integer(unit["minimum"], field: "\(field).minimum", required: false) ?? 0,
                fixed: fixed, reason: reason))
        }
        return ApportionmentRequest(seats: seats, method: method, base: base, memberWeight: memberWeight,
                                    organizationWeight: organizationWeight, units: units)
    }
}

extension ApportionmentResult {
    /// A Chinese 名额分配 table.
    public func text(names: [String: String]) -> String {
        var lines = ["名额分配", String(repeating: "=", count: 30), "单位　　　　　　　名额　　份额"]
        for a in allocation {
            let name = names[a.id].flatMap { $0.isEmpty ? nil : $0 } ?? a.id
            lines.append(name + String(repeating: "　", count: max(0, 9 - name.count)) + String(format: "%4d　%8.3f", a.seats, a.quota)
                         + (a.reason.map { "　固定名额，理由：\($0)" } ?? ""))
        }
        lines.append("合计　　　　　　　" + String(format: "%4d", allocation.reduce(0) { $0 + $1.seats }))
        for tie in ties {
            lines.append("并列：\(tie.units.joined(separator: "、")) 争最后\(tie.seats)个名额，需人工决定（已分配的不含这\(tie.seats)个）")
        }
        return lines.joined(separator: "\n")
    }
}
