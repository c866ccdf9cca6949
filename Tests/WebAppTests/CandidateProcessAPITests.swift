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
import NameOrder
import PopplerSupport

/// The candidate process through /api/v1 alone, as a client program would drive it: the
/// department sets the election up with its composition targets and timeline and shares the
/// places with an override; 武陵区 nominates from the roster, reports its participation, is
/// blocked by a mandatory requirement, mends its list and reports it with guidance warnings;
/// the department vets, moves the list to 公示 and publishes the notice, whose names come back
/// from the PDF in 姓氏笔画 order.
@Suite(.serialized) struct CandidateProcessAPITests {
    static let poppler = Poppler.installed()

    static func pdfText(_ data: Data) throws -> String { try Poppler.text(data) }

    struct Nominate: Content { let memberId: MemberID; let supportOrganizations: Int; let supportMembers: Int }
    struct Stage: Content { let stage: String; let reason: String? }

    @Test(.enabled(if: CandidateProcessAPITests.poppler, "poppler-utils (pdftotext) is not installed: skipped"))
    func theWholeProcessByAPIThroughThePublishedNotice() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 2_000)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            let wuling = OrganizationID(try #require(generator.unitIDs["wuling"])), dingcheng = OrganizationID(try #require(generator.unitIDs["dingcheng"]))
            for (name, role, unit) in [("dept", UserRole.departmentAdmin, nil), ("wl", .unitAdmin, wuling), ("dc", .unitAdmin, dingcheng)] as [(String, UserRole, OrganizationID?)] {
                try await User(username: name, passwordHash: try Bcrypt.hash("\(name)-password", cost: 4), displayName: name, role: role,
                               organizationID: unit?.uuid).create(on: app.db)
            }
            let dept = try await ElectionAPITests.signIn(app, "dept", "dept-password")
            let wl = try await ElectionAPITests.signIn(app, "wl", "wl-password")
            let dc = try await ElectionAPITests.signIn(app, "dc", "dc-password")
            func call<T: Decodable>(_ method: HTTPMethod, _ path: String, _ headers: HTTPHeaders, body: (any Encodable)? = nil, expect status: HTTPStatus,
                                    as: T.Type = APIError.self) async throws -> T? {
                try await apiCall(app, method, path, headers: headers, body: body, expect: status, as: T.self)
            }

            // 1. Setup: the seed's targets and timeline.
            let composition = try JSONSerialization.jsonObject(with: Data(CompositionPresets.provincialCongressJSON.utf8))
            let setup: [String: AnyEncodable] = [
                "name": AnyEncodable("推荐出席省第十次党代会代表候选人预备人选"), "organizationId": AnyEncodable(generator.cityID.uuidString),
                "profile": AnyEncodable("local-congress"), "seats": AnyEncodable(56), "marginRatio": AnyEncodable("0.21"),
                "referenceDate": AnyEncodable("2026-09-01"), "nameOrder": AnyEncodable("A"),
                "deadlines": AnyEncodable([["step": "区县（市）与市委组织部衔接初步人选名单", "due": "2026-08-25"], ["step": "全面完成推荐工作", "due": "2026-09-15"]]),
            ]
            var raw = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(setup)) as! [String: Any]
            raw["composition"] = composition
            var created: APIElection?
            try await app.testing().test(.POST, "/api/v1/elections", headers: dept, beforeRequest: { req in
                req.headers.contentType = .json
                req.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: raw))
            }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                created = try res.content.decode(APIElection.self)
            }
            let election = try #require(created)
            #expect(election.candidatePlaces == 68 && election.nameOrder == .a)
            let listed = try #require(try await call(.GET, "/elections", wl, expect: .ok, as: [APIElection].self))
            #expect(listed.contains { $0.id == election.id && $0.nameOrder == .a })

            // 2. Quotas: 武陵区 gets one place more than its share, with the reason; the rest are shared
            // among the others, where two units tie for the last place: applying is refused until the
            // department settles the tie by hand, with its reason too.
            struct Plan: Content { let minimum: Int; let overrides: [APIQuotaPlan.Override] }
            let share = try #require(try await call(.POST, "/elections/\(election.id)/quotas/preview", dept, body: ["minimum": 3], expect: .ok,
                                                    as: APIQuotaPreview.self))
            let wulingPlaces = try #require(share.rows.first { $0.unit == wuling }).places + 1
            var overrides = [APIQuotaPlan.Override(unit: wuling, places: wulingPlaces, reason: "武陵区党员多、基层组织多，增加一名")]
            let preview = try #require(try await call(.POST, "/elections/\(election.id)/quotas/preview", dept, body: Plan(minimum: 3, overrides: overrides),
                                                      expect: .ok, as: APIQuotaPreview.self))
            if let tie = preview.ties.first {
                #expect(try await call(.PUT, "/elections/\(election.id)/quotas", dept, body: Plan(minimum: 3, overrides: overrides), expect: .badRequest)?.code == "quota.tie")
                let first = try #require(preview.rows.first { $0.name == tie[0] })
                overrides.append(.init(unit: first.unit, places: first.places, reason: "与\(tie[1])并列，经常委会研究确定"))
            }
            let applied = try #require(try await call(.PUT, "/elections/\(election.id)/quotas", dept, body: Plan(minimum: 3, overrides: overrides),
                                                      expect: .ok, as: APIQuotaPreview.self))
            #expect(applied.total == 68 && applied.rows.first { $0.unit == wuling }?.reason == "武陵区党员多、基层组织多，增加一名")

            // 3. 武陵区 nominates from its roster: men first; a probationary member is refused.
            let base = "/members?status=\("正式党员".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&age=\("36至50岁".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&pageSize=200"
            let pool = try #require(try await call(.GET, base, wl, expect: .ok, as: APIMemberPage.self)).members
            let men = pool.filter { $0.record.gender == "男" && $0.record.ethnicity == "汉族" }
            let women = pool.filter { $0.record.gender == "女" && $0.record.ethnicity != "汉族" } + pool.filter { $0.record.gender == "女" && $0.record.ethnicity == "汉族" }
            let minorityMen = pool.filter { $0.record.gender == "男" && $0.record.ethnicity != "汉族" }
            try #require(men.count >= wulingPlaces && !women.isEmpty && !minorityMen.isEmpty)
            var nominated: [APICandidate] = []
            for member in men.prefix(wulingPlaces) {
                nominated.append(try #require(try await call(.POST, "/elections/\(election.id)/candidates", wl,
                                                             body: Nominate(memberId: member.id, supportOrganizations: 5, supportMembers: 120), expect: .created,
                                                             as: APICandidate.self)))
            }
            let probationary = try #require(try await call(.GET, "/members?status=\("预备党员".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                                                           wl, expect: .ok, as: APIMemberPage.self)?.members.first)
            #expect(try await call(.POST, "/elections/\(election.id)/candidates", wl, body: Nominate(memberId: probationary.id, supportOrganizations: 1, supportMembers: 1),
                                   expect: .badRequest)?.code == "nomination.standing")
            // 鼎城区 sees none of 武陵区's nominees.
            #expect(try await call(.GET, "/elections/\(election.id)/candidates", dc, expect: .ok, as: [APICandidate].self)?.isEmpty == true)

            // 4. Participation: the share of grassroots organizations is reported back.
            let participation = try #require(try await call(.GET, "/elections/\(election.id)/participation", wl, expect: .ok, as: [APIParticipation].self))
            let mine = try #require(participation.first)
            #expect(participation.count == 1 && mine.unitId == wuling && mine.organizations == nil)
            let reported = try #require(try await call(.PUT, "/elections/\(election.id)/units/\(wuling)/participation", wl,
                                                       body: ["organizations": mine.grassroots, "members": mine.memberCount / 2], expect: .ok,
                                                       as: APIParticipation.self))
            #expect(reported.share == "100.0%" && reported.meetsTarget == true)
            #expect(try await call(.PUT, "/elections/\(election.id)/units/\(dingcheng)/participation", wl, body: ["organizations": 1, "members": 1],
                                   expect: .notFound)?.code == "participation.unit.unknown")

            // 5. Men only: the mandatory requirements block the list.
            let blocked = try #require(try await call(.POST, "/elections/\(election.id)/units/\(wuling)/stage", wl, body: Stage(stage: "初步人选", reason: nil),
                                                      expect: .badRequest))
            #expect(blocked.code == "nomination.list.mandatoryUnmet" && blocked.message.contains("妇女") && blocked.message.contains("少数民族"))
            // Enough men withdraw for the women and minorities the list needs (minority women first); the list moves, with guidance warnings.
            let needWomen = (wulingPlaces * 20 + 99) / 100, needMinorities = (wulingPlaces * 11 + 99) / 100
            let addedWomen = Array(women.prefix(needWomen))
            let addedMen = Array(minorityMen.prefix(max(0, needMinorities - addedWomen.filter { $0.record.ethnicity != "汉族" }.count)))
            try #require(addedWomen.count == needWomen && addedWomen.count + addedMen.count < wulingPlaces)
            for candidate in nominated.prefix(addedWomen.count + addedMen.count) {
                _ = try await call(.POST, "/elections/\(election.id)/candidates/\(candidate.id)/stage", wl, body: Stage(stage: "退出", reason: "本人申请退出"),
                                   expect: .ok, as: APICandidate.self)
            }
            for member in addedWomen + addedMen {
                _ = try await call(.POST, "/elections/\(election.id)/candidates", wl, body: Nominate(memberId: member.id, supportOrganizations: 4, supportMembers: 90),
                                   expect: .created, as: APICandidate.self)
            }
            let moved = try #require(try await call(.POST, "/elections/\(election.id)/units/\(wuling)/stage", wl, body: Stage(stage: "初步人选", reason: nil),
                                                    expect: .ok, as: APIListMove.self))
            #expect(moved.moved == wulingPlaces && moved.warnings.contains { $0.contains("参考") })
            // The unit cannot take its list beyond 初步人选.
            #expect(try await call(.POST, "/elections/\(election.id)/units/\(wuling)/stage", wl, body: Stage(stage: "考察", reason: nil),
                                   expect: .forbidden)?.code == "nomination.stage.departmentOnly")

            // 6. Vetting: the department records 纪检's opinion with a file; another unit cannot read it.
            let list = try #require(try await call(.GET, "/elections/\(election.id)/candidates", dept, expect: .ok, as: [APICandidate].self))
                .filter { $0.stage == .preliminary }
            #expect(list.count == wulingPlaces)
            let vetted = list[0]
            struct Opinion: Content { let department: String; let verdict: String; let opinion: String; let date: String; let attachments: [APINewOpinion.Attachment] }
            _ = try await call(.POST, "/elections/\(election.id)/candidates/\(vetted.id)/vetting", dept,
                               body: Opinion(department: "纪检", verdict: "无不良反映", opinion: "经查，未发现问题", date: "2026-08-28",
                                             attachments: [.init(name: "纪检意见.txt", content: Data("未发现问题".utf8).base64EncodedString())]),
                               expect: .created, as: APIVettingOpinion.self)
            let record = try #require(try await call(.GET, "/elections/\(election.id)/candidates/\(vetted.id)/vetting", wl, expect: .ok, as: APIVettingRecord.self))
            #expect(record.opinions.count == 1 && record.opinions[0].attachments.first?.name == "纪检意见.txt")
            #expect(try await call(.GET, "/elections/\(election.id)/candidates/\(vetted.id)/vetting", dc, expect: .notFound)?.code == "nomination.notFound")

            // 7. The department moves the list on to 公示 — 研究审议 only once all six departments were heard
            // on everyone (one opinion of six is refused); the planner has too few nominees to plan 68 places and says so.
            _ = try await call(.POST, "/elections/\(election.id)/units/\(wuling)/stage", dept, body: Stage(stage: "考察", reason: nil),
                               expect: .ok, as: APIListMove.self)
            #expect(try await call(.POST, "/elections/\(election.id)/units/\(wuling)/stage", dept, body: Stage(stage: "研究审议", reason: nil),
                                   expect: .badRequest)?.code == "nomination.vetting.incomplete")
            for candidate in list {
                for department in ["纪检", "监察", "计生", "政法", "审计", "信访"] where candidate.id != vetted.id || department != "纪检" {
                    _ = try await call(.POST, "/elections/\(election.id)/candidates/\(candidate.id)/vetting", dept,
                                       body: Opinion(department: department, verdict: "无不良反映", opinion: "经查，未发现问题", date: "2026-08-28",
                                                     attachments: []),
                                       expect: .created, as: APIVettingOpinion.self)
                }
            }
            for stage in ["研究审议", "预备人选", "公示"] {
                _ = try await call(.POST, "/elections/\(election.id)/units/\(wuling)/stage", dept, body: Stage(stage: stage, reason: nil), expect: .ok, as: APIListMove.self)
            }
            let proposal = try #require(try await call(.GET, "/elections/\(election.id)/slate", dept, expect: .ok, as: APISlateProposal.self))
            #expect(!proposal.feasible && !proposal.conflicts.isEmpty)
            let published = try #require(try await call(.GET, "/elections/\(election.id)/candidates", dept, expect: .ok, as: [APICandidate].self))
                .filter { $0.stage == .publicized }
            #expect(published.count == wulingPlaces)

            // 8. The notice: a PDF whose names read back in the order the list gives (姓氏笔画, convention A).
            var notice = Data()
            try await app.testing().test(.GET, "/api/v1/elections/\(election.id)/documents/notice.pdf", headers: dept) { res in
                #expect(res.status == .ok && res.headers.contentType?.description == "application/pdf")
                #expect(res.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''") == true)
                notice = Data(buffer: res.body)
            }
            let names = published.map(\.name)
            #expect(names == NameOrder(convention: .a).sorted(names))
            let text = try Self.pdfText(notice)
            let positions = try names.map { name in try #require(text.range(of: "\(name)，")).lowerBound }
            #expect(positions == positions.sorted())
            // The same request again gives the same bytes (fixed creation date); the audit log has both.
            try await app.testing().test(.GET, "/api/v1/elections/\(election.id)/documents/notice.pdf", headers: dept) { res in
                #expect(Data(buffer: res.body) == notice)
            }
            // 9. 武陵区's report carries its participation figures.
            try await app.testing().test(.GET, "/api/v1/elections/\(election.id)/documents/report.pdf?unit=\(wuling)", headers: wl) { res in
                #expect(res.status == .ok)
                let report = try Self.pdfText(Data(buffer: res.body)).replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
                #expect(report.contains("本单位共有基层党组织\(mine.grassroots)个，参与推荐的\(mine.grassroots)个，占100.0%"))
            }
            try await app.testing().test(.GET, "/api/v1/elections/\(election.id)/documents/report.pdf?unit=\(wuling)", headers: dc) { res in
                #expect(res.status == .notFound && (try? ElectionAPITests.error(res).code) == "document.unit.unknown")
            }
            let issued = try await AuditEntry.query(on: app.db).filter(\.$action == "document.issued").count()
            #expect(issued == 3)
        }
    }
}
