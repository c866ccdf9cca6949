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

@Suite(.serialized) struct APITests {
    /// Every /api/v1 route is in the document with its method, and every documented operation
    /// is a route.
    @Test func openAPIDocumentMatchesTheRoutes() async throws {
        try await withXuanjuApp { app in
            var routes = Set<String>()
            for route in app.routes.all where route.path.first?.description == "api" {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                routes.insert("\(route.method.rawValue.lowercased()) \(path)")
            }
            var documented = Set<String>()
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res in
                #expect(res.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as! [String: Any]
                #expect(json["openapi"] as? String == "3.1.0")
                let paths = json["paths"] as! [String: [String: Any]]
                for (path, operations) in paths {
                    for (method, operation) in operations {
                        documented.insert("\(method) \(path)")
                        let op = operation as! [String: Any]
                        #expect(op["responses"] != nil && op["summary"] != nil, "\(method) \(path)")
                    }
                }
                // Every schema a path refers to is defined.
                let text = res.body.string
                let schemas = (json["components"] as! [String: Any])["schemas"] as! [String: Any]
                for match in text.matches(of: /#\/components\/schemas\/(\w+)/) {
                    #expect(schemas[String(match.1)] != nil, "schema \(match.1)")
                }
            }
            #expect(routes.count >= 19)
            #expect(routes.subtracting(documented).sorted() == [], "routes missing from the document")
            #expect(documented.subtracting(routes).sorted() == [], "documented operations without a route")
        }
    }

    @Test func aClientLogsInChangesAndImportsThroughTheAPI() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 300)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            let wuling = try #require(generator.unitIDs["wuling"]), dingcheng = try #require(generator.unitIDs["dingcheng"])
            try await User(username: "unit", passwordHash: try Bcrypt.hash("unit-password", cost: 4), displayName: "武陵区管理员",
                           role: .unitAdmin, organizationID: wuling).create(on: app.db)

            // Not signed in: 401 in JSON, in Chinese.
            try await app.testing().test(.GET, "/api/v1/members") { res in
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("请先登录"))
            }
            var cookie = HTTPHeaders()
            var token = ""
            try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
                try req.content.encode(["username": "unit", "password": "unit-password"], as: .json)
            }) { res in
                #expect(res.status == .ok)
                let session = try res.content.decode(APISession.self)
                #expect(session.user.role == .unitAdmin)
                token = session.csrfToken
                cookie.cookie = ["xuanju_session": .init(string: res.headers.setCookie?["xuanju_session"]?.string ?? "")]
            }
            var headers = cookie
            headers.replaceOrAdd(name: "X-CSRF-Token", value: token)

            // A member of 武陵: change the position; without the token the change is refused.
            var member: APIMember?
            try await app.testing().test(.GET, "/api/v1/members?pageSize=1", headers: cookie) { res in
                member = try res.content.decode(APIMemberPage.self).members.first
            }
            var record = try #require(member).record
            record.position = "党支部书记"
            try await app.testing().test(.PUT, "/api/v1/members/\(member!.id)", headers: cookie, beforeRequest: { req in
                try req.content.encode(record, as: .json)
            }) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.PUT, "/api/v1/members/\(member!.id)", headers: headers, beforeRequest: { req in
                try req.content.encode(record, as: .json)
            }) { res in
                #expect(res.status == .ok)
                let changed = try res.content.decode(APIMember.self)
                #expect(changed.record.position == "党支部书记")
            }
            // A bad birth date comes back as problems, field by field, and is not saved.
            record.birthDate = "1900-02-30"
            try await app.testing().test(.PUT, "/api/v1/members/\(member!.id)", headers: headers, beforeRequest: { req in
                try req.content.encode(record, as: .json)
            }) { res in
                #expect(res.status == .unprocessableEntity)
                let problems = try res.content.decode(APIProblems.self).problems
                #expect(problems.map(\.column) == ["出生日期"])
            }
            // Import: a dry run checks only; the real run writes once; into 鼎城 it is refused.
            let csv = RosterFile.csv([synthetic(organization: "中共武陵区委员会")])
            for (dryRun, status, imported) in [(true, HTTPStatus.ok, false), (false, .ok, true), (false, .unprocessableEntity, false)] {
                try await app.testing().test(.POST, "/api/v1/members/import?fileName=one.csv&dryRun=\(dryRun)", headers: headers, beforeRequest: { req in
                    req.body = ByteBuffer(data: csv)
                }) { res in
                    #expect(res.status == status)
                    let result = try res.content.decode(APIImportResult.self)
                    #expect(result.imported == imported)
                    if status == .unprocessableEntity { #expect(result.problems.first?.message.contains("已在党员名册中") == true) }
                }
            }
            try await app.testing().test(.POST, "/api/v1/members/import?fileName=x.csv", headers: headers, beforeRequest: { req in
                req.body = ByteBuffer(data: RosterFile.csv([synthetic(organization: "中共鼎城区委员会", serial: 2)]))
            }) { res in
                #expect(res.status == .unprocessableEntity)
                let result = try res.content.decode(APIImportResult.self)
                #expect(result.problems.map(\.message) == ["「中共鼎城区委员会」不在您的管理范围内"])
            }
            // Organizations: create below 武陵, not below 鼎城.
            try await app.testing().test(.POST, "/api/v1/organizations", headers: headers, beforeRequest: { req in
                try req.content.encode(APINewOrganization(name: "中共武陵区接口测试支部委员会", kind: "支部", parentId: OrganizationID(wuling)), as: .json)
            }) { res in
                #expect(res.status == .created)
                let created = try res.content.decode(APIOrganization.self)
                #expect(created.members == 0)
            }
            try await app.testing().test(.POST, "/api/v1/organizations", headers: headers, beforeRequest: { req in
                try req.content.encode(APINewOrganization(name: "中共鼎城区接口测试支部委员会", kind: "支部", parentId: OrganizationID(dingcheng)), as: .json)
            }) { res in
                #expect(res.status == .notFound)
                let answer = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as? [String: String]
                #expect(answer == ["code": "organization.notFound", "message": "没有这个党组织"])
            }
            // A unit admin may not manage accounts.
            try await app.testing().test(.POST, "/api/v1/users", headers: headers, beforeRequest: { req in
                try req.content.encode(APINewUser(username: "x1", displayName: "某", role: "只读", organizationId: OrganizationID(wuling)), as: .json)
            }) { res in #expect(res.status == .forbidden) }
            let actions = try await AuditEntry.query(on: app.db).filter(\.$actor == "unit").sort(\.$id).all().map(\.action)
            #expect(actions == ["auth.login", "member.updated", "members.imported", "organization.created", "access.refused"])
        }
    }

    /// An account an administrator creates works only for choosing a new password until its owner
    /// has chosen one.
    @Test func aOneTimePasswordOnlyOpensThePasswordChange() async throws {
        try await withXuanjuApp { app in
            func logIn(_ username: String, _ password: String) async throws -> HTTPHeaders {
                var headers = HTTPHeaders()
                try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
                    try req.content.encode(["username": username, "password": password], as: .json)
                }) { res in
                    #expect(res.status == .ok, "login \(username)")
                    let session = try res.content.decode(APISession.self)
                    headers.cookie = ["xuanju_session": .init(string: res.headers.setCookie?["xuanju_session"]?.string ?? "")]
                    headers.replaceOrAdd(name: "X-CSRF-Token", value: session.csrfToken)
                }
                return headers
            }
            let admin = try await logIn("admin", "管理员密码123")
            var issued = ""
            try await app.testing().test(.POST, "/api/v1/users", headers: admin, beforeRequest: { req in
                try req.content.encode(APINewUser(username: "dept2", displayName: "组织部李干事", role: "组织部管理员", organizationId: nil), as: .json)
            }) { res in
                #expect(res.status == .created)
                issued = try res.content.decode(APIOneTimePassword.self).oneTimePassword
            }
            let dept = try await logIn("dept2", issued)
            try await app.testing().test(.GET, "/api/v1/members", headers: dept) { res in
                #expect(res.status == .forbidden && res.body.string.contains("一次性密码"))
            }
            try await app.testing().test(.GET, "/members", headers: dept) { res in
                #expect(res.status == .seeOther && res.headers.first(name: .location) == "/account/password")
            }
            try await app.testing().test(.PUT, "/api/v1/account/password", headers: dept, beforeRequest: { req in
                try req.content.encode(["current": issued, "new": "李干事自己的密码2026"], as: .json)
            }) { res in #expect(res.status == .noContent) }
            try await app.testing().test(.GET, "/api/v1/members", headers: dept) { res in #expect(res.status == .ok) }

            // Stopped by an administrator: the open session ends and signing in is refused.
            let id = try #require(try await User.query(on: app.db).filter(\.$username == "dept2").first()?.id)
            try await app.testing().test(.POST, "/api/v1/users/\(id)/disable", headers: admin) { res in
                #expect(res.status == .ok)
                let user = try res.content.decode(APIUser.self)
                #expect(user.disabled)
            }
            try await app.testing().test(.GET, "/api/v1/members", headers: dept) { res in #expect(res.status == .unauthorized) }
            try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
                try req.content.encode(["username": "dept2", "password": "李干事自己的密码2026"], as: .json)
            }) { res in
                #expect(res.status == .forbidden && res.body.string.contains("该账号已停用"))
            }
            let actions = try await AuditEntry.query(on: app.db).sort(\.$id, .descending).range(0..<2).all().map(\.action)
            #expect(actions == ["auth.login.refused", "user.disabled"])
        }
    }

    func synthetic(organization: String, serial: Int = 1) -> RosterRecord {
        let first17 = "11010519800101" + String(format: "%03d", 100 + serial * 2 + 1)
        var r = RosterRecord()
        r.name = "接口\(serial)"; r.gender = "男"; r.ethnicity = "汉族"; r.idNumber = first17 + String(IDNumber.checkCharacter(for: first17))
        r.birthDate = "1980-01-01"; r.joinDate = "2005-07-01"; r.status = "正式党员"; r.organization = organization
        return r
    }
}
