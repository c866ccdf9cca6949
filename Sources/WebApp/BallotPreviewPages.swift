import Foundation
import Vapor
import Core
import Meetings
import ElectionDocuments

struct BallotPreviewPage: Encodable {
    struct Choice: Encodable { let value: String, label: String, selected: Bool }
    let title: String, seats: String, names: String
    let orders: [Choice], papers: [Choice]
    let error: String?
}

/// 选票样张 as a page: a secretary types the list (one name a line) and gets the ballot it makes,
/// every sheet, before the meeting — the same drawing as `POST /api/v1/ballots/preview`.
enum BallotPreviewPages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("ballots", "preview", use: show)
        routes.on(.POST, "ballots", "preview", body: .collect(maxSize: "256kb"), use: draw)
    }

    struct Form: Content { var title: String?, seats: String?, names: String?, order: String?, paper: String? }

    static func page(_ req: Request, _ access: Access, form: Form = Form(), error: String? = nil) async throws -> Response {
        let order = form.order ?? BallotOrder.strokes.rawValue, paper = form.paper ?? BallotPaper.a4.rawValue
        return try await req.render("ballot_preview", access, BallotPreviewPage(
            title: form.title ?? "", seats: form.seats ?? "", names: form.names ?? "",
            orders: [BallotOrder.strokes, .given].map { .init(value: $0.rawValue, label: $0.label, selected: $0.rawValue == order) },
            papers: BallotPaper.allCases.map { .init(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == paper) },
            error: error), status: error == nil ? .ok : .badRequest)
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        try await page(req, try await Access.require(.runMeeting, for: req))
    }

    @Sendable static func draw(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let access = try await Access.require(.runMeeting, for: req)
        let form = try req.content.decode(Form.self)
        do {
            guard let seats = Int((form.seats ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw Refusal.invalid("ballot.seats.outOfRange", "请填写应选名额（整数）", field: "seats")
            }
            let names = (form.names ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard let order = BallotOrder(rawValue: form.order ?? "strokes"), order != .approved,
                  let paper = BallotPaper(rawValue: form.paper ?? "A4") else {
                throw Refusal.invalid("ballot.order.unknown", "请选择排列顺序和纸张", field: "order")
            }
            let design = try BallotPreview.design(title: form.title ?? "", seats: seats, candidates: names, order: order, paper: paper)
            let pdf = try await BallotPreview.draw(design, offload: req.heavy(access.user.username))
            return RoundAPI.pdfResponse(pdf, name: "ballot-preview.pdf")
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await page(req, access, form: form, error: refusal.message)
        }
    }
}
