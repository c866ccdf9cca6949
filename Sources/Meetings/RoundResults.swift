import Foundation
import Core
import Persistence
import Elections
import Documents
import NameOrder
import Audit
import ElectionDocuments

/// The count of a round from its definitive ballots: the rule book's count (`RoundCounter`, the
/// same as `xuanju count`), with the candidates' ids, the ballots issued and the meeting's
/// scrutineers and counters. Provisional until the scrutineers have signed.
public enum RoundResults {
    public struct Result: Sendable {
        public let report: RoundReport
        public let provisional: Bool
        public let round: RoundRecord
        public let election: ElectionRecord
        /// Invalid ballots by reason, the most frequent first.
        public let invalidReasons: [(reason: String, count: Int)]
        /// The batches' sizes, in batch order: they add up to R.
        public let batchSizes: [Int]
        /// The rules the round was held under, in words (`Rounds.method`).
        public let method: [String]
    }

    public static func report(_ roundID: RoundID, scope: Scope, in data: any DataStore) async throws -> Result {
        let (round, election) = try await Rounds.find(roundID, scope: scope, in: data)
        let notReady = Refusal.invalid("round.report.notReady", "各批选票两次录入一致（或经裁定）后才有计票结果（本轮在「\(round.lifecycle.state.rawValue)」）")
        guard [.counting, .counted, .signed, .announced].contains(round.lifecycle.state) else { throw notReady }
        // The batches are read once, for the ballots and for their sizes.
        let batches = try await BallotEntry.states(of: round, in: data)
        guard let keyed = BallotEntry.definitive(batches) else { throw notReady }
        let index = Dictionary(uniqueKeysWithValues: round.candidates.enumerated().map { ($1.id, $0) })
        var input = RoundInput(profile: election.profile, kind: round.kind, seats: round.seats, candidates: round.candidates.map(\.name),
                               expected: round.lifecycle.expected ?? 0, present: round.lifecycle.present ?? 0, issued: round.lifecycle.issued,
                               marginRatio: election.marginRatio, ballots: keyed.map { $0.ballot(index: index) })
        input.candidateIDs = round.candidates.map(\.id)
        input.preliminaryStage = round.origin?.preliminaryStage ?? false
        input.listOverride = round.origin?.override
        input.options = try ElectionSetup.options(of: election)
        input.margin = Rounds.marginRule(round.office, election: election)
        let officials = try await MeetingOfficials.list(of: election, in: data)
        input.scrutineers = officials.filter { $0.official.role != .counter }.map(\.member.record.name)
        input.counters = officials.filter { $0.official.role == .counter }.map(\.member.record.name)
        let order = NameOrdering(NameOrder(convention: election.nameOrder))
        var report: RoundReport
        do {
            report = try RoundCounter.count(input, order: order)
            // RULES §1: only a full member of the unit can be elected. A write-in who would win or
            // tie is checked against the roster; one who is not leaves the seat a shortfall.
            let contenders = report.results.filter { $0.writeIn && [.elected, .tie].contains($0.status) }.map(\.name)
            let members = try await writeInMembers(contenders, election: election, in: data)
            for name in contenders where members[name, default: []].isEmpty {
                input.ineligibleWriteIns[name] = "不是本单位的正式党员（名册中没有叫这个名字的正式党员）"
            }
            if !input.ineligibleWriteIns.isEmpty { report = try RoundCounter.count(input, order: order) }
        } catch let error as CountInputError {
            throw Refusal.invalid(error.code, error.message, field: error.field)
        }
        var reasons: [String: Int] = [:]
        for ballot in keyed { if let reason = ballot.validity(seats: round.seats, options: input.options).reason { reasons[reason,
            default: 0] += 1 } }
        let sizes = batches.map(\.batch.size)
        return Result(report: report, provisional: ![.signed, .announced].contains(round.lifecycle.state), round: round, election: election,
                      invalidReasons: reasons.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }, batchSizes: sizes,
                      method: try Rounds.method(round, election: election))
    }
}

extension RoundResults {
    /// The full members of the election's organization each write-in (a normalised name) may
    /// mean: their names compared as the count compares them (NFKC, no white space), over the
    /// voters — none means the write-in cannot be elected, two or more that the name is shared.
    static func writeInMembers(_ names: [String], election: ElectionRecord, in data: any DataStore) async throws -> [String: [MemberRecord]] {
        guard !names.isEmpty else { return [:] }
        let wanted = Set(names)
        var found: [String: [MemberRecord]] = [:]
        for voter in try await MeetingAttendance.voters(of: election, in: data) {
            let name = WriteIn.normalized(voter.record.name)
            if wanted.contains(name) { found[name, default: []].append(voter) }
        }
        return found
    }

    public static func status(_ status: ContenderStatus) -> String {
        switch status {
        case .elected: return "当选"
        case .tie: return "票数相等，重新投票"
        case .belowThreshold: return "赞成票未过半数"
        case .outranked: return "得票未进入名额"
        case .ineligible: return "不是正式党员，不能当选"
        }
    }

