import Foundation
import Core
import Persistence
import Audit
import Documents
import Allocation
import Elections
import Nominations
import Organizations

/// The candidate process's documents (公示, 名册, 登记表, 酝酿产生情况报告) for an election, or
/// for one of its units: read within the account's scope, drawn, and recorded in the audit log
/// (who took which document of whose list).
public enum ElectionDocuments {
    public enum Kind: String, CaseIterable, Sendable {
        case notice, register, forms, report

        public var title: String {
            switch self {
            case .notice: return "公示"
            case .register: return "名册"
            case .forms: return "登记表"
            case .report: return "酝酿产生情况报告"
            }
        }

        /// The formats each document comes in: the register also as a spreadsheet.
        public var formats: [Format] { self == .register ? [.pdf, .xlsx] : [.pdf] }
    }

    public enum Format: String, Sendable {
        case pdf, xlsx
        public var contentType: String {
            self == .pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    public struct Document: Sendable {
        public let filename: String
        public let format: Format
        public let bytes: Data
    }

    /// "notice.pdf" → (.notice, .pdf); anything else is refused with the documents there are.
    public static func parse(_ name: String) throws -> (Kind, Format) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])), let format = Format(rawValue: String(parts[1])),
              kind.formats.contains(format) else {
            let known = Kind.allCases.flatMap { k in k.formats.map { "\(k.rawValue).\($0.rawValue)" } }.joined(separator: "、")
            throw Refusal.notFound("document.unknown", "没有这种文件；可下载的有：\(known)")
        }
        return (kind, format)
    }

    /// The stages a document lists: the notice those decided as preliminary candidates (预备人选)
    /// and later, the register and forms the units' preliminary lists (初步人选) and later.
    static func lists(_ kind: Kind, _ stage: NominationStage) -> Bool {
        guard let at = NominationStage.path.firstIndex(of: stage) else { return false }
        let from: NominationStage = kind == .notice ? .proposed : .preliminary
        return at >= NominationStage.path.firstIndex(of: from)!
    }

    /// Reads what the document shows. `unit` narrows it to one unit of the election.
    public static func content(_ kind: Kind, election electionID: ElectionID, unit unitID: OrganizationID?, showIDNumbers: Bool,
                               scope: Scope, in data: any DataStore) async throws -> DocumentContent {
        let election = try await ElectionSetup.find(electionID, scope: scope, in: data)
        let quotas = try await ElectionOverview.quotas(election.id, scope: scope, in: data)
        var unitName: String?
        if let unitID {
            guard let quota = quotas.first(where: { $0.unitID == unitID }) else {
                throw Refusal.notFound("document.unit.unknown", "这个单位不参加这项选举，或不在您的管理范围内")
            }
            unitName = quota.unit
        }
        let issuer = try await data.organizations.find(election.organizationID)?.name ?? ""
        let entries = try await Nominations.list(election.id, scope: scope, in: data).filter { unitID == nil || $0.candidacy.unitID == unitID }
        let people = entries.filter { lists(kind, $0.candidacy.stage) }.map { e in
            let r = e.member.record
            return DocumentContent.Person(
                name: r.name, gender: r.gender, ethnicity: r.ethnicity, birthDate: r.birthDate, joinDate: r.joinDate,
                idNumber: showIDNumbers ? r.idNumber : IDNumber.masked(r.idNumber), position: r.position, title: r.title, titleLevel: r.titleLevel,
                honours: r.honours.map { "\($0.year)年 \($0.name)（\($0.level)）" }, overlaps: e.overlaps,
                category: Categories.effective(r, candidacy: e.candidacy).category, unit: e.unitName, stage: e.candidacy.stage.rawValue,
                supportOrganizations: e.candidacy.supportOrganizations, supportMembers: e.candidacy.supportMembers,
                noticeFrom: e.candidacy.noticeFrom, noticeUntil: e.candidacy.noticeUntil)
        }
        if people.isEmpty && kind != .report {
            throw Refusal.invalid("document.empty", kind == .notice ? "还没有确定为预备人选的人选，不能生成公示" : "还没有上报的初步人选，不能生成\(kind.title)")
        }
        var units: [DocumentContent.UnitReport] = []
        if kind == .report {
            let places = Dictionary(quotas.map { ($0.unitID, $0.places) }, uniquingKeysWith: { a, _ in a })
            for row in try await Participation.units(election.id, scope: scope, in: data) where unitID == nil || row.unitID == unitID {
                let mine = entries.filter { $0.candidacy.unitID == row.unitID && $0.candidacy.stage.isActive }
                let preliminary = mine.filter { lists(.register, $0.candidacy.stage) }
                // The preliminary list's composition, or while there is none, the nominees'. A requirement
                // with a per-unit row is reported by it; one without, on the unit's list as a whole.
                let checked = try Nominations.unitComposition(of: election, unit: row.unitID, list: preliminary.isEmpty ? mine : preliminary,
                                                              places: places[row.unitID])
                let composition = checked.filter { r in r.unit != nil || !checked.contains { $0.id == r.id && $0.unit != nil } }
                units.append(DocumentContent.UnitReport(
                    unit: row.unit, places: places[row.unitID] ?? 0, grassroots: row.grassroots, memberCount: row.memberCount,
                    organizations: row.report?.organizations, members: row.report?.members, meetsTarget: row.meetsTarget, nominated: mine.count,
                    preliminary: preliminary.map(\.member.record.name),
                    requirements: composition.map {
                        .init(label: $0.label, level: $0.level == Requirement.Level.mandatory.rawValue ? "硬性" : "参考",
                              needed: $0.needed, actual: $0.actual, met: $0.met)
                    }))
            }
        }
        return DocumentContent(election: election.name, issuer: issuer, seats: election.seats, candidatePlaces: election.candidatePlaces,
                               referenceDate: election.referenceDate, unit: unitName, people: people, units: units,
                               noticeWorkingDays: try ElectionSetup.noticeWorkingDays(of: election))
    }

    /// Draws a document from its content.
    public static func render(_ kind: Kind, _ format: Format, _ content: DocumentContent) throws -> Data {
        switch (kind, format) {
        case (.notice, _): return try DocumentRenderers.notice(content)
        case (.register, .xlsx): return try DocumentRenderers.registerSheet(content)
        case (.register, .pdf): return try DocumentRenderers.register(content)
        case (.forms, _): return try DocumentRenderers.forms(content)
        case (.report, _): return try DocumentRenderers.report(content)
        }
    }

    /// The document, drawn and recorded: the audit row names the election, the unit and how
    /// many people it lists. A character the fonts cannot draw refuses the document, naming
    /// the person.
    /// `offload` runs the drawing (the server gives it a thread of its own, off the event loop).
    public static func issue(_ kind: Kind, _ format: Format, election electionID: ElectionID, unit unitID: OrganizationID?, showIDNumbers: Bool,
                             actor: String, scope: Scope, in data: any DataStore,
                             offload: (@escaping @Sendable () throws -> Data) async throws -> Data = { try $0() }) async throws -> Document {
        let content = try await content(kind, election: electionID, unit: unitID, showIDNumbers: showIDNumbers, scope: scope, in: data)
        let bytes: Data
        do {
            bytes = try await offload { try render(kind, format, content) }
        } catch let error as PDFError {
            throw Refusal.invalid(error.code, error.message)
        }
        try await AuditLog.append(.documentIssued, actor: actor, object: "election:\(electionID)" + (unitID.map { " unit:\($0)" } ?? ""),
                                  after: "\(content.election)\(content.unit.map { "（\($0)）" } ?? "")\(kind.title).\(format.rawValue)："
                                      + (kind == .report ? "\(content.units.count) 个单位" : "\(content.people.count) 名"), in: data)
        let name = "\(content.election)\(content.unit.map { "-\($0)" } ?? "")-\(kind.title).\(format.rawValue)"
        return Document(filename: name, format: format, bytes: bytes)
    }
}
