import Foundation
import Testing
import Core
import Persistence
import Audit
import Demo
import Elections
import Nominations
import ElectionDocuments
import NameOrder
import Documents
import PopplerSupport

/// The candidate process's documents and the units' participation reports, on the demo city in
/// memory. The PDFs are read back with poppler's pdftotext where it is installed (the test
/// command installs it); without it those checks are reported as skipped.
@Suite struct DocumentTests {
    static let pdftotext = Poppler.installed()

    static func text(of pdf: Data) throws -> String { try Poppler.text(pdf, layout: true) }

    static func unit(_ key: String, _ generator: DemoGenerator) -> OrganizationID { OrganizationID(generator.unitIDs[key]!) }

    @Test func participationShareCountsExactlyNinetyFivePercentAsMet() async throws {
        #expect(Participation.meetsTarget(Ratio(95, 100)))
        #expect(Participation.meetsTarget(Ratio(19, 20)))
        #expect(!Participation.meetsTarget(Ratio(949, 1000)))
        #expect(Participation.meetsTarget(Ratio(1, 1)))
        #expect(DocumentWording.percent(9496, of: 10000) == "94.9%")   // cut, not rounded up to a share that would pass
        #expect(DocumentWording.percent(19, of: 20) == "95.0%")
        #expect(DocumentWording.percent(1, of: 0) == "—")
    }

