import Foundation
import Core
import Documents
import NameOrder

/// What the database holds, as plain values: the features read and write these through the
/// clients (`DataStore`), never the Fluent models.

public struct OrganizationRecord: Sendable, Equatable {
    public var id: OrganizationID
    public var name: String
    public var kind: OrganizationKind
    public var parentID: OrganizationID?
    /// Materialized path of ids ("/root/unit/…/") so a unit's whole subtree is one prefix query.
    public var path: String
    public var closed: Bool

    public init(id: OrganizationID, name: String, kind: OrganizationKind, parentID: OrganizationID?, path: String, closed: Bool = false) {
        self.id = id; self.name = name; self.kind = kind; self.parentID = parentID; self.path = path; self.closed = closed
    }

    /// The ids on the path, root first, this organization last.
    public var pathIDs: [OrganizationID] { path.split(separator: "/").compactMap { OrganizationID(String($0)) } }
}

/// A member as stored: the roster record (with its organization's name) and where it belongs.
public struct MemberRecord: Sendable, Equatable {
    public var id: MemberID
    public var organizationID: OrganizationID
    /// `record.organization` is the organization's full name.
    public var record: RosterRecord

    public init(id: MemberID, organizationID: OrganizationID, record: RosterRecord) {
        self.id = id; self.organizationID = organizationID; self.record = record
    }

    /// The member's standing (RULES §1): stored members passed the roster checks, so this is
    /// nil only for a row written around them.
    public var standing: MemberStanding? { MemberStanding(rawValue: record.status) }
}

public struct AccountRecord: Sendable, Equatable {
    public var id: AccountID
    public var username: String
    public var passwordHash: String
    public var displayName: String
    public var role: UserRole
    public var organizationID: OrganizationID?
    /// Set when an administrator issued the password: its owner must choose their own first.
    public var mustChangePassword: Bool
    /// A stopped account (someone who left): it cannot sign in and its sessions end.
    public var disabled: Bool

    public init(id: AccountID = AccountID(UUID()), username: String, passwordHash: String, displayName: String, role: UserRole,
                organizationID: OrganizationID?, mustChangePassword: Bool = false, disabled: Bool = false) {
        self.id = id; self.username = username; self.passwordHash = passwordHash; self.displayName = displayName
        self.role = role; self.organizationID = organizationID; self.mustChangePassword = mustChangePassword; self.disabled = disabled
    }
}

/// One entry of the append-only, hash-chained audit log.
public struct AuditRecord: Sendable, Equatable {
    public var seq: Int
    public var at: String
    public var actor: String
    public var action: String
    public var object: String
    public var before: String
    public var after: String
    public var prevHash: String
    public var hash: String

    public init(seq: Int = 0, at: String, actor: String, action: String, object: String, before: String, after: String,
                prevHash: String, hash: String) {
        self.seq = seq; self.at = at; self.actor = actor; self.action = action; self.object = object
        self.before = before; self.after = after; self.prevHash = prevHash; self.hash = hash
    }
}

/// An uploaded roster file between preview and confirmation (in the database, so the
/// confirmation may reach any server).
public struct StagedImportRecord: Sendable, Equatable {
    public var id: StagedImportID
    public var username: String
    public var fileName: String
    public var sha256: String
    public var content: Data
    public var createdAt: String
    /// The user's column mapping for this file: heading → column title.
    public var columnMap: [String: String]

    public init(id: StagedImportID = StagedImportID(UUID()), username: String, fileName: String, sha256: String, content: Data,
                createdAt: String, columnMap: [String: String]) {
        self.id = id; self.username = username; self.fileName = fileName; self.sha256 = sha256; self.content = content
        self.createdAt = createdAt; self.columnMap = columnMap
    }
}

public struct ElectionRecord: Sendable, Equatable {
    public var id: ElectionID
    public var name: String
    public var organizationID: OrganizationID
    public var profile: RuleProfile
    public var seats: Int
    public var candidatePlaces: Int
    public var marginRatio: Ratio
    /// The day ages are counted on (周岁 on this date).
    public var referenceDate: String
    /// What is elected (delegates, a committee, …); nil for elections made before it was recorded.
    public var office: Office?
    /// 姓氏笔画 convention for every list of this election.
    public var nameOrder: NameConvention
    /// Stage, composition targets, deadlines, meeting kind (JSON the later stages read).
    public var settings: String

