import Foundation
import HTTPTypes
import Hummingbird
import LedgerServer
import NIOCore
import TransferLedger
import TransferRules

/// 跨区域处置补偿 (`/ui/compensation/{quarter}`): the quarter's statement in each direction between the two
/// provinces (the same statement as `GET /v1/compensation/statements` and `hwledger compensation statement`), the
/// net, a flow picture (SVG), CSV downloads (the CLI's `--excel` bytes), and the close: the payee's regulator signs
/// `compensation.statement.closed` with the total and digest shown, in the browser (forms.js), posted to
/// `/v1/submissions` like every signed event. Regulators of both provinces and the operator; enterprises 403.
extension ConsolePages {
    /// The two provinces of the 川渝 ledger; a statement runs from the payer (the generators' side) to the payee.
    static let compensationDirections: [(payer: String, payee: String)] = [("510000", "500000"), ("500000", "510000")]
    /// Lines shown per direction, of items and of adjustments each, unless the page asks for all (`all=1`) or another
    /// number (`rows=N`); the rest are counted, with the CSV one link away.
    static let statementRowsShown = 100

    /// `/ui/compensation`: the last quarter that has ended, the one a regulator closes next.
    func compensationIndex(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let today = UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
        return Page.redirect("/ui/compensation/\(Quarter(containing: today).previous)")
    }

    func compensation(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let text = context.parameters.get("quarter") ?? ""
        let names = try await Blocking.run { try Names(ledger: ledger) }
        var page = Self.base(context, names: names, title: "\(text.prefix(7)) 跨区域处置补偿", tab: "compensation")
        do {
            let quarter = try Self.quarter(text, principal: principal)
            let rows = try Self.rowsParameter(request, default: Self.statementRowsShown)
            let today = UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
            let view = try await Blocking.run { () -> TemplateValues in
                let statements = try Self.compensationDirections.map { try ledger.statement(quarter: quarter, payer: $0.payer, payee: $0.payee) }
                let closed = try ledger.closedStatements().filter { $0.quarter == quarter }
                let closes = try ledger.signatures(of: closed.map(\.closedAt))
                var view = CompensationView(
                    quarter: quarter, statements: statements, closed: closed, closes: closes, manifests: [:], rows: rows,
                    names: names, principal: principal, today: today)
                // Only the shown lines' manifests are read (for their parties' names): a quarter at national volume has
                // hundreds of thousands of lines.
                let numbers = Set(statements.flatMap { view.shown($0.items) + view.shown($0.adjustments) }.map(\.manifestNo))
                view.manifests = try ledger.manifests(numbered: numbers)
                try names.preload(view.manifests.values.flatMap { [$0.generator, $0.receiver] })
                return TemplateValues(view.context)
            }
            page.merge(view.values) { _, new in new }
            return Page.html(Templates.render("compensation", page))
        } catch {
            return Page.error(error, base: page)
        }
    }

    /// `/ui/compensation/{quarter}/{payer}-{payee}.csv` and `/ui/compensation/{quarter}/net.csv`: exactly what
    /// `hwledger compensation statement --quarter Q (--payer P --payee E | --net) --labels zh --excel` prints.
    func compensationCSV(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let text = context.parameters.get("quarter") ?? ""
        let file = context.parameters.get("file") ?? ""
        do {
            let quarter = try Self.quarter(text, principal: principal)
            let csv: String
            if file == "net.csv" {
                let (a, b) = (Self.compensationDirections[0], Self.compensationDirections[1])
                csv = try await Blocking.run {
                    NetStatement(try ledger.statement(quarter: quarter, payer: a.payer, payee: a.payee),
                                 try ledger.statement(quarter: quarter, payer: b.payer, payee: b.payee)).csvDocument(chinese: true).text(excel: true)
                }
            } else if let d = Self.compensationDirections.first(where: { "\($0.payer)-\($0.payee).csv" == file }) {
                csv = try await Blocking.run { StatementJSON.csv(try ledger.statement(quarter: quarter, payer: d.payer, payee: d.payee), chinese: true, excel: true) }
            } else {
                throw ServerError.notFound("no such download: \(file.prefix(40)) (510000-500000.csv, 500000-510000.csv or net.csv)")
            }
            let name = file == "net.csv" ? "\(quarter)-净额.csv" : "\(quarter)-\(file)"
            return Response(
                status: .ok,
                headers: [
                    .contentType: CSVDocument.mediaType, .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"\(quarter)-\(file)\"; filename*=UTF-8''\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? file)",
                    HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                ],
                body: .init(byteBuffer: ByteBuffer(string: csv)))
        } catch {
            return Page.error(error)
        }
    }

