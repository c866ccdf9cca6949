import Foundation
import Vapor
import Core
import Persistence
import Elections
import Nominations
import Roster
import Organizations
import Allocation
import NameOrder
import Documents
import ElectionDocuments

struct ElectionListPage: Encodable {
    struct Row: Encodable { let id: String; let name: String; let seats: Int; let places: Int; let margin: String; let minimum: Int; let referenceDate: String }
    let rows: [Row]
    let canManage: Bool
    /// Each setting offered as its code and its Chinese name.
    struct Choice: Encodable { let value: String; let label: String }
    let profiles: [Choice], offices: [Choice], partialInvalid: [Choice]
    /// What the setup form offers: the seed's composition targets (each may be left out, its
    /// share and level changed) and timeline.
    struct Target: Encodable { let id: String; let label: String; let kind: String; let percent: String; let mandatory: Bool }
    let targets: [Target], timeline: String
    let error: String?
}

struct ElectionPage: Encodable {
    struct Quota: Encodable {
        let unit: String; let unitID: String; let members: Int; let organizations: Int; let share: String; let places: Int; let previous: String; let changed: Bool; let reason: String
        /// What the form had for this unit's override (kept when a preview or a refusal shows the form again).
        var override = "", overrideReason = ""
        /// The unit's delegate seats, where the units elect ("" otherwise).
        var seats = ""
    }
    struct Candidate: Encodable { let id: String; let name: String; let unit: String; let stage: String; let next: String?; let support: String; let reason: String?; let overlap: String? }
    struct UnitList: Encodable {
        let unitID: String, unit: String, count: Int, stage: String, next: String?
        /// The move needs the convening committee's decision written in (正式候选人).
        let needsDecision: Bool
    }
    struct Requirement: Encodable {
        let label: String; let level: String; let needed: Int; let actual: Int; let met: Bool; let robustness: String
        /// The bar's width and the mark of the needed count, in a 200-unit-wide SVG.
        let bar: Int; let mark: Int
    }
    let id: String, name: String, seats: Int, places: Int, margin: String, minimum: Int, referenceDate: String, nameOrder: String
    let quotas: [Quota], quotaTotal: Int, previewing: Bool
    /// The units elect delegates: the table shows their seats beside the candidate places.
    let electoral: Bool, seatTotal: Int
    let canManage: Bool, canNominate: Bool, seesNominations: Bool, canRunMeeting: Bool
    struct Method: Encodable { let name: String; let label: String; let selected: Bool }
    let methods: [Method], base: Int, unitMinimum: Int
    struct ProgressRow: Encodable {
        struct Cell: Encodable { let step: String; let due: String; let state: String; let overdue: Bool; let met: Bool }
        let unitID: String, unit: String; let stage: String; let places: Int; let nominated: Int; let reported: Int; let opinions: String; let deadlines: [Cell]
        /// Grassroots organizations, and what the unit reported of its participation (empty until it has).
        let grassroots: Int, organizations: String, members: String, share: String, belowShare: Bool
    }
    struct Download: Encodable { let title: String; let file: String }
    let progress: [ProgressRow], downloads: [Download], overallShare: String, steps: [String]
    let candidates: [Candidate], lists: [UnitList], requirements: [Requirement]
    let error: String?, warnings: [String]
}

