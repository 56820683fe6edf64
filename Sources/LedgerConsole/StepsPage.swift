import Foundation
import Hummingbird
import LedgerServer
import TransferLedger
import TransferRules

/// 办理 (`/ui/manifests/{no}/steps`): the steps after filing that are this enterprise's to take on a manifest in its
/// present state — 确认起运 (first carrier, filed), 交接 (a later carrier, in transit), 确认接收 with received and
/// rejected tonnes per line or 拒收 (receiver, in transit), 作废 (generator, filed), 退回 (the receiver, of what it
/// rejected), 提出更正 and 确认更正 (the parties of a received manifest, SPEC §2.4). Each form builds the event in the
/// page and signs it with the clerk's key file (forms.js), as 填报联单 does. The page records the state it was drawn
/// in; the ledger judges the signed event against the state it has then, so a page left open while the manifest
/// moved on gets the ledger's R-STATE refusal and appends nothing.
extension ConsolePages {
    func stepsPage(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let number = context.parameters.get("no") ?? ""
        let names = try await Blocking.run { try Names(ledger: ledger) }
        var page = Self.base(context, names: names, title: "办理联单 \(number.prefix(14))", tab: "manifests")
        do {
            guard case .enterprise(let me, _) = principal else {
                throw ServerError.forbidden("only the enterprises named on a manifest take its steps; \(principal.id) is not one")
            }
            guard number.utf8.count == 14, number.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw ServerError.notFound("联单编号 must be 14 digits; \(number.prefix(40)) is not a manifest number")
            }
            let m = try await Blocking.run { () -> ManifestRecord in
                guard let m = try ledger.manifest(number) else { throw ServerError.notFound("manifest \(number) does not exist") }
                try Visibility.require(principal, .of(m, provinces: names.enterprises), resource: "manifest \(number)")
                return m
            }
            for (k, v) in StepsView(manifest: m, me: me, names: names).context { page[k] = v }
            return Page.html(Templates.render("steps", page))
        } catch {
            return Page.error(error, base: page)
        }
    }
}

/// The template context of 办理: the manifest in brief and the forms open to `me`.
struct StepsView {
    var manifest: ManifestRecord
    var me: String
    var names: Names

    var context: [String: Any] {
        let m = manifest
        var out: [String: Any] = [
            "no": m.manifestNo, "me": me, "state": Display.state(m.state), "stateCode": m.state.rawValue,
            "generator": names.party(m.generator), "receiver": names.party(m.receiver),
            "carriers": m.carriers.map { names.party($0) }, "method": m.method, "plannedPickup": m.plannedPickup.description,
            "lines": m.lines.enumerated().map { i, l -> [String: Any] in
                ["line": i + 1, "wasteCode": l.wasteCode, "name": l.name, "tonnes": Display.tonnes(l.grams), "packages": l.packages]
            },
        ]
        if let current = m.currentCarrier { out["current"] = names.party(current) }
        let open = OpenSteps(m, me: me)
        if open.pickup { out["pickup"] = true }
        if let from = open.handoverFrom { out["handover"] = ["fromCarrier": from] }
        if open.receive { out["receive"] = true }
        if open.cancel { out["cancel"] = true }
        if let ret = returnForm(open.returnable) { out["return"] = ret }
        if open.propose, let current = m.versions.last {
            out["propose"] = [
                "method": current.method, "correctionId": "GZ-\(m.corrections.count + 1)",
                "lines": current.lines.map { l -> [String: Any] in
                    let line = m.lines.indices.contains(l.line - 1) ? m.lines[l.line - 1] : nil
                    return ["line": l.line, "wasteCode": line?.wasteCode ?? "", "name": line?.name ?? "", "tonnes": Display.tonnes(l.grams)]
                },
            ]
        }
        out["approve"] = open.approvable.map { c -> [String: Any] in
            var item: [String: Any] = ["correctionId": c.correctionId, "proposer": names.party(c.proposer), "reason": c.reason]
            if let method = c.method { item["newMethod"] = method }
            if let lines = c.lines {
                item["newLines"] = lines.map { "第 \($0.line) 行 \(Display.tonnes($0.grams)) 吨" }.joined(separator: "；")
            }
            return item
        }
        out["nothing"] = open.names.isEmpty && !open.propose
        return out
    }

