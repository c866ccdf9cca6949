import Foundation

/// A small, fast pull scanner for the XML inside XLSX files: start and end tags with their
/// attributes, and text with entities decoded. Namespace prefixes are dropped (`x:row` is `row`),
/// which is all the spreadsheet parts need. It does not validate; malformed markup ends the scan
/// with an error instead of guessing.
struct XMLScanner {
    enum Event {
        case start(name: String, attributes: [(String, String)], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    struct Malformed: Error { let offset: Int }

    private let bytes: [UInt8]
    private var index = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    mutating func next() throws(Malformed) -> Event? {
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                return .text(Self.decodeEntities(bytes[start..<index]))
            }
            // Markup.
            if starts(with: "<?") { try skip(past: "?>"); continue }
            if starts(with: "<!--") { try skip(past: "-->"); continue }
            if starts(with: "<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>")
                return .text(String(decoding: bytes[start..<(index - 3)], as: UTF8.self))
            }
            if starts(with: "<!") { try skip(past: ">"); continue }
            if starts(with: "</") {
                index += 2
                let name = readName()
                try skip(past: ">")
                return .end(name: name)
            }
            index += 1
            let name = readName()
            var attributes: [(String, String)] = []
            while true {
                skipSpace()
                guard index < bytes.count else { throw Malformed(offset: index) }
                if bytes[index] == UInt8(ascii: "/") {
                    guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else { throw Malformed(offset: index) }
                    index += 2
                    return .start(name: name, attributes: attributes, selfClosing: true)
                }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    return .start(name: name, attributes: attributes, selfClosing: false)
                }
                let key = readName()
                skipSpace()
                guard !key.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw Malformed(offset: index) }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { throw Malformed(offset: index) }
                let quote = bytes[index]
                index += 1
                let start = index
                while index < bytes.count && bytes[index] != quote { index += 1 }
                guard index < bytes.count else { throw Malformed(offset: index) }
                attributes.append((key, Self.decodeEntities(bytes[start..<index])))
                index += 1
            }
        }
        return nil
    }

    /// The local name (after any `prefix:`), except for `xmlns:`-style attributes.
    private mutating func readName() -> String {
        let start = index
        var localStart = index
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
                || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t") { break }
            if b == UInt8(ascii: ":") { localStart = index + 1 }
            index += 1
        }
        let prefix = String(decoding: bytes[start..<max(start, localStart - 1)], as: UTF8.self)
        let local = String(decoding: bytes[localStart..<index], as: UTF8.self)
        return prefix == "xmlns" ? "xmlns:" + local : local
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { pattern in
            for i in 0..<count where bytes[index + i] != pattern[i] { return false }
            return true
        }
    }

    private mutating func skip(past literal: StaticString) throws(Malformed) {
        while index < bytes.count {
            if starts(with: literal) { index += literal.utf8CodeUnitCount; return }
            index += 1
        }
        throw Malformed(offset: index)
    }

    /// &amp; &lt; &gt; &quot; &apos; and numeric references.
    static func decodeEntities(_ slice: ArraySlice<UInt8>) -> String {
        guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = slice.startIndex
        while i < slice.endIndex {
            guard slice[i] == UInt8(ascii: "&"), let semicolon = slice[i...].firstIndex(of: UInt8(ascii: ";")) else {
                out.append(slice[i]); i += 1; continue
            }
            let entity = String(decoding: slice[(i + 1)..<semicolon], as: UTF8.self)
            var replacement: String?
            switch entity {
            case "amp": replacement = "&"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            default:
                let scalar = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                replacement = scalar.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            }
            if let replacement {
                out.append(contentsOf: replacement.utf8)
                i = semicolon + 1
            } else {
                out.append(slice[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // Control characters other than tab and newline are not allowed in XML 1.0.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
