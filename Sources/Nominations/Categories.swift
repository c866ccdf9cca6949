import Foundation
import Core
import Persistence
import Audit
import Documents

/// The composition category a nominee counts in (RULES §10, the seed's definitions): 领导干部
/// as the roster says; 专业技术人员 only with a mid-level or higher professional title; 先进模范人物
/// only with an honour from county level up; any other roster category as it is. The department
/// may set a category by hand, with its reason, and that is what counts then.
public enum Categories {
    public static let leader = "领导干部", professional = "专业技术人员", model = "先进模范人物"
    static let seniorTitles: Set<String> = ["中级", "副高", "副高级", "正高", "正高级"]
    static let countyOrAbove: Set<String> = ["县级", "县处级", "市级", "地市级", "省级", "省部级", "部级", "国家级", "全国"]

    /// The category and what it rests on.
    public static func effective(_ record: RosterRecord, candidacy: CandidacyRecord) -> (category: String, basis: String) {
        if !candidacy.categoryOverride.isEmpty { return (candidacy.categoryOverride, "人工调整：\(candidacy.categoryReason)") }
        if record.category == leader { return (leader, "名册") }
        if seniorTitles.contains(record.titleLevel) { return (professional, "职称：\(record.title)（\(record.titleLevel)）") }
        if let honour = record.honours.first(where: { countyOrAbove.contains($0.level) }) {
            return (model, "荣誉：\(honour.name)（\(honour.level)，\(honour.year)）")
        }
        if record.category == professional { return ("", "名册填「专业技术人员」，但没有中级以上职称") }
        if record.category == model { return ("", "名册填「先进模范人物」，但没有县级以上荣誉") }
        return (record.category, "名册")
    }

    public static let choices = [leader, professional, model, "一线工人", "农民", "企业管理人员", "机关工作人员", "离退休人员"]

    /// Sets (or with an empty category, clears) the category by hand; the department only, with a reason.
    @discardableResult
    public static func set(_ candidacyID: CandidacyID, to category: String, reason: String, actor: String, scope: Scope,
                           in data: any DataStore) async throws -> CandidacyRecord {
        guard scope == .city else { throw Refusal.forbidden("category.departmentOnly", "人选类别由组织部调整") }
        let text = try HumanText.screened(reason, field: "reason", label: "理由", multiline: true)
        // Read and written in one transaction: only the category changes, whatever moved the stage meanwhile.
        return try await data.write { data in
            guard var candidacy = try await data.candidacies.find(candidacyID), let entry = try await Nominations.visible(candidacy,
                scope: scope, in: data) else {
                throw Refusal.notFound("nomination.notFound", "没有这名人选")
            }
            guard category.isEmpty || choices.contains(category) else {
                throw Refusal.invalid("category.unknown", "类别应为\(choices.joined(separator: "、"))之一", field: "category")
            }
            guard category.isEmpty || (2...200).contains(text.count) else {
                throw Refusal.invalid("category.reasonMissing", "调整类别须写明理由（2至200字）", field: "reason")
            }
            let before = effective(entry.member.record, candidacy: candidacy)
            candidacy.categoryOverride = category
            candidacy.categoryReason = category.isEmpty ? "" : text
            let after = effective(entry.member.record, candidacy: candidacy)
            try await data.candidacies.update(candidacy)
            try await AuditLog.append(.candidateCategorySet, actor: actor, object: "candidate:\(candidacyID)（\(entry.member.record.name)）",
                                      before: "\(before.category)（\(before.basis)）", after: "\(after.category)（\(after.basis)）", in: data)
            return candidacy
        }
    }
}
