import Foundation
import FluentKit
import Core

public final class Organization: Model, @unchecked Sendable {
    public static let schema = "organizations"
    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @OptionalField(key: "parent_id") public var parentID: UUID?
    /// Materialized path of ids ("/root/unit/…/") so a unit's whole subtree is one prefix query.
    @Field(key: "path") public var path: String
    @Field(key: "closed") public var closed: Bool

    public init() {}
    public init(id: UUID, name: String, kind: OrganizationKind, parentID: UUID?, path: String) {
        self.id = id; self.name = name; self.kind = kind.rawValue; self.parentID = parentID
        self.path = path; self.closed = false
    }
}

public final class Member: Model, @unchecked Sendable {
    public static let schema = "members"
    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "gender") public var gender: String
    @Field(key: "ethnicity") public var ethnicity: String
    @Field(key: "id_number") public var idNumber: String
    @Field(key: "birth_date") public var birthDate: String
    @Field(key: "join_date") public var joinDate: String
    @Field(key: "status") public var status: String
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "position") public var position: String
    @Field(key: "category") public var category: String
    @Field(key: "title") public var title: String
    @Field(key: "title_level") public var titleLevel: String
    /// JSON array of {"name","level","year"}.
    @Field(key: "honours") public var honours: String
    @Field(key: "npc_deputy") public var npcDeputy: Bool
    @Field(key: "cppcc_member") public var cppccMember: Bool
    /// `NameOrder` key of the name as text, so lists come out in 姓氏笔画 order from the database.
    @Field(key: "sort_key") public var sortKey: String

    public init() {}
}

public final class User: Model, @unchecked Sendable {
    public static let schema = "users"
    @ID(key: .id) public var id: UUID?
    @Field(key: "username") public var username: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "role") public var role: String
    @OptionalField(key: "organization_id") public var organizationID: UUID?
    /// Set when an administrator issued the password: its owner must choose their own first.
    @Field(key: "must_change_password") public var mustChangePassword: Bool
    /// A stopped account (someone who left): it cannot sign in and its sessions end.
    @Field(key: "disabled") public var disabled: Bool

    public init() {}
    public init(username: String, passwordHash: String, displayName: String, role: UserRole, organizationID: UUID?,
                mustChangePassword: Bool = false) {
        self.username = username; self.passwordHash = passwordHash; self.displayName = displayName
        self.role = role.rawValue; self.organizationID = organizationID; self.mustChangePassword = mustChangePassword
        self.disabled = false
    }
}

/// An election with its rules and targets; details the later stages need live in `settings`.
public final class Election: Model, @unchecked Sendable {
    public static let schema = "elections"
    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "profile") public var profile: String
    @Field(key: "seats") public var seats: Int
    @Field(key: "candidate_places") public var candidatePlaces: Int
    @Field(key: "margin_ratio") public var marginRatio: String
    @Field(key: "reference_date") public var referenceDate: String
    /// Office elected ("" when not recorded) and the name-order convention ("A" or "B").
    @Field(key: "office") public var office: String
    @Field(key: "name_order") public var nameOrder: String
    /// JSON: composition targets, deadlines, meeting kind.
    @Field(key: "settings") public var settings: String

    public init() {}
}

public final class ElectionQuota: Model, @unchecked Sendable {
    public static let schema = "election_quotas"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "places") public var places: Int
    /// The recorded reason of a hand-set quota ("" for an apportioned one).
    @Field(key: "reason") public var reason: String
    @OptionalField(key: "seats") public var seats: Int?

    public init() {}
    public init(electionID: UUID, organizationID: UUID, places: Int, reason: String?, seats: Int?) {
        self.electionID = electionID
        self.organizationID = organizationID
        self.places = places
        self.reason = reason ?? ""
        self.seats = seats
    }
}

/// A unit's participation report for one election (its 酝酿产生情况).
public final class UnitParticipation: Model, @unchecked Sendable {
    public static let schema = "unit_participation"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "organizations") public var organizations: Int
    @Field(key: "members") public var members: Int
    @Field(key: "recorded_by") public var recordedBy: String
    @Field(key: "recorded_at") public var recordedAt: String

    public init() {}
}

