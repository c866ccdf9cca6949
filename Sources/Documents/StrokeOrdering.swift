import ElectionRules
import NameOrder

extension NameOrdering {
    /// 姓氏笔画 (NAME-ORDER.md) as the rules take it: where the counting rules meet the stroke table.
    public static let strokes = NameOrdering(NameOrder())

    /// A stroke order of either convention as the rules take it.
    public init(_ order: NameOrder) {
        self.init(areInIncreasingOrder: { order.areInIncreasingOrder($0, $1) }, unknownCharacters: { order.unknownCharacters(in: $0) })
    }
}
