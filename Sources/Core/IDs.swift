import Foundation

/// An id that says what it names: an organization's id cannot be passed where a member's is
/// expected. Encoded as the plain UUID text, as the API has always shown ids.
public struct TypedID<Tag>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uuid: UUID
    public init(_ uuid: UUID) { self.uuid = uuid }
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }
    public init(from decoder: any Decoder) throws { uuid = try decoder.singleValueContainer().decode(UUID.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(uuid)
    }
    public var description: String { uuid.uuidString }
}

public enum OrganizationTag {}
public enum MemberTag {}
public enum AccountTag {}
public enum ElectionTag {}
public enum StagedImportTag {}
public enum CandidacyTag {}
public enum VettingOpinionTag {}
public enum AttachmentTag {}
public enum RoundTag {}

public typealias OrganizationID = TypedID<OrganizationTag>
public typealias MemberID = TypedID<MemberTag>
public typealias AccountID = TypedID<AccountTag>
public typealias ElectionID = TypedID<ElectionTag>
public typealias StagedImportID = TypedID<StagedImportTag>
public typealias CandidacyID = TypedID<CandidacyTag>
public typealias VettingOpinionID = TypedID<VettingOpinionTag>
public typealias AttachmentID = TypedID<AttachmentTag>
public typealias RoundID = TypedID<RoundTag>
