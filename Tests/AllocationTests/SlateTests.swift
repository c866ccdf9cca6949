import Foundation
import Documents
import Testing
import PropertyBased
import ElectionRules
@testable import Allocation

private let women = Requirement(id: "women", label: "妇女", conditions: [.equals(.gender, "女")], target: .min(Ratio(1, 5)), level: .mandatory)
private let minority = Requirement(id: "minority", label: "少数民族", conditions: [.not(.ethnicity, "汉族")], target: .min(Ratio(11, 100)), level: .mandatory)
private let age50 = Requirement(id: "age50", label: "50岁以下", conditions: [.ageAtMost(50)], target: .min(Ratio(3, 5)), level: .mandatory)
private let cadre = Requirement(id: "cadre", label: "领导干部", conditions: [.equals(.category, "领导干部")], target: .approx(Ratio(68, 100), tolerance: 1), level: .guidance)

/// Persons outside the guidance bands, scored here from RULES §10 with integer arithmetic (not
/// with the planner's own `guidanceDeviation`): a minimum ⌈n·p⌉, a maximum ⌊n·p⌋, an approximate
/// target n·p rounded half up ± its tolerance; over the whole list, and per unit where asked.
private func handDeviation(_ request: SlateRequest, list: [Nominee]) -> Int {
    func outside(_ r: Requirement, actual: Int, places n: Int) -> Int {
        let low: Int, high: Int
        switch r.target {
        case .min(let p): (low, high) = ((n * p.numerator + p.denominator - 1) / p.denominator, n)
        case .max(let p): (low, high) = (0, n * p.numerator / p.denominator)
        case .approx(let p, let tolerance):
            let aim = (2 * n * p.numerator + p.denominator) / (2 * p.denominator)
            (low, high) = (max(0, aim - tolerance), min(n, aim + tolerance))
        }
        return actual < low ? low - actual : actual > high ? actual - high : 0
    }
    var total = 0
    for r in request.requirements where r.level == .guidance {
        total += outside(r, actual: list.filter { r.matches($0, on: request.referenceDate) }.count, places: request.places)
        if r.perUnit {
            for (unit, places) in request.quotas {
                total += outside(r, actual: list.filter { $0.unit == unit && r.matches($0, on: request.referenceDate) }.count, places: places)
            }
        }
    }
    return total
}

/// An independent check of a returned list: quotas, required, excluded, mandatory bands.
private func violations(_ request: SlateRequest, _ plan: SlatePlan) -> [String] {
    let chosen = request.pool.filter { plan.selected.contains($0.id) }
    var problems: [String] = []
    if chosen.count != plan.selected.count { problems.append("unknown ids") }
    for (unit, places) in request.quotas where chosen.filter({ $0.unit == unit }).count != places { problems.append("quota \(unit)") }
    for id in request.required where !plan.selected.contains(id) { problems.append("required \(id)") }
    for id in request.excluded where plan.selected.contains(id) { problems.append("excluded \(id)") }
    for r in request.requirements where r.level == .mandatory {
        let count = chosen.filter { r.matches($0, on: request.referenceDate) }.count
        if !r.band(places: request.places).contains(count) { problems.append("requirement \(r.id)") }
    }
    if plan.support != chosen.reduce(0, { $0 + $1.support }) { problems.append("support") }
    if plan.deviation != handDeviation(request, list: chosen) { problems.append("deviation") }
    return problems
}

