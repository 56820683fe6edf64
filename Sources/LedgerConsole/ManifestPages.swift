import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerServer
import TransferLedger
import TransferRules

/// 联单: the search (`/ui/manifests?q=…`) and the printable 联单 (`/ui/manifests/{no}`).
extension ConsolePages {
    static let pageSize = 50

    /// What the search form asks for, beyond visibility.
    struct ManifestQuery {
        var q: String?
        var code: String?
        var state: ManifestState?
        var from: CivilDate?
        var to: CivilDate?
        /// The page of the list (1 = the newest ``ConsolePages/pageSize``).
        var page = 1

        init(_ request: Request) throws {
            q = try ConsolePages.parameter(request, "q")
            code = try ConsolePages.parameter(request, "code")
            if let s = try ConsolePages.parameter(request, "state") {
                guard let state = ManifestState(rawValue: s) else {
                    throw ServerError.usage("state must be one of filed, inTransit, received, rejected, cancelled")
                }
                self.state = state
            }
            from = try ConsolePages.dateParameter(request, "from")
            to = try ConsolePages.dateParameter(request, "to")
            if let p = try ConsolePages.parameter(request, "page") {
                guard p.utf8.count <= 6, let n = Int(p), n >= 1 else { throw ServerError.usage("page must be a whole number from 1, got \(p.prefix(20))") }
                page = n
            }
        }

        /// The facade's filter (one computation with the API and the CLI): q = 联单编号, a party's USCC or name
        /// (any part); waste code; pickup-date range.
        var filter: ManifestFilter {
            var f = ManifestFilter(status: state)
            f.text = q
            f.wasteCode = code
            f.pickupFrom = from
            f.pickupTo = to
            return f
        }

        var form: [String: Any] {
            var out: [String: Any] = [:]
            if let q { out["q"] = q }
            if let code { out["code"] = code }
            if let state { out["state_\(state.rawValue)"] = true }
            if let from { out["from"] = from.description }
            if let to { out["to"] = to.description }
            return out
        }

        /// Nothing to filter by: the list is the reader's newest-first read model.
        var isUnfiltered: Bool { q == nil && code == nil && state == nil && from == nil && to == nil }

        /// The matching manifests newest first (last filed on top), the requested page of them, and the total. The
        /// facade pages in number order; the console reads every match (the total needs them all) and orders them here.
        func newestFirst(_ all: [ManifestRecord]) -> (rows: ArraySlice<ManifestRecord>, total: Int, more: Bool) {
            let sorted = all.sorted { a, b in
                let (x, y) = (a.events.first?.index ?? 0, b.events.first?.index ?? 0)
                return x != y ? x > y : a.manifestNo > b.manifestNo
            }
            let start = min((page - 1) * ConsolePages.pageSize, sorted.count)
            let end = min(start + ConsolePages.pageSize, sorted.count)
            return (sorted[start..<end], sorted.count, end < sorted.count)
        }

        func link(page: Int, path: String = "/ui/manifests", extra: [(String, String)] = []) -> String {
            var items: [(String, String)] = []
            if let q { items.append(("q", q)) }
            if let code { items.append(("code", code)) }
            if let state { items.append(("state", state.rawValue)) }
            if let from { items.append(("from", from.description)) }
            if let to { items.append(("to", to.description)) }
            items += extra
            items.append(("page", String(page)))
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return path + "?" + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
                .joined(separator: "&")
        }
    }

    func manifests(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        var names: Names?
        do {
            let query = try ManifestQuery(request)
            let (n, list) = try await Blocking.run { () -> (Names, (rows: ArraySlice<ManifestRecord>, total: Int, more: Bool)) in
                let names = try Names(ledger: ledger)
                let list: (rows: ArraySlice<ManifestRecord>, total: Int, more: Bool)
                if query.isUnfiltered {
                    // No filter: the page of the reader's newest-first read model and its count.
                    let offset = (query.page - 1) * ConsolePages.pageSize
                    let (rows, total) = try ledger.manifestsNewestFirst(scope: principal.manifestScope, offset: offset, limit: ConsolePages.pageSize)
                    list = (rows[...], total, offset + rows.count < total)
                } else {
                    var filter = query.filter
                    filter.restrict(to: principal, lookup: names.enterprises)
                    list = query.newestFirst(try ledger.manifests(filter, limit: Int.max).manifests)
                }
                // The shown rows' parties, read in one transaction (the rows name them).
                try names.preload(list.rows.flatMap { [$0.generator, $0.receiver] })
                return (names, list)
            }
            names = n
            var out = Self.base(context, names: n, title: "联单查询", tab: "manifests")
            out["form"] = query.form
            out["total"] = list.total
            out["rows"] = list.rows.map { m -> [String: Any] in
                [
                    "no": m.manifestNo, "state": Display.state(m.state), "generator": n.party(m.generator), "receiver": n.party(m.receiver),
                    "codes": Array(Set(m.lines.map(\.wasteCode))).sorted().joined(separator: "、"), "tonnes": Display.tonnes(m.totalGrams),
                    "plannedPickup": m.plannedPickup.description, "filedOn": m.filedOn.description,
                ]
            }
            out["empty"] = list.rows.isEmpty
            if query.page > 1 { out["previous"] = query.link(page: query.page - 1) }
            if list.more { out["next"] = query.link(page: query.page + 1) }
            return Page.html(Templates.render("manifests", out))
        } catch {
            let n = try? await Blocking.run { try Names(ledger: ledger) }
            return Page.error(error, base: (names ?? n).map { Self.base(context, names: $0, title: "", tab: "manifests") } ?? [:])
        }
    }

