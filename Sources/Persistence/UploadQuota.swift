import Foundation
import Core

/// How much one account may keep in uploads at once — rosters it staged and has not confirmed
/// or cancelled, the vetting attachments it gave — so that no account can fill the disk or the
/// database for everyone. Checked inside the write that stores the upload.
public enum UploadQuota {
    public static let bytesPerAccount = 512 * 1024 * 1024

    public static func check(adding bytes: Int, for username: String, limit: Int = bytesPerAccount, field: String? = nil,
                             in data: any DataStore) async throws {
        let used = try await data.files.usage(of: username)
        guard used + bytes <= limit else {
            throw Refusal.invalid("upload.quota", "您的账号已存放 \(megabytes(used)) 的上传文件，加上这次的 \(megabytes(bytes)) 将超过"
                                  + "每个账号 \(megabytes(limit)) 的限额；请先确认或取消未完成的名册导入", field: field)
        }
    }

    /// "12.3 MB", cut to one decimal.
    static func megabytes(_ bytes: Int) -> String {
        let tenths = bytes * 10 / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
