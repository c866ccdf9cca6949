import Foundation

/// 居民身份证 numbers (GB 11643-1999): 6 digits of region, 8 of birth date, 3 of sequence
/// (odd for men, even for women) and a check character.
public enum IDNumber {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    public static func checkCharacter(for first17: String) -> Character {
        let digits = first17.compactMap { $0.wholeNumberValue }
        precondition(digits.count == 17)
        return checks[zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11]
    }

    public static func isValid(_ number: String) -> Bool { problem(number) == nil }

    /// What is wrong with a number, in words a clerk can act on; nil when it is valid.
    public static func problem(_ number: String) -> String? {
        guard number.count == 18 else { return "应为18位，实为\(number.count)位" }
        guard number.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else { return "前17位应全为数字" }
        let last = Character(number.suffix(1).uppercased())
        guard last.isASCII && (last.isNumber || last == "X") else { return "第18位应为数字或X" }
        guard birthDate(number) != nil else { return "第7至14位不是有效的出生日期" }
        let expected = checkCharacter(for: String(number.prefix(17)))
        guard expected == last else { return "校验位不符（按前17位应为\(expected)），请核对是否抄错" }
        return nil
    }

    /// The birth date the number carries, as YYYY-MM-DD, when it is a real date.
    public static func birthDate(_ number: String) -> String? {
        let digits = Array(number)
        guard digits.count >= 14 else { return nil }
        let text = String(digits[6..<14])
        guard let y = Int(text.prefix(4)), let m = Int(text.dropFirst(4).prefix(2)), let d = Int(text.suffix(2)) else { return nil }
        return CalendarDate(year: y, month: m, day: d).map(\.description)
    }

    /// 男 or 女 from the 17th digit.
    public static func gender(_ number: String) -> String? {
        guard number.count == 18, let digit = Array(number)[16].wholeNumberValue else { return nil }
        return digit % 2 == 1 ? "男" : "女"
    }

    /// 4301**********1234: the region's first four digits and the last four only.
    public static func masked(_ number: String) -> String {
        guard number.count == 18 else { return String(repeating: "*", count: number.count) }
        return number.prefix(4) + String(repeating: "*", count: 10) + number.suffix(4)
    }
}

/// A date without time or zone, as rosters write them.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2100).contains(year), (1...12).contains(month), day >= 1, day <= Self.days(in: month, of: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// "1980-05-01", "1980/5/1", "1980.5.1", "1980年5月1日" or "19800501".
    public init?(text: String) {
        // The common case, already YYYY-MM-DD, without splitting strings.
        let bytes = Array(text.utf8)
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") {
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for b in bytes[range] {
                    guard b >= 48 && b <= 57 else { return nil }
                    value = value * 10 + Int(b - 48)
                }
                return value
            }
            if let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) {
                self.init(year: y, month: m, day: d)
                return
            }
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 8, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let all = Int(trimmed) {
            self.init(year: all / 10_000, month: all / 100 % 100, day: all % 100)
            return
        }
        let parts = trimmed.split(whereSeparator: { "-/.年月日".contains($0) }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4 else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's days_from_civil).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init?(dayNumber z: Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// Monday is 1, Sunday 7 (1970-01-01 was a Thursday).
    public var weekday: Int { ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The period of `count` working days (Monday to Friday) that starts on this day, or on the
    /// next working day when this one falls on a weekend: its first and last day. Public holidays
    /// are not known here; a notice spanning one is extended by hand.
    public func workingDays(_ count: Int) -> (first: CalendarDate, last: CalendarDate) {
        var day = self
        while day.weekday > 5 { day = CalendarDate(dayNumber: day.dayNumber + 1)! }
        let first = day
        var left = max(1, count) - 1
        while left > 0 {
            day = CalendarDate(dayNumber: day.dayNumber + 1)!
            if day.weekday <= 5 { left -= 1 }
        }
        return (first, day)
    }

    /// The last day of a month given as "1975.03", "1975年3月", "1975-03", "1975/3" or "197503"
    /// (花名册 often record 出生年月 and 入党时间 to the month): nil when the text is not one.
    public static func month(text: String) -> (year: Int, month: Int)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 16 else { return nil }
        var parts = trimmed.split(whereSeparator: { "-/.年月".contains($0) }).map(String.init)
        if parts.count == 1, parts[0].count == 6 { parts = [String(parts[0].prefix(4)), String(parts[0].suffix(2))] }
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), (1900...2100).contains(y), (1...12).contains(m) else { return nil }
        return (y, m)
    }

    /// The month's last day (for "at least 18 full years" on a month-precision date: never refuse
    /// someone who may have been old enough).
    public static func endOfMonth(year: Int, month: Int) -> CalendarDate? {
        CalendarDate(year: year, month: month, day: days(in: month, of: year))
    }

    /// An Excel serial day number (1900 date system, with Excel's phantom 1900-02-29).
    public init?(excelSerial: Double) {
        guard excelSerial >= 1, excelSerial < 2_958_466, excelSerial == excelSerial.rounded(.down) else { return nil }
        let serial = Int(excelSerial)
        guard serial != 60 else { return nil }   // Excel's 1900-02-29 never existed
        // Days since 1970-01-01 (serial 25569); before 1900-03-01 Excel counts one day short.
        self.init(dayNumber: serial - 25_569 + (serial < 60 ? 1 : 0))
    }

    /// YYYY-MM-DD. Built by hand: `String(format:)` was a seventh of a 300,000-row import.
    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// Full years from `self` to `other` (周岁).
    public func years(until other: CalendarDate) -> Int {
        other.year - year - ((other.month, other.day) < (month, day) ? 1 : 0)
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func today() -> CalendarDate {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: Date())
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}
