import Foundation
import Core
import Persistence
import Audit
import Elections

/// Keying the paper ballots of a round that is being counted (issue #13 §4, RULES §8): numbered
/// batches, each keyed twice by two different counters, blind — neither counter learns of any
/// difference; once both entries are in, a scrutineer keeps one keying of a differing ballot or
/// sends that one ballot back to one counter; only agreed batches count. Every keying is kept (a replaced one is marked superseded, never overwritten), and no
/// ballot carries anything that links it to a voter.
public enum BallotEntry {
    /// A ballot as the API and the form send it: marks per candidate id ("for" / "against"; a
    /// candidate left out abstains) with write-ins under an "against", or the whole ballot invalid.
    public struct Body: Codable, Sendable, Equatable {
        public struct WriteIn: Codable, Sendable, Equatable { public let under: String; public let name: String
            public init(under: String, name: String) { self.under = under; self.name = name } }
        public var marks: [String: String]?
        public var writeIns: [WriteIn]?
        public var invalid: String?
        public init(marks: [String: String]? = nil, writeIns: [WriteIn]? = nil, invalid: String? = nil) {
            self.marks = marks; self.writeIns = writeIns; self.invalid = invalid
        }
    }

    /// The largest batch the meeting splits the returned ballots into.
    public static let batchSize = 50

    /// What a keying answers: the same for the same request, first time or again.
    public struct Answer: Sendable, Equatable {
        public let number: Int
        public let entry: Int
        public let valid: Bool
        public let reason: String?
        public init(number: Int, entry: Int, valid: Bool, reason: String?) { self.number = number; self.entry = entry; self.valid = valid; self.reason = reason }
    }

    public enum BatchState: String, Sendable {
        case open = "录入中", awaiting = "待核对", differing = "有差异", rekeying = "待重录", definitive = "已确定"
    }

    /// A ballot from its body. `entering`: as a counter keys it now, with every rule of entry
    /// (clean text, no write-in on a tie-break ballot); otherwise as it was stored, with only its
    /// shape checked — a keying kept from an earlier version still reads, and the count says
    /// what is wrong with it.
    static func ballot(_ body: Body, round: RoundRecord, entering: Bool = true) throws -> KeyedBallot {
        func clean(_ value: String, _ field: String, _ label: String) throws -> String {
            entering ? try HumanText.screened(value, field: field, label: label) : value
        }
        if let reason = body.invalid {
            guard body.marks == nil && body.writeIns == nil else {
                throw Refusal.invalid("ballot.body.both", "无效票不再填写标记", field: "invalid")
            }
            let text = try clean(reason, "invalid", "无效的原因")
            guard (1...100).contains(text.count) else { throw Refusal.invalid("ballot.invalid.reason", "无效票须写明原因（1至100字）", field: "invalid") }
            return .invalid(reason: text)
        }
        let ids = Set(round.candidates.map(\.id))
        var marks: [String: KeyedMark] = [:]
        for (id, value) in body.marks ?? [:] {
            guard ids.contains(id) else { throw Refusal.invalid("ballot.candidate.unknown", "本轮没有编号为「\(id.prefix(40))」的候选人", field: "marks") }
            guard let mark = KeyedMark(rawValue: value) else { throw Refusal.invalid("ballot.mark.unknown",
                                                                                     "标记应为 for、against 或 unreadable（无法辨认）", field: "marks") }
            marks[id] = mark
        }
        let writeIns = try (body.writeIns ?? []).prefix(round.candidates.count + 1).map {
            Body.WriteIn(under: $0.under, name: try clean($0.name, "writeIns", "另选人的姓名"))
        }
        // RULES §6: on a tie-break ballot only the tied stand; nobody else can be written in.
        guard writeIns.isEmpty || round.kind != .tieBreak || !entering else {
            throw Refusal.invalid("ballot.writeIn.inTieBreak", "重新投票只在票数相等的人中进行，不能另选他人", field: "writeIns")
        }
        guard writeIns.count <= round.candidates.count else { throw Refusal.invalid("ballot.writeIns.tooMany", "另选人多于候选人", field: "writeIns") }
        for w in writeIns {
            guard marks[w.under] == .against else {
                throw Refusal.invalid("ballot.writeIn.notUnderAgainst", "另选人只能写在划「×」的候选人下面", field: "writeIns")
            }
            guard (1...40).contains(WriteInName.normalized(w.name).count) else {
                throw Refusal.invalid("ballot.writeIn.name", "另选人的姓名应为1至40个字", field: "writeIns")
            }
        }
        guard Set(writeIns.map(\.under)).count == writeIns.count else {
            throw Refusal.invalid("ballot.writeIn.twiceUnder", "一名候选人下面只能写一个另选人", field: "writeIns")
        }
        return .marked(marks: marks, writeIns: writeIns.map { KeyedWriteIn(under: $0.under, name: $0.name) })
    }

