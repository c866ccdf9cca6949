import Foundation
import ElectionRules

public struct SlateRequest: Sendable {
    public var referenceDate: String
    /// Seats to be elected from the list (for robustness); the list itself has Σ quotas places.
    public var seats: Int?
    public var quotas: [(unit: String, places: Int)]
    public var requirements: [Requirement]
    public var required: [String]
    public var excluded: [String]
    public var pool: [Nominee]
    /// The solver's time for the whole plan, every solve together (a page view waits for it).
    public var timeLimit: Duration = .seconds(5)

    public init(referenceDate: String, seats: Int?, quotas: [(unit: String, places: Int)], requirements: [Requirement],
                required: [String] = [], excluded: [String] = [], pool: [Nominee]) {
        self.referenceDate = referenceDate; self.seats = seats; self.quotas = quotas; self.requirements = requirements
        self.required = required; self.excluded = excluded; self.pool = pool
    }

    public var places: Int { quotas.reduce(0) { $0 + $1.places } }
}

/// Something that cannot hold together with the others in an infeasible plan.
public struct SlateConflict: Codable, Sendable, Equatable {
    public let kind: String        // "requirement", "quota", "required"
    public let id: String
    public let explanation: String
}

public struct SlatePlan: Codable, Sendable, Equatable {
    public let feasible: Bool
    /// The time limit passed: no plan was found in time, which proves nothing either way.
    public var timedOut = false
    public let selected: [String]
    public let deviation: Int
    public let support: Int
    public let requirements: [RequirementReport]
    public let conflicts: [SlateConflict]
}

/// Slate planning (issue: 差额名单 with composition): choose each unit's quota from its
/// nominees, keep the required and leave out the excluded, meet every mandatory requirement,
/// then first minimize the persons by which guidance requirements miss their band, then
/// maximize total support. Solved exactly as an integer program with GLPK.
public enum SlatePlanner {
    enum Group: Hashable {
        case quota(String)
        case requirement(String)
        case required(String)
    }

    public static func plan(_ request: SlateRequest, order: NameOrdering) -> SlatePlan {
        let deadline = ContinuousClock.now + request.timeLimit
        func left() -> Int { max(1, Int(ContinuousClock.now.duration(to: deadline) / .milliseconds(1))) }
        let timedOut = SlatePlan(feasible: false, timedOut: true, selected: [], deviation: 0, support: 0, requirements: [],
                                 conflicts: [SlateConflict(kind: "timeLimit", id: "", explanation: "求解超过时限（\(request.timeLimit)），未得出方案：请稍后再试")])
        let allGroups = groups(request)
        let model = build(request, groups: allGroups)
        let bestDeviation: Double
        switch model.program.solve(objective: model.deviationObjective, maximize: false, milliseconds: left()) {
        case .optimal(let objective, _): bestDeviation = objective
        case .timedOut: return timedOut
        case .infeasible:
            let (conflicts, complete) = minimalConflict(request, groups: allGroups, until: deadline)
            // Cut short by the time limit, the conflict found is not the minimal one: not to be kept as final.
            return SlatePlan(feasible: false, timedOut: !complete, selected: [], deviation: 0, support: 0, requirements: [], conflicts: conflicts)
        }
        // Phase 2 keeps the best deviation and maximizes support (lexicographic objective).
        model.program.addRow(model.deviationObjective.map { ($0.key, $0.value) }, upper: bestDeviation.rounded() + 0.5)
        guard case .optimal(_, let values) = model.program.solve(objective: model.supportObjective, maximize: true, milliseconds: left()) else {
            // Feasible by construction (phase 1 found such a list): only the time limit ends here.
            return timedOut
        }
        let chosen = request.pool.indices.filter { i in model.personVariable[i].map { values[$0] > 0.5 } ?? false }
        let list = chosen.map { request.pool[$0] }
        let quotas = Dictionary(request.quotas.map { ($0.unit, $0.places) }, uniquingKeysWith: { a, _ in a })
        let reports = CompositionCheck.evaluate(request.requirements, list: list, referenceDate: request.referenceDate,
                                                seats: request.seats, unitQuotas: quotas)
        return SlatePlan(feasible: true, selected: order.sorted(list, by: \.name).map(\.id),
                         deviation: guidanceDeviation(request, list: list), support: list.reduce(0) { $0 + $1.support },
                         requirements: reports, conflicts: [])
    }

    /// Total persons outside the bands of the guidance requirements (whole list and per unit).
    public static func guidanceDeviation(_ request: SlateRequest, list: [Nominee]) -> Int {
        var total = 0
        for r in request.requirements where r.level == .guidance {
            total += r.deviation(actual: list.filter { r.matches($0, on: request.referenceDate) }.count, places: request.places)
            if r.perUnit {
                for (unit, places) in request.quotas {
                    let count = list.filter { $0.unit == unit && r.matches($0, on: request.referenceDate) }.count
                    total += r.deviation(actual: count, places: places)
                }
            }
        }
        return total
    }

    static func groups(_ request: SlateRequest) -> [Group] {
        request.quotas.map { .quota($0.unit) }
            + request.requirements.filter { $0.level == .mandatory }.map { .requirement($0.id) }
            + request.required.map { .required($0) }
    }

