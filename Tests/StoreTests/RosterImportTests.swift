import Foundation
import Testing
import FluentKit
import SQLKit
import Core
import Persistence
import Audit
import Organizations
@testable import Roster
import Accounts
import Demo
import FluentKit
import SQLKit
import Documents
import NameOrder

private let today = CalendarDate(year: 2026, month: 11, day: 29)!

private func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)"))
}

/// `count` members in one organization with valid, distinct ID numbers (region 110105, none of
/// which the demo issues).
private func syntheticRecords(_ count: Int, organization: String) -> [RosterRecord] {
    (0..<count).map { i in
        let birth = CalendarDate(excelSerial: Double(25_000 + i % 9_000))!
        let first17 = "110105" + birth.description.replacingOccurrences(of: "-", with: "") + String(format: "%03d", 100 + i / 9_000 * 2 + 1)
        var r = RosterRecord()
        r.name = "测试\(i)"; r.gender = "男"; r.ethnicity = "汉族"
        r.idNumber = first17 + String(IDNumber.checkCharacter(for: first17))
        r.birthDate = birth.description; r.joinDate = "\(birth.year + 20)-07-01"; r.status = "正式党员"; r.organization = organization
        return r
    }
}

extension Backend {
    /// A fresh store holding the demo tree and `members` demo members.
    func withDemo(members: Int, _ body: (any Database, DemoGenerator) async throws -> Void) async throws {
        try await withStore { store in
            let generator = DemoGenerator(memberCount: members)
            _ = try await DemoLoader.load(generator, into: store.data)
            try await body(store.database, generator)
        }
    }
}

/// What must not change when an import is refused: every member row and the audit log.
private func fingerprint(_ db: any Database) async throws -> String {
    let members = try await Member.query(on: db).sort(\.$idNumber).all().map { "\($0.idNumber)|\($0.name)|\($0.organizationID)" }
    let audit = try await AuditEntry.query(on: db).count()
    return RosterImporter.sha256(Data(members.joined(separator: "\n").utf8)) + "/\(members.count)/\(audit)"
}

