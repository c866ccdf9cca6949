import Foundation
import Vapor
import Core
import Persistence
import Audit
import Roster
import Documents

struct MemberListPage: Encodable {
    struct Row: Encodable {
        let id: String, name: String, gender: String, ethnicity: String, idNumber: String
        let birthDate: String, status: String, organization: String, category: String
    }
    struct Option: Encodable { let value: String; let selected: Bool }
    let q: String
    let statuses: [Option], genders: [Option], ethnicities: [Option], categories: [Option], ageBands: [Option]
    let rows: [Row]
    let total: Int, page: Int, pageCount: Int
    let previousQuery: String?, nextQuery: String?
    /// The current filters, for the export links.
    let filterQuery: String
    let canEdit: Bool, canExport: Bool
}

struct MemberDetailPage: Encodable {
    let id: String
    let record: RosterRecord.View
    let idNumber: String
    let canEdit: Bool
}

struct MemberEditPage: Encodable {
    let id: String
    let record: RosterRecord.View
    let problems: [String]
    let statuses: [String]
}

extension RosterRecord {
    /// The record as the pages show it (honours as one line, flags as 是/否).
    struct View: Encodable {
        let name: String, gender: String, ethnicity: String, idNumber: String, birthDate: String, joinDate: String
        let status: String, organization: String, position: String, category: String, title: String, titleLevel: String
        let honours: String, npcDeputy: Bool, cppccMember: Bool
    }
    var view: View { View(cells: RosterFile.cells(self)) }
}

extension RosterRecord.View {
    /// From cells in the roster file's column order (as typed, when a form comes back with problems).
    init(cells c: [String]) {
        self.init(name: c[0], gender: c[1], ethnicity: c[2], idNumber: c[3], birthDate: c[4], joinDate: c[5], status: c[6],
                  organization: c[7], position: c[8], category: c[9], title: c[10], titleLevel: c[11], honours: c[12],
                  npcDeputy: c[13] == "是", cppccMember: c[14] == "是")
    }
}

/// The member form's fields, named as the record's.
struct MemberForm: Content {
    var name: String, gender: String, ethnicity: String, idNumber: String, birthDate: String, joinDate: String
    var status: String, organization: String, position: String, category: String, title: String, titleLevel: String
    var honours: String
    var npcDeputy: String?, cppccMember: String?

    /// The fields in the roster file's column order, to go through the file's row checks.
    var cells: [String] {
        [name, gender, ethnicity, idNumber, birthDate, joinDate, status, organization, position, category,
         title, titleLevel, honours, npcDeputy == "on" ? "是" : "否", cppccMember == "on" ? "是" : "否"]
    }
}

enum RosterRoutes {
    static let statuses = MemberStanding.allCases.map(\.rawValue)
    static let genders = ["男", "女"]
    static let ethnicities = ["汉族", "土家族", "回族", "苗族", "维吾尔族", "白族", "侗族"]
    static let categories = ["领导干部", "专业技术人员", "先进模范人物", "一线工人", "农民", "企业管理人员", "机关工作人员", "离退休人员"]
    static let ageBands: [(label: String, min: Int?, max: Int?)] = [("35岁以下", nil, 35), ("36至50岁", 36, 50), ("51至60岁", 51, 60), ("61岁以上", 61, nil)]
    static let filterKeys = ["q", "status", "gender", "ethnicity", "category", "age"]

    static func register(_ routes: any RoutesBuilder) {
        routes.get("members", use: list)
        routes.get("members", "export", use: export)
        routes.get("members", ":id", use: detail)
        routes.get("members", ":id", "edit", use: editForm)
        routes.post("members", ":id", use: update)
    }