    public init(id: ElectionID = ElectionID(UUID()), name: String, organizationID: OrganizationID, profile: RuleProfile, seats: Int,
                candidatePlaces: Int, marginRatio: Ratio, referenceDate: String, office: Office? = nil, nameOrder: NameConvention = .a,
                settings: String) {
        self.id = id; self.name = name; self.organizationID = organizationID; self.profile = profile; self.seats = seats
        self.candidatePlaces = candidatePlaces; self.marginRatio = marginRatio; self.referenceDate = referenceDate
        self.office = office; self.nameOrder = nameOrder; self.settings = settings
    }
}

public struct QuotaRecord: Sendable, Equatable {
    public var electionID: ElectionID
    public var organizationID: OrganizationID
    public var places: Int
    /// Why the seats or places were set by hand rather than by the apportionment (nil when they were not).
    public var reason: String?
    /// The delegates the unit elects (an electoral unit, RULES §13); nil where the election only
    /// recommends candidates upward and the unit has candidate places alone.
    public var seats: Int?
    public init(electionID: ElectionID, organizationID: OrganizationID, places: Int, reason: String? = nil, seats: Int? = nil) {
        self.electionID = electionID
        self.organizationID = organizationID
        self.places = places
        self.reason = reason
        self.seats = seats
    }
}

/// A member with a vote left out of E by a recorded decision (RULES §1): the reason, the
/// higher level's approval and the meeting's vote.
public struct ExclusionRecord: Sendable, Equatable {
    public var electionID: ElectionID
    public var memberID: MemberID
    public var reason: ExclusionReason
    public var approvedBy: String
    public var meetingVote: String
    public var recordedBy: String
    public var recordedAt: String
    public init(electionID: ElectionID, memberID: MemberID, reason: ExclusionReason, approvedBy: String, meetingVote: String,
                recordedBy: String, recordedAt: String) {
        self.electionID = electionID; self.memberID = memberID; self.reason = reason; self.approvedBy = approvedBy
        self.meetingVote = meetingVote; self.recordedBy = recordedBy; self.recordedAt = recordedAt
    }
}

/// A member with a vote who checked in at the door (counts in P), once.
public struct CheckInRecord: Sendable, Equatable {
    public var electionID: ElectionID
    public var memberID: MemberID
    public var checkedInBy: String
    public var checkedInAt: String
    public init(electionID: ElectionID, memberID: MemberID, checkedInBy: String, checkedInAt: String) {
        self.electionID = electionID; self.memberID = memberID; self.checkedInBy = checkedInBy; self.checkedInAt = checkedInAt
    }
}

/// A scrutineer, the chief scrutineer or a counter, approved by the meeting (RULES §8).
public struct OfficialRecord: Sendable, Equatable {
    public var electionID: ElectionID
    public var memberID: MemberID
    public var role: MeetingRole
    /// The meeting's approval as recorded (e.g. "大会表决通过").
    public var approval: String
    public var recordedBy: String
    public var recordedAt: String
    public init(electionID: ElectionID, memberID: MemberID, role: MeetingRole, approval: String, recordedBy: String, recordedAt: String) {
        self.electionID = electionID; self.memberID = memberID; self.role = role; self.approval = approval
        self.recordedBy = recordedBy; self.recordedAt = recordedAt
    }
}

/// A round of voting at the election meeting: what it elects, whom the ballot lists (in ballot
/// order), and where its lifecycle stands with what each step recorded.
public struct RoundRecord: Sendable, Equatable {
    public struct Candidate: Sendable, Equatable, Codable {
        public let id: String
        public let name: String
        public init(id: String, name: String) { self.id = id; self.name = name }
    }
    public var id: RoundID
    public var electionID: ElectionID
    /// 1, 2, … within the election.
    public var number: Int
    public var kind: RoundKind
    public var seats: Int
    public var candidates: [Candidate]
    public var lifecycle: RoundLifecycle
    /// Signatures given before both are in: the chief scrutineer's and the chair's accounts.
    public var pendingScrutineer: String?
    public var pendingChair: String?
    /// The meeting's decision to reduce the seats instead of a supplementary election (RULES §6).
    public var seatReduction: SeatReduction?
    /// For a tie-break or supplementary round: the round whose report it follows.
    public var origin: RoundOrigin?
    /// What the round elects (RULES §3 sets its margin); nil for rounds made before it was recorded.
    public var office: Office?
    /// The candidates stand in the order the higher organization approved (secretaries), not 姓氏笔画.
    public var approvedOrder = false
    public var createdBy: String
    public var createdAt: String
    public init(id: RoundID = RoundID(UUID()), electionID: ElectionID, number: Int, kind: RoundKind, seats: Int, candidates: [Candidate],
                lifecycle: RoundLifecycle = RoundLifecycle(), createdBy: String, createdAt: String) {
        self.id = id; self.electionID = electionID; self.number = number; self.kind = kind; self.seats = seats; self.candidates = candidates
        self.lifecycle = lifecycle; self.createdBy = createdBy; self.createdAt = createdAt
    }
}

