import Foundation
import Core
import Persistence
import Elections

/// Who may run a meeting (issue #19 item 4, on today's model where an election has one meeting,
/// held by the election's organization): the department, and the admins of that organization or
/// of one above it — never an admin of a unit below or beside it. A unit sees the city's election
/// it sends candidates to (`ElectionSetup.find`), but the city's meeting is not its to run: for it
/// the meeting does not exist (404), as with anything outside its scope.
public enum MeetingScope {
    public static func election(_ id: ElectionID, scope: Scope, in data: any DataStore) async throws -> ElectionRecord {
        let election = try await ElectionSetup.find(id, scope: scope, in: data)
        guard try await mayRun(election, scope: scope, in: data) else {
            throw Refusal.notFound("election.notFound", "没有这项选举")
        }
        return election
    }

    public static func mayRun(_ election: ElectionRecord, scope: Scope, in data: any DataStore) async throws -> Bool {
        guard case .subtree = scope else { return true }
        guard let organization = try await data.organizations.find(election.organizationID) else { return false }
        return scope.contains(path: organization.path)
    }
}
