import Foundation
import Vapor
import Core
import Persistence
import Elections
import Meetings
import ElectionDocuments

struct ReportPage: Encodable {
    struct Row: Encodable { let number: Int; let name: String; let forVotes: Int; let against: Int; let abstain: Int; let total: Int; let status: String; let elected: Bool }
    /// One bar of the chart, in SVG units already: for, against and abstain side by side.
    struct Bar: Encodable { let y: Int; let textY: Int; let name: String; let forWidth: Int; let againstX: Int; let againstWidth: Int; let abstainX: Int
        let abstainWidth: Int; let forVotes: Int; let elected: Bool }
    let roundID: String, electionID: String, electionName: String, title: String, state: String, provisional: Bool
    let figures: [String], rows: [Row], elected: [String], next: [String], reconciliation: [String]
    let officers: String, signedBy: String?
    let bars: [Bar], chartHeight: Int, thresholdX: Int?, thresholdLabel: String
    let canFollowUp: Bool
    /// The shortfall may instead be met by reducing the seats (the meeting's decision, recorded here).
    let canReduce: Bool
}

struct ProjectorPage: Encodable {
    let title: String, electionName: String, state: String, roundID: String
    let phase: String, expected: Int, present: Int, quorumMet: Bool, rule: String
    let batches: Int, batchesDone: Int, seats: Int, elected: [String]
}

/// The count's results: the report page (figures, the table, the chart, the reconciliation),
/// the 选举结果报告单 (PDF) and 计票结果 (XLSX), and the projector, which shows the state only
/// until the result is announced.
enum ResultPages {
    static let chartWidth = 640, nameWidth = 110, barHeight = 22

    static func chart(_ sheet: RoundResultSheet, threshold: Int?) -> (bars: [ReportPage.Bar], height: Int, thresholdX: Int?) {
        let scale = max(sheet.valid, threshold ?? 0, 1)
        func w(_ n: Int) -> Int { n * (chartWidth - nameWidth - 60) / scale }
        let bars = sheet.rows.enumerated().map { i, r in
            ReportPage.Bar(y: 10 + i * (barHeight + 6), textY: 10 + i * (barHeight + 6) + 16, name: r.name, forWidth: w(r.forVotes),
                           againstX: nameWidth + w(r.forVotes), againstWidth: w(r.against), abstainX: nameWidth + w(r.forVotes) + w(r.against),
                           abstainWidth: w(r.abstain), forVotes: r.forVotes, elected: r.status == RoundResults.status(.elected))
        }
        return (bars, 20 + sheet.rows.count * (barHeight + 6), threshold.map { nameWidth + w($0) })
    }

    @Sendable static func report(_ req: Request) async throws -> Response {
        let access = try await Access.require(anyOf: [.runMeeting, .resolveEntries], for: req)
        let result = try await RoundResults.report(try RoundAPI.roundID(req), scope: try access.scope, in: req.data)
        let sheet = RoundResults.sheet(result, auditHead: "")
        let chart = chart(sheet, threshold: result.report.threshold)
        let round = result.round
        return try await req.render("report", access, ReportPage(
            roundID: round.id.description, electionID: result.election.id.description, electionName: result.election.name,
            title: RoundPages.title(round), state: round.lifecycle.state.rawValue, provisional: result.provisional,
            figures: DocumentRenderers.figures(sheet).filter { !$0.isEmpty },
            rows: sheet.rows.enumerated().map { i, r in
                .init(number: i + 1, name: r.name + (r.writeIn ? "（另选人）" : ""), forVotes: r.forVotes, against: r.against, abstain: r.abstain,
                      total: r.forVotes + r.against + r.abstain, status: r.status, elected: r.status == RoundResults.status(.elected))
            },
            elected: sheet.elected, next: sheet.next, reconciliation: sheet.reconciliation,
            officers: "监票人：\(sheet.scrutineers.joined(separator: "、"))；计票人：\(sheet.counters.joined(separator: "、"))", signedBy: sheet.signedBy,
            bars: chart.bars, chartHeight: chart.height, thresholdX: chart.thresholdX,
            thresholdLabel: result.report.threshold.map { "过半数线 \($0) 票" } ?? "",
            canFollowUp: access.can(.runMeeting) && (result.report.tieBreak != nil || (result.report.supplementary != nil && round.seatReduction == nil)),
            canReduce: access.can(.runMeeting) && result.report.shortfall > 0 && result.report.tieBreak == nil && round.seatReduction == nil))
    }

    static func download(_ req: Request, _ format: RoundResults.DocumentFormat) async throws -> Response {
        let access = try await Access.require(anyOf: [.runMeeting, .resolveEntries], for: req)
        let id = try RoundAPI.roundID(req)
        let round = try await Rounds.find(id, scope: try access.scope, in: req.data).round
        let bytes = try await RoundResults.document(id, format: format, actor: access.user.username, scope: try access.scope, in: req.data,
                                                    offload: req.heavy(access.user.username))
        let response = Response(status: .ok, body: .init(data: bytes))
        let (type, name) = format == .pdf ? ("application/pdf", "report-\(round.number).pdf")
                                          : ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "count-\(round.number).xlsx")
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    @Sendable static func pdf(_ req: Request) async throws -> Response { try await download(req, .pdf) }
    @Sendable static func xlsx(_ req: Request) async throws -> Response { try await download(req, .xlsx) }

    /// Large type for the hall: attendance before the vote, batches done while counting, the
    /// elected only once the result is announced.
    @Sendable static func projector(_ req: Request) async throws -> Response {
        let access = try await Access.require(.seeRounds, for: req)
        let scope = try access.scope
        let (round, election) = try await Rounds.find(try RoundAPI.roundID(req), scope: scope, in: req.data)
        let l = round.lifecycle
        // The page refreshes every five seconds: each phase reads only what it shows.
        var phase = "checkin", expected = 0, present = 0, quorumMet = false, batches = 0, batchesDone = 0, elected: [String] = []
        switch l.state {
        case .draft, .frozen:
            let attendance = try await MeetingAttendance.summary(election.id, scope: scope, in: req.data)
            (expected, present, quorumMet) = (attendance.expected, attendance.present, attendance.quorumMet)
        case .voting, .collected, .void:
            // As voting opened: it opens only with the quorum met.
            (phase, expected, present, quorumMet) = ("voting", l.expected ?? 0, l.present ?? 0, true)
        case .counting, .counted, .signed:
            let states = try await BallotEntry.batches(of: round, in: req.data)
            (phase, batches, batchesDone) = ("counting", states.count, states.filter { $0.state == .definitive }.count)
        case .announced:
            phase = "result"
            elected = RoundResults.sheet(try await RoundResults.report(round.id, scope: scope, in: req.data), auditHead: "").elected
        }
        return try await req.view.render("projector", ProjectorPage(
            title: RoundPages.title(round), electionName: election.name, state: l.state.rawValue, roundID: round.id.description, phase: phase,
            expected: expected, present: present, quorumMet: quorumMet, rule: MeetingAttendance.rule(election.profile, expected: expected),
            batches: batches, batchesDone: batchesDone, seats: round.seats, elected: elected)).encodeResponse(for: req)
    }
}

/// The report documents under /api/v1 too.
extension RoundAPI {
    static func registerDocuments(_ signedIn: any RoutesBuilder) {
        signedIn.get("rounds", ":round", "report.pdf", use: ResultPages.pdf)
        signedIn.get("rounds", ":round", "report.xlsx", use: ResultPages.xlsx)
    }
}
