import Foundation

/// Which rule book applies (RULES.md §2, §6).
public enum RuleProfile: String, Codable, Sendable, CaseIterable {
    /// 基层组织: 党员大会 / 党员代表大会. Quorum four fifths of E, threshold base P.
    case basic
    /// 地方党代表大会. Quorum more than half of E, threshold base E.
    case localCongress = "local-congress"
    /// 地方委员会全体会议. Quorum more than two thirds of E, threshold base E.
    case localPlenary = "local-plenary"
}

/// What happens to a single mark the scrutineers cannot read (RULES.md §4).
public enum PartialInvalid: String, Codable, Sendable {
    /// The unreadable mark counts as an abstention; the rest of the ballot counts.
    case markOnly
    /// The whole ballot is invalid.
    case wholeBallot
}

public struct RuleOptions: Codable, Sendable, Equatable {
    /// `5·P > 4·E` instead of `5·P ≥ 4·E` (basic profile only).
    public var quorumStrict: Bool
    public var partialInvalid: PartialInvalid

    public init(quorumStrict: Bool = false, partialInvalid: PartialInvalid = .markOnly) {
        self.quorumStrict = quorumStrict
        self.partialInvalid = partialInvalid
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        quorumStrict = try c.decodeIfPresent(Bool.self, forKey: .quorumStrict) ?? false
        partialInvalid = try c.decodeIfPresent(PartialInvalid.self, forKey: .partialInvalid) ?? .markOnly
    }
}

/// The kind of round being counted.
public enum RoundKind: String, Codable, Sendable {
    /// 正式选举: threshold applies, the margin is checked.
    case formal
    /// 预选 (§7): base is E whatever the profile; "seats" is the number of formal candidates.
    case preliminary
    /// 重新投票 (§6): only the tied people stand, the most votes win, no threshold.
    case tieBreak
    /// 另行选举 (§6): same threshold rule with the same base as the first round.
    case supplementary
}

public enum Quorum {
    /// RULES.md §2, integer arithmetic only.
    public static func isMet(expected: Int, present: Int, profile: RuleProfile, options: RuleOptions = .init()) -> Bool {
        switch profile {
        case .basic: return options.quorumStrict ? 5 * present > 4 * expected : 5 * present >= 4 * expected
        case .localCongress: return 2 * present > expected
        case .localPlenary: return 3 * present > 2 * expected
        }
    }
}

/// The office a round fills: it sets the default margin (RULES.md §3).
public enum Office: String, Codable, Sendable, CaseIterable {
    case delegate, committee, alternate, discipline, standing, secretary
}

/// How many candidates a contested round of `seats` lists (RULES.md §3).
public enum MarginRule: Sendable, Equatable {
    /// At least ⌈seats × ratio⌉ more candidates than seats (进一法).
    case ratio(Ratio)
    /// Between `min` and `max` more candidates than seats (standing committee: 1–2).
    case moreThanSeats(min: Int, max: Int)
    /// 等额: exactly one candidate per seat (secretaries and deputies).
    case equal

    /// RULES.md §3's default: delegates and basic-level committees 20%; local committees,
    /// alternates and discipline commissions 10%; standing committee 1–2 more; secretaries 等额.
    public static func `default`(for office: Office, profile: RuleProfile) -> MarginRule {
        switch office {
        case .delegate: return .ratio(Ratio(1, 5))
        case .committee:
            switch profile {
            case .basic: return .ratio(Ratio(1, 5))
            case .localCongress, .localPlenary: return .ratio(Ratio(1, 10))
            }
        case .alternate, .discipline: return .ratio(Ratio(1, 10))
        case .standing: return .moreThanSeats(min: 1, max: 2)
        case .secretary: return .equal
        }
    }

    /// The numbers of candidates a formal round of `seats` may list.
    public func allowedCandidates(seats: Int) -> ClosedRange<Int> {
        switch self {
        case .ratio(let ratio): return Margin.minimumCandidates(seats: seats, ratio: ratio)...Int.max
        case .moreThanSeats(let low, let high): return (seats + low)...(seats + high)
        case .equal: return seats...seats
        }
    }

    /// Size of the default supplementary list for a shortfall of s.
    public func supplementaryCandidates(shortfall s: Int) -> Int {
        switch self {
        case .ratio(let ratio): return Margin.supplementaryCandidates(shortfall: s, ratio: ratio)
        case .moreThanSeats(let low, _): return s + max(low, 1)
        // RULES §6: a supplementary election always lists more than its seats, even after an uncontested round.
        case .equal: return s + 1
        }
    }

    public var description: String {
        switch self {
        case .ratio(let ratio): return "差额比例不少于\(ratio)"
        case .moreThanSeats(let low, let high): return "候选人比应选多\(low)至\(high)名"
        case .equal: return "等额"
        }
    }
}

public enum Margin {
    /// ⌈seats × ratio⌉ (进一法).
    public static func minimumMargin(seats: Int, ratio: Ratio) -> Int { ratio.ceilTimes(seats) }

    /// The fewest candidates a contested round of `seats` may list (RULES.md §3).
    public static func minimumCandidates(seats: Int, ratio: Ratio) -> Int {
        seats + minimumMargin(seats: seats, ratio: ratio)
    }

    /// Size of the default supplementary list for a shortfall of s: s + ⌈s × ratio⌉, at least s + 1.
    public static func supplementaryCandidates(shortfall s: Int, ratio: Ratio) -> Int {
        max(s + ratio.ceilTimes(s), s + 1)
    }
}

public enum Threshold {
    /// The number the for-votes must exceed half of (RULES.md §6, §7).
    public static func base(profile: RuleProfile, kind: RoundKind, expected: Int, present: Int) -> Int {
        if kind == .preliminary { return expected }
        switch profile {
        case .basic: return present
        case .localCongress, .localPlenary: return expected
        }
    }

    /// The smallest for-count with `2·for > base`: exactly half never wins.
    public static func smallestWinning(base: Int) -> Int { base / 2 + 1 }
}
