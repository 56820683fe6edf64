import Foundation
import Hummingbird
import LedgerServer
import TransferLedger
import TransferRules

/// 填报联单 (`/ui/file`): the generator's form. The page offers what is valid for this generator — its granted
/// approvals with grams left and validity, its active 点对点 registrations with their cap, or intra-province — the
/// registry's receivers and carriers with the permits the ledger holds, the methods and the 名录's waste codes. The
/// browser builds `manifest.filed`, encodes it with canonical.js, signs it with the clerk's key file (WebCrypto
/// Ed25519) and posts it to `/v1/submissions`: the server sees only the signed submission, which the ledger judges
/// exactly as one from the CLI (nothing the page offers is trusted).
extension ConsolePages {
    /// Everything the form offers, read in one go.
    struct FilingChoices: Sendable {
        var generator: Enterprise
        var approvals: [ApplicationRecord]
        var registrations: [P2PRecord]
        var receivers: [Enterprise]
        var carriers: [Enterprise]
        var permits: [String: [PermitRecord]]
        /// 复制为新联单: the generator's own manifest cancelled before pickup whose parties, method, basis and lines
        /// pre-fill the form (`?copy=<no>`).
        var copy: ManifestRecord?
    }

    func filingPage(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let names = try await Blocking.run { try Names(ledger: ledger) }
        var page = Self.base(context, names: names, title: "填报联单", tab: "file")
        do {
            guard case .enterprise(let uscc, _) = principal else {
                throw ServerError.forbidden("only an enterprise files manifests; \(principal.id) is not one")
            }
            let copyNo = try Self.parameter(request, "copy")
            let choices = try await Blocking.run { () -> FilingChoices in
                guard let me = try ledger.enterprise(uscc) else { throw ServerError.notFound("enterprise \(uscc) is not registered") }
                guard me.roles.contains(.generator) else {
                    throw ServerError.forbidden("\(uscc) is not registered as generator: it cannot file a manifest")
                }
                let all = try ledger.enterprises().sorted { $0.uscc < $1.uscc }
                let receivers = all.filter { $0.roles.contains(.receiver) || $0.roles.contains(.utiliser) }
                let carriers = all.filter { $0.roles.contains(.carrier) }
                var permits: [String: [PermitRecord]] = [:]
                for e in receivers + carriers { permits[e.uscc] = try ledger.permits(of: e.uscc) }
                var copy: ManifestRecord?
                if let copyNo {
                    guard copyNo.utf8.count == 14, copyNo.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let m = try ledger.manifest(copyNo),
                        m.generator == uscc
                    else { throw ServerError.notFound("\(copyNo.prefix(40)) is not a manifest filed by \(uscc)") }
                    guard m.state == .cancelled, m.pickup == nil else {
                        throw ServerError.usage("only a manifest cancelled before pickup is copied as a new one; \(copyNo) is \(m.state.rawValue)")
                    }
                    copy = m
                }
                return FilingChoices(
                    generator: me,
                    approvals: try ledger.applications(inScope: uscc).filter { $0.generator == uscc && $0.decision?.decision == .approved },
                    registrations: try ledger.p2pRegistrations().filter { $0.generator == uscc && $0.revokedOn == nil },
                    receivers: receivers, carriers: carriers, permits: permits, copy: copy)
            }
            let today = UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
            for (k, v) in FilingView(choices: choices, names: names, today: today).context { page[k] = v }
            return Page.html(Templates.render("file", page))
        } catch {
            return Page.error(error, base: page)
        }
    }
}

/// The template context of 填报联单.
///
/// A basis or party that cannot serve a filing today (an approval or registration outside its validity, a receiver or
/// carrier whose every permit of the kind has ended) is offered disabled, with the reason ("已过期 2026-09-30"), and
/// its remaining tonnes are not shown as available.
struct FilingView {
    var choices: FilingChoices
    var names: Names
    /// Today in 北京时间.
    var today: CivilDate
    typealias FilingChoices = ConsolePages.FilingChoices

    /// Why a validity `from`…`to` cannot serve today; nil when it can.
    func outOfValidity(from: CivilDate, to: CivilDate) -> String? {
        if today > to { return "已过期 \(to)" }
        if today < from { return "尚未生效（\(from) 起）" }
        return nil
    }

