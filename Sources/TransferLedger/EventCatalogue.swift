import LedgerCore
import TransferRules

/// One field of an event body, as `hwledger template TYPE --explain` and the web console's forms describe it.
public struct FieldDoc: Sendable, Equatable {
    /// The field's path in the body: `grams`, `lines[].wasteCode`, `basis.approval`.
    public var path: String
    public var zh: String
    public var en: String
    /// Unit and format: `grams (integer)`, `YYYY-MM-DD`, `USCC`.
    public var format: String
    /// The allowed values, when they are a closed list or a rule of their own.
    public var allowed: String?
    public var optional: Bool
}

/// An event type of SPEC §5 with a valid-shaped example and the meaning of each field.
public struct EventTemplate: Sendable {
    public var type: String
    public var zh: String
    public var actorRole: String
    /// The example event `{"type","actor","body"}`, valid in shape (it decodes without R-SCHEMA).
    public var example: JSONValue
    public var fields: [FieldDoc]
}

/// The catalogue of event types: examples and field meanings, one source for the CLI's `template` and the console.
public enum EventCatalogue {
    /// Every type the ledger accepts, in SPEC §5's order.
    public static var all: [EventTemplate] { templates }

    public static func template(_ type: String) -> EventTemplate? { templates.first { $0.type == type } }

    // MARK: Sample parties (valid USCCs from the demo ledger)

    static let generatorSC = "91511500MA0000004Y"  // 宜宾示例化工有限公司, 511500
    static let generatorCD = "91510100MA0000001L"  // 成都示例电子科技有限公司, 510100
    static let carrierSC = "91510100MA00000051"
    static let receiverSC = "91511400MA00000073"
    static let receiverCQ = "91500118MA00000151"

    /// A verifier key string for `name` from a fixed seed: real and parseable, never a key anyone holds.
    static func sampleKey(_ name: String) -> String {
        (try? SigningKey(name: name, seed: Array(repeating: 7, count: 32)))?.verifier.description ?? ""
    }

    static func doc(_ path: String, _ zh: String, _ en: String, _ format: String, _ allowed: String? = nil, optional: Bool = false) -> FieldDoc {
        FieldDoc(path: path, zh: zh, en: en, format: format, allowed: allowed, optional: optional)
    }

    static func opt(_ d: FieldDoc) -> FieldDoc {
        var d = d
        d.optional = true
        return d
    }

    // MARK: Shared field meanings

    static let uscc = "USCC (18 characters, 统一社会信用代码)"
    static let date = "YYYY-MM-DD (北京时间的日期)"
    static let instant = "RFC 3339 UTC, YYYY-MM-DDTHH:MM:SSZ"
    static let gramsFormat = "grams, integer (1 t = 1000000 g)"
    static let wasteCodeFormat = "NNN-SSS-CC (名录代码, e.g. 900-045-49)"
    static let methods = "R1–R9, R15, D1, D9, D10, D16, C1–C3, Y10–Y13, Y16"
    static let province = "510000 (四川) or 500000 (重庆)"

    static let applicationId = doc("applicationId", "申请编号", "application id", "text, chosen by the generator")
    static let manifestNo = doc("manifestNo", "联单编号", "manifest number", "14 digits, assigned by the ledger at filing")
    static let generator = doc("generator", "移出人", "generator", uscc)
    static let receiver = doc("receiver", "接受人", "receiver", uscc)
    static let wasteCode = doc("wasteCode", "废物代码", "waste code", wasteCodeFormat, "the 名录 code list in force")
    static let method = doc("method", "利用/处置方式", "treatment method", "code", methods)
    static let validFrom = doc("validFrom", "有效期起", "valid from", date)
    static let validTo = doc("validTo", "有效期止", "valid to (inclusive)", date)
    static let reason = doc("reason", "原因", "reason", "text")
    static let opinion = doc("opinion", "意见", "opinion", "text", "agree, disagree")
    static let year = doc("year", "年度", "calendar year", "integer, e.g. 2026")
    static let listingProvince = doc("listingProvince", "列入方省份", "listing (destination) province", "division code", province)

    static func event(_ type: String, _ actor: String, _ body: String) -> JSONValue {
        let text = "{\"type\":\"\(type)\",\"actor\":\"\(actor)\",\"body\":\(body)}"
        do { return try CanonicalJSON.decode(text) } catch { preconditionFailure("template \(type) is not JSON: \(error)") }
    }

    // MARK: The templates

