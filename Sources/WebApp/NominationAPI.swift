import Foundation
import Vapor
import Core
import Persistence
import Nominations
import Allocation
import Documents
import ElectionDocuments

struct APICandidate: Content {
    let id: CandidacyID, memberId: MemberID, name: String, unit: String, unitId: OrganizationID, stage: NominationStage
    let supportOrganizations: Int, supportMembers: Int, reason: String?
    /// 人大代表 / 政协委员 where the roster says so (一般不交叉).
    let overlaps: [String]
    /// The composition category the person counts in, and what it rests on (roster, title, honour, a manual setting).
    let category: String, categoryBasis: String
    init(_ e: Nominations.Entry) {
        overlaps = e.overlaps
        (category, categoryBasis) = Categories.effective(e.member.record, candidacy: e.candidacy)
        id = e.candidacy.id; memberId = e.member.id; name = e.member.record.name; unit = e.unitName; unitId = e.candidacy.unitID
        stage = e.candidacy.stage; supportOrganizations = e.candidacy.supportOrganizations; supportMembers = e.candidacy.supportMembers
        reason = e.candidacy.reason.isEmpty ? nil : e.candidacy.reason
    }
}

struct APINomination: Content { let memberId: MemberID; let supportOrganizations: Int?; let supportMembers: Int? }
struct APIStageChange: Content {
    let stage: NominationStage, reason: String?
    /// The convening committee's decision, for a list approved as 正式候选人.
    let decision: String?
}
struct APIListMove: Content { let moved: Int; let warnings: [String] }

/// Nominations under /api/v1/elections/{id}: the list (a unit sees its own), nominating from
/// the roster, one nomination's next stage, a unit's whole list to the next stage, and the
/// list's composition.
enum NominationAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", ":id", "candidates", use: list)
        signedIn.post("elections", ":id", "candidates", use: nominate)
        signedIn.post("elections", ":id", "candidates", ":candidate", "stage", use: move)
        signedIn.post("elections", ":id", "candidates", ":candidate", "category", use: setCategory)
        signedIn.post("elections", ":id", "units", ":unit", "stage", use: moveList)
        signedIn.get("elections", ":id", "composition", use: composition)
        VettingAPI.register(signedIn)
        SlateAPI.register(signedIn)
        ProgressAPI.register(signedIn)
        DocumentAPI.register(signedIn)
        MeetingAPI.register(signedIn)
        RoundAPI.register(signedIn)
        RoundAPI.registerDocuments(signedIn)
        JobRoutes.register(api: signedIn, pages: nil)
    }

    static func parameter<Tag>(_ req: Request, _ name: String, _ what: String) throws -> TypedID<Tag> {
        guard let text = req.parameters.get(name), let id = TypedID<Tag>(text) else {
            throw WebRefusal(.notFound, "request.id.unknown", "没有这个\(what)")
        }
        return id
    }

    static func entry(_ id: CandidacyID, election: ElectionID, scope: Scope, in data: any DataStore) async throws -> APICandidate {
        guard let entry = try await Nominations.entry(id, scope: scope, in: data), entry.candidacy.electionID == election else {
            throw Refusal.notFound("nomination.notFound", "没有这名人选")
        }
        return APICandidate(entry)
    }

    @Sendable static func list(_ req: Request) async throws -> [APICandidate] {
        let access = try await Access.require(.viewNominations, for: req)
        return try await Nominations.list(try pathID(req, "选举"), scope: try access.scope, in: req.data).map(APICandidate.init)
    }

    @Sendable static func nominate(_ req: Request) async throws -> Response {
        let access = try await Access.require(.nominate, for: req)
        let election: ElectionID = try pathID(req, "选举")
        let form = try req.content.decode(APINomination.self)
        let candidacy = try await Nominations.nominate(form.memberId, in: election, supportOrganizations: form.supportOrganizations ?? 0,
                                                       supportMembers: form.supportMembers ?? 0, actor: access.user.username,
                                                       scope: try access.scope, in: req.data)
        return try await entry(candidacy.id, election: election, scope: try access.scope, in: req.data).encodeResponse(status: .created, for: req)
    }

    @Sendable static func move(_ req: Request) async throws -> APICandidate {
        let access = try await Access.require(.nominate, for: req)
        let election: ElectionID = try pathID(req, "选举")
        let form = try req.content.decode(APIStageChange.self)
        let moved = try await Nominations.move(try parameter(req, "candidate", "人选"), to: form.stage, reason: form.reason ?? "",
                                               actor: access.user.username, scope: try access.scope, in: req.data)
        return try await entry(moved.id, election: election, scope: try access.scope, in: req.data)
    }

    struct CategoryChange: Content { let category: String; let reason: String? }

    @Sendable static func setCategory(_ req: Request) async throws -> APICandidate {
        let access = try await Access.require(.manageElections, for: req)
        let form = try req.content.decode(CategoryChange.self)
        let changed = try await Categories.set(try parameter(req, "candidate", "人选"), to: form.category, reason: form.reason ?? "",
                                               actor: access.user.username, scope: try access.scope, in: req.data)
        return try await entry(changed.id, election: try pathID(req, "选举"), scope: try access.scope, in: req.data)
    }

    @Sendable static func moveList(_ req: Request) async throws -> APIListMove {
        let access = try await Access.require(.nominate, for: req)
        let form = try req.content.decode(APIStageChange.self)
        let result = try await Nominations.moveList(of: try parameter(req, "unit", "单位"), in: try pathID(req, "选举"), to: form.stage,
                                                    decision: form.decision ?? "", actor: access.user.username, scope: try access.scope, in: req.data)
        return APIListMove(moved: result.moved.count, warnings: result.warnings)
    }

    @Sendable static func composition(_ req: Request) async throws -> [RequirementReport] {
        let access = try await Access.require(.viewNominations, for: req)
        return try await Nominations.composition(try pathID(req, "选举"), scope: try access.scope, in: req.data)
    }
}

