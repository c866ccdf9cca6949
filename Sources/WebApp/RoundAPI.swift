import Foundation
import Vapor
import Core
import Persistence
import Elections
import Meetings
import ElectionDocuments

struct APIRoundSummary: Content {
    let id: RoundID, election: ElectionID, kind: RoundKind, state: RoundState
}

struct APIRound: Content {
    struct Candidate: Content { let id: String; let name: String }
    struct Batch: Content { let id: String; let ballots: Int; let state: String }
    let id: RoundID, election: ElectionID, number: Int, kind: RoundKind, office: Office?, state: RoundState, seats: Int, candidates: [Candidate]
    let ballotHash: String?, expected: Int?, present: Int?, issued: Int?, returned: Int?
    /// The meeting's decision to reduce the seats instead of a supplementary election, if any.
    let seatReduction: SeatReduction?
    /// The ballot batches keyed so far.
    let batches: [Batch]
    init(_ r: RoundRecord, batches: [(batch: BatchRecord, state: BallotEntry.BatchState)]) {
        id = r.id; election = r.electionID; number = r.number; kind = r.kind; office = r.office; state = r.lifecycle.state; seats = r.seats
        candidates = r.candidates.map { .init(id: $0.id, name: $0.name) }
        ballotHash = r.lifecycle.ballotHash; expected = r.lifecycle.expected; present = r.lifecycle.present; issued = r.lifecycle.issued
        returned = r.lifecycle.returned; seatReduction = r.seatReduction
        self.batches = batches.map { .init(id: String($0.batch.number), ballots: $0.batch.size, state: $0.state.rawValue) }
    }
}

/// The count report in the form `xuanju count --format json` prints, with `provisional` beside it
/// until the scrutineers have signed.
struct APIRoundReport: Content {
    let report: RoundReport
    let provisional: Bool
    enum Key: String, CodingKey { case provisional }
    init(report: RoundReport, provisional: Bool) { self.report = report; self.provisional = provisional }
    init(from decoder: any Decoder) throws {
        report = try RoundReport(from: decoder)
        provisional = try decoder.container(keyedBy: Key.self).decode(Bool.self, forKey: .provisional)
    }
    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(provisional, forKey: .provisional)
    }
}

struct APIKeyed: Content { let number: Int; let entry: Int; let valid: Bool; let invalidReason: String? }
struct APIDifferences: Content { let numbers: [Int] }
/// A submitted entry — nothing about the other entry (the counter stays blind).
struct APIFinalised: Content { let batch: Int; let entry: Int; let finalised: Bool }
struct APIResolve: Content { let number: Int; let keep: Int?; let reenter: Int? }
extension BallotEntry.Body: Content {}

struct APISeatReduction: Content { let vote: String; let agreed: Int? }
/// A supplementary list the chair sets instead of the computed one, with the reason (optional body of follow-up).
struct APIFollowUp: Content { let candidates: [MemberID]; let reason: String }

struct APINewRound: Content {
    let kind: RoundKind; let seats: Int; let candidates: [MemberID]
    /// true: the candidates stand on the ballot in the order given (approved by the higher organization), not 姓氏笔画.
    let approvedOrder: Bool?
    /// What the round elects (RULES §3 margin); the election's own office when left out.
    let office: Office?
    init(kind: RoundKind, seats: Int, candidates: [MemberID], approvedOrder: Bool? = nil, office: Office? = nil) {
        self.kind = kind; self.seats = seats; self.candidates = candidates; self.approvedOrder = approvedOrder; self.office = office
    }
}
struct APIRoundStep: Content {
    let step: String; let issued: Int?; let returned: Int?; let reason: String?
    /// For `sign`: "chiefScrutineer" or "chair".
    let `as`: String?
    init(step: String, issued: Int? = nil, returned: Int? = nil, reason: String? = nil, as role: String? = nil) {
        self.step = step; self.issued = issued; self.returned = returned; self.reason = reason; self.as = role
    }
}

struct APIBallotPreview: Content {
    let title: String, seats: Int, candidates: [String], order: String?, paper: String?
}

