import Testing
import ElectionRules
import RuleInput

/// The round's state machine against its table (issue #13): every (state, action) pair either
/// moves where the table says or is refused with a coded error, changing nothing.
@Suite struct RoundLifecycleTests {
    /// The actions, each with parameters that pass its own checks.
    static let actions: [(name: String, action: RoundAction)] = [
        ("freeze", .freezeBallot(hash: "3f5a")),
        ("open", .openVoting(expected: 50, present: 45, quorumMet: true, issued: 45)),
        ("collect", .collect(returned: 44)),
        ("collectTooMany", .collect(returned: 46)),
        ("revote", .revote(issued: 45)),
        ("startCount", .startCount),
        ("finishCount", .finishCount(allBatchesDefinitive: true)),
        ("signOff", .signOff(chiefScrutineer: "scrutineer", chair: "chair")),
        ("announce", .announce),
        ("reopen", .reopen(reason: "监票人发现一批选票漏录")),
    ]

    /// The table, written from the issue's text: where each allowed pair leads. Pairs not listed are refused.
    static let table: [RoundState: [String: RoundState]] = [
        .draft: ["freeze": .frozen],
        .frozen: ["open": .voting, "reopen": .draft],
        .voting: ["collect": .collected, "collectTooMany": .void],
        .void: ["revote": .voting],
        .collected: ["startCount": .counting],
        .counting: ["finishCount": .counted],
        .counted: ["signOff": .signed, "reopen": .counting],
        .signed: ["announce": .announced, "reopen": .counting],
        .announced: [:],
    ]

    /// A round brought to `state` by allowed steps.
    static func round(at state: RoundState) throws -> RoundLifecycle {
        let path: [RoundState: [String]] = [
            .draft: [], .frozen: ["freeze"], .voting: ["freeze", "open"], .collected: ["freeze", "open", "collect"],
            .void: ["freeze", "open", "collectTooMany"], .counting: ["freeze", "open", "collect", "startCount"],
            .counted: ["freeze", "open", "collect", "startCount", "finishCount"],
            .signed: ["freeze", "open", "collect", "startCount", "finishCount", "signOff"],
            .announced: ["freeze", "open", "collect", "startCount", "finishCount", "signOff", "announce"],
        ]
        var round = RoundLifecycle()
        for name in path[state]! { try round.apply(actions.first { $0.name == name }!.action) }
        #expect(round.state == state)
        return round
    }

    @Test func everyStateAndActionMovesAsTheTableSaysOrIsRefusedWithACode() throws {
        var pairs = 0
        for state in RoundState.allCases {
            for (name, action) in Self.actions {
                var round = try Self.round(at: state)
                let before = round
                if let expected = Self.table[state]![name] {
                    #expect(try round.apply(action) == expected, "\(state.rawValue) + \(name)")
                } else {
                    do {
                        try round.apply(action)
                        Issue.record("\(state.rawValue) + \(name) moved to \(round.state.rawValue); the table refuses it")
                    } catch {
                        #expect(error.code == (state == .announced ? "round.announced" : "round.action.notAllowed"), "\(state.rawValue) + \(name)")
                        #expect(error.message.contains(action.name))
                        #expect(round == before)
                    }
                }
                pairs += 1
            }
        }
        #expect(pairs == RoundState.allCases.count * Self.actions.count)
    }