extension RequirementReport: Content {}

struct APIVettingOpinion: Content {
    struct Attachment: Content { let id: AttachmentID; let name: String; let size: Int; let sha256: String }
    let id: VettingOpinionID, department: VettingDepartment, verdict: VettingVerdict, opinion: String, date: String
    let recordedBy: String, recordedAt: String, attachments: [Attachment]
    init(_ o: VettingOpinionRecord) {
        id = o.id; department = o.department; verdict = o.verdict; opinion = o.opinion; date = o.date; recordedBy = o.recordedBy
        recordedAt = o.recordedAt; attachments = o.attachments.map { .init(id: $0.id, name: $0.name, size: $0.size, sha256: $0.sha256) }
    }
}

struct APIVettingRecord: Content {
    let candidate: APICandidate, inspectedBy: String, opinions: [APIVettingOpinion], missing: [VettingDepartment]
}

struct APINewOpinion: Content {
    struct Attachment: Content { let name: String; let content: String }
    let department: VettingDepartment, verdict: VettingVerdict, opinion: String, date: String, attachments: [Attachment]?
}

/// A candidate's vetting record: every view is audited; files come base64 in JSON.
enum VettingAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", ":id", "candidates", ":candidate", "vetting", use: view)
        signedIn.on(.POST, "elections", ":id", "candidates", ":candidate", "vetting", body: .collect(maxSize: "70mb"), use: record)
        signedIn.get("elections", ":id", "vetting", "attachments", ":attachment", use: attachment)
    }

    @Sendable static func view(_ req: Request) async throws -> APIVettingRecord {
        let access = try await Access.require(.viewNominations, for: req)
        let record = try await Vetting.view(try NominationAPI.parameter(req, "candidate", "人选"), actor: access.user.username,
                                            scope: try access.scope, in: req.data)
        return APIVettingRecord(candidate: APICandidate(record.entry), inspectedBy: record.inspectedBy,
                                opinions: record.opinions.map(APIVettingOpinion.init), missing: record.missing)
    }

    @Sendable static func record(_ req: Request) async throws -> Response {
        let access = try await Access.require(.nominate, for: req)
        let form = try req.content.decode(APINewOpinion.self)
        var uploads: [Vetting.Upload] = []
        for (i, file) in (form.attachments ?? []).prefix(Vetting.maxAttachments + 1).enumerated() {
            guard let content = Data(base64Encoded: file.content) else {
                throw Refusal.invalid("vetting.attachment.encoding", "附件内容应为 base64", field: "attachments[\(i)].content")
            }
            uploads.append(.init(name: file.name, content: content))
        }
        let opinion = try await Vetting.record(try NominationAPI.parameter(req, "candidate", "人选"), department: form.department, verdict: form.verdict,
                                               opinion: form.opinion, date: form.date, attachments: uploads, actor: access.user.username,
                                               scope: try access.scope, in: req.data)
        return try await APIVettingOpinion(opinion).encodeResponse(status: .created, for: req)
    }

    @Sendable static func attachment(_ req: Request) async throws -> Response {
        let access = try await Access.require(.viewNominations, for: req)
        let file = try await Vetting.attachment(try NominationAPI.parameter(req, "attachment", "附件"), actor: access.user.username,
                                                scope: try access.scope, in: req.data)
        let response = Response(status: .ok, body: .init(data: file.content))
        response.headers.contentType = .binary
        let encoded = file.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"attachment\"; filename*=UTF-8''\(encoded)")
        return response
    }
}