/// Rounds of voting under /api/v1: the list the account may see, one round, setting one up,
/// its lifecycle steps, and its ballots as a PDF.
enum RoundAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("rounds", use: list)
        signedIn.get("rounds", ":round", use: one)
        signedIn.post("elections", ":id", "rounds", use: create)
        signedIn.post("rounds", ":round", "steps", use: step)
        signedIn.get("rounds", ":round", "ballots.pdf", use: ballots)
        signedIn.put("rounds", ":round", "batches", ":batch", "entries", ":entry", "ballots", ":number", use: key)
        signedIn.post("rounds", ":round", "batches", ":batch", "entries", ":entry", "finalise", use: finalise)
        signedIn.get("rounds", ":round", "batches", ":batch", "differences", use: differences)
        signedIn.post("rounds", ":round", "batches", ":batch", "resolve", use: resolve)
        signedIn.get("rounds", ":round", "report", use: report)
        signedIn.post("rounds", ":round", "follow-up", use: followUp)
        signedIn.post("rounds", ":round", "seat-reduction", use: reduceSeats)
        signedIn.on(.POST, "ballots", "preview", body: .collect(maxSize: "256kb"), use: preview)
    }

    /// `POST /api/v1/ballots/preview`: one ballot of a list typed in, to check the layout before
    /// the meeting — every sheet of it, marked as a preview.
    @Sendable static func preview(_ req: Request) async throws -> Response {
        let access = try await Access.require(.runMeeting, for: req)
        let form = try req.content.decode(APIBallotPreview.self)
        guard let order = BallotOrder(rawValue: form.order ?? "strokes"), order != .approved else {
            throw Refusal.invalid("ballot.order.unknown", "order 应为 strokes（姓氏笔画）或 given（按所列顺序）", field: "order")
        }
        guard let paper = BallotPaper(rawValue: form.paper ?? "A4") else {
            throw Refusal.invalid("ballot.paper.unknown", "paper 应为 A4 或 A3", field: "paper")
        }
        let design = try BallotPreview.design(title: form.title, seats: form.seats, candidates: form.candidates, order: order, paper: paper)
        let pdf = try await BallotPreview.draw(design, offload: req.heavy(access.user.username))
        return pdfResponse(pdf, name: "ballot-preview.pdf")
    }

    static func pdfResponse(_ pdf: Data, name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: pdf))
        response.headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    /// The meeting's decision to reduce the seats instead of a supplementary election, with its vote.
    @Sendable static func reduceSeats(_ req: Request) async throws -> APIRound {
        let access = try await Access.require(.runMeeting, for: req)
        let form = try req.content.decode(APISeatReduction.self)
        let round = try await Rounds.reduceSeats(try roundID(req), vote: form.vote, agreed: form.agreed, actor: access.user.username,
                                                 scope: try access.scope, in: req.data)
        return APIRound(round, batches: try await BallotEntry.batches(of: round, in: req.data))
    }

    /// The tie-break or supplementary round the count calls for, computed from the report.
    @Sendable static func followUp(_ req: Request) async throws -> Response {
        let access = try await Access.require(.runMeeting, for: req)
        // No body: the list the report computes. A body: the chair's supplementary list and its reason.
        let override = (req.body.data?.readableBytes ?? 0) > 0 ? try req.content.decode(APIFollowUp.self) : nil
        let round = try await Rounds.followUp(try roundID(req), override: override.map { ($0.candidates, $0.reason) }, actor: access.user.username,
                                              scope: try access.scope, in: req.data)
        return try await APIRound(round, batches: []).encodeResponse(status: .created, for: req)
    }

    @Sendable static func report(_ req: Request) async throws -> APIRoundReport {
        let access = try await Access.require(anyOf: [.runMeeting, .resolveEntries], for: req)
        let result = try await RoundResults.report(try roundID(req), scope: try access.scope, in: req.data)
        return APIRoundReport(report: result.report, provisional: result.provisional)
    }

    static func number(_ req: Request, _ name: String, _ what: String) throws -> Int {
        guard let text = req.parameters.get(name), let n = Int(text), (1...1_000_000).contains(n) else {
            throw WebRefusal(.notFound, "request.id.unknown", "没有这个\(what)")
        }
        return n
    }

    /// `PUT …/batches/{batch}/entries/{1|2}/ballots/{number}`: one paper ballot as keyed; the same
    /// body again answers the same; a different body replaces it while the entry is open; 409 after.
    @Sendable static func key(_ req: Request) async throws -> APIKeyed {
        let access = try await Access.require(.enterBallots, for: req)
        let body = try req.content.decode(BallotEntry.Body.self)
        let answer = try await BallotEntry.key(body, round: try roundID(req), batch: try number(req, "batch", "批次"), entry: try number(req, "entry", "录入"),
                                               ballot: try number(req, "number", "选票"), actor: access.user.username, scope: try access.scope, in: req.data)
        return APIKeyed(number: answer.number, entry: answer.entry, valid: answer.valid, invalidReason: answer.reason)
    }

    @Sendable static func finalise(_ req: Request) async throws -> APIFinalised {
        let access = try await Access.require(.enterBallots, for: req)
        let batch = try number(req, "batch", "批次"), entry = try number(req, "entry", "录入")
        try await BallotEntry.finalise(round: try roundID(req), batch: batch, entry: entry, actor: access.user.username,
                                       scope: try access.scope, in: req.data)
        return APIFinalised(batch: batch, entry: entry, finalised: true)
    }

    /// The numbers of the ballots the two entries disagree on, for the scrutineers only (never
    /// the entries' values; empty until both entries are submitted).
    @Sendable static func differences(_ req: Request) async throws -> APIDifferences {
        let access = try await Access.require(.resolveEntries, for: req)
        return APIDifferences(numbers: try await BallotEntry.differences(round: try roundID(req), batch: try number(req, "batch", "批次"),
                                                                         scope: try access.scope, in: req.data))
    }

    @Sendable static func resolve(_ req: Request) async throws -> APIDifferences {
        let access = try await Access.require(.resolveEntries, for: req)
        let form = try req.content.decode(APIResolve.self)
        let decision: BallotEntry.Decision
        switch (form.keep, form.reenter) {
        case (let keep?, nil): decision = .keep(keep)
        case (nil, let reenter?): decision = .reenter(reenter)
        default: throw Refusal.invalid("resolve.decision", "须给出 keep 或 reenter 之一（1 或 2）", field: "keep")
        }
        return APIDifferences(numbers: try await BallotEntry.resolve(round: try roundID(req), batch: try number(req, "batch", "批次"), ballot: form.number,
                                                                     decision, actor: access.user.username, scope: try access.scope, in: req.data))
    }

    static func roundID(_ req: Request) throws -> RoundID { try NominationAPI.parameter(req, "round", "轮次") }

    @Sendable static func list(_ req: Request) async throws -> [APIRoundSummary] {
        let access = try await Access.require(.seeRounds, for: req)
        return try await Rounds.list(scope: try access.scope, in: req.data).map {
            APIRoundSummary(id: $0.round.id, election: $0.election.id, kind: $0.round.kind, state: $0.round.lifecycle.state)
        }
    }

    @Sendable static func one(_ req: Request) async throws -> APIRound {
        let access = try await Access.require(.seeRounds, for: req)
        let round = try await Rounds.find(try roundID(req), scope: try access.scope, in: req.data).round
        return APIRound(round, batches: try await BallotEntry.batches(of: round, in: req.data))
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        let access = try await Access.require(.runMeeting, for: req)
        let form = try req.content.decode(APINewRound.self)
        let round = try await Rounds.create(try pathID(req, "选举"), kind: form.kind, office: form.office, seats: form.seats,
                                            candidates: form.candidates,
                                            approvedOrder: form.approvedOrder ?? false, actor: access.user.username, scope: try access.scope, in: req.data)
        return try await APIRound(round, batches: []).encodeResponse(status: .created, for: req)
    }

    @Sendable static func step(_ req: Request) async throws -> APIRound {
        let round = try await take(try req.content.decode(APIRoundStep.self), round: try roundID(req), req)
        return APIRound(round, batches: try await BallotEntry.batches(of: round, in: req.data))
    }

    /// One lifecycle step, for the API and the round page alike.
    static func take(_ form: APIRoundStep, round id: RoundID, _ req: Request) async throws -> RoundRecord {
        // The chief scrutineer signs as a scrutineer; every other step is the meeting's desk.
        let signsAsScrutineer = form.step == "sign" && form.as == "chiefScrutineer"
        let access = try await Access.require(signsAsScrutineer ? .resolveEntries : .runMeeting, for: req)
        func number(_ value: Int?, _ field: String) throws -> Int {
            guard let value else {
                throw Refusal.invalid("round.step.\(field)Missing", "这一步须给出\(field == "issued" ? "发出选票数（issued）" : "收回选票数（returned）")", field: field)
            }
            return value
        }
        let step: Rounds.Step
        switch form.step {
        case "freeze": step = .freeze
        case "open": step = .open(issued: try number(form.issued, "issued"))
        case "collect": step = .collect(returned: try number(form.returned, "returned"))
        case "revote": step = .revote(issued: try number(form.issued, "issued"))
        case "count": step = .startCount
        case "finish": step = .finishCount
        case "sign":
            guard ["chiefScrutineer", "chair"].contains(form.as ?? "") else {
                throw Refusal.invalid("round.sign.as", "签字须说明身份：chiefScrutineer（总监票人）或 chair（会议主持人）", field: "as")
            }
            step = .sign(asChiefScrutineer: signsAsScrutineer)
        case "announce": step = .announce
        case "reopen": step = .reopen(reason: form.reason ?? "")
        default: throw Refusal.invalid("round.step.unknown", "step 应为 freeze、open、collect、revote、count、finish、sign、announce、reopen 之一", field: "step")
        }
        return try await Rounds.take(step, round: id, actor: access.user.username, scope: try access.scope, in: req.data)
    }

    /// `?count=` copies of the ballot, all alike (default: as many as were issued, or present), `?spare=true` for the
    /// spare set, `?paper=A3` for A3 sheets. Beyond `DocumentJobs.threshold` pages the set is drawn as a job: the answer is 202 with
    /// the job (`Location` its address), the page is sent to the job's page.
    @Sendable static func ballots(_ req: Request) async throws -> Response {
        let access = try await Access.require(.runMeeting, for: req)
        let id = try roundID(req)
        let round = try await Rounds.find(id, scope: try access.scope, in: req.data).round
        let count = req.query[Int.self, at: "count"] ?? round.lifecycle.issued ?? round.lifecycle.present ?? 1
        let spare = req.query[String.self, at: "spare"] == "true"
        guard let paper = BallotPaper(rawValue: req.query[String.self, at: "paper"] ?? "A4") else {
            throw Refusal.invalid("ballot.paper.unknown", "paper 应为 A4 或 A3", field: "paper")
        }
        let set = try await Rounds.ballotSet(id, count: count, spare: spare, paper: paper, scope: try access.scope, in: req.data)
        let name = "ballots-\(round.number)\(spare ? "-spare" : "").pdf"
        guard set.pages <= DocumentJobs.threshold else {
            let job = try await DocumentJobs.shared.start(owner: access.user.username, name: name, contentType: "application/pdf",
                                                          work: req.application.heavyWork,
                                                          draw: { offload in try await set.draw(offload) })
            if req.url.path.hasPrefix("/api/") {
                let response = try await APIJob(job).encodeResponse(status: .accepted, for: req)
                response.headers.replaceOrAdd(name: .location, value: "/api/v1/jobs/\(job.id.uuidString)")
                return response
            }
            return req.redirect(to: "/jobs/\(job.id.uuidString)", redirectType: .normal)
        }
        return pdfResponse(try await set.draw(req.heavy(access.user.username)), name: name)
    }
}
