import Foundation
import TransferRules

/// Hand-built inputs for `RegimeContext.statement` (SPEC §2.6), without the log: manifests with explicit entry
/// indexes for their receipt and corrections, rate tables with explicit confirmation indexes, closes.
enum Comp {
    static let sc = "510000"
    static let cq = "500000"
    static let scGen = USCC.complete("91510100000000701")!
    static let scRecv = USCC.complete("91510700000000704")!
    static let cqGen = USCC.complete("91500103000000703")!
    static let cqRecv = USCC.complete("91500101000000702")!
    static let provinces = [scGen: sc, scRecv: sc, cqGen: cq, cqRecv: cq]

    static let reference: ReferenceData = try! ReferenceData(csv: [
        .divisions: "code,name_zh,level\n510000,四川省,province\n510100,成都市,prefecture\n500000,重庆市,province\n500101,万州区,district\n",
        .wasteCodes: "code,category,description_zh,hazard\n900-041-49,HW49,x,T\n772-002-18,HW18,x,T\n",
        .methods: "code,meaning_zh,group\nR4,x,利用\nD1,x,处置\nD9,x,处置\n",
        .holidays: "date,kind\n2025-10-01,holiday\n",
    ])
    static let context = RegimeContext(reference: reference, policy: Policy())

    static let defaultMethods: [String: Int64] = [
        "D1": 1500, "D10": 1200, "Y10": 1200, "Y11": 1200, "Y12": 1200, "Y13": 1200, "Y16": 1200, "D9": 1000, "D16": 1000,
        "C1": 800, "C2": 800, "C3": 800, "R*": 500,
    ]
    static let defaultCategories: [String: Int64] = ["HW18": 1500, "HW17": 1200, "HW48": 1200]

    /// A rate table published at entry `publishedAt` and, if `confirmedAt` is given, confirmed then.
    static func table(
        _ id: String, from: String, base: Int64 = 10000, reverseBase: Int64? = nil, methods: [String: Int64] = defaultMethods,
        p2p: Int64? = nil, publishedAt: UInt64 = 1, confirmedAt: UInt64? = 2
    ) -> RateTableRecord {
        let e = RatesPublished(
            rateTableId: id, effectiveFrom: CivilDate(from)!,
            directions: [.init(payer: sc, payee: cq, baseFenPerTonne: base), .init(payer: cq, payee: sc, baseFenPerTonne: reverseBase ?? base)],
            categoryPermille: defaultCategories, defaultCategoryPermille: 1000, methodPermille: methods, p2pPermille: p2p)
        var r = RateTableRecord(e, publishedBy: "REG-500000", publishedAt: publishedAt)
        if let confirmedAt {
            r.confirmedBy = "REG-510000"
            r.confirmedAt = confirmedAt
        }
        return r
    }

    static func close(_ q: String, payer: String = sc, payee: String = cq, at index: UInt64) -> ClosedStatementRecord {
        ClosedStatementRecord(StatementClosed(quarter: Quarter(q)!, payer: payer, payee: payee, totalFen: 0, digest: String(repeating: "0", count: 64)), closedAt: index)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T {
        try! JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    /// A version of what was received: `lines` as received grams per line (no rejection), entered at `index`.
    static func version(_ n: Int, index: UInt64, method: String, grams: [Int64], rejected: [Int64]? = nil) -> ManifestRecord.Version {
        let lines = grams.enumerated().map { i, g in "{\"line\":\(i + 1),\"grams\":\(g),\"rejectedGrams\":\(rejected?[i] ?? 0)}" }
        return decode(ManifestRecord.Version.self, "{\"version\":\(n),\"index\":\(index),\"method\":\"\(method)\",\"lines\":[\(lines.joined(separator: ","))]}")
    }

    /// A received manifest: generator → receiver, shipped `shipped` grams per line of `code`, delivered at
    /// `deliveredAt`, with the receipt and any corrections as `versions` (the first is the receipt).
    static func manifest(
        _ no: String, from generator: String = scGen, to receiver: String = cqRecv, code: String = "900-041-49", shipped: [Int64],
        basis: Basis = .approval("APN-1"), deliveredAt: String, versions: [ManifestRecord.Version], returnOf: String? = nil
    ) -> ManifestRecord {
        let filed = ManifestFiled(
            generator: generator, carriers: [], receiver: receiver, plannedPickup: CivilDate(String(deliveredAt.prefix(10)))!, method: "R4",
            basis: basis, lines: shipped.map { ManifestLine(wasteCode: code, name: "x", hazards: ["T"], form: "固态", packaging: "桶", packages: 1, grams: $0) },
            returnOf: returnOf)
        var m = ManifestRecord(
            number: no, filed, filedOn: CivilDate("2025-01-01")!,
            event: .init(index: 0, type: "manifest.filed", actor: generator, time: UTCInstant("2025-01-01T00:00:00Z")!))
        guard let first = versions.first else { return m }
        let lines = first.lines.map { "{\"line\":\($0.line),\"grams\":\($0.grams),\"rejectedGrams\":\($0.rejectedGrams)}" }
        m.receipt = decode(ManifestRecord.Receipt.self, """
            {"deliveredAt":"\(deliveredAt)","method":"\(first.method)","lines":[\(lines.joined(separator: ","))],"significantDiscrepancy":false,"enteredOn":"\(deliveredAt.prefix(10))"}
            """)
        m.state = .received
        m.versions = versions
        return m
    }

    static func inputs(_ manifests: [ManifestRecord], tables: [RateTableRecord], closes: [ClosedStatementRecord] = []) -> CompensationInputs {
        CompensationInputs(manifests: manifests, tables: tables, closes: closes, provinces: provinces)
    }

    static func statement(_ q: String, payer: String = sc, payee: String = cq, _ inputs: CompensationInputs) -> Statement {
        context.statement(quarter: Quarter(q)!, payer: payer, payee: payee, inputs: inputs)
    }
}

/// Golden files of `fixtures/compensation`, found from this file's path (no resource bundles).
enum GoldenFiles {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("fixtures/compensation")
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }
}