struct APISlateProposal: Content {
    let feasible: Bool, digest: String, comingIn: [APICandidate], goingOut: [APICandidate], leftOut: [APICandidate], selected: [CandidacyID]
    let current: [RequirementReport], proposed: [RequirementReport], conflicts: [String]
    init(_ p: ListPlanning.Proposal) {
        feasible = p.feasible; digest = p.digest; comingIn = p.comingIn.map(APICandidate.init); goingOut = p.goingOut.map(APICandidate.init); leftOut = p.leftOut.map(APICandidate.init)
        selected = p.selected; current = p.current; proposed = p.proposed; conflicts = p.conflicts
    }
}

struct APISlateDecision: Content { let digest: String; let reason: String? }

/// The planner's proposal for the list, and the department's decision on it.
enum SlateAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", ":id", "slate", use: propose)
        signedIn.post("elections", ":id", "slate", "accept", use: { try await decide($0, accept: true) })
        signedIn.post("elections", ":id", "slate", "reject", use: { try await decide($0, accept: false) })
    }

    @Sendable static func propose(_ req: Request) async throws -> APISlateProposal {
        let access = try await Access.require(.manageElections, for: req)
        return APISlateProposal(try await ListPlanning.propose(try pathID(req, "选举"), scope: try access.scope,
                                                               offload: req.heavy(access.user.username),
                                                               in: req.data))
    }

    static func decide(_ req: Request, accept: Bool) async throws -> HTTPStatus {
        let access = try await Access.require(.manageElections, for: req)
        let form = try req.content.decode(APISlateDecision.self)
        let id: ElectionID = try pathID(req, "选举")
        if accept {
            try await ListPlanning.accept(id, digest: form.digest, actor: access.user.username, scope: try access.scope,
                                          offload: req.heavy(access.user.username), in: req.data)
        } else {
            try await ListPlanning.reject(id, digest: form.digest, reason: form.reason ?? "", actor: access.user.username, scope: try access.scope, in: req.data)
        }
        return .noContent
    }
}

struct APIProgress: Content {
    struct Deadline: Content { let step: String; let due: String; let milestone: String; let state: String }
    let unitId: OrganizationID, unit: String, places: Int, nominated: Int, reported: Int, opinionsHeard: Int, opinionsNeeded: Int
    let stage: NominationStage?
    let deadlines: [Deadline]
    init(_ r: NominationProgress.Row) {
        unitId = r.unitID; unit = r.unit; places = r.places; nominated = r.nominated; reported = r.reported
        opinionsHeard = r.opinionsHeard; opinionsNeeded = r.opinionsNeeded; stage = r.stage
        deadlines = r.deadlines.map { .init(step: $0.step, due: $0.due, milestone: $0.milestone.rawValue, state: $0.state.rawValue) }
    }
}