    /// The quarter of the address (YYYYQn, as the API's `quarter` parameter), for a principal allowed to read
    /// statements: the regulators of payer and payee (here both provinces) and the operator.
    static func quarter(_ text: String, principal: ReadPrincipal) throws -> Quarter {
        if let problem = ReadParameters.quarter("quarter", String(text.prefix(20))) { throw ServerError.usage(problem) }
        if case .enterprise = principal { throw ServerError.forbidden("compensation statements are for regulators") }
        for d in compensationDirections {
            try Visibility.require(principal, ResourceScope(provinces: [d.payer, d.payee]), resource: "the statement \(d.payer) → \(d.payee)")
        }
        return Quarter(text)!
    }
}

/// The template context of the compensation page.
struct CompensationView {
    var quarter: Quarter
    var statements: [Statement]
    var closed: [ClosedStatementRecord]
    /// The close entries' signatures: who signed, with which key, when.
    var closes: [EntrySignature]
    var manifests: [String: ManifestRecord]
    /// Lines shown of each list (nil: all).
    var rows: Int?
    var names: Names
    var principal: ReadPrincipal
    var today: CivilDate

    var context: [String: Any] {
        let ended = quarter < Quarter(containing: today)
        var out: [String: Any] = [
            "quarter": quarter.description, "prev": quarter.previous.description, "next": quarter.next.description,
            "period": "\(quarter.firstDay) 至 \(quarter.next.firstDay.adding(days: -1))",
            "directions": statements.map(direction), "flow": flowSVG(),
        ]
        if !ended { out["notEnded"] = "本季度尚未结束，以下为截至目前的数据；北京时间 \(quarter.next.firstDay) 起可关闭结算。" }
        let net = NetStatement(statements[0], statements[1])
        out["net"] = net.amountFen == 0
            ? "两个方向金额相等，净额为 0.00 元。"
            : "\(Display.provinceName(net.payer))应向\(Display.provinceName(net.payee))支付净额 \(Display.yuan(net.amountFen)) 元。"
        return out
    }

    /// The lines of `list` the page shows.
    func shown(_ list: [StatementItem]) -> ArraySlice<StatementItem> { rows.map { list.prefix($0) } ?? list[...] }

    func direction(_ s: Statement) -> [String: Any] {
        let id = "\(s.payer)-\(s.payee)"
        var out: [String: Any] = [
            "id": id, "payer": Display.provinceName(s.payer), "payee": Display.provinceName(s.payee),
            "payeeRegulator": names.name(Principal.regulatorID(s.payee)),
            "items": shown(s.items).map(item), "adjustments": shown(s.adjustments).map(item), "hasAdjustments": !s.adjustments.isEmpty,
            "empty": s.items.isEmpty && s.adjustments.isEmpty, "total": Display.yuan(s.totalFen), "totalFen": s.totalFen,
            "csv": "/ui/compensation/\(quarter)/\(s.payer)-\(s.payee).csv",
        ]
        let digest = StatementJSON.digest(s)
        if let c = closed.first(where: { $0.payer == s.payer && $0.payee == s.payee }) {
            var mark: [String: Any] = ["index": c.closedAt, "digest": c.digest, "total": Display.yuan(c.totalFen)]
            if let signed = closes.first(where: { $0.index == c.closedAt }) {
                mark["time"] = Display.beijingTime(signed.time)
                mark["signer"] = names.name(signed.actor)
                mark["keyId"] = signed.keyId
            }
            out["closed"] = mark
        } else if quarter < Quarter(containing: today) {
            if principal.id == Principal.regulatorID(s.payee) {
                out["close"] = [
                    "quarter": quarter.description, "payer": s.payer, "payee": s.payee, "totalFen": s.totalFen,
                    "total": Display.yuan(s.totalFen), "digest": digest, "actor": principal.id,
                ] as [String: Any]
            } else {
                out["waiting"] = "待\(names.name(Principal.regulatorID(s.payee)))签署关闭"
            }
        }
        for (name, list) in [("items", s.items), ("adjustments", s.adjustments)] where shown(list).count < list.count {
            out[name + "More"] = [
                "count": list.count - shown(list).count, "link": "/ui/compensation/\(quarter)?all=1#statement-\(id)",
                "csv": "/ui/compensation/\(quarter)/\(id).csv",
            ] as [String: Any]
        }
        out["digest"] = digest
        return out
    }

