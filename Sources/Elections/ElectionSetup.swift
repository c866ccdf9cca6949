import Foundation
import Core
import Persistence
import Audit
import NameOrder
import Documents
import Allocation

/// Setting up an election (RULES §3): what is elected, how many seats, the margin and the
/// candidate places it implies (进一法), the day ages are counted on, the name-order convention.
/// Only the department (the city's scope) sets elections up; everyone with a scope reads them.
public enum ElectionSetup {
    public struct Draft: Sendable {
        public var name: String
        public var organizationID: OrganizationID
        public var office: Office
        public var profile: RuleProfile
        public var seats: Int
        /// The least margin; the candidate places must meet it.
        public var marginRatio: Ratio
        /// nil: the fewest the margin allows.
        public var candidatePlaces: Int?
        public var referenceDate: String
        public var nameOrder: NameConvention
        /// Composition requirements (RULES §10) as the slate planner reads them: a JSON array.
        public var compositionJSON: String?
        /// The timeline: each step with the day it is due, in order.
        public var deadlines: [Deadline]
        /// RULES §2 and §4 settings: `quorumStrict` (basic profile) and `partialInvalid`.
        public var options = RuleOptions()
        /// How long 公示 runs, in working days (RULES §12: five by default).
        public var noticeWorkingDays = 5
        /// The units below elect the delegates at their own meetings (选举单位, RULES §13): each
        /// gets seats and the candidate places they imply. Off: the units only recommend
        /// candidates upward and get candidate places alone (the seed's provincial recommendation).
        public var electoralUnits = false

        public init(name: String, organizationID: OrganizationID, office: Office = .delegate, profile: RuleProfile, seats: Int,
                    marginRatio: Ratio, candidatePlaces: Int? = nil, referenceDate: String, nameOrder: NameConvention = .a,
                    compositionJSON: String? = nil, deadlines: [Deadline] = []) {
            self.name = name; self.organizationID = organizationID; self.office = office; self.profile = profile; self.seats = seats
            self.marginRatio = marginRatio; self.candidatePlaces = candidatePlaces; self.referenceDate = referenceDate; self.nameOrder = nameOrder
            self.compositionJSON = compositionJSON; self.deadlines = deadlines
        }
    }

    public struct Deadline: Sendable, Equatable, Codable {
        public let step: String
        public let due: String
        /// What the step asks of each unit; the progress table judges it by this.
        public let milestone: Milestone
        public init(step: String, due: String, milestone: Milestone? = nil) {
            self.step = step; self.due = due; self.milestone = milestone ?? Milestone.inferred(from: step)
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(step: try c.decode(String.self, forKey: .step), due: try c.decode(String.self, forKey: .due),
                      milestone: try c.decodeIfPresent(Milestone.self, forKey: .milestone))
        }
    }

    /// What a step of the timeline asks of each unit, so that progress can say whether it is met.
    public enum Milestone: String, Codable, Sendable, CaseIterable {
        /// Every place filled by a nomination at 初步人选 or later.
        case preliminaryList = "上报初步人选"
        /// …and every department's opinion heard on each of them.
        case inspection = "完成考察"
        /// Every place filled by a nomination at 预备人选 or later.
        case decided = "确定预备人选"
        /// A step the software cannot judge (a meeting, a training): shown, not judged.
        case untracked = "不跟踪"

        /// From the step's words: the seed's three steps, and the obvious variants.
        public static func inferred(from step: String) -> Milestone {
            if step.contains("考察") { return .inspection }
            if step.contains("初步人选") { return .preliminaryList }
            if step.contains("预备人选") || (step.contains("完成") && step.contains("推荐")) { return .decided }
            return .untracked
        }
    }

    /// The seed's timeline for the provincial congress (speech 3): what the setup form offers.
    public static let seedTimeline = [
        Deadline(step: "区县（市）与市委组织部衔接初步人选名单", due: "2026-08-25"),
        Deadline(step: "完成代表候选人初步人选考察", due: "2026-08-31"),
        Deadline(step: "全面完成推荐工作", due: "2026-09-15"),
    ]

