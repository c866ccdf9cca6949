import Foundation

/// How names are put in order where RULES.md §9 asks for 姓氏笔画 (ballots, ties, published
/// lists). The rules take it as a value so that they stay free of the stroke table: the
/// callers pass `NameOrder`'s functions (`NameOrdering(NameOrder())` where both are imported).
public struct NameOrdering: Sendable {
    /// Whether `a` comes strictly before `b`.
    public let areInIncreasingOrder: @Sendable (String, String) -> Bool
    /// Characters of a name the ordering cannot place (reported, so a clerk can check them).
    public let unknownCharacters: @Sendable (String) -> [Character]

    public init(areInIncreasingOrder: @escaping @Sendable (String, String) -> Bool,
                unknownCharacters: @escaping @Sendable (String) -> [Character] = { _ in [] }) {
        self.areInIncreasingOrder = areInIncreasingOrder
        self.unknownCharacters = unknownCharacters
    }

    /// The items sorted by their names; equal names keep their given order.
    public func sorted<T>(_ items: [T], by name: (T) -> String) -> [T] {
        items.enumerated().sorted { a, b in
            let x = name(a.element), y = name(b.element)
            if areInIncreasingOrder(x, y) { return true }
            if areInIncreasingOrder(y, x) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }

    public func sorted(_ names: [String]) -> [String] { sorted(names, by: { $0 }) }
}