enum ProgressAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", ":id", "progress", use: progress)
    }

    /// `?today=yyyy-MM-dd` to see the deadlines as on another day (default: today).
    @Sendable static func progress(_ req: Request) async throws -> [APIProgress] {
        let access = try await Access.require(.viewNominations, for: req)
        let today = req.query[String.self, at: "today"].flatMap { CalendarDate(text: $0)?.description } ?? CalendarDate.today().description
        return try await NominationProgress.units(try pathID(req, "选举"), today: today, scope: try access.scope, in: req.data).map(APIProgress.init)
    }
}

struct APIParticipation: Content {
    let unitId: OrganizationID, unit: String, grassroots: Int, memberCount: Int
    /// What the unit reported (null until it has), and the share of its grassroots organizations that took part.
    let organizations: Int?, members: Int?, share: String?, meetsTarget: Bool?
    init(_ u: Participation.Unit) {
        unitId = u.unitID; unit = u.unit; grassroots = u.grassroots; memberCount = u.memberCount
        organizations = u.report?.organizations; members = u.report?.members
        share = u.report.map { DocumentWording.percent($0.organizations, of: u.grassroots) }; meetsTarget = u.meetsTarget
    }
}

struct APIParticipationReport: Content { let organizations: Int; let members: Int }

/// How widely each unit nominated, and the documents of the candidate process.
enum DocumentAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", ":id", "participation", use: participation)
        signedIn.put("elections", ":id", "units", ":unit", "participation", use: recordParticipation)
        signedIn.get("elections", ":id", "documents", ":file", use: document)
    }

    @Sendable static func participation(_ req: Request) async throws -> [APIParticipation] {
        let access = try await Access.require(.viewNominations, for: req)
        return try await Participation.units(try pathID(req, "选举"), scope: try access.scope, in: req.data).map(APIParticipation.init)
    }

    @Sendable static func recordParticipation(_ req: Request) async throws -> APIParticipation {
        let access = try await Access.require(.nominate, for: req)
        let form = try req.content.decode(APIParticipationReport.self)
        let election: ElectionID = try pathID(req, "选举"), unit: OrganizationID = try NominationAPI.parameter(req, "unit", "单位")
        return APIParticipation(try await Participation.record(unit: unit, in: election, organizations: form.organizations, members: form.members,
                                                               actor: access.user.username, scope: try access.scope, in: req.data))
    }

    /// `…/documents/{notice|register|forms|report}.{pdf|xlsx}`, `?unit=` for one unit's.
    @Sendable static func document(_ req: Request) async throws -> Response {
        let access = try await Access.require(.viewNominations, for: req)
        let (kind, format) = try ElectionDocuments.parse(req.parameters.get("file") ?? "")
        var unit: OrganizationID?
        if let text = req.query[String.self, at: "unit"] {
            guard let id = OrganizationID(text) else { throw Refusal.notFound("document.unit.unknown", "没有这个单位") }
            unit = id
        }
        let document = try await ElectionDocuments.issue(kind, format, election: try pathID(req, "选举"), unit: unit,
                                                         showIDNumbers: access.can(.seeFullIDNumbers), actor: access.user.username,
                                                         scope: try access.scope, in: req.data, offload: req.heavy(access.user.username))
        let response = Response(status: .ok, body: .init(data: document.bytes))
        response.headers.replaceOrAdd(name: .contentType, value: format.contentType)
        let encoded = document.filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document"
        response.headers.replaceOrAdd(name: .contentDisposition,
                                      value: "attachment; filename=\"\(kind.rawValue).\(format.rawValue)\"; filename*=UTF-8''\(encoded)")
        return response
    }
}
