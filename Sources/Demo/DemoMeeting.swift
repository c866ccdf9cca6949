import Foundation
import Core
import Persistence
import Elections
import Meetings

/// The town's members' meeting (泥城镇) as a first-time user should meet it (issue #13): voters
/// checked in (two excluded from E with their record, a few absent), the chief scrutineer, a
/// scrutineer and two counters approved; a first round counted, signed and announced with a
/// shortfall, and the supplementary round it called for voted and returned, its ballots in empty
/// numbered batches ready to be keyed. Written only where the town has enough members.
public enum DemoMeeting {
    public struct Summary: Sendable, Equatable {
        public var expected = 0, present = 0, elected = 0, shortfall = 0, batches = 0
    }

    public static func load(_ generator: DemoGenerator, into data: any DataStore, actor: String = "demo") async throws -> Summary? {
        guard let election = try await data.elections.all().first(where: { $0.organizationID.uuid == generator.townID }),
              let town = try await data.organizations.find(election.organizationID) else { return nil }
        var full = MemberSearch()
        full.status = .full
        full.pageSize = 10_000
        let voters = try await data.members.search(full, in: .subtree(path: town.path)).members
        guard voters.count >= 80 else { return nil }
        let scope = Scope.city
        for (member, reason) in [(voters[voters.count - 1], ExclusionReason.abroad), (voters[voters.count - 2], .infirm)] {
            try await MeetingAttendance.exclude(election.id, member: member.id, reason: reason, approvedBy: "中共泥城镇委员会批准", meetingVote: "大会举手表决通过",
                                                actor: actor, scope: scope, in: data)
        }
        for (member, role) in [(voters[0], MeetingRole.chiefScrutineer), (voters[1], .scrutineer), (voters[2], .counter), (voters[3], .counter)] {
            try await MeetingOfficials.appoint(election.id, member: member.id, role: role, approval: "大会举手表决通过", actor: actor, scope: scope, in: data)
        }
        // Everyone comes but the two excluded and four absentees.
        for member in voters.dropLast(6) {
            try await MeetingAttendance.checkIn(election.id, query: member.record.idNumber, actor: actor, scope: scope, in: data)
        }
        let attendance = try await MeetingAttendance.summary(election.id, scope: scope, in: data)
        let seats = DemoScenario.townSeats
        let candidates = Array(voters.dropFirst(10).prefix(seats + (seats + 4) / 5)).map(\.id)
        let first = try await Rounds.create(election.id, kind: .formal, seats: seats, candidates: candidates, actor: actor, scope: scope, in: data)
        try await vote(first.id, issued: attendance.present, returned: attendance.present, actor: actor, in: data)
        // Every ballot: for the first forty on the ballot, one of the others in turn, against the last.
        let ids = first.candidates.map(\.id)
        for batch in try await data.ballotEntry.batches(of: first.id) {
            for n in 1...batch.size {
                let i = (batch.number - 1) * BallotEntry.batchSize + n
                var marks = Dictionary(uniqueKeysWithValues: ids.prefix(40).map { ($0, "for") })
                marks[ids[40 + i % (ids.count - 41)]] = "for"
                marks[ids[ids.count - 1]] = "against"
                let body = BallotEntry.Body(marks: marks, writeIns: i == 1 ? [.init(under: ids[ids.count - 1], name: "赵志刚")] : nil)
                for (entry, counter) in [(1, "counter1"), (2, "counter2")] {
                    _ = try await BallotEntry.key(body, round: first.id, batch: batch.number, entry: entry, ballot: n, actor: counter, scope: scope, in: data)
                }
            }
            try await BallotEntry.finalise(round: first.id, batch: batch.number, entry: 1, actor: "counter1", scope: scope, in: data)
            try await BallotEntry.finalise(round: first.id, batch: batch.number, entry: 2, actor: "counter2", scope: scope, in: data)
        }
        try await Rounds.take(.finishCount, round: first.id, actor: actor, scope: scope, in: data)
        try await Rounds.take(.sign(asChiefScrutineer: true), round: first.id, actor: "scrutineer", scope: scope, in: data)
        try await Rounds.take(.sign(asChiefScrutineer: false), round: first.id, actor: "admin", scope: scope, in: data)
        try await Rounds.take(.announce, round: first.id, actor: actor, scope: scope, in: data)
        let report = try await RoundResults.report(first.id, scope: scope, in: data).report
        // The supplementary round the shortfall calls for: voted and returned, ready to key.
        let second = try await Rounds.followUp(first.id, actor: actor, scope: scope, in: data)
        try await vote(second.id, issued: attendance.present, returned: attendance.present - 1, actor: actor, in: data)
        return Summary(expected: attendance.expected, present: attendance.present, elected: report.elected.count, shortfall: report.shortfall,
                       batches: try await data.ballotEntry.batches(of: second.id).count)
    }

    static func vote(_ round: RoundID, issued: Int, returned: Int, actor: String, in data: any DataStore) async throws {
        for step in [Rounds.Step.freeze, .open(issued: issued), .collect(returned: returned), .startCount] {
            try await Rounds.take(step, round: round, actor: actor, scope: .city, in: data)
        }
    }
}
