import Foundation
import Core
import Persistence

/// The elections as the home page lists them: seats, candidate places, margin, and the quota
/// rows the reader may see. The candidate process and election day will grow here.
public enum ElectionOverview {
    public struct Quota: Sendable { public let unit: String; public let places: Int }

    public struct Row: Sendable {
        public let name: String
        public let seats: Int
        public let candidatePlaces: Int
        public let marginRatio: Ratio
        public let quotas: [Quota]
        /// The sum of all rows, only where all rows are shown.
        public let quotaTotal: Int?
    }

    /// A unit sees its own quota row; the department every row and the total.
    public static func list(scope: Scope, in data: any DataStore) async throws -> [Row] {
        var rows: [Row] = []
        // Only the elections the scope may open (the election's route answers 404 for the others).
        for election in try await ElectionSetup.list(scope: scope, in: data) {
            let visible = try await quotas(election.id, scope: scope, in: data)
            let all = scope == .city ? visible : try await quotas(election.id, scope: .city, in: data)
            rows.append(Row(name: election.name, seats: election.seats, candidatePlaces: election.candidatePlaces, marginRatio: election.marginRatio,
                            quotas: visible.map { Quota(unit: $0.unit, places: $0.places) },
                            quotaTotal: visible.count == all.count ? all.map(\.places).reduce(0, +) : nil))
        }
        return rows
    }

    public struct QuotaRow: Sendable {
        public let unitID: OrganizationID
        public let unit: String
        public let places: Int
        public let reason: String?
        /// The unit's delegate seats (nil where the election only recommends).
        public let seats: Int?
    }

    /// One election's quota rows the scope may see (a unit its own), in the order they were set.
    public static func quotas(_ election: ElectionID, scope: Scope, in data: any DataStore) async throws -> [QuotaRow] {
        let rows = try await data.elections.quotas(of: election)
        let units = Dictionary(try await data.organizations.find(rows.map(\.organizationID)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.compactMap { row -> QuotaRow? in
            guard let unit = units[row.organizationID], scope == .city || scope.contains(path: unit.path) else { return nil }
            return QuotaRow(unitID: row.organizationID, unit: unit.name, places: row.places, reason: row.reason, seats: row.seats)
        }
    }
}