extension DatabaseSuites {
@Suite struct RosterImportTests {
    @Test(arguments: Backend.available)
    func brokenFilesChangeNothing(backend: Backend) async throws {
        try await backend.withDemo(members: 300) { db, _ in
            let before = try await fingerprint(db)

            var big = syntheticRecords(10_000, organization: "中共武陵区委员会")
            big[9_874].idNumber = "11010519800101123X"          // file row 9,876 (heading is row 1)
            let cases: [(String, Data, String)] = [
                ("truncated.xlsx", try fixture("roster-openpyxl.xlsx").prefix(3_000), "XLSX 文件不完整或已损坏"),
                ("roster-wrong-sheet.xlsx", try fixture("roster-wrong-sheet.xlsx"), "请把名册放在名为「党员名册」的工作表中"),
                ("roster-merged-heading-cells.xlsx", try fixture("roster-merged-heading-cells.xlsx"), "表头有合并单元格（H1:I1）"),
                ("hostile-long-reference.xlsx", try fixture("hostile-long-reference.xlsx"), "单元格引用「AAAAAAAAAAAAAAAAAAAA…」无效"),
                ("hostile-zip-bomb-cells.xlsx", try fixture("hostile-zip-bomb-cells.xlsx"), "压缩比异常"),
                ("roster-formula.xlsx", try fixture("roster-formula.xlsx"), "第3行 「出生日期」列：是公式（=DATE(1992,2,29)）"),
                ("roster-gbk-lost.csv", try fixture("roster-gbk-lost.csv"), "第3行 「姓名」列：含有「?」"),
                ("big.xlsx", try RosterFile.xlsx(big), "big.xlsx 第9876行 「公民身份号码」列：「11010519800101123X」不是有效的居民身份证号：校验位不符"),
            ]
            for (name, data, expected) in cases {
                var message = ""
                do {
                    try await RosterImporter.commit(data, fileName: name, actor: "tester", scope: .city, today: today, in: db.data)
                    message = "imported"
                } catch let refused as RosterImportRefused {
                    message = refused.check.problems.map(\.description).joined(separator: "\n")
                    if name == "big.xlsx" { #expect(refused.check.problems.count == 1 && refused.check.dataRows == 10_000) }
                } catch let error as FileInputError {
                    message = error.description
                }
                #expect(message.contains(expected), "\(name): \(message)")
                #expect(try await fingerprint(db) == before, "\(name) changed the database")
            }
        }
    }

    @Test(arguments: Backend.available)
    func cleanFilesImportAsOneAuditedEvent(backend: Backend) async throws {
        try await backend.withDemo(members: 300) { db, generator in
            let auditBefore = try await AuditEntry.query(on: db).count()
            // GB18030 with 生僻字 (𠈌 needs four bytes) lands with every character intact.
            let data = try fixture("roster-gb18030.csv")
            let check = try await RosterImporter.commit(data, fileName: "roster-gb18030.csv", actor: "tester", scope: .city, today: today, in: db.data)
            #expect(check.memberCount == 3 && check.perOrganization.map(\.count) == [3])
            let names = Set(try await Member.query(on: db).filter(\.$name ~~ ["王龑", "李𠈌", "欧阳堃"]).all().map(\.name))
            #expect(names == ["王龑", "李𠈌", "欧阳堃"])
            let audit = try await AuditEntry.query(on: db).sort(\.$id, .descending).all()
            #expect(audit.count == auditBefore + 1)
            #expect(audit[0].action == AuditAction.membersImported.rawValue)
            #expect(audit[0].after == "文件「roster-gb18030.csv」（SHA-256 \(RosterImporter.sha256(data))），3 行，新增党员 3 名")
            #expect(try await AuditLog.verify(in: db.data).firstBroken == nil)

            // The same people again: each row is named, nothing is written.
            let again = try await fingerprint(db)
            await #expect(throws: RosterImportRefused.self) {
                try await RosterImporter.commit(try fixture("roster-openpyxl.xlsx"), fileName: "again.xlsx", actor: "tester", scope: .city, today: today, in: db.data)
            }
            let recheck = try await RosterImporter.check(try fixture("roster-openpyxl.xlsx"), fileName: "again.xlsx", scope: .city, today: today, in: db.data)
            #expect(recheck.problems.map(\.row) == [2, 3, 4] && recheck.problems.allSatisfy { $0.message.contains("已在党员名册中") })
            #expect(try await fingerprint(db) == again)

            // A unit admin of 鼎城区 cannot import into 武陵区; an unknown organization is named.
            let dingcheng = try #require(try await Organization.find(generator.unitIDs["dingcheng"], on: db))
            var records = syntheticRecords(2, organization: "中共武陵区委员会")
            records[1].organization = "中共不存在的委员会"
            let scoped = try await RosterImporter.check(RosterFile.csv(records), fileName: "s.csv", scope: .subtree(path: dingcheng.path), today: today, in: db.data)
            #expect(scoped.problems.map(\.description) == ["s.csv 第2行 「所在党组织」列：「中共武陵区委员会」不在您的管理范围内"])
            #expect(scoped.problems.map(\.code) == ["roster.organization.outOfScope"])
            #expect(scoped.missingOrganizations.map(\.name) == ["中共不存在的委员会"] && !scoped.isClean)
        }
    }