    func item(_ i: StatementItem) -> [String: Any] {
        let m = manifests[i.manifestNo]
        var out: [String: Any] = [
            "manifestNo": i.manifestNo, "line": i.line, "wasteCode": i.wasteCode, "category": i.category, "method": i.method,
            "tonnes": Display.tonnes(i.receivedGrams), "rateTableId": i.rateTableId,
            "base": Display.yuan(i.baseFenPerTonne), "categoryFactor": Self.factor(i.categoryPermille),
            "methodFactor": Self.factor(i.methodPermille), "amount": Display.yuan(i.amountFen),
        ]
        if let m {
            out["generator"] = names.party(m.generator)
            out["receiver"] = names.party(m.receiver)
        }
        if let q = i.ofQuarter { out["ofQuarter"] = q.description }
        return out
    }

    /// Permille as a factor people read: 1500 → ×1.5, 1000 → ×1.
    static func factor(_ permille: Int64) -> String {
        var text = String(format: "%.3f", Double(permille) / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "×" + text
    }

    /// The two provinces as boxes, an arrow each way labelled with what that direction owes, and the net.
    func flowSVG() -> String {
        let (ab, ba) = (statements[0], statements[1])
        let net = NetStatement(ab, ba)
        func box(_ x: Int, _ label: String) -> String {
            "<rect x=\"\(x)\" y=\"30\" width=\"150\" height=\"70\" rx=\"6\" fill=\"#e8edf3\" stroke=\"#0b5cad\"/>"
                + "<text x=\"\(x + 75)\" y=\"72\" text-anchor=\"middle\" font-size=\"18\" fill=\"#1b2733\">\(label)</text>"
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow\" width=\"620\" height=\"170\" viewBox=\"0 0 620 170\" role=\"img\" aria-label=\"补偿资金流向\">"
        svg += "<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"10\" refX=\"9\" refY=\"5\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#0b5cad\"/></marker></defs>"
        svg += box(10, Display.provinceName(ab.payer)) + box(460, Display.provinceName(ab.payee))
        svg += "<line x1=\"165\" y1=\"50\" x2=\"455\" y2=\"50\" stroke=\"#0b5cad\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>"
        svg += "<text x=\"310\" y=\"42\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1b2733\">应付 \(Display.yuan(ab.totalFen)) 元</text>"
        svg += "<line x1=\"455\" y1=\"82\" x2=\"165\" y2=\"82\" stroke=\"#0b5cad\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>"
        svg += "<text x=\"310\" y=\"100\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1b2733\">应付 \(Display.yuan(ba.totalFen)) 元</text>"
        let netText = net.amountFen == 0
            ? "净额 0.00 元"
            : "净额：\(Display.provinceName(net.payer)) → \(Display.provinceName(net.payee)) \(Display.yuan(net.amountFen)) 元"
        svg += "<text x=\"310\" y=\"145\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#1e7b34\">\(netText)</text>"
        return svg + "</svg>"
    }
}
