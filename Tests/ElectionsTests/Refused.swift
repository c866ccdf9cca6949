import Core

/// Whether `body` was refused with this code (the tests compare codes, not sentences).
func refused(_ code: String, _ body: () async throws -> Void) async -> Bool {
    do { try await body() } catch let refusal as Refusal { return refusal.code == code } catch { return false }
    return false
}
