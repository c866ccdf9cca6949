import Foundation

extension NameOrder {
    /// Says in Chinese what decides the order of two names, e.g. "第2字 第3笔 竖<撇".
    public func explain(_ first: String, _ second: String) -> String {
        let a = Self.normalized(first), b = Self.normalized(second)
        let ua = units(of: a), ub = units(of: b)
        // Map a unit index back to a character position: the blank of convention A sits
        // before the second character, so later units shift by one.
        func position(_ units: [UInt32], _ index: Int) -> Int {
            let hasBlank = units.count > 1 && units[1] == Self.blankUnit && convention == .a
            return hasBlank && index >= 2 ? index : index + 1
        }
        func scalar(_ scalars: [Unicode.Scalar], _ units: [UInt32], _ index: Int) -> Unicode.Scalar {
            scalars[position(units, index) - 1]
        }
        guard let i = zip(ua, ub).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
            if ua.count == ub.count { return "姓名相同，并列" }
            let (short, long) = ua.count < ub.count ? (first, second) : (second, first)
            return "「\(short)」是「\(long)」的前缀，排在前"
        }
        let place = "第\(position(ua, i))字"
        let x = ua[i], y = ub[i]
        if x == Self.blankUnit || y == Self.blankUnit {
            return "第2字 单名视为空白，排在多字名之前"
        }
        if x == Self.separatorUnit || y == Self.separatorUnit {
            return "\(place) 「·」结束一节，排在其他字之前"
        }
        let ca = scalar(a, ua, i), cb = scalar(b, ub, i)
        guard let sa = table.sequences[ca], let sb = table.sequences[cb] else {
            let unknown = table.sequences[ca] == nil ? ca : cb
            return "\(place) 「\(Character(unknown))」不在笔画表中，排在已知字之后（按码位）"
        }
        if sa.count != sb.count {
            return "\(place) \(Character(ca))(\(sa.count)画)<\(Character(cb))(\(sb.count)画)".replacingOccurrences(
                of: "<", with: sa.count < sb.count ? "<" : ">")
        }
        if let k = zip(sa, sb).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            let relation = sa[k].rawValue < sb[k].rawValue ? "<" : ">"
            return "\(place) 第\(k + 1)笔 \(sa[k].chineseName)\(relation)\(sb[k].chineseName)（\(Character(ca))、\(Character(cb))同为\(sa.count)画）"
        }
        return "\(place) \(Character(ca))与\(Character(cb))笔顺相同，按码位排列，请人工确认"
    }
}
