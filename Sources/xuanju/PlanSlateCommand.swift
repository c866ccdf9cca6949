import Foundation
import Documents
import ArgumentParser
import ElectionRules
import Allocation

struct PlanSlate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan-slate",
        abstract: "编排候选人名单：按单位名额，满足必须达到的结构比例，尽量接近指导性比例，再使推荐票最多")

    @Option(help: "名单编排输入 JSON 文件，- 为标准输入") var input: String
    @Option(help: "输出格式 json 或 text") var format: OutputFormat = .json

    func run() throws {
        let source = input == "-" ? "标准输入" : input
        let request: SlateRequest
        do {
            request = try SlateInput.parse(try readInput(input))
        } catch let error as CountInputError {
            throw CommandError(source, error)
        }
        let plan = SlatePlanner.plan(request, order: .strokes)
        switch format {
        case .json:
            try printJSON(plan)
        case .text:
            print(plan.text(request: request))
        }
    }
}
