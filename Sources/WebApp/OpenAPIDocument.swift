import Foundation
import Core

/// The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json. A test walks the
/// registered routes and this document both ways, so neither can drift from the other.
enum OpenAPIDocument {
    indirect enum JSON: Encodable {
        case string(String), bool(Bool), int(Int), array([JSON]), object([(String, JSON)])

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
            case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
            case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
            case .array(let a): var c = encoder.unkeyedContainer(); for v in a { try c.encode(v) }
            case .object(let pairs):
                var c = encoder.container(keyedBy: Key.self)
                for (k, v) in pairs { try c.encode(v, forKey: Key(k)) }
            }
        }
        struct Key: CodingKey {
            let stringValue: String
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
    }

    struct Operation {
        let method: String, path: String, summary: String
        var query: [(String, String)] = []
        var body: String? = nil          // schema name, or "file"
        var response: String? = nil      // schema name for 200/201
        var status = 200
        var signedIn = true
    }

    static let operations: [Operation] = [
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "本文档", signedIn: false),
        Operation(method: "post", path: "/api/v1/session", summary: "登录（返回 csrfToken，之后的修改请求放在 X-CSRF-Token 头中）", body: "Login", response: "Session", signedIn: false),
        Operation(method: "get", path: "/api/v1/session", summary: "当前用户", response: "Session"),
        Operation(method: "delete", path: "/api/v1/session", summary: "退出", status: 204),
        Operation(method: "put", path: "/api/v1/account/password", summary: "修改自己的密码", body: "PasswordChange", status: 204),
        Operation(method: "get", path: "/api/v1/members", summary: "党员名册（搜索、筛选、分页；身份证号按角色脱敏）",
                  query: [("q", "姓名、身份证号或党组织"), ("status", "党员状态"), ("gender", "性别"), ("ethnicity", "民族"),
                          ("category", "人员类别"), ("age", "年龄段：35岁以下、36至50岁、51至60岁、61岁以上"), ("page", "页码"), ("pageSize", "每页条数（≤200）")],
                  response: "MemberPage"),
        Operation(method: "get", path: "/api/v1/members/{id}", summary: "一名党员", response: "Member"),
        Operation(method: "put", path: "/api/v1/members/{id}", summary: "修改党员信息（与导入同样的检查；422 时逐项列出问题）", body: "RosterRecord", response: "Member"),
        Operation(method: "post", path: "/api/v1/members/import", summary: "导入名册：请求体为 XLSX 或 CSV 文件；全部通过才写入",
                  query: [("fileName", "文件名（记入审计日志）"), ("dryRun", "true 只检查不写入"),
                          ("createUnder", "文件中不存在的党组织作为支部新建在这个党组织（id）之下，与导入在同一事务中"),
                          ("columnMap[表头]", "把文件中不能识别的列对应到名册的某一列（列名），如 columnMap[组织关系所在支部]=所在党组织；导入成功后本单位记住")],
                  body: "file", response: "ImportResult"),
        Operation(method: "get", path: "/api/v1/members/export", summary: "导出筛选后的名册（XLSX 或 CSV）",
                  query: [("format", "xlsx 或 csv"), ("q", "同 /members"), ("status", "同 /members"), ("gender", "同 /members"),
                          ("ethnicity", "同 /members"), ("category", "同 /members"), ("age", "同 /members")], response: "file"),
        Operation(method: "get", path: "/api/v1/organizations", summary: "党组织树（深度优先，含汇总人数）", response: "OrganizationList"),
        Operation(method: "post", path: "/api/v1/organizations", summary: "新建党组织", body: "NewOrganization", response: "Organization", status: 201),
        Operation(method: "get", path: "/api/v1/organizations/{id}", summary: "一个党组织", response: "Organization"),
        Operation(method: "patch", path: "/api/v1/organizations/{id}", summary: "更名和/或调整隶属关系", body: "OrganizationChange", response: "Organization"),
        Operation(method: "post", path: "/api/v1/organizations/{id}/close", summary: "撤销（须无党员、无未撤销下级）", response: "Organization"),
        Operation(method: "get", path: "/api/v1/users", summary: "用户账号", response: "UserList"),
        Operation(method: "post", path: "/api/v1/users", summary: "新建账号（返回一次性密码）", body: "NewUser", response: "OneTimePassword", status: 201),
        Operation(method: "post", path: "/api/v1/users/{id}/password-reset", summary: "重置他人密码（返回一次性密码）", response: "OneTimePassword"),
        Operation(method: "post", path: "/api/v1/users/{id}/disable", summary: "停用账号（不能登录，已有会话失效）", response: "User"),
        Operation(method: "post", path: "/api/v1/users/{id}/enable", summary: "启用账号", response: "User"),
        Operation(method: "get", path: "/api/v1/audit", summary: "审计日志（新的在前，每页100条）", query: [("page", "页码")], response: "AuditPage"),
        Operation(method: "get", path: "/api/v1/elections", summary: "本单位参与的选举（组织部：全部）", response: "ElectionList"),
        Operation(method: "post", path: "/api/v1/elections", summary: "设立选举（组织部）：候选人名额不得少于差额要求（进一法）", body: "NewElection", response: "Election", status: 201),
        Operation(method: "get", path: "/api/v1/elections/{id}", summary: "一项选举", response: "Election"),
        Operation(method: "post", path: "/api/v1/elections/{id}/quotas/preview", summary: "名额分配预览：各单位党员数、组织数、按比例应得、名额、与现行名额的变化",
                  body: "QuotaPlan", response: "QuotaPreview"),
        Operation(method: "put", path: "/api/v1/elections/{id}/quotas", summary: "按方案分配名额（选举单位选举代表的：分配应选名额，合计须等于应选名额，各单位候选人名额按差额进一法；只推荐的：合计须等于候选人名额；调整须写理由；记入审计日志）",
                  body: "QuotaPlan", response: "QuotaPreview"),
        Operation(method: "get", path: "/api/v1/elections/{id}/candidates", summary: "推荐人选（单位只看到本单位的；按姓氏笔画）", response: "CandidateList"),
        Operation(method: "post", path: "/api/v1/elections/{id}/candidates", summary: "从党员名册推荐人选（只能推荐正式党员）", body: "Nomination", response: "Candidate", status: 201),
        Operation(method: "post", path: "/api/v1/elections/{id}/candidates/{candidate}/stage", summary: "一名人选进入下一环节，或未通过／退出（须写原因）；单位办到初步人选，之后由组织部办理",
                  body: "StageChange", response: "Candidate"),
        Operation(method: "post", path: "/api/v1/elections/{id}/units/{unit}/stage", summary: "一个单位的整份名单进入下一环节：硬性结构要求不满足则拒绝，参考要求只提示",
                  body: "StageChange", response: "ListMove"),
        Operation(method: "get", path: "/api/v1/elections/{id}/composition", summary: "名单结构：各项要求的应有、实有、是否满足、稳健度（可减少几人仍满足）", response: "CompositionReport"),
        Operation(method: "get", path: "/api/v1/elections/{id}/candidates/{candidate}/vetting", summary: "考察材料：各部门意见和附件、尚缺的意见（每次查阅记入审计日志）", response: "VettingRecord"),
        Operation(method: "post", path: "/api/v1/elections/{id}/candidates/{candidate}/vetting", summary: "记录一个部门的考察意见（所在单位的意见可由本单位记录，其余由组织部记录；附件 base64，最多5个、每个≤10 MB）",
                  body: "NewOpinion", response: "VettingOpinion", status: 201),
        Operation(method: "get", path: "/api/v1/elections/{id}/vetting/attachments/{attachment}", summary: "下载考察附件（记入审计日志）", response: "file"),
        Operation(method: "post", path: "/api/v1/elections/{id}/candidates/{candidate}/category", summary: "人工调整人选的类别（组织部，须写理由；记入审计日志）",
                  body: "CategoryChange", response: "Candidate"),
        Operation(method: "get", path: "/api/v1/elections/{id}/progress", summary: "各单位推进情况：名额、推荐、已报初步人选、考察意见、各时间节点（已完成、未到期、已逾期）",
                  query: [("today", "按哪一天判断是否逾期（yyyy-MM-dd，默认今天）")], response: "ProgressList"),
        Operation(method: "get", path: "/api/v1/elections/{id}/participation", summary: "各单位参与推荐情况：基层党组织数、党员数、填报的参与组织数和党员数、占比（要求95%以上）",
                  response: "ParticipationList"),
        Operation(method: "put", path: "/api/v1/elections/{id}/units/{unit}/participation", summary: "填报本单位参与推荐的基层党组织数和党员数（记入审计日志）",
                  body: "ParticipationReport", response: "Participation"),
        Operation(method: "get", path: "/api/v1/elections/{id}/documents/{file}",
                  summary: "选举文件：notice.pdf 公示（预备人选）、register.pdf / register.xlsx 名册、forms.pdf 登记表（每人一页）、report.pdf 酝酿产生情况报告；A4，按姓氏笔画；身份证号按账号权限遮盖；每次生成记入审计日志",
                  query: [("unit", "只要这个单位的（党组织编号）")], response: "document"),
        Operation(method: "get", path: "/api/v1/elections/{id}/attendance", summary: "选举大会的到会情况：有选举权的党员数、应到会 E、实到会 P、是否达到规定人数及其规则",
                  response: "Attendance"),
        Operation(method: "post", path: "/api/v1/elections/{id}/check-ins", summary: "签到：按身份证号或（唯一的）姓名；重复签到、无选举权、已不计入应到会人数的被拒绝；记入审计日志",
                  body: "CheckIn", response: "CheckedIn", status: 201),
        Operation(method: "get", path: "/api/v1/rounds", summary: "账号可见的各轮选举", response: "RoundList"),
        Operation(method: "get", path: "/api/v1/rounds/{round}", summary: "一轮选举：应选名额、候选人（选票顺序）、状态、选票定义哈希、E、P、发出 I、收回 R、批次", response: "Round"),
        Operation(method: "post", path: "/api/v1/elections/{id}/rounds", summary: "设立一轮选举（候选人按姓氏笔画排在选票上；正式选举检查差额）", body: "NewRound", response: "Round", status: 201),
        Operation(method: "post", path: "/api/v1/rounds/{round}/steps",
                  summary: "轮次的下一步：freeze 确定选票（记下定义的哈希）、open 开始投票（issued；按当时的 E、P，未达到规定人数拒绝）、collect 收回（returned；多于发出的本轮无效）、revote 用备用票重新投票（issued）、reopen 重新打开（reason）；不允许的一步以代码拒绝",
                  body: "RoundStep", response: "Round"),
        Operation(method: "get", path: "/api/v1/rounds/{round}/ballots.pdf",
                  summary: "选票 PDF（确定选票后才能印制）：每张选票相同、不带任何编号（批次和票号在分批时写在每页注明的位置）；候选人多时一张选票分几页，每页注明「第 k 张 共 n 张」；超过 1000 页时作为任务生成：回答 202 和任务（Location 为任务地址），完成后从 /api/v1/jobs/{job}/file 下载；同一账号同时只能有一项大型任务（否则 429 heavy.busy）",
                  query: [("count", "张数（默认：发出的张数或实到会人数）"), ("spare", "true：备用票"), ("paper", "A4（默认）或 A3")], response: "document"),
        Operation(method: "get", path: "/api/v1/elections/{id}/delegates",
                  summary: "代表名册：各轮宣布的当选人（按姓氏笔画），所在选举单位、当选的轮次、资格审查结论（待审查、有效、无效）和任期终止；单位只看到本单位的",
                  response: "DelegateList"),
        Operation(method: "get", path: "/api/v1/elections/{id}/delegates/composition",
                  summary: "当选代表的结构（与候选人的结构要求同样的格式：硬性和参考；最终以选举结果为准），资格无效的不计",
                  response: "CompositionReport"),
        Operation(method: "get", path: "/api/v1/elections/{id}/delegates/qualification-report.pdf",
                  summary: "代表资格审查报告（PDF，组织部）：审查情况、按选举单位列出的代表和审查结论、当选代表的结构（人数和占比）；记入审计日志",
                  response: "document"),
        Operation(method: "post", path: "/api/v1/elections/{id}/delegates/{member}/qualification",
                  summary: "代表资格审查结论（组织部）：有效；或无效，须写理由和后果（重新选举或撤换）；记入审计日志",
                  body: "DelegateReview", response: "Delegate"),
        Operation(method: "post", path: "/api/v1/elections/{id}/delegates/{member}/term-end",
                  summary: "代表任期终止（组织部）：日期和原因（调离、留党察看、辞职获准等），代表留在名册上、显示缺额；记入审计日志",
                  body: "TermEnd", response: "Delegate"),
        Operation(method: "post", path: "/api/v1/ballots/preview",
                  summary: "选票样张：按给出的标题、应选名额和候选人画一张选票（全部各页），会前核对版式；order 为 strokes（姓氏笔画，默认）或 given（按所列顺序），paper 为 A4（默认）或 A3",
                  body: "BallotPreview", response: "document"),
        Operation(method: "put", path: "/api/v1/rounds/{round}/batches/{batch}/entries/{entry}/ballots/{number}",
                  summary: "录入一张选票（entry 为 1 或 2，两次录入须由不同计票人；number 从 1 起）：{marks: {候选人 id: for|against}, writeIns: [{under, name}]}（未列出的候选人为弃权）或 {invalid: 原因}；同一请求再发一次不改变任何东西、回答相同；录入提交前不同的内容取代原来的（原来的保留）；提交后 409",
                  body: "KeyedBallot", response: "Keyed"),
        Operation(method: "post", path: "/api/v1/rounds/{round}/batches/{batch}/entries/{entry}/finalise",
                  summary: "提交一次录入（本批每张都须录入）；不告诉计票人两次录入是否一致（双录入互不可见）",
                  response: "Finalised"),
        Operation(method: "get", path: "/api/v1/rounds/{round}/batches/{batch}/differences",
                  summary: "两次录入不一致的选票编号（仅监票人；两次都提交前为空；不给出任何一次录入的内容）", response: "Differences"),
        Operation(method: "post", path: "/api/v1/rounds/{round}/batches/{batch}/resolve",
                  summary: "监票人裁定：{number, keep: 1|2} 以某次录入为准，或 {number, reenter: 1|2} 只退回这一张由该次录入的计票人重录；回答仍不一致的编号",
                  body: "Resolve", response: "Differences"),
        Operation(method: "get", path: "/api/v1/jobs/{job}", summary: "文件生成任务的状态（只有发起的账号可见）：running、done、failed", response: "Job"),
        Operation(method: "get", path: "/api/v1/jobs/{job}/file", summary: "下载已生成的文件（任务为 done 时；否则 409 job.notDone）", response: "file"),
        Operation(method: "post", path: "/api/v1/rounds/{round}/follow-up",
                  summary: "按已签字的计票结果设立下一轮（每轮结果只能设一次）：最后名额票数相同的重新投票（名单即并列者），或差额不足的另行选举（名额和候选人由结果算出；可带 {candidates, reason} 由主持人调整名单，至少名额加一人，理由记入审计日志）", body: "FollowUp",
                  response: "Round", status: 201),
        Operation(method: "get", path: "/api/v1/rounds/{round}/report", summary: "计票结果（与 xuanju count 的 JSON 相同，含候选人 id、发出选票、监票人、计票人）；各批确定后即可查看，监票人签字前 provisional 为 true",
                  response: "RoundReport"),
        Operation(method: "get", path: "/api/v1/rounds/{round}/report.pdf", summary: "选举结果报告单（PDF：各项人数、每人赞成反对弃权、当选者按姓氏笔画、核对、签字栏、审计链头；记入审计日志）",
                  response: "file"),
        Operation(method: "post", path: "/api/v1/rounds/{round}/seat-reduction",
                  summary: "记录会议不再另行选举、减少名额的决定及其表决（党员大会须超过实到会人数的半数同意；记入审计日志）", body: "SeatReduction", response: "Round"),
        Operation(method: "get", path: "/api/v1/rounds/{round}/report.xlsx", summary: "计票结果（XLSX；记入审计日志）", response: "file"),
        Operation(method: "get", path: "/api/v1/elections/{id}/slate", summary: "名单编排方案：从全部有效人选中按名额和结构要求编排（GLPK 精确求解），列出调入、调出和前后结构",
                  response: "SlateProposal"),
        Operation(method: "post", path: "/api/v1/elections/{id}/slate/accept", summary: "采纳方案（digest 须与所看方案一致）：调入者为初步人选，调出者退出并注明原因",
                  body: "SlateDecision", status: 204),
        Operation(method: "post", path: "/api/v1/elections/{id}/slate/reject", summary: "不采纳方案（记入审计日志）", body: "SlateDecision", status: 204),
    ]

    static func string(_ description: String? = nil) -> JSON {
        .object([("type", .string("string"))] + (description.map { [("description", .string($0))] } ?? []))
    }
    static func object(_ properties: [(String, JSON)], required: [String]? = nil) -> JSON {
        .object([("type", .string("object")), ("properties", .object(properties)),
                 ("required", .array((required ?? properties.map(\.0)).map { .string($0) }))])
    }
    static func ref(_ name: String) -> JSON { .object([("$ref", .string("#/components/schemas/\(name)"))]) }
    static func array(_ items: JSON) -> JSON { .object([("type", .string("array")), ("items", items)]) }
    static let uuid: JSON = .object([("type", .string("string")), ("format", .string("uuid"))])
    static let integer: JSON = .object([("type", .string("integer"))])
    static let boolean: JSON = .object([("type", .string("boolean"))])
    static func nullable(_ schema: JSON) -> JSON { .object([("oneOf", .array([schema, .object([("type", .string("null"))])]))]) }

    static let schemas: [(String, JSON)] = [
        ("Error", object([("code", string("稳定的错误代码，如 organization.notFound")), ("message", string("中文说明")),
                          ("field", string("出错的字段（如有）")), ("row", integer)], required: ["code", "message"])),
        ("Problems", object([("code", string()), ("message", string()), ("problems", array(ref("Problem")))])),
        ("Problem", object([("row", nullable(integer)), ("column", nullable(string())), ("code", string()), ("message", string())],
                           required: ["code", "message"])),
        ("Login", object([("username", string()), ("password", string())])),
        ("PasswordChange", object([("current", string()), ("new", string("至少10个字符"))])),
        ("User", object([("id", uuid), ("username", string()), ("displayName", string()),
                         ("role", .object([("type", .string("string")), ("enum", .array(UserRole.allCases.map { .string($0.rawValue) }))])),
                         ("organizationId", nullable(uuid)), ("disabled", boolean)], required: ["id", "username", "displayName", "role", "disabled"])),
        ("UserList", array(ref("User"))),
        ("Session", object([("user", ref("User")), ("csrfToken", string())])),
        ("NewUser", object([("username", string()), ("displayName", string()), ("role", string()), ("organizationId", nullable(uuid))],
                           required: ["username", "displayName", "role"])),
        ("OneTimePassword", object([("user", ref("User")), ("oneTimePassword", string("只返回这一次"))])),
        ("Honour", object([("name", string()), ("level", string()), ("year", integer)])),
        ("RosterRecord", object([("name", string()), ("gender", string("男 或 女")), ("ethnicity", string()),
                                 ("idNumber", string("18位居民身份证号；无权查看完整号码的角色看到 4301**********1234")),
                                 ("birthDate", string("YYYY-MM-DD")), ("joinDate", string("YYYY-MM-DD")), ("status", string()),
                                 ("organization", string("党组织全称")), ("position", string()), ("category", string()), ("title", string()),
                                 ("titleLevel", string()), ("honours", array(ref("Honour"))), ("npcDeputy", boolean), ("cppccMember", boolean)])),
        ("Member", object([("id", uuid), ("organizationId", uuid), ("record", ref("RosterRecord"))])),
        ("MemberPage", object([("total", integer), ("page", integer), ("pageCount", integer), ("members", array(ref("Member")))])),
        ("ImportResult", object([("fileName", string()), ("sha256", string()), ("dataRows", integer), ("members", integer),
                                 ("imported", boolean), ("problems", array(ref("Problem"))),
                                 ("missingOrganizations", array(object([("name", string()), ("rows", integer)]))),
                                 ("organizationsCreated", array(string())), ("headerRow", integer)])),
        ("Organization", object([("id", uuid), ("name", string()), ("kind", string()), ("parentId", nullable(uuid)), ("depth", integer),
                                 ("members", integer), ("organizations", integer), ("closed", boolean)], required: ["id", "name", "kind", "depth", "members", "organizations", "closed"])),
        ("OrganizationList", array(ref("Organization"))),
        ("NewOrganization", object([("name", string()), ("kind", string("市委、区县委、党委、总支、支部")), ("parentId", uuid)])),
        ("OrganizationChange", object([("name", string()), ("parentId", uuid)], required: [])),
        ("AuditEntry", object([("seq", integer), ("at", string()), ("actor", string()), ("action", string()), ("object", string()),
                               ("before", string()), ("after", string())])),
        ("AuditPage", object([("total", integer), ("page", integer), ("entries", array(ref("AuditEntry")))])),
        ("Election", object([("id", uuid), ("name", string()), ("organizationId", uuid),
                             ("office", string("delegate、committee、alternate、discipline、standing、secretary")),
                             ("profile", string("basic、local-congress、local-plenary")), ("seats", integer), ("candidatePlaces", integer),
                             ("marginRatio", string("差额比例，如 0.21")), ("minimumCandidates", integer), ("referenceDate", string("计算年龄的日期")),
                             ("nameOrder", string("A（姓氏笔画，单名视为空白）或 B（姓名笔画）")),
                             ("quorumStrict", boolean), ("partialInvalid", string("markOnly（只作废无法辨认的那一处）或 wholeBallot（整张无效）")),
                             ("electoralUnits", boolean)])),
        ("ElectionList", array(ref("Election"))),
        ("Candidate", object([("id", uuid), ("memberId", uuid), ("name", string()), ("unit", string()), ("unitId", uuid),
                              ("stage", string("推荐、初步人选、考察、研究审议、预备人选、公示、报上级审查、未通过、退出")),
                              ("supportOrganizations", integer), ("supportMembers", integer), ("reason", nullable(string())),
                              ("overlaps", array(string("人大代表、政协委员：省党代表一般不交叉"))),
                              ("category", string("结构要求中计入的类别")), ("categoryBasis", string("名册、职称、荣誉或人工调整及理由"))])),
        ("CategoryChange", object([("category", string("空字符串：恢复按名册认定")), ("reason", string("调整时必填"))], required: ["category"])),
        ("CandidateList", array(ref("Candidate"))),
        ("Nomination", object([("memberId", uuid), ("supportOrganizations", integer), ("supportMembers", integer)], required: ["memberId"])),
        ("StageChange", object([("stage", string()), ("reason", string("未通过、退出时必填"))], required: ["stage"])),
        ("ListMove", object([("moved", integer), ("warnings", array(string()))])),
        ("ParticipationReport", object([("organizations", integer), ("members", integer)])),
        ("Participation", object([("unitId", uuid), ("unit", string()), ("grassroots", integer), ("memberCount", integer),
                                  ("organizations", nullable(integer)), ("members", nullable(integer)), ("share", nullable(string("如 97.5%，截去而非四舍五入"))),
                                  ("meetsTarget", nullable(boolean))], required: ["unitId", "unit", "grassroots", "memberCount"])),
        ("ParticipationList", array(ref("Participation"))),
        ("RoundList", array(object([("id", uuid), ("election", uuid), ("kind", string("formal、preliminary、tieBreak、supplementary")),
                                     ("state", string("草稿、选票已定、投票、收回、作废、计票、已计票、监票人签字、已宣布"))]))),
        ("Round", object([("id", uuid), ("election", uuid), ("number", integer), ("kind", string()), ("office", nullable(string())),
                          ("state", string()), ("seats", integer),
                          ("candidates", array(object([("id", string()), ("name", string())]))), ("ballotHash", nullable(string())),
                          ("expected", nullable(integer)), ("present", nullable(integer)), ("issued", nullable(integer)), ("returned", nullable(integer)),
                          ("batches", array(object([("id", string()), ("ballots", integer), ("state", string())])))],
                         required: ["id", "election", "number", "kind", "state", "seats", "candidates", "batches"])),
        ("KeyedBallot", object([("marks", .object([("type", .string("object")), ("additionalProperties", string("for 或 against"))])),
                                ("writeIns", array(object([("under", string("划 × 的候选人 id")), ("name", string())]))), ("invalid", string("无效票的原因"))],
                               required: [])),
        ("Keyed", object([("number", integer), ("entry", integer), ("valid", boolean), ("invalidReason", nullable(string()))],
                         required: ["number", "entry", "valid"])),
        ("Differences", object([("numbers", array(integer))])),
        ("Job", object([("id", uuid), ("name", string()), ("state", string("running、done、failed")), ("bytes", nullable(integer)),
                        ("code", nullable(string())), ("message", nullable(string()))], required: ["id", "name", "state"])),
        ("FollowUp", object([("candidates", array(uuid)), ("reason", string("调整名单的理由"))], required: ["candidates", "reason"])),
        ("Finalised", object([("batch", integer), ("entry", integer), ("finalised", boolean)])),
        ("RoundReport", .object([("type", .string("object")), ("description", .string("xuanju count --format json 的报告：quorum、counted、void、returned、valid、invalid、threshold、results、elected、tieBreak、shortfall、supplementary、problems、issued、scrutineers、counters；另加 provisional"))])),
        ("Resolve", object([("number", integer), ("keep", integer), ("reenter", integer)], required: ["number"])),
        ("SeatReduction", object([("vote", string("会议的表决情况或主席团的决定")), ("agreed", integer)], required: ["vote"])),
        ("Delegate", object([("memberId", uuid), ("name", string()), ("unit", string()), ("unitId", nullable(uuid)),
                             ("elected", object([("meeting", nullable(string("选举会议（会议成为独立记录之前为空）"))), ("round", uuid)])),
                             ("qualification", string("待审查、有效、无效")), ("reason", nullable(string())),
                             ("consequence", nullable(string("重新选举、撤换"))), ("termEnded", nullable(string("yyyy-MM-dd"))),
                             ("termReason", nullable(string())), ("stands", boolean)])),
        ("DelegateList", array(ref("Delegate"))),
        ("DelegateReview", object([("qualification", string("有效 或 无效")), ("reason", string("无效时必填")),
                                   ("consequence", string("无效时必填：重新选举 或 撤换"))], required: ["qualification"])),
        ("TermEnd", object([("date", string("yyyy-MM-dd")), ("reason", string())], required: ["date", "reason"])),
        ("BallotPreview", object([("title", string("选票标题（选举名称）")), ("seats", integer), ("candidates", array(string("候选人姓名"))),
                                  ("order", string("strokes 或 given")), ("paper", string("A4 或 A3"))], required: ["title", "seats", "candidates"])),
        ("NewRound", object([("kind", string("formal、preliminary（重新投票、另行选举由 follow-up 按结果设立）")),
                             ("office", string("delegate、committee、alternate、discipline、standing、secretary：选举职务，决定差额要求；省略则为选举本身的职务")),
                             ("seats", integer), ("candidates", array(uuid)), ("approvedOrder", boolean)], required: ["kind", "seats",
                                 "candidates"])),
        ("RoundStep", object([("step", string("freeze、open、collect、revote、count（分批开始计票）、finish（各批确定后结束计票）、sign（as：chiefScrutineer 或 chair，两个不同账号都签后为监票人签字）、announce、reopen")),
                              ("issued", integer), ("returned", integer), ("reason", string()), ("as", string("chiefScrutineer、chair"))],
                             required: ["step"])),
        ("Attendance", object([("voters", integer), ("expected", integer), ("present", integer), ("quorumMet", boolean), ("rule", string())])),
        ("CheckIn", object([("query", string("身份证号，或本次会议中唯一的姓名"))])),
        ("CheckedIn", object([("memberId", uuid), ("name", string()), ("attendance", ref("Attendance"))])),
        ("SlateProposal", object([("feasible", boolean), ("digest", string()), ("comingIn", ref("CandidateList")), ("goingOut", ref("CandidateList")), ("leftOut", ref("CandidateList")),
                                  ("selected", array(uuid)), ("current", ref("CompositionReport")), ("proposed", ref("CompositionReport")),
                                  ("conflicts", array(string()))])),
        ("ProgressList", array(object([("unitId", uuid), ("unit", string()), ("places", integer), ("nominated", integer), ("reported", integer),
                                        ("opinionsHeard", integer), ("opinionsNeeded", integer), ("stage", nullable(string("名单所在环节：本单位有效人选中最早的环节"))),
                                        ("deadlines", array(object([("step", string()), ("due", string()),
                                                                     ("milestone", string("按什么判断：上报初步人选、完成考察、确定预备人选、不跟踪")),
                                                                     ("state", string("已完成、未到期、已逾期、不跟踪"))])))]))),
        ("SlateDecision", object([("digest", string()), ("reason", string())], required: ["digest"])),
        ("VettingOpinion", object([("id", uuid), ("department", string("所在单位、纪检、监察、计生、政法、审计、信访（研究审议前须有纪检、监察、计生、政法、审计、信访六个部门的意见）")),
                                   ("verdict", string("无不良反映、有反映，须核实、不同意推荐")), ("opinion", string()), ("date", string()),
                                   ("recordedBy", string()), ("recordedAt", string()),
                                   ("attachments", array(object([("id", uuid), ("name", string()), ("size", integer), ("sha256", string())])))])),
        ("VettingRecord", object([("candidate", ref("Candidate")), ("inspectedBy", string()), ("opinions", array(ref("VettingOpinion"))),
                                  ("missing", array(string()))])),
        ("NewOpinion", object([("department", string()), ("verdict", string()), ("opinion", string()), ("date", string("yyyy-MM-dd")),
                               ("attachments", array(object([("name", string()), ("content", string("base64"))])))],
                              required: ["department", "verdict", "opinion", "date"])),
        ("CompositionReport", array(object([("id", string()), ("label", string()), ("level", string("mandatory 或 guidance")),
                                            ("unit", nullable(string())), ("needed", integer), ("actual", integer), ("met", boolean),
                                            ("robustness", nullable(integer))]))),
        ("NewElection", object([("name", string()), ("organizationId", uuid), ("office", string()), ("profile", string()), ("seats", integer),
                                ("marginRatio", string()), ("candidatePlaces", integer), ("referenceDate", string()), ("nameOrder", string()),
                                ("quorumStrict", boolean), ("partialInvalid", string("markOnly 或 wholeBallot")), ("noticeWorkingDays", integer),
                                ("electoralUnits", boolean),
                                ("composition", array(.object([("type", .string("object")), ("description", .string("结构要求：{id, label, where, min|max|approx, tolerance?, level: mandatory|guidance, perUnit?}，比例写小数（如 0.2）"))]))),
                                ("deadlines", array(object([("step", string()), ("due", string("yyyy-MM-dd")),
                                                             ("milestone", string("可省略（按步骤的文字推断）：上报初步人选、完成考察、确定预备人选、不跟踪"))],
                                                            required: ["step", "due"])))],
                               required: ["name", "organizationId", "profile", "seats", "marginRatio", "referenceDate"])),
        ("QuotaPlan", object([("method", string("hamilton、dhondt、sainte-lague、huntington-hill、adams")), ("base", integer),
                              ("memberWeight", string()), ("organizationWeight", string()), ("minimum", integer),
                              ("overrides", array(object([("unit", uuid), ("places", integer), ("reason", string("必填"))]))),
                              ("placeOverrides", array(object([("unit", uuid), ("places", integer), ("reason", string("必填：选举单位的候选人名额调高（不低于进一法的人数）"))]))),
                              ("units", array(uuid))], required: [])),
        ("QuotaPreview", object([("election", uuid), ("candidatePlaces", integer), ("electoral", boolean),
                                 ("target", integer), ("total", integer), ("totalPlaces", integer), ("complete", boolean),
                                 ("ties", array(array(string()))),
                                 ("rows", array(object([("unit", uuid), ("name", string()), ("members", integer), ("organizations", integer),
                                                        ("share", .object([("type", .string("number"))])), ("seats", nullable(integer)),
                                                        ("places", integer), ("previous", nullable(integer)), ("previousSeats", nullable(integer)),
                                                        ("reason", nullable(string()))])))])),
    ]

    static func content(_ schema: String) -> JSON {
        switch schema {
        case "document":
            let binary: JSON = .object([("type", .string("string")), ("format", .string("binary"))])
            return .object([("application/pdf", .object([("schema", binary)])),
                            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", .object([("schema", binary)]))])
        case "file":
            let binary: JSON = .object([("type", .string("string")), ("format", .string("binary"))])
            return .object([("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", .object([("schema", binary)])),
                            ("text/csv", .object([("schema", binary)]))])
        default:
            return .object([("application/json", .object([("schema", ref(schema))]))])
        }
    }

    static func operation(_ op: Operation) -> JSON {
        var responses: [(String, JSON)] = [("\(op.status)", .object([("description", .string("成功"))] + (op.response.map { [("content", content($0))] } ?? [])))]
        let error = JSON.object([("description", .string("见 error 字段")), ("content", content("Error"))])
        if op.body != nil || op.path.contains("{id}") || op.method != "get" { responses.append(("400", error)) }
        if op.signedIn { responses += [("401", error), ("403", error)] }
        if op.path.contains("{") { responses.append(("404", error)) }
        if op.body == "RosterRecord" || op.body == "file" {
            responses.append(("422", .object([("description", .string("逐项列出的问题，没有写入")), ("content", content(op.body == "file" ? "ImportResult" : "Problems"))])))
        }
        var parameters: [JSON] = op.query.map { name, description in
            .object([("name", .string(name)), ("in", .string("query")), ("required", .bool(false)), ("description", .string(description)), ("schema", string())])
        }
        // Every {name} in the path is declared (OpenAPI requires it): numbers for the batch, the
        // entry and the ballot, a file's name as text, ids otherwise.
        let names = op.path.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) }
        parameters.insert(contentsOf: names.map { name in
            let schema = ["batch", "entry", "number"].contains(name) ? integer : name == "file" ? string() : uuid
            return .object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)), ("schema", schema)])
        }, at: 0)
        if op.signedIn && op.method != "get" {
            parameters.append(.object([("name", .string("X-CSRF-Token")), ("in", .string("header")), ("required", .bool(true)), ("schema", string())]))
        }
        var fields: [(String, JSON)] = [("summary", .string(op.summary)), ("operationId", .string(op.method + op.path.replacingOccurrences(of: "/api/v1", with: "")))]
        if !parameters.isEmpty { fields.append(("parameters", .array(parameters))) }
        if let body = op.body { fields.append(("requestBody", .object([("required", .bool(true)), ("content", content(body))]))) }
        fields.append(("responses", .object(responses)))
        if !op.signedIn { fields.append(("security", .array([]))) }
        return .object(fields)
    }

    static var document: JSON {
        var paths: [(String, [(String, JSON)])] = []
        for op in operations {
            if let i = paths.firstIndex(where: { $0.0 == op.path }) { paths[i].1.append((op.method, operation(op))) }
            else { paths.append((op.path, [(op.method, operation(op))])) }
        }
        return .object([
            ("openapi", .string("3.1.0")),
            ("info", .object([("title", .string("选举 Xuanju API")), ("version", .string("1")),
                              ("description", .string("党代表选举管理系统的 JSON 接口。登录后使用会话 Cookie（xuanju_session）；修改类请求须带 X-CSRF-Token。"))])),
            ("servers", .array([.object([("url", .string("/"))])])),
            ("security", .array([.object([("session", .array([]))])])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("securitySchemes", .object([("session", .object([("type", .string("apiKey")), ("in", .string("cookie")), ("name", .string("xuanju_session"))]))])),
                ("schemas", .object(schemas)),
            ])),
        ])
    }

    static func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }
}
