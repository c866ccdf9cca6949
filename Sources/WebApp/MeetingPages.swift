import Foundation
import Vapor
import Core
import Persistence
import Elections
import Meetings

struct MeetingPage: Encodable {
    struct Excluded: Encodable { let name: String; let reason: String; let approvedBy: String; let meetingVote: String }
    struct Officer: Encodable { let name: String; let role: String; let approval: String }
    let electionID: String, electionName: String
    let voters: Int, expected: Int, present: Int, quorumMet: Bool, rule: String
    let excluded: [Excluded], officers: [Officer]
    let reasons: [String], roles: [String]
    let canRun: Bool
    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    /// What a new round may elect, the election's own office first chosen.
    let offices: [Choice]
    struct Round: Encodable { let id: String; let number: Int; let kind: String; let seats: Int; let state: String }
    let rounds: [Round]
    let message: String?, error: String?
}

struct APIAttendance: Content {
    let voters: Int, expected: Int, present: Int, quorumMet: Bool, rule: String
    init(_ s: MeetingAttendance.Summary) { voters = s.voters; expected = s.expected; present = s.present; quorumMet = s.quorumMet; rule = s.rule }
}
struct APICheckIn: Content { let query: String }
struct APICheckedIn: Content { let memberId: MemberID; let name: String; let attendance: APIAttendance }

/// The election meeting's door and desk: E, P and the quorum in large type; check-in by ID
/// number or name with the keyboard only (the field keeps the focus, Enter checks in); the
/// exclusions from E and the officers of the count, each with the meeting's record.
enum MeetingPages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("elections", ":id", "meeting", use: show)
        routes.post("elections", ":id", "meeting", "check-in", use: checkIn)
        routes.post("elections", ":id", "meeting", "exclusions", use: exclude)
        routes.post("elections", ":id", "meeting", "officials", use: appoint)
    }

    static func page(_ req: Request, _ access: Access, message: String? = nil, error: String? = nil) async throws -> Response {
        let scope = try access.scope
        let election = try await MeetingScope.election(try pathID(req, "选举"), scope: scope, in: req.data)
        let summary = try await MeetingAttendance.summary(election.id, scope: scope, in: req.data)
        let officers = try await MeetingOfficials.list(election.id, scope: scope, in: req.data)
        return try await req.render("meeting", access, MeetingPage(
            electionID: election.id.description, electionName: election.name, voters: summary.voters, expected: summary.expected,
            present: summary.present, quorumMet: summary.quorumMet, rule: summary.rule,
            excluded: summary.excluded.map { .init(name: $0.member.record.name, reason: $0.exclusion.reason.rawValue, approvedBy: $0.exclusion.approvedBy,
                                                   meetingVote: $0.exclusion.meetingVote) },
            officers: officers.map { .init(name: $0.member.record.name, role: $0.official.role.rawValue, approval: $0.official.approval) },
            reasons: ExclusionReason.allCases.map(\.rawValue), roles: MeetingRole.allCases.map(\.rawValue),
            canRun: access.can(.runMeeting),
            offices: Office.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0 == (election.office ?? .delegate)) },
            rounds: try await Rounds.list(election.id, scope: scope, in: req.data).map { .init(id: $0.id.description, number: $0.number, kind: Rounds.label($0.kind),
                                                                                       seats: $0.seats, state: $0.lifecycle.state.rawValue) },
            message: message, error: error), status: error == nil ? .ok : .badRequest)
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        try await page(req, try await Access.require(.runMeeting, for: req))
    }

    /// Runs a desk operation; a refusal the clerk can act on is shown on the page, not as an error page.
    static func desk<Form: Decodable>(_ req: Request, _ type: Form.Type,
                                      _ body: (Access, Form, ElectionRecord) async throws -> String) async throws -> Response {
        let (access, form, id) = try await electionForm(req, .runMeeting, type)
        do {
            let election = try await MeetingScope.election(id, scope: try access.scope, in: req.data)
            return try await page(req, access, message: try await body(access, form, election))
        } catch let refusal as Refusal where refusal.kind != .forbidden && refusal.code != "election.notFound" {
            return try await page(req, access, error: refusal.message)
        }
    }

    struct CheckInForm: Content { let query: String }
    @Sendable static func checkIn(_ req: Request) async throws -> Response {
        try await desk(req, CheckInForm.self) { access, form, election in
            let member = try await MeetingAttendance.checkIn(election.id, query: form.query, actor: access.user.username, scope: try access.scope, in: req.data)
            return "已签到：\(member.record.name)（\(member.record.organization)）"
        }
    }

    struct ExclusionForm: Content { let query: String; let reason: String; let approvedBy: String; let meetingVote: String }
    @Sendable static func exclude(_ req: Request) async throws -> Response {
        try await desk(req, ExclusionForm.self) { access, form, election in
            guard let reason = ExclusionReason(rawValue: form.reason) else { throw Refusal.invalid("exclusion.reason.unknown", "请从列出的五种情形中选择", field: "reason") }
            let member = try await MeetingAttendance.voter(matching: form.query, in: election, data: req.data)
            try await MeetingAttendance.exclude(election.id, member: member.id, reason: reason, approvedBy: form.approvedBy, meetingVote: form.meetingVote,
                                                actor: access.user.username, scope: try access.scope, in: req.data)
            return "\(member.record.name)不计入应到会人数（\(reason.rawValue)）"
        }
    }

    struct OfficialForm: Content { let query: String; let role: String; let approval: String }
    @Sendable static func appoint(_ req: Request) async throws -> Response {
        try await desk(req, OfficialForm.self) { access, form, election in
            guard let role = MeetingRole(rawValue: form.role) else { throw Refusal.invalid("official.role.unknown", "请选择总监票人、监票人或计票人", field: "role") }
            let member = try await MeetingAttendance.voter(matching: form.query, in: election, data: req.data)
            try await MeetingOfficials.appoint(election.id, member: member.id, role: role, approval: form.approval, actor: access.user.username,
                                               scope: try access.scope, in: req.data)
            return "\(member.record.name)为\(role.rawValue)"
        }
    }
}

/// Attendance and check-in under /api/v1/elections/{id}.
enum MeetingAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", ":id", "attendance", use: attendance)
        signedIn.post("elections", ":id", "check-ins", use: checkIn)
    }

    @Sendable static func attendance(_ req: Request) async throws -> APIAttendance {
        let access = try await Access.require(.runMeeting, for: req)
        return APIAttendance(try await MeetingAttendance.summary(try pathID(req, "选举"), scope: try access.scope, in: req.data))
    }

    @Sendable static func checkIn(_ req: Request) async throws -> Response {
        let access = try await Access.require(.runMeeting, for: req)
        let form = try req.content.decode(APICheckIn.self)
        let id: ElectionID = try pathID(req, "选举")
        let member = try await MeetingAttendance.checkIn(id, query: form.query, actor: access.user.username, scope: try access.scope, in: req.data)
        let summary = try await MeetingAttendance.summary(id, scope: try access.scope, in: req.data)
        return try await APICheckedIn(memberId: member.id, name: member.record.name, attendance: APIAttendance(summary)).encodeResponse(status: .created, for: req)
    }
}
