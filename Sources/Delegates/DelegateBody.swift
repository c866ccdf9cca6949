import Foundation
import Core
import Persistence
import Audit
import Allocation
import Elections
import NameOrder
import Documents

/// The delegate body (RULES §13): the people the election's announced rounds elected, in
/// 姓氏笔画 order, each with the electoral unit they were elected in; the composition of the
/// elected against the election's requirements ("最终以选举结果为准"); the qualification
/// committee's verdict on each (代表资格审查); a term that ends early, kept with its day and reason.
/// A unit sees its own delegates; the department all of them and is the only one who reviews.
public enum DelegateBody {
    public struct Entry: Sendable {
        public let delegate: DelegateRecord
        public let member: MemberRecord?
        /// The electoral unit (the quota unit on the member's path), else the member's own organization.
        public let unitID: OrganizationID?
        public let unit: String
        /// On the congress's roll: qualified and still in office.
        public var stands: Bool { delegate.qualification == .valid && delegate.termEnded == nil }
    }

    /// How the body stands: verdicts given, terms ended, seats held (not found unqualified, term going on).
    public struct Tally: Sendable, Equatable {
        public let valid: Int, invalid: Int, pending: Int, ended: Int, holding: Int
        public init(_ entries: [Entry]) {
            valid = entries.filter { $0.delegate.qualification == .valid }.count
            invalid = entries.filter { $0.delegate.qualification == .invalid }.count
            pending = entries.filter { $0.delegate.qualification == .pending }.count
            ended = entries.filter { $0.delegate.termEnded != nil }.count
            holding = entries.filter { $0.delegate.qualification != .invalid && $0.delegate.termEnded == nil }.count
        }
        /// Seats without a delegate holding them.
        public func vacant(of seats: Int) -> Int { max(0, seats - holding) }
    }