    /// The stored form of a ballot: canonical JSON (sorted keys), so the same ballot is the same text.
    static func content(_ ballot: KeyedBallot) throws -> String {
        let body: Body
        switch ballot {
        case .invalid(let reason): body = Body(invalid: reason)
        case .marked(let marks, let writeIns):
            body = Body(marks: marks.mapValues(\.rawValue), writeIns: writeIns.map { .init(under: $0.under, name: $0.name) })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }

    static func parse(_ content: String, round: RoundRecord) throws -> KeyedBallot {
        try ballot(try JSONDecoder().decode(Body.self, from: Data(content.utf8)), round: round, entering: false)
    }

    /// A batch as its rows say: every current keying, the finalised entries, the decisions kept.
    static func state(_ round: RoundRecord, batch: BatchRecord, ballots: [KeyedBallotRecord], entries: [BatchEntryRecord],
                      resolutions: [ResolutionRecord]) throws -> DoubleEntryBatch {
        var state = try DoubleEntryBatch(size: batch.size)
        for row in ballots {
            guard let entry = DoubleEntryBatch.EntryNumber(rawValue: row.entry) else { continue }
            try state.key(try parse(row.content, round: round), number: row.number, entry: entry)
        }
        var kept: [Int: DoubleEntryBatch.EntryNumber] = [:]
        // In the order they were made: the last decision on a ballot stands.
        for r in resolutions.sorted(by: { $0.decidedAt < $1.decidedAt }) {
            kept[r.number] = r.decision == .keep ? DoubleEntryBatch.EntryNumber(rawValue: r.entry) : nil
        }
        state.restore(finalised: Set(entries.filter { $0.finalisedAt != nil }.compactMap { DoubleEntryBatch.EntryNumber(rawValue: $0.entry) }), kept: kept)
        return state
    }

    /// One batch, read by itself.
    static func load(_ round: RoundRecord, batch: BatchRecord, in data: any DataStore) async throws -> (DoubleEntryBatch, [BatchEntryRecord]) {
        let entries = try await data.ballotEntry.entries(of: round.id, batch: batch.number)
        return (try state(round, batch: batch, ballots: try await data.ballotEntry.ballots(of: round.id, batch: batch.number), entries: entries,
                          resolutions: try await data.ballotEntry.resolutions(of: round.id, batch: batch.number)), entries)
    }

    /// Every batch of the round in batch order, read with one query per table for the whole round
    /// (the round page, the projector and the count read them all).
    static func states(of round: RoundRecord, in data: any DataStore) async throws -> [(batch: BatchRecord, state: DoubleEntryBatch)] {
        let ballots = Dictionary(grouping: try await data.ballotEntry.ballots(of: round.id), by: \.batch)
        let entries = Dictionary(grouping: try await data.ballotEntry.entries(of: round.id), by: \.batch)
        let resolutions = Dictionary(grouping: try await data.ballotEntry.resolutions(of: round.id), by: \.batch)
        return try await data.ballotEntry.batches(of: round.id).map { batch in
            (batch, try state(round, batch: batch, ballots: ballots[batch.number] ?? [], entries: entries[batch.number] ?? [],
                              resolutions: resolutions[batch.number] ?? []))
        }
    }

    /// The round (counting), its election and the batch.
    static func context(_ roundID: RoundID, batch number: Int, scope: Scope, in data: any DataStore) async throws
        -> (round: RoundRecord, election: ElectionRecord, batch: BatchRecord) {
        let (round, election) = try await Rounds.find(roundID, scope: scope, in: data)
        guard round.lifecycle.state == .counting else {
            throw Refusal.invalid("round.notCounting", "本轮在「\(round.lifecycle.state.rawValue)」，不在计票")
        }
        guard let batch = try await data.ballotEntry.batches(of: round.id).first(where: { $0.number == number }) else {
            throw Refusal.notFound("batch.notFound", "本轮没有第 \(number) 批选票")
        }
        return (round, election, batch)
    }

    static func entryNumber(_ n: Int) throws -> DoubleEntryBatch.EntryNumber {
        guard let entry = DoubleEntryBatch.EntryNumber(rawValue: n) else { throw Refusal.notFound("entry.notFound", "录入只有第 1 次和第 2 次") }
        return entry
    }

    /// Keys one ballot. The first keying of an entry claims it for the account; the other entry
    /// of the batch must be someone else's. The same ballot again changes nothing.
    public static func key(_ body: Body, round roundID: RoundID, batch number: Int, entry n: Int, ballot: Int, actor: String, scope: Scope,
                           in data: any DataStore) async throws -> Answer {
        let entry = try entryNumber(n)
        // Read, check and write in one transaction: a keying cannot slip in after the count ends.
        return try await data.write { data in
            let (round, election, batch) = try await context(roundID, batch: number, scope: scope, in: data)
            let keyed = try self.ballot(body, round: round)
            // Keying one ballot needs only its own earlier keying in this entry and whether the
            // entry is submitted, not the whole batch (this runs in the write queue on every key).
            let entries = try await data.ballotEntry.entries(of: round.id, batch: number)
            let earlier = try await data.ballotEntry.ballot(of: round.id, batch: number, entry: n, number: ballot).map { try parse($0.content, round: round) }
            if let owner = entries.first(where: { $0.entry == n }), owner.account != actor {
                throw Refusal.forbidden("entry.otherCounter", "第 \(number) 批的第 \(n) 次录入由另一名计票人进行")
            }
            if entries.contains(where: { $0.entry != n && $0.account == actor }) {
                throw Refusal.forbidden("entry.sameCounter", "同一批的两次录入须由两名不同的计票人进行")
            }
            let outcome: DoubleEntryBatch.Keyed
            do {
                outcome = try DoubleEntryBatch.keying(keyed, number: ballot, size: batch.size, over: earlier, entry: entry,
                                                      finalised: entries.contains { $0.entry == n && $0.finalisedAt != nil })
            } catch let error as InputError {
                throw Refusal(error.code == "entry.finalised" ? .conflict : .invalid, code: error.code, message: error.message, field: error.field)
            }
            let validity = keyed.validity(seats: round.seats, options: try ElectionSetup.options(of: election))
            let answer = Answer(number: ballot, entry: n, valid: validity.valid, reason: validity.reason)
            guard outcome != .unchanged else { return answer }
            let now = AuditLog.timestamp()
            if !entries.contains(where: { $0.entry == n }) {
                try await data.ballotEntry.insert(BatchEntryRecord(roundID: round.id, batch: number, entry: n, account: actor))
            }
            if outcome == .replaced { try await data.ballotEntry.supersede(round: round.id, batch: number, entry: n, number: ballot, at: now) }
            try await data.ballotEntry.insert(KeyedBallotRecord(roundID: round.id, batch: number, entry: n, number: ballot,
                                                                content: try content(keyed),
                                                                keyedBy: actor, keyedAt: now))
            try await AuditLog.append(.ballotKeyed, actor: actor, object: "round:\(round.id) batch:\(number) entry:\(n) ballot:\(ballot)",
                                      after: outcome == .replaced ? "改录" : "录入", in: data)
            return answer
        }
    }

    /// Ends an entry (its own counter): every ballot of the batch keyed. Answers the batch's
    /// state — never which ballots differ: the counter stays blind.
    @discardableResult
    public static func finalise(round roundID: RoundID, batch number: Int, entry n: Int, actor: String, scope: Scope,
                                in data: any DataStore) async throws -> BatchState {
        let entry = try entryNumber(n)
        return try await data.write { data in
            let (round, _, batch) = try await context(roundID, batch: number, scope: scope, in: data)
            var (state, entries) = try await load(round, batch: batch, in: data)
            guard let owner = entries.first(where: { $0.entry == n }) else {
                throw Refusal.invalid("entry.incomplete", "第 \(n) 次录入还没有开始")
            }
            guard owner.account == actor else { throw Refusal.forbidden("entry.otherCounter", "第 \(number) 批的第 \(n) 次录入由另一名计票人进行") }
            guard owner.finalisedAt == nil else { return batchState(state) }
            do { try state.finalise(entry) } catch let error as InputError { throw Refusal.invalid(error.code, error.message, field: error.field) }
            try await data.ballotEntry.finalise(round: round.id, batch: number, entry: n, at: AuditLog.timestamp())
            try await AuditLog.append(.entryFinalised, actor: actor, object: "round:\(round.id) batch:\(number) entry:\(n)",
                                      after: "提交第 \(n) 次录入（\(batch.size) 张）", in: data)
            return batchState(state)
        }
    }

    /// The numbers of the ballots the two entries disagree on (no values), for the scrutineers:
    /// empty until both entries are finalised.
    public static func differences(round roundID: RoundID, batch number: Int, scope: Scope, in data: any DataStore) async throws -> [Int] {
        let (round, _, batch) = try await context(roundID, batch: number, scope: scope, in: data)
        return try await load(round, batch: batch, in: data).0.differences
    }

    public enum Decision: Sendable { case keep(Int), reenter(Int) }

    /// A scrutineer's decision on one differing ballot. Answers the numbers still differing.
    @discardableResult
    public static func resolve(round roundID: RoundID, batch number: Int, ballot: Int, _ decision: Decision, actor: String, scope: Scope,
                               in data: any DataStore) async throws -> [Int] {
        return try await data.write { data in
            let (round, _, batch) = try await context(roundID, batch: number, scope: scope, in: data)
            var (state, _) = try await load(round, batch: batch, in: data)
            let now = AuditLog.timestamp()
            let record: ResolutionRecord
            do {
                switch decision {
                case .keep(let n):
                    try state.keep(try entryNumber(n), number: ballot)
                    record = ResolutionRecord(roundID: round.id, batch: number, number: ballot, decision: .keep, entry: n, decidedBy: actor, decidedAt: now)
                case .reenter(let n):
                    // Only this ballot: the entry stays submitted, its other ballots cannot change.
                    try state.reenter(try entryNumber(n), number: ballot)
                    try await data.ballotEntry.supersede(round: round.id, batch: number, entry: n, number: ballot, at: now)
                    record = ResolutionRecord(roundID: round.id, batch: number, number: ballot, decision: .reenter, entry: n, decidedBy: actor, decidedAt: now)
                }
            } catch let error as InputError {
                throw Refusal.invalid(error.code, error.message, field: error.field)
            }
            try await data.ballotEntry.insert(record)
            try await AuditLog.append(.entryResolved, actor: actor, object: "round:\(round.id) batch:\(number) ballot:\(ballot)",
                                      after: record.decision == .keep ? "以第 \(record.entry) 次录入为准" : "退回第 \(record.entry) 次录入重录这一张", in: data)
            return state.differences
        }
    }

    /// Each batch of the round with its state.
    public static func batches(of round: RoundRecord, in data: any DataStore) async throws -> [(batch: BatchRecord, state: BatchState)] {
        try await states(of: round, in: data).map { ($0.batch, batchState($0.state)) }
    }

    /// The round's ballots once every batch is definitive, in batch and number order; nil before.
    public static func definitiveBallots(of round: RoundRecord, in data: any DataStore) async throws -> [KeyedBallot]? {
        definitive(try await states(of: round, in: data))
    }

    static func definitive(_ states: [(batch: BatchRecord, state: DoubleEntryBatch)]) -> [KeyedBallot]? {
        var all: [KeyedBallot] = []
        for (_, state) in states {
            guard let ballots = state.definitive else { return nil }
            all += ballots
        }
        return all
    }
}

extension BallotEntry {
    /// One entry of a batch as its counter sees it: their own keyings only — nothing of the
    /// other entry, not even whether it differs — and the ballots a scrutineer sent back to it.
    public struct EntryView: Sendable {
        public let round: RoundRecord
        public let election: ElectionRecord
        public let batch: BatchRecord
        public let entry: Int
        /// The accounts keying the batch, by entry (1, 2): this entry's and the other's.
        public let owners: [Int: String]
        public var owner: String? { owners[entry] }
        public let finalised: Bool
        public let mine: [Int: KeyedBallot]
        /// Ballots sent back to this entry and not yet keyed again.
        public let sentBack: [Int]
        /// The first number this entry has not keyed yet.
        public var nextUnkeyed: Int? { (1...batch.size).first { mine[$0] == nil } }
    }

