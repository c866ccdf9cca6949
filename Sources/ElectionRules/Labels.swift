import Foundation

// How the interface names the rule book's settings (RULES §2–§4): forms and reports show these,
// never the codes.

extension RuleProfile {
    public var label: String {
        switch self {
        case .basic: return "基层组织（党员大会、党员代表大会）"
        case .localCongress: return "地方党代表大会"
        case .localPlenary: return "地方委员会全体会议"
        }
    }
}

extension Office {
    public var label: String {
        switch self {
        case .delegate: return "代表"
        case .committee: return "委员会委员"
        case .alternate: return "候补委员"
        case .discipline: return "纪律检查委员会委员"
        case .standing: return "常务委员会委员"
        case .secretary: return "书记、副书记"
        }
    }
}

extension PartialInvalid {
    public var label: String {
        switch self {
        case .markOnly: return "只作废无法辨认的那一处（计为弃权），其余有效"
        case .wholeBallot: return "整张选票无效"
        }
    }
}

extension RuleOptions {
    /// The quorum rule of `profile` with these options, in words.
    public func quorumLabel(_ profile: RuleProfile) -> String {
        switch profile {
        case .basic: return quorumStrict ? "到会须超过应到会人数的五分之四" : "到会须达到应到会人数的五分之四"
        case .localCongress: return "到会须超过应到会人数的半数"
        case .localPlenary: return "到会须超过应到会人数的三分之二"
        }
    }
}
