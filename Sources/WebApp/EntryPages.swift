import Foundation
import Vapor
import Core
import Persistence
import Meetings

struct EntryPage: Encodable {
    struct Candidate: Encodable { let id: String; let name: String; let mark: String; let writeIn: String }
    struct Cell: Encodable { let number: Int; let keyed: Bool; let sentBack: Bool; let current: Bool }
    let roundID: String, roundTitle: String, electionName: String
    let batch: Int, entry: Int, size: Int, number: Int, seats: Int
    let candidates: [Candidate]
    let invalid: Bool, invalidReason: String
    let keyed: Int, finalised: Bool, complete: Bool
    /// The ballot shown was sent back by a scrutineer: keyed again, blind, in a submitted entry.
    let rekey: Bool
    let cells: [Cell], sentBack: [Int]
    /// The account keying the other entry may not key this one.
    let blocked: String?
}

struct ReviewPage: Encodable {
    struct Row: Encodable { let number: Int; let first: String; let second: String }
    let roundID: String, roundTitle: String, electionName: String
    let batch: Int, size: Int, state: String, counters: [String]
    let rows: [Row]
    /// Every ballot sent back, with what its re-key did (or that it waits).
    let rekeys: [String]
    let canResolve: Bool
}

/// Keying paper ballots (counters) and settling the differences (scrutineers), as pages. A
/// ballot is one form: ○, × or nothing per candidate, a write-in under an ×, or the whole
/// ballot invalid; the server decides validity and says it after each ballot; the page also
/// counts the ○ as they are marked.
enum EntryPages {
    static func path(_ round: RoundID, _ batch: Int, _ entry: Int) -> String { "/rounds/\(round)/batches/\(batch)/entries/\(entry)" }

    @Sendable static func entry(_ req: Request) async throws -> Response {
        let access = try await Access.require(.enterBallots, for: req)
        let id = try RoundAPI.roundID(req)
        let batchNumber = try RoundAPI.number(req, "batch", "批次"), entryNumber = try RoundAPI.number(req, "entry", "录入")
        let view = try await BallotEntry.entryView(round: id, batch: batchNumber, entry: entryNumber, scope: try access.scope, in: req.data)
        let asked = req.query[Int.self, at: "ballot"].flatMap { (1...view.batch.size).contains($0) ? $0 : nil }
        let number = asked ?? view.sentBack.first ?? view.nextUnkeyed ?? 1
        var marks: [String: String] = [:], writeIns: [String: String] = [:], invalidReason: String?
        switch view.mine[number] {
        case .marked(let m, let w)?:
            marks = m.mapValues(\.rawValue)
            writeIns = Dictionary(w.map { ($0.under, $0.name) }, uniquingKeysWith: { a, _ in a })
        case .invalid(let reason)?: invalidReason = reason
        case nil: break
        }
        let other = view.owners[entryNumber == 1 ? 2 : 1]
        let blocked: String?
        if let owner = view.owner, owner != access.user.username { blocked = "第 \(entryNumber) 次录入由账号 \(owner) 进行" }
        else if other == access.user.username { blocked = "您已进行本批的另一次录入；同一批的两次录入须由两名不同的计票人进行" }
        else { blocked = nil }
        let sentBack = Set(view.sentBack)
        return try await req.render("entry", access, EntryPage(
            roundID: id.description, roundTitle: RoundPages.title(view.round), electionName: view.election.name,
            batch: batchNumber, entry: entryNumber, size: view.batch.size, number: number, seats: view.round.seats,
            candidates: view.round.candidates.map { .init(id: $0.id, name: $0.name, mark: marks[$0.id] ?? "", writeIn: writeIns[$0.id] ?? "") },
            invalid: invalidReason != nil, invalidReason: invalidReason ?? "",
            keyed: view.mine.count, finalised: view.finalised, complete: view.nextUnkeyed == nil, rekey: view.finalised && sentBack.contains(number),
            cells: (1...view.batch.size).map { .init(number: $0, keyed: view.mine[$0] != nil, sentBack: sentBack.contains($0),
                                                     current: $0 == number) },
            sentBack: view.sentBack, blocked: blocked))
    }

    /// One ballot from the form: `mark.<id>` = for / against / empty, `writeIn.<id>`, or `invalid` with `reason`.
    static func body(_ form: [String: String]) -> BallotEntry.Body {
        if form["invalid"] == "on" { return BallotEntry.Body(invalid: form["reason"] ?? "") }
        var marks: [String: String] = [:], writeIns: [BallotEntry.Body.WriteIn] = []
        for (key, value) in form where key.hasPrefix("mark.") && !value.isEmpty { marks[String(key.dropFirst(5))] = value }
        for (key, value) in form where key.hasPrefix("writeIn.") {
            let name = value.trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { writeIns.append(.init(under: String(key.dropFirst(8)), name: name)) }
        }
        return BallotEntry.Body(marks: marks, writeIns: writeIns.sorted { $0.under < $1.under })
    }