/// The setup form's composition editor: the seed's targets as rows, each kept (`use.<id>`) or
/// left out, with its share in percent (`share.<id>`) and level (`level.<id>`).
enum CompositionForm {
    static var preset: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(CompositionPresets.provincialCongressJSON.utf8))) as? [[String: Any]] ?? []
    }

    static var presetRows: [ElectionListPage.Target] {
        preset.compactMap { item in
            guard let id = item["id"] as? String, let label = item["label"] as? String else { return nil }
            let isMin = item["min"] != nil
            let share = (item["min"] ?? item["approx"]) as? Double ?? 0
            return .init(id: id, label: label, kind: isMin ? "不少于" : "约", percent: String(format: "%g", share * 100),
                         mandatory: (item["level"] as? String) == "mandatory")
        }
    }

    /// The requirements as the election keeps them (the planner's JSON form); nil when none is kept.
    static func json(from fields: [String: String]) throws -> String? {
        var kept: [[String: Any]] = []
        for var item in preset {
            guard let id = item["id"] as? String, fields["use.\(id)"] != nil else { continue }
            let text = (fields["share.\(id)"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let percent = Decimal(string: text), percent >= 0, percent <= 100 else {
                throw Refusal.invalid("election.composition.share", "「\(item["label"] as? String ?? id)」的比例应为0至100之间的数", field: "share.\(id)")
            }
            // Kept as decimal text: the rules read it exactly (0.11 as 11/100, not a binary fraction).
            item[item["min"] != nil ? "min" : "approx"] = "\(percent / 100)"
            item["level"] = fields["level.\(id)"] == "guidance" ? "guidance" : "mandatory"
            kept.append(item)
        }
        guard !kept.isEmpty else { return nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
    }
}

struct ElectionForm: Content {
    var name: String, seats: String, marginRatio: String, candidatePlaces: String?, referenceDate: String
    var profile: String, office: String, nameOrder: String?
    var quorumStrict: String?, partialInvalid: String?, noticeWorkingDays: String?, electoralUnits: String?
    var composition: String?, deadlines: String?
}

/// A form posted to an election's page: the CSRF token checked, the role, the form, the election.
func electionForm<Form: Decodable>(_ req: Request, _ capability: Capability, _ type: Form.Type) async throws -> (access: Access, form: Form, election: ElectionID) {
    try CSRF.verify(req)
    let access = try await Access.require(capability, for: req)
    let form = try req.content.decode(type)
    return (access, form, try pathID(req, "选举"))
}

/// The election pages: the list (the department sets elections up there), and one election with
/// its quota table (the department previews and applies a plan with overrides and reasons), its
/// nominations (a unit sees its own) and the list's composition with a bar per requirement.
enum ElectionPages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("elections", use: list)
        routes.post("elections", use: create)
        routes.get("elections", ":id", use: detail)
        routes.post("elections", ":id", "quotas", use: quotas)
        routes.post("elections", ":id", "candidates", use: nominate)
        routes.post("elections", ":id", "candidates", ":candidate", "stage", use: move)
        routes.post("elections", ":id", "units", ":unit", "stage", use: moveList)
        routes.post("elections", ":id", "units", ":unit", "participation", use: recordParticipation)
        routes.get("elections", ":id", "documents", ":file", use: DocumentAPI.document)
        CandidatePages.register(routes)
        SlatePages.register(routes)
        MeetingPages.register(routes)
        DelegatePages.register(routes)
        BallotPreviewPages.register(routes)
        RoundPages.register(routes)
        JobRoutes.register(api: nil, pages: routes)
    }

    static func listPage(_ req: Request, _ access: Access, error: String?) async throws -> Response {
        let rows = try await ElectionSetup.list(scope: try access.scope, in: req.data).map {
            ElectionListPage.Row(id: $0.id.description, name: $0.name, seats: $0.seats, places: $0.candidatePlaces, margin: ElectionSetup.percent($0.marginRatio),
                                 minimum: Margin.minimumCandidates(seats: $0.seats, ratio: $0.marginRatio), referenceDate: $0.referenceDate)
        }
        return try await req.render("elections", access, ElectionListPage(
            rows: rows, canManage: access.can(.manageElections), profiles: RuleProfile.allCases.map { .init(value: $0.rawValue, label: $0.label) },
            offices: Office.allCases.map { .init(value: $0.rawValue, label: $0.label) },
            partialInvalid: [PartialInvalid.markOnly, .wholeBallot].map { .init(value: $0.rawValue,
                                                                                label: $0.label) }, targets: CompositionForm.presetRows,
            timeline: ElectionSetup.seedTimeline.map { "\($0.due) \($0.step)" }.joined(separator: "\n"), error: error), status: error == nil ? .ok : .badRequest)
    }

    @Sendable static func list(_ req: Request) async throws -> Response {
        try await listPage(req, try await Access.require(.viewElections, for: req), error: nil)
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.manageElections, for: req)
        let form = try req.content.decode(ElectionForm.self)
        do {
            guard let seats = Int(form.seats.trimmingCharacters(in: .whitespaces)) else { throw Refusal.invalid("election.seats.outOfRange", "应选名额应为整数", field: "seats") }
            let margin = try requiredRatio(form.marginRatio, field: "marginRatio", message: "差额比例应是小数，例如0.21")
            let places = form.candidatePlaces.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let profile = RuleProfile(rawValue: form.profile), let office = Office(rawValue: form.office) else {
                throw Refusal.invalid("election.profile.unknown", "请选择选举类型和所选职务", field: "profile")
            }
            // The department's elections are held by the city (the root of the tree it sees).
            guard let city = try await OrganizationLookup.city(in: req.data)?.id else { throw Refusal.invalid("election.organization.unknown", "还没有党组织") }
            guard let partial = PartialInvalid(rawValue: form.partialInvalid ?? PartialInvalid.markOnly.rawValue) else {
                throw Refusal.invalid("election.partialInvalid.unknown", "请选择无法辨认的标记如何处理", field: "partialInvalid")
            }
            var draft = ElectionSetup.Draft(name: form.name, organizationID: city, office: office, profile: profile, seats: seats,
                                            marginRatio: margin,
                                            candidatePlaces: places, referenceDate: form.referenceDate.trimmingCharacters(in: .whitespaces),
                                            nameOrder: NameConvention(rawValue: form.nameOrder ?? "A") ?? .a,
                                            compositionJSON: try CompositionForm.json(from: try req.content.decode([String: String].self)),
                                            deadlines: try ElectionSetup.parseTimeline(form.deadlines ?? ""))
            draft.options = RuleOptions(quorumStrict: form.quorumStrict == "on", partialInvalid: partial)
            draft.electoralUnits = form.electoralUnits == "on"
            if let text = form.noticeWorkingDays?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let days = Int(text) else { throw Refusal.invalid("election.notice.days", "公示期应为1至30个工作日", field: "noticeWorkingDays") }
                draft.noticeWorkingDays = days
            }
            let election = try await ElectionSetup.create(draft, actor: access.user.username, scope: try access.scope, in: req.data)
            Chrome.flash(req, "已设立「\(election.name)」：候选人名额 \(election.candidatePlaces) 名")
            return req.redirect(to: "/elections/\(election.id)")
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await listPage(req, access, error: refusal.message)
        }
    }

    static func page(_ req: Request, _ access: Access, preview: QuotaAllocation.Preview? = nil, plan: QuotaAllocation.Plan = .init(),
                     error: String? = nil, warnings: [String] = []) async throws -> Response {
        let scope = try access.scope
        let election = try await ElectionSetup.find(try pathID(req, "选举"), scope: scope, in: req.data)
        var quotas: [ElectionPage.Quota] = []
        if let preview {
            quotas = preview.rows.map { r in
                let typed = plan.overrides.first { $0.unit == r.unit }
                return .init(unit: r.name, unitID: r.unit.description, members: r.members, organizations: r.organizations, share: String(format: "%.2f", r.share),
                             places: r.places, previous: r.previous.map(String.init) ?? "—", changed: r.previous != nil && r.previous != r.places, reason: r.reason ?? "",
                             override: typed.map { String($0.places) } ?? "", overrideReason: typed?.reason ?? "",
                             seats: r.seats.map(String.init) ?? "")
            }
        } else {
            let rows = try await ElectionOverview.quotas(election.id, scope: scope, in: req.data)
            quotas = rows.map { .init(unit: $0.unit, unitID: $0.unitID.description, members: 0, organizations: 0, share: "", places: $0.places,
                                      previous: "", changed: false, reason: $0.reason ?? "", seats: $0.seats.map(String.init) ?? "") }
        }
        var candidates: [ElectionPage.Candidate] = [], lists: [ElectionPage.UnitList] = [], requirements: [ElectionPage.Requirement] = []
        var progress: [ElectionPage.ProgressRow] = []
        var overallShare = ""
        let sees = access.can(.viewNominations)
        /// The stage this user may take a nomination at `stage` to, if any.
        func nextStage(_ stage: NominationStage) -> String? { stage.next.flatMap { Nominations.mayMove(to: $0, scope: scope) ? $0.rawValue : nil } }
        if sees {
            let entries = try await Nominations.list(election.id, scope: scope, in: req.data)
            candidates = entries.map { e in
                .init(id: e.candidacy.id.description, name: e.member.record.name, unit: e.unitName, stage: e.candidacy.stage.rawValue,
                      // 正式候选人 is approved for a unit's whole list, never one by one.
                      next: e.candidacy.stage.next == .approved ? nil : nextStage(e.candidacy.stage),
                      support: "\(e.candidacy.supportOrganizations) 个组织、\(e.candidacy.supportMembers) 名党员",
                      reason: e.candidacy.reason.isEmpty ? nil : e.candidacy.reason,
                      overlap: e.overlaps.isEmpty ? nil : "同时是" + e.overlaps.joined(separator: "、"))
            }
            // One row per unit and stage: the whole list moves on together.
            let groups = Dictionary(grouping: entries.filter { $0.candidacy.stage.isActive }) { "\($0.candidacy.unitID)|\($0.candidacy.stage.rawValue)" }
            lists = groups.values.compactMap { group -> ElectionPage.UnitList? in
                guard let first = group.first else { return nil }
                let next = nextStage(first.candidacy.stage)
                return .init(unitID: first.candidacy.unitID.description, unit: first.unitName, count: group.count, stage: first.candidacy.stage.rawValue, next: next,
                             needsDecision: first.candidacy.stage.next == .approved)
            }.sorted { ($0.unit, $0.stage) < ($1.unit, $1.stage) }
            requirements = try await Nominations.composition(of: election, entries: entries, scope: scope, in: req.data).filter { $0.unit == nil }.map { r in
                let top = max(r.needed, r.actual, 1)
                return .init(label: r.label, level: r.level == "mandatory" ? "硬性" : "参考", needed: r.needed, actual: r.actual, met: r.met,
                             robustness: r.robustness.map(String.init) ?? "—", bar: r.actual * 200 / top, mark: r.needed * 200 / top)
            }
            let participation = try await Participation.units(election.id, scope: scope, in: req.data)
            let byUnit = Dictionary(participation.map { ($0.unitID, $0) }, uniquingKeysWith: { a, _ in a })
            overallShare = Participation.overall(participation).map { DocumentWording.percent($0.numerator, of: $0.denominator) } ?? ""
            progress = try await NominationProgress.units(of: election, entries: entries, today: CalendarDate.today().description, scope: scope,
                                                          in: req.data).map { r in
                let p = byUnit[r.unitID]
                return .init(unitID: r.unitID.description, unit: r.unit, stage: r.stage?.rawValue ?? "未推荐", places: r.places, nominated: r.nominated, reported: r.reported,
                             opinions: "\(r.opinionsHeard)/\(r.opinionsNeeded)",
                             deadlines: r.deadlines.map { .init(step: $0.step, due: $0.due, state: $0.state.rawValue, overdue: $0.state == .overdue, met: $0.state == .met) },
                             grassroots: p?.grassroots ?? 0, organizations: p?.report.map { String($0.organizations) } ?? "",
                             members: p?.report.map { String($0.members) } ?? "",
                             share: p?.report.map { DocumentWording.percent($0.organizations, of: p!.grassroots) } ?? "未填报",
                             belowShare: p?.meetsTarget == false)
            }
        }
        return try await req.render("election", access, ElectionPage(
            id: election.id.description, name: election.name, seats: election.seats, places: election.candidatePlaces,
            margin: ElectionSetup.percent(election.marginRatio), minimum: Margin.minimumCandidates(seats: election.seats, ratio: election.marginRatio),
            referenceDate: election.referenceDate, nameOrder: election.nameOrder == .a ? "A（姓氏笔画，单名视为空白）" : "B（姓名笔画）",
            quotas: quotas, quotaTotal: quotas.map(\.places).reduce(0, +), previewing: preview != nil,
            electoral: try ElectionSetup.electoralUnits(of: election), seatTotal: quotas.compactMap { Int($0.seats) }.reduce(0, +),
            canManage: access.can(.manageElections), canNominate: access.can(.nominate), seesNominations: sees,
            canRunMeeting: access.can(.runMeeting),
            methods: ApportionmentMethod.allCases.map { .init(name: $0.rawValue, label: $0.label,
                                                              selected: $0 == plan.method) }, base: plan.base, unitMinimum: plan.minimum,
            progress: progress,
            downloads: sees ? ElectionDocuments.Kind.allCases.flatMap { k in k.formats.map { .init(title: "\(k.title)（\($0.rawValue.uppercased())）", file: "\(k.rawValue).\($0.rawValue)") } } : [],
            overallShare: overallShare, steps: try ElectionSetup.deadlines(of: election).map { "\($0.step)（\($0.due)前；按「\($0.milestone.rawValue)」判断）" },
            candidates: candidates, lists: lists, requirements: requirements,
            error: error, warnings: warnings), status: error == nil ? .ok : .badRequest)
    }

    @Sendable static func detail(_ req: Request) async throws -> Response {
        try await page(req, try await Access.require(.viewElections, for: req))
    }

    /// The quota form: `action=preview` shows the table, `action=apply` writes it. Each unit's
    /// `places.<id>` is an override when filled, with `reason.<id>` required.
    @Sendable static func quotas(_ req: Request) async throws -> Response {
        let (access, form, id) = try await electionForm(req, .manageElections, [String: String].self)
        var plan = QuotaAllocation.Plan()
        if let method = form["method"].flatMap(ApportionmentMethod.init(rawValue:)) { plan.method = method }
        plan.minimum = Int(form["minimum"] ?? "") ?? 0
        plan.base = Int(form["base"] ?? "") ?? 0
        for (key, value) in form where key.hasPrefix("places.") && !value.trimmingCharacters(in: .whitespaces).isEmpty {
            let unit = String(key.dropFirst(7))
            guard let unitID = OrganizationID(unit) else { continue }
            plan.overrides.append(.init(unit: unitID, places: Int(value.trimmingCharacters(in: .whitespaces)) ?? -1, reason: form["reason.\(unit)"] ?? ""))
        }
        do {
            if form["action"] == "apply" {
                let applied = try await QuotaAllocation.apply(id, plan: plan, actor: access.user.username, scope: try access.scope, in: req.data)
                Chrome.flash(req, "已分配名额：合计 \(applied.total) 名，已记入审计日志")
                return req.redirect(to: "/elections/\(id)")
            }
            return try await page(req, access, preview: try await QuotaAllocation.preview(id, plan: plan, scope: try access.scope, in: req.data), plan: plan)
        } catch let refusal as Refusal where refusal.kind == .invalid {
            // Refused (a tie to settle, a reason missing): the preview again, with what was typed kept.
            let preview: QuotaAllocation.Preview?
            do { preview = try await QuotaAllocation.preview(id, plan: plan, scope: try access.scope, in: req.data) } catch is Refusal { preview = nil }
            return try await page(req, access, preview: preview, plan: plan, error: refusal.message)
        }
    }

    struct NominationForm: Content { var idNumber: String; var supportOrganizations: String?; var supportMembers: String? }
    struct StageForm: Content { var stage: String; var reason: String?; var decision: String? }

    @Sendable static func nominate(_ req: Request) async throws -> Response {
        let (access, form, id) = try await electionForm(req, .nominate, NominationForm.self)
        do {
            var search = MemberSearch()
            search.text = form.idNumber.trimmingCharacters(in: .whitespaces)
            search.pageSize = 2
            let found = try await MemberDirectory.search(search, scope: try access.scope, in: req.data).members
            guard search.text.count == 18, let member = found.first(where: { $0.record.idNumber == search.text.uppercased() }) else {
                throw Refusal.invalid("member.notFound", "在您的范围内没有身份证号为「\(search.text.prefix(18))」的党员", field: "idNumber")
            }
            try await Nominations.nominate(member.id, in: id, supportOrganizations: Int(form.supportOrganizations ?? "") ?? 0,
                                           supportMembers: Int(form.supportMembers ?? "") ?? 0, actor: access.user.username,
                                           scope: try access.scope, in: req.data)
            Chrome.flash(req, "已推荐「\(member.record.name)」")
            return req.redirect(to: "/elections/\(id)")
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, error: refusal.message)
        }
    }

    /// A stage form's request: checked, with who asks, the election and the stage asked for.
    static func stageRequest(_ req: Request) async throws -> (access: Access, election: ElectionID, stage: NominationStage, form: StageForm) {
        let (access, form, election) = try await electionForm(req, .nominate, StageForm.self)
        guard let stage = NominationStage(rawValue: form.stage) else { throw Refusal.invalid("nomination.stage.unknown", "没有这个环节", field: "stage") }
        return (access, election, stage, form)
    }

    @Sendable static func move(_ req: Request) async throws -> Response {
        let (access, id, stage, form) = try await stageRequest(req)
        do {
            try await Nominations.move(try NominationAPI.parameter(req, "candidate", "人选"), to: stage, reason: form.reason ?? "",
                                       actor: access.user.username, scope: try access.scope, in: req.data)
            return req.redirect(to: "/elections/\(id)")
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, error: refusal.message)
        }
    }

    struct ParticipationForm: Content { let organizations: String; let members: String }

    /// A unit's participation report from its row of the progress table.
    @Sendable static func recordParticipation(_ req: Request) async throws -> Response {
        let (access, form, id) = try await electionForm(req, .nominate, ParticipationForm.self)
        do {
            guard let organizations = Int(form.organizations.trimmingCharacters(in: .whitespaces)),
                  let members = Int(form.members.trimmingCharacters(in: .whitespaces)) else {
                throw Refusal.invalid("participation.notNumber", "参与推荐的组织数和党员数应为整数")
            }
            try await Participation.record(unit: try NominationAPI.parameter(req, "unit", "单位"), in: id, organizations: organizations, members: members,
                                           actor: access.user.username, scope: try access.scope, in: req.data)
            return try await page(req, access, warnings: ["已记录参与推荐情况"])
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, error: refusal.message)
        }
    }

    @Sendable static func moveList(_ req: Request) async throws -> Response {
        let (access, id, stage, form) = try await stageRequest(req)
        do {
            let result = try await Nominations.moveList(of: try NominationAPI.parameter(req, "unit", "单位"), in: id, to: stage,
                                                        decision: form.decision ?? "", actor: access.user.username, scope: try access.scope, in: req.data)
            return try await page(req, access, warnings: ["已有 \(result.moved.count) 名人选进入「\(stage.rawValue)」"] + result.warnings)
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, error: refusal.message)
        }
    }
}

