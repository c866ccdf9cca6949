import Foundation
import Testing
import Core
import Persistence
import Audit
import Elections
import Nominations

/// Vetting records: who records which opinion, when, with what files; every view audited; a
/// unit never sees another unit's record.
@Suite struct VettingTests {

    @Test func opinionsAreRecordedByTheRightHandsAndEveryViewIsAudited() async throws {
        let city = try await NominationTests.city(composition: false)
        let person = try #require(try await NominationTests.members(city, city.wulingScope) { $0.maxAge = 50 }.first)
        let c = try await Nominations.nominate(person.id, in: city.election.id, supportOrganizations: 4, supportMembers: 60, actor: "wuling",
                                               scope: city.wulingScope, in: city.data)
        // Not yet a preliminary candidate: no inspection.
        #expect(await refused("vetting.stage") {
            try await Vetting.record(c.id, department: .unit, verdict: .clear, opinion: "表现良好", date: "2026-08-20", actor: "w", scope: city.wulingScope, in: city.data)
        })
        try await Nominations.move(c.id, to: .preliminary, actor: "wuling", scope: city.wulingScope, in: city.data)
        // The unit records its own opinion; the departments' are the city's to record.
        try await Vetting.record(c.id, department: .unit, verdict: .clear, opinion: "工作实绩突出，群众基础好", date: "2026-08-26",
                                 actor: "wuling", scope: city.wulingScope, in: city.data)
        #expect(await refused("vetting.departmentOnly") {
            try await Vetting.record(c.id, department: .discipline, verdict: .clear, opinion: "无", date: "2026-08-26", actor: "w", scope: city.wulingScope, in: city.data)
        })
        let letter = Data("纪委函复：未发现违纪问题。".utf8)
        let opinion = try await Vetting.record(c.id, department: .discipline, verdict: .clear, opinion: "经查，未发现违纪违法问题",
                                               date: "2026-08-28", attachments: [.init(name: "纪委函复.pdf", content: letter)],
                                               actor: "dept", scope: .city, in: city.data)
        #expect(opinion.attachments.count == 1 && opinion.attachments[0].size == letter.count)
        #expect(await refused("vetting.date.invalid") {
            try await Vetting.record(c.id, department: .audit, verdict: .clear, opinion: "无问题", date: "2026-02-30", actor: "d", scope: .city, in: city.data)
        })
        #expect(await refused("vetting.attachment.size") {
            try await Vetting.record(c.id, department: .audit, verdict: .clear, opinion: "无问题", date: "2026-08-28",
                                     attachments: [.init(name: "空.pdf", content: Data())], actor: "d", scope: .city, in: city.data)
        })
        // Viewing: the city and the unit; each view is one audit row; 鼎城区 finds nothing.
        let before = try await city.data.audit.count()
        let record = try await Vetting.view(c.id, actor: "dept", scope: .city, in: city.data)
        #expect(record.opinions.map(\.department) == [.unit, .discipline])
        #expect(record.missing == [.supervision, .familyPlanning, .politicalLegal, .audit, .petitions])
        #expect(try await city.data.audit.count() == before + 1)
        #expect(try await city.data.audit.newest()?.action == "vetting.viewed")
        _ = try await Vetting.view(c.id, actor: "wuling", scope: city.wulingScope, in: city.data)
        #expect(await refused("nomination.notFound") { _ = try await Vetting.view(c.id, actor: "dc", scope: city.dingchengScope, in: city.data) })
        let file = try await Vetting.attachment(opinion.attachments[0].id, actor: "wuling", scope: city.wulingScope, in: city.data)
        #expect(file.content == letter && file.name == "纪委函复.pdf")
        #expect(await refused("vetting.attachment.notFound") {
            _ = try await Vetting.attachment(opinion.attachments[0].id, actor: "dc", scope: city.dingchengScope, in: city.data)
        })
        #expect(try await AuditLog.verify(in: city.data).firstBroken == nil)
    }
}
