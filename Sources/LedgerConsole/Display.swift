import LedgerServer
import TransferLedger
import TransferRules

/// How the console writes values for its readers: 北京时间, 吨 and 元 as people write them, names beside USCCs,
/// Chinese labels for states and events.
enum Display {
    /// `2025-03-12T01:00:00Z` → `2025-03-12 09:00:00` (Asia/Shanghai, UTC+8 all year).
    static func beijing(_ instant: UTCInstant) -> String {
        let shifted = instant.seconds + 8 * 3600
        let day = Int(shifted >= 0 ? shifted / 86400 : (shifted - 86399) / 86400)
        let secs = Int(shifted - Int64(day) * 86400)
        let date = CivilDate(dayNumber: day)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date) \(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))"
    }

    static func beijing(_ text: String) -> String { UTCInstant(text).map(beijing) ?? text }

    /// Grams as tonnes with at least 3 decimals (more only when the grams need them).
    static func tonnes(_ grams: Int64) -> String { Mass.tonnes(grams) }

    /// Fen as yuan with 2 decimals and thousands separators: `855500` → `8,555.00`.
    static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let m = fen.magnitude
        var whole = String(m / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        let cents = m % 100
        return "\(sign)\(whole)\(grouped).\(cents < 10 ? "0" : "")\(cents)"
    }

    static func state(_ s: ManifestState) -> String {
        switch s {
        case .filed: "已填报"
        case .inTransit: "运输中"
        case .received: "已接收"
        case .rejected: "已拒收"
        case .cancelled: "已作废"
        }
    }

    static let eventLabels: [String: String] = [
        "manifest.filed": "填报联单", "manifest.pickedUp": "确认起运", "manifest.handedOver": "交接",
        "manifest.received": "确认接收", "manifest.rejected": "拒收", "manifest.cancelled": "作废",
        "manifest.correction.proposed": "提出更正", "manifest.correction.approved": "同意更正",
        "approval.applied": "提出申请", "approval.incomplete": "告知补正", "approval.supplemented": "补正材料",
        "approval.reviewed": "初步审查", "approval.consultation.requested": "商请移入地",
        "approval.consultation.replied": "移入地答复", "approval.decided": "作出决定", "approval.notified": "通报移入地",
        "whitelist.confirmed": "确认白名单", "compensation.statement.closed": "结算季度补偿",
    ]

    static func event(_ type: String) -> String { eventLabels[type] ?? type }

    static func role(_ role: Role) -> String {
        switch role {
        case .generator: "产生单位"
        case .carrier: "运输单位"
        case .receiver: "经营单位"
        case .utiliser: "利用单位"
        }
    }

    static func provinceName(_ code: String) -> String {
        switch code {
        case "510000": "四川省"
        case "500000": "重庆市"
        default: code
        }
    }
}

/// Names of the principals a page mentions, looked up once per page.
struct Names {
    let enterprises: [String: Enterprise]
    let regulators: [String: String]
    let reference: ReferenceData

    init(ledger: TransferLedger) throws {
        enterprises = try ledger.enterprises()
        var regs: [String: String] = [:]
        for id in ["REG-510000", "REG-500000"] { regs[id] = try ledger.regulator(id)?.name }
        regulators = regs
        reference = ledger.reference
    }

    func name(_ id: String) -> String {
        enterprises[id]?.name ?? regulators[id] ?? id
    }

    /// `{"name","id","place"}` for a template: the name, with the USCC or principal id beside it.
    func party(_ id: String) -> [String: Any] {
        var out: [String: Any] = ["name": name(id), "id": id]
        if let e = enterprises[id] { out["place"] = reference.divisions[e.division]?.name ?? e.division }
        return out
    }

    func method(_ code: String) -> String { reference.methods[code].map { "\(code) \($0.meaning)" } ?? code }

    func displayName(_ p: ReadPrincipal) -> String {
        switch p {
        case .operatorOf(let o): "运营方 \(o)"
        case .regulator(let id, _): regulators[id] ?? id
        case .enterprise(let uscc, _): enterprises[uscc]?.name ?? uscc
        }
    }
}
