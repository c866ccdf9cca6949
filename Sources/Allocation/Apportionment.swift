import Foundation
import ElectionRules

/// Apportionment methods of RULES.md §11.
public enum ApportionmentMethod: String, Codable, Sendable, CaseIterable {
    case hamilton
    case dhondt
    case sainteLague = "sainte-lague"
    case huntingtonHill = "huntington-hill"
    case adams
}

extension ApportionmentMethod {
    /// How forms name the method.
    public var label: String {
        switch self {
        case .hamilton: return "最大余额法（Hamilton）"
        case .dhondt: return "最高平均数法（D'Hondt）"
        case .sainteLague: return "圣拉古法（Sainte-Laguë）"
        case .huntingtonHill: return "亨廷顿–希尔法（Huntington–Hill）"
        case .adams: return "亚当斯法（Adams）"
        }
    }
}

public struct ApportionmentUnit: Sendable, Equatable {
    public var id: String
    public var name: String
    public var members: Int
    public var organizations: Int
    /// The fewest seats the unit gets in total (base included).
    public var minimum: Int
    /// A manual override: exactly this many seats, outside the proportional share.
    public var fixed: Int?
    /// Why the override was made (RULES.md §11: every override is recorded with its reason).
    public var reason: String?

    public init(id: String, name: String = "", members: Int, organizations: Int = 0, minimum: Int = 0, fixed: Int? = nil,
                reason: String? = nil) {
        self.id = id; self.name = name; self.members = members; self.organizations = organizations
        self.minimum = minimum; self.fixed = fixed; self.reason = reason
    }
}

public struct ApportionmentRequest: Sendable {
    public var seats: Int
    public var method: ApportionmentMethod
    /// Seats every (non-fixed) unit gets before the proportional share.
    public var base: Int
    /// Weight of the member share and of the organization share.
    public var memberWeight: Ratio
    public var organizationWeight: Ratio
    public var units: [ApportionmentUnit]

    public init(seats: Int, method: ApportionmentMethod, base: Int = 0, memberWeight: Ratio = Ratio(1, 1),
                organizationWeight: Ratio = Ratio(0, 1), units: [ApportionmentUnit]) {
        self.seats = seats; self.method = method; self.base = base
        self.memberWeight = memberWeight; self.organizationWeight = organizationWeight; self.units = units
    }
}

public struct UnitAllocation: Codable, Sendable, Equatable {
    public let id: String
    public let seats: Int
    /// The unit's exact proportional share of the apportioned seats, for display only.
    public let quota: Double
    /// For a fixed (overridden) number of seats: the reason recorded with it.
    public var reason: String? = nil
}

public struct SeatTie: Codable, Sendable, Equatable {
    public let seats: Int
    public let units: [String]
}

public struct ApportionmentResult: Codable, Sendable, Equatable {
    /// False when a tie decides seats: the allocation then holds only the undisputed seats.
    public let complete: Bool
    public let allocation: [UnitAllocation]
    public let ties: [SeatTie]
}

