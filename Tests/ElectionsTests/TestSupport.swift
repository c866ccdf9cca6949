import Core
import Persistence
import Demo

/// Whether `body` was refused with this code (the tests compare codes, not sentences).
func refused(_ code: String, _ body: () async throws -> Void) async -> Bool {
    do { try await body() } catch let refusal as Refusal { return refusal.code == code } catch { return false }
    return false
}

/// The demo city in memory with the demo's nominations and opinions, as `xuanju demo` writes them.
func demoCityWithNominations() async throws -> (data: MemoryDataStore, generator: DemoGenerator, counts: DemoNominations.Counts) {
    let data = MemoryDataStore()
    let generator = DemoGenerator(memberCount: 6_000)
    try await DemoLoader.load(generator, into: data)
    return (data, generator, try await DemoNominations.load(generator, into: data))
}
