import Foundation
import Core
import Documents
import ElectionRules
import ElectionDocuments
import NameOrder

/// A ballot drawn from a list typed in, so a secretary can check the layout before the meeting
/// (`POST /api/v1/ballots/preview`): the same drawing as a round's ballots, marked as a preview,
/// with no definition hash. Every part of the request is bounded and screened first.
public enum BallotPreview {
    public static let maxTitleLength = 60
    public static let maxNameLength = 20

    public static func design(title: String, seats: Int, candidates: [String], order: BallotOrder, paper: BallotPaper,
                              convention: NameConvention = .a) throws -> BallotDesign {
        let title = try HumanText.clean(title, field: "title", label: "选票标题", maxLength: maxTitleLength)
        guard (1...BallotDesign.maxCandidates).contains(candidates.count) else {
            throw Refusal.invalid("ballot.candidates.count", "候选人应为1至\(BallotDesign.maxCandidates)名", field: "candidates")
        }
        var names: [String] = []
        var seen = Set<String>()
        for (i, name) in candidates.enumerated() {
            let clean = try HumanText.clean(name, field: "candidates[\(i)]", label: "候选人姓名", maxLength: maxNameLength)
            guard seen.insert(clean).inserted else {
                throw Refusal.invalid("ballot.candidates.duplicate", "候选人「\(clean)」列了两次", field: "candidates[\(i)]")
            }
            names.append(clean)
        }
        guard (1...names.count).contains(seats) else {
            throw Refusal.invalid("ballot.seats.outOfRange", "应选名额应为1至候选人数（\(names.count)）", field: "seats")
        }
        guard order != .approved else {
            throw Refusal.invalid("ballot.order.approved", "预览的顺序为 strokes（姓氏笔画）或 given（按所列顺序）", field: "order")
        }
        let ordered = order == .strokes ? NameOrder(convention: convention).sorted(names) : names
        return BallotDesign(title: title, seats: seats, candidates: ordered, order: order, paper: paper, hash: nil)
    }

    /// One ballot, every sheet of it; `offload` runs the drawing.
    public static func draw(_ design: BallotDesign, offload: (@escaping @Sendable () throws -> Data) async throws -> Data) async throws -> Data {
        do {
            return try await offload { try DocumentRenderers.ballots(design, copies: 1) }
        } catch let error as PDFError {
            throw Refusal.invalid(error.code, error.message)
        }
    }
}
