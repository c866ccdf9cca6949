import Foundation
import Core
import Persistence
import Audit
import Elections

/// Who is expected at the election meeting and who came (RULES §1, §2): the voters are the full
/// members of the election's organization and below; E leaves out those excluded by a recorded
/// decision (one of the five reasons, the higher level's approval, the meeting's vote); P counts
/// those checked in at the door, each once. The quorum follows the election's profile.
public enum MeetingAttendance {
    public struct Summary: Sendable {
        /// Full members of the election's organization and below.
        public let voters: Int
        public let expected: Int
        public let present: Int
        public let quorumMet: Bool
        /// The profile's rule in words, with the numbers it needs.
        public let rule: String
        public let excluded: [(member: MemberRecord, exclusion: ExclusionRecord)]
    }

    /// Members beyond this are not read for one meeting: a members' meeting is a branch or a town, not a province.
    public static let maxVoters = 200_000

    /// The full members who vote at this election's meeting, in 姓氏笔画 order; with `text`,
    /// only those the roster search finds for it (a name or an ID number).
    static func voters(of election: ElectionRecord, matching text: String = "", in data: any DataStore) async throws -> [MemberRecord] {
        guard let organization = try await data.organizations.find(election.organizationID) else { return [] }
        var search = MemberSearch()
        search.status = .full
        search.text = text
        var voters: [MemberRecord] = []
        var cursor: MemberCursor?
        repeat {
            let batch = try await data.members.batch(search, in: .subtree(path: organization.path), after: cursor, size: 5_000)
            voters += batch.members
            cursor = batch.last
            guard voters.count <= maxVoters else {
                throw Refusal.invalid("meeting.voters.tooMany", "这个党组织有 \(voters.count) 名以上党员，不是一次党员大会的规模")
            }
        } while cursor != nil
        return voters
    }

