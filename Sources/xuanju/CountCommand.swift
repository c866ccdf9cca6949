import Foundation
import ArgumentParser
import ElectionRules
import Documents
import NameOrder

enum OutputFormat: String, ExpressibleByArgument { case json, text }

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "计票：读入一轮选举的 JSON，按 RULES.md 计算结果")

    @Option(help: "一轮选举的 JSON 文件，- 为标准输入") var input: String
    @Option(help: "选票 CSV（每张一行：候选人列 ○/×/?/空，另选1…列，可选「无效」列）") var ballots: String?
    @Option(help: "输出格式 json 或 text") var format: OutputFormat = .json

    func run() throws {
        let source = input == "-" ? "标准输入" : input
        var round: RoundInput
        do {
            round = try RoundInputParser.parse(try readInput(input))
        } catch let error as CountInputError {
            throw CommandError(source, error)
        }
        if let ballots {
            do {
                round.ballots = try BallotCSV.read(try readInput(ballots), file: ballots, candidates: round.candidates)
            } catch let error as FileInputError {
                throw CommandError(error.description)
            }
        }
        let report: RoundReport
        do {
            report = try RoundCounter.count(round, order: .strokes)
        } catch {
            throw CommandError(ballots ?? source, error)
        }
        switch format {
        case .json:
            try printJSON(report)
        case .text:
            print(report.text())
        }
    }
}

struct SortNames: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sort-names", abstract: "按姓氏笔画排序：标准输入每行一个姓名")

    @Option(help: "A：姓氏笔画（单名视为空白，默认）；B：姓名笔画") var convention: NameConventionArgument = .a
    @Flag(help: "在相邻两名之间说明由什么决定先后") var explain = false

    func run() throws {
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let order = NameOrder(convention: convention.value)
        let sorted = order.sorted(names)
        var output: [String] = []
        for (i, name) in sorted.enumerated() {
            if explain && i > 0 { output.append("　　↑ " + order.explain(sorted[i - 1], name)) }
            output.append(name)
        }
        print(output.joined(separator: "\n"))
        for name in sorted where !order.unknownCharacters(in: name).isEmpty {
            writeError("提示：「\(name)」含笔画表中没有的字 \(String(order.unknownCharacters(in: name)))，已排在最后，请人工核对")
        }
    }
}

enum NameConventionArgument: String, ExpressibleByArgument {
    case a = "A", b = "B"
    var value: NameConvention { self == .a ? .a : .b }
}
