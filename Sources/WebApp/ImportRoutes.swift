import Foundation
import Vapor
import Core
import Persistence
import Organizations
import Roster
import Documents

struct ImportUpload: Content {
    var file: File
}

struct ImportPage: Encodable {
    let columns: [String]
}

struct ImportPreviewPage: Encodable {
    struct Problem: Encodable { let row: String; let column: String; let message: String }
    struct Unit: Encodable { let name: String; let count: Int }
    let id: String?, fileName: String, sha256: String
    let dataRows: Int, memberCount: Int, problemCount: Int
    let problems: [Problem], moreProblems: Int
    let units: [Unit], moreUnits: Int
    let ignoredColumns: String
    let fatal: String?
    struct Missing: Encodable { let name: String; let rows: Int }
    struct Parent: Encodable { let id: String; let name: String }
    /// Organizations the file names that do not exist, and where they may be created.
    var missing: [Missing] = []
    var parents: [Parent] = []
    var headerRow = 1
    /// The staged upload (also when it cannot be confirmed yet) and the column mapping form.
    struct Mapping: Encodable {
        struct Option: Encodable { let title: String; let selected: Bool }
        let heading: String
        let options: [Option]
    }
    var stagedID: String?
    var mapping: [Mapping] = []
}

struct ImportConfirm: Content { var createUnder: String? }

/// Upload → preview (every problem by row and column) → confirm. The file waits in the database
/// between the two steps, so any server may take the confirmation.
enum ImportRoutes {
    /// The largest upload: a 300,000-row roster is 24 MB as XLSX and 48 MB as CSV.
    static let maxUpload: ByteCount = "100mb"
    static let shownProblems = 500

    static func register(_ routes: any RoutesBuilder) {
        routes.get("members", "import", use: form)
        routes.get("members", "import", "template.xlsx", use: template)
        routes.on(.POST, "members", "import", body: .collect(maxSize: maxUpload), use: upload)
        routes.post("members", "import", ":id", "confirm", use: confirm)
        routes.post("members", "import", ":id", "recheck", use: recheck)
        routes.post("members", "import", ":id", "cancel", use: cancel)
    }

    @Sendable static func form(_ req: Request) async throws -> Response {
        let access = try await Access.require(.editRoster, for: req)
        return try await req.render("import", access, ImportPage(columns: RosterFile.columnTitles))
    }

    @Sendable static func template(_ req: Request) async throws -> Response {
        _ = try await Access.require(.editRoster, for: req)
        let response = Response(status: .ok, body: .init(data: try RosterFile.template()))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")
        return response
    }

