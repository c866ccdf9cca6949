import Foundation
import Testing
import ElectionRules
@testable import Allocation

private func units(_ members: [Int]) -> [ApportionmentUnit] {
    members.enumerated().map { ApportionmentUnit(id: "u\($0.offset)", members: $0.element) }
}

private func seats(_ result: ApportionmentResult) -> [Int] { result.allocation.map(\.seats) }

@Suite struct ApportionmentTests {
    @Test func textbookExamples() throws {
        // 10 seats over 5,400 / 3,100 / 1,500: Hamilton 5-3-2, D'Hondt 6-3-1, Sainte-Laguë 5-3-2.
        let u = units([5_400, 3_100, 1_500])
        #expect(seats(try Apportionment.apportion(.init(seats: 10, method: .hamilton, units: u))) == [5, 3, 2])
        #expect(seats(try Apportionment.apportion(.init(seats: 10, method: .dhondt, units: u))) == [6, 3, 1])
        #expect(seats(try Apportionment.apportion(.init(seats: 10, method: .sainteLague, units: u))) == [5, 3, 2])
        #expect(seats(try Apportionment.apportion(.init(seats: 10, method: .adams, units: u))) == [5, 3, 2])
        #expect(seats(try Apportionment.apportion(.init(seats: 10, method: .huntingtonHill, units: u))) == [5, 3, 2])
    }

    @Test func aTieForTheLastSeatIsReportedNotSettled() throws {
        let result = try Apportionment.apportion(.init(seats: 5, method: .dhondt, units: units([10, 20, 30])))
        #expect(!result.complete)
        #expect(seats(result) == [0, 1, 2])
        #expect(result.ties == [SeatTie(seats: 2, units: ["u0", "u1", "u2"])])
        let hamilton = try Apportionment.apportion(.init(seats: 1, method: .hamilton, units: units([50, 50])))
        #expect(!hamilton.complete && hamilton.ties == [SeatTie(seats: 1, units: ["u0", "u1"])])
    }

    @Test func baseMinimumAndFixedSeats() throws {
        var u = units([9_000, 600, 400])
        u[2].minimum = 2
        let result = try Apportionment.apportion(.init(seats: 10, method: .hamilton, base: 1, units: u))
        // Base 1 each, then 7 by members — the smallest unit is held at its minimum of 2.
        #expect(seats(result) == [7, 1, 2])
        u[0].fixed = 5
        let fixed = try Apportionment.apportion(.init(seats: 10, method: .hamilton, base: 1, units: u))
        #expect(fixed.allocation[0].seats == 5 && seats(fixed).reduce(0, +) == 10)
    }

    @Test func memberAndOrganizationWeightsMix() throws {
        let u = [ApportionmentUnit(id: "a", members: 300, organizations: 10), ApportionmentUnit(id: "b", members: 100, organizations: 30)]
        // Half by members (3/4 vs 1/4), half by organizations (1/4 vs 3/4): an even split.
        let even = try Apportionment.apportion(.init(seats: 4, method: .hamilton, memberWeight: Ratio(1, 2),
                                                      organizationWeight: Ratio(1, 2), units: u))
        #expect(seats(even) == [2, 2])
        #expect(even.allocation[0].quota == 2.0)
    }

    @Test func seedAllocationComesOutOfTheDemoShares() throws {
        // The seed's 68 places with 31 fixed for 市直 and the rest by members (demo shares) and
        // a minimum of 3: every unit gets at least 3, and the total is 68.
        let shares = [("wuling", 12), ("jinshi", 5), ("dingcheng", 10), ("taoyuan", 10), ("lixian", 10),
                      ("shimen", 8), ("hanshou", 8), ("linli", 6), ("anxiang", 6)]
        var u = shares.map { ApportionmentUnit(id: $0.0, members: $0.1 * 3_000, minimum: 3) }
        u.append(ApportionmentUnit(id: "shizhi", members: 72_000, fixed: 31))
        let result = try Apportionment.apportion(.init(seats: 68, method: .hamilton, units: u))
        #expect(result.complete)
        #expect(seats(result).reduce(0, +) == 68)
        #expect(result.allocation.allSatisfy { $0.seats >= 3 })
    }

    @Test func badInputNamesTheField() {
        func fault(_ json: String) -> String? {
            do { _ = try Apportionment.apportion(try ApportionmentInput.parse(Data(json.utf8))); return nil }
            catch { return error.field }
        }
        #expect(fault(#"{"seats":3,"units":[{"id":"a","members":1},{"id":"a","members":2}]}"#) == "units[1].id")
        #expect(fault(#"{"seats":3,"method":"borda","units":[{"id":"a","members":1}]}"#) == "method")
        #expect(fault(#"{"seats":3,"units":[{"id":"a","members":-1}]}"#) == "units[0].members")
        #expect(fault(#"{"seats":3,"units":[{"id":"a"}]}"#) == "units[0].members")
        #expect(fault(#"{"seats":3,"units":[{"id":"a","members":1,"colour":2}]}"#) == "units[0].colour")
        #expect(fault(#"{"seats":1,"base":1,"units":[{"id":"a","members":1},{"id":"b","members":1}]}"#) == "seats")
        // An override carries its reason; a reason without an override is a mistake.
        #expect(fault(#"{"seats":3,"units":[{"id":"a","members":1,"fixed":2},{"id":"b","members":1}]}"#) == "units[0].reason")
        #expect(fault(#"{"seats":3,"units":[{"id":"a","members":1,"fixed":2,"reason":"  "},{"id":"b","members":1}]}"#) == "units[0].reason")
        #expect(fault(#"{"seats":3,"units":[{"id":"a","members":1,"reason":"因为"}]}"#) == "units[0].reason")
    }

    @Test func anOverridesReasonIsEchoed() throws {
        let json = #"{"seats":68,"units":[{"id":"shizhi","members":72000,"fixed":31,"reason":"市直单位多，按市委常委会议定"},{"id":"wuling","members":36000}]}"#
        let result = try Apportionment.apportion(try ApportionmentInput.parse(Data(json.utf8)))
        let shizhi = try #require(result.allocation.first { $0.id == "shizhi" })
        #expect(shizhi.seats == 31 && shizhi.reason == "市直单位多，按市委常委会议定")
        #expect(result.allocation.first { $0.id == "wuling" }?.reason == nil)
        let encoded = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(encoded.contains(#""reason":"市直单位多，按市委常委会议定""#))
        #expect(result.text(names: [:]).contains("固定名额，理由：市直单位多，按市委常委会议定"))
    }
}