/// Every way to fill the quotas, best by (least deviation, most support); nil if none is feasible.
private func bruteForce(_ request: SlateRequest) -> (deviation: Int, support: Int)? {
    var best: (Int, Int)?
    func choose(_ unitIndex: Int, _ picked: [Nominee]) {
        if unitIndex == request.quotas.count {
            let ids = Set(picked.map(\.id))
            guard request.required.allSatisfy(ids.contains), request.excluded.allSatisfy({ !ids.contains($0) }) else { return }
            for r in request.requirements where r.level == .mandatory {
                if !r.band(places: request.places).contains(picked.filter { r.matches($0, on: request.referenceDate) }.count) { return }
            }
            let candidate = (handDeviation(request, list: picked), picked.reduce(0) { $0 + $1.support })
            if best == nil || candidate.0 < best!.0 || (candidate.0 == best!.0 && candidate.1 > best!.1) { best = candidate }
            return
        }
        let (unit, places) = request.quotas[unitIndex]
        let nominees = request.pool.filter { $0.unit == unit }
        func combinations(_ start: Int, _ left: Int, _ acc: [Nominee]) {
            if left == 0 { choose(unitIndex + 1, picked + acc); return }
            guard start < nominees.count else { return }
            for i in start..<nominees.count { combinations(i + 1, left - 1, acc + [nominees[i]]) }
        }
        combinations(0, places, [])
    }
    choose(0, [])
    return best
}

private func randomRequest(seed: Int) -> SlateRequest {
    var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: seed))
    let units = ["a", "b", "c"]
    var pool: [Nominee] = []
    for i in 0..<Int(7 + rng.next() % 5) {
        pool.append(Nominee(id: "p\(i)", name: ["王", "李", "张", "刘", "陈"][Int(rng.next() % 5)] + "\(i)", unit: units[Int(rng.next() % 3)],
                            gender: rng.next() % 3 == 0 ? "女" : "男", ethnicity: rng.next() % 5 == 0 ? "土家族" : "汉族",
                            birthDate: "19\(60 + Int(rng.next() % 35))-05-01", category: rng.next() % 3 == 0 ? "专业技术人员" : "领导干部",
                            support: Int(rng.next() % 100)))
    }
    let quotas = units.map { u in (unit: u, places: min(2, pool.filter { $0.unit == u }.count, Int(1 + rng.next() % 2))) }
    var request = SlateRequest(referenceDate: "2026-09-01", seats: nil, quotas: quotas,
                               requirements: [women, minority, age50, cadre], pool: pool)
    if rng.next() % 3 == 0 { request.required = [pool[0].id] }
    if rng.next() % 3 == 0 { request.excluded = [pool[pool.count - 1].id] }
    if request.required == request.excluded { request.excluded = [] }
    return request
}

@Suite struct SlateTests {
    @Test func smallRandomPoolsMatchBruteForceAndPassTheChecker() async {
        await propertyCheck(count: 150, input: Gen.int(in: 0...Int.max)) { seed in
            let request = randomRequest(seed: seed)
            let plan = SlatePlanner.plan(request, order: .strokes)
            let best = bruteForce(request)
            #expect(plan.feasible == (best != nil))
            if let best {
                #expect(plan.deviation == best.deviation && plan.support == best.support)
                #expect(violations(request, plan).isEmpty, "\(violations(request, plan))")
            } else {
                #expect(!plan.conflicts.isEmpty)
            }
        }
    }

    @Test func randomPoolsIncludeBothFeasibleAndInfeasibleCases() {
        let outcomes = (0..<60).map { SlatePlanner.plan(randomRequest(seed: $0), order: .strokes).feasible }
        #expect(outcomes.filter { $0 }.count >= 10 && outcomes.filter { !$0 }.count >= 5, "\(outcomes.filter { $0 }.count) feasible of 60")
    }

    @Test func infeasibleCaseNamesAMinimalConflict() {
        // Two places, one unit, no woman among the nominees: the women floor cannot hold.
        let pool = (0..<4).map { Nominee(id: "p\($0)", name: "王\($0)", unit: "a", gender: "男", ethnicity: "汉族",
                                         birthDate: "1980-01-01", category: "领导干部", support: $0) }
        let request = SlateRequest(referenceDate: "2026-09-01", seats: 2, quotas: [("a", 2)], requirements: [women, age50, cadre], pool: pool)
        let plan = SlatePlanner.plan(request, order: .strokes)
        #expect(!plan.feasible)
        #expect(plan.conflicts.map(\.id) == ["women"])
        #expect(plan.text(request: request).contains("「妇女」至少1名"))
    }