    static let templates: [EventTemplate] = [
        EventTemplate(
            type: "ledger.genesis", zh: "创世条目（由 hwledger init 写入）", actorRole: "operator (the ledger origin)",
            example: event("ledger.genesis", "hwledger.example/sc-cq", """
                {"origin":"hwledger.example/sc-cq","operatorKey":"\(sampleKey("hwledger.example/sc-cq"))",\
                "regulators":[{"id":"REG-510000","name":"四川省生态环境厅","province":"510000","key":"\(sampleKey("REG-510000"))"},\
                {"id":"REG-500000","name":"重庆市生态环境局","province":"500000","key":"\(sampleKey("REG-500000"))"}],"policy":{}}
                """),
            fields: [
                doc("origin", "日志名称", "log origin", "text, e.g. hwledger.example/sc-cq"),
                doc("operatorKey", "运营方验证公钥", "operator verifier key", "verifier key string (filled by init)"),
                doc("regulators[].id", "监管部门编号", "regulator id", "REG- + province code", "REG-510000, REG-500000"),
                doc("regulators[].name", "监管部门名称", "regulator name", "text"),
                doc("regulators[].province", "省份", "province", "division code", province),
                doc("regulators[].key", "验证公钥", "verifier key", "verifier key string named after the id"),
                doc("policy", "政策参数", "policy document", "object; every field optional (SPEC §5)"),
            ]),
        EventTemplate(
            type: "enterprise.registered", zh: "企业登记", actorRole: "regulator of the enterprise's province",
            example: event("enterprise.registered", "REG-510000", """
                {"uscc":"\(generatorCD)","name":"成都示例电子科技有限公司","division":"510100","roles":["generator"]}
                """),
            fields: [
                doc("uscc", "统一社会信用代码", "unified social credit code", uscc),
                doc("name", "企业名称", "enterprise name", "text"),
                doc("division", "行政区划代码", "administrative division", "6 digits (GB/T 2260)", "a division of the regulator's province"),
                doc("roles", "角色", "roles", "list, at least one", "generator (产生), carrier (运输), receiver (接受), utiliser (利用)"),
            ]),
        EventTemplate(
            type: "key.added", zh: "添加签名公钥", actorRole: "regulator of the principal's province",
            example: event("key.added", "REG-510000", "{\"principal\":\"\(generatorCD)\",\"key\":\"\(sampleKey(generatorCD))\"}"),
            fields: [
                doc("principal", "主体", "principal", "USCC or REG-… id"),
                doc("key", "验证公钥", "verifier key", "verifier key string (hwledger keygen prints it)", "named after the principal"),
            ]),
        EventTemplate(
            type: "key.revoked", zh: "吊销签名公钥", actorRole: "regulator of the principal's province",
            example: event("key.revoked", "REG-510000", "{\"principal\":\"\(generatorCD)\",\"keyId\":\"0a1b2c3d\"}"),
            fields: [
                doc("principal", "主体", "principal", "USCC or REG-… id"),
                doc("keyId", "公钥编号", "key id", "8 lower-case hex digits (in the verifier key string)"),
            ]),
        EventTemplate(
            type: "operator.key.announced", zh: "运营方公布新检查点公钥", actorRole: "operator",
            example: event("operator.key.announced", "hwledger.example/sc-cq", "{\"key\":\"\(sampleKey("hwledger.example/sc-cq"))\"}"),
            fields: [doc("key", "新验证公钥", "new verifier key", "verifier key string", "named after the origin")]),
        EventTemplate(
            type: "operator.key.retired", zh: "运营方停用检查点公钥", actorRole: "operator",
            example: event("operator.key.retired", "hwledger.example/sc-cq", "{\"keyId\":\"0a1b2c3d\"}"),
            fields: [doc("keyId", "公钥编号", "key id", "8 lower-case hex digits", "an active operator key that is not the last")]),
        EventTemplate(
            type: "permit.issued", zh: "许可证登记（经营许可证或道路运输许可证）", actorRole: "regulator of the holder's province",
            example: event("permit.issued", "REG-510000", """
                {"permitNo":"川环危第511400001号","holder":"\(receiverSC)","kind":"operating","wasteCodes":["900-045-49"],\
                "methods":["R4"],"capacityGrams":30000000000,"validFrom":"2026-03-01","validTo":"2031-02-28"}
                """),
            fields: [
                doc("permitNo", "许可证编号", "permit number", "text"),
                doc("holder", "持证单位", "holder", uscc),
                doc("kind", "类别", "kind", "text", "operating (危险废物经营许可证), transport (道路运输许可证)"),
                doc("wasteCodes", "核准废物代码", "waste codes", "list of \(wasteCodeFormat)", "operating permits only", optional: true),
                doc("methods", "核准经营方式", "methods", "list of codes", "operating permits only: \(methods)", optional: true),
                doc("capacityGrams", "年经营规模", "annual capacity", gramsFormat, "operating permits only", optional: true),
                validFrom, validTo,
            ]),
        EventTemplate(
            type: "whitelist.published", zh: "白名单公布", actorRole: "regulator of the listing province",
            example: event("whitelist.published", "REG-510000", """
                {"year":2026,"listingProvince":"510000","counterpartProvince":"500000","entries":[{"receiver":"\(receiverSC)",\
                "wasteCode":"900-045-49","capGrams":2000000000,"methods":["R4"]}]}
                """),
            fields: [
                year, listingProvince,
                doc("counterpartProvince", "对方省份", "counterpart province", "division code", province),
                doc("entries[].receiver", "接受单位", "receiver in the listing province", uscc),
                doc("entries[].wasteCode", "废物代码", "waste code", wasteCodeFormat),
                doc("entries[].capGrams", "年度数量上限", "annual cap", gramsFormat),
                doc("entries[].methods", "利用/处置方式", "methods", "list of codes", methods),
            ]),
        EventTemplate(
            type: "whitelist.confirmed", zh: "白名单确认", actorRole: "counterpart regulator",
            example: event("whitelist.confirmed", "REG-500000", "{\"year\":2026,\"listingProvince\":\"510000\"}"),
            fields: [year, listingProvince]),
        EventTemplate(
            type: "whitelist.suspended", zh: "白名单暂停", actorRole: "listing regulator",
            example: event("whitelist.suspended", "REG-510000", """
                {"year":2026,"listingProvince":"510000","receiver":"\(receiverSC)","wasteCode":"900-045-49","reason":"严重违法行为"}
                """),
            fields: [
                year, listingProvince, doc("receiver", "接受单位", "receiver", uscc),
                opt(doc("wasteCode", "废物代码", "waste code (all of the receiver's entries when absent)", wasteCodeFormat)), reason,
            ]),
        EventTemplate(
            type: "whitelist.overquota.consented", zh: "白名单超量书面同意", actorRole: "listing regulator",
            example: event("whitelist.overquota.consented", "REG-510000", "{\"applicationId\":\"SQ-500000-2026-001\",\"extraGrams\":50000000}"),
            fields: [applicationId, doc("extraGrams", "同意超出数量", "extra grams consented", gramsFormat)]),
        EventTemplate(
            type: "approval.applied", zh: "跨省转移申请", actorRole: "generator",
            example: event("approval.applied", generatorSC, """
                {"applicationId":"SQ-510000-2026-001","generator":"\(generatorSC)","receiver":"\(receiverCQ)","wasteCode":"900-039-49",\
                "grams":300000000,"method":"D10","validFrom":"2026-02-01","validTo":"2026-12-31","appliedOn":"2026-01-06"}
                """),
            fields: [
                applicationId, generator, doc("receiver", "接受人", "receiver in the other province", uscc), wasteCode,
                doc("grams", "申请转移数量", "requested quantity", gramsFormat), method,
                doc("validFrom", "申请有效期起", "requested period from", date),
                doc("validTo", "申请有效期止", "requested period to", date, "at most 12 months after validFrom (policy)"),
                doc("appliedOn", "申请日期", "application date", date),
            ]),
        EventTemplate(
            type: "approval.incomplete", zh: "申请材料不全一次性告知", actorRole: "origin regulator",
            example: event("approval.incomplete", "REG-510000", """
                {"applicationId":"SQ-510000-2026-001","missing":["接受单位经营许可证复印件"],"notifiedOn":"2026-01-08"}
                """),
            fields: [applicationId, doc("missing", "所缺材料", "what is missing", "list of text"), doc("notifiedOn", "告知日期", "notice date", date)]),
        EventTemplate(
            type: "approval.supplemented", zh: "申请材料补正", actorRole: "generator",
            example: event("approval.supplemented", generatorSC, "{\"applicationId\":\"SQ-510000-2026-001\",\"supplementedOn\":\"2026-01-12\"}"),
            fields: [applicationId, doc("supplementedOn", "补正日期", "supplement date", date)]),
        EventTemplate(
            type: "approval.reviewed", zh: "初步审查", actorRole: "origin regulator",
            example: event("approval.reviewed", "REG-510000", """
                {"applicationId":"SQ-510000-2026-001","opinion":"agree","reviewedOn":"2026-01-13"}
                """),
            fields: [applicationId, opinion, doc("reviewedOn", "审查日期", "review date", date), opt(doc("note", "备注", "note", "text"))]),
        EventTemplate(
            type: "approval.consultation.requested", zh: "商请移入地", actorRole: "origin regulator",
            example: event("approval.consultation.requested", "REG-510000", """
                {"applicationId":"SQ-510000-2026-001","requestedOn":"2026-01-14"}
                """),
            fields: [applicationId, doc("requestedOn", "商请日期", "request date", date)]),
        EventTemplate(
            type: "approval.consultation.replied", zh: "移入地复函", actorRole: "destination regulator",
            example: event("approval.consultation.replied", "REG-500000", """
                {"applicationId":"SQ-510000-2026-001","opinion":"agree","repliedOn":"2026-01-21"}
                """),
            fields: [applicationId, opinion, doc("repliedOn", "复函日期", "reply date", date), opt(reason)]),
        EventTemplate(
            type: "approval.decided", zh: "审批决定", actorRole: "origin regulator",
            example: event("approval.decided", "REG-510000", """
                {"applicationId":"SQ-510000-2026-001","decision":"approved","decidedOn":"2026-01-26","approvalNo":"川环危转〔2026〕1号",\
                "grams":300000000,"validFrom":"2026-02-01","validTo":"2026-12-31"}
                """),
            fields: [
                applicationId, doc("decision", "决定", "decision", "text", "approved, denied"), doc("decidedOn", "决定日期", "decision date", date),
                doc("approvalNo", "批准文号", "approval number", "text", "approvals only", optional: true),
                doc("grams", "批准转移数量", "approved quantity", gramsFormat, "approvals only; at most the requested grams", optional: true),
                doc("validFrom", "批准有效期起", "approved from", date, "approvals only; within the requested period", optional: true),
                doc("validTo", "批准有效期止", "approved to", date, "approvals only; within the period and the receiver's permit", optional: true),
                opt(reason),
            ]),
        EventTemplate(
            type: "approval.notified", zh: "白名单直接审批后告知列入方", actorRole: "origin regulator",
            example: event("approval.notified", "REG-500000", "{\"applicationId\":\"SQ-500000-2026-001\",\"notifiedOn\":\"2026-01-20\"}"),
            fields: [applicationId, doc("notifiedOn", "告知日期", "notice date", date)]),
        EventTemplate(
            type: "manifest.filed", zh: "填报电子转移联单", actorRole: "generator (the receiver, for a return)",
            example: event("manifest.filed", generatorCD, """
                {"generator":"\(generatorCD)","carriers":["\(carrierSC)"],"receiver":"\(receiverSC)","plannedPickup":"2026-03-02",\
                "method":"R4","basis":{"intraProvince":true},"lines":[{"wasteCode":"900-045-49","name":"废线路板","hazards":["T"],\
                "form":"固态","packaging":"吨袋","packages":8,"grams":8600000}],"customId":"ERP-2026-000123"}
                """),
            fields: [
                generator, doc("carriers", "承运人", "carriers, in order", "list of \(uscc)"), receiver,
                doc("plannedPickup", "计划转移日期", "planned pickup date", date), method,
                doc("basis", "转移依据", "basis, exactly one of", "object",
                    "{\"approval\":\"批准文号\"} cross-province, {\"p2p\":\"点对点登记号\"}, {\"intraProvince\":true} same province"),
                doc("lines[].wasteCode", "废物代码", "waste code", wasteCodeFormat),
                doc("lines[].name", "废物名称", "waste name", "text"),
                doc("lines[].hazards", "危险特性", "hazard characteristics", "list", "T (毒性), C (腐蚀性), I (易燃性), R (反应性), In (感染性)"),
                doc("lines[].form", "物理性状", "physical form", "text, e.g. 固态, 液态, 半固态"),
                doc("lines[].packaging", "包装方式", "packaging", "text, e.g. 吨袋, 桶"),
                doc("lines[].packages", "包装数量", "number of packages", "integer ≥ 1"),
                doc("lines[].grams", "转移数量", "quantity", gramsFormat, "≥ 1; 8.6 t is 8600000"),
                doc("lines[].components", "有害成分名称", "hazardous components", "text, 1–200 characters", optional: true),
                doc("returnOf", "退运原联单编号", "the manifest this returns", "14 digits", "returns only", optional: true),
                doc("customId", "企业自编号", "the generator's own reference", "text, at most 64 characters", "unique per generator", optional: true),
                doc("emergencyContact", "应急联系人及电话", "emergency contact", "object {\"name\", \"phone\"}",
                    "phone: 5–20 characters of digits, spaces, + and -", optional: true),
            ]),
        EventTemplate(
            type: "manifest.cancelled", zh: "联单作废（运输前）", actorRole: "generator",
            example: event("manifest.cancelled", generatorCD, "{\"manifestNo\":\"20265101000001\",\"reason\":\"计划变更\"}"),
            fields: [manifestNo, reason]),
        EventTemplate(
            type: "manifest.pickedUp", zh: "运输起运", actorRole: "first carrier",
            example: event("manifest.pickedUp", carrierSC, """
                {"manifestNo":"20265101000001","vehiclePlate":"川A·D3721","driver":"张建国","pickedUpAt":"2026-03-02T01:00:00Z"}
                """),
            fields: [
                manifestNo, doc("vehiclePlate", "车牌号", "vehicle plate", "text"), doc("driver", "驾驶员", "driver", "text"),
                doc("pickedUpAt", "起运时间", "pickup time", instant),
            ]),
        EventTemplate(
            type: "manifest.handedOver", zh: "运输交接", actorRole: "a later carrier",
            example: event("manifest.handedOver", "91510500MA0000006Q", """
                {"manifestNo":"20265101000001","fromCarrier":"\(carrierSC)","vehiclePlate":"川E·H0921","driver":"李强",\
                "handedOverAt":"2026-03-02T05:00:00Z"}
                """),
            fields: [
                manifestNo, doc("fromCarrier", "交出承运人", "carrier handing over", uscc), doc("vehiclePlate", "车牌号", "vehicle plate", "text"),
                doc("driver", "驾驶员", "driver", "text"), doc("handedOverAt", "交接时间", "handover time", instant),
            ]),
        EventTemplate(
            type: "manifest.received", zh: "接受确认", actorRole: "receiver",
            example: event("manifest.received", receiverSC, """
                {"manifestNo":"20265101000001","deliveredAt":"2026-03-02T07:30:00Z","method":"R4","lines":[{"line":1,"grams":8600000}],\
                "significantDiscrepancy":false}
                """),
            fields: [
                manifestNo, doc("deliveredAt", "到达时间", "delivered at", instant), doc("method", "实际利用/处置方式", "method used", "code", methods),
                doc("lines[].line", "行号", "line number", "integer from 1", "every line of the manifest exactly once"),
                doc("lines[].grams", "接受数量", "received quantity", gramsFormat),
                doc("lines[].rejectedGrams", "拒收数量", "rejected quantity (partial rejection)", gramsFormat, optional: true),
                doc("significantDiscrepancy", "重大差异", "significant discrepancy flag", "true or false"),
                opt(doc("note", "备注", "note", "text")),
            ]),
        EventTemplate(
            type: "manifest.rejected", zh: "整车拒收", actorRole: "receiver",
            example: event("manifest.rejected", receiverSC, """
                {"manifestNo":"20265101000001","deliveredAt":"2026-03-02T07:30:00Z","reason":"包装破损"}
                """),
            fields: [manifestNo, doc("deliveredAt", "到达时间", "delivered at", instant), reason]),
        EventTemplate(
            type: "manifest.correction.proposed", zh: "联单更正提议", actorRole: "any party of the manifest",
            example: event("manifest.correction.proposed", receiverSC, """
                {"manifestNo":"20265101000001","correctionId":"C1","reason":"复磅数量","lines":[{"line":1,"grams":8550000}]}
                """),
            fields: [
                manifestNo, doc("correctionId", "更正编号", "correction id", "text, unique per manifest"), reason,
                doc("method", "更正后方式", "corrected method", "code", methods, optional: true),
                doc("lines[].line", "行号", "line number", "integer from 1", optional: true),
                doc("lines[].grams", "更正后数量", "corrected quantity", gramsFormat, optional: true),
            ]),
        EventTemplate(
            type: "manifest.correction.approved", zh: "联单更正确认", actorRole: "each party other than the proposer",
            example: event("manifest.correction.approved", generatorCD, "{\"manifestNo\":\"20265101000001\",\"correctionId\":\"C1\"}"),
            fields: [manifestNo, doc("correctionId", "更正编号", "correction id", "text")]),
        EventTemplate(
            type: "p2p.registered", zh: "点对点定向利用登记", actorRole: "regulator of the pilot province",
            example: event("p2p.registered", "REG-510000", """
                {"registrationNo":"川环点对点〔2026〕1号","generator":"\(generatorSC)","utiliser":"91511100MA0000018P","wasteCode":"261-057-34",\
                "substituteUse":"替代工业硫酸生产聚合硫酸铁净水剂","capGrams":1200000000,"validFrom":"2026-06-15","validTo":"2027-06-14",\
                "declaredAnnualGrams":1500000000,"controlledDrugProduction":false,"generalExemptionApplies":false}
                """),
            fields: [
                doc("registrationNo", "登记编号", "registration number", "text"), generator, doc("utiliser", "利用单位", "utiliser", uscc), wasteCode,
                doc("substituteUse", "替代用途", "substitute use", "text"), doc("capGrams", "年度利用上限", "yearly cap", gramsFormat),
                validFrom, validTo, doc("declaredAnnualGrams", "申报年产生量", "declared annual quantity", gramsFormat),
                doc("controlledDrugProduction", "涉及管制药品生产", "controlled drug production", "true or false"),
                doc("generalExemptionApplies", "适用名录豁免", "general exemption applies", "true or false"),
            ]),
        EventTemplate(
            type: "p2p.revoked", zh: "点对点登记撤销", actorRole: "the registering regulator",
            example: event("p2p.revoked", "REG-510000", """
                {"registrationNo":"川环点对点〔2026〕1号","revokedOn":"2026-09-01","reason":"利用单位停产"}
                """),
            fields: [doc("registrationNo", "登记编号", "registration number", "text"), doc("revokedOn", "撤销日期", "revocation date", date), reason]),
        EventTemplate(
            type: "compensation.rates.published", zh: "生态补偿标准公布", actorRole: "a regulator",
            example: event("compensation.rates.published", "REG-510000", """
                {"rateTableId":"RATES-2026-01","effectiveFrom":"2026-01-01","directions":[{"payer":"510000","payee":"500000",\
                "baseFenPerTonne":10000},{"payer":"500000","payee":"510000","baseFenPerTonne":10000}],"categoryPermille":{"HW18":1500},\
                "defaultCategoryPermille":1000,"methodPermille":{"D10":1200,"R*":500},"p2pPermille":0}
                """),
            fields: [
                doc("rateTableId", "标准编号", "rate table id", "text"), doc("effectiveFrom", "生效日期", "effective from", date),
                doc("directions[].payer", "付费省份", "paying province", "division code", province),
                doc("directions[].payee", "收费省份", "receiving province", "division code", province),
                doc("directions[].baseFenPerTonne", "基准补偿", "base rate", "fen (分) per tonne, integer"),
                doc("categoryPermille", "类别系数", "category factors", "object HWxx → permille (1000 = ×1)"),
                doc("defaultCategoryPermille", "默认类别系数", "default category factor", "permille"),
                doc("methodPermille", "方式系数", "method factors", "object code or prefix* → permille"),
                doc("p2pPermille", "点对点系数", "点对点 factor", "permille", optional: true),
            ]),
        EventTemplate(
            type: "compensation.rates.confirmed", zh: "生态补偿标准确认", actorRole: "the other regulator",
            example: event("compensation.rates.confirmed", "REG-500000", "{\"rateTableId\":\"RATES-2026-01\"}"),
            fields: [doc("rateTableId", "标准编号", "rate table id", "text")]),
        EventTemplate(
            type: "compensation.statement.closed", zh: "季度补偿结算关账", actorRole: "payee regulator",
            example: event("compensation.statement.closed", "REG-500000", """
                {"quarter":"2026Q1","payer":"510000","payee":"500000","totalFen":1234500,\
                "digest":"\(String(repeating: "0", count: 64))"}
                """),
            fields: [
                doc("quarter", "季度", "quarter", "YYYYQn, e.g. 2026Q1"),
                doc("payer", "付费省份", "paying province", "division code", province),
                doc("payee", "收费省份", "receiving province", "division code", province),
                doc("totalFen", "合计金额", "total", "fen (分), integer; hwledger compensation statement prints it"),
                doc("digest", "结算单摘要", "statement digest", "64 hex (SHA-256 of the statement's canonical JSON)"),
            ]),
    ]

    /// Checks an example's shape the way a submission's is checked (R-SCHEMA only).
    public static func checkShape(_ template: EventTemplate) throws(RuleViolation) {
        let event = try UnsignedEvent(json: template.example)
        _ = try LedgerEvent.decode(type: event.type, body: event.body)
    }
}
