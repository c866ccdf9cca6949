import Foundation
import Testing
import Core
import Persistence
import Documents
import Nominations

/// The categories composition counts (the seed's definitions) and the department's manual setting.
@Suite struct CategoryTests {
    static func record(category: String, title: String = "", level: String = "", honours: [RosterRecord.Honour] = []) -> RosterRecord {
        var r = RosterRecord()
        r.category = category; r.title = title; r.titleLevel = level; r.honours = honours
        return r
    }

    static let candidacy = CandidacyRecord(electionID: ElectionID(UUID()), memberID: MemberID(UUID()), unitID: OrganizationID(UUID()),
                                           supportOrganizations: 0, supportMembers: 0, nominatedBy: "t", nominatedAt: "t")

    @Test(arguments: [
        (record(category: "领导干部"), "领导干部"),
        (record(category: "专业技术人员", title: "工程师", level: "中级"), "专业技术人员"),
        (record(category: "机关工作人员", title: "高级工程师", level: "副高"), "专业技术人员"),      // the title decides, not the roster's word
        (record(category: "专业技术人员", title: "助理工程师", level: "初级"), ""),                  // below mid-level: not counted
        (record(category: "一线工人", honours: [.init(name: "县优秀党务工作者", level: "县级", year: 2020)]), "先进模范人物"),
        (record(category: "先进模范人物", honours: [.init(name: "镇先进个人", level: "乡镇级", year: 2020)]), ""),  // below county level
        (record(category: "农民"), "农民"),
    ])
    func theSeedsDefinitionsDecide(_ record: RosterRecord, _ expected: String) {
        #expect(Categories.effective(record, candidacy: Self.candidacy).category == expected)
    }

    @Test func theDepartmentSetsACategoryWithItsReason() async throws {
        let city = try await NominationTests.city()
        let person = try #require(try await NominationTests.members(city, city.wulingScope) { $0.category = "农民" }.first)
        let c = try await Nominations.nominate(person.id, in: city.election.id, supportOrganizations: 1, supportMembers: 5, actor: "w",
                                               scope: city.wulingScope, in: city.data)
        #expect(await refused("category.departmentOnly") { try await Categories.set(c.id, to: "先进模范人物", reason: "省级劳模", actor: "w", scope: city.wulingScope, in: city.data) })
        #expect(await refused("category.reasonMissing") { try await Categories.set(c.id, to: "先进模范人物", reason: "", actor: "d", scope: .city, in: city.data) })
        #expect(await refused("category.unknown") { try await Categories.set(c.id, to: "神仙", reason: "理由", actor: "d", scope: .city, in: city.data) })
        let set = try await Categories.set(c.id, to: "先进模范人物", reason: "2025年获评省劳动模范，名册未更新", actor: "d", scope: .city, in: city.data)
        let effective = Categories.effective(person.record, candidacy: set)
        #expect(effective.category == "先进模范人物" && effective.basis == "人工调整：2025年获评省劳动模范，名册未更新")
        #expect(try await city.data.audit.newest()?.action == "candidate.category")
        // The composition counts the set category.
        let reports = try await Nominations.composition(city.election.id, scope: .city, in: city.data)
        #expect(reports.first { $0.id == "model" && $0.unit == nil }?.actual == 1)
        // Cleared, it is the roster's again.
        let cleared = try await Categories.set(c.id, to: "", reason: "", actor: "d", scope: .city, in: city.data)
        #expect(Categories.effective(person.record, candidacy: cleared).category == "农民")
    }
}
