import Foundation
import Testing
import Vapor
import VaporTesting
import Fluent
@testable import WebApp
import Core
import Persistence
import Demo
import Allocation

/// Elections and quotas through /api/v1 alone, as a client program would: the department sets
/// up the seed's election and shares its 68 places with one override; a unit administrator
/// reads the elections it takes part in and is refused the department's work, with codes.
@Suite(.serialized) struct ElectionAPITests {
    /// Signs in through the API; the headers carry the session cookie and the CSRF token.
    static func signIn(_ app: Application, _ username: String, _ password: String) async throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
            try req.content.encode(["username": username, "password": password], as: .json)
        }) { res in
            #expect(res.status == .ok)
            var cookies = HTTPCookies()
            cookies["xuanju_session"] = .init(string: res.headers.setCookie?["xuanju_session"]?.string ?? "")
            headers.cookie = cookies
            headers.replaceOrAdd(name: "X-CSRF-Token", value: try res.content.decode(APISession.self).csrfToken)
        }
        return headers
    }

    static func error(_ res: TestingHTTPResponse) throws -> APIError { try res.content.decode(APIError.self) }

    @Test func theDepartmentSetsUpAnElectionAndSharesItsPlaces() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 2_000)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            let wuling = try #require(generator.unitIDs["wuling"]), shizhi = try #require(generator.unitIDs["shizhi"])
            try await User(username: "dept", passwordHash: try Bcrypt.hash("dept-password", cost: 4), displayName: "组织部",
                           role: .departmentAdmin, organizationID: nil).create(on: app.db)
            try await User(username: "unit", passwordHash: try Bcrypt.hash("unit-password", cost: 4), displayName: "武陵区",
                           role: .unitAdmin, organizationID: wuling).create(on: app.db)
            let dept = try await Self.signIn(app, "dept", "dept-password")
            let unit = try await Self.signIn(app, "unit", "unit-password")

            // Below the margin: refused with its code and field; then set up as the seed has it.
            let body: [String: String] = ["name": "推荐出席省第十次党代会代表候选人预备人选", "organizationId": generator.cityID.uuidString,
                                          "profile": "local-congress", "marginRatio": "0.21", "referenceDate": "2026-09-01"]
            try await app.testing().test(.POST, "/api/v1/elections", headers: dept, beforeRequest: { req in
                var short: [String: AnyEncodable] = body.mapValues { AnyEncodable($0) }
                short["seats"] = AnyEncodable(56); short["candidatePlaces"] = AnyEncodable(67)
                try req.content.encode(short, as: .json)
            }) { res in
                #expect(res.status == .badRequest)
                let error = try Self.error(res)
                #expect(error.code == "election.candidatePlaces.belowMargin" && error.field == "candidatePlaces")
            }
            var election: APIElection?
            try await app.testing().test(.POST, "/api/v1/elections", headers: dept, beforeRequest: { req in
                var full: [String: AnyEncodable] = body.mapValues { AnyEncodable($0) }
                full["seats"] = AnyEncodable(56)
                try req.content.encode(full, as: .json)
            }) { res in
                #expect(res.status == .created)
                election = try res.content.decode(APIElection.self)
            }
            let created = try #require(election)
            #expect(created.candidatePlaces == 68 && created.minimumCandidates == 68 && created.nameOrder == .a)

            // Preview, then apply with 市直 set by hand (with its reason).
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/quotas/preview", headers: dept, beforeRequest: { req in
                try req.content.encode(["minimum": 3], as: .json)
            }) { res in
                #expect(res.status == .ok)
                let preview = try res.content.decode(APIQuotaPreview.self)
                #expect(preview.rows.count == 10 && preview.total == 68 && preview.complete && preview.rows.allSatisfy { $0.places >= 3 })
            }
            struct Plan: Content { let minimum: Int; let overrides: [APIQuotaPlan.Override] }
            try await app.testing().test(.PUT, "/api/v1/elections/\(created.id)/quotas", headers: dept, beforeRequest: { req in
                try req.content.encode(Plan(minimum: 3, overrides: [.init(unit: OrganizationID(shizhi), places: 31, reason: "")]), as: .json)
            }) { res in
                #expect(res.status == .badRequest)
                let error = try Self.error(res)
                #expect(error.code == "quota.override.reasonMissing" && error.field == "overrides[0].reason")
            }
            try await app.testing().test(.PUT, "/api/v1/elections/\(created.id)/quotas", headers: dept, beforeRequest: { req in
                try req.content.encode(Plan(minimum: 3, overrides: [.init(unit: OrganizationID(shizhi), places: 31, reason: "按市委研究意见")]), as: .json)
            }) { res in
                #expect(res.status == .ok)
                let applied = try res.content.decode(APIQuotaPreview.self)
                #expect(applied.total == 68 && applied.rows.first { $0.unit.uuid == shizhi }?.places == 31)
                #expect(applied.rows.first { $0.unit.uuid == shizhi }?.reason == "按市委研究意见")
            }
            let stored = try await ElectionQuota.query(on: app.db).filter(\.$electionID == created.id.uuid).all()
            #expect(stored.count == 10 && stored.map(\.places).reduce(0, +) == 68)

            // The unit: sees this election and the demo's city election, not the town's; may not set up or share.
            try await app.testing().test(.GET, "/api/v1/elections", headers: unit) { res in
                #expect(res.status == .ok)
                let names = try res.content.decode([APIElection].self).map(\.name)
                #expect(names.contains(created.name) && !names.contains { $0.contains("泥城镇") })
            }
            try await app.testing().test(.PUT, "/api/v1/elections/\(created.id)/quotas", headers: unit, beforeRequest: { req in
                try req.content.encode(["minimum": 0], as: .json)
            }) { res in
                #expect(res.status == .forbidden)
                let code = try Self.error(res).code
                #expect(code == "access.role")
            }
            #expect(try await ElectionQuota.query(on: app.db).filter(\.$electionID == created.id.uuid).all().map(\.places).reduce(0, +) == 68)

            // Nominations: the unit nominates its own full member; another unit's member does not exist for it.
            let wulingPath = try #require(try await Organization.find(wuling, on: app.db)).path
            let dingchengPath = try #require(try await Organization.find(generator.unitIDs["dingcheng"]!, on: app.db)).path
            func fullMember(under path: String) async throws -> UUID {
                let organizations = try await Organization.query(on: app.db).filter(\.$path =~ path).all().compactMap(\.id)
                return try #require(try await Member.query(on: app.db).filter(\.$organizationID ~~ organizations)
                    .filter(\.$status == "正式党员").sort(\.$idNumber).first()?.id)
            }
            let ownMember = try await fullMember(under: wulingPath), otherMember = try await fullMember(under: dingchengPath)
            var candidate: APICandidate?
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/candidates", headers: unit, beforeRequest: { req in
                try req.content.encode(APINomination(memberId: MemberID(ownMember), supportOrganizations: 8, supportMembers: 120), as: .json)
            }) { res in
                #expect(res.status == .created)
                candidate = try res.content.decode(APICandidate.self)
            }
            let nominated = try #require(candidate)
            #expect(nominated.stage == .recommended && nominated.unitId.uuid == wuling)
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/candidates", headers: unit, beforeRequest: { req in
                try req.content.encode(APINomination(memberId: MemberID(otherMember), supportOrganizations: nil, supportMembers: nil), as: .json)
            }) { res in
                #expect(res.status == .notFound)
                let code = try Self.error(res).code
                #expect(code == "member.notFound")
            }
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/candidates", headers: dept, beforeRequest: { req in
                try req.content.encode(APINomination(memberId: MemberID(otherMember), supportOrganizations: 2, supportMembers: 30), as: .json)
            }) { res in #expect(res.status == .created) }
            // The unit's list holds its own nominee only; the department's both.
            try await app.testing().test(.GET, "/api/v1/elections/\(created.id)/candidates", headers: unit) { res in
                let list = try res.content.decode([APICandidate].self)
                #expect(list.map(\.memberId.uuid) == [ownMember])
                #expect(!res.body.string.contains(otherMember.uuidString))
            }
            try await app.testing().test(.GET, "/api/v1/elections/\(created.id)/candidates", headers: dept) { res in
                let list = try res.content.decode([APICandidate].self)
                #expect(list.count == 2)
            }
            // The unit reports its nominee as preliminary; inspection is the department's.
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/candidates/\(nominated.id)/stage", headers: unit, beforeRequest: { req in
                try req.content.encode(["stage": "初步人选"], as: .json)
            }) { res in
                #expect(res.status == .ok)
                let moved = try res.content.decode(APICandidate.self)
                #expect(moved.stage == .preliminary)
            }
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/candidates/\(nominated.id)/stage", headers: unit, beforeRequest: { req in
                try req.content.encode(["stage": "考察"], as: .json)
            }) { res in
                #expect(res.status == .forbidden)
                let code = try Self.error(res).code
                #expect(code == "nomination.stage.departmentOnly")
            }
            // Vetting: the department records 纪检's opinion on 鼎城区's nominee; the unit cannot read that record, the department can, and each reading is audited.
            var otherCandidate: APICandidate?
            try await app.testing().test(.GET, "/api/v1/elections/\(created.id)/candidates", headers: dept) { res in
                otherCandidate = try res.content.decode([APICandidate].self).first { $0.memberId.uuid == otherMember }
            }
            let other = try #require(otherCandidate)
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/candidates/\(other.id)/stage", headers: dept, beforeRequest: { req in
                try req.content.encode(["stage": "初步人选"], as: .json)
            }) { res in #expect(res.status == .ok) }
            try await app.testing().test(.POST, "/api/v1/elections/\(created.id)/candidates/\(other.id)/vetting", headers: dept, beforeRequest: { req in
                try req.content.encode(APINewOpinion(department: .discipline, verdict: .clear, opinion: "未发现违纪违法问题", date: "2026-08-28",
                                                     attachments: [.init(name: "函复.txt", content: Data("函复".utf8).base64EncodedString())]), as: .json)
            }) { res in #expect(res.status == .created) }
            try await app.testing().test(.GET, "/api/v1/elections/\(created.id)/candidates/\(other.id)/vetting", headers: unit) { res in
                #expect(res.status == .notFound)
                #expect(!res.body.string.contains("未发现违纪违法问题"))
            }
            let viewsBefore = try await AuditEntry.query(on: app.db).filter(\.$action == "vetting.viewed").count()
            try await app.testing().test(.GET, "/api/v1/elections/\(created.id)/candidates/\(other.id)/vetting", headers: dept) { res in
                #expect(res.status == .ok)
                let record = try res.content.decode(APIVettingRecord.self)
                #expect(record.opinions.map(\.department) == [.discipline] && record.missing.count == 5 && record.opinions[0].attachments[0].name == "函复.txt")
            }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "vetting.viewed").count() == viewsBefore + 1)

            // The election page shows the unit its own nominee and not the other unit's.
            let ownName = try #require(try await Member.find(ownMember, on: app.db)).name
            let otherName = try #require(try await Member.find(otherMember, on: app.db)).name
            try await app.testing().test(.GET, "/elections/\(created.id)", headers: unit) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(">\(ownName)</a></td>") && !res.body.string.contains(">\(otherName)</a></td>"))
            }
            try await app.testing().test(.GET, "/elections/\(created.id)", headers: dept) { res in
                #expect(res.body.string.contains(">\(ownName)</a></td>") && res.body.string.contains(">\(otherName)</a></td>"))
            }
            // The candidate page with the vetting record: the department sees 鼎城区's; the unit does not (404), and the view is audited.
            try await app.testing().test(.GET, "/elections/\(created.id)/candidates/\(other.id)", headers: dept) { res in
                #expect(res.status == .ok && res.body.string.contains("未发现违纪违法问题") && res.body.string.contains("函复.txt"))
            }
            try await app.testing().test(.GET, "/elections/\(created.id)/candidates/\(other.id)", headers: unit) { res in
                #expect(res.status == .notFound && !res.body.string.contains("未发现违纪违法问题"))
            }
            // An election set up through the API has no composition targets yet: an empty table, not an error.
            try await app.testing().test(.GET, "/api/v1/elections/\(created.id)/composition", headers: dept) { res in
                #expect(res.status == .ok)
                let reports = try res.content.decode([RequirementReport].self)
                #expect(reports.isEmpty)
            }
            // The demo's city election has the seed's targets: its (empty) list misses every minimum.
            let demoElection = try #require(try await Election.query(on: app.db).filter(\.$organizationID == generator.cityID)
                .filter(\.$name != created.name).first()?.id)
            try await app.testing().test(.GET, "/api/v1/elections/\(demoElection)/composition", headers: dept) { res in
                let reports = try res.content.decode([RequirementReport].self)
                #expect(reports.map(\.id) == ["women", "minority", "age50", "age35", "cadre", "professional", "model"])
                #expect(reports.first { $0.id == "women" }?.met == true && reports.first { $0.id == "women" }?.actual == 0)   // 20% of nobody is nobody
            }
        }
    }
}

/// A JSON value of any encodable type, for request bodies that mix strings and numbers.
struct AnyEncodable: Encodable {
    let encode: (any Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encode = value.encode }
    func encode(to encoder: any Encoder) throws { try encode(encoder) }
}