    @Test func unitsReportParticipationWithinTheirGrassrootsAndOnlyForThemselves() async throws {
        let (data, generator, counts) = try await demoCityWithNominations()
        #expect(counts.participationReported == 9 && counts.belowShare == ["中共石门县委员会"])
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        let anxiang = Self.unit("anxiang", generator), dingcheng = Self.unit("dingcheng", generator)
        let row = try #require(try await Participation.units(election.id, scope: .city, in: data).first { $0.unitID == anxiang })
        #expect(row.report == nil && row.grassroots > 0 && row.share == nil)
        let anxiangScope = Scope.subtree(path: try #require(try await data.organizations.find(anxiang)).path)
        #expect(await refused("participation.organizations.outOfRange") {
            try await Participation.record(unit: anxiang, in: election.id, organizations: row.grassroots + 1, members: 10, actor: "ax", scope: anxiangScope, in: data)
        })
        #expect(await refused("participation.members.outOfRange") {
            try await Participation.record(unit: anxiang, in: election.id, organizations: 1, members: row.memberCount + 1, actor: "ax", scope: anxiangScope, in: data)
        })
        #expect(await refused("participation.unit.unknown") {
            try await Participation.record(unit: dingcheng, in: election.id, organizations: 1, members: 1, actor: "ax", scope: anxiangScope, in: data)
        })
        // Exactly 95% (or the nearest count at or above it) meets the target.
        let needed = (row.grassroots * 95 + 99) / 100
        try await Participation.record(unit: anxiang, in: election.id, organizations: needed, members: 100, actor: "ax", scope: anxiangScope, in: data)
        let after = try #require(try await Participation.units(election.id, scope: anxiangScope, in: data).first)
        #expect(after.unitID == anxiang && after.report?.organizations == needed && after.meetsTarget == true)
        try await Participation.record(unit: anxiang, in: election.id, organizations: needed - 1, members: 100, actor: "ax", scope: anxiangScope, in: data)
        #expect(try await Participation.units(election.id, scope: anxiangScope, in: data).first?.meetsTarget == false)
        let audit = try await data.audit.newest(offset: 0, limit: 1)
        #expect(audit.first?.action == AuditAction.participationRecorded.rawValue && audit.first?.before.contains("\(needed) 个组织") == true)
        #expect(try await Participation.units(election.id, scope: anxiangScope, in: data).count == 1)   // a unit sees its own row only
    }

    @Test func noticeListsTheDecidedCandidatesInStrokeOrderAndIsRefusedBeforeThereAreAny() async throws {
        let (data, generator, _) = try await demoCityWithNominations()
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        #expect(await refused("document.empty") {
            _ = try await ElectionDocuments.issue(.notice, .pdf, election: election.id, unit: nil, showIDNumbers: false, actor: "dept", scope: .city, in: data)
        })
        for key in ["wuling", "dingcheng"] {
            for stage in [NominationStage.inspection, .deliberation, .proposed] {
                if stage == .deliberation { try await vetCompletely(Self.unit(key, generator), in: election.id, data: data) }
                _ = try await Nominations.moveList(of: Self.unit(key, generator), in: election.id, to: stage, actor: "dept", scope: .city, in: data)
            }
        }
        let content = try await ElectionDocuments.content(.notice, election: election.id, unit: nil, showIDNumbers: false, scope: .city, in: data)
        let names = content.people.map(\.name)
        #expect(names.count == 8)   // 武陵区 3 and 鼎城区 5
        #expect(names == NameOrder(convention: election.nameOrder).sorted(names))
        let document = try await ElectionDocuments.issue(.notice, .pdf, election: election.id, unit: nil, showIDNumbers: false, actor: "dept", scope: .city, in: data)
        #expect(document.bytes.starts(with: Data("%PDF-".utf8)))
        let audit = try #require(try await data.audit.newest(offset: 0, limit: 1).first)
        #expect(audit.action == AuditAction.documentIssued.rawValue && audit.actor == "dept" && audit.after.contains("公示.pdf：8 名"))
        // The same content gives the same bytes.
        #expect(try ElectionDocuments.render(.notice, .pdf, content) == document.bytes)
        if Self.pdftotext {
            let text = try Self.text(of: document.bytes)
            let positions = names.map { name in text.range(of: "\(name)，")?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil })
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        }
    }

    /// 公示 states its stored first and last day (RULES §12: five working days by default, a
    /// setting), not a fixed sentence: the length alone before any list reached 公示, the one
    /// period when all listed share it, each person's own when units began on different days.
    @Test(.enabled(if: DocumentTests.pdftotext, "poppler-utils (pdftotext) is not installed: skipped"))
    func theNoticeStatesTheStoredDaysOfItsPeriod() async throws {
        let (data, generator, _) = try await demoCityWithNominations()
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        for key in ["wuling", "dingcheng"] {
            for stage in [NominationStage.inspection, .deliberation, .proposed] {
                if stage == .deliberation { try await vetCompletely(Self.unit(key, generator), in: election.id, data: data) }
                _ = try await Nominations.moveList(of: Self.unit(key, generator), in: election.id, to: stage, actor: "dept", scope: .city, in: data)
            }
        }
        func notice(_ unit: String?) async throws -> String {
            let document = try await ElectionDocuments.issue(.notice, .pdf, election: election.id, unit: unit.map { Self.unit($0, generator) },
                                                             showIDNumbers: false, actor: "dept", scope: .city, in: data)
            // Lines joined: the sentence may wrap.
            return try Poppler.text(document.bytes, layout: false).replacingOccurrences(of: "\n", with: "")
        }
        let before = try await notice(nil)
        #expect(before.contains("公示时间为5个工作日。公示期间"))
        #expect(!before.contains("公示期："))
        // 武陵区 enters 公示 on Saturday 2026-12-05: Monday 7th to Friday 11th. 鼎城区 on Wednesday 9th: 9th to 15th.
        _ = try await Nominations.moveList(of: Self.unit("wuling", generator), in: election.id, to: .publicized, actor: "dept", scope: .city,
                                           today: CalendarDate(year: 2026, month: 12, day: 5)!, in: data)
        let wuling = try await notice("wuling")
        #expect(wuling.contains("公示时间为2026年12月7日至2026年12月11日（5个工作日）。"))
        #expect(wuling.contains("组织部2026年12月7日"))
        _ = try await Nominations.moveList(of: Self.unit("dingcheng", generator), in: election.id, to: .publicized, actor: "dept", scope: .city,
                                           today: CalendarDate(year: 2026, month: 12, day: 9)!, in: data)
        let both = try await notice(nil)
        #expect(both.contains("公示时间为5个工作日，各人选的公示起止日期见其简况之后。"))
        let content = try await ElectionDocuments.content(.notice, election: election.id, unit: nil, showIDNumbers: false, scope: .city, in: data)
        #expect(content.people.count == 8)
        for person in content.people {
            let days = person.unit.contains("武陵") ? "2026年12月7日至2026年12月11日" : "2026年12月9日至2026年12月15日"
            let paragraph = try #require(both.range(of: "\(person.name)，"))
            let rest = both[paragraph.upperBound...]
            let own = try #require(rest.range(of: "公示期："))
            #expect(rest[own.upperBound...].hasPrefix(days), "\(person.name)（\(person.unit)）")
        }
    }

    @Test(.enabled(if: DocumentTests.pdftotext, "poppler-utils (pdftotext) is not installed: skipped"))
    func aUnitGetsItsOwnDocumentsOnlyWithIDNumbersAsTheAccountMaySee() async throws {
        let (data, generator, _) = try await demoCityWithNominations()
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        let wuling = Self.unit("wuling", generator), dingcheng = Self.unit("dingcheng", generator)
        let wulingScope = Scope.subtree(path: try #require(try await data.organizations.find(wuling)).path)
        #expect(await refused("document.unit.unknown") {
            _ = try await ElectionDocuments.issue(.forms, .pdf, election: election.id, unit: dingcheng, showIDNumbers: false, actor: "wl", scope: wulingScope, in: data)
        })
        let all = try await Nominations.list(election.id, scope: .city, in: data)
        let own = all.filter { $0.candidacy.unitID == wuling && $0.candidacy.stage == .preliminary }
        let others = all.filter { $0.candidacy.unitID != wuling }
        let forms = try await ElectionDocuments.issue(.forms, .pdf, election: election.id, unit: nil, showIDNumbers: false, actor: "wl", scope: wulingScope, in: data)
        let text = try Self.text(of: forms.bytes)
        #expect(text.components(separatedBy: "候选人初步人选登记表").count - 1 == own.count)   // one page per person
        for entry in own {
            #expect(text.contains(entry.member.record.name))
            #expect(!text.contains(entry.member.record.idNumber) && text.contains(IDNumber.masked(entry.member.record.idNumber)))
        }
        #expect(others.allSatisfy { !text.contains($0.member.record.idNumber) })
        #expect(others.allSatisfy { !text.contains($0.unitName) })   // every page says 推荐单位：武陵区's committee, no other unit's
        let full = try await ElectionDocuments.issue(.register, .pdf, election: election.id, unit: wuling, showIDNumbers: true, actor: "dept", scope: .city, in: data)
        #expect(try Self.text(of: full.bytes).contains("候选人初步人选名册"))
        let sheet = try await ElectionDocuments.issue(.register, .xlsx, election: election.id, unit: wuling, showIDNumbers: true, actor: "dept", scope: .city, in: data)
        let rows = try XLSXWorkbook(data: sheet.bytes, file: sheet.filename).sheet(at: 0).rows.map { row in
            row.cells.map { cell -> String in if case .text(let t) = cell { return t }; if case .number(let n) = cell { return n }; return "" }
        }
        #expect(rows.count == own.count + 1 && rows.dropFirst().allSatisfy { row in own.contains { row.contains($0.member.record.idNumber) } })
    }

    @Test(.enabled(if: DocumentTests.pdftotext, "poppler-utils (pdftotext) is not installed: skipped"))
    func theReportGivesEachUnitsParticipationAndComposition() async throws {
        let (data, generator, _) = try await demoCityWithNominations()
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        let rows = try await Participation.units(election.id, scope: .city, in: data)
        let shimen = try #require(rows.first { $0.unitID == Self.unit("shimen", generator) })
        let report = try await ElectionDocuments.issue(.report, .pdf, election: election.id, unit: shimen.unitID, showIDNumbers: false, actor: "dept", scope: .city, in: data)
        let text = try Self.text(of: report.bytes).replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
        let share = DocumentWording.percent(shimen.report!.organizations, of: shimen.grassroots)
        #expect(text.contains("本单位共有基层党组织\(shimen.grassroots)个，参与推荐的\(shimen.report!.organizations)个，占\(share)"))
        #expect(text.contains("未达到"))
        let city = try Self.text(of: try await ElectionDocuments.issue(.report, .pdf, election: election.id, unit: nil, showIDNumbers: false, actor: "dept",
                                                                      scope: .city, in: data).bytes)
        #expect(city.contains("酝酿产生情况汇总") && city.contains("未填报"))   // 安乡县 has not reported
        // 津市市's list misses the women requirement: its report says so.
        let jinshi = try Self.text(of: try await ElectionDocuments.issue(.report, .pdf, election: election.id, unit: Self.unit("jinshi", generator),
                                                                        showIDNumbers: false, actor: "dept", scope: .city, in: data).bytes)
        #expect(jinshi.contains("不符合") && jinshi.contains("尚未确定初步人选"))
    }

    @Test func aNameTheFontsCannotDrawRefusesTheDocumentNamingThePerson() async throws {
        let (data, generator, _) = try await demoCityWithNominations()
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.cityID })
        let entry = try #require(try await Nominations.list(election.id, scope: .city, in: data).first { $0.candidacy.stage == .preliminary })
        var member = entry.member
        member.record.name = entry.member.record.name + "\u{E000}"
        try await data.members.update(member)
        do {
            _ = try await ElectionDocuments.issue(.forms, .pdf, election: election.id, unit: nil, showIDNumbers: false, actor: "dept", scope: .city, in: data)
            Issue.record("a name with a private-use character was drawn")
        } catch let refusal as Refusal {
            #expect(refusal.code == "pdf.glyph.missing" && refusal.message.contains(member.record.name) && refusal.message.contains("U+E000"))
        }
    }

    @Test func documentNamesAreParsedStrictly() throws {
        #expect(try ElectionDocuments.parse("register.xlsx") == (.register, .xlsx))
        #expect(try ElectionDocuments.parse("forms.pdf") == (.forms, .pdf))
        for bad in ["forms.xlsx", "notice", "notice.pdf.pdf", "../notice.pdf", "NOTICE.PDF", ""] {
            #expect(throws: Refusal.self) { try ElectionDocuments.parse(bad) }
        }
    }
}
