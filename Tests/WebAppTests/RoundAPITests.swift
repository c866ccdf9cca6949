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

/// The election meeting through /api/v1: check-in at the door, a round set up, its ballot
/// frozen and printed, voting opened on the meeting's E and P, the ballots returned.
@Suite(.serialized) struct RoundAPITests {
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
                var result: T?
                try await app.testing().test(method, "/api/v1" + path, headers: dept, beforeRequest: { req in
                    if let body { try req.content.encode(AnyEncodable(body), as: .json) }
                }) { res in
                    #expect(res.status == status, "\(method) \(path): \(res.body.string.prefix(300))")
                    if res.status == status { result = try? res.content.decode(T.self) }
                }
                return result
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
            // Printed: one ballot a page, each with its number, the names and the definition's hash.
            try await app.testing().test(.GET, "/api/v1/rounds/\(round.id)/ballots.pdf?count=2", headers: dept) { res in
                #expect(res.status == .ok && res.headers.contentType?.description == "application/pdf")
                // scripts/test installs poppler-utils; without it this fails rather than passing unread.
                let text = try Poppler.text(Data(buffer: res.body))
                #expect(text.contains("No. 00001") && text.contains("No. 00002") && text.contains(String(hash.prefix(16))))
                #expect(round.candidates.allSatisfy { text.contains($0.name) })
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
            #expect(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "announce", issued: nil, returned: nil, reason: nil),
                                   expect: .badRequest)?.code == "round.step.unknown")
            let collected = try #require(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "collect", issued: nil, returned: attendance.present, reason: nil),
                                                        expect: .ok, as: APIRound.self))
            #expect(collected.state == .collected && collected.returned == attendance.present)
            #expect(try await call(.POST, "/rounds/\(round.id)/steps", body: APIRoundStep(step: "freeze", issued: nil, returned: nil, reason: nil),
                                   expect: .badRequest)?.code == "round.action.notAllowed")
        }
    }
}
