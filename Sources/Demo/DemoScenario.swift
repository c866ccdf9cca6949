import Foundation
import Allocation
import ElectionRules

/// The seed's scenario (speech 3: 常德市 recommends 68 candidates for 56 provincial seats;
/// speech 1: 泥城镇 members elect delegates), as data for the demo and the tests.
public enum DemoScenario {
    public struct Unit: Sendable {
        public let key: String
        public let name: String
        /// Share of the city's members.
        public let share: Double
        /// Candidate places the city committee gave this unit (seed, speech 3).
        public let places: Int
        /// Administrative division code, the first six digits of its residents' ID numbers.
        public let regionCode: String
    }

    public static let cityName = "中共常德市委员会"
    public static let units: [Unit] = [
        Unit(key: "wuling", name: "武陵区", share: 0.12, places: 3, regionCode: "430702"),
        Unit(key: "jinshi", name: "津市市", share: 0.05, places: 3, regionCode: "430781"),
        Unit(key: "dingcheng", name: "鼎城区", share: 0.10, places: 5, regionCode: "430703"),
        Unit(key: "taoyuan", name: "桃源县", share: 0.10, places: 5, regionCode: "430725"),
        Unit(key: "lixian", name: "澧县", share: 0.10, places: 5, regionCode: "430723"),
        Unit(key: "shimen", name: "石门县", share: 0.08, places: 4, regionCode: "430726"),
        Unit(key: "hanshou", name: "汉寿县", share: 0.08, places: 4, regionCode: "430722"),
        Unit(key: "linli", name: "临澧县", share: 0.06, places: 4, regionCode: "430724"),
        Unit(key: "anxiang", name: "安乡县", share: 0.06, places: 4, regionCode: "430721"),
        Unit(key: "shizhi", name: "市直机关工委", share: 0.24, places: 31, regionCode: "430702"),
    ]
    /// 泥城镇 (speech 1) takes the remaining 1% of the members.
    public static let townName = "中共泥城镇委员会"
    public static let townShare = 0.01
    public static let townRegionCode = "310115"

    public static let provincialElectionName = "推荐出席省第九次党代会代表候选人预备人选"
    public static let provincialSeats = 56
    public static let provincialCandidatePlaces = 68
    public static let provincialMarginRatio = Ratio(21, 100)
    public static let referenceDate = "2026-09-01"

    /// Composition targets of speech 3 (RULES.md §10), kept with the rules that read them.
    public static let compositionTargetsJSON = CompositionPresets.provincialCongressJSON
    public static let deadlinesJSON = """
    [{"step":"区县（市）与市委组织部衔接初步人选名单","due":"2026-08-25"},
     {"step":"完成代表候选人初步人选考察","due":"2026-08-31"},
     {"step":"全面完成推荐工作","due":"2026-09-15"}]
    """

    public static let townElectionName = "泥城镇第十四届党员代表大会代表选举"
    public static let townSeats = 45
}
