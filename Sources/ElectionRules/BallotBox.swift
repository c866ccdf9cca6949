import Foundation

/// Counts of one round for the listed candidates.
public struct ListedTally: Sendable, Equatable {
    public var forVotes: [Int]
    public var againstVotes: [Int]
    public var valid: Int

    public func abstentions(_ candidate: Int) -> Int { valid - forVotes[candidate] - againstVotes[candidate] }
}

/// Ballots stored column-wise: per listed candidate one bit plane of for-marks and one of
/// against-marks over all ballots, plus a plane of valid ballots. Counting a candidate is a
/// popcount over contiguous words, so the count runs at memory speed and splits over cores.
public struct BallotBox: Sendable {
    public let candidateCount: Int
    public private(set) var ballotCount = 0
    private(set) var forPlanes: [[UInt64]]
    private(set) var againstPlanes: [[UInt64]]
    private(set) var validPlane: [UInt64] = []

    public init(candidateCount: Int, reserveBallots: Int = 0) {
        self.candidateCount = candidateCount
        let words = (reserveBallots + 63) / 64
        forPlanes = Array(repeating: [], count: candidateCount)
        againstPlanes = Array(repeating: [], count: candidateCount)
        if words > 0 {
            for j in 0..<candidateCount {
                forPlanes[j].reserveCapacity(words)
                againstPlanes[j].reserveCapacity(words)
            }
            validPlane.reserveCapacity(words)
        }
    }

    /// Builds a box straight from planes (bulk loads and benchmarks); every plane holds
    /// `(ballotCount + 63) / 64` words and for/against planes must be disjoint.
    public init(ballotCount: Int, forPlanes: [[UInt64]], againstPlanes: [[UInt64]], validPlane: [UInt64]) {
        let words = (ballotCount + 63) / 64
        precondition(forPlanes.count == againstPlanes.count && validPlane.count == words)
        precondition(forPlanes.allSatisfy { $0.count == words } && againstPlanes.allSatisfy { $0.count == words })
        self.candidateCount = forPlanes.count
        self.ballotCount = ballotCount
        self.forPlanes = forPlanes
        self.againstPlanes = againstPlanes
        self.validPlane = validPlane
    }

    public mutating func append(_ ballot: EvaluatedBallot) {
        let word = ballotCount >> 6
        let bit = UInt64(1) << UInt64(ballotCount & 63)
        if word == validPlane.count {
            validPlane.append(0)
            for j in 0..<candidateCount { forPlanes[j].append(0); againstPlanes[j].append(0) }
        }
        ballotCount += 1
        guard case .valid(let forMarks, let againstMarks, _) = ballot else { return }
        validPlane[word] |= bit
        for j in forMarks { forPlanes[j][word] |= bit }
        for j in againstMarks { againstPlanes[j][word] |= bit }
    }

    /// Total bytes of the planes a tally reads.
    public var planeBytes: Int { (2 * candidateCount + 1) * validPlane.count * 8 }

    /// Tally of the listed candidates, split over `threads` workers by candidate.
    public func tally(threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ListedTally {
        var forVotes = [Int](repeating: 0, count: candidateCount)
        var againstVotes = [Int](repeating: 0, count: candidateCount)
        let valid = validPlane.reduce(0) { $0 + $1.nonzeroBitCount }
        let jobs = 2 * candidateCount
        let workers = max(1, min(threads, jobs))
        forVotes.withUnsafeMutableBufferPointer { forOut in
            againstVotes.withUnsafeMutableBufferPointer { againstOut in
                let forOut = UnsafeSendable(forOut), againstOut = UnsafeSendable(againstOut)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var job = worker
                    while job < jobs {
                        let candidate = job >> 1
                        let plane = job & 1 == 0 ? forPlanes[candidate] : againstPlanes[candidate]
                        let count = Self.maskedPopcount(plane, validPlane)
                        if job & 1 == 0 { forOut.value[candidate] = count } else { againstOut.value[candidate] = count }
                        job += workers
                    }
                }
            }
        }
        return ListedTally(forVotes: forVotes, againstVotes: againstVotes, valid: valid)
    }

    @inline(__always)
    static func maskedPopcount(_ plane: [UInt64], _ mask: [UInt64]) -> Int {
        plane.withUnsafeBufferPointer { p in
            mask.withUnsafeBufferPointer { m in
                var total = 0
                for i in 0..<p.count { total &+= (p[i] & m[i]).nonzeroBitCount }
                return total
            }
        }
    }

    /// The memory-read baseline for the benchmark: reads the same planes, same split over
    /// workers, and only adds the words up.
    public func readBaseline(threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> UInt64 {
        let jobs = 2 * candidateCount
        let workers = max(1, min(threads, jobs))
        var sums = [UInt64](repeating: 0, count: workers)
        sums.withUnsafeMutableBufferPointer { out in
            let out = UnsafeSendable(out)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var sum: UInt64 = 0
                var job = worker
                while job < jobs {
                    let plane = job & 1 == 0 ? forPlanes[job >> 1] : againstPlanes[job >> 1]
                    plane.withUnsafeBufferPointer { p in
                        validPlane.withUnsafeBufferPointer { m in
                            for i in 0..<p.count { sum &+= p[i] &+ m[i] }
                        }
                    }
                    job += workers
                }
                out.value[worker] = sum
            }
        }
        return sums.reduce(0, &+)
    }
}

/// Each worker writes only its own slots of the buffer.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
