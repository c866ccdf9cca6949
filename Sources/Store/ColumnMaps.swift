import Foundation
import FluentKit
import SQLKit

/// The column mappings a unit chose in the import preview ("组织关系所在支部" → 所在党组织),
/// remembered per unit so next month's file from the same unit imports without asking again.
public enum ColumnMaps {
    static let table = "import_column_maps"

    /// One key per unit: the organization the account belongs to, or the whole city.
    static func key(_ scope: Scope) -> String { scope.pathPrefix ?? "city" }

    static func encode(_ map: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(map)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func load(for scope: Scope, on database: any Database) async throws -> [String: String] {
        guard let sql = database as? any SQLDatabase else { return [:] }
        var map: [String: String] = [:]
        for row in try await sql.select().columns("heading", "title").from(table).where("scope_key", .equal, SQLBind(key(scope))).limit(64).all() {
            map[try row.decode(column: "heading", as: String.self)] = try row.decode(column: "title", as: String.self)
        }
        return map
    }

    /// Remembers these choices for the unit (replacing earlier ones for the same headings).
    public static func remember(_ map: [String: String], for scope: Scope, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, !map.isEmpty else { return }
        for (heading, title) in map.prefix(64) {
            try await sql.delete(from: table).where("scope_key", .equal, SQLBind(key(scope))).where("heading", .equal, SQLBind(heading)).run()
            try await sql.insert(into: table).columns("scope_key", "heading", "title")
                .values(SQLBind(key(scope)), SQLBind(String(heading.prefix(100))), SQLBind(title)).run()
        }
    }
}

struct CreateColumnMaps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ColumnMaps.table)
            .field("scope_key", .string, .required)
            .field("heading", .string, .required)
            .field("title", .string, .required)
            .create()
        try await database.schema(StagedImport.schema).field("column_map", .string, .required, .sql(.default("{}"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StagedImport.schema).deleteField("column_map").update()
        try await database.schema(ColumnMaps.table).delete()
    }
}
