import Foundation
import Hummingbird
import LedgerServer
import TransferLedger
import TransferRules

/// 跨省转移审批: the list with filters (`/ui/approvals`) and one application's timeline (`/ui/approvals/{id}`).
extension ConsolePages {
    /// Where an application stands, in the words of the 审批 desk.
    static func approvalState(_ a: ApplicationRecord) -> (key: String, label: String) {
        let stage = a.stage
        return (stage.rawValue, approvalStates.first { $0.0 == stage.rawValue }?.1 ?? stage.rawValue)
    }

    /// Every ``ApplicationStage`` with its label, in the list's order.
    static let approvalStates = [
        ("applied", "待初审或决定"), ("incomplete", "待补正"), ("reviewed", "已初审，待商请或决定"), ("consulting", "商请中，待复函"),
        ("replied", "已复函，待决定"), ("approved", "已批准"), ("denied", "不予批准"),
    ]

    /// Applications listed on `/ui/approvals` unless the page asks for all (`all=1`) or another number (`rows=N`).
    static let approvalRowsShown = 100

    func approvals(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let loaded = try? await Blocking.run { try Names(ledger: ledger) }
        let base = loaded.map { Self.base(context, names: $0, title: "跨省转移审批", tab: "approvals") } ?? [:]
        do {
            guard let names = loaded else { throw ServerError.notFound("the ledger cannot be read") }
            let state = try Self.parameter(request, "state")
            if let state, !Self.approvalStates.contains(where: { $0.0 == state }) {
                throw ServerError.usage("state must be one of \(Self.approvalStates.map(\.0).joined(separator: ", "))")
            }
            let direction = try Self.parameter(request, "direction")
            if let direction, !["out", "in"].contains(direction) { throw ServerError.usage("direction must be out or in") }
            let receiver = try Self.parameter(request, "receiver")
            let code = try Self.parameter(request, "code")
            let from = try Self.dateParameter(request, "from"), to = try Self.dateParameter(request, "to")
            var filter = ApplicationListFilter()
            filter.stage = state.flatMap(ApplicationStage.init(rawValue:))
            if let direction, case .regulator(_, let p) = principal {
                if direction == "out" { filter.origin = p } else { filter.destination = p }
            }
            if let receiver { filter.receiver = { uscc in uscc.contains(receiver.uppercased()) || names.name(uscc).contains(receiver) } }
            filter.wasteCode = code
            filter.from = from
            filter.to = to
            let limit = try Self.rowsParameter(request, default: Self.approvalRowsShown)
            // The scope's rows of the applicationList read model: what the principal sees, newest first; the first
            // `limit` decoded, the rest counted, one link away.
            let listed = filter
            let (shown, total) = try await Blocking.run { try ledger.applicationList(scope: principal.manifestScope, filter: listed, limit: limit) }
            try await Blocking.run { try names.preload(shown.flatMap { [$0.generator, $0.receiver] }) }
            var out = base
            if shown.count < total {
                out["more"] = ["count": total - shown.count, "link": "/ui/approvals?" + (request.uri.query.map { $0 + "&" } ?? "") + "all=1"]
            }
            out["rows"] = shown.map { a -> [String: Any] in
                var row: [String: Any] = [
                    "id": a.applicationId, "state": Self.approvalState(a).label, "generator": names.party(a.generator),
                    "receiver": names.party(a.receiver), "code": a.wasteCode, "tonnes": Display.tonnes(a.grams),
                    "appliedOn": a.appliedOn.description,
                    "direction": "\(Display.provinceName(a.originProvince)) → \(Display.provinceName(a.destinationProvince))",
                ]
                if let no = a.decision?.approvalNo { row["approvalNo"] = no }
                return row
            }
            out["empty"] = total == 0
            out["count"] = total
            out["states"] = Self.approvalStates.map { ["key": $0.0, "label": $0.1, "selected": state == $0.0] as [String: Any] }
            var form: [String: Any] = [:]
            if let direction { form["direction_\(direction)"] = true }
            if let receiver { form["receiver"] = receiver }
            if let code { form["code"] = code }
            if let from { form["from"] = from.description }
            if let to { form["to"] = to.description }
            out["form"] = form
            if case .regulator = principal { out["showDirection"] = true }
            return Page.html(Templates.render("approvals", out))
        } catch {
            return Page.error(error, base: base)
        }
    }

    /// The forms the signed-in regulator may sign now on `a` (none for enterprises and the operator).
    static func approvalActs(
        _ a: ApplicationRecord, principal: ReadPrincipal, today: CivilDate, ledger: TransferLedger, names: Names
    ) throws -> ApprovalActsView {
        var acts: [OpenAct] = []
        if case .regulator(let me, _) = principal { acts = try ledger.openActs(onApplication: a.applicationId, for: me, asOf: today) ?? [] }
        let list = try ledger.whitelists(year: a.validFrom.year).first { $0.listingProvince == a.destinationProvince }
        let decided = acts.contains { $0.kind == "approval.decided" } ? try ledger.approvalNumbersIssued(province: a.originProvince, year: today.year) : 0
        return ApprovalActsView(
            application: a, acts: acts, whitelist: list, decidedThisYear: decided, names: names, principal: principal.id, today: today)
    }

