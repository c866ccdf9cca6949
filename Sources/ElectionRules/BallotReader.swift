import Foundation

/// Reads a round document with the ballots taken straight from the bytes into marks: a
/// ballot of plain for/against/unreadable lists of listed names (nearly all of them) costs no
/// dictionary and no string. Anything else on a ballot — write-ins, a declared invalid ballot,
/// an unknown name, an escape — is read the general way (`RoundInputParser.ballot`), and a
/// ballot that is refused sends the whole array back to the general reader, so every answer and
/// every error is the one the general reader gives.
enum RoundDocumentReader {
    /// The root object, and the ballots when they were read here (else they are in the root).
    static func read(_ data: Data) throws(CountInputError) -> (root: [String: Any], ballots: [Ballot]?) {
        if JSONInput.isWideEncoding(data) { return (try JSONInput.object(data), nil) }   // UTF-16/32: the general reader
        let outcome: Result<(root: [String: Any], ballots: [Ballot]?), CountInputError> = data.withUnsafeBytes { raw in
            var reader = JSONReader(raw)
            do {
                guard reader.take(UInt8(ascii: "{")) else { return .success((try JSONInput.object(data), nil)) }
                var root: [String: Any] = [:]
                var ballots: [Ballot]?
                if !reader.take(UInt8(ascii: "}")) {
                    repeat {
                        let key = try reader.string()
                        try reader.expect(UInt8(ascii: ":"))
                        guard root[key] == nil, !(key == "ballots" && ballots != nil) else {
                            return .failure(CountInputError(field: key, code: "input.duplicateField", message: "字段重复"))
                        }
                        let start = reader.position
                        if key == "ballots", reader.peek() == UInt8(ascii: "["), let fast = FastBallots(candidates: root["candidates"]),
                           let read = try fast.read(&reader) {
                            ballots = read
                        } else {
                            reader.rewind(to: start)
                            root[key] = try reader.value()
                        }
                    } while try reader.separator(closing: UInt8(ascii: "}"))
                }
                try reader.end()
                return .success((root, ballots))
            } catch let error as CountInputError {
                return .failure(error)
            } catch {
                return .failure(CountInputError(field: "(根)", code: "input.notJSON", message: "不是合法的 JSON：\(error)"))
            }
        }
        return try outcome.get()
    }
}

/// The ballot array read against the candidates named before it.
struct FastBallots {
    let index: [String: Int]
    let table: NameTable

    /// Nil when the candidates are missing or malformed: the general reader then reports that in its order.
    init?(candidates: Any?) {
        guard let candidates, let roster = try? RoundInputParser.candidateList(candidates) else { return nil }
        let keys = roster.ids ?? roster.names
        index = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        table = NameTable(keys)
    }

    struct Abandon: Error {}

    /// The ballots, or nil (nothing usable consumed) when one of them is refused.
    func read(_ reader: inout JSONReader) throws -> [Ballot]? {
        var ballots: [Ballot] = []
        do {
            try reader.forEachElement { r in
                r.skipSpace()
                let start = r.position
                if let ballot = fast(&r) { ballots.append(ballot); return }
                r.rewind(to: start)
                let item = try r.value()
                do { ballots.append(try RoundInputParser.ballot(item, field: "ballots[\(ballots.count)]", index: index)) } catch { throw Abandon() }
            }
        } catch is Abandon {
            return nil
        }
        return ballots
    }

    static let keys: [[UInt8]] = [Array("for".utf8), Array("against".utf8), Array("unreadable".utf8)]

    /// A ballot of plain mark lists, or nil for anything else.
    func fast(_ r: inout JSONReader) -> Ballot? {
        guard r.take(UInt8(ascii: "{")) else { return nil }
        var lists: [[Int]] = [[], [], []]
        var seen = [false, false, false]
        if !r.take(UInt8(ascii: "}")) {
            while true {
                guard let key = r.plainStringBytes(), let slot = Self.keys.firstIndex(where: { $0.elementsEqual(key) }), !seen[slot],
                      r.take(UInt8(ascii: ":")), r.take(UInt8(ascii: "[")) else { return nil }
                seen[slot] = true
                if !r.take(UInt8(ascii: "]")) {
                    while true {
                        guard let name = r.plainStringBytes(), let j = table.lookup(name) else { return nil }
                        lists[slot].append(j)
                        if r.take(UInt8(ascii: ",")) { continue }
                        guard r.take(UInt8(ascii: "]")) else { return nil }
                        break
                    }
                }
                if r.take(UInt8(ascii: ",")) { continue }
                guard r.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        return .marked(BallotMarks(for: lists[0], against: lists[1], writeIns: [], unreadable: lists[2]))
    }
}

/// Candidate keys looked up by their UTF-8 bytes (open addressing, FNV-1a): no String is made
/// for a mark. The first of two equal keys wins, as in the general reader's index.
struct NameTable {
    private var keys: [[UInt8]] = []
    private var slots: [Int32]
    private let mask: Int

    init(_ names: [String]) {
        var size = 16
        while size < names.count * 4 { size *= 2 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for name in names {
            let bytes = Array(name.utf8)
            let found = bytes.withUnsafeBytes { lookup($0) }
            guard found == nil else { continue }
            var slot = bytes.withUnsafeBytes { Self.hash($0) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(keys.count)
            keys.append(bytes)
        }
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// The candidate's position, or nil for a name that is not listed.
    func lookup(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var slot = Self.hash(bytes) & mask
        while true {
            let k = Int(slots[slot])
            if k < 0 { return nil }
            if keys[k].count == bytes.count,
               bytes.isEmpty || keys[k].withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return k }
            slot = (slot + 1) & mask
        }
    }
}