    var context: [String: Any] {
        let c = choices
        var out: [String: Any] = ["generator": names.party(c.generator.uscc)]
        out["province"] = Display.provinceName(String(c.generator.division.prefix(2)) + "0000")
        out["approvals"] = c.approvals.compactMap { a -> [String: Any]? in
            guard let d = a.decision, let no = d.approvalNo, let from = d.validFrom, let to = d.validTo else { return nil }
            var option: [String: Any] = [
                "value": "approval:" + no, "no": no, "receiver": a.receiver, "receiverName": names.name(a.receiver),
                "wasteCode": a.wasteCode, "method": a.method, "from": from.description, "to": to.description,
                "remainingGrams": a.remainingGrams, "remaining": Display.tonnes(a.remainingGrams),
                "approved": Display.tonnes(d.grams ?? 0),
            ]
            if let reason = outOfValidity(from: from, to: to) {
                option["disabledReason"] = reason
                option["remainingGrams"] = 0
            } else if c.copy?.basis == .approval(no) {
                option["selected"] = true
            }
            return option
        }
        out["registrations"] = c.registrations.map { r -> [String: Any] in
            var option: [String: Any] = [
                "value": "p2p:" + r.registrationNo, "no": r.registrationNo, "receiver": r.utiliser, "receiverName": names.name(r.utiliser),
                "wasteCode": r.wasteCode, "from": r.validFrom.description, "to": r.validTo.description, "cap": Display.tonnes(r.capGrams),
            ]
            if let reason = outOfValidity(from: r.validFrom, to: r.validTo) {
                option["disabledReason"] = reason
            } else if c.copy?.basis == .p2p(r.registrationNo) {
                option["selected"] = true
            }
            return option
        }
        out["hasApprovals"] = !c.approvals.isEmpty
        out["hasRegistrations"] = !c.registrations.isEmpty
        out["receivers"] = c.receivers.map { party($0, kind: .operating) }
        out["carriers"] = c.carriers.map { party($0, kind: .transport) }
        out["methods"] = names.reference.methods.values.sorted { $0.code < $1.code }.map {
            ["code": $0.code, "meaning": $0.meaning, "selected": $0.code == c.copy?.method] as [String: Any]
        }
        if let copy = c.copy { for (k, v) in copyContext(copy) { out[k] = v } }
        out["wasteCodes"] = names.reference.wasteCodes.values.sorted { $0.code < $1.code }.map {
            ["code": $0.code, "category": $0.category, "description": $0.description, "hazards": $0.hazards.joined(separator: ",")]
        }
        return out
    }

    /// A receiver or carrier with the permits of `kind` the ledger holds, described for the clerk.
    func party(_ e: Enterprise, kind: PermitIssued.Kind) -> [String: Any] {
        let permits = (choices.permits[e.uscc] ?? []).filter { $0.kind == kind }.sorted { $0.validFrom < $1.validFrom }
        let text = permits.map { p -> String in
            var s = "\(p.permitNo)，有效期 \(p.validFrom)至\(p.validTo)"
            if kind == .operating { s += "，代码 \(p.wasteCodes.joined(separator: "、"))，方式 \(p.methods.joined(separator: "、"))" }
            return s
        }
        var option: [String: Any] = [
            "id": e.uscc, "name": e.name, "place": names.reference.divisions[e.division]?.name ?? e.division,
            "permits": text.isEmpty ? (kind == .operating ? "无经营许可证" : "无运输许可证") : text.joined(separator: "；"),
            "validity": permits.map { "\($0.validFrom)/\($0.validTo)" }.joined(separator: " "),
        ]
        if let last = permits.map(\.validTo).max(), last < today {
            option["disabledReason"] = (kind == .operating ? "经营许可证已过期 " : "运输许可证已过期 ") + last.description
        } else if let copy = choices.copy {
            // Pre-filled from the copied manifest: only a party that can still serve (a disabled option is not chosen).
            if kind == .operating { option["selected"] = copy.receiver == e.uscc }
            option["selected1"] = copy.carriers.first == e.uscc
            option["selected2"] = copy.carriers.count > 1 && copy.carriers[1] == e.uscc
        }
        return option
    }

    /// 复制为新联单: the copied manifest's basis (intra-province; an approval or registration is chosen above only
    /// while it can serve today) and its lines as the rows of the form. Dates are not copied.
    func copyContext(_ m: ManifestRecord) -> [String: Any] {
        [
            "copyOf": m.manifestNo,
            "intraSelected": m.basis == .intraProvince,
            "copyLines": m.lines.map { l -> [String: Any] in
                [
                    "wasteCode": l.wasteCode, "name": l.name, "hazards": l.hazards.joined(separator: ","),
                    "category": names.reference.wasteCodes[l.wasteCode]?.category ?? "",
                    "packaging": l.packaging, "components": l.components ?? "", "packages": String(l.packages),
                    "tonnes": Display.tonnes(l.grams),
                    "forms": ["固态", "半固态", "液态", "气态"].map { ["form": $0, "selected": $0 == l.form] as [String: Any] },
                ]
            },
        ]
    }
}
