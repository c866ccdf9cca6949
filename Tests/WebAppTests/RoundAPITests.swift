import Foundation
import Testing
import Vapor
import VaporTesting
import Fluent
@testable import WebApp
import Core
import Persistence
import Demo
import PopplerSupport
import Meetings

/// The election meeting through /api/v1: check-in at the door, a round set up, its ballot
/// frozen and printed, voting opened on the meeting's E and P, the ballots returned.
@Suite(.serialized) struct RoundAPITests {
    /// `POST /api/v1/ballots/preview`: the seed's 68 names, given in reverse, come back as a
    /// two-sheet PDF in 姓氏笔画 order marked as a preview; a bad order or paper is a coded refusal.
    @Test func aBallotPreviewDrawsTheListGivenOverItsSheets() async throws {
        try await withXuanjuApp { app in
            try await User(username: "dept", passwordHash: try Bcrypt.hash("dept-password", cost: 4), displayName: "组织部",
                           role: .departmentAdmin, organizationID: nil).create(on: app.db)
            let dept = try await ElectionAPITests.signIn(app, "dept", "dept-password")
            // 丁 2, 于 3, 王 4, 石 5, 朱 6, 李 7, 周 8 strokes; 一 1 … 海 10: the order is known by hand.
            let names = Array("丁于王石朱李周").flatMap { s in Array("一力山文平光志明春海").map { "\(s)\($0)" } }.prefix(68)
            let body = APIBallotPreview(title: "常德市出席省第十二次党代会代表候选人推荐人选", seats: 56, candidates: names.reversed(),
                                        order: "strokes", paper: nil)
            try await app.testing().test(.POST, "/api/v1/ballots/preview", headers: dept, beforeRequest: { try $0.content.encode(body) }) { res in
                #expect(res.status == .ok && res.headers.contentType?.description == "application/pdf")
                let pages = try Poppler.text(Data(buffer: res.body)).split(separator: "\u{0C}").map(String.init).filter { !$0.isEmpty }
                #expect(pages.count == 2)
                let words = pages.flatMap { $0.components(separatedBy: .whitespacesAndNewlines) }.filter(Set(names).contains)
                #expect(words == Array(names))
                let flat = String(pages[1].unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
                #expect(flat.contains("第2张共2张") && flat.contains("选票样张（预览），不是正式选票") && flat.contains("（按姓氏笔画为序）"))
            }
            for (change, code) in [("order", "ballot.order.unknown"), ("paper", "ballot.paper.unknown")] {
                let bad = APIBallotPreview(title: "t", seats: 1, candidates: ["王一"], order: change == "order" ? "approved" : nil,
                                           paper: change == "paper" ? "B5" : nil)
                try await app.testing().test(.POST, "/api/v1/ballots/preview", headers: dept, beforeRequest: { try $0.content.encode(bad) }) { res in
                    #expect(res.status == .badRequest && (try? res.content.decode(APIError.self).code) == code)
                }
            }
        }
    }

    @Test func aRoundByAPIFromCheckInToTheBallotsReturned() async throws {
        try await withXuanjuApp { app in
            let generator = DemoGenerator(memberCount: 2_000)
            _ = try await DemoLoader.load(generator, into: app.db.data)
            try await User(username: "dept", passwordHash: try Bcrypt.hash("dept-password", cost: 4), displayName: "组织部",
                           role: .departmentAdmin, organizationID: nil).create(on: app.db)
            let dept = try await ElectionAPITests.signIn(app, "dept", "dept-password")
            let town = try #require(try await Election.query(on: app.db).filter(\.$organizationID == generator.townID).first()?.id)
            let townPath = try #require(try await Organization.find(generator.townID, on: app.db)).path
            let organizations = try await Organization.query(on: app.db).filter(\.$path =~ townPath).all().compactMap(\.id)
            let voters = try await Member.query(on: app.db).filter(\.$organizationID ~~ organizations).filter(\.$status == "正式党员").sort(\.$idNumber).all()
            try #require(voters.count >= 6)
            func call<T: Decodable>(_ method: HTTPMethod, _ path: String, body: (any Encodable)? = nil, expect status: HTTPStatus, as: T.Type = APIError.self) async throws -> T? {
                try await apiCall(app, method, path, headers: dept, body: body, expect: status, as: T.self)
            }
            // Check-in: E and P come back; the same person again is refused.
            let first = try #require(try await call(.POST, "/elections/\(town)/check-ins", body: APICheckIn(query: voters[0].idNumber), expect: .created, as: APICheckedIn.self))
            #expect(first.attendance.present == 1 && first.attendance.expected == voters.count && !first.attendance.quorumMet)
            #expect(try await call(.POST, "/elections/\(town)/check-ins", body: APICheckIn(query: voters[0].idNumber), expect: .badRequest)?.code == "checkIn.duplicate")
            // A round of 5 seats from 6 candidates (20%: at least 6).
            let candidates = voters.suffix(6).map { MemberID($0.id!) }
            let round = try #require(try await call(.POST, "/elections/\(town)/rounds", body: APINewRound(kind: .formal, seats: 5, candidates: candidates),
                                                    expect: .created, as: APIRound.self))
            #expect(round.state == .draft && round.candidates.count == 6 && round.batches.isEmpty)
            #expect(try await call(.GET, "/rounds", expect: .ok, as: [APIRoundSummary].self)?.map(\.id) == [round.id])
            let frozen = try #require(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "freeze", issued: nil, returned: nil, reason: nil),
                                                     expect: .ok, as: APIRound.self))
            let hash = try #require(frozen.ballotHash)
            // Printed: two copies alike, unnumbered, each with the round, the names and the definition's hash.
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/ballots.pdf?count=2", headers: dept) { res in
                #expect(res.status == .ok && res.headers.contentType?.description == "application/pdf")
                // scripts/test installs poppler-utils; without it this fails rather than passing unread.
                let pages = try Poppler.text(Data(buffer: res.body)).split(separator: "\u{0C}").map(String.init)
                #expect(pages.count == 2 && pages[0] == pages[1])
                let flat = String(pages[0].unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
                #expect(flat.contains("第1轮正式选举") && flat.contains("第1张共1张") && flat.contains(String(hash.prefix(16))))
                #expect(!pages[0].contains("No."))
                #expect(round.candidates.allSatisfy { pages[0].contains($0.name) })
            }
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/ballots.pdf?count=2&paper=B5", headers: dept) { res in
                let code = try res.content.decode(APIError.self).code
                #expect(res.status == .badRequest && code == "ballot.paper.unknown")
            }
            #expect(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "open", issued: 1, returned: nil, reason: nil),
                                   expect: .badRequest)?.code == "round.quorum.notMet")
            for voter in voters.dropFirst().prefix((4 * voters.count + 4) / 5 - 1) {
                _ = try await call(.POST, "/elections/\(town)/check-ins", body: APICheckIn(query: voter.idNumber), expect: .created, as: APICheckedIn.self)
            }
            let attendance = try #require(try await call(.GET, "/elections/\(town)/attendance", expect: .ok, as: APIAttendance.self))
            #expect(attendance.quorumMet)
            let voting = try #require(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "open", issued: attendance.present, returned: nil, reason: nil),
                                                     expect: .ok, as: APIRound.self))
            #expect(voting.state == .voting && voting.expected == attendance.expected && voting.present == attendance.present && voting.issued == attendance.present)
            #expect(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "publish", issued: nil, returned: nil, reason: nil),
                                   expect: .badRequest)?.code == "round.step.unknown")
            let collected = try #require(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "collect", issued: nil, returned: attendance.present, reason: nil),
                                                        expect: .ok, as: APIRound.self))
            #expect(collected.state == .collected && collected.returned == attendance.present)
            #expect(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "freeze", issued: nil, returned: nil, reason: nil),
                                   expect: .badRequest)?.code == "round.action.notAllowed")

            // Counting: the returned ballots in batches of at most 50, keyed twice by two counters of the town.
            for (name, role) in [("counter1", UserRole.counter), ("counter2", .counter), ("scrutineer", .scrutineer)] {
                try await User(username: name, passwordHash: try Bcrypt.hash("\(name)-password", cost: 4), displayName: name, role: role,
                               organizationID: generator.townID).create(on: app.db)
            }
            let counter1 = try await ElectionAPITests.signIn(app, "counter1", "counter1-password")
            let counter2 = try await ElectionAPITests.signIn(app, "counter2", "counter2-password")
            let scrutineer = try await ElectionAPITests.signIn(app, "scrutineer", "scrutineer-password")
            let counting = try #require(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "count", issued: nil, returned: nil, reason: nil),
                                                       expect: .ok, as: APIRound.self))
            try #require(counting.batches.count == 1 && counting.batches[0].ballots == attendance.present)
            func put(_ headers: HTTPHeaders, entry: Int, number: Int, _ body: BallotEntry.Body, expect status: HTTPStatus) async throws -> String {
                var answer = ""
                try await app.testing().test(.PUT, "/api/v1/rounds/\(round.id)/batches/1/entries/\(entry)/ballots/\(number)", headers: headers, beforeRequest: { req in
                    try req.content.encode(body, as: .json)
                }) { res in
                    #expect(res.status == status, "PUT \(entry)/\(number): \(res.body.string)")
                    answer = res.body.string
                }
                return answer
            }
            let c = round.candidates.map(\.id)
            func ballot(_ n: Int) -> BallotEntry.Body {
                .init(marks: Dictionary(uniqueKeysWithValues: c.prefix(n % 4).map { ($0, "for") } + [(c[5], "against")]), writeIns: n == 1 ? [.init(under: c[5], name: "赵志刚")] : nil)
            }
            let size = counting.batches[0].ballots
            var firstAnswer = ""
            for n in 1...size {
                let answer = try await put(counter1, entry: 1, number: n, ballot(n), expect: .ok)
                if n == 1 { firstAnswer = answer }
            }
            let retried = try await put(counter1, entry: 1, number: 1, ballot(1), expect: .ok)
            #expect(retried == firstAnswer)   // the same again answers as the first time
            let sameCounter = try await put(counter1, entry: 2, number: 1, ballot(1), expect: .forbidden)
            #expect(sameCounter.contains("entry.sameCounter"))
            try await app.testing().test(.GET, "/api/v1/members", headers: counter1) { res in #expect(res.status == .forbidden) }   // counters never reach the roster
            // Counter 2 reads ballot 2 differently; neither counter is told, before or after submitting.
            for n in 1...size { _ = try await put(counter2, entry: 2, number: n, n == 2 ? ballot(3) : ballot(n), expect: .ok) }
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/batches/1/differences", headers: scrutineer) { res in
                let numbers = try res.content.decode(APIDifferences.self).numbers
                #expect(numbers.isEmpty)   // neither entry submitted yet: blind
            }
            for (headers, entry) in [(counter1, 1), (counter2, 2)] {
                try await app.testing().test(.POST, "/api/v1/rounds/\(round.id)/batches/1/entries/\(entry)/finalise", headers: headers) { res in
                    #expect(res.status == .ok)
                    #expect(!res.body.string.contains("numbers") && !res.body.string.contains("差异"), "\(res.body.string)")
                }
            }
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/batches/1/differences", headers: counter2) { res in
                #expect(res.status == .forbidden)   // counters never learn which ballots differ
            }
            let afterFinalise = try await put(counter1, entry: 1, number: 1, ballot(2), expect: .conflict)
            #expect(afterFinalise.contains("entry.finalised"))
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/batches/1/differences", headers: scrutineer) { res in
                let numbers = try res.content.decode(APIDifferences.self).numbers
                #expect(numbers == [2])
                #expect(!res.body.string.contains("for"))   // numbers only, never the other entry's marks
            }
            try await app.testing().test(.POST, "/api/v1/rounds/\(round.id)/batches/1/resolve", headers: counter1, beforeRequest: { req in
                try req.content.encode(["number": 2, "keep": 1], as: .json)
            }) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.POST, "/api/v1/rounds/\(round.id)/batches/1/resolve", headers: scrutineer, beforeRequest: { req in
                try req.content.encode(["number": 2, "keep": 1], as: .json)
            }) { res in
                let numbers = try res.content.decode(APIDifferences.self).numbers
                #expect(numbers.isEmpty)
            }
            let done = try #require(try await call(.GET, "/rounds/\(round.id)", expect: .ok, as: APIRound.self))
            #expect(done.batches.map(\.state) == ["已确定"])
            let counted = try #require(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "finish", issued: nil, returned: nil, reason: nil),
                                                      expect: .ok, as: APIRound.self))
            #expect(counted.state == .counted)
            // The count: every keyed ballot counted, the votes adding up, provisional until signed.
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/report", headers: scrutineer) { res in
                #expect(res.status == .ok)
                let report = try res.content.decode(APIRoundReport.self)
                #expect(report.provisional && report.report.returned == size && report.report.valid + report.report.invalid == size)
                #expect(report.report.issued == attendance.present && report.report.results.allSatisfy { $0.forVotes + $0.againstVotes + $0.abstain == report.report.valid || $0.writeIn })
                #expect(Set(report.report.results.compactMap(\.id)).isSuperset(of: round.candidates.map(\.id)))
                // Ballot 1 wrote 赵志刚 in under c[5]: the write-in is in the count.
                #expect(report.report.results.contains { $0.writeIn && $0.name == "赵志刚" && $0.forVotes == 1 })
            }
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/report", headers: counter1) { res in #expect(res.status == .forbidden) }
            // The signatures: the chief scrutineer's account and the chair's (the department's here), then the announcement.
            for (headers, role) in [(scrutineer, "chiefScrutineer"), (dept, "chair")] {
                try await app.testing().test(.POST, "/api/v1/rounds/\(round.id)/steps", headers: headers, beforeRequest: { req in
                    try req.content.encode(APIRoundStep(step: "sign", as: role), as: .json)
                }) { res in #expect(res.status == .ok, "\(res.body.string)") }
            }
            try await app.testing().test(.POST, "/api/v1/rounds/\(round.id)/steps", headers: counter1, beforeRequest: { req in
                try req.content.encode(APIRoundStep(step: "sign", as: "chiefScrutineer"), as: .json)
            }) { res in #expect(res.status == .forbidden) }
            let announced = try #require(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "announce"), expect: .ok, as: APIRound.self))
            #expect(announced.state == .announced)
            var elected: [String] = []
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/report", headers: scrutineer) { res in
                let report = try res.content.decode(APIRoundReport.self)
                #expect(!report.provisional)
                elected = report.report.elected
            }
            // The announced elected are the town's delegates, awaiting review; the department finds one qualified.
            let delegates = try #require(try await call(.GET, "/elections/\(town)/delegates", expect: .ok, as: [APIDelegate].self))
            #expect(!elected.isEmpty && Set(delegates.map(\.memberId.description)) == Set(elected))
            #expect(delegates.allSatisfy { $0.qualification == .pending && $0.elected.round == round.id && !$0.stands && !$0.unit.isEmpty })
            let delegate = try #require(delegates.first)
            let reviewed = try #require(try await call(.POST, "/elections/\(town)/delegates/\(delegate.memberId)/qualification",
                                                       body: APIDelegateReview(qualification: .valid, reason: nil, consequence: nil), expect: .ok,
                                                       as: APIDelegate.self))
            #expect(reviewed.qualification == .valid && reviewed.stands)
            #expect(try await call(.POST, "/elections/\(town)/delegates/\(delegate.memberId)/qualification",
                                   body: APIDelegateReview(qualification: .invalid, reason: nil, consequence: .reelect),
                                   expect: .badRequest)?.code == "delegate.review.reasonMissing")
            // The 代表名册 page lists them with their verdicts and offers the department the review.
            try await app.testing().test(.GET, "/elections/\(town)/delegates", headers: dept) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(delegates.allSatisfy { html.contains("<td>\($0.name)</td>") })
                #expect(html.contains("资格有效 1 名，无效 0 名，待审查 \(delegates.count - 1) 名") && html.contains("代表资格审查报告（PDF）"))
            }
        }
    }
}
