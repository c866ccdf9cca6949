import FluentKit
import SQLKit

extension Database {
    /// The same database as SQLKit sees it: both drivers Xuanju uses are SQL databases.
    func sql() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { throw ConfigurationError("数据库不支持 SQL") }
        return sql
    }
}
