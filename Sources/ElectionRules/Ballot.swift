import Foundation

/// What is on one returned ballot, candidates referred to by their index on the ballot.
public enum Ballot: Sendable, Equatable {
    /// Declared invalid by the scrutineers (torn, extra marks, illegible), with the reason.
    case declaredInvalid(reason: String)
    case marked(BallotMarks)
}

public struct BallotMarks: Sendable, Equatable {
    public var forMarks: [Int]
    public var againstMarks: [Int]
    /// Names written under against-marks (另选他人), in the order they appear.
    public var writeIns: [String]
    /// Marks the scrutineers could not read.
    public var unreadable: [Int]

    public init(for forMarks: [Int] = [], against againstMarks: [Int] = [], writeIns: [String] = [], unreadable: [Int] = []) {
        self.forMarks = forMarks
        self.againstMarks = againstMarks
        self.writeIns = writeIns
        self.unreadable = unreadable
    }
}

/// A ballot after the validity rules of RULES.md §4 were applied.
public enum EvaluatedBallot: Sendable, Equatable {
    case invalid(reason: String)
    /// `writeIns` holds only the write-ins that stand under an against-mark.
    case valid(for: [Int], against: [Int], writeIns: [String])
}

public enum BallotRules {
    public static func evaluate(_ ballot: Ballot, seats: Int, options: RuleOptions) -> EvaluatedBallot {
        switch ballot {
        case .declaredInvalid(let reason):
            return .invalid(reason: reason)
        case .marked(let marks):
            if !marks.unreadable.isEmpty {
                switch options.partialInvalid {
                case .wholeBallot: return .invalid(reason: "有无法辨认的标记")
                case .markOnly: break   // the unreadable mark is simply not a vote: abstention
                }
            }
            // A write-in needs an against-mark to stand under; the extra ones are not counted.
            let writeIns = Array(marks.writeIns.prefix(marks.againstMarks.count))
            let chosen = marks.forMarks.count + writeIns.count
            if chosen > seats {
                return .invalid(reason: "赞成（含另选）\(chosen)人，多于应选\(seats)名")
            }
            return .valid(for: marks.forMarks, against: marks.againstMarks, writeIns: writeIns)
        }
    }
}
