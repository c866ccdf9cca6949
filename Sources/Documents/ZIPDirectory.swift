import Foundation

/// Checks a ZIP archive's directory before ZIPFoundation reads it from memory: ZIPFoundation's
/// in-memory reader traps (a Range with lowerBound > upperBound) when an offset points past the
/// end of the data, so every offset and size it will follow is checked against the data first.
/// Only what Excel and WPS write is accepted: no ZIP64, no multi-disk archives.
enum ZIPDirectory {
    struct Refusal: Error {
        let message: String
        /// More entries than a workbook has: a limit, not damage.
        var tooManyParts = false
    }

    static func check(_ data: Data, maxParts: Int) throws(Refusal) {
        let problem: Refusal? = data.withUnsafeBytes { raw in
            do throws(Refusal) { try check(raw, maxParts: maxParts) } catch { return error }
            return nil
        }
        if let problem { throw problem }
    }

    private static func check(_ raw: UnsafeRawBufferPointer, maxParts: Int) throws(Refusal) {
        do {
            let count = raw.count
            func u16(_ at: Int) -> Int { Int(raw[at]) | Int(raw[at + 1]) << 8 }
            func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
            func broken(_ what: String) -> Refusal { Refusal(message: what) }
            // End of central directory: 22 bytes plus a comment of at most 65,535, found from the end.
            guard count >= 22 else { throw broken("文件太短") }
            var eocd = -1
            var at = count - 22
            while at >= max(0, count - 22 - 65_535) {
                if u32(at) == 0x0605_4B50 { eocd = at; break }
                at -= 1
            }
            guard eocd >= 0 else { throw broken("找不到 ZIP 目录结尾") }
            if eocd >= 20 && u32(eocd - 20) == 0x0706_4B50 { throw broken("ZIP64 格式（Excel 不会这样保存名册）") }
            guard u16(eocd + 4) == 0, u16(eocd + 6) == 0 else { throw broken("分卷 ZIP") }
            let entries = u16(eocd + 10), size = u32(eocd + 12), offset = u32(eocd + 16)
            guard offset <= eocd, size <= eocd - offset else { throw broken("ZIP 目录越界") }
            var position = offset
            guard entries <= maxParts else { throw Refusal(message: "超过 \(maxParts) 个部件", tooManyParts: true) }
            for _ in 0..<entries {
                guard position + 46 <= offset + size, u32(position) == 0x0201_4B50 else { throw broken("ZIP 目录项损坏") }
                let compressed = u32(position + 20), uncompressed = u32(position + 24)
                let nameLength = u16(position + 28), extraLength = u16(position + 30), commentLength = u16(position + 32)
                let local = u32(position + 42)
                guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
                    throw broken("ZIP64 格式（Excel 不会这样保存名册）")
                }
                guard local + 30 <= count, u32(local) == 0x0403_4B50 else { throw broken("ZIP 文件头越界或损坏") }
                let dataStart = local + 30 + u16(local + 26) + u16(local + 28)
                guard dataStart <= count, compressed <= count - dataStart else { throw broken("ZIP 数据越界") }
                position += 46 + nameLength + extraLength + commentLength
            }
        }
    }
}