/// A member left out of E by a recorded decision.
public final class MeetingExclusion: Model, @unchecked Sendable {
    public static let schema = "meeting_exclusions"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "member_id") public var memberID: UUID
    @Field(key: "reason") public var reason: String
    @Field(key: "approved_by") public var approvedBy: String
    @Field(key: "meeting_vote") public var meetingVote: String
    @Field(key: "recorded_by") public var recordedBy: String
    @Field(key: "recorded_at") public var recordedAt: String
    public init() {}
}

/// A member with a vote who checked in.
public final class MeetingCheckIn: Model, @unchecked Sendable {
    public static let schema = "meeting_check_ins"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "member_id") public var memberID: UUID
    @Field(key: "checked_in_by") public var checkedInBy: String
    @Field(key: "checked_in_at") public var checkedInAt: String
    public init() {}
}

/// A scrutineer, chief scrutineer or counter approved by the meeting.
public final class MeetingOfficial: Model, @unchecked Sendable {
    public static let schema = "meeting_officials"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "member_id") public var memberID: UUID
    @Field(key: "role") public var role: String
    @Field(key: "approval") public var approval: String
    @Field(key: "recorded_by") public var recordedBy: String
    @Field(key: "recorded_at") public var recordedAt: String
    public init() {}
}

/// A round of voting; its lifecycle in columns, its ballot's candidates as JSON.
public final class Round: Model, @unchecked Sendable {
    public static let schema = "rounds"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "number") public var number: Int
    @Field(key: "kind") public var kind: String
    @Field(key: "seats") public var seats: Int
    @Field(key: "candidates") public var candidates: String
    @Field(key: "state") public var state: String
    @OptionalField(key: "ballot_hash") public var ballotHash: String?
    @OptionalField(key: "expected") public var expected: Int?
    @OptionalField(key: "present") public var present: Int?
    @OptionalField(key: "issued") public var issued: Int?
    @OptionalField(key: "returned") public var returned: Int?
    @OptionalField(key: "chief_scrutineer") public var chiefScrutineer: String?
    @OptionalField(key: "chair") public var chair: String?
    @OptionalField(key: "pending_scrutineer") public var pendingScrutineer: String?
    @OptionalField(key: "pending_chair") public var pendingChair: String?
    /// `SeatReduction` as JSON.
    @OptionalField(key: "seat_reduction") public var seatReduction: String?
    @OptionalField(key: "origin") public var origin: String?
    @OptionalField(key: "office") public var office: String?
    @OptionalField(key: "approved_order") public var approvedOrder: Bool?
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: String
    public init() {}
}

public final class BallotBatch: Model, @unchecked Sendable {
    public static let schema = "ballot_batches"
    @ID(key: .id) public var id: UUID?
    @Field(key: "round_id") public var roundID: UUID
    @Field(key: "number") public var number: Int
    @Field(key: "size") public var size: Int
    public init() {}
}

public final class BatchEntry: Model, @unchecked Sendable {
    public static let schema = "batch_entries"
    @ID(key: .id) public var id: UUID?
    @Field(key: "round_id") public var roundID: UUID
    @Field(key: "batch") public var batch: Int
    @Field(key: "entry") public var entry: Int
    @Field(key: "account") public var account: String
    @OptionalField(key: "finalised_at") public var finalisedAt: String?
    public init() {}
}

public final class KeyedBallotRow: Model, @unchecked Sendable {
    public static let schema = "keyed_ballots"
    @ID(key: .id) public var id: UUID?
    @Field(key: "round_id") public var roundID: UUID
    @Field(key: "batch") public var batch: Int
    @Field(key: "entry") public var entry: Int
    @Field(key: "number") public var number: Int
    @Field(key: "content") public var content: String
    @Field(key: "keyed_by") public var keyedBy: String
    @Field(key: "keyed_at") public var keyedAt: String
    @OptionalField(key: "superseded_at") public var supersededAt: String?
    public init() {}
}

public final class BatchResolution: Model, @unchecked Sendable {
    public static let schema = "batch_resolutions"
    @ID(key: .id) public var id: UUID?
    @Field(key: "round_id") public var roundID: UUID
    @Field(key: "batch") public var batch: Int
    @Field(key: "number") public var number: Int
    @Field(key: "decision") public var decision: String
    @Field(key: "entry") public var entry: Int
    @Field(key: "decided_by") public var decidedBy: String
    @Field(key: "decided_at") public var decidedAt: String
    public init() {}
}