    public static func entryView(round roundID: RoundID, batch number: Int, entry n: Int, scope: Scope, in data: any DataStore) async throws -> EntryView {
        let entry = try entryNumber(n)
        let (round, election, batch) = try await context(roundID, batch: number, scope: scope, in: data)
        let (state, entries) = try await load(round, batch: batch, in: data)
        return EntryView(round: round, election: election, batch: batch, entry: n, owners: owners(entries),
                         finalised: state.finalised.contains(entry), mine: state.ballots[entry] ?? [:], sentBack: state.sentBack[entry] ?? [])
    }

    /// A differing ballot as the scrutineer compares it with the paper: both keyings.
    public struct Difference: Sendable {
        public let number: Int
        public let first: KeyedBallot
        public let second: KeyedBallot
    }

    /// One ballot sent back and keyed again: the keying sent back and the new one (nil until
    /// re-keyed) — so the scrutineer sees whether the re-key changed anything.
    public struct Rekey: Sendable {
        public let number: Int
        public let entry: Int
        public let before: KeyedBallot
        public let after: KeyedBallot?
        public var changed: Bool { after.map { !$0.agrees(with: before) } ?? false }
    }

    /// The batch for the scrutineer: its state, both counters, and each differing ballot's two keyings.
    public static func review(round roundID: RoundID, batch number: Int, scope: Scope, in data: any DataStore) async throws
        -> (round: RoundRecord, election: ElectionRecord, batch: BatchRecord, state: BatchState, counters: [Int: String], differences: [Difference],
            rekeys: [Rekey]) {
        let (round, election, batch) = try await context(roundID, batch: number, scope: scope, in: data)
        let (state, entries) = try await load(round, batch: batch, in: data)
        let differences = state.differences.compactMap { n -> Difference? in
            guard let a = state.ballots[.first]?[n], let b = state.ballots[.second]?[n] else { return nil }
            return Difference(number: n, first: a, second: b)
        }
        let sendBacks = Dictionary(grouping: try await data.ballotEntry.resolutions(of: round.id, batch: number).filter { $0.decision == .reenter },
                                   by: \.number)
        var rekeys: [Rekey] = []
        for (n, sent) in sendBacks.sorted(by: { $0.key < $1.key }) {
            rekeys += try await self.rekeys(of: round, batch: number, number: n, sendBacks: sent.sorted { $0.decidedAt < $1.decidedAt }, in: data)
        }
        return (round, election, batch, batchState(state), owners(entries), differences, rekeys)
    }