    /// The 花名册 a unit keeps (title rows, 序号, month dates, 党员类别, 所在党支部 naming two
    /// branches the system lacks, a footer): the preview names the two bad rows by file row and
    /// the missing branches; the corrected file imports with the branches created under 武陵区委,
    /// in one transaction; the GB18030 CSV of the same rows gives the same result.
    @Test(arguments: Backend.available)
    func aRealHuamingceImportsWithItsMissingBranchesCreated(backend: Backend) async throws {
        try await backend.withDemo(members: 300) { db, generator in
            let wuling = try #require(try await Organization.find(generator.unitIDs["wuling"], on: db))
            let branches = ["中共武陵区城东社区第一支部委员会", "中共武陵区城东社区第二支部委员会"]
            for file in ["huamingce-problems.xlsx", "huamingce-problems-gb18030.csv"] {
                let preview = try await RosterImporter.check(try fixture(file), fileName: file, scope: .subtree(path: wuling.path), today: today, in: db.data)
                #expect(preview.problems.map { "\($0.row!)|\($0.column!)|\($0.code)" } == [
                    "8|公民身份号码|roster.idNumber.checksum", "10|公民身份号码|roster.idNumber.duplicate"], "\(file)")
                #expect(preview.missingOrganizations.map(\.name) == branches && preview.missingOrganizations.map(\.rows) == [3, 1], "rows 8 and 10 are not counted")
                #expect(preview.headerRow == 3 && preview.dataRows == 8 && !preview.isClean)
            }
            let before = try await fingerprint(db)
            // Clean rows but no parent chosen: refused, nothing written.
            await #expect(throws: RosterImportRefused.self) {
                try await RosterImporter.commit(try fixture("huamingce.xlsx"), fileName: "h.xlsx", actor: "tester", scope: .subtree(path: wuling.path), today: today, in: db.data)
            }
            #expect(try await fingerprint(db) == before)
            // A 支部 cannot hold 支部.
            let someBranch = try #require(try await Organization.query(on: db).filter(\.$kind == OrganizationKind.branch.rawValue)
                .filter(\.$path =~ wuling.path).first())
            #expect(await refused("organization.branchParent.isBranch") {
                try await RosterImporter.commit(try fixture("huamingce.xlsx"), fileName: "h.xlsx", actor: "tester", scope: .subtree(path: wuling.path),
                                                createUnder: OrganizationID(someBranch.id!), today: today, in: db.data)
            })
            #expect(try await fingerprint(db) == before)

            let imported = try await RosterImporter.commit(try fixture("huamingce.xlsx"), fileName: "huamingce.xlsx", actor: "tester",
                                                           scope: .subtree(path: wuling.path), createUnder: OrganizationID(wuling.id!), today: today, in: db.data)
            #expect(imported.memberCount == 8 && imported.createUnder?.id.uuid == wuling.id)
            for name in branches {
                let branch = try #require(try await Organization.query(on: db).filter(\.$name == name).first())
                #expect(branch.kind == OrganizationKind.branch.rawValue && branch.parentID == wuling.id && branch.path == wuling.path + "\(branch.id!)/")
            }
            let zhang = try #require(try await Member.query(on: db).filter(\.$name == "张建国").first())
            #expect(zhang.birthDate == "1975-03-12" && zhang.joinDate == "1998-07" && zhang.position == "社区书记")
            let audit = try await AuditEntry.query(on: db).sort(\.$id, .descending).limit(3).all()
            #expect(audit[0].action == AuditAction.membersImported.rawValue && audit[0].after.hasSuffix("新增党员 8 名，新建党组织 2 个（中共武陵区城东社区第一支部委员会、中共武陵区城东社区第二支部委员会）"))
            #expect(audit[1].action == AuditAction.organizationCreated.rawValue && audit[2].action == AuditAction.organizationCreated.rawValue)
            #expect(try await AuditLog.verify(in: db.data).firstBroken == nil)

            // The same rows as GB18030 CSV: the same members, now all already on the roster.
            let csv = try await RosterImporter.check(try fixture("huamingce-gb18030.csv"), fileName: "h.csv", scope: .subtree(path: wuling.path), today: today, in: db.data)
            #expect(csv.problems.map(\.row) == [4, 5, 6, 7, 8, 9, 10, 11] && csv.problems.allSatisfy { $0.code == "roster.idNumber.onRoster" })
            // Named by the file's own headings.
            let headed = "序号,姓名,性别,民族,身份证号码,出生年月,入党时间,党员类别,所在支部\n1,张建国,男,汉族,430702197503120016,1975.03,1998.07,正式党员,中共武陵区城东社区第一支部委员会\n"
            let named = try await RosterImporter.check(Data(headed.utf8), fileName: "h.csv", scope: .subtree(path: wuling.path), today: today, in: db.data)
            #expect(named.problems.map { "\($0.column!)|\($0.code)" } == ["身份证号码|roster.idNumber.onRoster"])
            #expect(csv.missingOrganizations.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func organizationsAreCreatedRenamedMovedAndClosed(backend: Backend) async throws {
        try await backend.withDemo(members: 300) { db, generator in
            let wuling = try #require(try await Organization.find(generator.unitIDs["wuling"], on: db))
            let dingcheng = try #require(try await Organization.find(generator.unitIDs["dingcheng"], on: db))
            let committee = try await OrganizationEditor.create(name: "中共武陵区新区委员会", kind: .committee, parentID: OrganizationID(wuling.id!),
                                                                actor: "t", scope: .subtree(path: wuling.path), in: db.data)
            let branch = try await OrganizationEditor.create(name: "中共武陵区新区第一支部委员会", kind: .branch, parentID: committee.id,
                                                             actor: "t", scope: .city, in: db.data)
            #expect(await refused("organization.name.taken") {
                _ = try await OrganizationEditor.create(name: "中共武陵区新区委员会", kind: .branch, parentID: OrganizationID(wuling.id!), actor: "t", scope: .city, in: db.data)
            })
            #expect(await refused("organization.kind.belowParent") {
                _ = try await OrganizationEditor.create(name: "中共某某委员会", kind: .committee, parentID: branch.id, actor: "t", scope: .city, in: db.data)
            })
            // A unit admin cannot reach another unit, nor change their own top organization.
            #expect(await refused("organization.notFound") {
                try await OrganizationEditor.rename(OrganizationID(dingcheng.id!), to: "改名", actor: "t", scope: .subtree(path: wuling.path), in: db.data)
            })
            #expect(await refused("organization.scopeRoot") {
                try await OrganizationEditor.close(OrganizationID(wuling.id!), actor: "t", scope: .subtree(path: wuling.path), in: db.data)
            })
            try await OrganizationEditor.rename(committee.id, to: "中共武陵区高新区委员会", actor: "t", scope: .subtree(path: wuling.path), in: db.data)
            // Moving the committee to 鼎城区 rewrites its branch's path too.
            #expect(await refused("organization.move.intoOwnSubtree") {
                try await OrganizationEditor.move(committee.id, under: branch.id, actor: "t", scope: .city, in: db.data)
            })
            try await OrganizationEditor.move(committee.id, under: OrganizationID(dingcheng.id!), actor: "t", scope: .city, in: db.data)
            let movedBranch = try #require(try await Organization.find(branch.id.uuid, on: db))
            #expect(movedBranch.path == dingcheng.path + "\(committee.id)/\(branch.id)/")
            // Members block closing; an empty subtree closes leaf first.
            try await RosterImporter.commit(RosterFile.csv(syntheticRecords(2, organization: "中共武陵区新区第一支部委员会")),
                                            fileName: "two.csv", actor: "t", scope: .city, today: today, in: db.data)
            #expect(await refused("organization.close.hasMembers") {
                try await OrganizationEditor.close(committee.id, actor: "t", scope: .city, in: db.data)
            })
            try await Member.query(on: db).filter(\.$organizationID == branch.id.uuid).delete()
            #expect(await refused("organization.close.hasOpenChildren") {
                try await OrganizationEditor.close(committee.id, actor: "t", scope: .city, in: db.data)
            })
            try await OrganizationEditor.close(branch.id, actor: "t", scope: .city, in: db.data)
            try await OrganizationEditor.close(committee.id, actor: "t", scope: .city, in: db.data)
            #expect(try await Organization.find(committee.id.uuid, on: db)?.closed == true)
            let actions = try await AuditEntry.query(on: db).filter(\.$actor == "t").sort(\.$id).all().map(\.action)
            #expect(actions == ["organization.created", "organization.created", "organization.renamed", "organization.moved",
                                "members.imported", "organization.closed", "organization.closed"])
        }
    }

    @Test(arguments: Backend.available)
    func memberEditsAreCheckedAndAudited(backend: Backend) async throws {
        try await backend.withDemo(members: 300) { db, generator in
            let members = try await Member.query(on: db).sort(\.$idNumber).range(0..<2).all()
            let organization = try #require(try await Organization.find(members[0].organizationID, on: db))
            var record = try #require(try await MemberDirectory.member(MemberID(members[0].id!), scope: .city, in: db.data)).record
            record.position = "支部书记（新任）"
            record.honours = [.init(name: "市优秀共产党员", level: "市级", year: 2025)]
            #expect(try await MemberEditor.update(MemberID(members[0].id!), to: record, actor: "editor", scope: .city, in: db.data) == nil)
            let entry = try #require(try await AuditEntry.query(on: db).sort(\.$id, .descending).first())
            #expect(entry.action == "member.updated" && entry.actor == "editor")
            #expect(entry.before == "职务：\(members[0].position)；荣誉：")
            #expect(entry.after == "职务：支部书记（新任）；荣誉：市优秀共产党员（市级，2025）")
            // Another member's ID number, and a date that contradicts it: refused, field by field.
            var bad = record
            bad.idNumber = members[1].idNumber
            bad.birthDate = "1900-01-01"
            bad.gender = try #require(IDNumber.gender(members[1].idNumber))
            let problems = try #require(try await MemberEditor.update(MemberID(members[0].id!), to: bad, actor: "editor", scope: .city, in: db.data))
            #expect(problems.map(\.description) == ["表单 「出生日期」列：1900-01-01 与身份证号中的出生日期 \(members[1].birthDate) 不一致",
                                                    "表单 「公民身份号码」列：「\(members[1].idNumber)」已是另一名党员的身份证号"])
            #expect(try await Member.find(members[0].id, on: db)?.idNumber == members[0].idNumber)
            // Out of scope is not found.
            let other = try #require(try await Organization.query(on: db).filter(\.$kind == "区县委").filter(\.$id != generator.unitIDs["wuling"]!)
                .all().first { !organization.path.hasPrefix($0.path) })
            #expect(await refused("member.notFound") {
                _ = try await MemberEditor.update(MemberID(members[0].id!), to: record, actor: "editor", scope: .subtree(path: other.path), in: db.data)
            })
        }
    }

    /// The database returns the roster in 姓氏笔画 order (NameOrder's key, stored), on both backends.
    @Test(arguments: Backend.available)
    func rosterListsInStrokeOrder(backend: Backend) async throws {
        try await backend.withDemo(members: 1_500) { db, _ in
            var search = MemberSearch()
            search.pageSize = 10_000
            let listed = try await MemberDirectory.search(search, scope: .city, in: db.data).members.map(\.record)
            let expected = NameOrder().sorted(listed.sorted { $0.idNumber < $1.idNumber }, by: \.name)
            #expect(listed.count == 1_500)
            #expect(listed.map(\.idNumber) == expected.map(\.idNumber))
            #expect(listed.prefix(3).allSatisfy { $0.name.hasPrefix("丁") || $0.name.hasPrefix("卜") || $0.name.hasPrefix("刁") })
            // Typed text is matched literally on both backends; an ID prefix and a name part find people.
            let data = db.data
            var percent = MemberSearch(); percent.text = "%"
            #expect(try await MemberDirectory.search(percent, scope: .city, in: data).total == 0)
            var byID = MemberSearch(); byID.text = String(listed[7].idNumber.prefix(12))
            #expect(try await MemberDirectory.search(byID, scope: .city, in: data).members.contains { $0.record.idNumber == listed[7].idNumber })
            var byName = MemberSearch(); byName.text = listed[9].name
            #expect(try await MemberDirectory.search(byName, scope: .city, in: data).members.contains { $0.record.idNumber == listed[9].idNumber })
        }
    }
}
}

/// Bulk-import ids grow in the order rows are inserted (the primary-key index appends).
@Suite struct OrderedIDTests {
    @Test func idsIncreaseAndAreVersionSeven() {
        var ids = OrderedIDs()
        let list = (0..<100_000).map { _ in ids.next() }
        #expect(Set(list).count == list.count)
        #expect(zip(list, list.dropFirst()).allSatisfy { $0.uuidString < $1.uuidString })
        #expect(list.allSatisfy { $0.uuidString.dropFirst(14).first == "7" && "89AB".contains($0.uuidString.dropFirst(19).first!) })
    }
}

/// Whether `body` was refused with this code (tests compare codes, not sentences).
func refused(_ code: String, _ body: () async throws -> Void) async -> Bool {
    do { try await body() } catch let refusal as Refusal { return refusal.code == code } catch { return false }
    return false
}