/// One entry of the append-only, hash-chained audit log.
public final class AuditEntry: Model, @unchecked Sendable {
    public static let schema = "audit_log"
    @ID(custom: "seq", generatedBy: .database) public var id: Int?
    @Field(key: "at") public var at: String
    @Field(key: "actor") public var actor: String
    @Field(key: "action") public var action: String
    @Field(key: "object") public var object: String
    @Field(key: "before") public var before: String
    @Field(key: "after") public var after: String
    @Field(key: "prev_hash") public var prevHash: String
    @Field(key: "hash") public var hash: String

    public init() {}
}

/// An uploaded roster file between preview and confirmation; its bytes are a stored file
/// (`FluentStoredFiles`), named by `sha256`.
public final class StagedImport: Model, @unchecked Sendable {
    public static let schema = "import_staging"
    @ID(key: .id) public var id: UUID?
    @Field(key: "username") public var username: String
    @Field(key: "file_name") public var fileName: String
    @Field(key: "sha256") public var sha256: String
    @Field(key: "size") public var size: Int
    @Field(key: "created_at") public var createdAt: String
    /// The user's column mapping for this file (JSON: heading → column title).
    @Field(key: "column_map") public var columnMapJSON: String

    public init() {}

}

/// Where the audit page's last full check ended (the chain up to here held).
public final class AuditCheckpoint: Model, @unchecked Sendable {
    public static let schema = "audit_checkpoints"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "seq") public var seq: Int
    @Field(key: "hash") public var hash: String
    @Field(key: "at") public var at: String
    public init() {}
}

/// Table names of the stores kept with SQLKit rather than as models.
enum Tables {
    static let sessions = "sessions"
    static let loginAttempts = "login_attempts"
    static let columnMaps = "import_column_maps"
}

/// One nomination (see `CandidacyRecord`).
public final class Candidacy: Model, @unchecked Sendable {
    public static let schema = "candidacies"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "member_id") public var memberID: UUID
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "stage") public var stage: String
    @Field(key: "support_organizations") public var supportOrganizations: Int
    @Field(key: "support_members") public var supportMembers: Int
    @Field(key: "reason") public var reason: String
    @Field(key: "nominated_by") public var nominatedBy: String
    @Field(key: "nominated_at") public var nominatedAt: String
    @Field(key: "category_override") public var categoryOverride: String
    @Field(key: "category_reason") public var categoryReason: String
    @OptionalField(key: "notice_from") public var noticeFrom: String?
    @OptionalField(key: "notice_until") public var noticeUntil: String?
    @Field(key: "decision") public var decision: String
    public init() {}
}

/// One department's opinion on a candidate (see `VettingOpinionRecord`).
public final class VettingOpinion: Model, @unchecked Sendable {
    public static let schema = "vetting_opinions"
    @ID(key: .id) public var id: UUID?
    @Field(key: "candidacy_id") public var candidacyID: UUID
    @Field(key: "department") public var department: String
    @Field(key: "verdict") public var verdict: String
    @Field(key: "opinion") public var opinion: String
    @Field(key: "date") public var date: String
    @Field(key: "recorded_by") public var recordedBy: String
    @Field(key: "recorded_at") public var recordedAt: String
    public init() {}
}

/// A file given with an opinion; its bytes are a stored file (`FluentStoredFiles`), named by `sha256`.
public final class VettingAttachment: Model, @unchecked Sendable {
    public static let schema = "vetting_attachments"
    @ID(key: .id) public var id: UUID?
    @Field(key: "opinion_id") public var opinionID: UUID
    @Field(key: "position") public var position: Int
    @Field(key: "name") public var name: String
    @Field(key: "sha256") public var sha256: String
    @Field(key: "size") public var size: Int
    public init() {}
}

/// A delegate of an election (see `DelegateRecord`).
public final class Delegate: Model, @unchecked Sendable {
    public static let schema = "delegates"
    @ID(key: .id) public var id: UUID?
    @Field(key: "election_id") public var electionID: UUID
    @Field(key: "member_id") public var memberID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "round_id") public var roundID: UUID
    @Field(key: "elected_at") public var electedAt: String
    @Field(key: "qualification") public var qualification: String
    @Field(key: "verdict_reason") public var verdictReason: String
    @Field(key: "consequence") public var consequence: String
    @Field(key: "reviewed_by") public var reviewedBy: String
    @Field(key: "reviewed_at") public var reviewedAt: String
    @OptionalField(key: "term_ended") public var termEnded: String?
    @Field(key: "term_reason") public var termReason: String
    public init() {}
}