    @Test func robustnessFollowsTheIssueExample() {
        // 68 places, 56 seats: 15 women on the list, 12 needed among the elected → 3 may lose.
        let list = (0..<68).map { i in Nominee(id: "p\(i)", name: "王\(i)", unit: "a", gender: i < 15 ? "女" : "男", ethnicity: "汉族",
                                               birthDate: "1980-01-01", category: "领导干部") }
        let report = CompositionCheck.evaluate([women], list: list, referenceDate: "2026-09-01", seats: 56)
        #expect(report == [RequirementReport(id: "women", label: "妇女", level: "mandatory", unit: nil, needed: 14, actual: 15, met: true, robustness: 3)])
    }

    @Test func agesAreFullYearsAndBoundsInclusive() {
        let p = Nominee(id: "x", name: "王", unit: "a", gender: "男", ethnicity: "汉族", birthDate: "1976-09-02", category: "")
        #expect(p.age(on: "2026-09-01") == 49)
        #expect(p.age(on: "2026-09-02") == 50)
        #expect(age50.matches(p, on: "2026-09-02"))                          // 50岁以下 includes 50
        #expect(!Requirement(id: "b", label: "", conditions: [.ageBelow(50)], target: .min(Ratio(0, 1)), level: .guidance).matches(p, on: "2026-09-02"))
    }

    @Test func badSlateInputNamesTheField() {
        func fault(_ json: String) -> String? {
            do { _ = try SlateInput.parse(Data(json.utf8)); return nil } catch { return error.field }
        }
        let person = #"{"id":"p1","name":"王一","unit":"a","gender":"女","ethnicity":"汉族","birthDate":"1972-03-15","category":"领导干部"}"#
        #expect(fault(#"{"referenceDate":"2026-09-01","units":[{"id":"a","quota":1}],"pool":[\#(person.replacingOccurrences(of: "\"unit\":\"a\"", with: "\"unit\":\"z\""))]}"#) == "pool[0].unit")
        #expect(fault(#"{"referenceDate":"2026-09-01","units":[{"id":"a","quota":1}],"pool":[\#(person),\#(person)]}"#) == "pool[1].id")
        #expect(fault(#"{"referenceDate":"2026-09-01","units":[{"id":"a","quota":1}],"required":["p1"],"excluded":["p1"],"pool":[\#(person)]}"#) == "required[0]")
        #expect(fault(#"{"referenceDate":"2026-09-01","units":[{"id":"a","quota":1}],"pool":[\#(person.replacingOccurrences(of: "1972-03-15", with: "1972-02-30"))]}"#) == "pool[0].birthDate")
        #expect(fault(#"{"referenceDate":"2026-13-01","units":[{"id":"a","quota":1}],"pool":[]}"#) == "referenceDate")
    }
}

@Suite struct PresetTests {
    @Test func seedTargetsOnFiftySixSeats() {
        let preset = CompositionPresets.provincialCongress
        #expect(preset.map(\.id) == ["women", "minority", "age50", "age35", "cadre", "professional", "model"])
        let needed = Dictionary(preset.map { ($0.id, $0.needed(places: 56)) }, uniquingKeysWith: { a, _ in a })
        // 20% of 56 → 12 (11 would be 19.6%); 11% → 7; 60% → 34; ≈68% → 38; ≈20% → 11; ≈12% → 7; ≈5% → 3.
        #expect(needed == ["women": 12, "minority": 7, "age50": 34, "cadre": 38, "professional": 11, "model": 7, "age35": 3])
        #expect(preset.filter { $0.level == .mandatory }.map(\.id) == ["women", "minority", "age50"])
    }
}