    struct Model {
        let program: IntegerProgram
        var personVariable: [Int?]
        var deviationObjective: [Int: Double]
        var supportObjective: [Int: Double]
    }

    static func build(_ request: SlateRequest, groups: [Group]) -> Model {
        let active = Set(groups)
        let program = IntegerProgram()
        let excluded = Set(request.excluded)
        var personVariable: [Int?] = []
        var support: [Int: Double] = [:]
        for person in request.pool {
            if excluded.contains(person.id) { personVariable.append(nil); continue }
            let v = program.addVariable()
            personVariable.append(v)
            support[v] = Double(person.support)
        }
        func terms(_ include: (Nominee) -> Bool) -> [(Int, Double)] {
            request.pool.indices.compactMap { i in
                guard let v = personVariable[i], include(request.pool[i]) else { return nil }
                return (v, 1)
            }
        }
        let n = request.places
        program.addRow(terms { _ in true }, lower: Double(n), upper: Double(n))
        for (unit, places) in request.quotas where active.contains(.quota(unit)) {
            program.addRow(terms { $0.unit == unit }, lower: Double(places), upper: Double(places))
        }
        for id in request.required where active.contains(.required(id)) {
            program.addRow(terms { $0.id == id }, lower: 1, upper: 1)
        }
        var deviation: [Int: Double] = [:]
        for r in request.requirements {
            var scopes: [(unit: String?, places: Int)] = [(nil, n)]
            if r.perUnit { scopes += request.quotas.map { (unit: $0.unit, places: $0.places) } }
            for scope in scopes {
                let group = terms { p in (scope.unit == nil || p.unit == scope.unit) && r.matches(p, on: request.referenceDate) }
                let band = r.band(places: scope.places)
                switch r.level {
                case .mandatory:
                    guard active.contains(.requirement(r.id)) else { continue }
                    program.addRow(group, lower: Double(band.lowerBound), upper: Double(band.upperBound))
                case .guidance:
                    // count + under ≥ lower and count − over ≤ upper; minimize under + over.
                    let under = program.addVariable(upper: nil), over = program.addVariable(upper: nil)
                    program.addRow(group + [(under, 1)], lower: Double(band.lowerBound))
                    program.addRow(group + [(over, -1)], upper: Double(band.upperBound))
                    deviation[under] = 1; deviation[over] = 1
                }
            }
        }
        return Model(program: program, personVariable: personVariable, deviationObjective: deviation, supportObjective: support)
    }

    /// Whether the groups can hold together; nil when the time ran out before GLPK could say.
    static func feasible(_ request: SlateRequest, groups: [Group], milliseconds: Int? = nil) -> Bool? {
        switch build(request, groups: groups).program.solve(objective: [:], maximize: false, milliseconds: milliseconds) {
        case .optimal: return true
        case .infeasible: return false
        case .timedOut: return nil
        }
    }

    /// Deletion filter: drop each group whose removal leaves the model infeasible; what stays
    /// is a minimal set that cannot hold together. Past the deadline the filter stops: what is
    /// kept still cannot hold together, it may just not be minimal.
    static func minimalConflict(_ request: SlateRequest, groups: [Group], until deadline: ContinuousClock.Instant? = nil)
        -> (conflicts: [SlateConflict], complete: Bool) {
        var kept = groups
        for group in groups {
            let milliseconds = deadline.map { Int(ContinuousClock.now.duration(to: $0) / .milliseconds(1)) }
            if let milliseconds, milliseconds <= 0 { return (kept.map { explain($0, request) }, false) }
            let without = kept.filter { $0 != group }
            switch feasible(request, groups: without, milliseconds: milliseconds) {
            case false?: kept = without
            case true?: break
            case nil: return (kept.map { explain($0, request) }, false)
            }
        }
        return (kept.map { explain($0, request) }, true)
    }

    static func explain(_ group: Group, _ request: SlateRequest) -> SlateConflict {
        switch group {
        case .quota(let unit):
            let places = request.quotas.first { $0.unit == unit }?.places ?? 0
            let nominees = request.pool.filter { $0.unit == unit && !request.excluded.contains($0.id) }.count
            return SlateConflict(kind: "quota", id: unit, explanation: "单位「\(unit)」名额\(places)名（可选被推荐人\(nominees)名）")
        case .requirement(let id):
            let r = request.requirements.first { $0.id == id }!
            let band = r.band(places: request.places)
            let pool = request.pool.filter { !request.excluded.contains($0.id) && r.matches($0, on: request.referenceDate) }.count
            let range = band.upperBound == request.places ? "至少\(band.lowerBound)名" : band.lowerBound == 0 ? "至多\(band.upperBound)名" : "\(band.lowerBound)至\(band.upperBound)名"
            return SlateConflict(kind: "requirement", id: id, explanation: "「\(r.label)」\(range)（被推荐人中有\(pool)名）" + (r.perUnit ? "，且各单位分别达到" : ""))
        case .required(let id):
            let name = request.pool.first { $0.id == id }?.name ?? id
            return SlateConflict(kind: "required", id: id, explanation: "必须列入「\(name)」")
        }
    }
}