    /// Everything the printable 联单 shows, read in one go.
    struct ManifestSheet: Sendable {
        var manifest: ManifestRecord
        var signatures: [EntrySignature]
        var permits: [String: [PermitRecord]]
        var checkpointSize: UInt64
        var operatorKeys: [String]
        /// The exact bytes of the manifest's entries the signed checkpoint covers, for the QR code's fragment.
        var entries: [VerifyFragment.Item]
    }

    func manifest(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let number = context.parameters.get("no") ?? ""
        let loaded = try? await Blocking.run { try Names(ledger: ledger) }
        let base = loaded.map { Self.base(context, names: $0, title: "联单 \(number.prefix(14))", tab: "manifests") } ?? [:]
        do {
            guard let names = loaded else { throw ServerError.notFound("the ledger cannot be read") }
            guard number.utf8.count == 14, number.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw ServerError.notFound("联单编号 must be 14 digits; \(number.prefix(40)) is not a manifest number")
            }
            let sheet = try await Blocking.run { () -> ManifestSheet in
                guard let m = try ledger.manifest(number) else { throw ServerError.notFound("manifest \(number) does not exist") }
                try Visibility.require(principal, .of(m, provinces: names.enterprises), resource: "manifest \(number)")
                var permits: [String: [PermitRecord]] = [:]
                for party in m.namedParties { permits[party] = try ledger.permits(of: party) }
                let size = try ledger.latestCheckpoint().size
                let covered = m.events.map(\.index).filter { $0 < size }
                return ManifestSheet(
                    manifest: m, signatures: try ledger.signatures(of: m.events.map(\.index)), permits: permits,
                    checkpointSize: size, operatorKeys: try ledger.activeOperatorVerifierKeys().map(\.description),
                    entries: try ledger.store.read { r in try covered.map { VerifyFragment.Item(index: $0, bytes: try r.entry(at: $0)) } })
            }
            var page = base
            let site = Self.siteBase(request, services.configuration)
            let view = ManifestSheetView(sheet: sheet, names: names, receiptBase: site, publicBase: Self.publicBase(request, services.configuration))
            for (k, v) in view.context {
                page[k] = v
            }
            let m = sheet.manifest
            if m.state == .cancelled, m.pickup == nil, case .enterprise(let me, _) = principal, me == m.generator {
                page["copyLink"] = "/ui/file?copy=\(m.manifestNo)"
            }
            return Page.html(Templates.render("manifest", page))
        } catch {
            return Page.error(error, base: base)
        }
    }

    /// Where the printed QR code sends a phone: `--public-url`, else `http://HOST:PORT` of the listen address (as the
    /// browser reached us when the port was chosen at start).
    static func publicBase(_ request: Request, _ configuration: ServerConfiguration) -> String {
        if let url = configuration.publicURL { return url }
        guard configuration.port != 0 else { return siteBase(request, configuration) }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(configuration.port)"
    }

    /// `http://host:port` as the browser reached us (Host header of safe characters only), for the receipt URL.
    static func siteBase(_ request: Request, _ configuration: ServerConfiguration) -> String {
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" ? "https" : "http"
        if let host = request.head.authority, !host.isEmpty, host.utf8.count <= 255,
            host.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || ".-:[]".unicodeScalars.contains($0) }),
            host.unicodeScalars.allSatisfy(\.isASCII)
        {
            return "\(scheme)://\(host)"
        }
        return "\(scheme)://\(configuration.host):\(configuration.port)"
    }
}

/// The 联单 as template values: official labels, names beside USCCs, permits, lines, acts with key ids, versions,
/// corrections and the receipt QR code.
struct ManifestSheetView {
    let sheet: ConsolePages.ManifestSheet
    let names: Names
    let receiptBase: String
    let publicBase: String

    func role(of id: String, _ m: ManifestRecord) -> String {
        if id == m.generator { return "移出人" }
        if id == m.receiver { return "接受人" }
        if m.carriers.contains(id) { return "承运人" }
        return ""
    }

    func permits(_ id: String, kind: PermitIssued.Kind) -> [[String: Any]] {
        (sheet.permits[id] ?? []).filter { $0.kind == kind }.map {
            ["no": $0.permitNo, "from": $0.validFrom.description, "to": $0.validTo.description]
        }
    }

