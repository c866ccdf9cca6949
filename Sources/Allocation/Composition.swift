import Foundation
import ElectionRules

/// A person on a nomination list, as far as composition and slate planning need.
public struct Nominee: Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String
    public var gender: String
    public var ethnicity: String
    /// yyyy-MM-dd
    public var birthDate: String
    public var category: String
    public var tags: [String]
    public var support: Int

    public init(id: String, name: String, unit: String, gender: String, ethnicity: String, birthDate: String,
                category: String, tags: [String] = [], support: Int = 0) {
        self.id = id; self.name = name; self.unit = unit; self.gender = gender; self.ethnicity = ethnicity
        self.birthDate = birthDate; self.category = category; self.tags = tags; self.support = support
    }

    /// Age in full years (周岁) on the reference date.
    public func age(on reference: String) -> Int? {
        func parts(_ s: String) -> (Int, Int, Int)? {
            let p = s.split(separator: "-").compactMap { Int($0) }
            return p.count == 3 ? (p[0], p[1], p[2]) : nil
        }
        guard let b = parts(birthDate), let r = parts(reference) else { return nil }
        return r.0 - b.0 - ((r.1, r.2) < (b.1, b.2) ? 1 : 0)
    }
}

/// One condition of a requirement's `where`; all conditions of a `where` must hold.
public enum Condition: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable { case gender, ethnicity, category }
    case equals(Field, String)
    case not(Field, String)
    case oneOf(Field, [String])
    case tag(String)
    /// 以下（含）: age ≤ n
    case ageAtMost(Int)
    /// 不满: age < n
    case ageBelow(Int)
    case ageAtLeast(Int)

    func holds(for person: Nominee, on reference: String) -> Bool {
        func value(_ field: Field) -> String {
            switch field {
            case .gender: return person.gender
            case .ethnicity: return person.ethnicity
            case .category: return person.category
            }
        }
        switch self {
        case .equals(let f, let v): return value(f) == v
        case .not(let f, let v): return value(f) != v
        case .oneOf(let f, let vs): return vs.contains(value(f))
        case .tag(let t): return person.tags.contains(t)
        case .ageAtMost(let n): return (person.age(on: reference) ?? Int.max) <= n
        case .ageBelow(let n): return (person.age(on: reference) ?? Int.max) < n
        case .ageAtLeast(let n): return (person.age(on: reference) ?? Int.min) >= n
        }
    }
}

public struct Requirement: Sendable, Equatable {
    public enum Level: String, Sendable { case mandatory, guidance }
    public enum Target: Sendable, Equatable {
        /// At least ⌈n·p⌉.
        case min(Ratio)
        /// At most ⌊n·p⌋.
        case max(Ratio)
        /// ⌊n·p + ½⌋ ± tolerance.
        case approx(Ratio, tolerance: Int)
    }
    public var id: String
    public var label: String
    public var conditions: [Condition]
    public var target: Target
    public var level: Level
    /// Also applied to each unit's own list (on the unit's quota).
    public var perUnit: Bool

    public init(id: String, label: String, conditions: [Condition], target: Target, level: Level, perUnit: Bool = false) {
        self.id = id; self.label = label; self.conditions = conditions; self.target = target; self.level = level; self.perUnit = perUnit
    }

    public func matches(_ person: Nominee, on reference: String) -> Bool {
        conditions.allSatisfy { $0.holds(for: person, on: reference) }
    }

    /// The allowed band of group members on a list of n: lower...upper.
    public func band(places n: Int) -> ClosedRange<Int> {
        switch target {
        case .min(let p): return p.ceilTimes(n)...n
        case .max(let p): return 0...p.floorTimes(n)
        case .approx(let p, let tolerance):
            let aim = p.roundTimes(n)
            return max(0, aim - tolerance)...min(n, aim + tolerance)
        }
    }

    /// The number the requirement names: the minimum, the maximum or the aim.
    public func needed(places n: Int) -> Int {
        switch target {
        case .min(let p): return p.ceilTimes(n)
        case .max(let p): return p.floorTimes(n)
        case .approx(let p, _): return p.roundTimes(n)
        }
    }

    /// Persons by which `actual` falls outside the band.
    public func deviation(actual: Int, places n: Int) -> Int {
        let band = band(places: n)
        return actual < band.lowerBound ? band.lowerBound - actual : actual > band.upperBound ? actual - band.upperBound : 0
    }
}

public struct RequirementReport: Codable, Sendable, Equatable {
    public let id: String
    public let label: String
    public let level: String
    /// Unit id for a per-unit check, nil for the whole list.
    public let unit: String?
    public let needed: Int
    public let actual: Int
    public let met: Bool
    /// How many of the margin's losing places could fall on this group before the requirement
    /// fails for the elected seats, in the worst case; nil without seats or for a maximum.
    public let robustness: Int?
}

public enum CompositionCheck {
    /// Evaluates every requirement on a list (and per unit where asked). `seats` is the number
    /// to be elected from the list, for the robustness figure.
    public static func evaluate(_ requirements: [Requirement], list: [Nominee], referenceDate: String,
                                seats: Int?, unitQuotas: [String: Int] = [:]) -> [RequirementReport] {
        var reports: [RequirementReport] = []
        for r in requirements {
            let actual = list.filter { r.matches($0, on: referenceDate) }.count
            reports.append(report(r, unit: nil, actual: actual, places: list.count, seats: seats))
            if r.perUnit {
                for unit in unitQuotas.keys.sorted() {
                    let members = list.filter { $0.unit == unit }
                    let count = members.filter { r.matches($0, on: referenceDate) }.count
                    reports.append(report(r, unit: unit, actual: count, places: unitQuotas[unit] ?? members.count, seats: nil))
                }
            }
        }
        return reports
    }

    static func report(_ r: Requirement, unit: String?, actual: Int, places: Int, seats: Int?) -> RequirementReport {
        var robustness: Int?
        if let k = seats, k <= places {
            let losing = places - k
            switch r.target {
            case .min, .approx:
                // Worst case: the losing places fall on this group first.
                let needOnElected = r.band(places: k).lowerBound
                robustness = min(actual - needOnElected, losing)
            case .max:
                robustness = nil
            }
        }
        return RequirementReport(id: r.id, label: r.label, level: r.level.rawValue, unit: unit, needed: r.needed(places: places),
                                 actual: actual, met: r.band(places: places).contains(actual), robustness: robustness)
    }
}
