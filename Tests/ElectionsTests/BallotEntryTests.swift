import Foundation
import Testing
import Core
import Persistence
import Audit
import Demo
import Elections
import Meetings

/// Double entry of the town round's returned ballots: batches of at most 50, two counters per
/// batch, differences flagged by number, a scrutineer's decision, idempotent keying, a
/// finalised entry that answers 409, and counting that ends only when every batch agrees.
@Suite struct BallotEntryTests {
    /// The town's formal round (45 seats, 54 candidates), voted and returned, counting begun.
    static func counting() async throws -> (t: MeetingTests.Town, round: RoundRecord) {
        let t = try await MeetingTests.town()
        let round = try await Rounds.create(t.election.id, kind: .formal, seats: 45, candidates: Array(t.voters.suffix(54)).map(\.id),
                                            actor: "chair", scope: .city, in: t.data)
        try await Rounds.take(.freeze, round: round.id, actor: "chair", scope: .city, in: t.data)
        for member in t.voters { try await MeetingAttendance.checkIn(t.election.id, query: member.record.idNumber, actor: "door", scope: .city, in: t.data) }
        try await Rounds.take(.open(issued: t.voters.count), round: round.id, actor: "chair", scope: .city, in: t.data)
        try await Rounds.take(.collect(returned: t.voters.count - 1), round: round.id, actor: "chair", scope: .city, in: t.data)
        let counting = try await Rounds.take(.startCount, round: round.id, actor: "chair", scope: .city, in: t.data)
        return (t, counting)
    }

    static func body(_ round: RoundRecord, for ids: ArraySlice<RoundRecord.Candidate>, against: [RoundRecord.Candidate] = []) -> BallotEntry.Body {
        BallotEntry.Body(marks: Dictionary(uniqueKeysWithValues: ids.map { ($0.id, "for") } + against.map { ($0.id, "against") }))
    }

