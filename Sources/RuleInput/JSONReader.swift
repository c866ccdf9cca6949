import Foundation

/// A JSON reader over the input's bytes, for the command-line documents (a round of 100,000
/// ballots is 70 MB). It builds the same values `JSONSerialization` does (String, NSNumber,
/// NSNull, [Any], [String: Any]) in one pass, and it can also be driven step by step, so the
/// ballots of a round are read straight into marks without building a dictionary per ballot.
/// Stricter than `JSONSerialization` where strictness protects a count: a key repeated in one
/// object is refused (which of two "for" lists would count?), nesting is bounded.
public struct JSONReader {
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "第 \(offset) 字节：\(message)" }
    }

    /// Deeper nesting than any input of ours has; a hostile `[[[[…` cannot exhaust the stack.
    public static let maxDepth = 256

    let bytes: UnsafeRawBufferPointer
    public private(set) var position = 0
    var depth = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // A UTF-8 byte order mark is not content.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// The whole document as one value; nothing but white space may follow it.
    public static func parse(_ data: Data) throws(SyntaxError) -> Any {
        let result: Result<Any, SyntaxError> = data.withUnsafeBytes { raw in
            var reader = JSONReader(raw)
            do {
                let value = try reader.value()
                try reader.end()
                return .success(value)
            } catch let error as SyntaxError {
                return .failure(error)
            } catch {
                return .failure(SyntaxError(offset: 0, message: "\(error)"))
            }
        }
        return try result.get()
    }

    // MARK: Stepping

    public mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The next byte after white space, not consumed (nil at the end).
    public mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    public mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        guard peek() == byte else { throw failure("应为「\(Character(Unicode.Scalar(byte)))」") }
        position += 1
    }

    /// Consumes `byte` if it comes next.
    public mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    public mutating func end() throws(SyntaxError) {
        guard peek() == nil else { throw failure("文档结束后还有内容") }
    }

    func failure(_ message: String) -> SyntaxError {
        SyntaxError(offset: position, message: position >= bytes.count ? "文档不完整（\(message)）" : message)
    }

    /// Moves back to an earlier position (to read the same text another way).
    public mutating func rewind(to offset: Int) { position = offset }

    /// Runs `body` once per element of the array that comes next.
    public mutating func forEachElement(_ body: (inout JSONReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if take(UInt8(ascii: "]")) { return }
        try nested {
            repeat { try body(&$0) } while try $0.separator(closing: UInt8(ascii: "]"))
        }
    }

    /// After an element: true when another follows (a comma), false at the closing bracket.
    public mutating func separator(closing: UInt8) throws(SyntaxError) -> Bool {
        if take(UInt8(ascii: ",")) { return true }
        guard take(closing) else { throw failure("应为「,」或「\(Character(Unicode.Scalar(closing)))」") }
        return false
    }

    mutating func nested<T>(_ body: (inout JSONReader) throws -> T) throws -> T {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("嵌套超过 \(Self.maxDepth) 层") }
        defer { depth -= 1 }
        return try body(&self)
    }

    // MARK: Values

    public mutating func value() throws -> Any {
        switch peek() {
        case UInt8(ascii: "{"):
            position += 1
            var object: [String: Any] = [:]
            if take(UInt8(ascii: "}")) { return object }
            try nested { reader in
                repeat {
                    let key = try reader.string()
                    try reader.expect(UInt8(ascii: ":"))
                    guard object.updateValue(try reader.value(), forKey: key) == nil else { throw reader.failure("字段「\(key)」重复") }
                } while try reader.separator(closing: UInt8(ascii: "}"))
            }
            return object
        case UInt8(ascii: "["):
            var array: [Any] = []
            try forEachElement { array.append(try $0.value()) }
            return array
        case UInt8(ascii: "\""):
            return try string()
        case UInt8(ascii: "t"): try literal("true"); return NSNumber(value: true)
        case UInt8(ascii: "f"): try literal("false"); return NSNumber(value: false)
        case UInt8(ascii: "n"): try literal("null"); return NSNull()
        case .some(let byte) where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            return try number()
        default:
            throw failure("无法识别的值")
        }
    }

    mutating func literal(_ word: String) throws(SyntaxError) {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count,
              expected.indices.allSatisfy({ bytes[position + $0] == expected[$0] }) else { throw failure("无法识别的值") }
        position += expected.count
    }

    /// An integer as NSNumber(Int) when it fits, any other number as NSNumber(Double).
    mutating func number() throws(SyntaxError) -> NSNumber {
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        let whole = digits()
        guard whole > 0, !(whole > 1 && bytes[intStart] == UInt8(ascii: "0")) else { throw failure("数字格式不对") }
        var integral = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw failure("数字格式不对") }
            integral = false
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("数字格式不对") }
            integral = false
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if integral, let value = Int(text) { return NSNumber(value: value) }
        guard let value = Double(text), value.isFinite else { throw failure("数字超出范围") }
        return NSNumber(value: value)
    }

    /// A string; its bytes must be valid UTF-8 without raw control characters.
    public mutating func string() throws(SyntaxError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw failure("应为字符串") }
        position += 1
        let start = position
        // The common case: no escapes, copied in one piece.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return try validated(text, at: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw failure("字符串中不能有控制字符") }
            position += 1
        }
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                let decoded = utf8.withUnsafeBytes { raw in Result { () throws(SyntaxError) in try validated(raw, at: start) } }
                return try decoded.get()
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: the low half must follow.
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw failure("\\u 代理对不完整")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("\\u 代理对不完整") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw failure("\\u 转义无效") }
                    utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw failure("无效的转义「\\\(Character(Unicode.Scalar(escaped)))」")
                }
            default:
                guard byte >= 0x20 else { throw failure("字符串中不能有控制字符") }
                utf8.append(byte)
            }
        }
        throw failure("字符串没有结束")
    }

    mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("\\u 转义不完整") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u 转义无效")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    func validated(_ text: UnsafeRawBufferPointer, at offset: Int) throws(SyntaxError) -> String {
        // ASCII needs no check; anything else must be well-formed UTF-8, not silently repaired.
        if !text.contains(where: { $0 >= 0x80 }) { return String(decoding: text, as: UTF8.self) }
        guard let string = String(validating: text, as: UTF8.self) else {
            throw SyntaxError(offset: offset, message: "字符串不是有效的 UTF-8")
        }
        return string
    }

    /// The raw bytes of the string that comes next when it has no escapes (nil otherwise, with
    /// nothing consumed): the ballot reader looks marks up by their bytes.
    public mutating func plainStringBytes() -> UnsafeRawBufferPointer? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        var end = position + 1
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeRawBufferPointer(rebasing: bytes[(position + 1)..<end])
                position = end + 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            end += 1
        }
        return nil
    }
}
