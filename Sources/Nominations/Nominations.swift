import Foundation
import Core
import Persistence
import Documents
import Audit
import Elections
import Allocation
import NameOrder

/// Nominating from the roster and moving nominations through the stages (the seed's third
/// speech). A unit works on its own nominations up to its preliminary list (初步人选); the
/// department (the city's scope) takes them from there. Lists under deliberation are seen only
/// by the city and the unit itself.
public enum Nominations {
    /// A nomination with what a list shows of the person.
    public struct Entry: Sendable {
        public let candidacy: CandidacyRecord
        public let member: MemberRecord
        public let unitName: String

        /// Delegates generally do not also sit in the People's Congress or the CPPCC (一般不交叉):
        /// the roster's flags, named so that the list shows them.
        public var overlaps: [String] {
            (member.record.npcDeputy ? ["人大代表"] : []) + (member.record.cppccMember ? ["政协委员"] : [])
        }
    }

    public static let maxSupport = 10_000_000

    @discardableResult
    public static func nominate(_ memberID: MemberID, in electionID: ElectionID, supportOrganizations: Int, supportMembers: Int,
                                actor: String, scope: Scope, in data: any DataStore) async throws -> CandidacyRecord {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        guard let member = try await data.members.find(memberID),
              let organization = try await data.organizations.find(member.organizationID), scope.contains(path: organization.path) else {
            throw Refusal.notFound("member.notFound", "没有这名党员")
        }
        guard let unit = try await unit(of: organization, in: election, data: data) else {
            throw Refusal.invalid("nomination.outsideElection", "「\(member.record.name)」所在的党组织不参加这项选举", field: "memberId")
        }
        // RULES §1: only full members may stand.
        guard member.standing == .full else {
            throw Refusal.invalid("nomination.standing", "「\(member.record.name)」是\(member.record.status)，不能被推荐为人选", field: "memberId")
        }
        guard (0...maxSupport).contains(supportOrganizations), (0...maxSupport).contains(supportMembers) else {
            throw Refusal.invalid("nomination.support.outOfRange", "推荐的组织数和人数应为非负整数", field: "supportMembers")
        }
        guard try await data.candidacies.find(election: election.id, member: memberID) == nil else {
            throw Refusal.invalid("nomination.duplicate", "「\(member.record.name)」已被推荐", field: "memberId")
        }
        let candidacy = CandidacyRecord(electionID: election.id, memberID: memberID, unitID: unit.id, supportOrganizations: supportOrganizations,
                                        supportMembers: supportMembers, nominatedBy: actor, nominatedAt: AuditLog.timestamp())
        try await data.write { data in
            try await data.candidacies.insert(candidacy)
            try await AuditLog.append(.candidateNominated, actor: actor, object: "candidate:\(candidacy.id)（\(member.record.name)）",
                                      after: "\(election.name)：\(unit.name)推荐，\(supportOrganizations) 个组织、\(supportMembers) 名党员推荐", in: data)
        }
        return candidacy
    }

    /// The election's unit this organization belongs to: the unit with a quota that is it or holds
    /// it (units may be at any depth); before any quota is set, the organization directly below
    /// the election's that is it or holds it.
    static func unit(of organization: OrganizationRecord, in election: ElectionRecord, data: any DataStore) async throws -> OrganizationRecord? {
        guard let top = try await data.organizations.find(election.organizationID), organization.path.hasPrefix(top.path),
              organization.id != top.id else { return nil }
        let ids = organization.pathIDs
        let units = Set(try await data.elections.quotas(of: election.id).map(\.organizationID))
        if !units.isEmpty {
            guard let id = ids.last(where: units.contains) else { return nil }
            return try await data.organizations.find(id)
        }
        guard let i = ids.firstIndex(of: top.id), i + 1 < ids.count else { return nil }
        return try await data.organizations.find(ids[i + 1])
    }

    /// Who may move a nomination to `stage`: the unit up to 初步人选, the department beyond; from
    /// 公示 on only the department withdraws a candidate (RULES §12).
    public static func mayMove(from current: NominationStage? = nil, to stage: NominationStage, scope: Scope) -> Bool {
        if scope == .city { return true }
        if stage == .withdrawn, let current, [.publicized, .reported, .approved].contains(current) { return false }
        return [NominationStage.recommended, .preliminary, .withdrawn].contains(stage)
    }

    static func check(from current: NominationStage? = nil, _ stage: NominationStage, scope: Scope) throws {
        guard mayMove(from: current, to: stage, scope: scope) else {
            if stage == .withdrawn {
                throw Refusal.forbidden("nomination.withdraw.departmentOnly", "公示开始后，人选退出由组织部办理（须写明原因）")
            }
            throw Refusal.forbidden("nomination.stage.departmentOnly", "「\(stage.rawValue)」由组织部办理")
        }
    }

