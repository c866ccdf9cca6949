import Foundation
import Vapor
import Core
import Persistence
import Elections
import Allocation
import NameOrder

struct APIElection: Content {
    let id: ElectionID, name: String, organizationId: OrganizationID, office: Office?, profile: RuleProfile
    let seats: Int, candidatePlaces: Int, marginRatio: String, minimumCandidates: Int, referenceDate: String, nameOrder: NameConvention
    /// RULES §2 and §4 settings.
    let quorumStrict: Bool, partialInvalid: PartialInvalid
    let electoralUnits: Bool
    init(_ e: ElectionRecord) throws {
        electoralUnits = try ElectionSetup.electoralUnits(of: e)
        id = e.id; name = e.name; organizationId = e.organizationID; office = e.office; profile = e.profile; seats = e.seats
        candidatePlaces = e.candidatePlaces; marginRatio = e.marginRatio.description
        minimumCandidates = Margin.minimumCandidates(seats: e.seats, ratio: e.marginRatio); referenceDate = e.referenceDate; nameOrder = e.nameOrder
        let options = try ElectionSetup.options(of: e)
        quorumStrict = options.quorumStrict
        partialInvalid = options.partialInvalid
    }
}

struct APINewElection: Content {
    let name: String, organizationId: OrganizationID, office: Office?, profile: RuleProfile, seats: Int
    let marginRatio: String, candidatePlaces: Int?, referenceDate: String, nameOrder: NameConvention?
    /// `5·P > 4·E` instead of `5·P ≥ 4·E` (basic profile); an unreadable mark: markOnly (default) or wholeBallot.
    let quorumStrict: Bool?, partialInvalid: PartialInvalid?
    /// 公示 in working days (default 5).
    let noticeWorkingDays: Int?
    /// The units elect delegates (seats and places each) rather than recommend (places only).
    let electoralUnits: Bool?
    /// The timeline; `composition` (the requirements in the planner's JSON form) is read from the body as it is.
    let deadlines: [ElectionSetup.Deadline]?
}

/// How the seats (electoral units) or places (recommendation) are shared: every field may be left
/// out (Hamilton on members, no base, no minimum, the units in force or those directly below).
/// `overrides` set what is shared by hand; `placeOverrides` raise an electoral unit's candidate places.
struct APIQuotaPlan: Content {
    struct Override: Content { let unit: OrganizationID; let places: Int; let reason: String }
    let method: String?, base: Int?, memberWeight: String?, organizationWeight: String?, minimum: Int?, overrides: [Override]?
    let placeOverrides: [Override]?, units: [OrganizationID]?

    func plan() throws -> QuotaAllocation.Plan {
        var plan = QuotaAllocation.Plan()
        if let method {
            guard let m = ApportionmentMethod(rawValue: method) else {
                throw Refusal.invalid("quota.method.unknown", "method 应为 \(ApportionmentMethod.allCases.map(\.rawValue).joined(separator: "、")) 之一", field: "method")
            }
            plan.method = m
        }
        plan.base = base ?? 0
        plan.minimum = minimum ?? 0
        plan.memberWeight = try Self.ratio(memberWeight, field: "memberWeight") ?? Ratio(1, 1)
        plan.organizationWeight = try Self.ratio(organizationWeight, field: "organizationWeight") ?? Ratio(0, 1)
        guard (overrides ?? []).count <= 1_000 else { throw Refusal.invalid("quota.overrides.tooMany", "调整过多", field: "overrides") }
        guard (placeOverrides ?? []).count <= 1_000, (units ?? []).count <= 1_000 else {
            throw Refusal.invalid("quota.overrides.tooMany", "调整或单位过多", field: "placeOverrides")
        }
        plan.overrides = (overrides ?? []).map { .init(unit: $0.unit, places: $0.places, reason: $0.reason) }
        plan.placeOverrides = (placeOverrides ?? []).map { .init(unit: $0.unit, places: $0.places, reason: $0.reason) }
        plan.units = units
        return plan
    }

    static func ratio(_ text: String?, field: String) throws -> Ratio? {
        try text.map { try requiredRatio($0, field: field) }
    }
}

