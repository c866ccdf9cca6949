import Foundation
import Vapor
import Core
import Persistence
import Elections
import Meetings

struct APIRoundSummary: Content {
    let id: RoundID, election: ElectionID, kind: RoundKind, state: RoundState
}

struct APIRound: Content {
    struct Candidate: Content { let id: String; let name: String }
    struct Batch: Content { let id: String; let ballots: Int; let state: String }
    let id: RoundID, election: ElectionID, number: Int, kind: RoundKind, state: RoundState, seats: Int, candidates: [Candidate]
    let ballotHash: String?, expected: Int?, present: Int?, issued: Int?, returned: Int?
    /// The ballot batches keyed so far.
    let batches: [Batch]
    init(_ r: RoundRecord) {
        id = r.id; election = r.electionID; number = r.number; kind = r.kind; state = r.lifecycle.state; seats = r.seats
        candidates = r.candidates.map { .init(id: $0.id, name: $0.name) }
        ballotHash = r.lifecycle.ballotHash; expected = r.lifecycle.expected; present = r.lifecycle.present; issued = r.lifecycle.issued
        returned = r.lifecycle.returned; batches = []
    }
}

struct APINewRound: Content { let kind: RoundKind; let seats: Int; let candidates: [MemberID] }
struct APIRoundStep: Content { let step: String; let issued: Int?; let returned: Int?; let reason: String? }

/// Rounds of voting under /api/v1: the list the account may see, one round, setting one up,
/// its lifecycle steps, and its ballots as a PDF.
enum RoundAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("rounds", use: list)
        signedIn.get("rounds", ":round", use: one)
        signedIn.post("elections", ":id", "rounds", use: create)
        signedIn.post("rounds", ":round", "steps", use: step)
        signedIn.get("rounds", ":round", "ballots.pdf", use: ballots)
    }

    static func roundID(_ req: Request) throws -> RoundID { try NominationAPI.parameter(req, "round", "轮次") }

    @Sendable static func list(_ req: Request) async throws -> [APIRoundSummary] {
        let access = try await Access.require(.runMeeting, for: req)
        return try await Rounds.list(scope: try access.scope, in: req.data).map {
            APIRoundSummary(id: $0.round.id, election: $0.election.id, kind: $0.round.kind, state: $0.round.lifecycle.state)
        }
    }

    @Sendable static func one(_ req: Request) async throws -> APIRound {
        let access = try await Access.require(.runMeeting, for: req)
        return APIRound(try await Rounds.find(try roundID(req), scope: try access.scope, in: req.data).round)
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        let access = try await Access.require(.runMeeting, for: req)
        let form = try req.content.decode(APINewRound.self)
        let round = try await Rounds.create(try pathID(req, "选举"), kind: form.kind, seats: form.seats, candidates: form.candidates,
                                            actor: access.user.username, scope: try access.scope, in: req.data)
        return try await APIRound(round).encodeResponse(status: .created, for: req)
    }

    @Sendable static func step(_ req: Request) async throws -> APIRound {
        let access = try await Access.require(.runMeeting, for: req)
        let form = try req.content.decode(APIRoundStep.self)
        func number(_ value: Int?, _ field: String) throws -> Int {
            guard let value else { throw Refusal.invalid("round.step.\(field)Missing", "这一步须给出 \(field)", field: field) }
            return value
        }
        let step: Rounds.Step
        switch form.step {
        case "freeze": step = .freeze
        case "open": step = .open(issued: try number(form.issued, "issued"))
        case "collect": step = .collect(returned: try number(form.returned, "returned"))
        case "revote": step = .revote(issued: try number(form.issued, "issued"))
        case "reopen": step = .reopen(reason: form.reason ?? "")
        default: throw Refusal.invalid("round.step.unknown", "step 应为 freeze、open、collect、revote、reopen 之一", field: "step")
        }
        return APIRound(try await Rounds.take(step, round: try roundID(req), actor: access.user.username, scope: try access.scope, in: req.data))
    }

    /// `?count=` ballots numbered from 1 (default: as many as were issued, or present), `?spare=true` for the spare set.
    @Sendable static func ballots(_ req: Request) async throws -> Response {
        let access = try await Access.require(.runMeeting, for: req)
        let id = try roundID(req)
        let round = try await Rounds.find(id, scope: try access.scope, in: req.data).round
        let count = req.query[Int.self, at: "count"] ?? round.lifecycle.issued ?? round.lifecycle.present ?? 1
        let spare = req.query[String.self, at: "spare"] == "true"
        let pool = req.application.threadPool
        let scope = try access.scope, data = req.data
        let pdf = try await Rounds.ballots(id, count: count, spare: spare, scope: scope, in: data, offload: { work in try await pool.runIfActive(work) })
        let response = Response(status: .ok, body: .init(data: pdf))
        response.headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"ballots-\(round.number)\(spare ? "-spare" : "").pdf\"")
        return response
    }
}
