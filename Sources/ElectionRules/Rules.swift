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
