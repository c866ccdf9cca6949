import Foundation
import Persistence

/// Runs the same scenario on the in-memory store and on a fresh SQLite database; gives both
/// answers, for a test to compare.
func onMemoryAndSQLite(_ scenario: (any DataStore) async throws -> [String]) async throws -> (memory: [String], sqlite: [String]) {
    let memory = try await scenario(MemoryDataStore())
    let path = NSTemporaryDirectory() + "contract-\(UUID().uuidString).sqlite"
    let store = try XuanjuStore(target: .sqlite(path: path))
    try await store.migrate()
    let sqlite: [String]
    do { sqlite = try await scenario(store.data) } catch { await store.shutdown(); throw error }
    await store.shutdown()
    try? FileManager.default.removeItem(atPath: path)
    return (memory, sqlite)
}
