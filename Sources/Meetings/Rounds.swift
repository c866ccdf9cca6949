import Foundation
import Crypto
import Core
import Persistence
import Audit
import Elections
import ElectionDocuments
import NameOrder
import Documents

/// Rounds of voting at the meeting: set up with their seats and candidates (in 姓氏笔画 order by
/// the election's convention; the margin checked for a formal round), then moved through their
/// lifecycle (`RoundLifecycle`): the ballot frozen under a hash of its definition, voting opened
/// on the meeting's E and P with the ballots issued, the ballots returned counted. Each step is
/// one transaction with its audit row.
public enum Rounds {
    public static func label(_ kind: RoundKind) -> String {
        switch kind {
        case .formal: return "正式选举"
        case .preliminary: return "预选"
        case .tieBreak: return "重新投票"
        case .supplementary: return "另行选举"
        }
    }

    /// Sets up a round from members of the roster (the voters of the meeting who stand), in
    /// 姓氏笔画 order; or, with `approvedOrder` (a secretary's or deputy's election), in the order
    /// the higher organization approved, as given.
    /// A tie-break or supplementary round is never set up by hand: it follows a report (`followUp`).
    /// `office` is what the round elects (the election's own by default): it sets the margin
    /// (RULES §3), and only a secretary's or deputy's round keeps the approved order (§4).
    @discardableResult
    public static func create(_ electionID: ElectionID, kind: RoundKind, office: Office? = nil, seats: Int, candidates memberIDs: [MemberID],
                              approvedOrder: Bool = false, actor: String, scope: Scope, in data: any DataStore) async throws -> RoundRecord {
        switch kind {
        case .formal, .preliminary: break
        case .tieBreak, .supplementary:
            throw Refusal.invalid("round.kind.followUpOnly", "重新投票和另行选举须根据上一轮的计票结果设立（在上一轮的结果页面）", field: "kind")
        }
        return try await insert(electionID, kind: kind, office: office, seats: seats, candidates: memberIDs, approvedOrder: approvedOrder,
                                origin: nil,
                                actor: actor, scope: scope, in: data)
    }

    /// The office a round elects: as set, else the election's, else delegates.
    public static func office(_ round: RoundRecord, election: ElectionRecord) -> Office { round.office ?? election.office ?? .delegate }

    /// RULES §3 for a round of `office`: the election's own ratio for the office it was set up
    /// for (a setting: the seed's province asked 21%), the rule book's default for any other —
    /// 1–2 more for a standing committee, 等额 for secretaries whatever the election.
    public static func marginRule(_ office: Office?, election: ElectionRecord) -> MarginRule {
        let office = office ?? election.office ?? .delegate
        switch office {
        case .standing, .secretary: return MarginRule.default(for: office, profile: election.profile)
        case .delegate, .committee, .alternate, .discipline:
            let own = office == (election.office ?? .delegate)
            return own ? .ratio(election.marginRatio) : MarginRule.default(for: office, profile: election.profile)
        }
    }

