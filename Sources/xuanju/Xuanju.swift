import Foundation
import ArgumentParser
import ElectionRules

@main
struct Xuanju: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xuanju",
        abstract: "选举 Xuanju：党代表选举管理系统",
        subcommands: [Serve.self, Demo.self, ImportMembers.self, Count.self, Apportion.self, PlanSlate.self, SortNames.self, DocumentCommand.self, Bench.self, Audit.self, Backup.self])

    /// Errors are one line in Chinese on stderr and a non-zero exit; help is printed in full.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let hint = code == .validationFailure ? "（xuanju --help 查看用法）" : ""
            FileHandle.standardError.write(Data("错误：\(line)\(hint)\n".utf8))
            Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }
}

/// A user-facing failure of a command.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }

    /// A refused input document: where, which field, why, and the code.
    init(_ source: String, _ error: InputError, fieldPrefix: String = "") {
        description = "\(source)：\(fieldPrefix)\(error.field)：\(error.message)（\(error.code)）"
    }
}

func readInput(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandError("无法读取文件 \(path)")
    }
    return data
}

func writeError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Pretty JSON with sorted keys, the output of every command's `--format json`.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