    @Test func twoCountersAgreeOrAScrutineerDecides() async throws {
        let (t, round) = try await Self.counting()
        let returned = t.voters.count - 1
        let batches = try await t.data.ballotEntry.batches(of: round.id)
        #expect(batches.map(\.size).reduce(0, +) == returned && batches.allSatisfy { $0.size <= 50 } && batches.map(\.number) == Array(1...batches.count))
        let last = try #require(batches.last)
        let c = round.candidates
        // Counter a keys the last batch as entry 1; the same request again answers the same and changes nothing.
        for n in 1...last.size {
            _ = try await BallotEntry.key(Self.body(round, for: c.prefix(n % 3)), round: round.id, batch: last.number, entry: 1, ballot: n,
                                          actor: "a", scope: .city, in: t.data)
        }
        let again = try await BallotEntry.key(Self.body(round, for: c.prefix(1)), round: round.id, batch: last.number, entry: 1, ballot: 1,
                                              actor: "a", scope: .city, in: t.data)
        #expect(again == BallotEntry.Answer(number: 1, entry: 1, valid: true, reason: nil))
        // Too many for-marks: the server says invalid.
        let tooMany = try await BallotEntry.key(Self.body(round, for: c.prefix(46)), round: round.id, batch: last.number, entry: 1, ballot: 1,
                                                actor: "a", scope: .city, in: t.data)
        #expect(!tooMany.valid && tooMany.reason == "赞成（含另选）46人，多于应选45名")
        _ = try await BallotEntry.key(Self.body(round, for: c.prefix(1)), round: round.id, batch: last.number, entry: 1, ballot: 1, actor: "a", scope: .city, in: t.data)
        // The same counter cannot key the other entry; another counter cannot take over entry 1.
        #expect(await refused("entry.sameCounter") {
            _ = try await BallotEntry.key(Self.body(round, for: c.prefix(1)), round: round.id, batch: last.number, entry: 2, ballot: 1, actor: "a", scope: .city, in: t.data)
        })
        #expect(await refused("entry.otherCounter") {
            _ = try await BallotEntry.key(Self.body(round, for: c.prefix(1)), round: round.id, batch: last.number, entry: 1, ballot: 1, actor: "b", scope: .city, in: t.data)
        })
        #expect(try await BallotEntry.finalise(round: round.id, batch: last.number, entry: 1, actor: "a", scope: .city, in: t.data) == .open)
        // Finalised: a different ballot is a conflict (409); the same one still answers as before.
        do {
            _ = try await BallotEntry.key(Self.body(round, for: c.prefix(2)), round: round.id, batch: last.number, entry: 1, ballot: 1, actor: "a", scope: .city, in: t.data)
            Issue.record("a finalised entry took a change")
        } catch let refusal as Refusal { #expect(refusal.kind == .conflict && refusal.code == "entry.finalised") }
        #expect(try await BallotEntry.key(Self.body(round, for: c.prefix(1)), round: round.id, batch: last.number, entry: 1, ballot: 1,
                                          actor: "a", scope: .city, in: t.data).valid)
        // Counter b keys entry 2 with ballot 2 read differently; nobody sees it while entry 2 is open.
        for n in 1...last.size {
            let ids = n == min(2, last.size) ? c.prefix(0) : c.prefix(n % 3)
            _ = try await BallotEntry.key(Self.body(round, for: ids), round: round.id, batch: last.number, entry: 2, ballot: n, actor: "b", scope: .city, in: t.data)
            #expect(try await BallotEntry.differences(round: round.id, batch: last.number, scope: .city, in: t.data).isEmpty)
            #expect(try await BallotEntry.entryView(round: round.id, batch: last.number, entry: 2, scope: .city, in: t.data).sentBack.isEmpty)
        }
        let flagged = min(2, last.size)
        let state = try await BallotEntry.finalise(round: round.id, batch: last.number, entry: 2, actor: "b", scope: .city, in: t.data)
        let expected = (flagged % 3 == 0) ? [] : [flagged]
        #expect(state == (expected.isEmpty ? .definitive : .differing))
        #expect(try await BallotEntry.differences(round: round.id, batch: last.number, scope: .city, in: t.data) == expected)
        // Counting cannot end with batches open or differing.
        #expect(await refused("round.batches.pending") { _ = try await Rounds.take(.finishCount, round: round.id, actor: "chair", scope: .city, in: t.data) })
        if !expected.isEmpty {
            // Sent back to entry 2: that ballot only; the counter sees the number to re-key, nothing of entry 1.
            #expect(try await BallotEntry.resolve(round: round.id, batch: last.number, ballot: flagged, .reenter(2), actor: "scrutineer", scope: .city, in: t.data)
                    .isEmpty)
            let view = try await BallotEntry.entryView(round: round.id, batch: last.number, entry: 2, scope: .city, in: t.data)
            #expect(view.finalised && view.sentBack == [flagged] && view.mine[flagged] == nil)
            if last.size > 1 {
                let other = flagged == 1 ? 2 : 1
                #expect(await refused("entry.finalised") {
                    _ = try await BallotEntry.key(Self.body(round, for: c.prefix(4)), round: round.id, batch: last.number, entry: 2, ballot: other,
                                                  actor: "b", scope: .city, in: t.data)
                })
            }
            _ = try await BallotEntry.key(Self.body(round, for: c.prefix(flagged % 3)), round: round.id, batch: last.number, entry: 2, ballot: flagged,
                                          actor: "b", scope: .city, in: t.data)
            // The scrutineer sees the re-key changed the ballot.
            let review = try await BallotEntry.review(round: round.id, batch: last.number, scope: .city, in: t.data)
            #expect(review.state == .definitive && review.rekeys.count == 1 && review.rekeys.first?.changed == true && review.rekeys.first?.number == flagged)
        }
        // The other batches: keyed alike by c and d, except one ballot the scrutineer settles by keeping entry 1.
        for batch in batches.dropLast() {
            for entry in [1, 2] {
                for n in 1...batch.size {
                    let ids = (entry == 2 && n == 7) ? c.prefix(5) : c.prefix(n % 4)
                    _ = try await BallotEntry.key(Self.body(round, for: ids), round: round.id, batch: batch.number, entry: entry, ballot: n,
                                                  actor: entry == 1 ? "c" : "d", scope: .city, in: t.data)
                }
                try await BallotEntry.finalise(round: round.id, batch: batch.number, entry: entry, actor: entry == 1 ? "c" : "d", scope: .city, in: t.data)
            }
            #expect(try await BallotEntry.differences(round: round.id, batch: batch.number, scope: .city, in: t.data) == [7])
            #expect(try await BallotEntry.resolve(round: round.id, batch: batch.number, ballot: 7, .keep(1), actor: "scrutineer", scope: .city, in: t.data).isEmpty)
        }
        #expect(try await BallotEntry.batches(of: round, in: t.data).allSatisfy { $0.state == .definitive })
        let ballots = try #require(try await BallotEntry.definitiveBallots(of: round, in: t.data))
        #expect(ballots.count == returned)
        let counted = try await Rounds.take(.finishCount, round: round.id, actor: "chair", scope: .city, in: t.data)
        #expect(counted.lifecycle.state == .counted)
        // After the count, no more keying.
        #expect(await refused("round.notCounting") {
            _ = try await BallotEntry.key(Self.body(round, for: c.prefix(1)), round: round.id, batch: 1, entry: 1, ballot: 1, actor: "c", scope: .city, in: t.data)
        })
    }

    @Test func aBallotNamesOnlyThisRoundsCandidatesAndWriteInsGoUnderAnAgainst() async throws {
        let (t, round) = try await Self.counting()
        let c = round.candidates
        func code(_ body: BallotEntry.Body) async -> String? {
            do { _ = try await BallotEntry.key(body, round: round.id, batch: 1, entry: 1, ballot: 1, actor: "a", scope: .city, in: t.data); return nil }
            catch let r as Refusal { return r.code } catch { return "\(error)" }
        }
        #expect(await code(.init(marks: ["someone-else": "for"])) == "ballot.candidate.unknown")
        #expect(await code(.init(marks: [c[0].id: "maybe"])) == "ballot.mark.unknown")
        #expect(await code(.init(marks: [c[0].id: "for"], writeIns: [.init(under: c[0].id, name: "赵志刚")])) == "ballot.writeIn.notUnderAgainst")
        #expect(await code(.init(marks: [c[0].id: "against"], writeIns: [.init(under: c[0].id, name: " ")])) == "ballot.writeIn.name")
        #expect(await code(.init(marks: [c[0].id: "for"], invalid: "撕毁")) == "ballot.body.both")
        #expect(await code(.init(invalid: "")) == "ballot.invalid.reason")
        #expect(await code(.init(marks: [c[0].id: "against"], writeIns: [.init(under: c[0].id, name: "赵志刚")])) == nil)
        #expect(await refused("batch.notFound") {
            _ = try await BallotEntry.key(.init(), round: round.id, batch: 99, entry: 1, ballot: 1, actor: "a", scope: .city, in: t.data)
        })
        #expect(await refused("batch.number.outOfRange") {
            _ = try await BallotEntry.key(.init(), round: round.id, batch: 1, entry: 1, ballot: 51, actor: "a", scope: .city, in: t.data)
        })
        #expect(await refused("entry.notFound") {
            _ = try await BallotEntry.key(.init(), round: round.id, batch: 1, entry: 3, ballot: 1, actor: "a", scope: .city, in: t.data)
        })
    }
}
