import Foundation
import Testing
import Core
import Persistence
import Audit
import Demo
import Elections
import Nominations
import Meetings

/// The election meeting on the demo's town (泥城镇, a `basic` profile: four fifths): voters,
/// exclusions from E, check-in at the door, the quorum, and the officers of the count.
@Suite struct MeetingTests {
    struct Town {
        let data: MemoryDataStore
        let election: ElectionRecord
        let town: OrganizationRecord
        let voters: [MemberRecord]
    }

    static func town() async throws -> Town {
        let data = MemoryDataStore()
        let generator = DemoGenerator(memberCount: 6_000)
        try await DemoLoader.load(generator, into: data)
        let election = try #require(try await data.elections.all().first { $0.organizationID.uuid == generator.townID })
        let town = try #require(try await data.organizations.find(election.organizationID))
        var full = MemberSearch()
        full.status = .full
        full.pageSize = 10_000
        let voters = try await data.members.search(full, in: .subtree(path: town.path)).members
        return Town(data: data, election: election, town: town, voters: voters)
    }

    @Test func checkInCountsEachVoterOnceAndTheQuorumIsExactlyFourFifths() async throws {
        let t = try await Self.town()
        try #require(t.voters.count >= 20)
        let start = try await MeetingAttendance.summary(t.election.id, scope: .city, in: t.data)
        #expect(start.voters == t.voters.count && start.expected == t.voters.count && start.present == 0 && !start.quorumMet)
        let e = start.expected, needed = (4 * e + 4) / 5
        #expect(start.rule == "到会须达应到会人数的五分之四（至少 \(needed) 人）")
        // By ID number, then a second time: refused, and P does not move.
        try await MeetingAttendance.checkIn(t.election.id, query: t.voters[0].record.idNumber, actor: "door", scope: .city, in: t.data)
        #expect(await refused("checkIn.duplicate") {
            try await MeetingAttendance.checkIn(t.election.id, query: t.voters[0].record.idNumber, actor: "door", scope: .city, in: t.data)
        })
        #expect(try await t.data.audit.newest()?.action == AuditAction.voterCheckedIn.rawValue)
        // Someone without a vote here: a probationary member, a member of another organization.
        var probationary = MemberSearch()
        probationary.status = .probationary
        if let member = try await t.data.members.search(probationary, in: .subtree(path: t.town.path)).members.first {
            #expect(await refused("checkIn.notAVoter") {
                try await MeetingAttendance.checkIn(t.election.id, query: member.record.idNumber, actor: "door", scope: .city, in: t.data)
            })
        }
        var anyone = MemberSearch()
        anyone.pageSize = 20_000
        let outsider = try #require(try await t.data.members.search(anyone, in: .city).members.first { !t.voters.map(\.id).contains($0.id) })
        #expect(await refused("checkIn.notAVoter") {
            try await MeetingAttendance.checkIn(t.election.id, query: outsider.record.idNumber, actor: "door", scope: .city, in: t.data)
        })
        // Check in up to one short of four fifths: no quorum; one more: quorum (5·P ≥ 4·E).
        let names = Dictionary(grouping: t.voters, by: \.record.name)
        for member in t.voters.dropFirst().prefix(needed - 2) {
            // Unique names by name, the others by ID number (a name two voters share is refused).
            let query = names[member.record.name]!.count == 1 ? member.record.name : member.record.idNumber
            try await MeetingAttendance.checkIn(t.election.id, query: query, actor: "door", scope: .city, in: t.data)
        }
        let short = try await MeetingAttendance.summary(t.election.id, scope: .city, in: t.data)
        #expect(short.present == needed - 1 && !short.quorumMet)
        try await MeetingAttendance.checkIn(t.election.id, query: t.voters[needed - 1].record.idNumber, actor: "door", scope: .city, in: t.data)
        let enough = try await MeetingAttendance.summary(t.election.id, scope: .city, in: t.data)
        #expect(enough.present == needed && enough.quorumMet && 5 * enough.present >= 4 * enough.expected && 5 * (enough.present - 1) < 4 * enough.expected)
        if let shared = names.first(where: { $0.value.count > 1 })?.key {
            #expect(await refused("checkIn.ambiguous") { try await MeetingAttendance.checkIn(t.election.id, query: shared, actor: "door", scope: .city, in: t.data) })
        }
    }

    @Test func exclusionsNeedTheirWholeRecordAndLeaveE() async throws {
        let t = try await Self.town()
        let away = t.voters[t.voters.count - 1], present = t.voters[0]
        #expect(await refused("exclusion.recordIncomplete") {
            try await MeetingAttendance.exclude(t.election.id, member: away.id, reason: .abroad, approvedBy: "", meetingVote: "大会表决通过",
                                                actor: "chair", scope: .city, in: t.data)
        })
        try await MeetingAttendance.exclude(t.election.id, member: away.id, reason: .abroad, approvedBy: "镇党委 2026-09-10 批准", meetingVote: "大会举手表决通过",
                                            actor: "chair", scope: .city, in: t.data)
        let summary = try await MeetingAttendance.summary(t.election.id, scope: .city, in: t.data)
        #expect(summary.expected == t.voters.count - 1 && summary.excluded.map(\.member.id) == [away.id])
        #expect(try await t.data.audit.newest()?.after.contains("出国半年以上") == true)
        // The excluded member cannot also check in; a checked-in member cannot be excluded; nobody twice.
        #expect(await refused("checkIn.excluded") {
            try await MeetingAttendance.checkIn(t.election.id, query: away.record.idNumber, actor: "door", scope: .city, in: t.data)
        })
        try await MeetingAttendance.checkIn(t.election.id, query: present.record.idNumber, actor: "door", scope: .city, in: t.data)
        #expect(await refused("exclusion.checkedIn") {
            try await MeetingAttendance.exclude(t.election.id, member: present.id, reason: .illness, approvedBy: "镇党委批准", meetingVote: "大会通过",
                                                actor: "chair", scope: .city, in: t.data)
        })
        #expect(await refused("exclusion.duplicate") {
            try await MeetingAttendance.exclude(t.election.id, member: away.id, reason: .illness, approvedBy: "镇党委批准", meetingVote: "大会通过",
                                                actor: "chair", scope: .city, in: t.data)
        })
    }

    @Test func officersAreVotersApprovedByTheMeetingAndNeverCandidates() async throws {
        let t = try await Self.town()
        // One voter is nominated in the town's election.
        let candidate = t.voters[1]
        try await Nominations.nominate(candidate.id, in: t.election.id, supportOrganizations: 1, supportMembers: 10, actor: "town", scope: .city, in: t.data)
        #expect(await refused("official.isCandidate") {
            try await MeetingOfficials.appoint(t.election.id, member: candidate.id, role: .scrutineer, approval: "大会表决通过", actor: "chair", scope: .city, in: t.data)
        })
        #expect(await refused("official.approvalMissing") {
            try await MeetingOfficials.appoint(t.election.id, member: t.voters[2].id, role: .scrutineer, approval: " ", actor: "chair", scope: .city, in: t.data)
        })
        try await MeetingOfficials.appoint(t.election.id, member: t.voters[3].id, role: .counter, approval: "大会表决通过", actor: "chair", scope: .city, in: t.data)
        try await MeetingOfficials.appoint(t.election.id, member: t.voters[2].id, role: .chiefScrutineer, approval: "大会表决通过", actor: "chair", scope: .city, in: t.data)
        try await MeetingOfficials.appoint(t.election.id, member: t.voters[4].id, role: .scrutineer, approval: "大会表决通过", actor: "chair", scope: .city, in: t.data)
        #expect(await refused("official.chiefExists") {
            try await MeetingOfficials.appoint(t.election.id, member: t.voters[5].id, role: .chiefScrutineer, approval: "大会表决通过", actor: "chair", scope: .city, in: t.data)
        })
        #expect(await refused("official.duplicate") {
            try await MeetingOfficials.appoint(t.election.id, member: t.voters[3].id, role: .scrutineer, approval: "大会表决通过", actor: "chair", scope: .city, in: t.data)
        })
        let list = try await MeetingOfficials.list(t.election.id, scope: .city, in: t.data)
        #expect(list.map(\.official.role) == [.chiefScrutineer, .scrutineer, .counter])
        #expect(list.map(\.member.id) == [t.voters[2].id, t.voters[4].id, t.voters[3].id])
        // Another unit's administrator does not see this election at all.
        let others = try await t.data.organizations.all(in: .city).filter { $0.kind == .unitCommittee && !t.town.path.hasPrefix($0.path) }
        let stranger = Scope.subtree(path: try #require(others.first).path)
        #expect(await refused("election.notFound") { _ = try await MeetingAttendance.summary(t.election.id, scope: stranger, in: t.data) })
    }
}