struct APIQuotaPreview: Content {
    struct Row: Content {
        let unit: OrganizationID, name: String, members: Int, organizations: Int, share: Double
        /// The unit's delegate seats (null where the election only recommends).
        let seats: Int?
        let places: Int, previous: Int?, previousSeats: Int?, reason: String?
    }
    /// `total` is of what is shared (seats for electoral units, else places) and must reach `target`.
    let election: ElectionID, candidatePlaces: Int, electoral: Bool, target: Int, total: Int, totalPlaces: Int
    let complete: Bool, ties: [[String]], rows: [Row]
    init(_ p: QuotaAllocation.Preview) {
        election = p.election.id
        candidatePlaces = p.election.candidatePlaces
        electoral = p.electoral
        target = p.target
        total = p.total
        totalPlaces = p.totalPlaces
        complete = p.complete
        ties = p.ties
        rows = p.rows.map {
            .init(unit: $0.unit, name: $0.name, members: $0.members, organizations: $0.organizations, share: ($0.share * 10_000).rounded() / 10_000,
                  seats: $0.seats, places: $0.places, previous: $0.previous, previousSeats: $0.previousSeats, reason: $0.reason)
        }
    }
}

/// A decimal ratio a form or a body sends (0.21), or a coded refusal naming the field.
func requiredRatio(_ text: String, field: String, message: String = "应是非负小数，例如0.2") throws -> Ratio {
    guard let ratio = Ratio(decimal: text.trimmingCharacters(in: .whitespaces)) else { throw Refusal.invalid("input.notRatio", message, field: field) }
    return ratio
}

/// Elections and their quotas under /api/v1/elections.
enum ElectionAPI {
    static func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("elections", use: list)
        signedIn.post("elections", use: create)
        signedIn.get("elections", ":id", use: one)
        signedIn.post("elections", ":id", "quotas", "preview", use: { try await quotas($0, apply: false) })
        signedIn.put("elections", ":id", "quotas", use: { try await quotas($0, apply: true) })
        NominationAPI.register(signedIn)
        DelegateAPI.register(signedIn)
    }

    @Sendable static func list(_ req: Request) async throws -> [APIElection] {
        let access = try await Access.require(.viewElections, for: req)
        return try await ElectionSetup.list(scope: try access.scope, in: req.data).map(APIElection.init)
    }

    @Sendable static func one(_ req: Request) async throws -> APIElection {
        let access = try await Access.require(.viewElections, for: req)
        return try APIElection(try await ElectionSetup.find(try pathID(req, "选举"), scope: try access.scope, in: req.data))
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        let access = try await Access.require(.manageElections, for: req)
        let form = try req.content.decode(APINewElection.self)
        let margin = try requiredRatio(form.marginRatio, field: "marginRatio")
        var composition: String?
        if let body = req.body.data, let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
           let list = object["composition"], !(list is NSNull) {
            guard list is [Any] else {
                throw Refusal.invalid("election.composition.invalid", "结构要求应为 JSON 数组", field: "composition")
            }
            composition = String(decoding: try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys]), as: UTF8.self)
        }
        var draft = ElectionSetup.Draft(name: form.name, organizationID: form.organizationId, office: form.office ?? .delegate, profile: form.profile,
                                        seats: form.seats, marginRatio: margin, candidatePlaces: form.candidatePlaces,
                                        referenceDate: form.referenceDate, nameOrder: form.nameOrder ?? .a, compositionJSON: composition,
                                        deadlines: form.deadlines ?? [])
        draft.options = RuleOptions(quorumStrict: form.quorumStrict ?? false, partialInvalid: form.partialInvalid ?? .markOnly)
        draft.noticeWorkingDays = form.noticeWorkingDays ?? 5
        draft.electoralUnits = form.electoralUnits ?? false
        let election = try await ElectionSetup.create(draft, actor: access.user.username, scope: try access.scope, in: req.data)
        return try await APIElection(election).encodeResponse(status: .created, for: req)
    }

    static func quotas(_ req: Request, apply: Bool) async throws -> APIQuotaPreview {
        let access = try await Access.require(.manageElections, for: req)
        let id: ElectionID = try pathID(req, "选举")
        let plan = try req.content.decode(APIQuotaPlan.self).plan()
        let preview = apply
            ? try await QuotaAllocation.apply(id, plan: plan, actor: access.user.username, scope: try access.scope, in: req.data)
            : try await QuotaAllocation.preview(id, plan: plan, scope: try access.scope, in: req.data)
        return APIQuotaPreview(preview)
    }
}