    /// The list's search and filters from the query string; unknown values are ignored.
    static func search(_ req: Request) -> (MemberSearch, ageBand: String?) {
        func param(_ key: String) -> String? {
            guard let value = req.query[String.self, at: key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        var search = MemberSearch()
        search.text = param("q") ?? ""
        search.status = param("status").flatMap(MemberStanding.init(rawValue:))
        search.gender = param("gender").flatMap { genders.contains($0) ? $0 : nil }
        search.ethnicity = param("ethnicity").flatMap { ethnicities.contains($0) ? $0 : nil }
        search.category = param("category").flatMap { categories.contains($0) ? $0 : nil }
        let band = param("age").flatMap { label in ageBands.first { $0.label == label } }
        search.minAge = band?.min
        search.maxAge = band?.max
        search.page = max(1, Int(param("page") ?? "1") ?? 1)
        search.pageSize = min(200, max(1, Int(param("pageSize") ?? "50") ?? 50))
        return (search, band?.label)
    }

    static func query(_ req: Request, page: Int?) -> String {
        var items = page.map { [URLQueryItem(name: "page", value: "\($0)")] } ?? []
        for key in filterKeys {
            if let value = req.query[String.self, at: key], !value.isEmpty { items.append(URLQueryItem(name: key, value: value)) }
        }
        var components = URLComponents()
        components.queryItems = items
        return components.percentEncodedQuery ?? ""
    }

    @Sendable static func list(_ req: Request) async throws -> Response {
        let access = try await Access.require(.viewRoster, for: req)
        let (search, band) = search(req)
        let result = try await MemberDirectory.search(search, scope: try access.scope, in: req.data)
        func options(_ values: [String], _ selected: String?) -> [MemberListPage.Option] {
            values.map { .init(value: $0, selected: $0 == selected) }
        }
        return try await req.render("members", access, MemberListPage(
            q: search.text,
            statuses: options(statuses, search.status?.rawValue), genders: options(genders, search.gender),
            ethnicities: options(ethnicities, search.ethnicity), categories: options(categories, search.category),
            ageBands: options(ageBands.map(\.label), band),
            rows: result.members.map { member in
                let m = member.record
                return .init(id: member.id.description, name: m.name, gender: m.gender, ethnicity: m.ethnicity,
                             idNumber: access.idNumber(m.idNumber), birthDate: m.birthDate, status: m.status,
                             organization: m.organization, category: m.category)
            },
            total: result.total, page: result.page, pageCount: result.pageCount,
            previousQuery: result.page > 1 ? query(req, page: result.page - 1) : nil,
            nextQuery: result.page < result.pageCount ? query(req, page: result.page + 1) : nil,
            filterQuery: query(req, page: nil), canEdit: access.can(.editRoster), canExport: access.can(.exportRoster)))
    }

    /// The filtered list as a file; the export itself is an audited event (personal data leaves).
    /// Rows are read from the database in batches: a CSV is streamed as it is read; an XLSX is
    /// built in a scratch file and streamed from there, so memory does not grow with the roster.
    @Sendable static func export(_ req: Request) async throws -> Response {
        let access = try await Access.require(.exportRoster, for: req)
        let format = req.query[String.self, at: "format"] == "csv" ? "csv" : "xlsx"
        let scope = try access.scope
        let search = search(req).0
        let data = req.data
        let total = try await MemberDirectory.count(search, scope: scope, in: data)
        let exported = try await AuditLog.append(.membersExported, actor: access.user.username, object: "members",
                                  after: "\(format.uppercased())，\(total) 名，条件：\(query(req, page: nil).removingPercentEncoding ?? "")", in: data)
        let name = "党员名册-\(CalendarDate.today()).\(format)"
        let disposition = "attachment; filename=\"members.\(format)\"; filename*=UTF-8''\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "members")"
        let response: Response
        if format == "csv" {
            response = Response(status: .ok, body: .init(asyncStream: { writer in
                do {
                    try await writer.writeBuffer(ByteBuffer(string: RosterFile.csvHeading))
                    var cursor: MemberCursor?
                    repeat {
                        let batch = try await MemberDirectory.batch(search, scope: scope, after: cursor, in: data)
                        var chunk = ""
                        for record in batch.records { chunk += RosterFile.csvLine(record) }
                        try await writer.writeBuffer(ByteBuffer(string: chunk))
                        cursor = batch.next
                    } while cursor != nil
                    try await writer.write(.end)
                } catch {
                    try? await writer.write(.error(error))
                }
            }))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xuanju-export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("members.xlsx")
            do {
                // Batches are fetched one at a time as the writer asks for them.
                var cursor: MemberCursor?, finished = false
                try await RosterFile.writeXLSX(to: file) {
                    guard !finished else { return nil }
                    let batch = try await MemberDirectory.batch(search, scope: scope, after: cursor, in: data)
                    cursor = batch.next
                    finished = batch.next == nil
                    return batch.records.isEmpty ? nil : batch.records
                }
            } catch {
                try? FileManager.default.removeItem(at: folder)
                throw error
            }
            response = try await req.fileio.asyncStreamFile(at: file.path, onCompleted: { _ in
                try? FileManager.default.removeItem(at: folder)
            })
            response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        response.headers.replaceOrAdd(name: .contentDisposition, value: disposition)
        // The chain head (this export's own entry): kept with the file, it anchors the audit log outside the database.
        response.headers.replaceOrAdd(name: "X-Xuanju-Audit-Head", value: AuditLog.Head(exported).anchor)
        return response
    }

    /// A member inside the user's scope; outside it the member does not exist for them (404).
    static func member(_ req: Request, _ access: Access) async throws -> MemberRecord {
        guard let member = try await MemberDirectory.member(try pathID(req, "党员"), scope: try access.scope, in: req.data) else {
            throw Refusal.notFound("member.notFound", "没有这名党员")
        }
        return member
    }

    @Sendable static func detail(_ req: Request) async throws -> Response {
        let access = try await Access.require(.viewRoster, for: req)
        let member = try await member(req, access)
        let record = member.record
        return try await req.render("member", access, MemberDetailPage(
            id: member.id.description, record: record.view, idNumber: access.idNumber(record.idNumber), canEdit: access.can(.editRoster)))
    }

    @Sendable static func editForm(_ req: Request) async throws -> Response {
        let access = try await Access.require(.editRoster, for: req)
        let member = try await member(req, access)
        return try await req.render("member_edit", access, MemberEditPage(
            id: member.id.description, record: member.record.view,
            problems: [], statuses: statuses))
    }

    @Sendable static func update(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.editRoster, for: req)
        let member = try await member(req, access)
        let cells = try req.content.decode(MemberForm.self).cells
        var problems: [FileInputError] = []
        switch RosterFile.check(cells: cells) {
        case .invalid(let found): problems = found
        case .valid(let record):
            problems = try await MemberEditor.update(member.id, to: record, actor: access.user.username,
                                                     scope: try access.scope, in: req.data) ?? []
        }
        guard problems.isEmpty else {
            return try await req.render("member_edit", access, MemberEditPage(
                id: member.id.description, record: .init(cells: cells),
                problems: problems.map { "「\($0.column ?? "")」\($0.message)" }, statuses: statuses), status: .badRequest)
        }
        let record = RosterRecord.View(cells: cells)
        Chrome.flash(req, "已保存「\(record.name)」的信息，修改已记入审计日志")
        return req.redirect(to: "/members/\(member.id)")
    }
}