    static func insert(_ electionID: ElectionID, kind: RoundKind, office chosen: Office?, seats: Int, candidates memberIDs: [MemberID],
                       approvedOrder: Bool,
                       origin: RoundOrigin?, actor: String, scope: Scope, in data: any DataStore) async throws -> RoundRecord {
        let election = try await MeetingScope.election(electionID, scope: scope, in: data)
        let office = chosen ?? election.office ?? .delegate
        guard !approvedOrder || office == .secretary else {
            throw Refusal.invalid("round.approvedOrder.secretaryOnly", "只有书记、副书记的选举按上级批准的顺序排列；\(office.label)的候选人按姓氏笔画为序",
                                  field: "approvedOrder")
        }
        guard (1...ElectionSetup.maxSeats).contains(seats) else {
            throw Refusal.invalid("round.seats.outOfRange", "应选名额应在1至\(ElectionSetup.maxSeats)之间", field: "seats")
        }
        guard !memberIDs.isEmpty, memberIDs.count <= BallotDesign.maxCandidates, Set(memberIDs).count == memberIDs.count else {
            throw Refusal.invalid("round.candidates.count", "候选人应为1至\(BallotDesign.maxCandidates)名，且不重复", field: "candidates")
        }
        let voters = try await MeetingAttendance.voters(memberIDs, of: election, in: data)
        var people: [MemberRecord] = []
        for id in memberIDs {
            guard let member = voters[id] else {
                throw Refusal.invalid("round.candidate.notAVoter", "候选人须是本次会议有选举权的正式党员", field: "candidates")
            }
            people.append(member)
        }
        // RULES §3: a formal round lists as many candidates as the office's margin asks (进一法).
        if kind == .formal {
            let rule = marginRule(office, election: election), allowed = rule.allowedCandidates(seats: seats)
            guard allowed.contains(people.count) else {
                let wanted = allowed.upperBound == Int.max ? "至少 \(allowed.lowerBound) 名" : allowed.count == 1 ? "应为 \(allowed.lowerBound) 名" : "应为 \(allowed.lowerBound) 至 \(allowed.upperBound) 名"
                throw Refusal.invalid(people.count > allowed.upperBound ? "round.margin.tooMany" : "round.margin.tooSmall",
                                      "\(office.label)应选 \(seats) 名、\(rule.description)，候选人\(wanted)，现 \(people.count) 名",
                                      field: "candidates")
            }
        } else if kind != .preliminary {
            // A tie-break lists the tied (more than the seats); a supplementary round at least seats + 1 (RULES §6).
            guard people.count > seats else {
                throw Refusal.invalid("round.candidates.notMoreThanSeats",
                                      "\(label(kind)) \(seats) 名，候选人至少 \(seats + 1) 名，现 \(people.count) 名" + (kind == .supplementary ? "：请由主持人调整名单并写明理由" : ""),
                                      field: "candidates")
            }
        }
        // RULES §8: a scrutineer or counter of the meeting is never a candidate.
        let officials = Set(try await data.meetings.officials(of: election.id).map(\.memberID))
        if let official = people.first(where: { officials.contains($0.id) }) {
            throw Refusal.invalid("round.candidate.isOfficial", "\(official.record.name)是本次会议的监票人或计票人，不能作为候选人", field: "candidates")
        }
        let ordered = approvedOrder ? people : NameOrder(convention: election.nameOrder).sorted(people, by: \.record.name)
        let number = (try await data.meetings.rounds(of: election.id).map(\.number).max() ?? 0) + 1
        var round = RoundRecord(electionID: election.id, number: number, kind: kind, seats: seats,
                                candidates: ordered.map { .init(id: $0.id.description, name: $0.record.name) }, createdBy: actor, createdAt: AuditLog.timestamp())
        round.origin = origin
        round.office = office
        round.approvedOrder = approvedOrder
        let overridden = origin?.override.map { "；主持人调整候选人名单，理由：\($0)" } ?? ""
        try await data.write { [round] data in
            try await data.meetings.insert(round)
            try await AuditLog.append(.roundCreated, actor: actor, object: "round:\(round.id)",
                                      after: "\(election.name) 第 \(number) 轮（\(label(kind))，选举\(office.label)）：应选 \(seats) 名，候选人"
                                          + (approvedOrder ? "（按上级批准的顺序）" : "（按姓氏笔画为序）") + ordered.map(\.record.name).joined(separator: "、")
                                          + overridden,
                                      in: data)
        }
        return round
    }

    /// The round, if its election is one the scope sees.
    public static func find(_ id: RoundID, scope: Scope, in data: any DataStore) async throws -> (round: RoundRecord, election: ElectionRecord) {
        guard let round = try await data.meetings.round(id) else { throw Refusal.notFound("round.notFound", "没有这一轮选举") }
        do {
            return (round, try await MeetingScope.election(round.electionID, scope: scope, in: data))
        } catch let refusal as Refusal where refusal.kind == .notFound {
            throw Refusal.notFound("round.notFound", "没有这一轮选举")
        }
    }