    func approval(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let id = context.parameters.get("id") ?? ""
        let loaded = try? await Blocking.run { try Names(ledger: ledger) }
        let base = loaded.map { Self.base(context, names: $0, title: "申请 \(id.prefix(60))", tab: "approvals") } ?? [:]
        do {
            guard let names = loaded else { throw ServerError.notFound("the ledger cannot be read") }
            guard !id.isEmpty, id.utf8.count <= 128 else { throw ServerError.notFound("\(id.prefix(40)) is not an application id") }
            let today = UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
            // The first `rows` shipments (100 unless rows=N or all=1), in number order; more are one link away.
            let rows = try Self.rowsParameter(request, default: Self.approvalRowsShown)
            let (a, shipments, more, acts) = try await Blocking.run { () -> (ApplicationRecord, [ManifestRecord], Bool, ApprovalActsView) in
                guard let a = try ledger.application(id) else { throw ServerError.notFound("application \(id) does not exist") }
                try Visibility.require(principal, .of(a), resource: "application \(id)")
                let acts = try Self.approvalActs(a, principal: principal, today: today, ledger: ledger, names: names)
                guard let no = a.decision?.approvalNo else { return (a, [], false, acts) }
                var filter = ManifestFilter()
                filter.approval = no
                filter.restrict(to: principal, lookup: names.enterprises, also: { $0.returnOf == nil })
                let page = try ledger.manifests(filter, limit: rows ?? Int.max)
                return (a, page.manifests, page.nextCursor != nil, acts)
            }
            var out = base
            let origin = names.name(a.originRegulator), destination = names.name(a.destinationRegulator)
            var steps: [[String: Any]] = [[
                "date": a.appliedOn.description, "act": Display.eventLabel("approval.applied"), "by": names.party(a.generator),
                "text": "申请转移 \(Display.tonnes(a.grams)) 吨 \(a.wasteCode)，方式 \(names.method(a.method))，期限 \(a.validFrom) 至 \(a.validTo)",
            ]]
            if let i = a.incomplete {
                steps.append(["date": i.notifiedOn.description, "act": Display.eventLabel("approval.incomplete"), "by": names.party(a.originRegulator),
                              "text": "需补正：\(i.missing.joined(separator: "、"))"])
            }
            if let s = a.supplementedOn {
                steps.append(["date": s.description, "act": Display.eventLabel("approval.supplemented"), "by": names.party(a.generator), "text": ""])
            }
            if let r = a.review {
                steps.append(["date": r.reviewedOn.description, "act": Display.eventLabel("approval.reviewed"), "by": names.party(a.originRegulator),
                              "text": Display.opinion(r.opinion) + (r.note.map { "：\($0)" } ?? "")])
            }
            if let c = a.consultationRequestedOn {
                steps.append(["date": c.description, "act": Display.eventLabel("approval.consultation.requested"),
                              "by": names.party(a.originRegulator), "text": "商请 \(destination)"])
            }
            if let r = a.reply {
                steps.append(["date": r.repliedOn.description, "act": Display.eventLabel("approval.consultation.replied"),
                              "by": names.party(a.destinationRegulator), "text": Display.opinion(r.opinion) + (r.reason.map { "：\($0)" } ?? "")])
            }
            if let extra = a.consentedExtraGrams {
                steps.append(["date": "", "act": Display.eventLabel("whitelist.overquota.consented"), "by": names.party(a.destinationRegulator),
                              "text": "同意超出白名单剩余额度 \(Display.tonnes(extra)) 吨"])
            }
            if let d = a.decision {
                var text = Display.decision(d.decision)
                if let no = d.approvalNo { text += "，批准文号 \(no)" }
                if let g = d.grams { text += "，批准 \(Display.tonnes(g)) 吨" }
                if let f = d.validFrom, let t = d.validTo { text += "，有效期 \(f) 至 \(t)" }
                if let r = d.reason { text += "；理由：\(r)" }
                if a.direct == true { text += "（白名单直接决定）" }
                steps.append(["date": d.decidedOn.description, "act": Display.eventLabel("approval.decided"), "by": names.party(a.originRegulator), "text": text])
            }
            if let n = a.notifiedOn {
                steps.append(["date": n.description, "act": Display.eventLabel("approval.notified"), "by": names.party(a.originRegulator),
                              "text": "告知 \(destination)"])
            }
            out["app"] = [
                "id": a.applicationId, "state": Self.approvalState(a).label, "generator": names.party(a.generator),
                "receiver": names.party(a.receiver), "code": a.wasteCode, "method": names.method(a.method),
                "requested": Display.tonnes(a.grams), "period": "\(a.validFrom) 至 \(a.validTo)", "appliedOn": a.appliedOn.description,
                "origin": origin, "destination": destination,
            ] as [String: Any]
            out["steps"] = steps
            out["facts"] = acts.facts
            out.merge(acts.context) { _, new in new }
            if let d = a.decision, d.decision == Decision.Outcome.approved {
                out["quota"] = [
                    "approved": Display.tonnes(d.grams ?? 0), "filed": Display.tonnes(a.filedGrams), "remaining": Display.tonnes(a.remainingGrams),
                ]
                out["shipments"] = shipments.map { m -> [String: Any] in
                    ["no": m.manifestNo, "state": Display.state(m.state), "tonnes": Display.tonnes(m.totalGrams), "plannedPickup": m.plannedPickup.description]
                }
                out["shipmentCount"] = more ? "前 \(shipments.count) 张" : "\(shipments.count)"
                if more { out["shipmentsMore"] = "/ui/approvals/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)?all=1#shipments" }
            }
            return Page.html(Templates.render("approval", out))
        } catch {
            return Page.error(error, base: base)
        }
    }
}