    static func index(_ stage: NominationStage) -> Int { NominationStage.path.firstIndex(of: stage) ?? -1 }

    /// The checks every move forward makes, of one person or a whole list, inside the move's
    /// transaction (RULES §3, §10, §12): the unit's list at `stage` and beyond after the move
    /// holds no more than its places, from 预备人选 on no fewer (the places carry the margin),
    /// and meets every mandatory requirement; 研究审议 needs every moving person vetted by all
    /// six departments; 报上级审查 needs their 公示 ended. Guidance targets missed and a short
    /// list before 预备人选 are warnings.
    static func checkAdvance(_ moving: [Entry], to stage: NominationStage, unit unitID: OrganizationID, election: ElectionRecord, scope: Scope,
                             today: CalendarDate, in data: any DataStore) async throws -> [String] {
        let unitName = moving.first?.unitName ?? ""
        let movingIDs = Set(moving.map(\.candidacy.id))
        let list = try await list(election.id, scope: scope, in: data).filter {
            $0.candidacy.unitID == unitID && $0.candidacy.stage.isActive && (movingIDs.contains($0.candidacy.id) || index($0.candidacy.stage) >= index(stage))
        }
        var warnings: [String] = []
        let places = try await data.elections.quotas(of: election.id).first { $0.organizationID == unitID }?.places
        if let places {
            if list.count > places {
                throw Refusal.invalid("nomination.list.overQuota", "\(unitName)进入「\(stage.rawValue)」的人选有 \(list.count) 名，多于分配的 \(places) 个名额")
            }
            if list.count < places {
                let short = "\(unitName)进入「\(stage.rawValue)」的人选有 \(list.count) 名，少于分配的 \(places) 个名额"
                guard index(stage) < index(.proposed) else {
                    throw Refusal.invalid("nomination.list.belowMargin", short + "（名额已含差额，预备人选起不能少于名额）")
                }
                warnings.append(short)
            }
        }
        let reports = try unitComposition(of: election, unit: unitID, list: list, places: places)
        let blocking = reports.filter { $0.level == Requirement.Level.mandatory.rawValue && !$0.met }
        guard blocking.isEmpty else {
            throw Refusal.invalid("nomination.list.mandatoryUnmet",
                                  "\(unitName)的名单不符合硬性要求：" + blocking.map { "\($0.label)应至少 \($0.needed) 名，现 \($0.actual) 名" }.joined(separator: "；"))
        }
        warnings += reports.filter { $0.level == Requirement.Level.guidance.rawValue && !$0.met }.map { "\($0.label)：参考 \($0.needed) 名，现 \($0.actual) 名" }
        if stage == .deliberation {
            let heard = try await data.vetting.departmentsHeard(for: moving.map(\.candidacy.id))
            for entry in moving {
                let missing = VettingDepartment.required.filter { !heard[entry.candidacy.id, default: []].contains($0) }
                guard missing.isEmpty else {
                    throw Refusal.invalid("nomination.vetting.incomplete",
                                          "\(entry.member.record.name)的考察还缺\(missing.map(\.rawValue).joined(separator: "、"))的意见，不能进入研究审议")
                }
            }
        }
        if stage == .reported {
            for entry in moving {
                guard let until = entry.candidacy.noticeUntil.flatMap(CalendarDate.init(text:)), until < today else {
                    throw Refusal.invalid("nomination.notice.notEnded",
                                          "\(entry.member.record.name)的公示" + (entry.candidacy.noticeUntil.map { "到 \($0) 结束" } ?? "没有起止日期") + "，公示期满后才能报上级审查")
                }
            }
        }
        return warnings
    }

    /// A moved nomination as it is stored: entering 公示 it gets the notice's first and last day.
    static func moved(_ candidacy: CandidacyRecord, to stage: NominationStage, notice: (first: CalendarDate,
                                                                                        last: CalendarDate)?) -> CandidacyRecord {
        var c = candidacy
        c.stage = stage
        if stage == .publicized, let notice {
            c.noticeFrom = notice.first.description
            c.noticeUntil = notice.last.description
        }
        return c
    }

