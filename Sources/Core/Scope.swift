import Foundation

/// Which organizations an operation may read or write: the whole city, or one organization and
/// everything below it. Every operation on organization data takes one; there is no "no scope"
/// value that could mean everything. An account that has no organization gets no scope at all,
/// and is refused before it reaches an operation.
public enum Scope: Sendable, Equatable, CustomStringConvertible {
    case city
    /// The organization whose materialized path this is, and its subtree.
    case subtree(path: String)

    /// The path prefix a query filters on; nil for the whole city.
    public var pathPrefix: String? {
        switch self {
        case .city: return nil
        case .subtree(let path): return path
        }
    }

    public func contains(path: String) -> Bool {
        switch self {
        case .city: return true
        case .subtree(let prefix): return path.hasPrefix(prefix)
        }
    }

    public var description: String {
        switch self {
        case .city: return "全市"
        case .subtree(let path): return "组织 \(path)"
        }
    }
}