public enum Apportionment {
    /// Checks, then apportions. Minimums are honoured by fixing a unit that falls short at its
    /// minimum and apportioning the rest again among the others.
    public static func apportion(_ request: ApportionmentRequest) throws(InputError) -> ApportionmentResult {
        try validate(request)
        let units = request.units
        let weights = integerWeights(request)
        var seats = [Int](repeating: 0, count: units.count)
        var settled = Set<Int>()
        for (i, unit) in units.enumerated() {
            if let fixed = unit.fixed { seats[i] = fixed; settled.insert(i) }
        }
        while true {
            let open = units.indices.filter { !settled.contains($0) }
            let available = request.seats - settled.reduce(0) { $0 + seats[$1] } - request.base * open.count
            guard available >= 0 else {
                throw InputError(field: "seats", code: "apportion.seats.tooFew", message: "名额\(request.seats)不够：固定名额、最低名额和基础名额已需要更多")
            }
            let share = proportional(method: request.method, weights: open.map { weights[$0] }, seats: available)
            let short = open.enumerated().filter { k, i in request.base + share.seats[k] < units[i].minimum }
            if short.isEmpty {
                var allocation: [UnitAllocation] = []
                let openTotal = open.reduce(Int128(0)) { $0 + weights[$1] }
                for (i, unit) in units.enumerated() {
                    if let k = open.firstIndex(of: i) {
                        let quota = openTotal == 0 ? 0 : Double(weights[i]) * Double(available) / Double(openTotal)
                        // Four decimals: the share is for people to read, the seats are exact.
                        let shown = ((quota + Double(request.base)) * 10_000).rounded() / 10_000
                        allocation.append(UnitAllocation(id: unit.id, seats: request.base + share.seats[k], quota: shown))
                    } else {
                        allocation.append(UnitAllocation(id: unit.id, seats: seats[i], quota: Double(seats[i]), reason: unit.reason))
                    }
                }
                let ties = share.tie.map { [SeatTie(seats: $0.seats, units: $0.members.map { units[open[$0]].id })] } ?? []
                return ApportionmentResult(complete: ties.isEmpty, allocation: allocation, ties: ties)
            }
            for (_, i) in short { seats[i] = units[i].minimum; settled.insert(i) }
        }
    }

    static func validate(_ request: ApportionmentRequest) throws(InputError) {
        if request.seats < 1 { throw InputError(field: "seats", code: "apportion.seats.notPositive", message: "名额必须是正整数") }
        if request.base < 0 { throw InputError(field: "base", code: "apportion.negative", message: "基础名额不能为负数") }
        if request.units.isEmpty { throw InputError(field: "units", code: "apportion.units.empty", message: "没有单位") }
        var ids = Set<String>()
        for (i, unit) in request.units.enumerated() {
            let field = "units[\(i)]"
            if unit.id.isEmpty { throw InputError(field: "\(field).id", code: "apportion.missing", message: "单位编号为空") }
            if !ids.insert(unit.id).inserted { throw InputError(field: "\(field).id", code: "apportion.duplicate", message: "单位编号「\(unit.id)」重复") }
            if unit.members < 0 { throw InputError(field: "\(field).members", code: "apportion.negative", message: "党员数不能为负数") }
            if unit.organizations < 0 { throw InputError(field: "\(field).organizations", code: "apportion.negative", message: "组织数不能为负数") }
            if unit.minimum < 0 { throw InputError(field: "\(field).minimum", code: "apportion.negative", message: "最低名额不能为负数") }
            if let fixed = unit.fixed, fixed < 0 { throw InputError(field: "\(field).fixed", code: "apportion.negative", message: "固定名额不能为负数") }
        }
        let totalMembers = request.units.reduce(0) { $0 + $1.members }
        let totalOrganizations = request.units.reduce(0) { $0 + $1.organizations }
        if request.memberWeight.numerator > 0 && totalMembers == 0 {
            throw InputError(field: "units", code: "apportion.units.zeroTotal", message: "按党员数分配，但各单位党员数合计为0")
        }
        if request.organizationWeight.numerator > 0 && totalOrganizations == 0 {
            throw InputError(field: "units", code: "apportion.units.zeroTotal", message: "按组织数分配，但各单位组织数合计为0")
        }
        if request.memberWeight.numerator == 0 && request.organizationWeight.numerator == 0 {
            throw InputError(field: "weights", code: "apportion.weights.zero", message: "党员数和组织数的权重不能都为0")
        }
    }