    public static func list(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [Entry] {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let delegates = try await data.delegates.delegates(of: election.id)
        let members = Dictionary(try await data.members.find(delegates.map(\.memberID)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let quotaUnits = Set(try await data.elections.quotas(of: election.id).map(\.organizationID))
        let organizations = Dictionary(try await data.organizations.find(Array(Set(members.values.map(\.organizationID)))).map { ($0.id, $0) },
                                       uniquingKeysWith: { a, _ in a })
        let unitIDs = Set(organizations.values.compactMap { o in o.pathIDs.last(where: quotaUnits.contains) })
        let units = Dictionary(try await data.organizations.find(Array(unitIDs)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var entries: [Entry] = []
        for delegate in delegates {
            let member = members[delegate.memberID]
            let organization = member.flatMap { organizations[$0.organizationID] }
            let unit = organization.flatMap { o in o.pathIDs.last(where: quotaUnits.contains).flatMap { units[$0] } } ?? organization
            if case .subtree(let path) = scope, !(organization?.path.hasPrefix(path) ?? false) { continue }
            entries.append(Entry(delegate: delegate, member: member, unitID: unit?.id, unit: unit?.name ?? ""))
        }
        return NameOrder(convention: election.nameOrder).sorted(entries, by: \.delegate.name)
    }

    /// The elected body against the election's requirements: everyone elected and not found
    /// unqualified, the term ended or not (a vacancy is shown, not hidden by a smaller base).
    public static func composition(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [RequirementReport] {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let entries = try await list(electionID, scope: scope, in: data).filter { $0.delegate.qualification != .invalid }
        let overrides = Dictionary(try await data.candidacies.all(of: election.id).map { ($0.memberID, $0) }, uniquingKeysWith: { a, _ in a })
        let nominees = entries.compactMap { entry -> Nominee? in
            guard let member = entry.member else { return nil }
            let override = overrides[member.id].map(\.categoryOverride) ?? ""
            return Nominee(id: member.id.description, name: member.record.name, unit: entry.unitID?.description ?? "", gender: member.record.gender,
                           ethnicity: member.record.ethnicity, birthDate: member.record.birthDate,
                           category: override.isEmpty ? CompositionCategory.derived(member.record).category : override)
        }
        return CompositionCheck.evaluate(try ElectionSetup.requirements(of: election), list: nominees, referenceDate: election.referenceDate,
                                         seats: scope == .city ? election.seats : nil, unitQuotas: [:]).filter { $0.unit == nil }
    }

    /// The qualification committee's verdict on one delegate: 有效, or 无效 with the reason and
    /// what follows (重新选举 or 撤换). The department records it; it may be given again.
    @discardableResult
    public static func review(_ memberID: MemberID, in electionID: ElectionID, qualification: DelegateQualification, reason: String,
                              consequence: DisqualificationConsequence?, actor: String, scope: Scope,
                              in data: any DataStore) async throws -> DelegateRecord {
        guard scope == .city else { throw Refusal.forbidden("delegate.review.departmentOnly", "代表资格审查由组织部（审查委员会）记录") }
        let reason = try HumanText.screened(reason, field: "reason", label: "审查意见", multiline: true)
        switch qualification {
        case .pending:
            throw Refusal.invalid("delegate.review.pending", "审查结论应为「有效」或「无效」", field: "qualification")
        case .valid:
            guard consequence == nil else {
                throw Refusal.invalid("delegate.review.consequence", "资格有效的代表没有「重新选举」或「撤换」", field: "consequence")
            }
        case .invalid:
            guard (2...500).contains(reason.count) else {
                throw Refusal.invalid("delegate.review.reasonMissing", "资格无效须写明理由（2至500字）", field: "reason")
            }
            guard consequence != nil else {
                throw Refusal.invalid("delegate.review.consequence", "资格无效的，须写明由选举单位重新选举还是撤换", field: "consequence")
            }
        }
        return try await data.write { data in
            var delegate = try await find(memberID, in: electionID, scope: scope, in: data)
            let before = delegate.qualification.rawValue
            delegate.qualification = qualification
            delegate.verdictReason = qualification == .invalid ? reason : ""
            delegate.consequence = consequence
            delegate.reviewedBy = actor
            delegate.reviewedAt = AuditLog.timestamp()
            try await data.delegates.update(delegate)
            try await AuditLog.append(.delegateReviewed, actor: actor, object: "delegate:\(memberID)（\(delegate.name)）", before: before,
                                      after: qualification.rawValue + (qualification == .invalid ? "：\(reason)，\(consequence?.rawValue ?? "")" : ""),
                                      in: data)
            return delegate
        }
    }

    /// A term ended early (党代表任期制暂行条例 25–26): the day and the reason are kept, the
    /// delegate stays on record, the seat shows as vacant.
    @discardableResult
    public static func endTerm(_ memberID: MemberID, in electionID: ElectionID, on day: String, reason: String, actor: String, scope: Scope,
                               in data: any DataStore) async throws -> DelegateRecord {
        guard scope == .city else { throw Refusal.forbidden("delegate.term.departmentOnly", "代表任期终止由组织部记录") }
        let trimmed = day.trimmingCharacters(in: .whitespaces)
        guard let date = CalendarDate(text: trimmed), date.description == trimmed else {
            throw Refusal.invalid("delegate.term.date", "终止日期应为 yyyy-MM-dd", field: "date")
        }
        let reason = try HumanText.screened(reason, field: "reason", label: "终止原因")
        guard (2...200).contains(reason.count) else {
            throw Refusal.invalid("delegate.term.reasonMissing", "须写明任期终止的原因（如：调离本选举单位、受到留党察看处分、辞职获准），2至200字",
                                  field: "reason")
        }
        return try await data.write { data in
            var delegate = try await find(memberID, in: electionID, scope: scope, in: data)
            guard delegate.termEnded == nil else {
                throw Refusal(.conflict, code: "delegate.term.ended", message: "\(delegate.name)的代表任期已于 \(delegate.termEnded ?? "") 终止")
            }
            delegate.termEnded = date.description
            delegate.termReason = reason
            try await data.delegates.update(delegate)
            try await AuditLog.append(.delegateTermEnded, actor: actor, object: "delegate:\(memberID)（\(delegate.name)）",
                                      after: "\(date)：\(reason)", in: data)
            return delegate
        }
    }

    static func find(_ memberID: MemberID, in electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> DelegateRecord {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        guard let delegate = try await data.delegates.delegates(of: election.id).first(where: { $0.memberID == memberID }) else {
            throw Refusal.notFound("delegate.notFound", "这名党员不是本次选举产生的代表")
        }
        return delegate
    }
}