    /// Moves one nomination: one step forward on the path (with the list checks a whole list's
    /// move makes), or out (未通过 / 退出, with a reason). Read, checked and written in one transaction.
    @discardableResult
    public static func move(_ id: CandidacyID, to stage: NominationStage, reason: String = "", actor: String, scope: Scope,
                            today: CalendarDate = .today(), in data: any DataStore) async throws -> CandidacyRecord {
        let reason = try HumanText.screened(reason, field: "reason", label: "理由", multiline: true)
        return try await data.write { data in
            guard let candidacy = try await data.candidacies.find(id), let entry = try await visible(candidacy, scope: scope, in: data) else {
                throw Refusal.notFound("nomination.notFound", "没有这名人选")
            }
            try check(from: candidacy.stage, stage, scope: scope)
            let from = candidacy.stage
            var notice: (first: CalendarDate, last: CalendarDate)?
            if stage.isActive {
                guard stage != .approved else {
                    throw Refusal.invalid("nomination.approved.listOnly", "正式候选人由组织部按单位整份名单批准（写明批准的决定）", field: "stage")
                }
                guard from.next == stage else {
                    throw Refusal.invalid("nomination.stage.order",
                                          "「\(entry.member.record.name)」在「\(from.rawValue)」，下一环节是\(from.next.map { "「\($0.rawValue)」" } ?? "（已结束）")", field: "stage")
                }
                let election = try await ElectionSetup.find(candidacy.electionID, scope: scope, in: data)
                _ = try await checkAdvance([entry], to: stage, unit: candidacy.unitID, election: election, scope: scope, today: today, in: data)
                notice = today.workingDays(try ElectionSetup.noticeWorkingDays(of: election))
            } else {
                guard from.isActive else { throw Refusal.invalid("nomination.stage.ended", "「\(entry.member.record.name)」已\(from.rawValue)",
                                                                 field: "stage") }
                guard (2...200).contains(reason.count) else {
                    throw Refusal.invalid("nomination.reasonMissing", "「\(stage.rawValue)」须写明原因（2至200字）", field: "reason")
                }
            }
            var changed = moved(candidacy, to: stage, notice: notice)
            changed.reason = stage.isActive ? "" : reason
            try await data.candidacies.update(changed)
            try await AuditLog.append(.candidateStageChanged, actor: actor, object: "candidate:\(changed.id)（\(entry.member.record.name)）",
                                      before: from.rawValue, after: stage.rawValue + (reason.isEmpty || stage.isActive ? "" : "：\(reason)")
                                          + (changed.stage == .publicized ? "（公示 \(changed.noticeFrom ?? "") 至 \(changed.noticeUntil ?? "")）" : ""), in: data)
            return changed
        }
    }

    /// The nomination with its person, or nil when the scope may not see it (another unit's list).
    static func visible(_ candidacy: CandidacyRecord, scope: Scope, in data: any DataStore) async throws -> Entry? {
        entry(candidacy, unit: try await data.organizations.find(candidacy.unitID), member: try await data.members.find(candidacy.memberID), scope: scope)
    }

    /// The nomination as the scope sees it, or nil: a unit sees its own nominations — its list is
    /// its business and the city's, nobody else's (an account below the unit, a branch's, does
    /// not see the unit's list either).
    static func entry(_ candidacy: CandidacyRecord, unit: OrganizationRecord?, member: MemberRecord?, scope: Scope) -> Entry? {
        guard let unit, let member else { return nil }
        if case .subtree(let path) = scope, !unit.path.hasPrefix(path) { return nil }
        return Entry(candidacy: candidacy, member: member, unitName: unit.name)
    }

    /// One nomination, if the scope may see it.
    public static func entry(_ id: CandidacyID, scope: Scope, in data: any DataStore) async throws -> Entry? {
        guard let candidacy = try await data.candidacies.find(id) else { return nil }
        return try await visible(candidacy, scope: scope, in: data)
    }

