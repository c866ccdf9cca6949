import Foundation
import ElectionRules

/// Composition targets the seed's city received for the provincial congress (speech 3):
/// women ≥ 20%, minorities ≥ 11%, aged 50 and under ≥ 60% (mandatory); aged 35 and under ≈ 5%,
/// leading cadres ≈ 68%, professionals ≈ 20%, model workers ≈ 12% (guidance).
public enum CompositionPresets {
    public static let provincialCongressJSON = """
    [{"id":"women","label":"妇女","where":{"gender":"女"},"min":0.20,"level":"mandatory"},
     {"id":"minority","label":"少数民族","where":{"ethnicity":{"not":"汉族"}},"min":0.11,"level":"mandatory"},
     {"id":"age50","label":"50岁以下","where":{"ageAtMost":50},"min":0.60,"level":"mandatory"},
     {"id":"age35","label":"35岁以下（含35岁）","where":{"ageAtMost":35},"approx":0.05,"tolerance":1,"level":"guidance"},
     {"id":"cadre","label":"各级领导干部","where":{"category":"领导干部"},"approx":0.68,"tolerance":1,"level":"guidance"},
     {"id":"professional","label":"专业技术人员","where":{"category":"专业技术人员"},"approx":0.20,"tolerance":1,"level":"guidance"},
     {"id":"model","label":"先进模范人物","where":{"category":"先进模范人物"},"approx":0.12,"tolerance":1,"level":"guidance"}]
    """

    public static var provincialCongress: [Requirement] {
        let list = try! JSONSerialization.jsonObject(with: Data(provincialCongressJSON.utf8)) as! [Any]
        return list.enumerated().map { try! SlateInput.requirement($0.element, field: "preset[\($0.offset)]") }
    }
}
