import Foundation
@_exported import RuleInput

/// A malformed round: the field at fault, a stable code and a Chinese message. Nothing is counted.
public typealias CountInputError = InputError

/// One round as the organization department enters it (`xuanju count` input).
public struct RoundInput: Sendable {
    public var profile: RuleProfile
    public var kind: RoundKind
    public var seats: Int
    public var candidates: [String]
    public var expected: Int
    public var present: Int
    public var issued: Int
    public var marginRatio: Ratio
    public var options: RuleOptions
    public var ballots: [Ballot]
    /// 监票人 and 计票人 of the round; none may be a candidate (RULES.md §8).
    public var scrutineers: [String] = []
    public var counters: [String] = []
    /// Ids of the candidates, in the same order, when they have them (marks then refer to ids,
    /// and two candidates may share a name); nil when candidates are known by name.
    public var candidateIDs: [String]? = nil
    /// Each candidate's standing where given: only full members may be elected (RULES.md §1).
    public var standings: [MemberStanding?] = []
    /// How many candidates the round must list; `marginRatio` as a ratio unless set.
    public var margin: MarginRule
    /// The round settles a preliminary election (its tie-break or supplementary round): the
    /// threshold base stays E, as in the preliminary itself (RULES §7).
    public var preliminaryStage = false
    /// Write-ins who may not be elected, by normalised name (`WriteIn.normalized`), with the
    /// reason: checked against the roster by the caller (only full members, RULES §1).
    public var ineligibleWriteIns: [String: String] = [:]
    /// A supplementary list the chair set instead of the computed one, with the recorded reason.
    public var listOverride: String? = nil

    /// How the outcome names candidate `j`: the id, or the name.
    public func label(_ j: Int) -> String { candidateIDs?[j] ?? candidates[j] }

    public init(profile: RuleProfile = .basic, kind: RoundKind = .formal, seats: Int, candidates: [String],
                expected: Int, present: Int, issued: Int? = nil, marginRatio: Ratio = Ratio(1, 5),
                options: RuleOptions = .init(), ballots: [Ballot]) {
        self.profile = profile
        self.kind = kind
        self.seats = seats
        self.candidates = candidates
        self.expected = expected
        self.present = present
        self.issued = issued ?? present
        self.marginRatio = marginRatio
        self.margin = .ratio(marginRatio)
        self.options = options
        self.ballots = ballots
    }
}

public struct QuorumReport: Codable, Sendable, Equatable {
    public let met: Bool
    public let expected: Int
    public let present: Int
}

/// The count of one round (`xuanju count` output).
public struct RoundReport: Codable, Sendable, Equatable {
    public let quorum: QuorumReport
    public let counted: Bool
    public let void: Bool
    public let returned: Int
    public let valid: Int
    public let invalid: Int
    public let threshold: Int?
    public let results: [ContenderResult]
    public let elected: [String]
    public let tieBreak: SeatContest?
    public let shortfall: Int
    public let supplementary: SeatContest?
    public let problems: [String]
    /// Ballots issued (I), and who counted and scrutinised, as the round's record states them.
    public var issued: Int = 0
    public var scrutineers: [String] = []
    public var counters: [String] = []
}

