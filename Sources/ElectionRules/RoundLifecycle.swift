import Foundation
import RuleInput

/// Where a round of voting stands at the meeting (RULES §5, §8): 草稿 → 选票已定 (the ballot is
/// frozen; its hash is printed on every ballot) → 投票 (E and P snapshot, ballots issued I) →
/// 收回 (R recorded; R > I voids the round: 作废, and it is voted again on the spare set) → 计票 →
/// 已计票 → 监票人签字 (the chief scrutineer and the chair, two different accounts) → 已宣布.
/// Reopening is an explicit action with its reason. Every other step is refused with a code.
public enum RoundState: String, Codable, Sendable, CaseIterable {
    case draft = "草稿"
    case frozen = "选票已定"
    case voting = "投票"
    case collected = "收回"
    case void = "作废"
    case counting = "计票"
    case counted = "已计票"
    case signed = "监票人签字"
    case announced = "已宣布"
}

/// What may be done to a round, with what the step records.
public enum RoundAction: Sendable, Equatable {
    /// The ballot definition is fixed; `hash` names it on every printed ballot.
    case freezeBallot(hash: String)
    /// Voting opens on the meeting's snapshot: expected E, present P, whether the quorum holds
    /// (RULES §2, decided by the profile), and the ballots issued I (at most P).
    case openVoting(expected: Int, present: Int, quorumMet: Bool, issued: Int)
    /// The ballots returned R.
    case collect(returned: Int)
    /// A void round is voted again on the spare set: ballots issued anew.
    case revote(issued: Int)
    case startCount
    /// Counting ends when every batch is definitive (both entries agree or are resolved).
    case finishCount(allBatchesDefinitive: Bool)
    /// The chief scrutineer and the chair sign, as two different accounts.
    case signOff(chiefScrutineer: String, chair: String)
    case announce
    /// Back one stage for a stated reason: a frozen ballot to 草稿, a count (counted or signed) to 计票.
    case reopen(reason: String)

    /// The action's name, for the table and for messages.
    public var name: String {
        switch self {
        case .freezeBallot: return "确定选票"
        case .openVoting: return "开始投票"
        case .collect: return "收回选票"
        case .revote: return "重新投票"
        case .startCount: return "开始计票"
        case .finishCount: return "结束计票"
        case .signOff: return "监票人签字"
        case .announce: return "宣布结果"
        case .reopen: return "重新打开"
        }
    }
}

/// A round's state and what its steps recorded. `apply` moves it or refuses with a coded
/// `InputError` and changes nothing.
public struct RoundLifecycle: Sendable, Equatable {
    public private(set) var state: RoundState = .draft
    public private(set) var ballotHash: String?
    public private(set) var expected: Int?
    public private(set) var present: Int?
    public private(set) var issued: Int?
    public private(set) var returned: Int?
    public private(set) var signedBy: (chiefScrutineer: String, chair: String)?

    public init() {}

    /// A lifecycle as it was stored.
    public init(state: RoundState, ballotHash: String?, expected: Int?, present: Int?, issued: Int?, returned: Int?,
                signedBy: (chiefScrutineer: String, chair: String)?) {
        self.state = state; self.ballotHash = ballotHash; self.expected = expected; self.present = present
        self.issued = issued; self.returned = returned; self.signedBy = signedBy
    }

    public static func == (a: RoundLifecycle, b: RoundLifecycle) -> Bool {
        a.state == b.state && a.ballotHash == b.ballotHash && a.expected == b.expected && a.present == b.present && a.issued == b.issued
            && a.returned == b.returned && a.signedBy?.chiefScrutineer == b.signedBy?.chiefScrutineer && a.signedBy?.chair == b.signedBy?.chair
    }

    /// Numbers beyond any meeting: a count past it is a mistake or an attack.
    public static let maxVoters = 10_000_000

    static func refuse(_ code: String, _ message: String, field: String = "action") -> InputError {
        InputError(field: field, code: code, message: message)
    }

    @discardableResult
    public mutating func apply(_ action: RoundAction) throws(InputError) -> RoundState {
        var next = self
        switch (state, action) {
        case (.draft, .freezeBallot(let hash)):
            guard !hash.isEmpty else { throw Self.refuse("round.ballot.hashMissing", "确定选票须有选票定义的哈希", field: "hash") }
            next.ballotHash = hash
            next.state = .frozen
        case (.frozen, .openVoting(let e, let p, let quorumMet, let i)):
            guard (0...Self.maxVoters).contains(e), (0...e).contains(p) else {
                throw Self.refuse("round.voters.outOfRange", "实到会人数应在0至应到会人数（\(e)）之间", field: "present")
            }
            guard quorumMet else { throw Self.refuse("round.quorum.notMet", "实到会 \(p) 人，应到会 \(e) 人，未达到规定人数，不能进行选举", field: "present") }
            // Compared, not made a range: with nobody present, 1...0 would trap.
            guard i >= 1, i <= p else { throw Self.refuse("round.issued.outOfRange", "发出选票应在1至实到会人数（\(p)）之间", field: "issued") }
            (next.expected, next.present, next.issued) = (e, p, i)
            next.state = .voting
        case (.voting, .collect(let r)):
            guard (0...Self.maxVoters).contains(r) else { throw Self.refuse("round.returned.outOfRange", "收回选票数不合理", field: "returned") }
            next.returned = r
            // RULES §5: more ballots back than were issued voids the round; it is voted again.
            next.state = r > (issued ?? 0) ? .void : .collected
        case (.void, .revote(let i)):
            guard i >= 1, i <= present ?? 0 else {
                throw Self.refuse("round.issued.outOfRange", "发出选票应在1至实到会人数（\(present ?? 0)）之间", field: "issued")
            }
            next.issued = i
            next.returned = nil
            next.state = .voting
        case (.collected, .startCount):
            next.state = .counting
        case (.counting, .finishCount(let definitive)):
            guard definitive else { throw Self.refuse("round.batches.pending", "还有选票批次两次录入不一致或未录完，不能结束计票") }
            next.state = .counted
        case (.counted, .signOff(let scrutineer, let chair)):
            guard !scrutineer.isEmpty, !chair.isEmpty else { throw Self.refuse("round.signoff.missing", "须由总监票人和会议主持人签字") }
            guard scrutineer != chair else { throw Self.refuse("round.signoff.sameAccount", "总监票人和会议主持人须是两个不同的账号") }
            next.signedBy = (scrutineer, chair)
            next.state = .signed
        case (.signed, .announce):
            next.state = .announced
        case (.frozen, .reopen(let reason)), (.counted, .reopen(let reason)), (.signed, .reopen(let reason)):
            let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (2...200).contains(text.count) else { throw Self.refuse("round.reopen.reasonMissing", "重新打开须写明理由（2至200字）", field: "reason") }
            if state == .frozen {
                next.ballotHash = nil
                next.state = .draft
            } else {
                next.signedBy = nil
                next.state = .counting
            }
        case (.announced, _):
            throw Self.refuse("round.announced", "结果已宣布，不能再「\(action.name)」")
        default:
            throw Self.refuse("round.action.notAllowed", "本轮在「\(state.rawValue)」，不能「\(action.name)」")
        }
        self = next
        return state
    }
}
