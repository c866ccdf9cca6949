import Foundation

/// Reading JSON input field by field with Chinese errors that name the field (shared by the
/// command-line inputs: rounds, apportionment, slates).
public enum JSONInput {
    public static func integer(_ value: Any?, field: String, required: Bool) throws(InputError) -> Int? {
        guard let value else {
            if required { throw InputError(field: field, code: "input.missing", message: "缺少此项") }
            return nil
        }
        guard !isBoolean(value), let number = value as? NSNumber, let n = Int(exactly: number.doubleValue) else {
            throw InputError(field: field, code: "input.notInteger", message: "应是整数")
        }
        return n
    }

    /// JSON true/false arrive as NSNumber too; on Linux `is Bool` also matches 0 and 1.
    public static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return value is Bool }
        return String(cString: number.objCType) == "c"
    }

    public static func strings(_ value: Any?, field: String, allowEmpty: Bool = false) throws(InputError) -> [String] {
        guard let value else { throw InputError(field: field, code: "input.missing", message: "缺少此项") }
        guard let list = value as? [Any] else { throw InputError(field: field, code: "input.notList", message: "应是姓名数组") }
        var out: [String] = []
        for (i, item) in list.enumerated() {
            guard let s = item as? String else { throw InputError(field: "\(field)[\(i)]", code: "input.notString", message: "应是姓名字符串") }
            out.append(s)
        }
        if out.isEmpty && !allowEmpty { throw InputError(field: field, code: "input.empty", message: "不能为空") }
        return out
    }

    public static func enumValue<T: RawRepresentable>(_ value: Any?, field: String) throws(InputError) -> T? where T.RawValue == String {
        guard let value else { return nil }
        guard let s = value as? String, let v = T(rawValue: s) else {
            throw InputError(field: field, code: "input.unknownValue", message: "无法识别的取值「\(value)」")
        }
        return v
    }

    /// The top-level object of a JSON document.
    public static func object(_ data: Data) throws(InputError) -> [String: Any] {
        let parsed = try document(data)
        guard let object = parsed as? [String: Any] else {
            throw InputError(field: "(根)", code: "input.notObject", message: "输入必须是一个 JSON 对象")
        }
        return object
    }

    /// Refuses a key the input format does not have (a typo must not pass silently).
    public static func rejectUnknownKeys(_ object: [String: Any], known: Set<String>, prefix: String = "") throws(InputError) {
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw InputError(field: prefix + unknown, code: "input.unknownField", message: "未知字段")
        }
    }

    /// The document's value: read by `JSONReader` (UTF-8, the form every tool writes); a
    /// document in UTF-16 or UTF-32 (zero bytes among the first four) goes to `JSONSerialization`.
    /// UTF-16 and UTF-32 documents have zero bytes among the first four; JSONReader reads UTF-8 only.
    public static func isWideEncoding(_ data: Data) -> Bool { data.prefix(4).contains(0) }

    public static func document(_ data: Data) throws(InputError) -> Any {
        if isWideEncoding(data) {
            do { return try JSONSerialization.jsonObject(with: data) } catch {
                throw InputError(field: "(根)", code: "input.notJSON", message: "不是合法的 JSON：\(error.localizedDescription)")
            }
        }
        do { return try JSONReader.parse(data) } catch {
            throw InputError(field: "(根)", code: "input.notJSON", message: "不是合法的 JSON：\(error)")
        }
    }
}
