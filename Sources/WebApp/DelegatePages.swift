import Foundation
import Vapor
import Core
import Persistence
import Elections
import Delegates

struct DelegatesPage: Encodable {
    struct Row: Encodable {
        let memberID: String, name: String, unit: String, qualification: String, note: String, stands: Bool, ended: Bool, pending: Bool
    }
    struct Requirement: Encodable { let label: String, level: String, needed: Int, actual: Int, met: Bool }
    let electionID: String, electionName: String, seats: Int
    let rows: [Row], requirements: [Requirement]
    let valid: Int, invalid: Int, pending: Int, vacant: Int
    let canReview: Bool
    let consequences: [String]
    let message: String?, error: String?
}

/// 代表名册 as a page: the delegates the announced rounds elected, their verdicts and terms, the
/// composition of the elected; the department records the qualification committee's verdicts and
/// early ends of term, and prints the committee's report.
enum DelegatePages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("elections", ":id", "delegates", use: show)
        routes.post("elections", ":id", "delegates", ":member", "qualification", use: review)
        routes.post("elections", ":id", "delegates", ":member", "term-end", use: endTerm)
        routes.get("elections", ":id", "delegates", "qualification-report.pdf", use: DelegateAPI.report)
    }

    static func page(_ req: Request, _ access: Access, message: String? = nil, error: String? = nil) async throws -> Response {
        let scope = try access.scope
        let election = try await ElectionSetup.find(try pathID(req, "选举"), scope: scope, in: req.data)
        let entries = try await DelegateBody.list(election.id, scope: scope, in: req.data)
        let reports = try await DelegateBody.composition(election.id, scope: scope, in: req.data)
        let rows = entries.map { e in
            let d = e.delegate
            let notes = [d.qualification == .invalid ? "\(d.verdictReason)（\(d.consequence?.rawValue ?? "")）" : nil,
                         d.termEnded.map { "\($0) 任期终止：\(d.termReason)" }].compactMap { $0 }
            return DelegatesPage.Row(memberID: d.memberID.description, name: d.name, unit: e.unit, qualification: d.qualification.rawValue,
                                     note: notes.joined(separator: "；"), stands: e.stands, ended: d.termEnded != nil, pending: d.qualification == .pending)
        }
        let tally = DelegateBody.Tally(entries)
        return try await req.render("delegates", access, DelegatesPage(
            electionID: election.id.description, electionName: election.name, seats: election.seats, rows: rows,
            requirements: reports.map { .init(label: $0.label, level: $0.level == "mandatory" ? "硬性" : "参考", needed: $0.needed, actual: $0.actual,
                                              met: $0.met) },
            valid: tally.valid, invalid: tally.invalid, pending: tally.pending,
            // A unit sees its own delegates only: the election's vacancies are the department's figure.
            vacant: scope == .city ? tally.vacant(of: election.seats) : 0,
            canReview: access.can(.manageElections),
            consequences: DisqualificationConsequence.allCases.map(\.rawValue),
            message: message, error: error), status: error == nil ? .ok : .badRequest)
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        try await page(req, try await Access.require(.viewNominations, for: req))
    }

    struct ReviewForm: Content { let qualification: String; let reason: String?; let consequence: String? }
    @Sendable static func review(_ req: Request) async throws -> Response {
        let (access, form, election) = try await electionForm(req, .manageElections, ReviewForm.self)
        let member: MemberID = try NominationAPI.parameter(req, "member", "代表")
        do {
            guard let qualification = DelegateQualification(rawValue: form.qualification) else {
                throw Refusal.invalid("delegate.review.pending", "审查结论应为「有效」或「无效」", field: "qualification")
            }
            let consequence = (form.consequence ?? "").isEmpty ? nil : DisqualificationConsequence(rawValue: form.consequence ?? "")
            let delegate = try await DelegateBody.review(member, in: election, qualification: qualification, reason: form.reason ?? "",
                                                         consequence: consequence, actor: access.user.username, scope: try access.scope, in: req.data)
            return try await page(req, access, message: "已记录：\(delegate.name)的代表资格\(delegate.qualification.rawValue)")
        } catch let refusal as Refusal where refusal.kind == .invalid || refusal.kind == .conflict {
            return try await page(req, access, error: refusal.message)
        }
    }

    struct TermForm: Content { let date: String; let reason: String }
    @Sendable static func endTerm(_ req: Request) async throws -> Response {
        let (access, form, election) = try await electionForm(req, .manageElections, TermForm.self)
        let member: MemberID = try NominationAPI.parameter(req, "member", "代表")
        do {
            let delegate = try await DelegateBody.endTerm(member, in: election, on: form.date, reason: form.reason, actor: access.user.username,
                                                          scope: try access.scope, in: req.data)
            return try await page(req, access, message: "已记录：\(delegate.name)的代表任期于 \(delegate.termEnded ?? "") 终止")
        } catch let refusal as Refusal where refusal.kind == .invalid || refusal.kind == .conflict {
            return try await page(req, access, error: refusal.message)
        }
    }
}
