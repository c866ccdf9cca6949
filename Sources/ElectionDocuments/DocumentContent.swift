import Foundation
import Documents

/// Everything a document shows, read from the database before drawing begins: drawing is
/// synchronous and touches no database (Cairo handles must not cross an `await`), and the
/// benchmark and tests can draw from a made-up content.
public struct DocumentContent: Sendable {
    public struct Person: Sendable {
        public var name: String
        public var gender: String
        public var ethnicity: String
        public var birthDate: String
        public var joinDate: String
        /// Masked unless the account may see ID numbers.
        public var idNumber: String
        public var position: String
        public var title: String
        public var titleLevel: String
        public var honours: [String]
        public var overlaps: [String]
        public var category: String
        public var unit: String
        public var stage: String
        public var supportOrganizations: Int
        public var supportMembers: Int
        /// The first and last day of this person's 公示 (yyyy-MM-dd), once the list reached it.
        public var noticeFrom: String?
        public var noticeUntil: String?

        public init(name: String, gender: String, ethnicity: String, birthDate: String, joinDate: String, idNumber: String, position: String,
                    title: String, titleLevel: String, honours: [String], overlaps: [String], category: String, unit: String, stage: String,
                    supportOrganizations: Int, supportMembers: Int, noticeFrom: String? = nil, noticeUntil: String? = nil) {
            self.noticeFrom = noticeFrom; self.noticeUntil = noticeUntil
            self.name = name; self.gender = gender; self.ethnicity = ethnicity; self.birthDate = birthDate; self.joinDate = joinDate
            self.idNumber = idNumber; self.position = position; self.title = title; self.titleLevel = titleLevel; self.honours = honours
            self.overlaps = overlaps; self.category = category; self.unit = unit; self.stage = stage
            self.supportOrganizations = supportOrganizations; self.supportMembers = supportMembers
        }
    }

    /// One unit's 酝酿产生情况.
    public struct UnitReport: Sendable {
        public struct Requirement: Sendable {
            public let label: String, level: String, needed: Int, actual: Int, met: Bool
            public init(label: String, level: String, needed: Int, actual: Int, met: Bool) {
                self.label = label; self.level = level; self.needed = needed; self.actual = actual; self.met = met
            }
        }
        public var unit: String
        public var places: Int
        public var grassroots: Int
        public var memberCount: Int
        /// Organizations that took part and members who recommended; nil until the unit reports them.
        public var organizations: Int?
        public var members: Int?
        /// Whether the share of grassroots organizations reaches 95% (nil until reported).
        public var meetsTarget: Bool?
        public var nominated: Int
        /// The unit's preliminary list (初步人选 and later), in 姓氏笔画 order.
        public var preliminary: [String]
        public var requirements: [Requirement]

        public init(unit: String, places: Int, grassroots: Int, memberCount: Int, organizations: Int?, members: Int?, meetsTarget: Bool?,
                    nominated: Int, preliminary: [String], requirements: [Requirement]) {
            self.unit = unit; self.places = places; self.grassroots = grassroots; self.memberCount = memberCount
            self.organizations = organizations; self.members = members; self.meetsTarget = meetsTarget; self.nominated = nominated; self.preliminary = preliminary
            self.requirements = requirements
        }
    }

    public var election: String
    /// The organization holding the election (中共常德市委员会): who publishes the notice.
    public var issuer: String
    public var seats: Int
    public var candidatePlaces: Int
    /// The day ages are counted on (yyyy-MM-dd).
    public var referenceDate: String
    /// One unit's document, or the whole election's (nil).
    public var unit: String?
    /// In 姓氏笔画 order by the election's convention.
    public var people: [Person]
    public var units: [UnitReport]
    /// The election's 公示 period in working days (its setting).
    public var noticeWorkingDays: Int

    public init(election: String, issuer: String, seats: Int, candidatePlaces: Int, referenceDate: String, unit: String?, people: [Person],
                units: [UnitReport] = [], noticeWorkingDays: Int = 5) {
        self.noticeWorkingDays = noticeWorkingDays
        self.election = election; self.issuer = issuer; self.seats = seats; self.candidatePlaces = candidatePlaces
        self.referenceDate = referenceDate; self.unit = unit; self.people = people; self.units = units
    }
}

/// How dates and shares read in the documents (and on the pages that show the same figures).
public enum DocumentWording {
    /// "1972-05-08" → "1972.05"; anything else as it is.
    static func month(_ date: String) -> String {
        guard let day = CalendarDate(text: date) else { return date }
        return String(format: "%04d.%02d", day.year, day.month)
    }

    /// "1972-05-08" → "1972年5月".
    static func monthInWords(_ date: String) -> String {
        guard let day = CalendarDate(text: date) else { return date }
        return "\(day.year)年\(day.month)月"
    }

    /// "2026-12-07" → "2026年12月7日".
    static func dayInWords(_ date: String) -> String {
        guard let day = CalendarDate(text: date) else { return date }
        return "\(day.year)年\(day.month)月\(day.day)日"
    }

    /// How the notice states its period: the stored first and last day when everyone listed shares
    /// one (and that first day as the notice's date), each person's own days when they differ (units
    /// reached 公示 on different days), only the setting's length while none has reached 公示.
    static func noticePeriod(_ people: [DocumentContent.Person], workingDays: Int)
        -> (sentence: String, perPerson: Bool, dated: String?) {
        let periods = Set(people.compactMap { p in p.noticeFrom.flatMap { from in p.noticeUntil.map { "\(from)|\($0)" } } })
        let everyoneDated = people.allSatisfy { $0.noticeFrom != nil && $0.noticeUntil != nil }
        if periods.count == 1, everyoneDated, let from = people.first?.noticeFrom, let until = people.first?.noticeUntil {
            return ("公示时间为\(dayInWords(from))至\(dayInWords(until))（\(workingDays)个工作日）。", false, dayInWords(from))
        }
        if periods.isEmpty {
            return ("公示时间为\(workingDays)个工作日。", false, nil)
        }
        return ("公示时间为\(workingDays)个工作日，各人选的公示起止日期见其简况之后。", true, nil)
    }

    /// Full years (周岁) on the reference date.
    static func age(_ birthDate: String, on reference: String) -> Int? {
        guard let b = CalendarDate(text: birthDate), let r = CalendarDate(text: reference) else { return nil }
        return r.year - b.year - ((r.month, r.day) < (b.month, b.day) ? 1 : 0)
    }

    /// A share as a percentage cut (not rounded) to one decimal: 94.96% reads 94.9%, never 95.0%.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "—" }
        let tenths = part * 1000 / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
