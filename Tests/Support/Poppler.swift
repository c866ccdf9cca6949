import Foundation

/// poppler-utils (pdftotext, pdffonts, pdfinfo) for the tests that read generated PDFs back:
/// the test command installs them; a test that needs them is reported as skipped without them.
public enum Poppler {
    public static func installed(_ tool: String = "pdftotext") -> Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)")
    }

    /// What `tool` prints for this PDF (`pdftotext` writes to standard output).
    public static func run(_ tool: String, _ pdf: Data, _ arguments: [String] = []) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xuanju-\(tool)-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = arguments + [file.path] + (tool == "pdftotext" ? ["-"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    /// The PDF's text; `layout` keeps the columns where they stand on the page.
    public static func text(_ pdf: Data, layout: Bool = false) throws -> String {
        try run("pdftotext", pdf, layout ? ["-layout"] : [])
    }
}
