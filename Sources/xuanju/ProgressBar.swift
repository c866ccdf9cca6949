import Foundation

/// Progress of long work: a bar with counts and an estimate on a terminal, plain lines
/// (every 10%) when the output is piped.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let started = Date()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDraw = Date.distantPast
    private var lastDecile = -1
    private let lock = NSLock()

    init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    func update(_ done: Int) {
        lock.lock(); defer { lock.unlock() }
        let fraction = Double(done) / Double(total)
        let elapsed = Date().timeIntervalSince(started)
        let remaining = done > 0 ? elapsed * Double(total - done) / Double(done) : 0
        if isTerminal {
            guard done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = String(format: "\r%@ %@ %d/%d %3.0f%% 剩余约 %.0f 秒 ", label, bar, done, total, fraction * 100, remaining)
            FileHandle.standardError.write(Data(line.utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let decile = Int(fraction * 10)
            guard decile > lastDecile else { return }
            lastDecile = decile
            writeError(String(format: "%@：%d/%d（%.0f%%），已用 %.1f 秒，剩余约 %.0f 秒", label, done, total, fraction * 100, elapsed, remaining))
        }
    }
}
