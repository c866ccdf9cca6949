import Foundation
import FluentKit

/// Creating the first administrator. Hashing is passed in (bcrypt lives with the web stack).
public enum Accounts {
    public static let adminUsername = "admin"

    /// Creates `admin` when no such user exists. Returns the password when it was created
    /// (the given one, or a random one to print once), nil when admin already existed.
    public static func ensureAdmin(password given: String?, hash: (String) throws -> String,
                                   on database: any Database) async throws -> String? {
        if try await User.query(on: database).filter(\.$username == adminUsername).first() != nil { return nil }
        let password = given ?? randomPassword()
        let user = User(username: adminUsername, passwordHash: try hash(password), displayName: "系统管理员",
                        role: .systemAdmin, organizationID: nil)
        try await user.create(on: database)
        try await AuditLog.append(.userCreated, actor: "system", object: "user:\(adminUsername)",
                                  after: "角色：\(UserRole.systemAdmin.rawValue)", on: database)
        return password
    }

    /// 16 characters without look-alikes (0/O, 1/l/I), from the system's secure generator.
    public static func randomPassword(length: Int = 16) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
