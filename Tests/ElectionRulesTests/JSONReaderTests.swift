import Foundation
import Documents
import Testing
import PropertyBased
@testable import ElectionRules
@testable import RuleInput

/// The reader that replaced JSONSerialization for the command-line documents: the same values
/// on anything JSONSerialization accepts, refusals (never a crash) on what it must not accept,
/// and a ballot fast path that answers exactly as the general reader does.
@Suite struct JSONReaderTests {
    /// A random JSON value (nested objects and arrays, Unicode with escapes, numbers, literals).
    static func randomValue(_ rng: inout SplitMix64, depth: Int = 0) -> Any {
        let pieces = ["王", "𠈌", "a", "\"", "\\", "\n", "\t", "/", "\u{1}", " ", "é", "😀", "x"]
        switch rng.next() % (depth > 3 ? 5 : 7) {
        case 0: return (0..<Int(rng.next() % 6)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
        case 1: return NSNumber(value: Int(truncatingIfNeeded: rng.next()) >> Int(rng.next() % 64))
        case 2: return NSNumber(value: Double(Int(rng.next() % 2_000_001) - 1_000_000) / 64)
        case 3: return NSNumber(value: rng.next() % 2 == 0)
        case 4: return NSNull()
        case 5: return (0..<Int(rng.next() % 5)).map { _ in randomValue(&rng, depth: depth + 1) }
        default:
            var object: [String: Any] = [:]
            for i in 0..<Int(rng.next() % 5) { object["k\(i)\(pieces[Int(rng.next() % UInt64(pieces.count))])"] = randomValue(&rng, depth: depth + 1) }
            return object
        }
    }

    static func canonical(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys, .fragmentsAllowed])
    }

    @Test func readsWhatJSONSerializationReadsTheSameWay() async throws {
        var compared = 0
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let value = Self.randomValue(&rng)
            guard let text = try? JSONSerialization.data(withJSONObject: ["doc": value], options: [.fragmentsAllowed]) else {
                Issue.record("the generator made something JSONSerialization cannot write"); return
            }
            do {
                let ours = try JSONReader.parse(text)
                let theirs = try JSONSerialization.jsonObject(with: text)
                #expect(try Self.canonical(ours) == Self.canonical(theirs), "\(String(decoding: text, as: UTF8.self))")
                compared += 1
            } catch {
                Issue.record("\(error) on \(String(decoding: text, as: UTF8.self))")
            }
        }
        #expect(compared == 300)
    }

    @Test func numbersAndLiteralsKeepTheirKinds() throws {
        let parsed = try #require(try JSONReader.parse(Data(#"{"i":42,"n":-7,"d":0.5,"e":1e3,"t":true,"f":false,"z":null,"big":123456789012345678901}"#.utf8)) as? [String: Any])
        #expect(try JSONInput.integer(parsed["i"], field: "i", required: true) == 42)
        #expect(try JSONInput.integer(parsed["n"], field: "n", required: true) == -7)
        #expect(try JSONInput.integer(parsed["e"], field: "e", required: true) == 1_000)
        #expect(throws: InputError.self) { try JSONInput.integer(parsed["d"], field: "d", required: true) }
        #expect(throws: InputError.self) { try JSONInput.integer(parsed["t"], field: "t", required: true) }
        #expect(throws: InputError.self) { try JSONInput.integer(parsed["big"], field: "big", required: true) }
        #expect(JSONInput.isBoolean(parsed["t"]!) && JSONInput.isBoolean(parsed["f"]!) && !JSONInput.isBoolean(parsed["i"]!))
        #expect(parsed["t"] as? Bool == true && parsed["z"] is NSNull)
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#, "[1,2", #"{"a" 1}"#, #"["\u00"]"#, #"["\ud800"]"#, #"["\q"]"#, "[01]", "[1.]", "[-]", "[1e]",
        "[tru]", "{} x", "", #"["a"#, "[\"\u{01}\"]", "[1,]", "{,}",
    ])
    func malformedDocumentsAreRefused(_ text: String) {
        #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse(Data(text.utf8)) }
    }

    @Test func hostileDocumentsAreRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse(Data(deep.utf8)) }
        #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse(Data([0x5B, 0x22, 0xFF, 0xFE, 0x22, 0x5D])) }   // ["\xFF\xFE"]
        #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse(Data([0x5B, 0x22, 0xE4, 0xB8, 0x22, 0x5D])) }   // a cut 王
        #expect((try? JSONReader.parse(Data([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)))) as? [Any] != nil)   // a BOM is fine
    }

    /// The same round, ballots after the candidates (read straight into marks) and before them
    /// (read the general way), gives the same report — on rounds with every kind of ballot.
    @Test func theBallotFastPathAnswersAsTheGeneralReader() async throws {
        var compared = 0
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000)) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let names = ["王一", "李二", "张三", "刘四", "王一"]
            let useIDs = rng.next() % 2 == 0
            let keys = useIDs ? names.indices.map { "c\($0)" } : Array(names.prefix(4))
            let candidates = useIDs ? "[" + names.indices.map { #"{"id":"c\#($0)","name":"\#(names[$0])"}"# }.joined(separator: ",") + "]"
                                    : "[" + keys.map { "\"\($0)\"" }.joined(separator: ",") + "]"
            var ballots: [String] = []
            for _ in 0..<Int(rng.next() % 40) {
                // Each candidate gets one mark at most (for, against, unreadable or none), as on a sound ballot.
                var lists: [[String]] = [[], [], []]
                for key in keys where rng.next() % 4 < 3 { lists[Int(rng.next() % 3)].append("\"\(key)\"") }
                let f = "[" + lists[0].joined(separator: ",") + "]", a = "[" + lists[1].joined(separator: ", ") + "]"
                let u = "[" + lists[2].joined(separator: ",") + "]"
                switch rng.next() % 10 {
                case 0: ballots.append(#"{"invalid":"无法辨认"}"#)
                case 1: ballots.append(#"{"for":\#(f),"against":\#(a),"writeIns":[{"under":"\#(keys[0])","name":"赵 志刚"}]}"#)
                case 2: ballots.append(#"{"against":\#(a),"writeIns":["孙甲"]}"#)
                case 3:   // escapes take the general way
                    let escaped = keys[0].unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
                    ballots.append(#"{"for":["\#(escaped)"]}"#)
                case 4: ballots.append(#"{ "unreadable" : \#(u) , "for" : \#(f) }"#)
                case 5: ballots.append("{}")
                case 6 where rng.next() % 8 == 0: ballots.append(#"{"for":\#(f),"against":\#(f)}"#)   // refused when f is not empty
                default: ballots.append(#"{"for":\#(f),"against":\#(a),"unreadable":\#(u)}"#)
                }
            }
            let n = ballots.count
            let head = #""seats":2,"expected":\#(n),"present":\#(n),"margin":{"ratio":"0"}"#
            let fast = #"{\#(head),"candidates":\#(candidates),"ballots":[\#(ballots.joined(separator: ","))]}"#
            let general = #"{"ballots":[\#(ballots.joined(separator: ","))],\#(head),"candidates":\#(candidates)}"#
            func answer(_ text: String) -> String {
                do {
                    let report = try RoundCounter.count(try RoundInputParser.parse(Data(text.utf8)), order: .strokes)
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = .sortedKeys
                    return String(decoding: try encoder.encode(report), as: UTF8.self)
                } catch { return "refused \(error)" }
            }
            let a = answer(fast), b = answer(general)
            #expect(a == b, "\(fast)")
            if !a.hasPrefix("refused") { compared += 1 }
        }
        #expect(compared >= 150)   // most generated rounds are counted, not refused
    }

    @Test func aBallotRefusedOnTheFastPathIsRefusedAsBefore() throws {
        let text = #"{"seats":1,"expected":2,"present":2,"candidates":["王一","李二"],"ballots":[{"for":["王一"]},{"for":["赵六"]}]}"#
        do { _ = try RoundInputParser.parse(Data(text.utf8)); Issue.record("accepted an unlisted name") } catch {
            #expect(error.field == "ballots[1].for" && error.message == "「赵六」不是本轮候选人")
        }
        let duplicated = #"{"seats":1,"expected":2,"present":2,"candidates":["王一"],"ballots":[],"ballots":[]}"#
        #expect(throws: CountInputError.self) { try RoundInputParser.parse(Data(duplicated.utf8)) }
    }
}
