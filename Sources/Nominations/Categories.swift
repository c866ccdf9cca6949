import Foundation
import Core
import Persistence
import Audit
import Documents
import Elections

/// The composition category a nominee counts in (RULES §10): `CompositionCategory`'s rule, with
/// the department's hand-set category, and its reason, where there is one.
public enum Categories {
    public static let leader = CompositionCategory.leader, professional = CompositionCategory.professional
    public static let model = CompositionCategory.model

    /// The category and what it rests on.
    public static func effective(_ record: RosterRecord, candidacy: CandidacyRecord) -> (category: String, basis: String) {
        if !candidacy.categoryOverride.isEmpty { return (candidacy.categoryOverride, "人工调整：\(candidacy.categoryReason)") }
        return CompositionCategory.derived(record)
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