    @Sendable static func key(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.enterBallots, for: req)
        let id = try RoundAPI.roundID(req)
        let batch = try RoundAPI.number(req, "batch", "批次"), entry = try RoundAPI.number(req, "entry", "录入"), number = try RoundAPI.number(req, "number", "选票")
        let form = try req.content.decode([String: String].self)
        guard form.count <= 2 * 200 + 4 else { throw WebRefusal(.badRequest, "request.body", "表单字段过多") }
        return try await RoundPages.onPage(req, back: path(id, batch, entry) + "?ballot=\(number)") {
            let answer = try await BallotEntry.key(body(form), round: id, batch: batch, entry: entry, ballot: number, actor: access.user.username,
                                                   scope: try access.scope, in: req.data)
            let view = try await BallotEntry.entryView(round: id, batch: batch, entry: entry, scope: try access.scope, in: req.data)
            let later = number < view.batch.size ? (number + 1...view.batch.size).first { view.mine[$0] == nil } : nil
            let verdict = answer.valid ? "有效票" : "无效票（\(answer.reason ?? "")）"
            if view.finalised {
                return ("第 \(batch) 批第 \(number) 张已重录：\(verdict)" + (view.sentBack.isEmpty ? "。退回的选票已全部重录，由监票人核对。" : ""),
                        path(id, batch, entry) + "?ballot=\(view.sentBack.first ?? number)")
            }
            return ("第 \(batch) 批第 \(number) 张已录入：\(verdict)" + (view.nextUnkeyed == nil ? "。本批已全部录入，核对无误后请提交。" : ""),
                    path(id, batch, entry) + "?ballot=\(later ?? view.nextUnkeyed ?? number)")
        }
    }

    @Sendable static func finalise(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.enterBallots, for: req)
        let id = try RoundAPI.roundID(req)
        let batch = try RoundAPI.number(req, "batch", "批次"), entry = try RoundAPI.number(req, "entry", "录入")
        return try await RoundPages.onPage(req, back: path(id, batch, entry)) {
            try await BallotEntry.finalise(round: id, batch: batch, entry: entry, actor: access.user.username, scope: try access.scope, in: req.data)
            // Blind: the counter is not told whether the other entry agrees.
            return "已提交第 \(batch) 批第 \(entry) 次录入；两次录入都提交后由监票人核对"
        }
    }

    @Sendable static func review(_ req: Request) async throws -> Response {
        let access = try await Access.require(.resolveEntries, for: req)
        let id = try RoundAPI.roundID(req)
        let batchNumber = try RoundAPI.number(req, "batch", "批次")
        let review = try await BallotEntry.review(round: id, batch: batchNumber, scope: try access.scope, in: req.data)
        let candidates = review.round.candidates
        return try await req.render("review", access, ReviewPage(
            roundID: id.description, roundTitle: RoundPages.title(review.round), electionName: review.election.name, batch: batchNumber,
            size: review.batch.size, state: review.state.rawValue,
            counters: review.counters.sorted { $0.key < $1.key }.map { "第 \($0.key) 次：账号 \($0.value)" },
            rows: review.differences.map { .init(number: $0.number, first: BallotEntry.describe($0.first, candidates: candidates),
                                                 second: BallotEntry.describe($0.second, candidates: candidates)) },
            rekeys: review.rekeys.map { r in
                let before = BallotEntry.describe(r.before, candidates: candidates)
                let head = "第 \(r.number) 张退回第 \(r.entry) 次录入重录："
                guard let after = r.after else { return head + "待重录（原为「\(before)」）" }
                return head + (r.changed ? "重录后改变，由「\(before)」改为「\(BallotEntry.describe(after, candidates: candidates))」"
                                         : "重录后未改变（仍为「\(before)」）")
            },
            canResolve: !review.differences.isEmpty))
    }

    @Sendable static func resolve(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.resolveEntries, for: req)
        let id = try RoundAPI.roundID(req)
        let batch = try RoundAPI.number(req, "batch", "批次")
        let form = try req.content.decode([String: String].self)
        return try await RoundPages.onPage(req, back: "/rounds/\(id)/batches/\(batch)") {
            guard let number = Int(form["number"] ?? ""), let parts = form["decision"]?.split(separator: "."), parts.count == 2,
                  let entry = Int(parts[1]), parts[0] == "keep" || parts[0] == "reenter" else {
                throw Refusal.invalid("resolve.decision", "请选择以哪一次录入为准，或退回哪一次重录", field: "decision")
            }
            let decision: BallotEntry.Decision = parts[0] == "keep" ? .keep(entry) : .reenter(entry)
            let left = try await BallotEntry.resolve(round: id, batch: batch, ballot: number, decision, actor: access.user.username,
                                                     scope: try access.scope, in: req.data)
            return "第 \(number) 张：" + (parts[0] == "keep" ? "以第 \(entry) 次录入为准" : "退回第 \(entry) 次录入，由其计票人对照纸质选票重录")
                + (left.isEmpty ? "。本批已无差异。" : "；尚有 \(left.count) 张不一致。")
        }
    }
}
