import Foundation

/// Ids for a bulk insert in increasing order (UUID version 7: milliseconds since 1970, then
/// random bits), so the primary-key index grows at its end instead of taking each new row
/// at a random place.
struct OrderedIDs {
    private var generator = SystemRandomNumberGenerator()
    private var counter: UInt32 = 0
    private let millis = UInt64(Date().timeIntervalSince1970 * 1000)

    mutating func next() -> UUID {
        counter &+= 1
        let c = counter, random = generator.next() as UInt64
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - i))) }
        // A 32-bit sequence around the version and variant bits keeps one import's ids in
        // insertion order; the rest is random.
        b[6] = 0x70 | UInt8(truncatingIfNeeded: c >> 28 & 0x0F)
        b[7] = UInt8(truncatingIfNeeded: c >> 20)
        b[8] = 0x80 | UInt8(truncatingIfNeeded: c >> 14 & 0x3F)
        b[9] = UInt8(truncatingIfNeeded: c >> 6)
        b[10] = UInt8(truncatingIfNeeded: (c & 0x3F) << 2) | UInt8(truncatingIfNeeded: random & 0x03)
        for i in 11..<16 { b[i] = UInt8(truncatingIfNeeded: random >> (8 * (i - 10))) }
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
