import Foundation

/// What is on one returned ballot, candidates referred to by their index on the ballot.
public enum Ballot: Sendable, Equatable {
    /// Declared invalid by the scrutineers (torn, extra marks, illegible), with the reason.
    case declaredInvalid(reason: String)
    case marked(BallotMarks)
}

/// A name written in the space under a listed candidate (另选他人): it counts only when that
/// candidate is marked against.
public struct PlacedWriteIn: Sendable, Equatable {
    public var under: Int
    public var name: String
    public init(under: Int, name: String) { self.under = under; self.name = name }
}

public struct BallotMarks: Sendable, Equatable {
    public var forMarks: [Int]
    public var againstMarks: [Int]
    /// Names written under against-marks (另选他人) without their place, in the order they appear:
    /// as many count as there are against-marks.
    public var writeIns: [String]
    /// Names written under a given candidate.
    public var placedWriteIns: [PlacedWriteIn] = []
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
    /// `writeIns` holds only the write-ins that stand under an against-mark, each person once,
    /// by their normalised name (`WriteIn.normalized`).
    case valid(for: [Int], against: [Int], writeIns: [String])
}

public enum WriteIn {
    /// NFKC with every white space removed: "赵志刚", "赵志刚 " and "赵　志刚" are one person.
    public static func normalized(_ name: String) -> String {
        String(String.UnicodeScalarView(name.precomposedStringWithCompatibilityMapping.unicodeScalars.filter { !$0.properties.isWhitespace }))
    }
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
            // A write-in needs an against-mark to stand under; the extra ones are not counted. A
            // placed one counts only under its own candidate's against-mark, one per space.
            let against = Set(marks.againstMarks)
            var spaces = Set<Int>()
            var standing: [String] = []
            for placed in marks.placedWriteIns where against.contains(placed.under) && spaces.insert(placed.under).inserted {
                standing.append(placed.name)
            }
            standing += marks.writeIns.prefix(max(0, marks.againstMarks.count - spaces.count))
            // One person written twice on one ballot is one vote and one choice.
            var seen = Set<String>()
            let writeIns = standing.map(WriteIn.normalized).filter { seen.insert($0).inserted }
            let chosen = marks.forMarks.count + writeIns.count
            if chosen > seats {
                return .invalid(reason: "赞成（含另选）\(chosen)人，多于应选\(seats)名")
            }
            return .valid(for: marks.forMarks, against: marks.againstMarks, writeIns: writeIns)
        }
    }
}