public enum RoundCounter {
    /// Checks the input; the first fault found is thrown and nothing is counted.
    public static func validate(_ input: RoundInput) throws(CountInputError) {
        if input.seats < 1 { throw CountInputError(field: "seats", code: "round.seats.notPositive", message: "应选名额必须是正整数") }
        if input.candidates.isEmpty { throw CountInputError(field: "candidates", code: "round.candidates.empty", message: "候选人名单为空") }
        var seen = Set<String>()
        for (i, name) in input.candidates.enumerated() {
            if name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw CountInputError(field: "candidates[\(i)]", code: "round.candidate.nameEmpty", message: "候选人姓名为空")
            }
            // Known by name, a name must be unique; with ids, two people may share one.
            if !seen.insert(WriteIn.normalized(name)).inserted && input.candidateIDs == nil {
                throw CountInputError(field: "candidates[\(i)]", code: "candidate.name.duplicate", message: "候选人「\(name)」重复（同名的候选人请用 {\"id\", \"name\"} 区分）")
            }
        }
        if let ids = input.candidateIDs {
            guard ids.count == input.candidates.count else { throw CountInputError(field: "candidates", code: "round.candidates.idsMismatch", message: "候选人编号与姓名数目不一致") }
            var seenIDs = Set<String>()
            for (i, id) in ids.enumerated() where id.isEmpty || !seenIDs.insert(id).inserted {
                throw CountInputError(field: "candidates[\(i)].id", code: "candidate.id.duplicate", message: "候选人编号「\(id)」为空或重复")
            }
        }
        for (i, standing) in input.standings.enumerated() {
            if let standing, !standing.hasVote {
                throw CountInputError(field: "candidates[\(i)].standing", code: "candidate.standing.noVote",
                                      message: "「\(input.candidates[i])」是\(standing.rawValue)，没有被选举权，不能作为候选人（RULES §1）")
            }
        }
        if input.expected < 0 { throw CountInputError(field: "expected", code: "round.expected.negative", message: "应到会人数不能为负数") }
        if input.present < 0 { throw CountInputError(field: "present", code: "round.present.negative", message: "实到会人数不能为负数") }
        if input.issued < 0 { throw CountInputError(field: "issued", code: "round.issued.negative", message: "发出选票数不能为负数") }
        if input.present > input.expected {
            throw CountInputError(field: "present", code: "round.present.aboveExpected", message: "实到会人数\(input.present)多于应到会人数\(input.expected)")
        }
        if input.issued > input.present {
            throw CountInputError(field: "issued", code: "round.issued.abovePresent", message: "发出选票数\(input.issued)多于实到会人数\(input.present)")
        }
        try ScrutineerRules.validate(scrutineers: input.scrutineers, counters: input.counters, candidates: input.candidates)
        if input.marginRatio.numerator > input.marginRatio.denominator {
            throw CountInputError(field: "marginRatio", code: "round.margin.ratioAboveOne", message: "差额比例不能大于1")
        }
        for (b, ballot) in input.ballots.enumerated() {
            let field = "ballots[\(b)]"
            switch ballot {
            case .declaredInvalid(let reason):
                if reason.trimmingCharacters(in: .whitespaces).isEmpty {
                    throw CountInputError(field: "\(field).invalid", code: "ballot.invalid.reasonMissing", message: "无效票须注明原因")
                }
            case .marked(let marks):
                for (list, key) in [(marks.forMarks, "for"), (marks.againstMarks, "against"), (marks.unreadable, "unreadable")] {
                    if Set(list).count != list.count {
                        throw CountInputError(field: "\(field).\(key)", code: "ballot.mark.duplicate", message: "同一候选人重复标记")
                    }
                    if let bad = list.first(where: { !input.candidates.indices.contains($0) }) {
                        throw CountInputError(field: "\(field).\(key)", code: "ballot.mark.outOfRange", message: "候选人序号\(bad)超出名单")
                    }
                }
                let forSet = Set(marks.forMarks), againstSet = Set(marks.againstMarks), unreadable = Set(marks.unreadable)
                if let both = forSet.intersection(againstSet).min() {
                    throw CountInputError(field: field, code: "ballot.mark.forAndAgainst", message: "「\(input.candidates[both])」同时标记赞成和不赞成")
                }
                if let both = unreadable.intersection(forSet.union(againstSet)).min() {
                    throw CountInputError(field: "\(field).unreadable", code: "ballot.mark.legibleAndUnreadable", message: "「\(input.candidates[both])」既有可辨认标记又有无法辨认标记")
                }
                // Write-ins that name a listed candidate, or the same person twice, are the count's
                // to report on that ballot; an empty name or a place off the ballot is malformed.
                for (w, name) in marks.writeIns.enumerated() where WriteIn.normalized(name).isEmpty {
                    throw CountInputError(field: "\(field).writeIns[\(w)]", code: "ballot.writeIn.empty", message: "另选人姓名为空")
                }
                for (w, placed) in marks.placedWriteIns.enumerated() {
                    if WriteIn.normalized(placed.name).isEmpty {
                        throw CountInputError(field: "\(field).writeIns[\(w)].name", code: "ballot.writeIn.empty", message: "另选人姓名为空")
                    }
                    if !input.candidates.indices.contains(placed.under) {
                        throw CountInputError(field: "\(field).writeIns[\(w)].under", code: "ballot.mark.outOfRange", message: "候选人序号\(placed.under)超出名单")
                    }
                }
                if input.kind == .tieBreak && !(marks.writeIns.isEmpty && marks.placedWriteIns.isEmpty) {
                    throw CountInputError(field: "\(field).writeIns", code: "ballot.writeIn.inTieBreak", message: "重新投票只在并列的人中进行，不能另选他人")
                }
            }
        }
        // The margin last: a round whose other fields are wrong is named by those first.
        if input.kind == .formal {
            let allowed = input.margin.allowedCandidates(seats: input.seats)
            if !allowed.contains(input.candidates.count) {
                let tooFew = input.candidates.count < allowed.lowerBound
                throw CountInputError(field: "candidates", code: tooFew ? "round.margin.tooSmall" : "round.margin.tooLarge",
                                      message: "候选人\(input.candidates.count)名，不符合\(input.margin.description)（应选\(input.seats)名，应有\(allowed.upperBound == Int.max ? "至少\(allowed.lowerBound)" : allowed.lowerBound == allowed.upperBound ? "\(allowed.lowerBound)" : "\(allowed.lowerBound)至\(allowed.upperBound)")名），不能进行正式选举")
            }
        }
    }

    /// Counts one round (RULES.md §2–§7).
    public static func count(_ input: RoundInput, order: NameOrdering) throws(CountInputError) -> RoundReport {
        try validate(input)
        var problems: [String] = []
        let quorumMet = Quorum.isMet(expected: input.expected, present: input.present,
                                     profile: input.profile, options: input.options)
        let quorum = QuorumReport(met: quorumMet, expected: input.expected, present: input.present)
        let returned = input.ballots.count
        let base = Threshold.base(profile: input.profile, kind: input.preliminaryStage ? .preliminary : input.kind,
                                  expected: input.expected, present: input.present)
        let threshold: Int? = input.kind == .tieBreak ? nil : Threshold.smallestWinning(base: base)

        if input.kind == .supplementary, let reason = input.listOverride {
            problems.append("另行选举的候选人名单由主持人调整（\(reason)）")
        } else if input.kind == .supplementary, input.candidates.count < input.margin.supplementaryCandidates(shortfall: input.seats) {
            problems.append("另行选举候选人\(input.candidates.count)名，少于\(input.margin.description)要求的\(input.margin.supplementaryCandidates(shortfall: input.seats))名")
        }
        func stamped(_ report: RoundReport) -> RoundReport {
            var report = report
            report.issued = input.issued
            report.scrutineers = input.scrutineers
            report.counters = input.counters
            return report
        }
        func notCounted(void: Bool) -> RoundReport {
            stamped(RoundReport(quorum: quorum, counted: false, void: void, returned: returned, valid: 0, invalid: 0,
                                threshold: threshold, results: [], elected: [], tieBreak: nil, shortfall: 0,
                                supplementary: nil, problems: problems))
        }
        guard quorumMet else {
            problems.insert(quorumProblem(input), at: 0)
            return notCounted(void: false)
        }
        guard returned <= input.issued else {
            problems.insert("收回选票\(returned)张，多于发出选票\(input.issued)张，本次选举无效，应重新投票", at: 0)
            return notCounted(void: true)
        }

        var box = BallotBox(candidateCount: input.candidates.count, reserveBallots: returned)
        var writeInVotes: [String: Int] = [:]
        var writeInOrder: [String] = []
        let listed = Set(input.candidates.map(WriteIn.normalized))
        for (b, ballot) in input.ballots.enumerated() {
            let evaluated = BallotRules.evaluate(ballot, seats: input.seats, options: input.options)
            box.append(evaluated)
            if case .valid(_, _, let writeIns) = evaluated {
                for name in writeIns {
                    // Not merged into the candidate's votes, not dropped in silence: the scrutineers decide.
                    if listed.contains(name) {
                        problems.append("第\(b + 1)张选票：另选的「\(name)」是本轮候选人，应在其姓名上方标记；这一另选未计入，请监票人核对")
                        continue
                    }
                    if writeInVotes[name] == nil { writeInOrder.append(name) }
                    writeInVotes[name, default: 0] += 1
                }
            }
        }
        let tally = box.tally()
        var contenders = input.candidates.indices.map { j in
            ContenderResult(id: input.candidateIDs?[j], name: input.candidates[j], forVotes: tally.forVotes[j], againstVotes: tally.againstVotes[j],
                            abstain: tally.abstentions(j), writeIn: false, status: .belowThreshold)
        }
        contenders += writeInOrder.map {
            ContenderResult(name: $0, forVotes: writeInVotes[$0]!, againstVotes: 0, abstain: 0, writeIn: true, status: .belowThreshold)
        }
        // RULES §1: a write-in who is no full member stays in the ranking; a seat they would win is a shortfall.
        for name in writeInOrder { if let reason = input.ineligibleWriteIns[name] { problems.append("另选的「\(name)」\(reason)，不能当选") } }
        let outcome = OutcomeRules.decide(contenders: contenders, seats: input.seats, threshold: threshold,
                                          margin: input.margin, order: order, ineligible: Set(input.ineligibleWriteIns.keys))
        if let tie = outcome.tieBreak {
            problems.append("得票并列，需对\(tie.candidates.joined(separator: "、"))重新投票，决定剩余\(tie.seats)个名额")
        }
        if outcome.shortfall > 0 {
            problems.append("当选人数不足应选名额，缺\(outcome.shortfall)名：可另行选举，或经会议决定减少名额")
            if let s = outcome.supplementary, s.candidates.count < input.margin.supplementaryCandidates(shortfall: s.seats) {
                problems.append("未当选的候选人只有\(s.candidates.count)名，不足另行选举的差额要求")
            }
        }
        for name in Set(contenders.flatMap { order.unknownCharacters($0.name) }).sorted() {
            problems.append("「\(name)」不在笔画表中，按码位排在最后，请人工核对顺序")
        }
        return stamped(RoundReport(quorum: quorum, counted: true, void: false, returned: returned,
                                   valid: tally.valid, invalid: returned - tally.valid, threshold: threshold,
                                   results: outcome.results, elected: outcome.elected, tieBreak: outcome.tieBreak,
                                   shortfall: outcome.shortfall, supplementary: outcome.supplementary, problems: problems))
    }

    static func quorumProblem(_ input: RoundInput) -> String {
        let rule: String
        switch input.profile {
        case .basic: rule = input.options.quorumStrict ? "超过应到会人数的五分之四" : "达到应到会人数的五分之四"
        case .localCongress: rule = "超过应到会人数的半数"
        case .localPlenary: rule = "超过应到会人数的三分之二"
        }
        return "实到会有选举权人数\(input.present)未\(rule)（应到\(input.expected)人），会议无效，不能计票"
    }
}