struct CandidatePage: Encodable {
    struct Opinion: Encodable {
        struct File: Encodable { let id: String; let name: String; let size: String }
        let department: String, verdict: String, opinion: String, date: String, recordedBy: String, files: [File]
    }
    let electionID: String, electionName: String, id: String, name: String, unit: String, stage: String, support: String, inspectedBy: String
    let category: String, categoryBasis: String, categories: [String], canSetCategory: Bool
    let opinions: [Opinion], missing: [String]
    let canRecord: Bool, departments: [String], verdicts: [String]
    /// Ending the nomination (退出, and 未通过 for the department), with its reason: while it is active.
    let endings: [String]
    let error: String?
}

/// One candidate's page: who they are and their vetting record (viewing it is audited), with
/// the form to record an opinion and its files.
enum CandidatePages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("elections", ":id", "candidates", ":candidate", use: show)
        routes.on(.POST, "elections", ":id", "candidates", ":candidate", "vetting", body: .collect(maxSize: "60mb"), use: record)
        routes.post("elections", ":id", "candidates", ":candidate", "category", use: setCategory)
        routes.get("elections", ":id", "vetting", "attachments", ":attachment", use: VettingAPI.attachment)
    }

    static func page(_ req: Request, _ access: Access, error: String? = nil) async throws -> Response {
        let scope = try access.scope
        let electionID: ElectionID = try pathID(req, "选举")
        let election = try await ElectionSetup.find(electionID, scope: scope, in: req.data)
        let record = try await Vetting.view(try NominationAPI.parameter(req, "candidate", "人选"), actor: access.user.username, scope: scope, in: req.data)
        let c = record.entry.candidacy
        let departments = scope == .city ? VettingDepartment.allCases : [.unit]
        let category = Categories.effective(record.entry.member.record, candidacy: c)
        return try await req.render("candidate", access, CandidatePage(
            electionID: election.id.description, electionName: election.name, id: c.id.description, name: record.entry.member.record.name, unit: record.entry.unitName,
            stage: c.stage.rawValue + (c.reason.isEmpty ? "" : "：\(c.reason)"),
            support: "\(c.supportOrganizations) 个组织、\(c.supportMembers) 名党员推荐", inspectedBy: record.inspectedBy,
            category: category.category, categoryBasis: category.basis, categories: Categories.choices,
            canSetCategory: access.can(.manageElections),
            opinions: record.opinions.map { o in
                .init(department: o.department.rawValue, verdict: o.verdict.rawValue, opinion: o.opinion, date: o.date, recordedBy: o.recordedBy,
                      files: o.attachments.map { .init(id: $0.id.description, name: $0.name, size: byteSize($0.size)) })
            },
            missing: record.missing.map(\.rawValue), canRecord: access.can(.nominate), departments: departments.map(\.rawValue),
            verdicts: VettingVerdict.allCases.map(\.rawValue),
            endings: access.can(.nominate) && c.stage.isActive ? [NominationStage.withdrawn,
                                                                  .notPassed].filter { Nominations.mayMove(from: c.stage, to: $0,
                                                                                                           scope: scope) }.map(\.rawValue) : [],
            error: error), status: error == nil ? .ok : .badRequest)
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        try await page(req, try await Access.require(.viewNominations, for: req))
    }

    /// "46 字节", "12.3 KB", "2.0 MB".
    static func byteSize(_ bytes: Int) -> String {
        if bytes < 1_024 { return "\(bytes) 字节" }
        if bytes < 1_048_576 { return String(format: "%.1f KB", Double(bytes) / 1_024) }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    struct CategoryForm: Content { var category: String; var reason: String? }

    @Sendable static func setCategory(_ req: Request) async throws -> Response {
        let (access, form, electionID) = try await electionForm(req, .manageElections, CategoryForm.self)
        let candidate: CandidacyID = try NominationAPI.parameter(req, "candidate", "人选")
        do {
            try await Categories.set(candidate, to: form.category, reason: form.reason ?? "", actor: access.user.username, scope: try access.scope, in: req.data)
            Chrome.flash(req, form.category.isEmpty ? "已恢复按名册认定类别" : "已将类别调整为「\(form.category)」")
            return req.redirect(to: "/elections/\(electionID)/candidates/\(candidate)")
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, error: refusal.message)
        }
    }

    struct OpinionForm: Content { var department: String; var verdict: String; var opinion: String; var date: String; var files: [File]? }

    @Sendable static func record(_ req: Request) async throws -> Response {
        let (access, form, electionID) = try await electionForm(req, .nominate, OpinionForm.self)
        let candidate: CandidacyID = try NominationAPI.parameter(req, "candidate", "人选")
        do {
            guard let department = VettingDepartment(rawValue: form.department), let verdict = VettingVerdict(rawValue: form.verdict) else {
                throw Refusal.invalid("vetting.department.unknown", "请选择部门和意见", field: "department")
            }
            // A browser sends an empty file part when none was chosen.
            let uploads = (form.files ?? []).filter { $0.data.readableBytes > 0 }.map { Vetting.Upload(name: $0.filename, content: Data(buffer: $0.data)) }
            try await Vetting.record(candidate, department: department, verdict: verdict, opinion: form.opinion, date: form.date, attachments: uploads,
                                     actor: access.user.username, scope: try access.scope, in: req.data)
            Chrome.flash(req, "已记录「\(department.rawValue)」的意见")
            return req.redirect(to: "/elections/\(electionID)/candidates/\(candidate)")
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, error: refusal.message)
        }
    }
}

