import Foundation

/// RULES.md §9: the order in which results are published.
public enum Publication {
    /// Elected delegates and committee members: 姓氏笔画.
    public static func electedOrder(_ names: [String], order: NameOrdering) -> [String] {
        order.sorted(names)
    }

    /// Alternates (候补): by for-votes, ties in 姓氏笔画.
    public static func alternateOrder(_ results: [ContenderResult], order: NameOrdering) -> [String] {
        OutcomeRules.rankByVotes(results, order: order).map(\.name)
    }

    /// Secretaries and deputies: the order the higher committee approved, whatever the names.
    public static func approvedOrder(_ names: [String], approved: [String]) -> [String] {
        let position = Dictionary(approved.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return names.enumerated().sorted { (position[$0.element] ?? Int.max, $0.offset) < (position[$1.element] ?? Int.max, $1.offset) }.map(\.element)
    }
}
