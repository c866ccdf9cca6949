import Foundation

/// The one rule for every human text the system stores (names, reasons, opinions, titles,
/// write-ins, file names): NFC; no control characters (C0, DEL, C1 — a line break only where
/// the field is several lines); no bidirectional overrides, embeddings, isolates or marks (a
/// right-to-left override can make a printed list read differently from what is stored); no
/// more than a few combining marks on one character; a length bound. What passes is stored and
/// hashed exactly as returned.
public enum HumanText {
    /// Combining marks allowed on one base character: enough for any script in use, not a tower.
    public static let maxCombiningMarks = 4
    /// Code points in one character (a grapheme cluster): a family emoji has 7; more is a length
    /// bound dodged by joining everything into one "character".
    public static let maxScalarsPerCharacter = 12

    /// What is wrong with a text, with the offending code point where there is one.
    public enum Problem: Sendable, Equatable {
        case control(UInt32)
        case bidi(UInt32)
        case combining
        case tooLong(Int)

        public var code: String {
            switch self {
            case .control: return "text.control"
            case .bidi: return "text.bidi"
            case .combining: return "text.combining"
            case .tooLong: return "text.tooLong"
            }
        }

        /// In Chinese, for a field named `label`.
        public func message(_ label: String) -> String {
            switch self {
            case .control(let v): return "「\(label)」含有不可见的控制字符（\(HumanText.codePoint(v))），请删去后重新输入"
            case .bidi(let v): return "「\(label)」含有改变文字方向的字符（\(HumanText.codePoint(v))），可能使打印出的内容与保存的不同，请删去"
            case .combining: return "「\(label)」的一个字上叠加了过多的组合符号（超过 \(HumanText.maxCombiningMarks) 个）"
            case .tooLong(let max): return "「\(label)」超过 \(max) 个字"
            }
        }
    }

    public static func codePoint(_ v: UInt32) -> String { "U+" + String(format: "%04X", v) }

    /// Bidirectional formatting characters: ALM, LRM, RLM, LRE…RLO, LRI…PDI.
    static func isBidiControl(_ v: UInt32) -> Bool {
        v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// C0 (but tab and line breaks where allowed), DEL, C1, the byte-order mark and the
    /// line and paragraph separators.
    static func isControl(_ v: UInt32, multiline: Bool) -> Bool {
        if multiline && (v == 0x0A || v == 0x0D || v == 0x09) { return false }
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFEFF || v == 0x2028 || v == 0x2029
    }

    /// The first problem of `text` (already in NFC), or nil when it may be stored.
    public static func problem(_ text: String, maxLength: Int, multiline: Bool = false) -> Problem? {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if isControl(v, multiline: multiline) { return .control(v) }
            if isBidiControl(v) { return .bidi(v) }
        }
        // Marks are counted per character, whatever joiners sit between them.
        for character in text where character.unicodeScalars.count > 1 {
            let marks = character.unicodeScalars.filter {
                switch $0.properties.generalCategory {
                case .nonspacingMark, .enclosingMark, .spacingMark: return true
                default: return false
                }
            }.count
            if marks > maxCombiningMarks || character.unicodeScalars.count > maxScalarsPerCharacter { return .combining }
        }
        return text.count > maxLength ? .tooLong(maxLength) : nil
    }

    /// The text as it is stored: NFC, white space trimmed at both ends, line breaks as "\n".
    public static func normalized(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\r\n", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// For a text that must be written whatever it holds (the audit log records what was
    /// refused, too): NFC, and each character `problem` refuses written out as `\u{XXXX}` (and a
    /// backslash as two, so a typed "\u{0}" cannot pass for an escaped one), so the stored
    /// bytes are the hashed bytes on every database.
    public static func escaped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            let v = scalar.value
            if v == 0x5C {
                out.append(contentsOf: "\\\\".unicodeScalars)
            } else if isControl(v, multiline: true) || isBidiControl(v) {
                out.append(contentsOf: ("\\u{" + String(v, radix: 16, uppercase: true) + "}").unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
