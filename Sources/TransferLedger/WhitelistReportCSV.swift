import LedgerCore
import TransferRules

/// The read document of `whitelist report` (``TransferLedger/whitelistReportDocument(year:)``), decoded: what its
/// printout and its CSV are rendered from.
public struct WhitelistReportDocument: Sendable, Decodable {
    public typealias Entry = WhitelistReportRow
    public var year: Int
    public var entries: [Entry]
    public var labels: DocumentLabels
}

/// `whitelist report` as CSV, from its read document (``TransferLedger/whitelistReportDocument(year:)``, locally or
/// from hwledgerd): a Chinese header, codes and names in columns side by side, tonnes as plain decimals, a 合计 row.
public enum WhitelistReportCSV {
    public static let header = [
        "年度", "名单省份代码", "名单省份", "接受单位统一社会信用代码", "接受单位名称", "废物代码", "年度上限（吨）", "已批准（吨）", "已运出（吨）",
        "已接收（吨）", "状态",
    ]

    public static func document(from report: JSONValue) throws -> CSVDocument {
        let d = try report.decoded(as: WhitelistReportDocument.self)
        let year = String(d.year)
        var rows = d.entries.map { e in
            [
                year, e.listingProvince, d.labels.places[e.listingProvince] ?? Display.provinceName(e.listingProvince), e.receiver,
                d.labels.parties[e.receiver]?.name ?? "", e.wasteCode, Mass.tonnes(e.capGrams), Mass.tonnes(e.approvedGrams),
                Mass.tonnes(e.shippedGrams), Mass.tonnes(e.receivedGrams), e.suspended ? "暂停" : "有效",
            ]
        }
        func sum(_ grams: (WhitelistReportDocument.Entry) -> Int64) -> String { Mass.tonnes(d.entries.reduce(0) { $0 + grams($1) }) }
        rows.append([
            year, "合计", "", "", "", "", sum(\.capGrams), sum(\.approvedGrams), sum(\.shippedGrams), sum(\.receivedGrams), "",
        ])
        return CSVDocument(header: header, rows: rows)
    }
}
