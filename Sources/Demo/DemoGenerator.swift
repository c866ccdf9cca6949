import Foundation
import Core
import Documents

/// Deterministic synthetic roster: the same member count gives the same data every time.
public struct DemoGenerator: Sendable {
    public struct OrganizationRow: Sendable {
        public let id: UUID
        public let name: String
        public let kind: OrganizationKind
        public let parentID: UUID?
        public let path: String
    }

    public struct MemberRow: Sendable {
        public let id: UUID
        public let name: String
        public let gender: String
        public let ethnicity: String
        public let idNumber: String
        public let birthDate: String
        public let joinDate: String
        public let status: String
        public let organizationID: UUID
        public let position: String
        public let category: String
        public let title: String
        public let titleLevel: String
        public let honours: String
        public let npcDeputy: Bool
        public let cppccMember: Bool

        public func record(organizationName: String) -> RosterRecord {
            var r = RosterRecord()
            r.name = name; r.gender = gender; r.ethnicity = ethnicity; r.idNumber = idNumber
            r.birthDate = birthDate; r.joinDate = joinDate; r.status = status; r.organization = organizationName
            r.position = position; r.category = category; r.title = title; r.titleLevel = titleLevel
            r.honours = RosterRecord.honours(fromJSON: honours); r.npcDeputy = npcDeputy; r.cppccMember = cppccMember
            return r
        }
    }

    public let memberCount: Int
    public private(set) var organizations: [OrganizationRow] = []
    /// Member slots per branch, in order: branch i receives `branchSizes[i]` members.
    public private(set) var branches: [(id: UUID, regionCode: String, share: Int)] = []
    public private(set) var unitIDs: [String: UUID] = [:]
    public private(set) var cityID = UUID()
    public private(set) var townID = UUID()

    public init(memberCount: Int) {
        self.memberCount = memberCount
        var rng = DemoRandom(seed: 20_260_901)
        var ids = IDSource(rng: DemoRandom(seed: 7))
        cityID = ids.next()
        organizations.append(OrganizationRow(id: cityID, name: DemoScenario.cityName, kind: .cityCommittee, parentID: nil, path: "/\(cityID)/"))
        let totalWeight = DemoScenario.units.reduce(0) { $0 + $1.share } + DemoScenario.townShare
        var assigned = 0
        var groups: [(parent: UUID, path: String, prefix: String, region: String, members: Int, isTown: Bool)] = []
        for unit in DemoScenario.units {
            let id = ids.next()
            unitIDs[unit.key] = id
            let path = "/\(cityID)/\(id)/"
            let name = unit.key == "shizhi" ? "中共常德市直机关工作委员会" : "中共\(unit.name)委员会"
            organizations.append(OrganizationRow(id: id, name: name, kind: .unitCommittee, parentID: cityID, path: path))
            let members = Int(Double(memberCount) * unit.share / totalWeight)
            assigned += members
            groups.append((id, path, unit.name, unit.regionCode, members, false))
        }
        // The town is its own tree (speech 1 is a different place); it takes the remainder.
        townID = ids.next()
        organizations.append(OrganizationRow(id: townID, name: DemoScenario.townName, kind: .committee, parentID: nil, path: "/\(townID)/"))
        groups.append((townID, "/\(townID)/", "泥城镇", DemoScenario.townRegionCode, memberCount - assigned, true))

        for group in groups {
            let branchCount = max(1, group.members / 40)
            var perBranch = [Int](repeating: group.members / branchCount, count: branchCount)
            for k in 0..<(group.members % branchCount) { perBranch[k] += 1 }
            var made = 0
            // The town committee holds its branches itself; city units get 党委 of about 12 branches,
            // named as such units are: towns, streets and bureaus in a county, bureaus' 机关 in 市直.
            let isTown = group.isTown, isCityOrgans = group.parent == unitIDs["shizhi"]
            let committees = isTown ? 1 : min(max(1, branchCount / 12), isCityOrgans ? DemoPlaces.bureaus.count : Int.max)
            // 市直 committees are the city's bureaus: 中共常德市教育局机关委员会.
            let prefix = isCityOrgans ? "常德" : group.prefix
            for c in 0..<committees {
                let committeeID: UUID, committeePath: String
                let committee = isTown ? DemoPlaces.Committee(label: "", branches: .villages)
                    : isCityOrgans ? DemoPlaces.cityOrgans(c) : DemoPlaces.countyCommittee(c)
                if isTown {
                    committeeID = group.parent; committeePath = group.path
                } else {
                    committeeID = ids.next()
                    committeePath = group.path + "\(committeeID)/"
                    organizations.append(OrganizationRow(id: committeeID, name: "中共\(prefix)\(committee.label)委员会", kind: .committee, parentID: group.parent, path: committeePath))
                }
                let branchesHere = branchCount / committees + (c < branchCount % committees ? 1 : 0)
                let generalID = ids.next()
                let generalPath = committeePath + "\(generalID)/"
                organizations.append(OrganizationRow(id: generalID, name: "中共\(prefix)\(committee.label)第一总支部委员会", kind: .generalBranch, parentID: committeeID, path: generalPath))
                for b in 0..<branchesHere {
                    let branchID = ids.next()
                    organizations.append(OrganizationRow(id: branchID, name: "中共\(prefix)\(committee.label)\(committee.branches.name(b))支部委员会", kind: .branch, parentID: generalID, path: generalPath + "\(branchID)/"))
                    branches.append((branchID, group.region, perBranch[made]))
                    made += 1
                }
            }
        }
    }

