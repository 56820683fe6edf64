import Foundation
import Hummingbird
import LedgerServer
import TransferLedger
import TransferRules

/// 白名单 (`/ui/whitelist/{year}`): each side's list for the year, every entry's cap, approved, shipped and received
/// grams as bars (SVG), confirmation, suspensions and over-quota consents, and the January report's table (the
/// same figures as `hwledger whitelist report --year Y`). Regulators and the operator.
extension ConsolePages {
    /// `/ui/whitelist`: the current year's lists (北京时间).
    func whitelistIndex(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        Page.redirect("/ui/whitelist/\(UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate.year)")
    }

    func whitelist(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let yearText = context.parameters.get("year") ?? ""
        let loaded = try? await Blocking.run { try Names(ledger: ledger) }
        let base = loaded.map { Self.base(context, names: $0, title: "\(yearText.prefix(4)) 年白名单", tab: "whitelist") } ?? [:]
        do {
            guard let names = loaded else { throw ServerError.notFound("the ledger cannot be read") }
            guard yearText.utf8.count == 4, let year = Int(yearText), (2000...2999).contains(year) else {
                throw ServerError.notFound("\(yearText.prefix(20)) is not a year (YYYY)")
            }
            if case .enterprise = principal { throw ServerError.forbidden("the whitelist pages are for regulators") }
            let (lists, report, consents, permits) = try await Blocking.run {
                () -> ([WhitelistRecord], [WhitelistReportRow], [ApplicationRecord], [PermitRecord]) in
                (try ledger.whitelists(year: year), try ledger.whitelistReport(year: year),
                 try ledger.applications().filter { $0.consentedExtraGrams != nil && $0.validFrom.year == year },
                 try ledger.permits(of: nil))
            }
            let today = UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
            let forms = WhitelistForms(year: year, principal: principal, lists: lists, permits: permits, names: names, today: today)
            var out = base
            out["year"] = year
            out["prev"] = year - 1
            out["next"] = year + 1
            out["empty"] = lists.isEmpty
            out["sides"] = lists.sorted { $0.listingProvince > $1.listingProvince }.map { list -> [String: Any] in
                let rows = report.filter { $0.listingProvince == list.listingProvince }
                return [
                    "listing": Display.provinceName(list.listingProvince), "counterpart": Display.provinceName(list.counterpartProvince),
                    "confirmed": list.confirmed, "confirm": forms.confirm(list).map { $0 as Any } ?? false, "publishedBy": names.name(Principal.regulatorID(list.listingProvince)),
                    "confirmer": names.name(Principal.regulatorID(list.counterpartProvince)),
                    "entries": zip(list.entries, rows).map { entry, row -> [String: Any] in
                        var e: [String: Any] = [
                            "receiver": names.party(entry.receiver), "code": entry.wasteCode,
                            "codeName": names.reference.wasteCodes[entry.wasteCode]?.description ?? "",
                            "methods": entry.methods.joined(separator: "、"), "cap": Display.tonnes(row.capGrams),
                            "approved": Display.tonnes(row.approvedGrams), "shipped": Display.tonnes(row.shippedGrams),
                            "received": Display.tonnes(row.receivedGrams), "remaining": Display.tonnes(entry.remainingGrams),
                            "bars": Self.bars(row, remaining: entry.remainingGrams),
                        ]
                        if entry.suspended { e["suspended"] = true }
                        // Above the cap only with the listing side's consent: the remainder shows negative, named.
                        if entry.remainingGrams < 0 {
                            e["remaining"] = "−" + Display.tonnes(-entry.remainingGrams)
                            e["over"] = true
                        }
                        let named = consents.filter { $0.receiver == entry.receiver && $0.wasteCode == entry.wasteCode && $0.destinationProvince == list.listingProvince }
                        if !named.isEmpty {
                            e["consentNote"] = named.map { "\($0.applicationId) 经同意超出 \(Display.tonnes($0.consentedExtraGrams ?? 0)) 吨" }.joined(separator: "；")
                        }
                        e.merge(forms.suspend(list, entry)) { _, new in new }
                        return e
                    },
                ]
            }
            out["consents"] = consents.map { a -> [String: Any] in
                [
                    "id": a.applicationId, "generator": names.party(a.generator), "receiver": names.party(a.receiver),
                    "extra": Display.tonnes(a.consentedExtraGrams ?? 0), "requested": Display.tonnes(a.grams),
                ]
            }
            out.merge(forms.context) { _, new in new }
            return Page.html(Templates.render("whitelist", out))
        } catch {
            return Page.error(error, base: base)
        }
    }

    /// Horizontal bars (cap, approved, shipped, received, remaining) on one scale, as inline SVG; a negative
    /// remainder (approved above the cap with the listing side's consent) is drawn by its size in red.
    static func bars(_ row: WhitelistReportRow, remaining: Int64) -> String {
        let values: [(String, Int64, String)] = [
            ("额度", row.capGrams, "#9fb3c8"), ("已批准", row.approvedGrams, "#0b5cad"),
            ("已起运", row.shippedGrams, "#c77c02"), ("已接收", row.receivedGrams, "#1e7b34"),
            (remaining < 0 ? "超出" : "剩余", abs(remaining), remaining < 0 ? "#b3261e" : "#7fb58c"),
        ]
        let top = max(values.map(\.1).max() ?? 1, 1)
        let width = 260.0, rowHeight = 14, labelWidth = 48.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" width=\"\(Int(width + labelWidth))\" height=\"\(rowHeight * values.count)\" role=\"img\" aria-label=\"额度与使用量\">"
        for (i, (label, grams, colour)) in values.enumerated() {
            let w = max(grams > 0 ? 1.0 : 0.0, width * Double(grams) / Double(top))
            let y = i * rowHeight
            svg += "<text x=\"0\" y=\"\(y + 11)\" font-size=\"10\" fill=\"#5b6b7c\">\(label)</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(String(format: "%.1f", w))\" height=\"10\" fill=\"\(colour)\"/>"
        }
        return svg + "</svg>"
    }
}