    var context: [String: Any] {
        let m = sheet.manifest
        var out: [String: Any] = [
            "no": m.manifestNo, "state": Display.state(m.state), "filedOn": m.filedOn.description,
            "plannedPickup": m.plannedPickup.description, "method": names.method(m.method),
            "totalTonnes": Display.tonnes(m.totalGrams),
        ]
        var generator = names.party(m.generator)
        generator["permits"] = [] as [[String: Any]]
        out["generator"] = generator
        var receiver = names.party(m.receiver)
        receiver["permits"] = permits(m.receiver, kind: .operating)
        out["receiver"] = receiver
        out["carriers"] = m.carriers.enumerated().map { i, c -> [String: Any] in
            var p = names.party(c)
            p["order"] = i + 1
            p["permits"] = permits(c, kind: .transport)
            return p
        }
        switch m.basis {
        case .approval(let no): out["basis"] = "跨省转移批准文号 \(no)"
        case .p2p(let no): out["basis"] = "“点对点”定向利用登记 \(no)"
        case .intraProvince: out["basis"] = "省内转移"
        }
        if let r = m.returnOf { out["returnOf"] = r }
        if let c = m.emergencyContact { out["emergencyContact"] = ["name": c.name, "phone": c.phone] }
        out["lines"] = m.lines.enumerated().map { i, l -> [String: Any] in
            [
                "n": i + 1, "name": l.name, "code": l.wasteCode,
                "category": names.reference.wasteCodes[l.wasteCode]?.category ?? "HW" + l.wasteCode.suffix(2),
                "hazards": l.hazards.joined(separator: "、"), "form": l.form, "packaging": l.packaging, "packages": l.packages,
                "tonnes": Display.tonnes(l.grams), "components": l.components ?? "—",
            ]
        }
        if let p = m.pickup {
            out["pickup"] = ["carrier": names.party(p.carrier), "plate": p.vehiclePlate, "driver": p.driver, "at": Display.beijingTime(p.at)]
        }
        out["handovers"] = m.handovers.map { h -> [String: Any] in
            ["from": names.party(h.fromCarrier), "to": names.party(h.toCarrier), "plate": h.vehiclePlate, "driver": h.driver, "at": Display.beijingTime(h.at)]
        }
        if let r = m.receipt {
            var receipt: [String: Any] = [
                "deliveredAt": Display.beijingTime(r.deliveredAt), "method": names.method(r.method), "discrepancy": r.significantDiscrepancy ? "是" : "否",
                "enteredOn": r.enteredOn.description,
            ]
            if let note = r.note, !note.isEmpty { receipt["note"] = note }
            out["receipt"] = receipt
        }
        if let r = m.rejection {
            out["rejection"] = ["deliveredAt": Display.beijingTime(r.deliveredAt), "reason": r.reason, "enteredOn": r.enteredOn.description]
        }
        if let reason = m.cancelReason { out["cancelReason"] = reason }
        out["versions"] = m.versions.map { v -> [String: Any] in
            var version: [String: Any] = [
                "version": v.version, "index": v.index, "method": names.method(v.method),
                "lines": v.lines.map { l -> [String: Any] in
                    ["line": l.line, "grams": Display.tonnes(l.grams), "rejected": Display.tonnes(l.rejectedGrams)]
                },
            ]
            if let c = v.correctionId { version["correction"] = c }
            return version
        }
        out["hasCorrections"] = !m.corrections.isEmpty
        out["corrections"] = m.corrections.map { c -> [String: Any] in
            [
                "id": c.correctionId, "proposer": names.party(c.proposer), "reason": c.reason,
                "approvals": c.approvals.map { names.name($0) + "（\($0)）" }.joined(separator: "、"), "state": c.applied ? "已生效" : "待同意",
            ]
        }
        let byIndex = Dictionary(sheet.signatures.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        out["acts"] = m.events.map { e -> [String: Any] in
            [
                "index": e.index, "act": Display.eventLabel(e.type), "type": e.type, "party": names.party(e.actor), "role": role(of: e.actor, m),
                "time": Display.beijingTime(e.time), "keyId": byIndex[e.index]?.keyId ?? "",
            ]
        }
        // The receipt of the latest act the signed checkpoint covers, and the QR code: the public check page with
        // the covered entries in its fragment (docs/decisions/016).
        if let last = m.events.last(where: { $0.index < sheet.checkpointSize }), let sig = byIndex[last.index],
            let link = VerifyFragment.link(base: publicBase, manifestNo: m.manifestNo, items: sheet.entries)
        {
            let url = "\(receiptBase)/v1/receipts/\(last.index)"
            let side = Double(VerifyFragment.printMillimetres) * Double(link.code.width + 8) / Double(link.code.width)
            out["qr"] = link.code.svg(size: String(format: "%.1fmm", side), label: "联单核验二维码")
            out["verifyURL"] = link.url
            out["qrVersion"] = link.code.version
            out["qrEntries"] = sheet.entries.count
            out["qrHashesOnly"] = link.kind == VerifyFragment.hashesKind
            out["receiptURL"] = url
            out["receiptIndex"] = last.index
            out["receiptAct"] = Display.eventLabel(last.type)
            out["leafHash"] = sig.leafHash.hex
            out["operatorKey"] = sheet.operatorKeys.first ?? ""
        } else {
            out["receiptPending"] = true
        }
        return out
    }
}