    /// Members, generated lazily in branch order, so a loader can stream them in batches.
    public func members() -> Members { Members(generator: self) }

    /// The generated members as roster-file records, naming their organizations.
    public func rosterRecords() -> some Sequence<RosterRecord> {
        let names = Dictionary(organizations.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return members().lazy.map { $0.record(organizationName: names[$0.organizationID] ?? "") }
    }

    public func forEachMember(_ body: (MemberRow) throws -> Void) rethrows {
        for member in members() { try body(member) }
    }

    public struct Members: Sequence, IteratorProtocol {
        let generator: DemoGenerator
        var rng = DemoRandom(seed: 1_921_0701)
        var ids = IDSource(rng: DemoRandom(seed: 11))
        // How many IDs each (region, birth date) already has: the 3-digit sequence is unique.
        var issued: [String: Int] = [:]
        var branch = 0
        var madeInBranch = 0

        public mutating func next() -> MemberRow? {
            while branch < generator.branches.count && madeInBranch == generator.branches[branch].share {
                branch += 1
                madeInBranch = 0
            }
            guard branch < generator.branches.count else { return nil }
            madeInBranch += 1
            let here = generator.branches[branch]
            return generator.makeMember(&rng, id: ids.next(), issued: &issued, organization: here.id, region: here.regionCode)
        }
    }

    func makeMember(_ rng: inout DemoRandom, id: UUID, issued: inout [String: Int], organization: UUID, region: String) -> MemberRow {
        let female = rng.chance(0.31)
        let ethnicity = DemoNames.pick(DemoNames.ethnicities, &rng)
        let name = DemoNames.name(female: female, ethnicity: ethnicity, &rng)
        let age = 22 + Int(rng.next() % 64)
        let birthYear = 2026 - age - (rng.chance(0.67) ? 0 : 1)
        let birthMonth = 1 + Int(rng.next() % 12), birthDay = 1 + Int(rng.next() % 28)
        let joinYear = min(2025, birthYear + 19 + Int(rng.next() % UInt64(max(1, min(age - 18, 40)))))
        let birth = String(format: "%04d-%02d-%02d", birthYear, birthMonth, birthDay)
        let join = String(format: "%04d-%02d-%02d", joinYear, 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
        let roll = rng.next() % 1000
        let status = (roll < 4 ? MemberStanding.disciplinaryProbation : roll < 64 ? .probationary : .full).rawValue
        let category = DemoNames.pick(DemoNames.categories, &rng)
        let (title, level) = category == "专业技术人员" ? DemoNames.pick(DemoNames.titles, &rng) : ("", "")
        var honours = "[]"
        if category == "先进模范人物" || rng.chance(0.02) {
            let (honour, honourLevel) = DemoNames.pick(DemoNames.honours, &rng)
            honours = #"[{"name":"\#(honour)","level":"\#(honourLevel)","year":\#(2012 + Int(rng.next() % 14))}]"#
        }
        let position: String
        switch category {
        case "领导干部": position = DemoNames.pick(DemoNames.leaderPositions, &rng)
        case "专业技术人员": position = DemoNames.pick(DemoNames.professionalPositions, &rng)
        case "离退休人员": position = "退休"
        default: position = DemoNames.pick(DemoNames.positions, &rng)
        }
        let dayKey = region + birth.replacingOccurrences(of: "-", with: "")
        let order = issued[dayKey, default: 0]
        issued[dayKey] = order + 1
        precondition(order < 440, "too many members born on one day in one region")
        let sequence = 110 + order * 2 + (female ? 0 : 1)   // the 17th digit: odd = male, even = female
        let unique = dayKey + String(format: "%03d", sequence)
        return MemberRow(id: id, name: name, gender: female ? "女" : "男", ethnicity: ethnicity,
                         idNumber: unique + String(IDNumber.checkCharacter(for: unique)),
                         birthDate: birth, joinDate: join, status: status, organizationID: organization,
                         position: position, category: category, title: title, titleLevel: level, honours: honours,
                         npcDeputy: rng.chance(0.002), cppccMember: rng.chance(0.002))
    }
}

public typealias DemoRandom = SplitMix64

extension SplitMix64 {
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) < p * 1_000_000 }
}

/// Deterministic UUIDs, so the demo database is the same for the same N.
struct IDSource {
    var rng: DemoRandom
    mutating func next() -> UUID {
        let a = rng.next(), b = rng.next()
        return UUID(uuid: (UInt8(a >> 56 & 0xff), UInt8(a >> 48 & 0xff), UInt8(a >> 40 & 0xff), UInt8(a >> 32 & 0xff),
                           UInt8(a >> 24 & 0xff), UInt8(a >> 16 & 0xff), UInt8((a >> 8 & 0x0f) | 0x40), UInt8(a & 0xff),
                           UInt8((b >> 56 & 0x3f) | 0x80), UInt8(b >> 48 & 0xff), UInt8(b >> 40 & 0xff), UInt8(b >> 32 & 0xff),
                           UInt8(b >> 24 & 0xff), UInt8(b >> 16 & 0xff), UInt8(b >> 8 & 0xff), UInt8(b & 0xff)))
    }
}
