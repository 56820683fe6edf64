/// How values are shown to people (printouts, reports, the web console): tonnes, 元, 北京时间, names beside
/// USCCs, Chinese labels of event types and enumerations. One place, so every front end writes them alike.
public enum Display {
    /// Grams as tonnes with at least 3 decimals (more only when the grams need them, so nothing is hidden):
    /// `12345000` → `12.345`.
    public static func tonnes(_ grams: Int64) -> String { Mass.tonnes(grams) }

    /// The name of a province of the pilot (`510000` → 四川省, `500000` → 重庆市); another code as it is.
    public static func provinceName(_ code: String) -> String {
        switch code {
        case "510000": "四川省"
        case "500000": "重庆市"
        default: code
        }
    }

    /// Fen as 元 with 2 decimals: `185175` → `1851.75`.
    public static func yuan(_ fen: Int64) -> String { Fen.yuan(fen) }

    /// An instant in 北京时间 (Asia/Shanghai, UTC+8): `2025-03-01T08:00:00Z` → `2025-03-01 16:00:00`.
    public static func beijingTime(_ instant: UTCInstant) -> String {
        let local = UTCInstant(seconds: instant.seconds + 8 * 3600).description
        return String(local.prefix(10)) + " " + String(local.dropFirst(11).prefix(8))
    }

    /// An instant in 北京时间 with its zone named: `2025-03-01 16:00:00（北京时间）`.
    public static func beijingTimeLabelled(_ instant: UTCInstant) -> String { beijingTime(instant) + "（北京时间）" }

    /// The Chinese name of an event a principal emits (worklists, histories).
    public static func eventLabel(_ type: String) -> String {
        eventLabels[type] ?? type
    }

    static let eventLabels: [String: String] = [
        "enterprise.registered": "企业登记", "key.added": "添加密钥", "key.revoked": "吊销密钥", "permit.issued": "颁发许可证",
        "whitelist.published": "发布白名单", "whitelist.confirmed": "确认白名单", "whitelist.suspended": "暂停白名单条目",
        "whitelist.overquota.consented": "同意超额转移",
        "approval.applied": "提交跨省转移申请", "approval.incomplete": "一次性告知补正", "approval.supplemented": "补正申请材料",
        "approval.reviewed": "初步审查", "approval.consultation.requested": "商请接受地省份", "approval.consultation.replied": "复函商请",
        "approval.decided": "作出审批决定", "approval.notified": "告知名单省份",
        "manifest.filed": "填报联单", "manifest.cancelled": "作废联单", "manifest.pickedUp": "起运", "manifest.handedOver": "交接",
        "manifest.received": "接收", "manifest.rejected": "拒收", "manifest.correction.proposed": "提出更正",
        "manifest.correction.approved": "确认更正",
        "p2p.registered": "点对点登记", "p2p.revoked": "撤销点对点登记",
        "compensation.rates.published": "发布补偿费率", "compensation.rates.confirmed": "确认补偿费率",
        "compensation.statement.closed": "结算季度补偿",
    ]

    /// 同意 / 不同意.
    public static func opinion(_ o: Opinion) -> String { o == .agree ? "同意" : "不同意" }

    /// 批准 / 不予批准.
    public static func decision(_ d: Decision.Outcome) -> String { d == .approved ? "批准" : "不予批准" }

    /// 已填报 / 运输中 / 已接收 / 已拒收 / 已作废.
    public static func state(_ s: ManifestState) -> String {
        switch s {
        case .filed: "已填报"
        case .inTransit: "运输中"
        case .received: "已接收"
        case .rejected: "已拒收"
        case .cancelled: "已作废"
        }
    }

    /// 产生单位 / 运输单位 / 接受单位 / 利用单位.
    public static func role(_ r: Role) -> String {
        switch r {
        case .generator: "产生单位"
        case .carrier: "运输单位"
        case .receiver: "接受单位"
        case .utiliser: "利用单位"
        }
    }
}

/// Names of the principals of a ledger, to print beside their ids: `成都某某环保有限公司（91510100…）`.
public struct PartyNames: Sendable {
    public private(set) var names: [String: String]

    public init(enterprises: [Enterprise], regulators: [Regulator]) {
        var names: [String: String] = [:]
        for e in enterprises { names[e.uscc] = e.name }
        for r in regulators { names[r.id] = r.name }
        self.names = names
    }

    public func name(of id: String) -> String? { names[id] }

    /// `name（id）`, or the id alone when the principal is unknown.
    public func label(_ id: String) -> String {
        names[id].map { "\($0)（\(id)）" } ?? id
    }
}