    @Test func eachStepChecksWhatItRecords() throws {
        func refusedCode(_ round: RoundLifecycle, _ action: RoundAction) -> String? {
            var copy = round
            do { try copy.apply(action); return nil } catch { #expect(copy == round); return error.code }
        }
        let frozen = try Self.round(at: .frozen)
        #expect(refusedCode(RoundLifecycle(), .freezeBallot(hash: "")) == "round.ballot.hashMissing")
        // Quorum is the profile's rule (RULES §2); the machine refuses voting without it.
        #expect(refusedCode(frozen, .openVoting(expected: 50, present: 39, quorumMet: false, issued: 39)) == "round.quorum.notMet")
        #expect(refusedCode(frozen, .openVoting(expected: 50, present: 40, quorumMet: true, issued: 41)) == "round.issued.outOfRange")
        #expect(refusedCode(frozen, .openVoting(expected: 50, present: 51, quorumMet: true, issued: 40)) == "round.voters.outOfRange")
        #expect(refusedCode(frozen, .openVoting(expected: 50, present: 40, quorumMet: true, issued: 0)) == "round.issued.outOfRange")
        // Nobody present: refused with a code (the random walk below once found this trapping on 1...0).
        #expect(refusedCode(frozen, .openVoting(expected: 0, present: 0, quorumMet: true, issued: 0)) == "round.issued.outOfRange")
        #expect(refusedCode(frozen, .reopen(reason: " ")) == "round.reopen.reasonMissing")
        // R = I is valid; R = I + 1 voids the round (RULES §5), which is voted again with at most P ballots.
        var exact = try Self.round(at: .voting)
        #expect(try exact.apply(.collect(returned: 45)) == .collected)
        var void = try Self.round(at: .void)
        #expect(void.returned == 46 && void.issued == 45)
        #expect(refusedCode(void, .revote(issued: 46)) == "round.issued.outOfRange")
        try void.apply(.revote(issued: 45))
        #expect(void.state == .voting && void.returned == nil && void.expected == 50 && void.present == 45)
        let counting = try Self.round(at: .counting)
        #expect(refusedCode(counting, .finishCount(allBatchesDefinitive: false)) == "round.batches.pending")
        let counted = try Self.round(at: .counted)
        #expect(refusedCode(counted, .signOff(chiefScrutineer: "li", chair: "li")) == "round.signoff.sameAccount")
        #expect(refusedCode(counted, .signOff(chiefScrutineer: "", chair: "li")) == "round.signoff.missing")
        // Reopening a signed count clears the signatures; the ballot stays frozen.
        var signed = try Self.round(at: .signed)
        #expect(signed.signedBy?.chair == "chair")
        try signed.apply(.reopen(reason: "复核发现一张选票录错"))
        #expect(signed.state == .counting && signed.signedBy == nil && signed.ballotHash == "3f5a")
    }

    /// Random walks of actions: whatever is tried, the recorded numbers stay consistent and an
    /// announced round went through the signatures of two different accounts.
    @Test func randomWalksKeepTheRecordConsistent() throws {
        var random = SplitMix64(seed: 13)
        var announced = 0
        for _ in 0..<2_000 {
            var round = RoundLifecycle()
            var sawSigned = false
            for _ in 0..<30 {
                let e = Int(random.next() % 60), p = Int(random.next() % 60), i = Int(random.next() % 60), r = Int(random.next() % 60)
                let choices: [RoundAction] = [
                    .freezeBallot(hash: random.next() % 5 == 0 ? "" : "h"), .openVoting(expected: e, present: p, quorumMet: 5 * p >= 4 * e, issued: i),
                    .collect(returned: r), .revote(issued: i), .startCount, .finishCount(allBatchesDefinitive: random.next() % 2 == 0),
                    .signOff(chiefScrutineer: random.next() % 3 == 0 ? "a" : "b", chair: "a"), .announce,
                    .reopen(reason: random.next() % 2 == 0 ? "" : "复核"),
                ]
                // Mostly the step forward (with random numbers that may not pass), sometimes anything.
                let forward: [RoundState: Int] = [.draft: 0, .frozen: 1, .voting: 2, .void: 3, .collected: 4, .counting: 5, .counted: 6, .signed: 7]
                let index = random.next() % 10 < 6 ? forward[round.state] ?? 8 : Int(random.next() % UInt64(choices.count))
                let before = round
                do { try round.apply(choices[index]) } catch { #expect(round == before) }
                if round.state == .signed { sawSigned = true }
                if let p = round.present, let e = round.expected, let i = round.issued {
                    #expect(p <= e && i <= p && i >= 1)
                }
                if [.collected, .counting, .counted, .signed, .announced].contains(round.state) {
                    #expect(round.returned! <= round.issued!)
                }
                if round.state == .void { #expect(round.returned! > round.issued!) }
                if round.state == .signed || round.state == .announced {
                    #expect(round.signedBy != nil && round.signedBy!.chiefScrutineer != round.signedBy!.chair)
                }
            }
            if round.state == .announced { #expect(sawSigned); announced += 1 }
        }
        #expect(announced > 0)
    }
}
