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
import Documents

/// Role × route × own-unit / other-unit object, with the expected answer written out.
@Suite(.serialized) struct AuthorizationMatrixTests {
    struct Actor { let username: String; let role: UserRole; let unit: String? }
    static let actors = [
        Actor(username: "sys", role: .systemAdmin, unit: nil),
        Actor(username: "dept", role: .departmentAdmin, unit: nil),
        Actor(username: "unit", role: .unitAdmin, unit: "wuling"),
        Actor(username: "reader", role: .readOnly, unit: "wuling"),
        Actor(username: "counter", role: .counter, unit: "wuling"),
        Actor(username: "scrutineer", role: .scrutineer, unit: "wuling"),
    ]
    /// Expected status per request, in the order of `actors`: sys, dept, unit (武陵), reader (武陵),
    /// counter, scrutineer. OWN is a 武陵 member or organization, OTHER one of 鼎城. Writes send
    /// the member's current values, so they pass the rules and change nothing.
    static let matrix: [(request: String, expected: [HTTPStatus])] = [
        ("GET /", [.ok, .ok, .ok, .ok, .ok, .ok]),
        ("GET /members", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /members/OWN", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /members/OTHER", [.ok, .ok, .notFound, .notFound, .forbidden, .forbidden]),
        ("GET /members/OWN/edit", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /members/OTHER/edit", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /members/OWN", [.seeOther, .seeOther, .seeOther, .forbidden, .forbidden, .forbidden]),
        ("POST /members/OTHER", [.seeOther, .seeOther, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /members/import", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /members/import/template.xlsx", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /members/export?format=csv", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /organizations", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /organizations/OWNORG", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /organizations/OTHERORG", [.ok, .ok, .notFound, .notFound, .forbidden, .forbidden]),
        ("GET /users", [.ok, .ok, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("GET /audit", [.ok, .ok, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("GET /account/password", [.ok, .ok, .ok, .ok, .ok, .ok]),
        ("GET /api/v1/session", [.ok, .ok, .ok, .ok, .ok, .ok]),
        ("GET /api/v1/members", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /api/v1/members/OWN", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /api/v1/members/OTHER", [.ok, .ok, .notFound, .notFound, .forbidden, .forbidden]),
        ("PUT /api/v1/members/OWN", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("PUT /api/v1/members/OTHER", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/members/export?format=csv", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/organizations", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /api/v1/organizations/OWNORG", [.ok, .ok, .ok, .ok, .forbidden, .forbidden]),
        ("GET /api/v1/organizations/OTHERORG", [.ok, .ok, .notFound, .notFound, .forbidden, .forbidden]),
        ("GET /api/v1/users", [.ok, .ok, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/audit", [.ok, .ok, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections", [.ok, .ok, .ok, .ok, .ok, .ok]),
        ("GET /api/v1/elections/ELECTION", [.ok, .ok, .ok, .ok, .ok, .ok]),
        ("GET /api/v1/elections/TOWNELECTION", [.ok, .ok, .notFound, .notFound, .notFound, .notFound]),
        ("GET /api/v1/elections/ELECTION/candidates", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/composition", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/delegates", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /elections/ELECTION/delegates", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /ballots/preview", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/delegates/composition", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/delegates/qualification-report.pdf", [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/candidates/\(UUID())/vetting", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/vetting/attachments/\(UUID())", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /elections/ELECTION/candidates/\(UUID())", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /elections/ELECTION/vetting/attachments/\(UUID())", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/slate", [.ok, .ok, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/progress", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /elections/ELECTION/slate", [.ok, .ok, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/participation", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/documents/report.pdf", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/documents/report.pdf?unit=OWNORG", [.ok, .ok, .ok, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/documents/report.pdf?unit=OTHERORG", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/documents/forms.pdf", [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/ELECTION/documents/forms.xlsx", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/TOWNELECTION/documents/report.pdf", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /elections/ELECTION/documents/report.pdf?unit=OTHERORG", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /elections/TOWNELECTION/meeting", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /elections/ELECTION/meeting", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/elections/TOWNELECTION/attendance", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        // The city's meeting is the department's: a 武陵区 admin sees the city's election it sends candidates to, not its meeting.
        ("GET /api/v1/elections/ELECTION/attendance", [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/rounds", [.ok, .ok, .ok, .forbidden, .ok, .ok]),
        ("GET /api/v1/rounds/\(UUID())/report", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .notFound]),
        ("GET /api/v1/rounds/\(UUID())/batches/1/differences", [.notFound, .notFound, .forbidden, .forbidden, .forbidden, .notFound]),
        ("GET /api/v1/rounds/\(UUID())", [.notFound, .notFound, .notFound, .forbidden, .notFound, .notFound]),
        ("GET /api/v1/rounds/\(UUID())/ballots.pdf", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("GET /api/v1/rounds/\(UUID())/report.pdf", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .notFound]),
        ("GET /rounds", [.ok, .ok, .ok, .forbidden, .ok, .ok]),
        ("GET /rounds/\(UUID())", [.notFound, .notFound, .notFound, .forbidden, .notFound, .notFound]),
        ("GET /rounds/\(UUID())/report", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .notFound]),
        ("GET /rounds/\(UUID())/report.xlsx", [.notFound, .notFound, .notFound, .forbidden, .forbidden, .notFound]),
        ("GET /rounds/\(UUID())/projector", [.notFound, .notFound, .notFound, .forbidden, .notFound, .notFound]),
        ("GET /rounds/\(UUID())/batches/1/entries/1", [.notFound, .notFound, .forbidden, .forbidden, .notFound, .forbidden]),
        ("GET /rounds/\(UUID())/batches/1", [.notFound, .notFound, .forbidden, .forbidden, .forbidden, .notFound]),
        ("GET /elections", [.ok, .ok, .ok, .ok, .ok, .ok]),
        // A document job exists only for the account that started it.
        ("GET /api/v1/jobs/\(UUID())", [.notFound, .notFound, .notFound, .notFound, .notFound, .notFound]),
        ("GET /api/v1/jobs/\(UUID())/file", [.notFound, .notFound, .notFound, .notFound, .notFound, .notFound]),
        ("GET /jobs/\(UUID())", [.notFound, .notFound, .notFound, .notFound, .notFound, .notFound]),
        ("GET /elections/ELECTION", [.ok, .ok, .ok, .ok, .ok, .ok]),
        ("GET /elections/TOWNELECTION", [.ok, .ok, .notFound, .notFound, .notFound, .notFound]),
    ]

    /// Writes whose body the rules refuse after the role and scope checks, so the answer shows
    /// who got past those checks (400) and who did not (403, or 404 outside the scope) while
    /// nothing changes — except what only a system administrator may do to the `admin` account
    /// (ADMIN): reset its password, stop and restart it.
    static let writes: [(request: String, body: [String: String], expected: [HTTPStatus])] = [
        ("POST /organizations/OWNORG/children", ["name": "", "kind": "支部"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /organizations/OTHERORG/children", ["name": "", "kind": "支部"], [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /organizations/OWNORG/rename", ["name": ""], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /organizations/OTHERORG/rename", ["name": ""], [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /organizations/OWNORG/move", ["parent": "没有这个组织"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /organizations/OTHERORG/close", [:], [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /users", ["username": "", "displayName": "", "role": "只读"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /users/ADMIN/reset-password", [:], [.ok, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /members/import/\(UUID())/confirm", [:], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /account/password", ["current": "wrong", "new": "0123456789ab", "confirm": "0123456789ab"], [.badRequest, .badRequest, .badRequest, .badRequest, .badRequest, .badRequest]),
        ("POST /api/v1/organizations", ["name": "中共某支部委员会", "kind": "不存在", "parentId": "OWNORG"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("PATCH /api/v1/organizations/OTHERORG", [:], [.ok, .ok, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/organizations/OTHERORG/close", [:], [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/members/import", [:], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/users", ["username": "x", "displayName": "x", "role": "不存在"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/users/ADMIN/password-reset", [:], [.ok, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /users/ADMIN/disable", [:], [.seeOther, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /users/ADMIN/enable", [:], [.seeOther, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/users/ADMIN/disable", [:], [.ok, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/users/ADMIN/enable", [:], [.ok, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("PUT /api/v1/account/password", ["current": "wrong", "new": "0123456789ab"], [.badRequest, .badRequest, .badRequest, .badRequest, .badRequest, .badRequest]),
        ("POST /api/v1/elections", ["name": "缺少其他字段"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/quotas/preview", ["method": "不存在"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("PUT /api/v1/elections/ELECTION/quotas", ["method": "不存在"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/candidates", ["memberId": "不是id"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/candidates/\(UUID())/stage", ["stage": "初步人选"], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/units/OWNORG/stage", ["stage": "初步人选"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/candidates/\(UUID())/vetting", ["department": "纪检"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/candidates/\(UUID())/vetting", ["department": "纪检", "verdict": "无不良反映", "opinion": "说明", "date": "2026-08-28"],
         [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/slate/accept", ["digest": "0"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/slate/reject", ["reason": "缺少 digest"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/slate", ["decision": "accept", "digest": "0"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/candidates/\(UUID())/category", ["category": "农民"], [.notFound, .notFound, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/candidates/\(UUID())/category", ["category": "农民"], [.notFound, .notFound, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/delegates/\(UUID())/qualification", ["qualification": "待审查"],
         [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/delegates/\(UUID())/term-end", ["date": "2027-02-30", "reason": "调离"],
         [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/delegates/\(UUID())/term-end", ["date": "2027-02-30", "reason": "调离"],
         [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /ballots/preview", ["title": "缺少名额"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/ballots/preview", ["title": "缺少其他字段"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/check-ins", ["query": "没有这个人"], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/meeting/check-in", ["query": ""], [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/meeting/exclusions", ["query": "没有这个人", "reason": "出国半年以上", "approvedBy": "批准", "meetingVote": "通过"],
         [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/meeting/officials", ["query": "没有这个人", "role": "计票人", "approval": "通过"],
         [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/elections/ELECTION/rounds", ["kind": "不存在"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /api/v1/rounds/\(UUID())/steps", ["step": "freeze"], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("PUT /api/v1/rounds/\(UUID())/batches/1/entries/1/ballots/1", ["invalid": "撕毁"], [.notFound, .notFound, .forbidden, .forbidden, .notFound, .forbidden]),
        ("POST /api/v1/rounds/\(UUID())/batches/1/entries/1/finalise", [:], [.notFound, .notFound, .forbidden, .forbidden, .notFound, .forbidden]),
        ("POST /api/v1/rounds/\(UUID())/batches/1/resolve", ["number": "1"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .badRequest]),
        ("POST /api/v1/rounds/\(UUID())/follow-up", [:], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /rounds/\(UUID())/steps", ["step": "freeze"], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /rounds/\(UUID())/follow-up", [:], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /rounds/\(UUID())/batches/1/entries/1/ballots/1", ["invalid": "on", "reason": "撕毁"], [.notFound, .notFound, .forbidden, .forbidden, .notFound, .forbidden]),
        ("POST /rounds/\(UUID())/batches/1/entries/1/finalise", [:], [.notFound, .notFound, .forbidden, .forbidden, .notFound, .forbidden]),
        ("POST /rounds/\(UUID())/batches/1/resolve", ["number": "1", "decision": "keep.1"], [.notFound, .notFound, .forbidden, .forbidden, .forbidden, .notFound]),
        ("POST /elections/ELECTION/meeting/rounds", ["kind": "不存在"], [.seeOther, .seeOther, .seeOther, .forbidden, .forbidden, .forbidden]),
        ("POST /audit/backup", [:], [.ok, .forbidden, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("PUT /api/v1/elections/ELECTION/units/OWNORG/participation", ["organizations": "不是数"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/units/OTHERORG/participation", ["organizations": "-1", "members": "0"], [.badRequest, .badRequest, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/units/OWNORG/participation", ["organizations": "-1", "members": "0"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /elections", ["name": "缺少其他字段"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/quotas", ["action": "preview", "minimum": "99"], [.badRequest, .badRequest, .forbidden, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/candidates", ["idNumber": "1"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/candidates/\(UUID())/stage", ["stage": "初步人选"], [.notFound, .notFound, .notFound, .forbidden, .forbidden, .forbidden]),
        ("POST /elections/ELECTION/units/OWNORG/stage", ["stage": "初步人选"], [.badRequest, .badRequest, .badRequest, .forbidden, .forbidden, .forbidden]),
    ]

    @Test func everyRoleGetsTheWrittenAnswer() async throws {
        let app = try await Application.make(.testing)
        let path = NSTemporaryDirectory() + "xuanju-authz-\(UUID().uuidString).sqlite"
        do {
            try await WebApp.configure(app, settings: WebAppSettings(target: .sqlite(path: path), adminPassword: "x-admin-pw"))
            let generator = DemoGenerator(memberCount: 400)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            let wuling = try #require(generator.unitIDs["wuling"]), dingcheng = try #require(generator.unitIDs["dingcheng"])
            let wulingPath = try #require(try await Organization.find(wuling, on: app.db)).path
            let dingchengPath = try #require(try await Organization.find(dingcheng, on: app.db)).path
            let data = app.db.data
            var all = MemberSearch(); all.pageSize = 1
            let own = try #require(try await MemberDirectory.search(all, scope: .subtree(path: wulingPath), in: data).members.first)
            let other = try #require(try await MemberDirectory.search(all, scope: .subtree(path: dingchengPath), in: data).members.first)
            let wulingTotal = try await MemberDirectory.search(all, scope: .subtree(path: wulingPath), in: data).total

            var sessions: [String: TestSession] = [:]
            for actor in Self.actors {
                let user = User(username: actor.username, passwordHash: try Bcrypt.hash("pw-\(actor.username)", cost: 4),
                                displayName: actor.username, role: actor.role, organizationID: actor.unit.flatMap { generator.unitIDs[$0] })
                try await user.create(on: app.db)
                var session = try await TestSession.open(app)
                #expect(try await session.logIn(app, actor.username, "pw-\(actor.username)") == .seeOther, "login \(actor.username)")
                sessions[actor.username] = session
            }
            // The search's records carry their organization's name.
            let records = ["OWN": own.record, "OTHER": other.record]
            // The demo's two elections: the city's (every unit takes part) and 泥城镇's (outside 武陵区).
            let elections = try await Election.query(on: app.db).all()
            let cityElection = try #require(elections.first { $0.organizationID == generator.cityID }?.id).uuidString
            let townElection = try #require(elections.first { $0.organizationID == generator.townID }?.id).uuidString
            for (request, expected) in Self.matrix {
                let parts = request.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPMethod(rawValue: parts[0])
                let which = request.hasSuffix("OTHER") ? "OTHER" : "OWN"
                let url = parts[1].replacingOccurrences(of: "TOWNELECTION", with: townElection).replacingOccurrences(of: "ELECTION", with: cityElection)
                    .replacingOccurrences(of: "OWNORG", with: wuling.uuidString).replacingOccurrences(of: "OTHERORG", with: dingcheng.uuidString)
                    .replacingOccurrences(of: "OWN", with: own.id.description).replacingOccurrences(of: "OTHER", with: other.id.description)
                for (actor, status) in zip(Self.actors, expected) {
                    let session = sessions[actor.username]!
                    var headers = session.headers
                    headers.replaceOrAdd(name: "X-CSRF-Token", value: session.csrf)
                    try await app.testing().test(method, url, headers: headers, beforeRequest: { req in
                        guard method != .GET, let record = records[which] else { return }
                        if url.hasPrefix("/api/") {
                            try req.content.encode(record, as: .json)
                        } else {
                            try req.content.encode(memberForm(record, csrf: session.csrf), as: .urlEncodedForm)
                        }
                    }) { res in
                        #expect(res.status == status, "\(actor.role.rawValue) \(request)")
                        // Every answer, refusals and error pages included, carries the security headers.
                        #expect(res.headers.first(name: "Content-Security-Policy") == SecurityHeaders.contentSecurityPolicy, "\(request)")
                        #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff" && res.headers.first(name: "X-Frame-Options") == "DENY")
                    }
                }
            }
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "admin").first()).id!
            for (request, body, expected) in Self.writes {
                let parts = request.split(separator: " ", maxSplits: 1).map(String.init)
                let url = parts[1].replacingOccurrences(of: "ELECTION", with: cityElection)
                    .replacingOccurrences(of: "OWNORG", with: wuling.uuidString).replacingOccurrences(of: "OTHERORG", with: dingcheng.uuidString)
                    .replacingOccurrences(of: "ADMIN", with: admin.uuidString)
                for (actor, status) in zip(Self.actors, expected) {
                    let session = sessions[actor.username]!
                    var headers = session.headers
                    headers.replaceOrAdd(name: "X-CSRF-Token", value: session.csrf)
                    let fields = body.mapValues { $0.replacingOccurrences(of: "OWNORG", with: wuling.uuidString) }
                    try await app.testing().test(HTTPMethod(rawValue: parts[0]), url, headers: headers, beforeRequest: { req in
                        if url.hasPrefix("/api/") {
                            if !fields.isEmpty || parts[0] == "PATCH" { try req.content.encode(fields, as: .json) }
                        } else {
                            try req.content.encode(fields.merging(["csrf": session.csrf]) { a, _ in a }, as: .urlEncodedForm)
                        }
                    }) { res in
                        #expect(res.status == status, "\(actor.role.rawValue) \(request): \(res.body.string.prefix(200))")
                    }
                }
            }
            // Nothing above changed an organization or created an account.
            #expect(try await Organization.query(on: app.db).filter(\.$closed == true).count() == 0)
            #expect(try await User.query(on: app.db).count() == Self.actors.count + 1)
            let cookies = sessions.mapValues(\.headers)
            // The home page lists only the elections the account may open: the 武陵区 admin is told
            // 404 for 泥城镇's election, so its name is not on their home page either (it was).
            let townName = try #require(elections.first { $0.organizationID == generator.townID }?.name)
            let cityName = try #require(elections.first { $0.organizationID == generator.cityID }?.name)
            try await app.testing().test(.GET, "/", headers: cookies["unit"]!) { res in
                #expect(res.status == .ok && res.body.string.contains(cityName) && !res.body.string.contains(townName))
            }
            try await app.testing().test(.GET, "/", headers: cookies["dept"]!) { res in
                #expect(res.body.string.contains(cityName) && res.body.string.contains(townName))
            }
            // A unit admin's list holds only their own unit's members.
            try await app.testing().test(.GET, "/members", headers: cookies["unit"]!) { res in
                #expect(res.body.string.contains("共 \(wulingTotal) 名党员"))
                #expect(!res.body.string.contains(other.record.idNumber))
            }
            // 只读 sees the masked ID number, 组织部管理员 the full one.
            try await app.testing().test(.GET, "/members/\(own.id.description)", headers: cookies["reader"]!) { res in
                #expect(res.body.string.contains(IDNumber.masked(own.record.idNumber)))
                #expect(!res.body.string.contains(own.record.idNumber))
            }
            try await app.testing().test(.GET, "/members/\(own.id.description)", headers: cookies["dept"]!) { res in
                #expect(res.body.string.contains(own.record.idNumber))
            }
            // A unit admin's export holds their unit's members and no one else.
            let wulingNames = Set(try await Organization.query(on: app.db).filter(\.$path =~ wulingPath).all().map(\.name))
            try await app.testing().test(.GET, "/members/export?format=csv", headers: cookies["unit"]!) { res in
                let lines = res.body.string.split(separator: "\r\n").dropFirst()
                #expect(lines.count == wulingTotal)
                let organizations = Set(lines.map { String($0.split(separator: ",", omittingEmptySubsequences: false)[7]) })
                #expect(organizations.isSubset(of: wulingNames) && !res.body.string.contains(other.record.idNumber))
            }
            // The API masks ID numbers for 只读 as the page does.
            try await app.testing().test(.GET, "/api/v1/members/\(own.id.description)", headers: cookies["reader"]!) { res in
                let shown = try res.content.decode(APIMember.self).record.idNumber
                #expect(shown == IDNumber.masked(own.record.idNumber))
                #expect(!res.body.string.contains(own.record.idNumber))
            }
            // A counter sees no roster and no city figures on the home page; a unit admin sees their unit's.
            let cityMembers = try await MemberDirectory.search(all, scope: .city, in: data).total
            try await app.testing().test(.GET, "/", headers: cookies["counter"]!) { res in
                #expect(res.status == .ok && !res.body.string.contains("正式党员（有选举权）") && !res.body.string.contains("<b>\(cityMembers)</b>"))
                #expect(!res.body.string.contains("href=\"/members\"") && res.body.string.contains("不查看党员名册"))
            }
            try await app.testing().test(.GET, "/", headers: cookies["unit"]!) { res in
                #expect(res.body.string.contains("<b>\(wulingTotal)</b>党员") && !res.body.string.contains("<b>\(cityMembers)</b>"))
            }
            // Every write route refuses a request without the CSRF token, and nothing changes.
            let auditBefore = try await AuditEntry.query(on: app.db).count()
            let sys = sessions["sys"]!
            let writeRoutes = Self.matrix.map { ($0.request, [String: String]()) }.filter { !$0.0.hasPrefix("GET") } + Self.writes.map { ($0.request, $0.body) }
            for (request, body) in writeRoutes {
                let parts = request.split(separator: " ", maxSplits: 1).map(String.init)
                let url = parts[1].replacingOccurrences(of: "ELECTION", with: cityElection)
                    .replacingOccurrences(of: "OWNORG", with: wuling.uuidString).replacingOccurrences(of: "OTHERORG", with: dingcheng.uuidString)
                    .replacingOccurrences(of: "ADMIN", with: admin.uuidString)
                    .replacingOccurrences(of: "OWN", with: own.id.description).replacingOccurrences(of: "OTHER", with: other.id.description)
                try await app.testing().test(HTTPMethod(rawValue: parts[0]), url, headers: sys.headers, beforeRequest: { req in
                    if url.hasPrefix("/api/") { try req.content.encode(body, as: .json) } else { try req.content.encode(body, as: .urlEncodedForm) }
                }) { res in
                    #expect(res.status == .forbidden, "\(request) without a CSRF token: \(res.status)")
                }
            }
            #expect(writeRoutes.count == 68)   // every non-GET route, the election pages and API included
            #expect(try await AuditEntry.query(on: app.db).count() == auditBefore)
            // Refusals are audited.
            let refused = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.accessRefused.rawValue).count()
                let answers: [HTTPStatus] = Self.matrix.flatMap(\.expected) + Self.writes.flatMap(\.expected)
            let forbidden = answers.filter { $0 == .forbidden }.count
            #expect(refused == forbidden)
            // The writes sent unchanged values: no member was changed, so nothing was logged as changed.
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.memberUpdated.rawValue).count() == 0)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

}

/// The member edit form's fields for a record, as the browser sends them.
func memberForm(_ record: RosterRecord, csrf: String) -> [String: String] {
    let cells = RosterFile.cells(record)
    var form = ["csrf": csrf]
    for (key, value) in zip(["name", "gender", "ethnicity", "idNumber", "birthDate", "joinDate", "status", "organization",
                             "position", "category", "title", "titleLevel", "honours"], cells) { form[key] = value }
    if record.npcDeputy { form["npcDeputy"] = "on" }
    if record.cppccMember { form["cppccMember"] = "on" }
    return form
}

@Suite struct MemberSearchTests {
    @Test func searchFiltersAndAgeBands() async throws {
        let store = try XuanjuStore(target: .sqlite(path: NSTemporaryDirectory() + "xuanju-search-\(UUID().uuidString).sqlite"))
        try await store.migrate()
        let generator = DemoGenerator(memberCount: 2_000)
        _ = try await DemoLoader.load(generator, into: store.data)
        var all: [DemoGenerator.MemberRow] = []
        generator.forEachMember { all.append($0) }
        let data = store.data
        var search = MemberSearch()
        search.gender = "女"; search.maxAge = 35; search.pageSize = 10_000
        let women35 = try await MemberDirectory.search(search, scope: .city, in: data)
        let expected = all.filter { m in
            let b = m.birthDate.split(separator: "-").compactMap { Int($0) }
            let age = 2026 - b[0] - ((9, 1) < (b[1], b[2]) ? 1 : 0)
            return m.gender == "女" && age <= 35
        }
        #expect(women35.total == expected.count && women35.total > 0)
        var byID = MemberSearch(); byID.text = all[17].idNumber
        #expect(try await MemberDirectory.search(byID, scope: .city, in: data).members.map(\.record.name) == [all[17].name])
        var byName = MemberSearch(); byName.text = all[5].name; byName.pageSize = 500
        #expect(try await MemberDirectory.search(byName, scope: .city, in: data).members.contains { $0.record.idNumber == all[5].idNumber })
        // What a clerk types is matched literally: % and _ are not wildcards.
        for typed in ["%", "_", "王%", "!"] {
            var literal = MemberSearch(); literal.text = typed
            #expect(try await MemberDirectory.search(literal, scope: .city, in: data).total == 0, "\(typed)")
        }
        var partial = MemberSearch(); partial.text = String(all[5].name.prefix(1)); partial.pageSize = 1
        #expect(try await MemberDirectory.search(partial, scope: .city, in: data).total > 0)
        var paged = MemberSearch(); paged.page = 3; paged.pageSize = 50
        let page3 = try await MemberDirectory.search(paged, scope: .city, in: data)
        #expect(page3.members.count == 50 && page3.total == 2_000 && page3.pageCount == 40)
        await store.shutdown()
    }
}
