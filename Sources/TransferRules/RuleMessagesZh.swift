/// The Chinese messages of every rule id (SPEC §2) and of the other error ids the CLI and the API report, in one
/// catalogue that the web console, the API (`messageZh`) and `hwledger --lang zh` share.
///
/// A Chinese message is the rule's sentence followed by the English detail of the violation, which names the field and
/// carries the numbers (grams, dates, manifest numbers): `超过审批剩余数量：12.000 t exceeds the 10.000 t left on …`.
/// The English `message` stays the API's normative text; the Chinese is for people. Not guaranteed: that the detail is
/// translated; it is quoted as the rule wrote it.
public enum RuleMessagesZh {
    /// The Chinese sentence of a rule id or error id (`R-…`, `MALFORMED`, `USAGE`, …); nil for an id not catalogued.
    public static func sentence(for id: String) -> String? {
        if let rule = RuleID(rawValue: id) { return rule.sentenceZh }
        return otherIDs[id]
    }

    /// The Chinese message for an error `id` whose English sentence is `detail`.
    ///
    /// An id the catalogue does not know keeps its English detail, prefixed with a neutral Chinese word, so a
    /// person still learns what happened.
    public static func message(id: String, detail: String, sentenceZh: String? = nil) -> String {
        if let sentenceZh { return sentenceZh + "：" + detail }
        let sentence = self.sentence(for: id) ?? "错误（\(id)）"
        return detail.isEmpty || selfContained.contains(id) ? sentence : sentence + "：" + detail
    }

    /// Ids whose Chinese sentence says all a person can act on: the English detail (for the operator's log) is left
    /// out of the Chinese message.
    public static let selfContained: Set<String> = ["STORAGE-FULL", "STORAGE-IO"]

    /// Error ids that are not rules of SPEC §2: usage, malformed input, I/O and server conditions (SPEC §4).
    public static let otherIDs: [String: String] = [
        "MALFORMED": "输入不是格式正确的 JSON 或不符合规定的结构",
        "USAGE": "参数用法错误",
        "IO": "无法读取或打开文件、密钥或数据库",
        "INTEGRITY": "完整性校验失败（签名、哈希链、证明或检查点不符）",
        "INTERNAL": "内部错误",
        "TOO-LARGE": "请求内容过大",
        "UNAVAILABLE": "服务暂不可用",
        "AWAITING-WITNESSES": "检查点尚未获得足够的见证方联署，请稍后重试",
        "UNKNOWN": "已发送，但服务器的答复丢失，不能确定是否已写入台账；请原样重新运行同一命令查明结果",
        "NOT-APPENDED": "未写入台账（服务器在此前的批次出错，本行未发送或被整批拒绝）；请原样重新运行同一命令",
        "STORAGE-FULL": "服务器存储空间已满，本次未写入任何内容，请联系运维",
        "STORAGE-IO": "服务器存储读写失败，本次未写入任何内容，请联系运维",
        "WRITER-BUSY": "台账正由另一写入进程占用，等待超时，本次未写入任何内容，请稍后重试",
        "READ-ONLY": "本服务为只读备库，不接受提交；请向主库提交",
    ]
}

extension RuleID {
    /// What the rule means, in Chinese, for the people who meet it (enterprise clerks, regulators).
    public var sentenceZh: String {
        switch self {
        case .schema: "填报内容不符合格式要求（缺少或多余字段、类型错误或取值不在允许范围内）"
        case .signature: "签名无效，或密钥未知、已吊销、不属于该主体"
        case .nonce: "该提交已使用过，不能重复提交"
        case .time: "行为时间晚于签名时间，或签名时间超前于台账时间"
        case .uscc: "统一社会信用代码校验位错误"
        case .division: "行政区划代码无效或已停用"
        case .wasteCode: "废物代码不在《国家危险废物名录》中"
        case .methodCode: "利用/处置方式代码无效"
        case .notFound: "引用的申请、批准、登记、联单、费率表或更正不存在"
        case .auth: "无权执行此操作（角色或省份不符，或不是该联单的当事方）"
        case .duplicate: "编号已存在"
        case .state: "当前状态不允许此操作（步骤顺序不对、重复操作或日期早于前一步）"
        case .permit: "接受人的危险废物经营许可证缺失、已过期或不涵盖该废物代码和方式"
        case .carrierPermit: "承运人没有在计划起运日有效的道路危险货物运输许可证"
        case .approvalValidity: "审批有效期不符合规定"
        case .approvalRoute: "审批步骤不符合规定的程序"
        case .approvalGrams: "批准数量超过申请数量"
        case .approvalMissing: "跨省转移须填写审批编号或“点对点”登记编号"
        case .approvalMismatch: "联单与审批不一致（移出人、接受人、废物代码或方式不同，或申请未获批准）"
        case .approvalExpired: "计划起运日期不在审批有效期内"
        case .approvalQuota: "转移数量超过审批剩余数量"
        case .whitelistQuota: "超过白名单剩余额度，且没有列入方的书面同意"
        case .whitelistYear: "审批有效期超出白名单所属年度"
        case .returnExceeds: "退回联单的方向、依据或数量不符合规定（不得超过原联单拒收且尚未退回的数量）"
        case .p2pScope: "“点对点”双方不在试点省份范围内"
        case .p2pBanned: "麻醉药品、精神药品等管制药品生产产生的废物不适用“点对点”豁免"
        case .p2pGeneral: "该废物已适用《危险废物豁免管理清单》其他条目"
        case .p2pThreshold: "申报的年产生量低于规定门槛"
        case .p2pWindow: "有效期超出试点期限"
        case .p2pInactive: "“点对点”登记在计划起运日未生效或已撤销"
        case .p2pMismatch: "与“点对点”登记的移出人、利用单位或废物代码不符"
        case .p2pCap: "超过“点对点”登记的年度限额"
        case .statement: "结算单合计或摘要与重新计算的结果不符"
        }
    }
}

extension RuleViolation {
    /// The Chinese message: the rule's sentence, then the English detail with its field names and numbers.
    public var messageZh: String { RuleMessagesZh.message(id: rule.rawValue, detail: message, sentenceZh: sentenceZh) }
}
