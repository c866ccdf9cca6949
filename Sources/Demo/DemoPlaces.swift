import Foundation

/// Names for the demo's committees and branches that read like real ones: a county's towns,
/// streets and bureaus with their villages, communities, schools, hospitals and enterprises;
/// the city organs' committee with the bureaus' 机关 branches. Invented places, real patterns.
enum DemoPlaces {
    struct Committee {
        let label: String
        let branches: BranchKind
    }

    enum BranchKind {
        case villages, communities, schools, hospitals, enterprises, organs

        /// The b-th branch's place: 红星村, 红星社区, 第一中学, … (numbered past the list).
        func name(_ b: Int) -> String {
            let words = DemoPlaces.words
            let word = words[b % words.count] + (b >= words.count ? DemoPlaces.numeral(b / words.count + 1) : "")
            switch self {
            case .villages: return word + "村"
            case .communities: return word + "社区"
            case .schools: return b % 2 == 0 ? word + "中学" : word + "小学"
            case .hospitals: return b == 0 ? "人民医院" : word + "卫生院"
            case .enterprises: return word + ["机械制造有限公司", "食品有限公司", "纺织有限公司", "建材有限公司"][b % 4]
            case .organs: return "第" + DemoPlaces.numeral(b + 1)   // after a label ending in 机关
            }
        }
    }

    static let words = ["红星", "向阳", "新民", "和平", "团结", "胜利", "光明", "前进", "永兴", "长岭", "桃花", "青山", "白鹤", "金桥", "杨柳",
                        "枫林", "双溪", "石门桥", "荷花", "竹园"]

    /// A county's c-th 党委: the county town, the development zone, three bureaus, then its towns,
    /// townships and streets (红星镇, 向阳乡, 新民街道, …).
    static func countyCommittee(_ c: Int) -> Committee {
        let first: [Committee] = [
            .init(label: "城关镇", branches: .communities), .init(label: "经济开发区", branches: .enterprises),
            .init(label: "教育局", branches: .schools), .init(label: "卫生健康局", branches: .hospitals),
            .init(label: "农业农村局机关", branches: .organs),
        ]
        if c < first.count { return first[c] }
        let t = c - first.count
        let suffixes = [("镇", BranchKind.villages), ("乡", .villages), ("街道", .communities)]
        let (suffix, branches) = suffixes[t % suffixes.count]
        let word = words[(t / suffixes.count) % words.count]
        let round = t / (suffixes.count * words.count)
        return .init(label: word + (round > 0 ? numeral(round + 1) : "") + suffix, branches: branches)
    }

    static func cityOrgans(_ c: Int) -> Committee {
        .init(label: bureaus[c % bureaus.count] + "机关", branches: .organs)
    }

    /// The city's bureaus: 市直 has one 党委 per bureau (the generator uses no more than these).
    static let bureaus = ["市教育局", "市财政局", "市发展和改革委员会", "市卫生健康委员会", "市交通运输局", "市住房和城乡建设局", "市农业农村局",
                          "市自然资源和规划局", "市人力资源和社会保障局", "市商务局", "市水利局", "市文化旅游广电体育局", "市公安局",
                          "市民政局", "市司法局", "市生态环境局", "市应急管理局", "市市场监督管理局", "市统计局", "市医疗保障局",
                          "市林业局", "市审计局", "市退役军人事务局", "市城市管理和综合执法局"]

    /// 一 … 九十九, as branch and place names count.
    static func numeral(_ n: Int) -> String {
        let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        if n < 10 { return digits[n] }
        if n < 20 { return "十" + digits[n % 10] }
        return digits[n / 10 % 10] + "十" + digits[n % 10]
    }
}
