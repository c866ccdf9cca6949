import Foundation
import Testing
import ElectionRules
@testable import Documents

@Suite struct BallotCSVTests {
    let candidates = ["王一", "李二"]

    @Test func readsMarksWriteInsAndInvalidBallots() throws {
        let csv = "\u{FEFF}王一,李二,另选1,无效\r\n○,×,赵五,\r\n,?,,\r\n,,,\r\n○,○,,撕毁\r\n\"○\",\"\",\"钱,六\",\r\n"
        let ballots = try BallotCSV.read(Data(csv.utf8), file: "b.csv", candidates: candidates)
        #expect(ballots == [
            .marked(BallotMarks(for: [0], against: [1], writeIns: ["赵五"])),
            .marked(BallotMarks(unreadable: [1])),
            .marked(BallotMarks()),
            .declaredInvalid(reason: "撕毁"),
            .marked(BallotMarks(for: [0], writeIns: ["钱,六"])),
        ])
    }

    @Test func decodesGB18030AsExcelInChinaSavesIt() throws {
        // "王一,李二\n○,×\n" in GB18030 bytes.
        var data = Data([0xCD, 0xF5, 0xD2, 0xBB, 0x2C, 0xC0, 0xEE, 0xB6, 0xFE, 0x0A])
        data.append(contentsOf: [0xA1, 0xF0, 0x2C, 0xA1, 0xC1, 0x0A])   // "○,×\n"
        let ballots = try BallotCSV.read(data, file: "gbk.csv", candidates: candidates)
        #expect(ballots == [.marked(BallotMarks(for: [0], against: [1]))])
    }

    @Test func errorsNameFileRowAndColumn() {
        func fault(_ csv: String) -> FileInputError? {
            do { _ = try BallotCSV.read(Data(csv.utf8), file: "b.csv", candidates: candidates); return nil }
            catch { return error }
        }
        #expect(fault("王一,李二\n○,乱\n") == FileInputError(file: "b.csv", row: 2, column: "李二", code: "ballots.mark.unknown",
                                                            message: "标记「乱」无法识别，应为 ○、×、? 或留空"))
        #expect(fault("王一,赵六\n")?.column == "赵六" && fault("王一,赵六\n")?.code == "ballots.heading.unknown")
        #expect(fault("王一\n○\n")?.column == "李二" && fault("王一\n○\n")?.code == "ballots.heading.missingCandidate")
        #expect(fault("王一,李二\n○\n")?.row == 2 && fault("王一,李二\n○\n")?.code == "ballots.row.columnCount")
        #expect(fault("王一,李二\n\"○,×\n")?.message == "引号没有闭合")
        #expect(fault("")?.message.contains("表头") == true)
    }
}
