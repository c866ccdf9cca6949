import Foundation

/// Reading JSON input field by field with Chinese errors that name the field (shared by the
/// command-line inputs: rounds, apportionment, slates).
public enum JSONInput {
    public static func integer(_ value: Any?, field: String, required: Bool) throws(CountInputError) -> Int? {
        guard let value else {
            if required { throw CountInputError(field: field, message: "缺少此项") }
            return nil
        }
        guard !isBoolean(value), let number = value as? NSNumber, let n = Int(exactly: number.doubleValue) else {
            throw CountInputError(field: field, message: "应是整数")
        }
        return n
    }

    /// JSON true/false arrive as NSNumber too; on Linux `is Bool` also matches 0 and 1.
    public static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return value is Bool }
        return String(cString: number.objCType) == "c"
    }

    public static func strings(_ value: Any?, field: String, allowEmpty: Bool = false) throws(CountInputError) -> [String] {
        guard let value else { throw CountInputError(field: field, message: "缺少此项") }
        guard let list = value as? [Any] else { throw CountInputError(field: field, message: "应是姓名数组") }
        var out: [String] = []
        for (i, item) in list.enumerated() {
            guard let s = item as? String else { throw CountInputError(field: "\(field)[\(i)]", message: "应是姓名字符串") }
            out.append(s)
        }
        if out.isEmpty && !allowEmpty { throw CountInputError(field: field, message: "不能为空") }
        return out
    }

    public static func enumValue<T: RawRepresentable>(_ value: Any?, field: String) throws(CountInputError) -> T? where T.RawValue == String {
        guard let value else { return nil }
        guard let s = value as? String, let v = T(rawValue: s) else {
            throw CountInputError(field: field, message: "无法识别的取值「\(value)」")
        }
        return v
    }

    /// The top-level object of a JSON document.
    public static func object(_ data: Data) throws(CountInputError) -> [String: Any] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw CountInputError(field: "(根)", message: "不是合法的 JSON：\(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any] else {
            throw CountInputError(field: "(根)", message: "输入必须是一个 JSON 对象")
        }
        return object
    }

    /// Refuses a key the input format does not have (a typo must not pass silently).
    public static func rejectUnknownKeys(_ object: [String: Any], known: Set<String>, prefix: String = "") throws(CountInputError) {
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw CountInputError(field: prefix + unknown, message: "未知字段")
        }
    }

    /// A non-negative exact decimal such as 0.21.
    public static func ratio(_ value: Any?, field: String) throws(CountInputError) -> Ratio? {
        guard let value else { return nil }
        let text = (value as? String) ?? "\(value)"
        guard !isBoolean(value), let ratio = Ratio(decimal: text) else {
            throw CountInputError(field: field, message: "应是非负小数，例如0.2")
        }
        return ratio
    }
}