struct SlatePage: Encodable {
    struct Person: Encodable { let name: String; let unit: String; let stage: String; let support: Int }
    struct Row: Encodable { let label: String; let level: String; let needed: Int; let current: Int; let proposed: Int; let currentMet: Bool; let proposedMet: Bool }
    let electionID: String, electionName: String, feasible: Bool, digest: String
    let comingIn: [Person], goingOut: [Person], leftOut: [Person], rows: [Row], conflicts: [String]
}

/// The planner's proposal beside the current list, to accept or reject (both recorded).
enum SlatePages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("elections", ":id", "slate", use: show)
        routes.post("elections", ":id", "slate", use: decide)
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let access = try await Access.require(.manageElections, for: req)
        let id: ElectionID = try pathID(req, "选举")
        let election = try await ElectionSetup.find(id, scope: try access.scope, in: req.data)
        let p = try await ListPlanning.propose(id, scope: try access.scope, offload: req.heavy(access.user.username), in: req.data)
        func person(_ e: Nominations.Entry) -> SlatePage.Person {
            .init(name: e.member.record.name, unit: e.unitName, stage: e.candidacy.stage.rawValue, support: e.candidacy.supportMembers)
        }
        let current = Dictionary(p.current.filter { $0.unit == nil }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = p.proposed.filter { $0.unit == nil }.map { r in
            SlatePage.Row(label: r.label, level: r.level == "mandatory" ? "硬性" : "参考", needed: r.needed, current: current[r.id]?.actual ?? 0,
                          proposed: r.actual, currentMet: current[r.id]?.met ?? false, proposedMet: r.met)
        }
        return try await req.render("slate", access, SlatePage(
            electionID: id.description, electionName: election.name, feasible: p.feasible, digest: p.digest,
            comingIn: p.comingIn.map(person), goingOut: p.goingOut.map(person), leftOut: p.leftOut.map(person), rows: rows, conflicts: p.conflicts))
    }

    struct Decision: Content { var digest: String; var decision: String; var reason: String? }

    @Sendable static func decide(_ req: Request) async throws -> Response {
        let (access, form, id) = try await electionForm(req, .manageElections, Decision.self)
        if form.decision == "accept" {
            let applied = try await ListPlanning.accept(id, digest: form.digest, actor: access.user.username, scope: try access.scope,
                                                        offload: req.heavy(access.user.username), in: req.data)
            Chrome.flash(req, "已采纳编排方案：调入 \(applied.comingIn.count) 名，调出 \(applied.goingOut.count) 名，已记入审计日志")
        } else {
            try await ListPlanning.reject(id, digest: form.digest, reason: form.reason ?? "", actor: access.user.username, scope: try access.scope, in: req.data)
            Chrome.flash(req, "未采纳编排方案，已记入审计日志")
        }
        return req.redirect(to: "/elections/\(id)")
    }
}
