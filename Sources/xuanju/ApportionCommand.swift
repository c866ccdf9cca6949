import Foundation
import ArgumentParser
import ElectionRules
import Allocation

struct Apportion: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "名额分配：基础名额加按党员数/组织数的比例分配（最大余额法、洪特法等）")

    @Option(help: "分配输入 JSON 文件，- 为标准输入") var input: String
    @Option(help: "输出格式 json 或 text") var format: OutputFormat = .json
    @Flag(help: "输入是多个分配请求的 JSON 数组，输出结果数组（对照测试用）") var batch = false

    func run() throws {
        if batch { return try runBatch() }
        let source = input == "-" ? "标准输入" : input
        let request: ApportionmentRequest
        let result: ApportionmentResult
        do {
            request = try ApportionmentInput.parse(try readInput(input))
            result = try Apportionment.apportion(request)
        } catch let error as CountInputError {
            throw CommandError(source, error)
        }
        switch format {
        case .json:
            try printJSON(result)
        case .text:
            print(result.text(names: Dictionary(request.units.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })))
        }
    }

    func runBatch() throws {
        guard let list = try JSONSerialization.jsonObject(with: try readInput(input)) as? [Any] else {
            throw CommandError("\(input)：--batch 的输入应是 JSON 数组")
        }
        var results: [ApportionmentResult] = []
        for (i, item) in list.enumerated() {
            do {
                let data = try JSONSerialization.data(withJSONObject: item)
                results.append(try Apportionment.apportion(try ApportionmentInput.parse(data)))
            } catch let error as CountInputError {
                throw CommandError(input, error, fieldPrefix: "[\(i)].")
            }
        }
        print(String(decoding: try JSONEncoder().encode(results), as: UTF8.self))
    }
}
