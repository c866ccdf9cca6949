import Foundation

public enum ContenderStatus: String, Codable, Sendable {
    case elected
    case tie
    case belowThreshold = "below-threshold"
    case outranked
    /// A write-in who may not be elected (not a full member of the unit, RULES §1): the seat is a shortfall.
    case ineligible
}

/// One person in the result: a listed candidate or a write-in.
public struct ContenderResult: Codable, Sendable, Equatable {
    /// The candidate's id when the round's candidates carry ids (two people may share a name).
    public var id: String? = nil
    public let name: String
    public let forVotes: Int
    public let againstVotes: Int
    public let abstain: Int
    public let writeIn: Bool
    public var status: ContenderStatus

    enum CodingKeys: String, CodingKey {
        case id, name, forVotes = "for", againstVotes = "against", abstain, writeIn, status
    }

    public init(id: String? = nil, name: String, forVotes: Int, againstVotes: Int, abstain: Int, writeIn: Bool, status: ContenderStatus) {
        self.id = id; self.name = name; self.forVotes = forVotes; self.againstVotes = againstVotes; self.abstain = abstain
        self.writeIn = writeIn; self.status = status
    }

    /// How the outcome names this person: the id where there is one, else the name.
    public var label: String { id ?? name }
}

/// Seats still open and who stands for them (tie-break or supplementary round).
public struct SeatContest: Codable, Sendable, Equatable {
    public let seats: Int
    public let candidates: [String]
}

public struct Outcome: Sendable, Equatable {
    /// By for-votes descending, equal counts in 姓氏笔画 order.
    public let results: [ContenderResult]
    /// In 姓氏笔画 order.
    public let elected: [String]
    public let tieBreak: SeatContest?
    public let shortfall: Int
    public let supplementary: SeatContest?
}

public enum OutcomeRules {
    /// RULES.md §6: who is elected, who goes to a tie-break vote, how many seats stay open and
    /// who would stand in the supplementary election. `threshold` nil means no threshold
    /// (a tie-break vote: the most votes win).
    public static func decide(contenders: [ContenderResult], seats: Int, threshold: Int?,
                              marginRatio: Ratio, order: NameOrdering) -> Outcome {
        decide(contenders: contenders, seats: seats, threshold: threshold, margin: .ratio(marginRatio), order: order)
    }

    /// `ineligible` (labels) may not be elected (RULES §1): ranked and shown like everyone, but a
    /// seat one of them would win stays open — a shortfall — and one of them tied at the last
    /// seat drops out of the tie (those left in it are elected if no more than the seats remain).
    public static func decide(contenders: [ContenderResult], seats: Int, threshold: Int?,
                              margin: MarginRule, order: NameOrdering, ineligible: Set<String> = []) -> Outcome {
        let ranked = rankByVotes(contenders, order: order)
        // Identical names keep the order they were given in (labels are unique: ids, or names).
        let given = Dictionary(contenders.enumerated().map { ($1.label, $0) }, uniquingKeysWith: { first, _ in first })
        func sortedLabels(_ list: [ContenderResult]) -> [String] {
            order.sorted(list.sorted { (given[$0.label] ?? 0) < (given[$1.label] ?? 0) }, by: \.name).map(\.label)
        }
        let winning = threshold ?? 0
        let qualifiers = ranked.filter { $0.forVotes >= winning }
        var status = [ContenderStatus](repeating: .belowThreshold, count: ranked.count)
        var tieBreak: SeatContest?
        if qualifiers.count <= seats {
            for i in 0..<qualifiers.count { status[i] = .elected }
        } else {
            let cutVotes = qualifiers[seats - 1].forVotes
            if qualifiers[seats].forVotes < cutVotes {
                for i in 0..<qualifiers.count { status[i] = i < seats ? .elected : .outranked }
            } else {
                // The k-th and (k+1)-th tie: everyone above is elected, the tied group votes again.
                var above = 0
                for i in 0..<qualifiers.count {
                    if qualifiers[i].forVotes > cutVotes { status[i] = .elected; above += 1 }
                    else if qualifiers[i].forVotes == cutVotes { status[i] = .tie }
                    else { status[i] = .outranked }
                }
                let tied = qualifiers.filter { $0.forVotes == cutVotes && !ineligible.contains($0.label) }
                if tied.count > seats - above {
                    tieBreak = SeatContest(seats: seats - above, candidates: sortedLabels(tied))
                } else {
                    for i in 0..<qualifiers.count where status[i] == .tie { status[i] = .elected }
                }
            }
        }
        for i in ranked.indices where ineligible.contains(ranked[i].label) { status[i] = .ineligible }
        let results = zip(ranked, status).map { contender, s -> ContenderResult in
            var r = contender
            r.status = s
            return r
        }
        let elected = sortedLabels(results.filter { $0.status == .elected })
        let shortfall = max(0, seats - elected.count - (tieBreak?.seats ?? 0))
        var supplementary: SeatContest?
        if shortfall > 0 {
            // Listed candidates only, by for-votes, ties in 姓氏笔画 order (already so ranked).
            let pool = results.filter { $0.status != .elected && $0.status != .tie && !$0.writeIn }.map(\.label)
            let wanted = margin.supplementaryCandidates(shortfall: shortfall)
            supplementary = SeatContest(seats: shortfall, candidates: Array(pool.prefix(wanted)))
        }
        return Outcome(results: results, elected: elected, tieBreak: tieBreak,
                       shortfall: shortfall, supplementary: supplementary)
    }

    /// For-votes descending, equal counts in 姓氏笔画 order, identical names in input order.
    public static func rankByVotes(_ contenders: [ContenderResult], order: NameOrdering) -> [ContenderResult] {
        contenders.enumerated().sorted { x, y in
            if x.element.forVotes != y.element.forVotes { return x.element.forVotes > y.element.forVotes }
            if order.areInIncreasingOrder(x.element.name, y.element.name) { return true }
            if order.areInIncreasingOrder(y.element.name, x.element.name) { return false }
            return x.offset < y.offset
        }.map(\.element)
    }
}
