import Foundation
import Documents

/// The composition category the roster puts a person in (RULES §10, the seed's definitions):
/// 领导干部 as the roster says; 专业技术人员 only with a mid-level or higher professional title;
/// 先进模范人物 only with an honour from county level up; any other roster category as it is.
/// Nominees and the elected delegates are counted by the same rule.
public enum CompositionCategory {
    public static let leader = "领导干部", professional = "专业技术人员", model = "先进模范人物"
    static let seniorTitles: Set<String> = ["中级", "副高", "副高级", "正高", "正高级"]
    static let countyOrAbove: Set<String> = ["县级", "县处级", "市级", "地市级", "省级", "省部级", "部级", "国家级", "全国"]

    /// The category and what it rests on.
    public static func derived(_ record: RosterRecord) -> (category: String, basis: String) {
        if record.category == leader { return (leader, "名册") }
        if seniorTitles.contains(record.titleLevel) { return (professional, "职称：\(record.title)（\(record.titleLevel)）") }
        if let honour = record.honours.first(where: { countyOrAbove.contains($0.level) }) {
            return (model, "荣誉：\(honour.name)（\(honour.level)，\(honour.year)）")
        }
        if record.category == professional { return ("", "名册填「专业技术人员」，但没有中级以上职称") }
        if record.category == model { return ("", "名册填「先进模范人物」，但没有县级以上荣誉") }
        return (record.category, "名册")
    }
}
