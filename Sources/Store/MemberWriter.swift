import Foundation
import FluentKit
import SQLKit
import Documents
import NameOrder

/// Multi-row inserts of members, shared by the demo loader and the roster import.
enum MemberWriter {
    /// Rows per INSERT: 17 columns × 1,000 rows stays under SQLite's and PostgreSQL's bind limits.
    static let batchSize = 1_000

    static let columns = ["id", "name", "gender", "ethnicity", "id_number", "birth_date", "join_date", "status", "organization_id",
                          "position", "category", "title", "title_level", "honours", "npc_deputy", "cppcc_member", "sort_key"]
    static let nameOrder = NameOrder()

    typealias Row = [any Encodable & Sendable]

    /// Ids for a bulk insert in increasing order (UUID version 7: milliseconds since 1970, then
    /// random bits), so the primary-key index grows at its end instead of taking each new row
    /// at a random place.
    struct OrderedIDs {
        private var generator = SystemRandomNumberGenerator()
        private var counter: UInt32 = 0
        private let millis = UInt64(Date().timeIntervalSince1970 * 1000)

        mutating func next() -> UUID {
            counter &+= 1
            let c = counter, random = generator.next() as UInt64
            var b = [UInt8](repeating: 0, count: 16)
            for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - i))) }
            // A 32-bit sequence around the version and variant bits keeps one import's ids in
            // insertion order; the rest is random.
            b[6] = 0x70 | UInt8(truncatingIfNeeded: c >> 28 & 0x0F)
            b[7] = UInt8(truncatingIfNeeded: c >> 20)
            b[8] = 0x80 | UInt8(truncatingIfNeeded: c >> 14 & 0x3F)
            b[9] = UInt8(truncatingIfNeeded: c >> 6)
            b[10] = UInt8(truncatingIfNeeded: (c & 0x3F) << 2) | UInt8(truncatingIfNeeded: random & 0x03)
            for i in 11..<16 { b[i] = UInt8(truncatingIfNeeded: random >> (8 * (i - 10))) }
            return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
        }
    }

    static func insert(_ rows: ArraySlice<Row>, on sql: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        var insert = sql.insert(into: Member.schema).columns(columns)
        for row in rows { insert = insert.values(row) }
        try await insert.run()
    }

    static func row(_ record: RosterRecord, id: UUID, organizationID: UUID) -> Row {
        [id, record.name, record.gender, record.ethnicity, record.idNumber, record.birthDate, record.joinDate, record.status,
         organizationID, record.position, record.category, record.title, record.titleLevel, record.honoursJSON,
         record.npcDeputy, record.cppccMember, nameOrder.key(record.name).storageText]
    }
}

extension Member {
    /// The member as the roster file writes them, with the organization's full name.
    public func record(organizationName: String) -> RosterRecord {
        var record = RosterRecord()
        record.name = name; record.gender = gender; record.ethnicity = ethnicity; record.idNumber = idNumber
        record.birthDate = birthDate; record.joinDate = joinDate; record.status = status; record.organization = organizationName
        record.position = position; record.category = category; record.title = title; record.titleLevel = titleLevel
        record.honours = RosterRecord.honours(fromJSON: honours)
        record.npcDeputy = npcDeputy; record.cppccMember = cppccMember
        return record
    }

    func apply(_ record: RosterRecord, organizationID: UUID) {
        name = record.name; gender = record.gender; ethnicity = record.ethnicity; idNumber = record.idNumber
        birthDate = record.birthDate; joinDate = record.joinDate; status = record.status; self.organizationID = organizationID
        position = record.position; category = record.category; title = record.title; titleLevel = record.titleLevel
        honours = record.honoursJSON; npcDeputy = record.npcDeputy; cppccMember = record.cppccMember
        sortKey = MemberWriter.nameOrder.key(record.name).storageText
    }
}

/// Open organizations by their full name, for files that name them; with each one's path for
/// the scope check. A file loads them all once; a form asks for its one name.
struct OrganizationDirectory {
    let byName: [String: Organization]

    /// Names that name no organization at all (closed ones exist: those are refused, not created).
    let unknown: Set<String>

    /// Only the organizations with these names (an import names a few hundred, not the whole tree).
    static func load(names: Set<String>, on database: any Database) async throws -> OrganizationDirectory {
        var found: [Organization] = []
        let all = Array(names)
        for start in stride(from: 0, to: all.count, by: 500) {
            found += try await Organization.query(on: database).filter(\.$name ~~ Array(all[start..<min(all.count, start + 500)])).all()
        }
        let open = found.filter { !$0.closed }
        return OrganizationDirectory(byName: Dictionary(open.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
                                     unknown: names.subtracting(found.map(\.name)))
    }

    func isUnknown(_ name: String) -> Bool { unknown.contains(name) && !name.isEmpty }

    /// The organization, or why it cannot take members from this user.
    func resolve(_ name: String, scopePath: String?) -> Result<Organization, StoreError> {
        Self.check(byName[name], name: name, scopePath: scopePath)
    }

    /// The same answer for a single name, with one query instead of the whole tree.
    static func resolve(_ name: String, scopePath: String?, on database: any Database) async throws -> Result<Organization, StoreError> {
        let found = try await Organization.named(name, on: database)
        return check(found?.closed == false ? found : nil, name: name, scopePath: scopePath)
    }

    static func check(_ organization: Organization?, name: String, scopePath: String?) -> Result<Organization, StoreError> {
        guard let organization else {
            return .failure(.invalid("没有名为「\(name)」的党组织（或已撤销），请写党组织全称，与「党组织」页面一致"))
        }
        if let scopePath, !organization.path.hasPrefix(scopePath) {
            return .failure(.invalid("「\(name)」不在您的管理范围内"))
        }
        return .success(organization)
    }
}

extension Organization {
    /// The organization with this full name (names are unique), open or closed.
    public static func named(_ name: String, on database: any Database) async throws -> Organization? {
        try await Organization.query(on: database).filter(\.$name == name).first()
    }
}