/// Where a follow-up round comes from (RULES §6–7): the report it follows (one follow-up per
/// report), whether it settles a preliminary election (the threshold base stays E), and, for a
/// supplementary list the chair changed, the recorded reason.
public struct RoundOrigin: Sendable, Equatable, Codable {
    public let round: RoundID
    public let preliminaryStage: Bool
    public let override: String?
    public init(round: RoundID, preliminaryStage: Bool, override: String?) {
        self.round = round
        self.preliminaryStage = preliminaryStage
        self.override = override
    }
}

/// A meeting's decision not to hold the supplementary election and to reduce the seats, with its vote.
public struct SeatReduction: Sendable, Equatable, Codable {
    /// How many seats are given up (at most the shortfall).
    public let seats: Int
    /// The vote as the meeting recorded it (basic: how many voters agreed; local: the presidium's decision).
    public let vote: String
    /// For a members' meeting: how many agreed, checked against more than half of those present.
    public let agreed: Int?
    public let decidedBy: String
    public let decidedAt: String
    public init(seats: Int, vote: String, agreed: Int?, decidedBy: String, decidedAt: String) {
        self.seats = seats; self.vote = vote; self.agreed = agreed; self.decidedBy = decidedBy; self.decidedAt = decidedAt
    }
}

/// A numbered bundle of returned paper ballots, keyed twice.
public struct BatchRecord: Sendable, Equatable {
    public var roundID: RoundID
    public var number: Int
    public var size: Int
    public init(roundID: RoundID, number: Int, size: Int) { self.roundID = roundID; self.number = number; self.size = size }
}

/// Who keys one entry (1 or 2) of a batch, and whether they have finalised it.
public struct BatchEntryRecord: Sendable, Equatable {
    public var roundID: RoundID
    public var batch: Int
    public var entry: Int
    public var account: String
    public var finalisedAt: String?
    public init(roundID: RoundID, batch: Int, entry: Int, account: String, finalisedAt: String? = nil) {
        self.roundID = roundID; self.batch = batch; self.entry = entry; self.account = account; self.finalisedAt = finalisedAt
    }
}

/// One keying of one paper ballot (its content as JSON). Rows are never changed but to mark
/// them superseded (a different keying while the entry was open, or a scrutineer's send-back).
public struct KeyedBallotRecord: Sendable, Equatable {
    public var roundID: RoundID
    public var batch: Int
    public var entry: Int
    public var number: Int
    public var content: String
    public var keyedBy: String
    public var keyedAt: String
    public var supersededAt: String?
    public init(roundID: RoundID, batch: Int, entry: Int, number: Int, content: String, keyedBy: String, keyedAt: String, supersededAt: String? = nil) {
        self.roundID = roundID; self.batch = batch; self.entry = entry; self.number = number; self.content = content
        self.keyedBy = keyedBy; self.keyedAt = keyedAt; self.supersededAt = supersededAt
    }
}

/// A scrutineer's decision on a ballot the two entries disagree on.
public struct ResolutionRecord: Sendable, Equatable {
    public enum Decision: String, Sendable, Codable { case keep, reenter }
    public var roundID: RoundID
    public var batch: Int
    public var number: Int
    public var decision: Decision
    public var entry: Int
    public var decidedBy: String
    public var decidedAt: String
    public init(roundID: RoundID, batch: Int, number: Int, decision: Decision, entry: Int, decidedBy: String, decidedAt: String) {
        self.roundID = roundID; self.batch = batch; self.number = number; self.decision = decision; self.entry = entry
        self.decidedBy = decidedBy; self.decidedAt = decidedAt
    }
}

/// What a unit reports of its nominating (酝酿产生情况): how many of its grassroots
/// organizations took part and how many members recommended.
public struct ParticipationRecord: Sendable, Equatable {
    public var electionID: ElectionID
    public var unitID: OrganizationID
    public var organizations: Int
    public var members: Int
    public var recordedBy: String
    public var recordedAt: String
    public init(electionID: ElectionID, unitID: OrganizationID, organizations: Int, members: Int, recordedBy: String, recordedAt: String) {
        self.electionID = electionID; self.unitID = unitID; self.organizations = organizations; self.members = members
        self.recordedBy = recordedBy; self.recordedAt = recordedAt
    }
}

