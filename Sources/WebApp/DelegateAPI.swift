import Foundation
import Vapor
import Core
import Persistence
import Allocation
import Delegates

struct APIDelegate: Content {
    struct Elected: Content {
        /// The meeting that elected the delegate (null until meetings are their own records).
        let meeting: String?
        let round: RoundID
    }
    let memberId: MemberID, name: String, unit: String, unitId: OrganizationID?, elected: Elected
    let qualification: DelegateQualification, reason: String?, consequence: DisqualificationConsequence?
    /// A term that ended early: the day and why (the delegate stays listed; the seat is vacant).
    let termEnded: String?, termReason: String?
    /// On the congress's roll: qualified and still in office.
    let stands: Bool

    init(_ e: DelegateBody.Entry) {
        let d = e.delegate
        memberId = d.memberID
        name = d.name
        unit = e.unit
        unitId = e.unitID
        elected = Elected(meeting: nil, round: d.roundID)
        qualification = d.qualification
        reason = d.verdictReason.isEmpty ? nil : d.verdictReason
        consequence = d.consequence
        termEnded = d.termEnded
        termReason = d.termReason.isEmpty ? nil : d.termReason
        stands = e.stands
    }
}

struct APIDelegateReview: Content {
    let qualification: DelegateQualification, reason: String?, consequence: DisqualificationConsequence?
}

struct APITermEnd: Content { let date: String, reason: String }

/// The delegate body under /api/v1/elections/{id}/delegates: who was elected, their composition,
/// the qualification committee's verdicts and terms that ended early.
enum DelegateAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", ":id", "delegates", use: list)
        signedIn.get("elections", ":id", "delegates", "composition", use: composition)
        signedIn.post("elections", ":id", "delegates", ":member", "qualification", use: review)
        signedIn.post("elections", ":id", "delegates", ":member", "term-end", use: endTerm)
        signedIn.get("elections", ":id", "delegates", "qualification-report.pdf", use: report)
    }

    /// 代表资格审查报告 (PDF), drawn as the account's heavy job.
    @Sendable static func report(_ req: Request) async throws -> Response {
        let access = try await Access.require(.manageElections, for: req)
        let pdf = try await QualificationReport.issue(try pathID(req, "选举"), actor: access.user.username, scope: try access.scope, in: req.data,
                                                      offload: req.heavy(access.user.username))
        return RoundAPI.pdfResponse(pdf, name: "qualification-report.pdf")
    }

    @Sendable static func list(_ req: Request) async throws -> [APIDelegate] {
        let access = try await Access.require(.viewNominations, for: req)
        return try await DelegateBody.list(try pathID(req, "选举"), scope: try access.scope, in: req.data).map(APIDelegate.init)
    }

    @Sendable static func composition(_ req: Request) async throws -> [RequirementReport] {
        let access = try await Access.require(.viewNominations, for: req)
        return try await DelegateBody.composition(try pathID(req, "选举"), scope: try access.scope, in: req.data)
    }

    @Sendable static func review(_ req: Request) async throws -> APIDelegate {
        let access = try await Access.require(.manageElections, for: req)
        let form = try req.content.decode(APIDelegateReview.self)
        let election: ElectionID = try pathID(req, "选举")
        let member: MemberID = try NominationAPI.parameter(req, "member", "代表")
        try await DelegateBody.review(member, in: election, qualification: form.qualification, reason: form.reason ?? "",
                                      consequence: form.consequence, actor: access.user.username, scope: try access.scope, in: req.data)
        return try await one(member, election: election, scope: try access.scope, in: req.data)
    }

    @Sendable static func endTerm(_ req: Request) async throws -> APIDelegate {
        let access = try await Access.require(.manageElections, for: req)
        let form = try req.content.decode(APITermEnd.self)
        let election: ElectionID = try pathID(req, "选举")
        let member: MemberID = try NominationAPI.parameter(req, "member", "代表")
        try await DelegateBody.endTerm(member, in: election, on: form.date, reason: form.reason, actor: access.user.username,
                                       scope: try access.scope, in: req.data)
        return try await one(member, election: election, scope: try access.scope, in: req.data)
    }

    static func one(_ member: MemberID, election: ElectionID, scope: Scope, in data: any DataStore) async throws -> APIDelegate {
        guard let entry = try await DelegateBody.list(election, scope: scope, in: data).first(where: { $0.delegate.memberID == member }) else {
            throw Refusal.notFound("delegate.notFound", "这名党员不是本次选举产生的代表")
        }
        return APIDelegate(entry)
    }
}