    /// Those of these members who vote at the meeting (full members of the election's organization
    /// and below), read by id rather than by listing the meeting.
    static func voters(_ ids: [MemberID], of election: ElectionRecord, in data: any DataStore) async throws -> [MemberID: MemberRecord] {
        guard let top = try await data.organizations.find(election.organizationID) else { return [:] }
        let members = try await data.members.find(ids).filter { $0.standing == .full }
        let inside = Set(try await data.organizations.find(Array(Set(members.map(\.organizationID)))).filter { $0.path.hasPrefix(top.path) }.map(\.id))
        return Dictionary(members.filter { inside.contains($0.organizationID) }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The rule a profile sets, in words, for E.
    public static func rule(_ profile: RuleProfile, expected e: Int, options: RuleOptions = RuleOptions()) -> String {
        switch profile {
        case .basic where options.quorumStrict: return "到会须超过应到会人数的五分之四（至少 \(4 * e / 5 + 1) 人）"
        case .basic: return "到会须达应到会人数的五分之四（至少 \((4 * e + 4) / 5) 人）"
        case .localCongress: return "到会须超过应到会人数的一半（至少 \(e / 2 + 1) 人）"
        case .localPlenary: return "到会须超过应到会人数的三分之二（至少 \(2 * e / 3 + 1) 人）"
        }
    }

    public static func summary(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> Summary {
        let election = try await MeetingScope.election(electionID, scope: scope, in: data)
        let voters = try await self.voters(of: election, in: data)
        let exclusions = Dictionary(try await data.meetings.exclusions(of: election.id).map { ($0.memberID, $0) }, uniquingKeysWith: { a, _ in a })
        let present = Set(try await data.meetings.checkIns(of: election.id).map(\.memberID))
        let voterIDs = Set(voters.map(\.id))
        let excluded = voters.compactMap { m in exclusions[m.id].map { (m, $0) } }
        let expected = voters.count - excluded.count
        let p = present.intersection(voterIDs).count
        let options = try ElectionSetup.options(of: election)
        return Summary(voters: voters.count, expected: expected, present: p,
                       quorumMet: expected > 0 && Quorum.isMet(expected: expected, present: p, profile: election.profile, options: options),
                       rule: rule(election.profile, expected: expected, options: options), excluded: excluded)
    }

    /// Checks a voter in by ID number (exact) or name (when only one voter has it). A second
    /// check-in, an excluded member, someone without a vote here: refused with a code.
    @discardableResult
    public static func checkIn(_ electionID: ElectionID, query: String, actor: String, scope: Scope,
                               in data: any DataStore) async throws -> MemberRecord {
        let election = try await MeetingScope.election(electionID, scope: scope, in: data)
        let member = try await voter(matching: query, in: election, data: data)
        // Checked and written in one transaction: the same person at two doors at once is refused with a code, not a constraint error.
        try await data.write { data in
            if let exclusion = try await data.meetings.exclusions(of: election.id, member: member.id).first {
                throw Refusal.invalid("checkIn.excluded", "\(member.record.name)已按「\(exclusion.reason.rawValue)」不计入应到会人数；本人到会的，请先撤销该记录", field: "query")
            }
            if let earlier = try await data.meetings.checkIns(of: election.id, member: member.id).first {
                throw Refusal.invalid("checkIn.duplicate", "\(member.record.name)已于 \(earlier.checkedInAt.prefix(19).replacingOccurrences(of: "T", with: " ")) 签到（UTC）", field: "query")
            }
            try await data.meetings.insert(CheckInRecord(electionID: election.id, memberID: member.id, checkedInBy: actor, checkedInAt: AuditLog.timestamp()))
            try await AuditLog.append(.voterCheckedIn, actor: actor, object: "election:\(election.id) member:\(member.id)（\(member.record.name)）",
                                      after: "签到", in: data)
        }
        return member
    }

    /// The voter a door clerk means: an ID number (exact), or a name only one voter has.
    public static func voter(matching query: String, in election: ElectionRecord, data: any DataStore) async throws -> MemberRecord {
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...40).contains(text.count) else { throw Refusal.invalid("checkIn.query.length", "请输入姓名或身份证号", field: "query") }
        // The door reads the roster search's few matches, not every voter, and keeps the exact ones.
        let matches = try await voters(of: election, matching: text, in: data).filter { $0.record.idNumber == text.uppercased() || $0.record.name == text }
        guard !matches.isEmpty else {
            throw Refusal.notFound("checkIn.notAVoter", "「\(text)」不是本次会议有选举权的党员（正式党员才有选举权）")
        }
        guard matches.count == 1, let member = matches.first else {
            throw Refusal.invalid("checkIn.ambiguous", "有 \(matches.count) 名党员叫「\(text)」，请用身份证号", field: "query")
        }
        return member
    }

    /// Leaves a voter out of E, with the reason, the approval and the meeting's vote (all three required).
    public static func exclude(_ electionID: ElectionID, member memberID: MemberID, reason: ExclusionReason, approvedBy: String, meetingVote: String,
                               actor: String, scope: Scope, in data: any DataStore) async throws {
        let election = try await MeetingScope.election(electionID, scope: scope, in: data)
        guard let member = try await voters([memberID], of: election, in: data)[memberID] else {
            throw Refusal.notFound("meeting.member.notAVoter", "这名党员不是本次会议有选举权的党员")
        }
        let approval = try HumanText.screened(approvedBy, field: "approvedBy", label: "上级批准")
        let vote = try HumanText.screened(meetingVote, field: "meetingVote", label: "会议表决情况")
        guard (2...200).contains(approval.count), (2...200).contains(vote.count) else {
            throw Refusal.invalid("exclusion.recordIncomplete", "不计入应到会人数须写明上级批准和会议表决情况（各2至200字）", field: "approvedBy")
        }
        let record = ExclusionRecord(electionID: election.id, memberID: memberID, reason: reason, approvedBy: approval, meetingVote: vote,
                                     recordedBy: actor, recordedAt: AuditLog.timestamp())
        try await data.write { data in
            guard try await data.meetings.checkIns(of: election.id, member: memberID).isEmpty else {
                throw Refusal.invalid("exclusion.checkedIn", "\(member.record.name)已签到，不能不计入应到会人数", field: "memberId")
            }
            guard try await data.meetings.exclusions(of: election.id, member: memberID).isEmpty else {
                throw Refusal.invalid("exclusion.duplicate", "\(member.record.name)已不计入应到会人数", field: "memberId")
            }
            try await data.meetings.insert(record)
            try await AuditLog.append(.voterExcluded, actor: actor, object: "election:\(election.id) member:\(memberID)（\(member.record.name)）",
                                      after: "不计入应到会人数：\(reason.rawValue)；上级批准：\(approval)；会议表决：\(vote)", in: data)
        }
    }
}
