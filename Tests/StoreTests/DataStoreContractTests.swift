import Foundation
import Testing
import Core
import Persistence
import Audit
import Organizations
import Roster
import Accounts
import Demo
import Elections
import Nominations
import Meetings
import Documents

/// The in-memory store is only worth its speed if it answers as the database does: the same
/// feature operations run on both, and every answer (searches, lists, trees, refusals, the
/// audit chain) must be the same.
@Suite struct DataStoreContractTests {
    /// What a store answers to one fixed scenario, as comparable text.
    static func scenario(_ data: any DataStore) async throws -> [String] {
        var out: [String] = []
        let generator = DemoGenerator(memberCount: 400)
        out.append("\(try await DemoLoader.load(generator, into: data))")
        let wuling = OrganizationID(generator.unitIDs["wuling"]!), dingcheng = OrganizationID(generator.unitIDs["dingcheng"]!)
        let wulingScope = Scope.subtree(path: try #require(try await data.organizations.find(wuling)).path)

        // Searches: every filter, paging, keyset batches, scope.
        var search = MemberSearch(); search.pageSize = 7; search.page = 2
        for configure in [{ (s: inout MemberSearch) in s.gender = "女" }, { $0.maxAge = 35 }, { $0.minAge = 51; $0.maxAge = 60 },
                          { $0.status = .full }, { $0.text = "王" }, { $0.text = "武陵" }, { $0.text = "%" }] as [(inout MemberSearch) -> Void] {
            var s = search
            configure(&s)
            for scope in [Scope.city, wulingScope] {
                let page = try await MemberDirectory.search(s, scope: scope, in: data)
                out.append("search \(page.total) \(page.pageCount) " + page.members.map { "\($0.record.idNumber)@\($0.record.organization)" }.joined(separator: ","))
            }
        }
        var cursor: MemberCursor?, exported: [String] = []
        repeat {
            let batch = try await MemberDirectory.batch(MemberSearch(), scope: .city, after: cursor, size: 97, in: data)
            exported += batch.records.map(\.idNumber)
            cursor = batch.next
        } while cursor != nil
        out.append("export \(exported.count) \(exported.joined(separator: ","))")
        out.append("figures \(try await MemberDirectory.figures(scope: wulingScope, in: data))")

        // The tree and its changes, with the refusals they meet.
        let committee = try await OrganizationEditor.create(name: "中共武陵区测试委员会", kind: .committee, parentID: wuling, actor: "t", scope: wulingScope, in: data)
        let branch = try await OrganizationEditor.create(name: "中共武陵区测试第一支部委员会", kind: .branch, parentID: committee.id, actor: "t", scope: wulingScope, in: data)
        for attempt in [{ try await OrganizationEditor.create(name: "中共武陵区测试委员会", kind: .branch, parentID: wuling, actor: "t", scope: .city, in: data) },
                        { try await OrganizationEditor.create(name: "中共某某委员会", kind: .committee, parentID: branch.id, actor: "t", scope: .city, in: data) },
                        { try await OrganizationEditor.create(name: "中共某某委员会", kind: .branch, parentID: dingcheng, actor: "t", scope: wulingScope, in: data) }]
            as [() async throws -> OrganizationRecord] {
            do { _ = try await attempt(); out.append("created?!") } catch let refusal as Refusal { out.append("refused \(refusal.code)") }
        }
        try await OrganizationEditor.move(committee.id, under: dingcheng, actor: "t", scope: .city, in: data)
        let moved = try #require(try await data.organizations.find(branch.id))
        out.append("moved \(moved.path.hasPrefix(try #require(try await data.organizations.find(dingcheng)).path))")
        try await OrganizationEditor.close(branch.id, actor: "t", scope: .city, in: data)
        out.append("tree " + (try await OrganizationTree.load(scope: .city, in: data)).map { "\($0.organization.name):\($0.depth):\($0.members):\($0.organizations):\($0.organization.closed)" }.joined(separator: ","))

        // An import that fails changes nothing; one that succeeds is all there.
        var records = Array(generator.rosterRecords().prefix(3))
        for i in records.indices { records[i].organization = "中共武陵区测试新支部委员会" }
        do {
            try await RosterImporter.commit(RosterFile.csv(records), fileName: "again.csv", actor: "t", scope: .city, createUnder: committee.id, in: data)
            out.append("imported duplicates?!")
        } catch let refused as RosterImportRefused {
            out.append("import refused " + refused.check.problems.map(\.code).joined(separator: ","))
        }
        out.append("members after refusal \(try await data.members.count()) organizations \(try await data.organizations.count(in: .city))")

        // Accounts: create, the refusals, reset; sessions end with a reset.
        let admin = AccountRecord(username: "admin", passwordHash: "x", displayName: "管理员", role: .systemAdmin, organizationID: nil)
        try await data.accounts.insert(admin)
        let (unit, _) = try await AccountAdmin.create(.init(username: "wuling1", displayName: "武陵", role: .unitAdmin, organizationID: wuling),
                                                      by: admin, hash: { "h:" + $0 }, in: data)
        for new in [AccountAdmin.NewAccount(username: "wuling1", displayName: "重名", role: .readOnly, organizationID: wuling),
                    .init(username: "x", displayName: "短", role: .readOnly, organizationID: wuling),
                    .init(username: "nobody", displayName: "无组织", role: .counter, organizationID: nil)] {
            do { _ = try await AccountAdmin.create(new, by: admin, hash: { $0 }, in: data); out.append("account?!") }
            catch let refusal as Refusal { out.append("refused \(refusal.code)") }
        }
        try await SessionStore.create(cookie: "c1", data: ["k": "v"], accountID: unit.id, policy: .init(), in: data)
        _ = try await AccountAdmin.resetPassword(of: unit.id, by: admin, hash: { "h:" + $0 }, in: data)
        out.append("sessions \(try await SessionStore.count(in: data)) scope \(String(describing: try await Accounts.scope(of: unit, in: data)))")
        out.append("accounts " + (try await Accounts.list(in: data)).map { "\($0.account.username):\($0.account.role.rawValue):\($0.organization):\($0.account.mustChangePassword)" }.joined(separator: ","))

        // The candidate process: setup, quotas, nominations, stages, a list move, vetting with a file.
        let election = try await ElectionSetup.create(.init(name: "契约测试选举", organizationID: OrganizationID(generator.cityID), profile: .localCongress,
                                                            seats: 10, marginRatio: Ratio(1,
                                                                                          5), referenceDate: "2026-09-01"), actor: "d", scope: .city, in: data)
        var plan = QuotaAllocation.Plan(); plan.minimum = 1
        let quotas = try await QuotaAllocation.apply(election.id, plan: plan, actor: "d", scope: .city, in: data)
        out.append("quotas " + quotas.rows.map { "\($0.name):\($0.members):\($0.organizations):\($0.places)" }.joined(separator: ","))
        var full = MemberSearch(); full.status = .full; full.pageSize = 3
        var nominated: [CandidacyID] = []
        for member in try await data.members.search(full, in: wulingScope).members {
            nominated.append(try await Nominations.nominate(member.id, in: election.id, supportOrganizations: 1, supportMembers: 9, actor: "w",
                                                            scope: wulingScope, in: data).id)
        }
        try await Nominations.move(nominated[0], to: .preliminary, actor: "w", scope: wulingScope, in: data)
        try await Nominations.move(nominated[1], to: .withdrawn, reason: "本人申请", actor: "w", scope: wulingScope, in: data)
        do { _ = try await Nominations.moveList(of: wuling, in: election.id, to: .preliminary, actor: "w", scope: wulingScope, in: data); out.append("moved") }
        catch let refusal as Refusal { out.append("list refused \(refusal.code)") }
        try await Vetting.record(nominated[0], department: .discipline, verdict: .clear, opinion: "未发现问题", date: "2026-08-28",
                                 attachments: [.init(name: "函.txt", content: Data("函复".utf8))], actor: "d", scope: .city, in: data)
        let vetted = try await Vetting.view(nominated[0], actor: "d", scope: .city, in: data)
        out.append("vetting " + vetted.opinions.map { "\($0.department.rawValue):\($0.verdict.rawValue):\($0.attachments.map(\.name))" }.joined() + " missing \(vetted.missing.count)")
        let file = try await Vetting.attachment(vetted.opinions[0].attachments[0].id, actor: "d", scope: .city, in: data)
        out.append("file \(file.name) \(file.content.count)")
        // The upload quota counts the attachments the account gave and the rosters it staged.
        _ = try await StagedImports.stage(Data("姓名,性别\n".utf8), fileName: "名册.csv", username: "d", scope: .city, in: data)
        out.append("usage d \(try await data.files.usage(of: "d")) w \(try await data.files.usage(of: "w"))")
        do {
            try await Vetting.record(nominated[0], department: .audit, verdict: .clear, opinion: "未发现问题", date: "2026-08-28",
                                     attachments: [.init(name: "函2.txt", content: Data("函复二".utf8))], actor: "d", scope: .city, quota: 24, in: data)
            out.append("over quota?!")
        } catch let refusal as Refusal { out.append("quota refused \(refusal.code) \(refusal.field ?? "")") }
        out.append("candidates " + (try await Nominations.list(election.id, scope: .city, in: data))
            .map { "\($0.member.record.name):\($0.candidacy.stage.rawValue):\($0.candidacy.reason)" }.joined(separator: ","))

        // Participation and the election meeting: a report, check-ins (one refused twice), an exclusion, an officer.
        let row = try #require(try await Participation.units(election.id, scope: wulingScope, in: data).first)
        try await Participation.record(unit: wuling, in: election.id, organizations: row.grassroots, members: 1, actor: "w", scope: wulingScope, in: data)
        out.append("participation " + (try await Participation.units(election.id, scope: .city, in: data))
            .map { "\($0.unit):\($0.grassroots):\($0.memberCount):\($0.report?.organizations ?? -1)" }.joined(separator: ","))
        var voters = MemberSearch(); voters.status = .full; voters.pageSize = 4
        let town = try await data.members.search(voters, in: .city).members
        for member in town.prefix(2) {
            try await MeetingAttendance.checkIn(election.id, query: member.record.idNumber, actor: "door", scope: .city, in: data)
        }
        do { try await MeetingAttendance.checkIn(election.id, query: town[0].record.idNumber, actor: "door", scope: .city, in: data); out.append("twice?!") }
        catch let refusal as Refusal { out.append("refused \(refusal.code)") }
        try await MeetingAttendance.exclude(election.id, member: town[2].id, reason: .serving, approvedBy: "上级批准", meetingVote: "大会通过", actor: "c", scope: .city, in: data)
        try await MeetingOfficials.appoint(election.id, member: town[3].id, role: .chiefScrutineer, approval: "大会通过", actor: "c", scope: .city, in: data)
        let attendance = try await MeetingAttendance.summary(election.id, scope: .city, in: data)
        out.append("meeting \(attendance.voters) \(attendance.expected) \(attendance.present) \(attendance.quorumMet) "
                   + (try await MeetingOfficials.list(election.id, scope: .city, in: data)).map { "\($0.official.role.rawValue):\($0.member.record.name)" }.joined())

        var standing = MemberSearch(); standing.status = .full; standing.pageSize = 16
        let people = try await data.members.search(standing, in: .city).members.suffix(12).map(\.id)
        let round = try await Rounds.create(election.id, kind: .formal, seats: 10, candidates: Array(people), actor: "c", scope: .city, in: data)
        let frozen = try await Rounds.take(.freeze, round: round.id, actor: "c", scope: .city, in: data)
        out.append("round \(frozen.number) \(frozen.lifecycle.state.rawValue) \(frozen.lifecycle.ballotHash ?? "") "
                   + (try await data.meetings.rounds(of: election.id)).map { $0.candidates.map(\.name).joined(separator: ",") }.joined())

        // The audit chain holds, and lists the same events.
        out.append("audit \(try await AuditLog.verify(in: data).entries) " + (try await AuditLog.page(1, size: 500, in: data)).entries.map(\.action).joined(separator: ","))
        return out
    }

    @Test func memoryAndSQLiteAnswerAlike() async throws {
        let (memory, sqlite) = try await onMemoryAndSQLite(Self.scenario)
        #expect(memory.count == sqlite.count)
        for (m, s) in zip(memory, sqlite) { #expect(m == s) }
        // The scenario is not vacuous: it found people, refused what it should, and audited.
        #expect(memory.contains { $0.hasPrefix("search ") && !$0.hasPrefix("search 0 ") })
        #expect(memory.filter { $0.hasPrefix("refused ") }.count == 7 && memory.contains("refused checkIn.duplicate"))
        let meeting = try #require(memory.first { $0.hasPrefix("meeting ") }).split(separator: " ")
        #expect(Int(meeting[1])! == Int(meeting[2])! + 1 && meeting[3] == "2" && meeting[5].hasPrefix("总监票人:"))   // E = voters − 1 excluded; P = 2
        #expect(memory.contains { $0.hasPrefix("sessions 0 ") })   // the reset ended the session
        #expect(memory.contains { $0.hasPrefix("import refused roster.idNumber.onRoster") })
        // 函复 (6 bytes) and the staged 名册 (14 bytes) are d's; 函复二 (9 more) would pass 24.
        #expect(memory.contains("usage d 20 w 0") && memory.contains("quota refused upload.quota attachments"))
    }

    @Test func aFailedWriteLeavesTheMemoryStoreAsItWas() async throws {
        let data = MemoryDataStore()
        struct Stop: Error {}
        do {
            try await data.write { data in
                try await data.organizations.insert([OrganizationRecord(id: OrganizationID(UUID()), name: "中共测试委员会", kind: .cityCommittee, parentID: nil, path: "/x/")])
                try await AuditLog.append(.organizationCreated, actor: "t", object: "o", in: data)
                throw Stop()
            }
        } catch is Stop {}
        #expect(try await data.organizations.count(in: .city) == 0)
        #expect(try await data.audit.count() == 0)
    }
}

/// Databases made before the layout split recorded their migrations as "Store.…": the names
/// must not change, or Fluent would run the schema again on an existing database.
@Test func migrationsKeepTheNamesExistingDatabasesRecorded() {
    #expect(StoreMigrations.all.map(\.name) == ["Store.CreateCoreSchema", "Store.CreateImportStaging", "Store.AddMemberSortKey",
                                                 "Store.AddPasswordChangeFlag", "Store.AddAccountDisabled", "Store.CreateSessions",
                                                 "Store.CreateLoginAttempts", "Store.CreateAuditCheckpoints", "Store.CreateColumnMaps",
                                                 "Store.AddElectionSetup", "Store.CreateCandidacies",
                                                 "Store.CreateVetting", "Store.AddCandidacyCategory", "Store.CreateParticipation", "Store.CreateMeetingAttendance", "Store.CreateRounds", "Store.CreateBallotEntry", "Store.AddSeatReduction", "Store.AddRoundOrigin", "Store.AddCandidacyNotice",
                                                 "Store.MoveUploadsToStoredFiles", "Store.AddElectoralUnits",
                                                 "Store.CreateDelegates"])
}
