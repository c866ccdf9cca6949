import Foundation
import Testing
import Vapor
import VaporTesting
import Fluent
@testable import WebApp
import Core
import Persistence
import Audit
import Organizations
import Roster
import Accounts
import Demo
import Documents

private func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)"))
}

/// The 花名册 through the API and through the pages, as a unit administrator of 武陵区.
@Suite(.serialized) struct ImportFlowTests {
    @Test func theAPIAnswersInItsShapeAndCreatesTheBranches() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 100)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            let wuling = try #require(generator.unitIDs["wuling"])
            try await User(username: "unit", passwordHash: try Bcrypt.hash("unit-password", cost: 4), displayName: "武陵",
                           role: .unitAdmin, organizationID: wuling).create(on: app.db)
            let unit = try await apiSignIn(app, "unit", "unit-password").headers
            func post(_ file: String, _ query: String) async throws -> (HTTPStatus, APIImportResult) {
                var result: (HTTPStatus, APIImportResult)?
                try await app.testing().test(.POST, "/api/v1/members/import?fileName=\(file)&\(query)", headers: unit,
                                             body: ByteBuffer(data: try fixture(file))) { res in
                    result = (res.status, try res.content.decode(APIImportResult.self))
                }
                return try #require(result)
            }
            let (status, preview) = try await post("huamingce-problems.xlsx", "dryRun=true")
            #expect(status == .unprocessableEntity)
            #expect(preview.problems.map { "\($0.row ?? 0)|\($0.column ?? "")|\($0.code)" } == [
                "8|公民身份号码|roster.idNumber.checksum", "10|公民身份号码|roster.idNumber.duplicate", "0||roster.organization.missing"])
            #expect(preview.missingOrganizations.map(\.name) == ["中共武陵区城东社区第一支部委员会", "中共武陵区城东社区第二支部委员会"])
            #expect(preview.organizationsCreated.isEmpty && preview.headerRow == 3 && !preview.imported)
            // The corrected file, with the parent chosen.
            let (done, result) = try await post("huamingce.xlsx", "createUnder=\(wuling.uuidString)")
            #expect(done == .ok && result.imported && result.members == 8 && result.problems.isEmpty)
            #expect(result.organizationsCreated == ["中共武陵区城东社区第一支部委员会", "中共武陵区城东社区第二支部委员会"])
            #expect(try await Organization.query(on: app.db).filter(\.$name == "中共武陵区城东社区第一支部委员会").first()?.parentID == wuling)
            // A parent outside the unit does not exist for it.
            let dingcheng = try #require(generator.unitIDs["dingcheng"])
            try await app.testing().test(.POST, "/api/v1/members/import?dryRun=true&createUnder=\(dingcheng.uuidString)", headers: unit,
                                         body: ByteBuffer(data: try fixture("huamingce-gb18030.csv"))) { res in
                #expect(res.status == .notFound)
            }
        }
    }

    /// Each hostile file through the API: a coded Chinese refusal, and the server goes on answering.
    @Test func hostileUploadsAreRefusedAndTheServerAnswers() async throws {
        try await withXuanjuApp { app in
            let admin = try await apiSignIn(app, "admin", "管理员密码123").headers
            let cases = [("hostile-long-reference.xlsx", "xlsx.cellReference"), ("hostile-far-columns.xlsx", "xlsx.limit.columns"),
                         ("hostile-zip-bomb.xlsx", "xlsx.limit.cellLength"), ("hostile-zip-bomb-cells.xlsx", "xlsx.limit.compressionRatio"),
                         ("hostile-wrong-types.xlsx", "xlsx.rowNumber")]
            for (file, code) in cases {
                try await app.testing().test(.POST, "/api/v1/members/import?dryRun=true&fileName=\(file)", headers: admin,
                                             body: ByteBuffer(data: try fixture(file))) { res in
                    #expect(res.status == .unprocessableEntity, "\(file)")
                    let answer = try res.content.decode(APIProblems.self)
                    #expect(answer.problems.map(\.code) == [code], "\(file): \(answer)")
                    // In Chinese.
                    #expect(answer.problems.first?.message.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } == true)
                }
                try await app.testing().test(.GET, "/healthz") { res in #expect(res.status == .ok) }
            }
            // A truncated upload and an old .xls are refused the same way.
            let whole = try fixture("huamingce.xlsx")
            try await app.testing().test(.POST, "/api/v1/members/import?dryRun=true&fileName=cut.xlsx", headers: admin,
                                         body: ByteBuffer(data: whole.prefix(whole.count / 3))) { res in
                let codes = try res.content.decode(APIProblems.self).problems.map(\.code)
                #expect(codes == ["xlsx.corrupt"])
            }
        }
    }

    /// A heading the importer does not know is mapped in the preview; the choice is remembered
    /// for the unit and applies to its next upload.
    @Test func aColumnMappedInThePreviewIsRemembered() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 50)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            var session = try await TestSession.open(app)
            #expect(try await session.logIn(app, "admin", "管理员密码123") == .seeOther)
            let csv = "姓名,性别,民族,身份证号码,入党年月,组织关系所在支部,党员类别\n张三,男,汉族,430702197503120016,1998.07,中共武陵区委员会,正式党员\n"
            func upload() async throws -> (HTTPStatus, String) {
                var answer: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.POST, "/members/import", headers: session.headers, beforeRequest: { req in
                    try req.content.encode(MultipartUpload(csrf: session.csrf, file: File(data: ByteBuffer(string: csv), filename: "a.csv")),
                                           as: .formData)
                }) { res in answer = (res.status, res.body.string) }
                return answer
            }
            let (status, page) = try await upload()
            #expect(status == .badRequest && page.contains("缺少「所在党组织」列") && page.contains("组织关系所在支部"))
            let staged = try #require(page.range(of: #"/members/import/([0-9A-F-]+)/recheck"#, options: .regularExpression).map { String(page[$0]) })
            try await app.testing().test(.POST, staged, headers: session.headers, beforeRequest: { req in
                try req.content.encode(["csrf": session.csrf, "map.组织关系所在支部": "所在党组织"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .ok && res.body.string.contains("检查通过：将新增党员 <b>1</b> 名"), "\(res.body.string.prefix(3000))")
            }
            let confirm = staged.replacingOccurrences(of: "recheck", with: "confirm")
            try await app.testing().test(.POST, confirm, headers: session.headers, beforeRequest: { req in
                try req.content.encode(["csrf": session.csrf], as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            #expect(try await Member.query(on: app.db).filter(\.$name == "张三").count() == 1)
            // Next time the same heading is understood at once (and the person is already on the roster).
            let (again, next) = try await upload()
            #expect(again == .badRequest && next.contains("已在党员名册中") && !next.contains("缺少「所在党组织」列"))
        }
    }
}

struct MultipartUpload: Content {
    var csrf: String
    var file: File
}