    /// A timeline as a form writes it: one step a line, "yyyy-MM-dd 步骤"; blank lines skipped.
    public static func parseTimeline(_ text: String) throws -> [Deadline] {
        var deadlines: [Deadline] = []
        // Browsers send a textarea's lines with CRLF, which Swift reads as one Character, not "\n".
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" || $0 == "　" })
            guard parts.count == 2 else {
                throw Refusal.invalid("election.deadlines.line", "时间节点第 \(i + 1) 行应为「yyyy-MM-dd 步骤」", field: "deadlines", row: i + 1)
            }
            deadlines.append(Deadline(step: try HumanText.screened(String(parts[1]), field: "deadlines", label: "时间节点第 \(i + 1) 行的步骤"),
                                      due: String(parts[0])))
        }
        return deadlines
    }

    /// Every text inside a JSON value (labels, ids of composition requirements) passes the one text rule.
    static func screenStrings(in value: Any, field: String, label: String) throws {
        switch value {
        case let text as String: _ = try HumanText.clean(text, field: field, label: label, maxLength: 200, minLength: 0)
        case let list as [Any]: for item in list { try screenStrings(in: item, field: field, label: label) }
        case let object as [String: Any]:
            for (key, item) in object {
                try screenStrings(in: key, field: field, label: label)
                try screenStrings(in: item, field: field, label: label)
            }
        default: return
        }
    }

    static func checked(_ deadlines: [Deadline]) throws -> [Deadline] {
        guard deadlines.count <= 20 else { throw Refusal.invalid("election.deadlines.tooMany", "时间节点最多20个", field: "deadlines") }
        var previous = ""
        for (i, d) in deadlines.enumerated() {
            guard let day = CalendarDate(text: d.due), day.description == d.due else {
                throw Refusal.invalid("election.deadlines.date", "第 \(i + 1) 个时间节点的日期应为 yyyy-MM-dd", field: "deadlines", row: i + 1)
            }
            _ = try HumanText.screened(d.step, field: "deadlines", label: "第 \(i + 1) 个时间节点的步骤")
            guard (2...60).contains(d.step.count) else {
                throw Refusal.invalid("election.deadlines.step", "第 \(i + 1) 个时间节点的步骤应为2至60个字", field: "deadlines", row: i + 1)
            }
            guard d.due >= previous else {
                throw Refusal.invalid("election.deadlines.order", "时间节点应按日期先后排列（第 \(i + 1) 个早于前一个）", field: "deadlines", row: i + 1)
            }
            previous = d.due
        }
        return deadlines
    }

    /// Limits no real election comes near; beyond them an input is a mistake or an attack.
    public static let maxSeats = 5_000

    @discardableResult
    public static func create(_ draft: Draft, actor: String, scope: Scope, in data: any DataStore) async throws -> ElectionRecord {
        guard scope == .city else { throw Refusal.forbidden("election.create.cityOnly", "选举由组织部设立") }
        let name = try HumanText.screened(draft.name, field: "name", label: "选举名称")
        guard (2...80).contains(name.count) else { throw Refusal.invalid("election.name.length", "选举名称应为2至80个字", field: "name") }
        guard (1...maxSeats).contains(draft.seats) else {
            throw Refusal.invalid("election.seats.outOfRange", "应选名额应在1至\(maxSeats)之间", field: "seats")
        }
        guard draft.marginRatio.numerator <= draft.marginRatio.denominator else {
            throw Refusal.invalid("election.margin.aboveOne", "差额比例不能大于1", field: "marginRatio")
        }
        let fewest = Margin.minimumCandidates(seats: draft.seats, ratio: draft.marginRatio)
        let places = draft.candidatePlaces ?? fewest
        guard places >= fewest, places <= 2 * maxSeats else {
            throw Refusal.invalid("election.candidatePlaces.belowMargin",
                                  "应选\(draft.seats)名、差额比例不少于\(percent(draft.marginRatio))，候选人至少\(fewest)名（进一法），现为\(places)名",
                                  field: "candidatePlaces")
        }
        guard let day = CalendarDate(text: draft.referenceDate), day.description == draft.referenceDate else {
            throw Refusal.invalid("election.referenceDate.invalid", "计算年龄的日期应为 yyyy-MM-dd", field: "referenceDate")
        }
        guard let organization = try await data.organizations.find(draft.organizationID), !organization.closed else {
            throw Refusal.invalid("election.organization.unknown", "没有这个党组织（或已撤销）", field: "organizationId")
        }
        var settings: [String: Any] = ["stage": "preparation"]
        if let composition = draft.compositionJSON {
            guard composition.utf8.count <= 20_000, let list = (try? JSONSerialization.jsonObject(with: Data(composition.utf8))) as? [Any] else {
                throw Refusal.invalid("election.composition.invalid", "结构要求应为 JSON 数组", field: "composition")
            }
            try screenStrings(in: list, field: "composition", label: "结构要求")
            settings["composition"] = list
        }
        settings["options"] = ["quorumStrict": draft.options.quorumStrict, "partialInvalid": draft.options.partialInvalid.rawValue]
        guard (1...30).contains(draft.noticeWorkingDays) else {
            throw Refusal.invalid("election.notice.days", "公示期应为1至30个工作日", field: "noticeWorkingDays")
        }
        settings["noticeWorkingDays"] = draft.noticeWorkingDays
        if draft.electoralUnits { settings["electoralUnits"] = true }
        let deadlines = try checked(draft.deadlines)
        if !deadlines.isEmpty { settings["deadlines"] = deadlines.map { ["step": $0.step, "due": $0.due, "milestone": $0.milestone.rawValue] } }
        guard try await data.elections.all().allSatisfy({ $0.name != name }) else {
            throw Refusal.invalid("election.name.taken", "已有名为「\(name)」的选举", field: "name")
        }
        let election = ElectionRecord(name: name, organizationID: organization.id, profile: draft.profile, seats: draft.seats,
                                      candidatePlaces: places, marginRatio: draft.marginRatio, referenceDate: draft.referenceDate,
                                      office: draft.office, nameOrder: draft.nameOrder,
                                      settings: String(decoding: try JSONSerialization.data(withJSONObject: settings, options: [.sortedKeys]), as: UTF8.self))
        let requirementCount = try requirements(of: election).count   // a composition that does not read is refused now, not when a list moves
        try await data.write { data in
            try await data.elections.insert(election)
            try await AuditLog.append(.electionCreated, actor: actor, object: "election:\(election.id)",
                                      after: "\(name)（\(organization.name)）：应选\(draft.seats)名，候选人\(places)名，差额比例不少于\(percent(draft.marginRatio))，"
                                          + "年龄计算日\(draft.referenceDate)，姓氏笔画约定\(draft.nameOrder.rawValue)，"
                                          + "\(draft.options.quorumLabel(draft.profile))，无法辨认的标记：\(draft.options.partialInvalid.label)，"
                                          + "公示 \(draft.noticeWorkingDays) 个工作日，"
                                          + (draft.electoralUnits ? "各选举单位选举代表，" : "")
                                          + "结构要求 \(requirementCount) 项，时间节点 \(deadlines.count) 个", in: data)
        }
        return election
    }

    /// Elections the scope may see: the city all of them; a unit those held by an organization
    /// above or within it (its own congress and the city's it sends candidates to).
    public static func list(scope: Scope, in data: any DataStore) async throws -> [ElectionRecord] {
        var visible: [ElectionRecord] = []
        for election in try await data.elections.all() where try await sees(election, scope: scope, in: data) { visible.append(election) }
        return visible
    }

    public static func find(_ id: ElectionID, scope: Scope, in data: any DataStore) async throws -> ElectionRecord {
        guard let election = try await data.elections.find(id), try await sees(election, scope: scope, in: data) else {
            throw Refusal.notFound("election.notFound", "没有这项选举")
        }
        return election
    }

    static func sees(_ election: ElectionRecord, scope: Scope, in data: any DataStore) async throws -> Bool {
        guard case .subtree(let path) = scope else { return true }
        guard let organization = try await data.organizations.find(election.organizationID) else { return false }
        return organization.path.hasPrefix(path) || path.hasPrefix(organization.path)
    }

    /// The election's RULES §2 and §4 settings; an election made before they were recorded has the defaults.
    public static func options(of election: ElectionRecord) throws -> RuleOptions {
        guard let stored = try settings(of: election)["options"] as? [String: Any] else { return RuleOptions() }
        guard let strict = stored["quorumStrict"] as? Bool, let partial = (stored["partialInvalid"] as? String).flatMap(PartialInvalid.init(rawValue:)) else {
            throw Refusal.invalid("election.settings.invalid", "选举「\(election.name)」的计票设置无法读取，请联系系统管理员")
        }
        return RuleOptions(quorumStrict: strict, partialInvalid: partial)
    }

    /// Whether the units elect delegates (seats and places) or only recommend (places).
    public static func electoralUnits(of election: ElectionRecord) throws -> Bool {
        guard let value = try settings(of: election)["electoralUnits"] else { return false }
        guard let on = value as? Bool else {
            throw Refusal.invalid("election.settings.invalid", "选举「\(election.name)」的选举单位设置无法读取，请联系系统管理员")
        }
        return on
    }

    /// How many working days 公示 runs (five for an election made before it was a setting).
    public static func noticeWorkingDays(of election: ElectionRecord) throws -> Int {
        guard let days = try settings(of: election)["noticeWorkingDays"] else { return 5 }
        guard let count = days as? Int, (1...30).contains(count) else {
            throw Refusal.invalid("election.settings.invalid", "选举「\(election.name)」的公示期无法读取，请联系系统管理员")
        }
        return count
    }

    /// The settings object. This program wrote it: an unreadable one is an error, never an
    /// election without targets or timeline.
    static func settings(of election: ElectionRecord) throws -> [String: Any] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(election.settings.utf8)), let settings = parsed as? [String: Any] else {
            throw Refusal.invalid("election.settings.invalid", "选举「\(election.name)」的设置无法读取，请联系系统管理员")
        }
        return settings
    }

    /// "21%" for 0.21.
    public static func percent(_ ratio: Ratio) -> String {
        "\(Decimal(ratio.numerator * 100) / Decimal(ratio.denominator))%"
    }

    /// The composition requirements the election was set up with (`settings.composition`, in
    /// the slate planner's requirement form); none when it has none.
    public static func requirements(of election: ElectionRecord) throws -> [Requirement] {
        guard let raw = try settings(of: election)["composition"] else { return [] }
        guard let list = raw as? [Any] else {
            throw Refusal.invalid("election.composition.invalid", "选举「\(election.name)」的结构要求不是数组", field: "composition")
        }
        var requirements: [Requirement] = []
        for (i, item) in list.enumerated() {
            do { requirements.append(try SlateInput.requirement(item, field: "composition[\(i)]")) } catch {
                throw Refusal.invalid("election.composition.invalid", "选举的结构要求有误：\(error.field)：\(error.message)", field: "composition")
            }
        }
        return requirements
    }

    /// The election's timeline (`settings.deadlines`: steps with their due day), in order; none when it has none.
    /// Timelines stored before steps carried their milestone get it from their words.
    public static func deadlines(of election: ElectionRecord) throws -> [Deadline] {
        guard let list = try settings(of: election)["deadlines"] as? [[String: Any]] else { return [] }
        return list.compactMap { item in
            guard let step = item["step"] as? String, let due = item["due"] as? String else { return nil }
            return Deadline(step: step, due: due, milestone: (item["milestone"] as? String).flatMap(Milestone.init(rawValue:)))
        }
    }
}
