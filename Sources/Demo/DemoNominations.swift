import Foundation
import Core
import Persistence
import Elections
import Nominations

/// The candidate process as a first-time user should meet it (issue #12): every unit of the
/// city's election has nominated as many full members as it has places, through the same
/// operations a unit uses; most units have reported their preliminary list; 津市市 nominated
/// men only, so its list is held back by the women requirement, then nominated a minority woman
/// too, which the planner takes in; the city's list as a whole misses guidance targets; every
/// unit but 安乡县 has reported its participation, 石门县 below 95%. Written only where the roster exists.
public enum DemoNominations {
    public struct Counts: Sendable, Equatable {
        public var nominated = 0; public var preliminary = 0; public var blockedUnits: [String] = []; public var opinions = 0
        /// Units that reported how many organizations and members took part, and those below the 95% share.
        public var participationReported = 0; public var belowShare: [String] = []
    }

    public static func load(_ generator: DemoGenerator, into data: any DataStore, actor: String = "demo") async throws -> Counts {
        guard let election = try await data.elections.all().first(where: { $0.organizationID.uuid == generator.cityID }) else { return Counts() }
        var counts = Counts()
        let quotas = try await data.elections.quotas(of: election.id)
        for unit in DemoScenario.units {
            guard let unitID = generator.unitIDs[unit.key], let places = quotas.first(where: { $0.organizationID.uuid == unitID })?.places,
                  let organization = try await data.organizations.find(OrganizationID(unitID)) else { continue }
            let menOnly = unit.key == "jinshi"
            var search = MemberSearch()
            search.status = .full
            search.maxAge = 50
            search.referenceDate = election.referenceDate
            search.pageSize = 2_000
            let pool = try await data.members.search(search, in: .subtree(path: organization.path)).members
            let women = pool.filter { $0.record.gender == "女" }, minorities = pool.filter { $0.record.ethnicity != "汉族" && $0.record.gender == "男" }
            let men = pool.filter { $0.record.gender == "男" && $0.record.ethnicity == "汉族" }
            let needWomen = menOnly ? 0 : (places + 4) / 5, needMinority = menOnly ? 0 : (places * 11 + 99) / 100
            var chosen = Array(women.prefix(needWomen)) + Array(minorities.prefix(needMinority))
            chosen += men.filter { m in !chosen.contains { $0.id == m.id } }.prefix(max(0, places - chosen.count))
            for (i, member) in chosen.prefix(places).enumerated() {
                try await Nominations.nominate(member.id, in: election.id, supportOrganizations: 3 + i % 7, supportMembers: 40 + 13 * i,
                                               actor: actor, scope: .city, in: data)
                counts.nominated += 1
            }
            do {
                counts.preliminary += try await Nominations.moveList(of: OrganizationID(unitID), in: election.id, to: .preliminary, actor: actor,
                                                                    scope: .city, in: data).moved.count
            } catch let refusal as Refusal where refusal.code == "nomination.list.mandatoryUnmet" {
                counts.blockedUnits.append(organization.name)
                // Told why, the unit nominates a woman of a minority as well: its list is now one
                // too long to move on, and the planner shows which three it would take.
                if let woman = pool.first(where: { $0.record.gender == "女" && $0.record.ethnicity != "汉族" }) {
                    try await Nominations.nominate(woman.id, in: election.id, supportOrganizations: 6, supportMembers: 150, actor: actor, scope: .city, in: data)
                    counts.nominated += 1
                }
            }
        }
        // Some are vetted: 武陵区's whole list by every department, the first five of 市直 by their units and 纪检.
        let entries = try await Nominations.list(election.id, scope: .city, in: data).filter { $0.candidacy.stage == .preliminary }
        let wuling = entries.filter { $0.candidacy.unitID.uuid == generator.unitIDs["wuling"] }
        let shizhi = entries.filter { $0.candidacy.unitID.uuid == generator.unitIDs["shizhi"] }.prefix(5)
        for (entry, departments) in wuling.map({ ($0, VettingDepartment.allCases) }) + shizhi.map({ ($0, [VettingDepartment.unit, .discipline]) }) {
            for department in departments {
                try await Vetting.record(entry.candidacy.id, department: department, verdict: .clear,
                                         opinion: department == .unit ? "政治坚定，工作实绩突出，群众基础好" : "经查，未发现问题",
                                         date: "2026-08-2\(6 + counts.opinions % 3)", actor: actor, scope: .city, in: data)
                counts.opinions += 1
            }
        }
        // Every unit but 安乡县 has reported its participation; 石门县's share falls short of 95%.
        for row in try await Participation.units(election.id, scope: .city, in: data) where row.unitID.uuid != generator.unitIDs["anxiang"] {
            let short = row.unitID.uuid == generator.unitIDs["shimen"]
            let organizations = short ? row.grassroots * 9 / 10 : row.grassroots - row.grassroots / 40
            try await Participation.record(unit: row.unitID, in: election.id, organizations: organizations, members: row.memberCount * 87 / 100,
                                           actor: actor, scope: .city, in: data)
            counts.participationReported += 1
            if !Participation.meetsTarget(Ratio(organizations, max(1, row.grassroots))) { counts.belowShare.append(row.unit) }
        }
        return counts
    }
}
