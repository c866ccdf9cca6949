import Foundation

/// Party standing as it bears on the vote (RULES.md §1).
public enum MemberStanding: String, Codable, Sendable, CaseIterable {
    case full = "正式党员"
    case probationary = "预备党员"
    case disciplinaryProbation = "留党察看"
    case detained = "留置或逮捕"

    /// Only full members vote and may be elected; the others count nowhere.
    public var hasVote: Bool {
        switch self {
        case .full: return true
        case .probationary, .disciplinaryProbation, .detained: return false
        }
    }
}

/// The only reasons a member with a vote may be left out of E (应到会人数).
public enum ExclusionReason: String, Codable, Sendable, CaseIterable {
    case illness = "患病不能表达本人意志"
    case abroad = "出国半年以上"
    case serving = "正在服刑"
    case infirm = "年老体弱卧床不起、生活不能自理"
    case awayNotTransferred = "外出半年以上且组织关系未转出"
}

/// A recorded exclusion: the reason, the higher-level approval and the meeting's vote.
public struct Exclusion: Codable, Sendable, Equatable {
    public let reason: ExclusionReason
    public let approvedBy: String
    public let meetingVote: String
    public init(reason: ExclusionReason, approvedBy: String, meetingVote: String) {
        self.reason = reason; self.approvedBy = approvedBy; self.meetingVote = meetingVote
    }
}

public struct Voter: Sendable, Equatable {
    public let name: String
    public let standing: MemberStanding
    public let exclusion: Exclusion?
    public let checkedIn: Bool
    public init(name: String, standing: MemberStanding, exclusion: Exclusion? = nil, checkedIn: Bool = false) {
        self.name = name; self.standing = standing; self.exclusion = exclusion; self.checkedIn = checkedIn
    }
}

public struct Attendance: Sendable, Equatable {
    /// E: members with a vote, less the recorded exclusions.
    public let expected: Int
    /// P: members with a vote who checked in.
    public let present: Int
    /// Exclusions refused because their record is incomplete (such members stay in E).
    public let problems: [String]
}

public enum VoterRules {
    /// RULES.md §1: anyone absent without a complete recorded exclusion still counts in E.
    public static func attendance(_ voters: [Voter]) -> Attendance {
        var expected = 0, present = 0
        var problems: [String] = []
        for voter in voters where voter.standing.hasVote {
            if let exclusion = voter.exclusion {
                if exclusion.approvedBy.trimmingCharacters(in: .whitespaces).isEmpty
                    || exclusion.meetingVote.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append("\(voter.name)：不计入应到会人数须有上级批准和会议通过的记录，仍计入")
                } else if voter.checkedIn {
                    problems.append("\(voter.name)：已签到，不能同时不计入应到会人数，仍计入")
                } else {
                    continue
                }
            }
            expected += 1
            if voter.checkedIn { present += 1 }
        }
        return Attendance(expected: expected, present: present, problems: problems)
    }
}

/// RULES.md §8: scrutineers and counters are never candidates in the round.
public enum ScrutineerRules {
    public static func validate(scrutineers: [String], counters: [String], candidates: [String]) throws(CountInputError) {
        let standing = Set(candidates)
        for (i, name) in scrutineers.enumerated() where standing.contains(name) {
            throw CountInputError(field: "scrutineers[\(i)]", code: "round.scrutineer.isCandidate", message: "「\(name)」是本轮候选人，不能担任监票人")
        }
        for (i, name) in counters.enumerated() where standing.contains(name) {
            throw CountInputError(field: "counters[\(i)]", code: "round.counter.isCandidate", message: "「\(name)」是本轮候选人，不能担任计票人")
        }
    }
}