    /// Each send-back of one ballot: the keying the scrutineer sent back (superseded at the
    /// decision) and the one keyed after it, if any yet.
    static func rekeys(of round: RoundRecord, batch: Int, number: Int, sendBacks: [ResolutionRecord],
                       in data: any DataStore) async throws -> [Rekey] {
        let keyings = try await data.ballotEntry.keyings(of: round.id, batch: batch, number: number)
        return try sendBacks.compactMap { sent -> Rekey? in
            let mine = keyings.filter { $0.entry == sent.entry }
            guard let before = mine.first(where: { $0.supersededAt == sent.decidedAt }) else { return nil }
            let after = mine.filter { $0.keyedAt >= sent.decidedAt && $0.keyedAt > before.keyedAt }.min { $0.keyedAt < $1.keyedAt }
            return Rekey(number: number, entry: sent.entry, before: try parse(before.content, round: round),
                         after: try after.map { try parse($0.content, round: round) })
        }
    }

    static func owners(_ entries: [BatchEntryRecord]) -> [Int: String] {
        Dictionary(entries.map { ($0.entry, $0.account) }, uniquingKeysWith: { a, _ in a })
    }

    static func batchState(_ state: DoubleEntryBatch) -> BatchState {
        if state.definitive != nil { return .definitive }
        if state.finalised.count < 2 { return .open }
        if !state.sentBack.isEmpty { return .rekeying }
        return state.differences.isEmpty ? .awaiting : .differing
    }

    /// A keyed ballot in words, candidates in the ballot's order: 「○ 张三　× 李四（另选 王五）」.
    public static func describe(_ ballot: KeyedBallot, candidates: [RoundRecord.Candidate]) -> String {
        switch ballot {
        case .invalid(let reason): return "无效票（\(reason)）"
        case .marked(let marks, let writeIns):
            let parts = candidates.compactMap { c -> String? in
                guard let mark = marks[c.id] else { return nil }
                let writeIn = writeIns.first { $0.under == c.id }.map { "（另选 \($0.name)）" } ?? ""
                switch mark {
                case .for: return "○ " + c.name + writeIn
                case .against: return "× " + c.name + writeIn
                case .unreadable: return "？" + c.name + "（无法辨认）"
                }
            }
            return parts.isEmpty ? "全部弃权" : parts.joined(separator: "　")
        }
    }
}