    /// The nominations the scope may see, in 姓氏笔画 order by the election's convention. The
    /// people and units are read in two queries, not two per nomination.
    public static func list(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [Entry] {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let candidacies = try await data.candidacies.all(of: election.id)
        let units = Dictionary(try await data.organizations.find(Array(Set(candidacies.map(\.unitID)))).map { ($0.id, $0) },
                               uniquingKeysWith: { a, _ in a })
        let members = Dictionary(try await data.members.find(Array(Set(candidacies.map(\.memberID)))).map { ($0.id, $0) },
                                 uniquingKeysWith: { a, _ in a })
        let entries = candidacies.compactMap { entry($0, unit: units[$0.unitID], member: members[$0.memberID], scope: scope) }
        return NameOrder(convention: election.nameOrder).sorted(entries, by: \.member.record.name)
    }

    /// The list's composition (RULES §10): each requirement overall and per unit, needed,
    /// actual, met, and how many could leave before it fails. Active nominations only.
    public static func composition(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [RequirementReport] {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        return try await composition(of: election, entries: try await list(electionID, scope: scope, in: data), scope: scope, in: data)
    }

    /// The same for a list already read (`entries` as `list` gives them).
    public static func composition(of election: ElectionRecord, entries all: [Entry], scope: Scope, in data: any DataStore) async throws -> [RequirementReport] {
        let requirements = try ElectionSetup.requirements(of: election)
        let entries = all.filter { $0.candidacy.stage.isActive }
        let nominees = entries.map { entry in
            Nominee(id: entry.candidacy.id.description, name: entry.member.record.name, unit: entry.candidacy.unitID.description,
                    gender: entry.member.record.gender, ethnicity: entry.member.record.ethnicity, birthDate: entry.member.record.birthDate,
                    category: Categories.effective(entry.member.record, candidacy: entry.candidacy).category, support: entry.candidacy.supportMembers)
        }
        var quotas: [String: Int] = [:]
        for quota in try await data.elections.quotas(of: election.id) {
            if scope == .city || entries.contains(where: { $0.candidacy.unitID == quota.organizationID }) {
                quotas[quota.organizationID.description] = quota.places
            }
        }
        return CompositionCheck.evaluate(requirements, list: nominees, referenceDate: election.referenceDate,
                                         seats: scope == .city ? election.seats : nil, unitQuotas: quotas)
    }
}

extension Nominations {
    /// One unit's list checked against the election's requirements on its own (RULES §10): the
    /// rows for the whole list are the unit's too, since the list holds only the unit's people.
    public static func unitComposition(of election: ElectionRecord, unit unitID: OrganizationID, list entries: [Entry], places: Int?) throws -> [RequirementReport] {
        let key = unitID.description
        let nominees = entries.map { e in
            Nominee(id: e.candidacy.id.description, name: e.member.record.name, unit: key, gender: e.member.record.gender,
                    ethnicity: e.member.record.ethnicity, birthDate: e.member.record.birthDate, category: Categories.effective(e.member.record, candidacy: e.candidacy).category)
        }
        return CompositionCheck.evaluate(try ElectionSetup.requirements(of: election), list: nominees, referenceDate: election.referenceDate,
                                         seats: nil, unitQuotas: [key: places ?? nominees.count])
            .filter { $0.unit == key || $0.unit == nil }
    }

    public struct ListMove: Sendable {
        public let moved: [CandidacyRecord]
        /// Guidance targets the moved list misses, and a list shorter than the unit's places: said, not blocking.
        public let warnings: [String]
    }

    /// Moves a unit's whole list one stage on (the nominations at the stage before `stage`),
    /// with the checks every move makes (`checkAdvance`), in one transaction.
    /// 正式候选人 takes the convening committee's `decision` (2 to 200 characters), kept on each candidate.
    public static func moveList(of unitID: OrganizationID, in electionID: ElectionID, to stage: NominationStage, decision: String = "",
                                actor: String, scope: Scope, today: CalendarDate = .today(), in data: any DataStore) async throws -> ListMove {
        try check(stage, scope: scope)
        guard stage.isActive, let i = NominationStage.path.firstIndex(of: stage), i > 0 else {
            throw Refusal.invalid("nomination.stage.order", "整份名单只能进入下一环节", field: "stage")
        }
        let decision = try HumanText.screened(decision, field: "decision", label: "批准的决定")
        guard stage != .approved || (2...200).contains(decision.count) else {
            throw Refusal.invalid("nomination.approved.decisionMissing", "批准为正式候选人须写明决定（如「县委常委会 2026年11月20日 研究批准」，2至200字）",
                                  field: "decision")
        }
        let previous = NominationStage.path[i - 1]
        return try await data.write { data in
            let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
            let entries = try await list(electionID, scope: scope,
                                         in: data).filter { $0.candidacy.unitID == unitID && $0.candidacy.stage == previous }
            guard !entries.isEmpty else {
                throw Refusal.invalid("nomination.list.empty", "这个单位没有处在「\(previous.rawValue)」的人选", field: "unit")
            }
            var warnings = try await checkAdvance(entries, to: stage, unit: unitID, election: election, scope: scope, today: today, in: data)
            warnings += entries.filter { !$0.overlaps.isEmpty }
                .map { "\($0.member.record.name)同时是\($0.overlaps.joined(separator: "、"))（省党代表一般不与人大代表、政协委员交叉）" }
            let notice = today.workingDays(try ElectionSetup.noticeWorkingDays(of: election))
            let changed = entries.map { entry in
                var c = moved(entry.candidacy, to: stage, notice: notice)
                if stage == .approved { c.decision = decision }
                return c
            }
            for c in changed { try await data.candidacies.update(c) }
            try await AuditLog.append(.candidateStageChanged, actor: actor, object: "election:\(election.id) unit:\(unitID)",
                                      before: previous.rawValue, after: "\(stage.rawValue)：\(entries.map(\.member.record.name).joined(separator: "、"))"
                                          + (stage == .publicized ? "（公示 \(notice.first) 至 \(notice.last)）" : "")
                                          + (stage == .approved ? "（\(decision)）" : ""), in: data)
            return ListMove(moved: changed, warnings: warnings)
        }
    }
}