    /// The file is kept (staged) whatever the check finds, so the user can map unknown columns
    /// and check again without uploading it anew.
    @Sendable static func upload(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.editRoster, for: req)
        let upload = try req.content.decode(ImportUpload.self)
        let data = Data(buffer: upload.file.data)
        let fileName = String((upload.file.filename.isEmpty ? "名册" : upload.file.filename).prefix(200))
        guard !data.isEmpty else { throw WebRefusal(.badRequest, "import.file.empty", "请选择要导入的名册文件") }
        // The unit's earlier column choices apply to its next file.
        let staged = try await StagedImports.stage(data, fileName: fileName, username: access.user.username, scope: try access.scope, in: req.data)
        return try await previewResponse(req, access, staged)
    }

    /// The staged file checked again with the column mapping the user chose in the preview.
    @Sendable static func recheck(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.editRoster, for: req)
        var staged = try await staged(req, access)
        let form = try req.content.decode([String: String].self)
        var map: [String: String] = [:]
        for (key, title) in form where key.hasPrefix("map.") && !title.isEmpty {
            map[String(key.dropFirst(4))] = title
        }
        try await StagedImports.setColumnMap(map, for: &staged, in: req.data)
        return try await previewResponse(req, access, staged)
    }

    static func previewResponse(_ req: Request, _ access: Access, _ staged: StagedImportRecord) async throws -> Response {
        let data = staged.content, fileName = staged.fileName
        let check: RosterImportCheck
        do {
            check = try await RosterImporter.check(data, fileName: fileName, scope: try access.scope, columnMap: staged.columnMap,
                                                   offload: req.heavy(access.user.username), in: req.data)
        } catch let error as FileInputError {
            var page = preview(nil, fileName: fileName, data: data, check: nil, fatal: error.description)
            page.stagedID = staged.id.description
            page.mapping = mappingRows(RosterFile.headings(data, file: fileName, columnMap: staged.columnMap), staged.columnMap)
            return try await req.render("import_preview", access, page, status: .badRequest)
        }
        let onlyMissing = check.problems.isEmpty && !check.missingOrganizations.isEmpty
        let canConfirm = (check.isClean || onlyMissing) && check.memberCount + check.missingOrganizations.count > 0
        var page = preview(canConfirm ? staged.id : nil, fileName: fileName, data: data, check: check,
                           fatal: check.memberCount == 0 && check.isClean ? "文件中没有党员数据" : nil)
        page.stagedID = staged.id.description
        page.mapping = mappingRows(check.ignoredColumns + staged.columnMap.keys.filter { !check.ignoredColumns.contains($0) }.sorted(), staged.columnMap)
        if onlyMissing {
            page.parents = try await branchParents(req, access)
        }
        return try await req.render("import_preview", access, page, status: check.isClean || onlyMissing ? .ok : .badRequest)
    }

    /// Where the missing branches may be created, for the preview's select.
    static func branchParents(_ req: Request, _ access: Access) async throws -> [ImportPreviewPage.Parent] {
        try await OrganizationLookup.branchParents(scope: try access.scope, in: req.data).map { .init(id: $0.id.description, name: $0.name) }
    }

    /// One row per heading the importer does not read by itself, with the choice made so far.
    static func mappingRows(_ headings: [String], _ map: [String: String]) -> [ImportPreviewPage.Mapping] {
        headings.prefix(40).filter { map[$0] != nil || !RosterFile.recognizes($0) }.map { heading in
            .init(heading: heading, options: RosterFile.mappableTitles.map { .init(title: $0, selected: map[heading] == $0) })
        }
    }

    static func preview(_ id: StagedImportID?, fileName: String, data: Data, check: RosterImportCheck?, fatal: String?) -> ImportPreviewPage {
        let problems = check?.problems ?? []
        let units = check?.perOrganization ?? []
        return ImportPreviewPage(
            id: id?.description, fileName: fileName, sha256: check?.sha256 ?? RosterImporter.sha256(data),
            dataRows: check?.dataRows ?? 0, memberCount: check?.memberCount ?? 0, problemCount: problems.count,
            problems: problems.prefix(shownProblems).map { .init(row: $0.row.map { "第\($0)行" } ?? "", column: $0.column ?? "", message: $0.message) },
            moreProblems: max(0, problems.count - shownProblems),
            units: units.prefix(20).map { .init(name: $0.name, count: $0.count) }, moreUnits: max(0, units.count - 20),
            ignoredColumns: (check?.ignoredColumns ?? []).joined(separator: "、"), fatal: fatal,
            missing: (check?.missingOrganizations ?? []).map { .init(name: $0.name, rows: $0.rows) }, headerRow: check?.headerRow ?? 1)
    }

    /// `createUnder` as the API and the form send it: empty is none, anything else must be an id.
    static func createUnder(_ text: String?) throws -> OrganizationID? {
        guard let text, !text.isEmpty else { return nil }
        guard let id = OrganizationID(text) else { throw Refusal.invalid("import.createUnder.invalid", "createUnder 应为党组织的 id", field: "createUnder") }
        return id
    }

    static func missingMessage(_ check: RosterImportCheck) -> String {
        let names = check.missingOrganizations.prefix(10).map { "「\($0.name)」" }.joined(separator: "、")
        return "文件中有 \(check.missingOrganizations.count) 个党组织在系统中不存在（\(names)\(check.missingOrganizations.count > 10 ? "等" : "")），请指定在哪个上级党组织下新建（createUnder）"
    }

    /// The upload this user staged; someone else's upload does not exist for them.
    static func staged(_ req: Request, _ access: Access) async throws -> StagedImportRecord {
        guard let text = req.parameters.get("id"), let id = StagedImportID(text) else {
            throw Refusal.notFound("import.staged.notFound", "这次上传已经确认、取消或过期，请重新上传文件")
        }
        return try await StagedImports.find(id, username: access.user.username, in: req.data)
    }

    @Sendable static func confirm(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.editRoster, for: req)
        let staged = try await staged(req, access)
        let createUnder = try createUnder(try req.content.decode(ImportConfirm.self).createUnder)
        do {
            let check = try await RosterImporter.commit(staged.content, fileName: staged.fileName, actor: access.user.username,
                                                        scope: try access.scope, createUnder: createUnder, columnMap: staged.columnMap,
                                                        offload: req.heavy(access.user.username), in: req.data)
            try await ColumnMaps.remember(staged.columnMap, for: try access.scope, in: req.data)
            try await StagedImports.discard(staged, in: req.data)
            let created = check.createUnder == nil ? "" : "，新建党组织 \(check.missingOrganizations.count) 个"
            Chrome.flash(req, "已导入「\(staged.fileName)」：新增党员 \(check.memberCount) 名\(created)")
            return req.redirect(to: "/members")
        } catch let refused as RosterImportRefused {
            if refused.check.problems.isEmpty {
                // Organizations are missing and no parent was picked: the same preview, asking again.
                var page = preview(staged.id, fileName: staged.fileName, data: staged.content, check: refused.check, fatal: nil)
                page.parents = try await branchParents(req, access)
                return try await req.render("import_preview", access, page, status: .badRequest)
            }
            // The roster changed between preview and confirmation (someone else imported the same people).
            try await StagedImports.discard(staged, in: req.data)
            return try await req.render("import_preview", access, preview(nil, fileName: staged.fileName, data: staged.content,
                                                                          check: refused.check, fatal: nil), status: .conflict)
        }
    }

    @Sendable static func cancel(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.editRoster, for: req)
        try await StagedImports.discard(try await staged(req, access), in: req.data)
        Chrome.flash(req, "已取消导入，名册没有变化")
        return req.redirect(to: "/members")
    }
}
