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

    enum Failure: Error, Equatable {
        /// Markup that cannot be read, at this byte of the whole input.
        case malformed(offset: Int)
        /// One tag or text run longer than `maxTokenBytes`: no spreadsheet part has one.
        case tokenTooLong(offset: Int)
    }

    /// The longest tag or text run accepted (Excel keeps at most 32,767 characters in a cell).
    static let maxTokenBytes = 1 << 20

    /// Raised inside one token when the buffer ends before it does; `next()` rewinds.
    private struct Incomplete: Error {}

    private var bytes: [UInt8]
    private var index = 0
    /// Bytes dropped from the front of `bytes` so far (offsets in errors count from the input's start).
    private var dropped = 0
    /// No more input will be fed: an unfinished token is malformed, not incomplete.
    private var isFinal: Bool

    /// The whole input at once.
    init(_ data: Data) { bytes = [UInt8](data); isFinal = true }

    /// Input fed in chunks (`feed`, then `finish`), so a part of any size is scanned in bounded memory.
    init() { bytes = []; isFinal = false }

    mutating func feed(_ chunk: Data) {
        if index > 0 && index >= bytes.count / 2 {
            dropped += index
            bytes.removeFirst(index)
            index = 0
        }
        bytes.append(contentsOf: chunk)
    }

    mutating func finish() { isFinal = true }

    /// The next event; nil at the end of the input, or (when fed in chunks) when the buffered
    /// bytes end inside a token and more input is needed.
    mutating func next() throws(Failure) -> Event? {
        let mark = index
        do {
            return try token()
        } catch let failure as Failure {
            throw failure
        } catch {
            index = mark
            if bytes.count - mark > Self.maxTokenBytes { throw .tokenTooLong(offset: dropped + mark) }
            if isFinal { throw .malformed(offset: dropped + bytes.count) }
            return nil
        }
    }

    private mutating func token() throws -> Event? {
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                if index == bytes.count && !isFinal { throw Incomplete() }
                return .text(Self.decodeEntities(bytes[start..<index]))
            }
            // Markup: with fewer bytes than the longest opener, wait for more (a split "<![CDATA[").
            if !isFinal && bytes.count - index < 9 { throw Incomplete() }
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
                let name = try readName()
                try skip(past: ">")
                return .end(name: name)
            }
            index += 1
            let name = try readName()
            var attributes: [(String, String)] = []
            while true {
                skipSpace()
                try needByte()
                if bytes[index] == UInt8(ascii: "/") {
                    index += 1
                    try needByte()
                    guard bytes[index] == UInt8(ascii: ">") else { throw Failure.malformed(offset: dropped + index) }
                    index += 1
                    return .start(name: name, attributes: attributes, selfClosing: true)
                }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    return .start(name: name, attributes: attributes, selfClosing: false)
                }
                let key = try readName()
                skipSpace()
                try needByte()
                guard !key.isEmpty, bytes[index] == UInt8(ascii: "=") else { throw Failure.malformed(offset: dropped + index) }
                index += 1
                skipSpace()
                try needByte()
                guard bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { throw Failure.malformed(offset: dropped + index) }
                let quote = bytes[index]
                index += 1
                let start = index
                while index < bytes.count && bytes[index] != quote { index += 1 }
                try needByte()
                attributes.append((key, Self.decodeEntities(bytes[start..<index])))
                index += 1
            }
        }
        return nil
    }

    /// The buffer ends here: more input is needed (or, at the end of the input, it is malformed).
    private func needByte() throws {
        if index >= bytes.count { throw Incomplete() }
    }

    /// The local name (after any `prefix:`), except for `xmlns:`-style attributes.
    private mutating func readName() throws -> String {
        let start = index
        var localStart = index
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
                || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t") { break }
            if b == UInt8(ascii: ":") { localStart = index + 1 }
            index += 1
        }
        try needByte()
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

    private mutating func skip(past literal: StaticString) throws {
        while index < bytes.count {
            if starts(with: literal) { index += literal.utf8CodeUnitCount; return }
            index += 1
        }
        throw Incomplete()
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
