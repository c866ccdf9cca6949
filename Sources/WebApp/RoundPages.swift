import Foundation
import Vapor
import Core
import Persistence
import Elections
import Meetings

struct RoundListPage: Encodable {
    struct Row: Encodable { let id: String; let election: String; let number: Int; let kind: String; let seats: Int; let state: String }
    let rows: [Row]
    /// The account may draw a ballot preview (those who run meetings).
    let canPreview: Bool
}

struct RoundPage: Encodable {
    struct Batch: Encodable { let number: Int; let ballots: Int; let state: String }
    struct Action: Encodable { let step: String; let label: String; let field: String?; let fieldLabel: String?; let value: String?; let signAs: String? }
    let id: String, electionID: String, electionName: String, title: String, state: String
    let seats: Int, candidates: [String], ballotHash: String?
    let expected: Int?, present: Int?, issued: Int?, returned: Int?
    let batches: [Batch], batchesDone: Int
    let actions: [Action]
    let canReopen: Bool, canPrint: Bool, canEnter: Bool, canReview: Bool, canSeeReport: Bool, canFollowUp: Bool
    let signatures: String?
    /// The rules the round is held under (office, margin, quorum, unreadable marks, order).
    let method: [String]
}

/// The rounds as pages: the list, one round's desk (its lifecycle steps as buttons, its batches),
/// ballot entry for counters, the scrutineer's review of differences, the results with a chart
/// and the documents, and the projector. The rules are `Meetings`'; the API is `RoundAPI`.
enum RoundPages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("rounds", use: list)
        routes.get("rounds", ":round", use: show)
        routes.post("rounds", ":round", "steps", use: step)
        routes.post("rounds", ":round", "follow-up", use: followUp)
        routes.post("rounds", ":round", "seat-reduction", use: reduceSeats)
        routes.get("rounds", ":round", "ballots.pdf", use: RoundAPI.ballots)
        routes.get("rounds", ":round", "batches", ":batch", "entries", ":entry", use: EntryPages.entry)
        routes.post("rounds", ":round", "batches", ":batch", "entries", ":entry", "ballots", ":number", use: EntryPages.key)
        routes.post("rounds", ":round", "batches", ":batch", "entries", ":entry", "finalise", use: EntryPages.finalise)
        routes.get("rounds", ":round", "batches", ":batch", use: EntryPages.review)
        routes.post("rounds", ":round", "batches", ":batch", "resolve", use: EntryPages.resolve)
        routes.get("rounds", ":round", "report", use: ResultPages.report)
        routes.get("rounds", ":round", "report.pdf", use: ResultPages.pdf)
        routes.get("rounds", ":round", "report.xlsx", use: ResultPages.xlsx)
        routes.get("rounds", ":round", "projector", use: ResultPages.projector)
        routes.post("elections", ":id", "meeting", "rounds", use: create)
    }

    static func title(_ round: RoundRecord) -> String { "第\(round.number)轮（\(Rounds.label(round.kind))）" }

    @Sendable static func list(_ req: Request) async throws -> Response {
        let access = try await Access.require(.seeRounds, for: req)
        let rows = try await Rounds.list(scope: try access.scope, in: req.data).map {
            RoundListPage.Row(id: $0.round.id.description, election: $0.election.name, number: $0.round.number, kind: Rounds.label($0.round.kind),
                              seats: $0.round.seats, state: $0.round.lifecycle.state.rawValue)
        }
        return try await req.render("rounds", access, RoundListPage(rows: rows, canPreview: access.can(.runMeeting)))
    }

    /// The steps the round's state offers the desk (the lifecycle still decides each one).
    static func actions(_ round: RoundRecord, _ access: Access) -> [RoundPage.Action] {
        let l = round.lifecycle
        var actions: [RoundPage.Action] = []
        if access.can(.runMeeting) {
            switch l.state {
            case .draft: actions.append(.init(step: "freeze", label: "确定选票（此后不能再改）", field: nil, fieldLabel: nil, value: nil, signAs: nil))
            case .frozen: actions.append(.init(step: "open", label: "开始投票", field: "issued", fieldLabel: "发出选票（张）", value: l.present.map(String.init), signAs: nil))
            case .voting: actions.append(.init(step: "collect", label: "收回选票", field: "returned", fieldLabel: "收回选票（张）", value: nil, signAs: nil))
            case .void: actions.append(.init(step: "revote", label: "重新投票", field: "issued", fieldLabel: "发出选票（张）", value: nil, signAs: nil))
            case .collected: actions.append(.init(step: "count", label: "开始计票（分批录入）", field: nil, fieldLabel: nil, value: nil, signAs: nil))
            case .counting: actions.append(.init(step: "finish", label: "结束计票", field: nil, fieldLabel: nil, value: nil, signAs: nil))
            case .counted where round.pendingChair == nil:
                actions.append(.init(step: "sign", label: "会议主持人签字", field: nil, fieldLabel: nil, value: nil, signAs: "chair"))
            case .signed: actions.append(.init(step: "announce", label: "宣布选举结果", field: nil, fieldLabel: nil, value: nil, signAs: nil))
            default: break
            }
        }
        if access.can(.resolveEntries), l.state == .counted, round.pendingScrutineer == nil {
            actions.append(.init(step: "sign", label: "总监票人签字", field: nil, fieldLabel: nil, value: nil, signAs: "chiefScrutineer"))
        }
        return actions
    }

    static func signatures(_ round: RoundRecord) -> String? {
        if let s = round.lifecycle.signedBy { return "总监票人（账号 \(s.chiefScrutineer)）、会议主持人（账号 \(s.chair)）已签字" }
        let given = [round.pendingScrutineer.map { "总监票人（账号 \($0)）已签字" }, round.pendingChair.map { "会议主持人（账号 \($0)）已签字" }].compactMap { $0 }
        return given.isEmpty ? nil : given.joined(separator: "；") + "，待另一方签字"
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let access = try await Access.require(.seeRounds, for: req)
        let (round, election) = try await Rounds.find(try RoundAPI.roundID(req), scope: try access.scope, in: req.data)
        let batches = try await BallotEntry.batches(of: round, in: req.data)
        let l = round.lifecycle
        let counted: Set<RoundState> = [.counting, .counted, .signed, .announced]
        return try await req.render("round", access, RoundPage(
            id: round.id.description, electionID: election.id.description, electionName: election.name, title: title(round), state: l.state.rawValue,
            seats: round.seats, candidates: round.candidates.map(\.name), ballotHash: l.ballotHash,
            expected: l.expected, present: l.present, issued: l.issued, returned: l.returned,
            batches: batches.map { .init(number: $0.batch.number, ballots: $0.batch.size, state: $0.state.rawValue) },
            batchesDone: batches.filter { $0.state == .definitive }.count, actions: actions(round, access),
            canReopen: access.can(.runMeeting) && ![.draft, .announced].contains(l.state), canPrint: access.can(.runMeeting) && l.ballotHash != nil,
            canEnter: access.can(.enterBallots) && l.state == .counting, canReview: access.can(.resolveEntries) && l.state == .counting,
            canSeeReport: (access.can(.runMeeting) || access.can(.resolveEntries)) && counted.contains(l.state),
            canFollowUp: access.can(.runMeeting) && [.signed, .announced].contains(l.state), signatures: signatures(round),
            method: try Rounds.method(round, election: election)))
    }

    /// Runs a step from a page's form; success or refusal is told on the page it returns to.
    static func onPage(_ req: Request, back: String, _ body: () async throws -> String) async throws -> Response {
        try await onPage(req, back: back) { (try await body(), back) }
    }

    /// The same, for a step that leads somewhere else when it succeeds (`then`); back when refused.
    static func onPage(_ req: Request, back: String, _ body: () async throws -> (message: String, then: String)) async throws -> Response {
        do {
            let (message, then) = try await body()
            Chrome.flash(req, message)
            return req.redirect(to: then)
        } catch let refusal as Refusal where refusal.kind != .forbidden && refusal.kind != .notFound {
            Chrome.flashRefusal(req, refusal.message)
            return req.redirect(to: back)
        }
    }

    @Sendable static func step(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let id = try RoundAPI.roundID(req)
        let form = try req.content.decode([String: String].self)
        let step = APIRoundStep(step: form["step"] ?? "", issued: form["issued"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                                returned: form["returned"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }, reason: form["reason"], as: form["as"])
        return try await onPage(req, back: "/rounds/\(id)") {
            let round = try await RoundAPI.take(step, round: id, req)
            return "本轮现在「\(round.lifecycle.state.rawValue)」" + (signatures(round).map { "：\($0)" } ?? "")
        }
    }

    @Sendable static func followUp(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.runMeeting, for: req)
        let id = try RoundAPI.roundID(req)
        return try await onPage(req, back: "/rounds/\(id)") {
            let round = try await Rounds.followUp(id, actor: access.user.username, scope: try access.scope, in: req.data)
            return ("已设立\(title(round))：应选 \(round.seats) 名，候选人 \(round.candidates.map(\.name).joined(separator: "、"))", "/rounds/\(round.id)")
        }
    }

    @Sendable static func reduceSeats(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.runMeeting, for: req)
        let id = try RoundAPI.roundID(req)
        let form = try req.content.decode([String: String].self)
        return try await onPage(req, back: "/rounds/\(id)/report") {
            let agreed = try form["agreed"].flatMap { text -> Int? in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { return nil }
                guard let n = Int(trimmed) else { throw Refusal.invalid("round.reduce.agreedOutOfRange", "同意的人数应是整数", field: "agreed") }
                return n
            }
            let round = try await Rounds.reduceSeats(id, vote: form["vote"] ?? "", agreed: agreed, actor: access.user.username, scope: try access.scope, in: req.data)
            return "已记录：不再另行选举，减少 \(round.seatReduction?.seats ?? 0) 个名额"
        }
    }

    /// A round set up from the meeting page: candidates one to a line, by name or ID number.
    @Sendable static func create(_ req: Request) async throws -> Response {
        let (access, form, electionID) = try await electionForm(req, .runMeeting, [String: String].self)
        return try await onPage(req, back: "/elections/\(electionID)/meeting") {
            guard let kind = RoundKind(rawValue: form["kind"] ?? "") else {
                throw Refusal.invalid("round.kind.unknown", "请选择正式选举或预选", field: "kind")
            }
            let office = try form["office"].map { text -> Office in
                guard let office = Office(rawValue: text) else { throw Refusal.invalid("round.office.unknown", "请选择选举职务", field: "office") }
                return office
            }
            guard let seats = Int((form["seats"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw Refusal.invalid("round.seats.missing", "请填写应选名额", field: "seats")
            }
            let election = try await MeetingScope.election(electionID, scope: try access.scope, in: req.data)
            let lines = (form["candidates"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard lines.count <= 200 else { throw Refusal.invalid("round.candidates.count", "候选人过多", field: "candidates") }
            var ids: [MemberID] = []
            for line in lines { ids.append(try await MeetingAttendance.voter(matching: line, in: election, data: req.data).id) }
            let round = try await Rounds.create(electionID, kind: kind, office: office, seats: seats, candidates: ids,
                                                approvedOrder: form["approvedOrder"] == "on",
                                                actor: access.user.username, scope: try access.scope, in: req.data)
            return ("已设立\(title(round))", "/rounds/\(round.id)")
        }
    }
}
