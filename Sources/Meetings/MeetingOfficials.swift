import Foundation
import Core
import Persistence
import Audit
import Elections

/// The meeting's scrutineers (one of them the chief) and counters (RULES §8): approved by the
/// meeting, from its voters, never a candidate in the election; one role each.
public enum MeetingOfficials {
    public static func appoint(_ electionID: ElectionID, member memberID: MemberID, role: MeetingRole, approval: String, actor: String,
                               scope: Scope, in data: any DataStore) async throws {
        let election = try await MeetingScope.election(electionID, scope: scope, in: data)
        guard let member = try await MeetingAttendance.voters([memberID], of: election, in: data)[memberID] else {
            throw Refusal.notFound("meeting.member.notAVoter", "这名党员不是本次会议有选举权的党员")
        }
        let text = try HumanText.screened(approval, field: "approval", label: "表决情况")
        guard (2...200).contains(text.count) else {
            throw Refusal.invalid("official.approvalMissing", "监票人、计票人须经会议通过：请写明表决情况（2至200字）", field: "approval")
        }
        try await data.write { data in
            if let candidacy = try await data.candidacies.find(election: election.id, member: memberID), candidacy.stage.isActive {
                throw Refusal.invalid("official.isCandidate", "\(member.record.name)是本次选举的人选（\(candidacy.stage.rawValue)），不能担任\(role.rawValue)", field: "memberId")
            }
            if let round = try await data.meetings.rounds(of: election.id).first(where: { $0.candidates.contains { $0.id == memberID.description } }) {
                throw Refusal.invalid("official.isCandidate", "\(member.record.name)是第 \(round.number) 轮的候选人，不能担任\(role.rawValue)", field: "memberId")
            }
            let officials = try await data.meetings.officials(of: election.id)
            if let existing = officials.first(where: { $0.memberID == memberID }) {
                throw Refusal.invalid("official.duplicate", "\(member.record.name)已是\(existing.role.rawValue)", field: "memberId")
            }
            if role == .chiefScrutineer, officials.contains(where: { $0.role == .chiefScrutineer }) {
                throw Refusal.invalid("official.chiefExists", "总监票人已有一名", field: "role")
            }
            let record = OfficialRecord(electionID: election.id, memberID: memberID, role: role, approval: text, recordedBy: actor, recordedAt: AuditLog.timestamp())
            try await data.meetings.insert(record)
            try await AuditLog.append(.officialAppointed, actor: actor, object: "election:\(election.id) member:\(memberID)（\(member.record.name)）",
                                      after: "\(role.rawValue)：\(text)", in: data)
        }
    }

    /// The officers with their people, chief scrutineer first, then scrutineers, then counters.
    public static func list(_ electionID: ElectionID, scope: Scope, in data: any DataStore) async throws -> [(official: OfficialRecord, member: MemberRecord)] {
        try await list(of: try await MeetingScope.election(electionID, scope: scope, in: data), in: data)
    }

    /// The same, for an election already found within the caller's scope.
    static func list(of election: ElectionRecord, in data: any DataStore) async throws -> [(official: OfficialRecord, member: MemberRecord)] {
        let officials = try await data.meetings.officials(of: election.id)
        let members = Dictionary(try await data.members.find(officials.map(\.memberID)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let order = MeetingRole.allCases
        return officials.compactMap { o in members[o.memberID].map { (o, $0) } }
            .sorted { order.firstIndex(of: $0.official.role)! < order.firstIndex(of: $1.official.role)! }
    }
}
