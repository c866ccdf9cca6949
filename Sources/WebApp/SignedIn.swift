import Foundation
import Vapor
import Core
import Persistence
import Accounts

extension Request {
    /// The database as the features see it: routes pass this to feature operations and never
    /// query models themselves.
    var data: any DataStore { FluentDataStore(database: db) }
}

/// The account behind a signed-in session (its id is what the session keeps).
struct SignedInUser: SessionAuthenticatable {
    let account: AccountRecord
    var sessionID: String { account.id.description }
}

/// Loads the session's account on each request; a deleted account simply is not signed in.
struct SignedInAuthenticator: AsyncSessionAuthenticator {
    typealias User = SignedInUser

    func authenticate(sessionID: String, for request: Request) async throws {
        guard let id = AccountID(sessionID), let account = try await Accounts.find(id, in: request.data) else { return }
        request.auth.login(SignedInUser(account: account))
    }
}

/// A refusal the web layer itself makes (not signed in, a bad parameter, a file too large),
/// with the same code-and-message shape as the features' refusals.
struct WebRefusal: AbortError {
    let status: HTTPResponseStatus
    let code: String
    let reason: String
    init(_ status: HTTPResponseStatus, _ code: String, _ reason: String) { self.status = status; self.code = code; self.reason = reason }
}

/// `:id` as the typed id it must be; anything else names nothing (404).
func pathID<Tag>(_ req: Request, _ what: String = "对象") throws -> TypedID<Tag> {
    guard let text = req.parameters.get("id"), let id = TypedID<Tag>(text) else {
        throw WebRefusal(.notFound, "request.id.unknown", "没有这个\(what)")
    }
    return id
}