/// One person nominated in one election, counted for one unit (the organization directly
/// below the election's that the person belongs to).
public struct CandidacyRecord: Sendable, Equatable {
    public var id: CandidacyID
    public var electionID: ElectionID
    public var memberID: MemberID
    public var unitID: OrganizationID
    public var stage: NominationStage
    /// How many organizations and members recommended the person.
    public var supportOrganizations: Int
    public var supportMembers: Int
    /// Why a nomination ended (未通过, 退出); empty otherwise.
    public var reason: String
    public var nominatedBy: String
    public var nominatedAt: String
    /// The composition category set by hand (empty: derived from the roster), and why.
    public var categoryOverride: String
    public var categoryReason: String
    /// 公示: its first and last day (yyyy-MM-dd), set when the list enters 公示 (RULES §12).
    public var noticeFrom: String?
    public var noticeUntil: String?
    /// The convening committee's recorded decision approving the unit's list as its candidates
    /// (正式候选人, RULES §13); empty before.
    public var decision: String = ""

    public init(id: CandidacyID = CandidacyID(UUID()), electionID: ElectionID, memberID: MemberID, unitID: OrganizationID,
                stage: NominationStage = .recommended, supportOrganizations: Int, supportMembers: Int, reason: String = "",
                nominatedBy: String, nominatedAt: String, categoryOverride: String = "", categoryReason: String = "") {
        self.id = id; self.electionID = electionID; self.memberID = memberID; self.unitID = unitID; self.stage = stage
        self.supportOrganizations = supportOrganizations; self.supportMembers = supportMembers; self.reason = reason
        self.nominatedBy = nominatedBy; self.nominatedAt = nominatedAt
        self.categoryOverride = categoryOverride; self.categoryReason = categoryReason
    }
}

/// One department's opinion in a candidate's vetting record, with the files that came with it.
public struct VettingOpinionRecord: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public var id: AttachmentID
        public var name: String
        public var sha256: String
        public var size: Int
        public init(id: AttachmentID = AttachmentID(UUID()), name: String, sha256: String, size: Int) {
            self.id = id; self.name = name; self.sha256 = sha256; self.size = size
        }
    }
    public var id: VettingOpinionID
    public var candidacyID: CandidacyID
    public var department: VettingDepartment
    public var verdict: VettingVerdict
    public var opinion: String
    /// The day the opinion was given (yyyy-MM-dd).
    public var date: String
    public var recordedBy: String
    public var recordedAt: String
    public var attachments: [Attachment]

    public init(id: VettingOpinionID = VettingOpinionID(UUID()), candidacyID: CandidacyID, department: VettingDepartment, verdict: VettingVerdict,
                opinion: String, date: String, recordedBy: String, recordedAt: String, attachments: [Attachment] = []) {
        self.id = id; self.candidacyID = candidacyID; self.department = department; self.verdict = verdict; self.opinion = opinion
        self.date = date; self.recordedBy = recordedBy; self.recordedAt = recordedAt; self.attachments = attachments
    }
}

public struct SessionRecord: Sendable, Equatable {
    public var data: [String: String]
    public var createdAt: Double
    public var lastSeen: Double
    public init(data: [String: String], createdAt: Double, lastSeen: Double) { self.data = data; self.createdAt = createdAt; self.lastSeen = lastSeen }
}

/// A delegate of the election (RULES §13): written when the round that elected them is
/// announced (an announced round is final), then reviewed by the qualification
/// committee (代表资格审查); a term that ends early keeps the record, with the day and the reason.
public struct DelegateRecord: Sendable, Equatable {
    public var electionID: ElectionID
    public var memberID: MemberID
    public var name: String
    public var roundID: RoundID
    public var electedAt: String
    public var qualification: DelegateQualification = .pending
    /// Why a delegate was found not qualified (empty otherwise), and what follows.
    public var verdictReason = ""
    public var consequence: DisqualificationConsequence?
    public var reviewedBy = ""
    public var reviewedAt = ""
    /// The day the term ended early (转出, 留党察看, resignation: 党代表任期制暂行条例 25–26), and why.
    public var termEnded: String?
    public var termReason = ""

    public init(electionID: ElectionID, memberID: MemberID, name: String, roundID: RoundID, electedAt: String) {
        self.electionID = electionID
        self.memberID = memberID
        self.name = name
        self.roundID = roundID
        self.electedAt = electedAt
    }
}
