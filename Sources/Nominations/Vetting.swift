import Foundation
import Crypto
import Core
import Persistence
import Audit
import Documents

/// A candidate's vetting record (the seed's inspection): the opinions of the person's unit and
/// of the discipline, supervision, family-planning, audit and petition departments, each with
/// its verdict, date and files. The department records every opinion; a unit records its own
/// (所在单位) for its own nominees. Who may see the list may see the record, and every view is
/// written to the audit log.
public enum Vetting {
    public struct Upload: Sendable {
        public var name: String
        public var content: Data
        public init(name: String, content: Data) { self.name = name; self.content = content }
    }

    public struct Record: Sendable {
        public let entry: Nominations.Entry
        /// 按干部管理权限考察 for leading cadres, 由推荐单位考察 for everyone else.
        public let inspectedBy: String
        public let opinions: [VettingOpinionRecord]
        /// Departments whose opinion is still missing.
        public let missing: [VettingDepartment]
    }

    public static let maxAttachments = 5
    public static let maxAttachmentSize = 10 * 1024 * 1024

    /// The stages during which opinions are heard (from the preliminary list to the standing committee).
    static let open: Set<NominationStage> = [.preliminary, .inspection, .deliberation]

    @discardableResult
    public static func record(_ candidacyID: CandidacyID, department: VettingDepartment, verdict: VettingVerdict, opinion: String, date: String,
                              attachments: [Upload] = [], actor: String, scope: Scope, quota: Int = UploadQuota.bytesPerAccount,
                              in data: any DataStore) async throws -> VettingOpinionRecord {
        guard let candidacy = try await data.candidacies.find(candidacyID),
              let entry = try await Nominations.visible(candidacy, scope: scope, in: data) else {
            throw Refusal.notFound("nomination.notFound", "没有这名人选")
        }
        guard scope == .city || department == .unit else {
            throw Refusal.forbidden("vetting.departmentOnly", "「\(department.rawValue)」的意见由组织部记录")
        }
        guard open.contains(candidacy.stage) else {
            throw Refusal.invalid("vetting.stage", "「\(entry.member.record.name)」在「\(candidacy.stage.rawValue)」，考察意见在初步人选至研究审议期间记录", field: "department")
        }
        let text = try HumanText.screened(opinion, field: "opinion", label: "考察意见", multiline: true)
        guard (2...2_000).contains(text.count) else { throw Refusal.invalid("vetting.opinion.length", "意见应为2至2000字", field: "opinion") }
        guard let day = CalendarDate(text: date.trimmingCharacters(in: .whitespaces))?.description, day == date.trimmingCharacters(in: .whitespaces) else { throw Refusal.invalid("vetting.date.invalid", "日期应为 yyyy-MM-dd", field: "date") }
        guard attachments.count <= maxAttachments else {
            throw Refusal.invalid("vetting.attachments.tooMany", "附件最多 \(maxAttachments) 个", field: "attachments")
        }
        var files: [VettingOpinionRecord.Attachment] = []
        for (i, upload) in attachments.enumerated() {
            let name = try HumanText.screened(upload.name, field: "attachments[\(i)].name", label: "附件名称")
            guard (1...200).contains(name.count), !name.contains("/"), !name.contains("\\") else {
                throw Refusal.invalid("vetting.attachment.name", "附件名称应为1至200个字，不含斜杠", field: "attachments[\(i)].name")
            }
            guard (1...maxAttachmentSize).contains(upload.content.count) else {
                throw Refusal.invalid("vetting.attachment.size", "附件「\(name)」应为1字节至10 MB", field: "attachments[\(i)]")
            }
            files.append(.init(name: name, sha256: SHA256.hash(data: upload.content).map { String(format: "%02x", $0) }.joined(), size: upload.content.count))
        }
        let record = VettingOpinionRecord(candidacyID: candidacyID, department: department, verdict: verdict, opinion: text, date: day,
                                          recordedBy: actor, recordedAt: AuditLog.timestamp(), attachments: files)
        let contents = attachments.map(\.content)
        let listed = files.isEmpty ? "" : "，附件 \(files.map(\.name).joined(separator: "、"))"
        try await data.write { data in
            try await UploadQuota.check(adding: contents.reduce(0) { $0 + $1.count }, for: actor, limit: quota, field: "attachments", in: data)
            try await data.vetting.insert(record, contents: contents)
            try await AuditLog.append(.vettingRecorded, actor: actor, object: "candidate:\(candidacyID)（\(entry.member.record.name)）",
                                      after: "\(department.rawValue)：\(verdict.rawValue)（\(day)）" + listed,
                                      in: data)
        }
        return record
    }

    /// The record, for those who may see the candidate; the view itself is audited.
    public static func view(_ candidacyID: CandidacyID, actor: String, scope: Scope, in data: any DataStore) async throws -> Record {
        guard let candidacy = try await data.candidacies.find(candidacyID),
              let entry = try await Nominations.visible(candidacy, scope: scope, in: data) else {
            throw Refusal.notFound("nomination.notFound", "没有这名人选")
        }
        let opinions = try await data.vetting.opinions(of: candidacyID)
        try await AuditLog.append(.vettingViewed, actor: actor, object: "candidate:\(candidacyID)（\(entry.member.record.name)）",
                                  after: "查阅考察材料（\(opinions.count) 条意见）", in: data)
        let heard = Set(opinions.map(\.department))
        return Record(entry: entry, inspectedBy: Categories.effective(entry.member.record, candidacy: entry.candidacy).category == Categories.leader ? "按干部管理权限考察" : "由推荐单位考察",
                      opinions: opinions, missing: VettingDepartment.required.filter { !heard.contains($0) })
    }

    /// One attachment's file, for those who may see the candidate; audited like a view.
    public static func attachment(_ id: AttachmentID, actor: String, scope: Scope, in data: any DataStore) async throws -> (name: String, content: Data) {
        guard let found = try await data.vetting.attachment(id), let candidacy = try await data.candidacies.find(found.opinion.candidacyID),
              let entry = try await Nominations.visible(candidacy, scope: scope, in: data) else {
            throw Refusal.notFound("vetting.attachment.notFound", "没有这个附件")
        }
        try await AuditLog.append(.vettingViewed, actor: actor, object: "candidate:\(candidacy.id)（\(entry.member.record.name)）",
                                  after: "下载考察附件「\(found.name)」", in: data)
        return (found.name, found.content)
    }
}