    /// 退回 (SPEC §2.4): the original receiver files a new manifest with `returnOf` back to the generator, on the
    /// original basis, of at most the rejected grams per waste code not yet returned. Offered while some remain.
    func returnForm(_ returnable: [String: Int64]) -> [String: Any]? {
        let m = manifest
        var seen = Set<String>()
        let lines = m.lines.compactMap { l -> [String: Any]? in
            guard let left = returnable[l.wasteCode], seen.insert(l.wasteCode).inserted else { return nil }
            return [
                "wasteCode": l.wasteCode, "name": l.name, "hazards": l.hazards.joined(separator: ","), "form": l.form,
                "packaging": l.packaging, "packages": l.packages, "tonnes": Display.tonnes(left),
            ]
        }
        guard !lines.isEmpty else { return nil }
        let basis: String
        switch m.basis {
        case .approval(let no): basis = #"{"approval":"\#(no)"}"#
        case .p2p(let no): basis = #"{"p2p":"\#(no)"}"#
        case .intraProvince: basis = #"{"intraProvince":true}"#
        }
        let carriers = ((try? names.allEnterprises()) ?? []).filter { $0.roles.contains(.carrier) }.sorted { $0.uscc < $1.uscc }
        return [
            "returnTo": m.generator, "method": m.method, "basisJSON": basis, "lines": lines,
            "carrierChoices": carriers.map { names.party($0.uscc) },
        ]
    }
}

/// The steps open to `me` on a manifest in its present state: the one computation behind 办理's forms and the 下一步
/// column of 我的联单.
struct OpenSteps {
    var pickup = false
    var handoverFrom: String?
    var receive = false
    var cancel = false
    /// Per waste code, the grams rejected and not yet returned, while `me` is the receiver of a received or rejected load.
    var returnable: [String: Int64] = [:]
    /// 提出更正: any party of a received manifest may propose a correction (offered on 办理, not listed as a next step).
    var propose = false
    /// 确认更正: the corrections not yet in effect that `me`, a party other than the proposer, has still to approve.
    var approvable: [ManifestRecord.Correction] = []

    init(_ m: ManifestRecord, me: String) {
        pickup = m.state == .filed && m.carriers.first == me
        if m.state == .inTransit, let current = m.currentCarrier, let at = m.carriers.firstIndex(of: current),
            let mine = m.carriers.firstIndex(of: me), mine > at
        {
            handoverFrom = current
        }
        receive = m.state == .inTransit && m.receiver == me
        cancel = m.state == .filed && m.generator == me
        if m.receiver == me, m.state == .received || m.state == .rejected {
            for (code, grams) in m.rejectedGramsByCode {
                let left = grams - (m.returnedGrams[code] ?? 0)
                if left > 0 { returnable[code] = left }
            }
        }
        propose = m.state == .received && m.parties.contains(me)
        if m.parties.contains(me) {
            approvable = m.corrections.filter { !$0.applied && $0.proposer != me && !$0.approvals.contains(me) }
        }
    }

    /// A step is this enterprise's to take (its pickup, handover, receipt, a return of what it rejected, a correction
    /// to approve); being allowed to cancel or to propose a correction is not one.
    var needsMe: Bool { pickup || handoverFrom != nil || receive || !returnable.isEmpty || !approvable.isEmpty }

    /// What the clerk is to do, in the words of the 办理 page.
    var names: [String] {
        var out: [String] = []
        if pickup { out.append("确认起运") }
        if handoverFrom != nil { out.append("交接") }
        if receive { out.append("确认接收或拒收") }
        if cancel { out.append("可作废（起运前）") }
        if !returnable.isEmpty { out.append("退回拒收部分") }
        if !approvable.isEmpty { out.append("确认更正") }
        return out
    }
}
