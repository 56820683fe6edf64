import LedgerCore
import TransferLedger
import TransferRules

/// The printouts of `enterprise list|show` and `permit list`, rendered from the read's document alone (the same
/// from `--db` and from `--server`): names beside USCCs, places with their division codes, Chinese values.
enum RegisterPrintout {
    struct Enterprises: Decodable {
        var enterprises: [Enterprise]
        var labels: DocumentLabels
    }

    struct EnterpriseDetail: Decodable {
        var enterprise: Enterprise
        var permits: [PermitRecord]
        var labels: DocumentLabels
    }

    struct Permits: Decodable {
        var permits: [PermitRecord]
        var labels: DocumentLabels
    }

    /// `四川省成都市武侯区（510107）`: the full place when known, else the division's name, with its code.
    static func place(_ e: Enterprise, _ labels: DocumentLabels) -> String {
        "\(labels.parties[e.uscc]?.place ?? labels.place(e.division))（\(e.division)）"
    }

    static func roles(_ e: Enterprise) -> String { e.roles.map(Display.role).joined(separator: "、") }

    static func kind(_ k: PermitIssued.Kind) -> String {
        switch k {
        case .operating: "危险废物经营许可证"
        case .transport: "道路危险货物运输许可"
        }
    }

    static func renderEnterprises(_ document: JSONValue) throws -> String {
        let d = try document.decoded(as: Enterprises.self)
        return "企业名录（共 \(d.enterprises.count) 家）\n" + tabbed(["统一社会信用代码", "单位名称", "所在地（行政区划代码）", "类别"], d.enterprises.map { e in
            [e.uscc, e.name, place(e, d.labels), roles(e)]
        })
    }

    static func renderEnterprise(_ document: JSONValue) throws -> String {
        let d = try document.decoded(as: EnterpriseDetail.self)
        let e = d.enterprise
        var out = "单位名称：\(e.name)\n统一社会信用代码：\(e.uscc)\n所在地：\(place(e, d.labels))\n类别：\(roles(e))\n登记条目：第 \(e.registeredAt) 条\n"
        out += "许可证：\(d.permits.isEmpty ? "无" : "\(d.permits.count) 份")\n"
        if !d.permits.isEmpty { out += permitTable(d.permits, d.labels) }
        return out
    }

    static func renderPermits(_ document: JSONValue) throws -> String {
        let d = try document.decoded(as: Permits.self)
        return "许可证（共 \(d.permits.count) 份）\n" + permitTable(d.permits, d.labels)
    }

    static func permitTable(_ permits: [PermitRecord], _ labels: DocumentLabels) -> String {
        tabbed(["许可证编号", "持证单位", "种类", "废物代码", "利用/处置方式", "核准经营规模(吨)", "有效期"], permits.map { p in
            [
                p.permitNo, labels.party(p.holder), kind(p.kind), p.wasteCodes.isEmpty ? "-" : p.wasteCodes.joined(separator: "、"),
                p.methods.isEmpty ? "-" : p.methods.map(labels.method).joined(separator: "、"), p.capacityGrams.map(Display.tonnes) ?? "-",
                "\(p.validFrom) 至 \(p.validTo)",
            ]
        })
    }
}