    /// The rounds of one election the scope sees, in order.
    public static func list(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [RoundRecord] {
        try await data.meetings.rounds(of: try await MeetingScope.election(electionID, scope: scope, in: data).id).sorted { $0.number < $1.number }
    }

    /// The rounds of every election the scope sees, election by election.
    public static func list(scope: Scope, in data: any DataStore) async throws -> [(round: RoundRecord, election: ElectionRecord)] {
        var all: [(RoundRecord, ElectionRecord)] = []
        for election in try await ElectionSetup.list(scope: scope, in: data) where try await MeetingScope.mayRun(election, scope: scope, in: data) {
            all += try await data.meetings.rounds(of: election.id).map { ($0, election) }
        }
        return all
    }

    /// The round a count calls for next (RULES §6–7), once the report is signed, and once per
    /// report: a tie-break (重新投票) among exactly those tied at the last seat, or a
    /// supplementary election (另行选举) for the shortfall, its list computed from the report —
    /// or, for a supplementary round only, the chair's own list with the reason recorded and
    /// never fewer than seats + 1. A preliminary's follow-ups keep its threshold base E.
    @discardableResult
    public static func followUp(_ roundID: RoundID, override: (candidates: [MemberID], reason: String)? = nil, actor: String, scope: Scope,
                                in data: any DataStore) async throws -> RoundRecord {
        // Read, checked and written in one transaction: two clicks cannot set up two follow-ups.
        try await data.write { data in
            let (round, election) = try await find(roundID, scope: scope, in: data)
            guard [.signed, .announced].contains(round.lifecycle.state) else {
                throw Refusal.invalid("round.followUp.notSigned", "总监票人和会议主持人签字后才能根据结果安排下一轮（本轮在「\(round.lifecycle.state.rawValue)」）")
            }
            if let earlier = try await followUp(of: round, in: data) {
                throw Refusal.invalid("round.followUp.exists", "已根据本轮结果设立了第 \(earlier.number) 轮（\(label(earlier.kind))），不能再设一次")
            }
            let report = try await RoundResults.report(roundID, scope: scope, in: data).report
            let kind: RoundKind, contest: SeatContest
            if let tie = report.tieBreak { (kind, contest) = (.tieBreak, tie) }
            else if let supplementary = report.supplementary {
                if let reduction = round.seatReduction {
                    throw Refusal.invalid("round.followUp.reduced", "会议已决定减少 \(reduction.seats) 个名额、不再另行选举（\(reduction.vote)）")
                }
                (kind, contest) = (.supplementary, supplementary)
            }
            else { throw Refusal.invalid("round.followUp.none", "本轮已选足，没有需要重新投票或另行选举的名额") }
            // Listed candidates by their id; a write-in tied at the last seat by the one full member of that name.
            let ids = Set(round.candidates.map(\.id))
            let writeIns = try await RoundResults.writeInMembers(contest.candidates.filter { !ids.contains($0) }, election: election, in: data)
            var members = try contest.candidates.map { label -> MemberID in
                if ids.contains(label), let id = MemberID(label) { return id }
                guard let matches = writeIns[label], matches.count == 1, let member = matches.first else {
                    throw Refusal.invalid("round.followUp.writeInAmbiguous",
                                          "另选人「\(label)」在名册中有 \(writeIns[label]?.count ?? 0) 名同名正式党员，无法确定是谁：请监票人核实后由会议决定")
                }
                return member.id
            }
            var reason: String?
            if let override {
                guard kind == .supplementary else {
                    throw Refusal.invalid("round.followUp.tieListFixed", "重新投票只在票数相等的人中进行，名单由计票结果确定，不能调整", field: "candidates")
                }
                let text = try HumanText.screened(override.reason, field: "reason", label: "调整名单的理由")
                guard (2...200).contains(text.count) else {
                    throw Refusal.invalid("round.followUp.reasonMissing", "调整另行选举的候选人名单须写明理由（2至200字）", field: "reason")
                }
                let elected = Set(report.elected)
                if let already = override.candidates.first(where: { elected.contains($0.description) }) {
                    throw Refusal.invalid("round.followUp.alreadyElected",
                                          "\(round.candidates.first { $0.id == already.description }?.name ?? "这名党员")已在本轮当选，不能再作另行选举的候选人",
                                          field: "candidates")
                }
                guard override.candidates.count >= contest.seats + 1 else {
                    throw Refusal.invalid("round.followUp.tooFew",
                                          "另行选举 \(contest.seats) 名，候选人至少 \(contest.seats + 1) 名，现 \(override.candidates.count) 名",
                                          field: "candidates")
                }
                (members, reason) = (override.candidates, text)
            }
            let origin = RoundOrigin(round: round.id,
                                     preliminaryStage: round.kind == .preliminary || round.origin?.preliminaryStage == true, override: reason)
            return try await insert(election.id, kind: kind, office: round.office, seats: contest.seats, candidates: members,
                                    approvedOrder: false, origin: origin,
                                    actor: actor, scope: scope, in: data)
        }
    }

    /// The round set up from this one's report, if any (one per report).
    static func followUp(of round: RoundRecord, in data: any DataStore) async throws -> RoundRecord? {
        try await data.meetings.rounds(of: round.electionID).first { $0.origin?.round == round.id }
    }

    /// The meeting decides not to hold the supplementary election and to reduce the seats by the
    /// shortfall (RULES §6). The software records the decision and its vote, never makes it: a
    /// members' meeting needs more than half of those present to agree; for a congress the
    /// presidium decides, and its decision is recorded as stated.
    @discardableResult
    public static func reduceSeats(_ roundID: RoundID, vote: String, agreed: Int?, actor: String, scope: Scope, in data: any DataStore) async throws -> RoundRecord {
        let text = try HumanText.screened(vote, field: "vote", label: "表决情况或决定")
        guard (1...200).contains(text.count) else {
            throw Refusal.invalid("round.reduce.voteMissing", "请写明会议的表决情况或主席团的决定（1至200字）", field: "vote")
        }
        return try await data.write { data in
            let found = try await find(roundID, scope: scope, in: data)
            var round = found.round
            let election = found.election
            guard [.counted, .signed, .announced].contains(round.lifecycle.state) else {
                throw Refusal.invalid("round.followUp.notCounted", "计票结束后才能决定减少名额")
            }
            guard round.seatReduction == nil else { throw Refusal.invalid("round.reduce.already", "减少名额的决定已经记录") }
            if let next = try await followUp(of: round, in: data) {
                throw Refusal.invalid("round.reduce.followUpExists", "已根据本轮结果设立了第 \(next.number) 轮（\(label(next.kind))），不能再决定减少名额")
            }
            let report = try await RoundResults.report(roundID, scope: scope, in: data).report
            guard report.shortfall > 0, report.tieBreak == nil else {
                throw Refusal.invalid("round.reduce.noShortfall", "本轮没有未选足的名额，无须减少名额")
            }
            let present = round.lifecycle.present ?? 0
            if election.profile == .basic {
                guard let agreed else { throw Refusal.invalid("round.reduce.agreedMissing", "党员大会决定减少名额须填写同意的人数", field: "agreed") }
                guard (0...present).contains(agreed) else {
                    throw Refusal.invalid("round.reduce.agreedOutOfRange", "同意的人数应在0至实到会人数（\(present)）之间", field: "agreed")
                }
                guard 2 * agreed > present else {
                    throw Refusal.invalid("round.reduce.notAgreed",
                                          "同意减少名额的须超过到会党员的半数（实到会 \(present) 人，须至少 \(present / 2 + 1) 人），现 \(agreed) 人：不能减少名额，应另行选举",
                                          field: "agreed")
                }
            }
            round.seatReduction = SeatReduction(seats: report.shortfall, vote: text, agreed: agreed, decidedBy: actor, decidedAt: AuditLog.timestamp())
            try await data.meetings.update(round)
            try await AuditLog.append(.seatsReduced, actor: actor, object: "round:\(round.id)（\(election.name) 第 \(round.number) 轮）",
                                      before: "应选 \(round.seats) 名，当选 \(report.elected.count) 名",
                                      after: "不再另行选举，减少 \(report.shortfall) 个名额；\(text)" + (agreed.map { "（同意 \($0) 人）" } ?? ""), in: data)
            return round
        }
    }

    /// The rules this round is held under, in words: the office and its margin, the quorum, an
    /// unreadable mark, the candidates' order. Shown on the round's page and printed on its report.
    public static func method(_ round: RoundRecord, election: ElectionRecord) throws -> [String] {
        let options = try ElectionSetup.options(of: election)
        var lines = ["选举职务：\(office(round, election: election).label)；\(label(round.kind))"]
        switch round.kind {
        case .formal: lines.append("差额要求：\(marginRule(round.office, election: election).description)")
        case .preliminary: lines.append("预选：得票超过应到会人数的半数方可成为正式候选人")
        case .tieBreak: lines.append("重新投票：只在票数相等的人中进行，得票多者当选")
        case .supplementary: lines.append("另行选举" + (round.origin?.override.map { "：主持人调整了候选人名单（\($0)）" } ?? "：候选人由上一轮结果产生"))
        }
        lines.append("法定人数：\(options.quorumLabel(election.profile))")
        lines.append("一处标记无法辨认时：\(options.partialInvalid.label)")
        lines.append("候选人排列：" + (round.approvedOrder ? "按上级批准的顺序" : "按姓氏笔画为序"))
        return lines
    }

    /// What the ballot says, as one text; its SHA-256 is printed on every ballot.
    public static func definition(_ round: RoundRecord, election: ElectionRecord) -> String {
        ([election.name, "第\(round.number)轮", label(round.kind), "应选\(round.seats)"] + round.candidates.map { "\($0.id):\($0.name)" }).joined(separator: "\n")
    }

    public enum Step: Sendable {
        case freeze
        /// Opens voting on the meeting's attendance now, with the ballots issued.
        case open(issued: Int)
        case collect(returned: Int)
        case revote(issued: Int)
        /// Counting begins: the returned ballots are split into numbered batches of at most 50.
        case startCount
        /// Counting ends once every batch is definitive.
        case finishCount
        /// One of the two signatures under the count; the round is signed when both are in,
        /// from two different accounts.
        case sign(asChiefScrutineer: Bool)
        case announce
        case reopen(reason: String)
    }

    /// Takes one step of the round's lifecycle; a step its state does not allow is refused with the lifecycle's code.
    /// The round is read, checked and written in one transaction: two steps at once (two
    /// signatures, say) cannot both start from the same state.
    @discardableResult
    public static func take(_ step: Step, round id: RoundID, actor: String, scope: Scope, in data: any DataStore) async throws -> RoundRecord {
        try await data.write { data in try await takeInTransaction(step, round: id, actor: actor, scope: scope, in: data) }
    }

    static func takeInTransaction(_ step: Step, round id: RoundID, actor: String, scope: Scope, in data: any DataStore) async throws -> RoundRecord {
        let found = try await find(id, scope: scope, in: data)
        var round = found.round
        let election = found.election
        let before = round.lifecycle.state
        // The round's row and its audit row, in the transaction the caller holds.
        func record(_ round: RoundRecord, _ after: String) async throws {
            try await data.meetings.update(round)
            try await AuditLog.append(.roundStep, actor: actor, object: "round:\(round.id)（\(election.name) 第 \(round.number) 轮）", before: before.rawValue,
                                      after: after, in: data)
        }
        let action: RoundAction
        switch step {
        case .sign(let asScrutineer):
            // A signature waits for the other one; the lifecycle checks the two accounts differ.
            guard before == .counted else { throw Refusal.invalid("round.action.notAllowed", "本轮在「\(before.rawValue)」，不能签字") }
            // One signature per role: a second account signing the same role is refused, not written over the first.
            if let earlier = asScrutineer ? round.pendingScrutineer : round.pendingChair, earlier != actor {
                throw Refusal.invalid("round.signoff.already", "\(asScrutineer ? "总监票人" : "会议主持人")已由账号 \(earlier) 签字")
            }
            if asScrutineer { round.pendingScrutineer = actor } else { round.pendingChair = actor }
            if round.pendingScrutineer == round.pendingChair {
                throw Refusal.invalid("round.signoff.sameAccount", "总监票人和会议主持人须是两个不同的账号")
            }
            guard let scrutineer = round.pendingScrutineer, let chair = round.pendingChair else {
                // The first of the two signatures: recorded, the round stays counted.
                try await record(round, "\(asScrutineer ? "总监票人" : "会议主持人")签字，待另一方签字")
                return round
            }
            action = .signOff(chiefScrutineer: scrutineer, chair: chair)
        case .freeze:
            let hash = SHA256.hash(data: Data(definition(round, election: election).utf8)).map { String(format: "%02x", $0) }.joined()
            action = .freezeBallot(hash: hash)
        case .open(let issued):
            let attendance = try await MeetingAttendance.summary(election.id, scope: scope, in: data)
            action = .openVoting(expected: attendance.expected, present: attendance.present, quorumMet: attendance.quorumMet, issued: issued)
        case .collect(let returned): action = .collect(returned: returned)
        case .revote(let issued): action = .revote(issued: issued)
        case .startCount: action = .startCount
        case .finishCount:
            let definitive = try await BallotEntry.definitiveBallots(of: round, in: data) != nil
            // The count must give a result before it can end: no signature or announcement without one.
            if definitive {
                do { _ = try await RoundResults.report(id, scope: scope, in: data) } catch let refusal as Refusal {
                    throw Refusal(refusal.kind, code: refusal.code, message: "计票得不出结果，不能结束计票：\(refusal.message)", field: refusal.field)
                }
            }
            action = .finishCount(allBatchesDefinitive: definitive)
        case .reopen(let reason):
            // The report a follow-up was set up from stands: reopening it would change what that round rests on.
            if before != .announced, let next = try await followUp(of: round, in: data) {
                throw Refusal.invalid("round.reopen.followUpExists", "已根据本轮结果设立了第 \(next.number) 轮（\(label(next.kind))），本轮的结果不能再重新打开")
            }
            action = .reopen(reason: try HumanText.screened(reason, field: "reason", label: "重新打开的理由"))
        case .announce: action = .announce
        }
        do { try round.lifecycle.apply(action) } catch { throw Refusal.invalid(error.code, error.message, field: error.field) }
        if case .reopen = step { round.pendingScrutineer = nil; round.pendingChair = nil }
        // The returned ballots in numbered bundles of at most 50, made once, when counting first begins.
        if action == .startCount, try await data.ballotEntry.batches(of: round.id).isEmpty {
            let returned = round.lifecycle.returned ?? 0, size = BallotEntry.batchSize, id = round.id
            let batches = stride(from: 0, to: returned, by: size).enumerated().map { i, start in BatchRecord(roundID: id, number: i + 1, size: min(size, returned - start)) }
            if !batches.isEmpty { try await data.ballotEntry.insert(batches) }
        }
        try await record(round, "\(action.name)：\(round.lifecycle.state.rawValue)" + details(round.lifecycle, action))
        // The announced elected are the election's delegates (an announced round is never reopened).
        // Only a round that elects delegates makes them: not a preliminary (its winners go on to the
        // formal round), not the congress's committee or secretaries.
        let electsDelegates = round.kind != .preliminary && (round.office ?? election.office ?? .delegate) == .delegate
        if action == .announce, electsDelegates {
            try await data.delegates.insert(try await elected(round, election: election, scope: scope, in: data))
        }
        return round
    }

    /// Who the round elected, as delegates: a listed candidate by id, a write-in by the one full
    /// member of that name (the count already refused a write-in who is none).
    static func elected(_ round: RoundRecord, election: ElectionRecord, scope: Scope, in data: any DataStore) async throws -> [DelegateRecord] {
        let report = try await RoundResults.report(round.id, scope: scope, in: data).report
        let listed = Dictionary(round.candidates.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let writeIns = try await RoundResults.writeInMembers(report.elected.filter { listed[$0] == nil }, election: election, in: data)
        let at = AuditLog.timestamp()
        return try report.elected.map { chosen in
            if let name = listed[chosen], let uuid = UUID(uuidString: chosen) {
                return DelegateRecord(electionID: election.id, memberID: MemberID(uuid), name: name, roundID: round.id, electedAt: at)
            }
            guard let members = writeIns[chosen], members.count == 1 else {
                throw Refusal.invalid("round.announce.writeInAmbiguous",
                                      "另选当选的「\(chosen)」在名册中有 \(writeIns[chosen]?.count ?? 0) 名同名的正式党员，无法确定是哪一位：请核对名册后再宣布")
            }
            return DelegateRecord(electionID: election.id, memberID: members[0].id, name: members[0].record.name, roundID: round.id, electedAt: at)
        }
    }

    static func details(_ l: RoundLifecycle, _ action: RoundAction) -> String {
        switch action {
        case .freezeBallot: return "，选票定义 \(l.ballotHash ?? "")"
        case .openVoting, .revote: return "，应到会 \(l.expected ?? 0) 人，实到会 \(l.present ?? 0) 人，发出选票 \(l.issued ?? 0) 张"
        case .collect: return "，收回选票 \(l.returned ?? 0) 张" + (l.state == .void ? "（多于发出的，本轮无效，须重新投票）" : "")
        case .startCount: return "，分为 \((((l.returned ?? 0) + BallotEntry.batchSize - 1) / BallotEntry.batchSize)) 批"
        case .reopen(let reason): return "，理由：\(reason)"
        default: return ""
        }
    }

    /// `count` copies of the round's ballot (all alike, unnumbered), or its spare set, once the ballot is frozen.
    /// `offload` runs the drawing (the server gives it a thread of its own, off the event loop).
    public static func ballots(_ id: RoundID, count: Int, spare: Bool, scope: Scope, in data: any DataStore,
                               offload: (@escaping @Sendable () throws -> Data) async throws -> Data = { try $0() }) async throws -> Data {
        try await ballotSet(id, count: count, spare: spare, scope: scope, in: data).draw(offload)
    }

    /// A round's ballots to print, checked and ready to draw (the drawing may run later, as a job).
    public struct BallotSet: Sendable {
        let design: BallotDesign
        public let count: Int
        let spare: Bool
        public let roundNumber: Int
        /// Pages the set takes: copies × the sheets of one ballot.
        public var pages: Int { count * DocumentRenderers.ballotLayout(design).sheets.count }

        public func draw(_ offload: (@escaping @Sendable () throws -> Data) async throws -> Data) async throws -> Data {
            let (design, count, spare) = (design, count, spare)
            do {
                return try await offload { try DocumentRenderers.ballots(design, copies: count, spare: spare) }
            } catch let error as PDFError {
                throw Refusal.invalid(error.code, error.message)
            }
        }
    }

    public static func ballotSet(_ id: RoundID, count: Int, spare: Bool, paper: BallotPaper = .a4, scope: Scope,
                                 in data: any DataStore) async throws -> BallotSet {
        let (round, election) = try await find(id, scope: scope, in: data)
        guard let hash = round.lifecycle.ballotHash else {
            throw Refusal.invalid("round.ballot.notFrozen", "选票确定后才能印制（本轮在「\(round.lifecycle.state.rawValue)」）")
        }
        guard (1...100_000).contains(count) else { throw Refusal.invalid("round.ballots.count", "一次印制1至100000张", field: "count") }
        let design = BallotDesign(title: election.name, round: "第 \(round.number) 轮　\(label(round.kind))", seats: round.seats,
                                  candidates: round.candidates.map(\.name), order: round.approvedOrder ? .approved : .strokes,
                                  paper: paper, hash: hash)
        return BallotSet(design: design, count: count, spare: spare, roundNumber: round.number)
    }
}
