@_exported import ElectionRules

/// Levels of the organization tree (市委 → 区县委/工委 → 党委 → 总支 → 支部).
public enum OrganizationKind: String, Codable, Sendable, CaseIterable {
    case cityCommittee = "市委"
    case unitCommittee = "区县委"
    case committee = "党委"
    case generalBranch = "总支"
    case branch = "支部"

    /// 0 for 市委 … 4 for 支部: a child sits at a deeper level than its parent.
    public var level: Int { Self.allCases.firstIndex(of: self)! }
}

/// What an account is for; what each may do is decided in one place (the web's access policy).
public enum UserRole: String, Codable, Sendable, CaseIterable {
    case systemAdmin = "系统管理员"
    case departmentAdmin = "组织部管理员"
    case unitAdmin = "单位管理员"
    case counter = "计票员"
    case scrutineer = "监票人"
    case readOnly = "只读"

    /// The department's roles see the whole city; the others one organization's subtree.
    public var isCityWide: Bool {
        switch self {
        case .systemAdmin, .departmentAdmin: return true
        case .unitAdmin, .counter, .scrutineer, .readOnly: return false
        }
    }
}

/// Where a nomination stands (the seed's third speech): the unit recommends and reports its
/// preliminary list; the department inspects, the standing committee deliberates, the plenary
/// decides the preliminary candidates, who are published and reported upward. A nomination
/// can end early: not passed, or withdrawn, each with its reason.
public enum NominationStage: String, Codable, Sendable, CaseIterable {
    case recommended = "推荐"
    case preliminary = "初步人选"
    case inspection = "考察"
    case deliberation = "研究审议"
    case proposed = "预备人选"
    case publicized = "公示"
    case reported = "报上级审查"
    /// The convening committee approved the unit's list as its candidates (RULES §13).
    case approved = "正式候选人"
    case notPassed = "未通过"
    case withdrawn = "退出"

    /// The stages a nomination goes through, in order.
    public static let path: [NominationStage] = [.recommended, .preliminary, .inspection, .deliberation, .proposed, .publicized, .reported,
                                                 .approved]

    public var isActive: Bool { Self.path.contains(self) }

    /// The stage after this one on the path (nil at the end or when ended).
    public var next: NominationStage? {
        guard let i = Self.path.firstIndex(of: self), i + 1 < Self.path.count else { return nil }
        return Self.path[i + 1]
    }
}

/// The meeting's officers of the count (RULES §8).
public enum MeetingRole: String, Codable, Sendable, CaseIterable {
    case chiefScrutineer = "总监票人"
    case scrutineer = "监票人"
    case counter = "计票人"
}

/// Whose opinion the inspection hears (the seed: the person's own unit, and the discipline,
/// supervision, family-planning, audit and petition departments).
public enum VettingDepartment: String, Codable, Sendable, CaseIterable {
    case unit = "所在单位"
    case discipline = "纪检"
    case supervision = "监察"
    case familyPlanning = "计生"
    case politicalLegal = "政法"
    case audit = "审计"
    case petitions = "信访"

    /// The six departments whose written opinion vetting needs before 研究审议 (RULES §12.2); the
    /// unit's own opinion is heard too but is not one of them.
    public static let required: [VettingDepartment] = [.discipline, .supervision, .familyPlanning, .politicalLegal, .audit, .petitions]
}

/// What a department's opinion comes to.
public enum VettingVerdict: String, Codable, Sendable, CaseIterable {
    case clear = "无不良反映"
    case toVerify = "有反映，须核实"
    case against = "不同意推荐"
}

/// A delegate's qualification as the 代表资格审查委员会 finds it (RULES §13).
public enum DelegateQualification: String, Codable, Sendable, CaseIterable {
    case pending = "待审查"
    case valid = "有效"
    case invalid = "无效"
}

/// What follows a delegate found not qualified: the unit elects again, or the delegate is replaced.
public enum DisqualificationConsequence: String, Codable, Sendable, CaseIterable {
    case reelect = "重新选举"
    case replace = "撤换"
}