    /// `wm·members/Σmembers + wo·organizations/Σorganizations` times one common denominator:
    /// integers in the same ratios, so every comparison below is exact.
    static func integerWeights(_ request: ApportionmentRequest) -> [Int128] {
        let m = Int128(request.units.reduce(0) { $0 + $1.members })
        let o = Int128(request.units.reduce(0) { $0 + $1.organizations })
        let wm = request.memberWeight, wo = request.organizationWeight
        return request.units.map { unit in
            var w = Int128(0)
            if wm.numerator > 0 { w += Int128(wm.numerator) * Int128(wo.denominator) * Int128(unit.members) * max(o, 1) }
            if wo.numerator > 0 { w += Int128(wo.numerator) * Int128(wm.denominator) * Int128(unit.organizations) * max(m, 1) }
            return w
        }
    }

    struct Share {
        var seats: [Int]
        /// Seats left to a tie and the indexes tied for them.
        var tie: (seats: Int, members: [Int])?
    }

    static func proportional(method: ApportionmentMethod, weights: [Int128], seats: Int) -> Share {
        switch method {
        case .hamilton: return largestRemainder(weights: weights, seats: seats)
        case .dhondt, .sainteLague, .huntingtonHill, .adams: return highestAverages(method: method, weights: weights, seats: seats)
        }
    }

    static func largestRemainder(weights: [Int128], seats: Int) -> Share {
        let total = weights.reduce(0, +)
        guard total > 0 else { return Share(seats: weights.map { _ in 0 }, tie: seats > 0 ? (seats, Array(weights.indices)) : nil) }
        let s = Int128(seats)
        var result = weights.map { Int($0 * s / total) }
        let remainders = weights.map { $0 * s % total }
        var left = seats - result.reduce(0, +)
        for r in Set(remainders).sorted(by: >) where left > 0 {
            let group = remainders.indices.filter { remainders[$0] == r }
            if group.count <= left {
                for i in group { result[i] += 1 }
                left -= group.count
            } else {
                return Share(seats: result, tie: (left, group))
            }
        }
        return Share(seats: result, tie: nil)
    }

    /// Priority of a unit holding `s` seats as the fraction weight / divisor, compared exactly.
    /// Adams and Huntington–Hill have divisor 0 at s = 0: those units come first, by weight.
    struct Priority: Comparable {
        let infinite: Bool
        let numerator: Int128     // for Huntington–Hill, the squares
        let denominator: Int128

        static func < (a: Priority, b: Priority) -> Bool {
            if a.infinite != b.infinite { return !a.infinite }
            return a.numerator * b.denominator < b.numerator * a.denominator
        }
        static func == (a: Priority, b: Priority) -> Bool {
            a.infinite == b.infinite && a.numerator * b.denominator == b.numerator * a.denominator
        }
    }

    static func priority(_ method: ApportionmentMethod, weight w: Int128, seats s: Int) -> Priority {
        let k = Int128(s)
        switch method {
        case .dhondt: return Priority(infinite: false, numerator: w, denominator: k + 1)
        case .sainteLague: return Priority(infinite: false, numerator: 2 * w, denominator: 2 * k + 1)
        case .adams:
            return s == 0 ? Priority(infinite: w > 0, numerator: w, denominator: 1) : Priority(infinite: false, numerator: w, denominator: k)
        case .huntingtonHill:
            return s == 0 ? Priority(infinite: w > 0, numerator: w, denominator: 1) : Priority(infinite: false, numerator: w * w, denominator: k * (k + 1))
        case .hamilton: preconditionFailure("not a divisor method")
        }
    }

    static func highestAverages(method: ApportionmentMethod, weights: [Int128], seats: Int) -> Share {
        var result = [Int](repeating: 0, count: weights.count)
        var left = seats
        while left > 0 {
            let priorities = weights.indices.map { priority(method, weight: weights[$0], seats: result[$0]) }
            let best = priorities.max()!
            let group = priorities.indices.filter { priorities[$0] == best }
            if group.count > left { return Share(seats: result, tie: (left, group)) }
            for i in group { result[i] += 1 }
            left -= group.count
        }
        return Share(seats: result, tie: nil)
    }
}