    /// The report in the words of the 选举结果报告单, with the reconciliation checked here, not assumed.
    public static func sheet(_ result: Result, auditHead: String) -> RoundResultSheet {
        let r = result.report, round = result.round
        var s = RoundResultSheet()
        s.election = result.election.name
        s.round = "第\(round.number)轮（\(Rounds.label(round.kind))）"
        s.method = result.method
        s.seats = round.seats
        (s.expected, s.present, s.issued, s.returned) = (r.quorum.expected, r.quorum.present, r.issued, r.returned)
        (s.valid, s.invalid, s.invalidReasons) = (r.valid, r.invalid, result.invalidReasons)
        let base = result.election.profile == .basic ? "实到会人数（P = \(r.quorum.present)）" : "应到会人数（E = \(r.quorum.expected)）"
        s.threshold = r.threshold.map { "当选须得赞成票超过\(base)的半数，即至少 \($0) 票。" } ?? "本轮不再适用过半数的要求，得票多者当选。"
        s.rows = r.results.map { .init(name: $0.name, forVotes: $0.forVotes, against: $0.againstVotes, abstain: $0.abstain, writeIn: $0.writeIn,
                                       status: status($0.status)) }
        // The count names candidates by id (two people may share a name); the sheet by name.
        s.elected = r.elected.map { names([$0], round) }
        if let tie = r.tieBreak {
            s.next.append("重新投票：\(tie.candidates.count) 人票数相等，争 \(tie.seats) 个名额（\(names(tie.candidates, round))）。")
        }
        if let reduction = round.seatReduction {
            s.next.append("会议决定不再另行选举，减少 \(reduction.seats) 个名额：\(reduction.vote)" + (reduction.agreed.map { "（同意 \($0) 人）" } ?? "") + "。")
        } else if r.shortfall > 0 {
            s.next.append("差额：当选 \(r.elected.count) 名，差 \(r.shortfall) 名" + (r.supplementary.map { "，另行选举候选人 \(names($0.candidates, round))" } ?? "") + "。")
        }
        let sum = result.batchSizes.reduce(0, +)
        s.reconciliation.append("各批选票 \(result.batchSizes.map(String.init).joined(separator: "+")) = \(sum) 张，\(sum == r.returned ? "等于" : "不等于")收回选票 R = \(r.returned) 张")
        s.reconciliation.append("有效票 \(r.valid) + 无效票 \(r.invalid) = \(r.valid + r.invalid) 张，\(r.valid + r.invalid == r.returned ? "等于" : "不等于") R")
        let listed = r.results.filter { !$0.writeIn }
        let unbalanced = listed.filter { $0.forVotes + $0.againstVotes + $0.abstain != r.valid }.map(\.name)
        s.reconciliation.append(unbalanced.isEmpty ? "每名候选人赞成 + 反对 + 弃权 = 有效票 \(r.valid) 张"
                                                   : "赞成 + 反对 + 弃权不等于有效票：\(unbalanced.joined(separator: "、"))")
        s.scrutineers = r.scrutineers
        s.counters = r.counters
        s.signedBy = round.lifecycle.signedBy.map { "总监票人（账号 \($0.chiefScrutineer)）、会议主持人（账号 \($0.chair)）" }
        s.provisional = result.provisional
        s.auditHead = auditHead
        return s
    }

    /// Candidates by name: ids from the ballot become names; write-ins stay as written.
    static func names(_ labels: [String], _ round: RoundRecord) -> String {
        labels.map { label in round.candidates.first { $0.id == label }?.name ?? label }.joined(separator: "、")
    }

    public enum DocumentFormat: Sendable { case pdf, xlsx }

    /// 选举结果报告单 (PDF) or 计票结果 (XLSX), recorded in the audit log as any issued document.
    public static func document(_ roundID: RoundID, format: DocumentFormat, actor: String, scope: Scope, in data: any DataStore,
                                offload: (@escaping @Sendable () throws -> Data) async throws -> Data = { try $0() }) async throws -> Data {
        let result = try await report(roundID, scope: scope, in: data)
        let sheet = sheet(result, auditHead: try await AuditLog.head(in: data).anchor)
        let bytes: Data
        do {
            bytes = try await offload { format == .pdf ? try DocumentRenderers.resultReport(sheet) : try DocumentRenderers.resultSheet(sheet) }
        } catch let error as PDFError {
            throw Refusal.invalid(error.code, error.message)
        }
        try await data.write { data in
            try await AuditLog.append(.documentIssued, actor: actor, object: "round:\(roundID)",
                                      after: "\(sheet.election)\(sheet.round)\(format == .pdf ? "选举结果报告单（PDF）" : "计票结果（XLSX）")"
                                          + (sheet.provisional ? "，待签字" : ""), in: data)
        }
        return bytes
    }
}
