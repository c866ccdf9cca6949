import Foundation
import Testing
import Core
import Persistence
import Audit
import Documents
import Elections
import Nominations

/// The candidate process cannot be walked around (issue #20 item 6): a move of one person runs
/// the checks a list's move runs (quota, margin, mandatory composition), vetting is complete —
/// six departments, 政法 among them — before 研究审议, 公示 has its dates and the list goes on
/// only after them, and after 公示 only the department withdraws. Each was let through before.
@Suite struct StageRuleTests {
    @Test func onePersonAtATimeMeetsTheListsRules() async throws {
        // With the seed's targets: an all-male, over-50 person moved alone is refused, as the list would be.
        let targets = try await NominationTests.city()
        let man = try #require(try await NominationTests.members(targets, targets.wulingScope) { $0.gender = "男"; $0.minAge = 51 }.first)
        let alone = try await Nominations.nominate(man.id, in: targets.election.id, supportOrganizations: 2, supportMembers: 20, actor: "w",
                                                   scope: targets.wulingScope, in: targets.data)
        #expect(await refused("nomination.list.mandatoryUnmet") {
            try await Nominations.move(alone.id, to: .preliminary, actor: "w", scope: targets.wulingScope, in: targets.data)
        })
        // Without targets: the quota still holds person by person.
        let city = try await NominationTests.city(composition: false)
        let places = try #require(try await city.data.elections.quotas(of: city.election.id).first { $0.organizationID == city.wuling.id }?.places)
        let people = try await NominationTests.members(city, city.wulingScope) { $0.maxAge = 50 }
        try #require(people.count > places)
        var ids: [CandidacyID] = []
        for person in people.prefix(places + 1) {
            ids.append(try await Nominations.nominate(person.id, in: city.election.id, supportOrganizations: 3, supportMembers: 30, actor: "w",
                                                      scope: city.wulingScope, in: city.data).id)
        }
        for id in ids.prefix(places) { try await Nominations.move(id, to: .preliminary, actor: "w", scope: city.wulingScope, in: city.data) }
        #expect(await refused("nomination.list.overQuota") {
            try await Nominations.move(ids[places], to: .preliminary, actor: "w", scope: city.wulingScope, in: city.data)
        })
        let list = Array(ids.prefix(places))
        for id in list { try await Nominations.move(id, to: .inspection, actor: "d", scope: .city, in: city.data) }
        // 研究审议 needs all six departments: five of them (no 政法) are not enough.
        for department in VettingDepartment.required where department != .politicalLegal {
            try await Vetting.record(list[0], department: department, verdict: .clear, opinion: "经查，未发现问题", date: "2026-08-26", actor: "d",
                                     scope: .city, in: city.data)
        }
        do {
            try await Nominations.move(list[0], to: .deliberation, actor: "d", scope: .city, in: city.data)
            Issue.record("研究审议 without 政法's opinion")
        } catch let refusal as Refusal {
            #expect(refusal.code == "nomination.vetting.incomplete" && refusal.message.contains("政法"))
        }
        for id in list {
            for department in VettingDepartment.required where id != list[0] || department == .politicalLegal {
                try await Vetting.record(id, department: department, verdict: .clear, opinion: "经查，未发现问题", date: "2026-08-27", actor: "d",
                                         scope: .city, in: city.data)
            }
        }
        try await Nominations.move(list[0], to: .deliberation, actor: "d", scope: .city, in: city.data)
        _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .deliberation, actor: "d", scope: .city, in: city.data)
        // From 预备人选 on, the list is never shorter than the places (they hold the margin): one person alone is refused.
        #expect(await refused("nomination.list.belowMargin") {
            try await Nominations.move(list[0], to: .proposed, actor: "d", scope: .city, in: city.data)
        })
        _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .proposed, actor: "d", scope: .city, in: city.data)
        // 公示 from Thursday 27 August: five working days end on Wednesday 2 September.
        let thursday = try #require(CalendarDate(text: "2026-08-27"))
        let notice = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .publicized, actor: "d", scope: .city,
                                                    today: thursday,
                                                    in: city.data)
        #expect(notice.moved.allSatisfy { $0.noticeFrom == "2026-08-27" && $0.noticeUntil == "2026-09-02" })
        #expect(try await city.data.audit.newest()?.after.contains("（公示 2026-08-27 至 2026-09-02）") == true)
        #expect(await refused("nomination.notice.notEnded") {
            _ = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .reported, actor: "d", scope: .city,
                                               today: try #require(CalendarDate(text: "2026-09-02")), in: city.data)
        })
        // After 公示 a unit cannot withdraw its candidate; the department can, with a reason.
        #expect(await refused("nomination.withdraw.departmentOnly") {
            try await Nominations.move(list[1], to: .withdrawn, reason: "本人申请退出", actor: "w", scope: city.wulingScope, in: city.data)
        })
        let reported = try await Nominations.moveList(of: city.wuling.id, in: city.election.id, to: .reported, actor: "d", scope: .city,
                                                      today: try #require(CalendarDate(text: "2026-09-03")), in: city.data)
        #expect(reported.moved.count == places && reported.moved.allSatisfy { $0.stage == .reported })
        let out = try await Nominations.move(list[1], to: .withdrawn, reason: "本人申请退出，经组织部同意", actor: "d", scope: .city, in: city.data)
        #expect(out.stage == .withdrawn)
    }

    /// Working days against Python's calendar (hand-copied `date.isoweekday()` values).
    @Test func weekdaysAndWorkingDays() throws {
        for (text, weekday) in [("2026-08-27", 4), ("2026-08-29", 6), ("2026-09-02", 3), ("1970-01-01", 4), ("2000-02-29", 2)] {
            #expect(try #require(CalendarDate(text: text)).weekday == weekday, "\(text)")
        }
        let saturday = try #require(CalendarDate(text: "2026-08-29"))
        let span = saturday.workingDays(5)
        #expect(span.first.description == "2026-08-31" && span.last.description == "2026-09-04")
        #expect(try #require(CalendarDate(dayNumber: saturday.dayNumber)) == saturday)
    }
}
