import Foundation
import Hummingbird
import LedgerServer
import TransferLedger
import TransferRules

/// A regulator's registry (`/ui/registry`) and 点对点 registrations (`/ui/p2p`). The registry lists the enterprises of
/// the regulator's province with their keys and permits, and holds the forms that change it: 企业登记
/// (`enterprise.registered`: USCC checked as typed, division as 省/市/区县 from the reference data, roles), 添加密钥 (a
/// `.vkey` file read in the browser), 吊销密钥, 颁发许可证 (codes and methods as choices). The 点对点 page lists the
/// registrations with their use and holds 登记 (`p2p.registered`, every SPEC §5 field) and 撤销 (`p2p.revoked`). Every
/// form is signed in the browser with the regulator's key file (regulator.js); the ledger judges it (R-AUTH for
/// another province's enterprise, R-USCC, R-P2P-…). Regulators only.
extension ConsolePages {
    /// The signed-in regulator, or 403.
    static func regulator(_ principal: ReadPrincipal) throws -> (id: String, province: String) {
        guard case .regulator(let id, let province) = principal else {
            throw ServerError.forbidden("this page is for regulators; \(principal.id) is not one")
        }
        return (id, province)
    }

    /// The reference lists the forms offer: methods and 名录 codes.
    static func referenceChoices(_ names: Names) -> [String: Any] {
        [
            "methodChoices": names.reference.methods.values.sorted { $0.code < $1.code }.map { ["code": $0.code, "meaning": $0.meaning] },
            "wasteCodes": names.reference.wasteCodes.values.sorted { $0.code < $1.code }.map {
                ["code": $0.code, "category": $0.category, "description": String($0.description.prefix(60))]
            },
        ]
    }

    func registryPage(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let names = try await Blocking.run { try Names(ledger: ledger) }
        var page = Self.base(context, names: names, title: "企业登记与许可", tab: "registry")
        do {
            let me = try Self.regulator(principal)
            let today = UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
            let view = try await Blocking.run { () -> TemplateValues in
                let mine = try ledger.enterprises().filter { $0.province == me.province }.sorted { $0.uscc < $1.uscc }
                var keys: [String: [KeyRecord]] = [:]
                var permits: [String: [PermitRecord]] = [:]
                for e in mine {
                    keys[e.uscc] = try ledger.keys(of: e.uscc)
                    permits[e.uscc] = try ledger.permits(of: e.uscc)
                }
                return TemplateValues(RegistryView(
                    regulator: me.id, province: me.province, enterprises: mine, keys: keys, permits: permits, names: names, today: today
                ).context)
            }
            page.merge(view.values) { _, new in new }
            page.merge(Self.referenceChoices(names)) { _, new in new }
            return Page.html(Templates.render("registry", page))
        } catch {
            return Page.error(error, base: page)
        }
    }

    func p2pPage(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let names = try await Blocking.run { try Names(ledger: ledger) }
        var page = Self.base(context, names: names, title: "点对点定向利用豁免", tab: "p2p")
        do {
            let me = try Self.regulator(principal)
            let today = UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
            let registrations = try await Blocking.run { try ledger.p2pRegistrations() }
            page["today"] = today.description
            page["actor"] = me.id
            page["rows"] = registrations.sorted { $0.registeredAt > $1.registeredAt }.map { r -> [String: Any] in
                var row: [String: Any] = [
                    "no": r.registrationNo, "generator": names.party(r.generator), "utiliser": names.party(r.utiliser),
                    "code": r.wasteCode, "codeName": names.reference.wasteCodes[r.wasteCode]?.description.prefix(40).description ?? "",
                    "use": r.substituteUse, "cap": Display.tonnes(r.capGrams), "from": r.validFrom.description, "to": r.validTo.description,
                    "used": Display.tonnes(r.usedGrams[String(today.year)] ?? 0), "by": names.name(r.registeredBy),
                    "fixed": #"{"registrationNo":"\#(ApprovalActsView.jsonEscaped(r.registrationNo))"}"#,
                ]
                if let on = r.revokedOn {
                    row["revoked"] = "已于 \(on) 撤销：\(r.revokeReason ?? "")"
                } else if r.registeredBy == me.id {
                    row["revocable"] = true
                }
                return row
            }
            let all = try names.allEnterprises().sorted { $0.uscc < $1.uscc }
            page["generators"] = all.filter { $0.roles.contains(.generator) }.map { names.party($0.uscc) }
            page["utilisers"] = all.filter { $0.roles.contains(.utiliser) || $0.roles.contains(.receiver) }.map { names.party($0.uscc) }
            let year = today.year
            page["suggestedNo"] = "\(ApprovalActsView.shortName(me.province))环点对点〔\(year)〕\(registrations.filter { $0.validFrom.year == year }.count + 1)号"
            page.merge(Self.referenceChoices(names)) { _, new in new }
            return Page.html(Templates.render("p2p", page))
        } catch {
            return Page.error(error, base: page)
        }
    }
}

/// The template context of the registry page.
struct RegistryView {
    var regulator: String
    var province: String
    var enterprises: [Enterprise]
    var keys: [String: [KeyRecord]]
    var permits: [String: [PermitRecord]]
    var names: Names
    var today: CivilDate

    var context: [String: Any] {
        let divisions = names.reference.divisions.values.filter { $0.validTo == nil }.sorted { $0.code < $1.code }
        var out: [String: Any] = [
            "actor": regulator, "today": today.description, "province": Display.provinceName(province),
            "provinces": divisions.filter { $0.level == "province" && $0.code == province }.map { ["code": $0.code, "name": $0.name] },
            // 市 lists the province's children: prefectures, or (重庆) the districts and counties under the province
            // itself; 区县 lists the counties under a prefecture.
            "cities": divisions.filter { $0.parent == province }.map { ["code": $0.code, "name": $0.name, "parent": $0.parent] },
            "counties": divisions.filter { $0.level == "county" && $0.parent != province && $0.code.hasPrefix(province.prefix(2)) }.map {
                ["code": $0.code, "name": $0.name, "parent": $0.parent]
            },
            "roleChoices": Role.allCases.map { ["value": $0.rawValue, "label": Display.role($0)] },
            "holders": enterprises.map { names.party($0.uscc) },
            "suggestedPermit": "\(ApprovalActsView.shortName(province))环危第\(today.year)号",
        ]
        out["enterprises"] = enterprises.map { e -> [String: Any] in
            [
                "party": names.party(e.uscc), "roles": e.roles.map(Display.role).joined(separator: "、"),
                "keys": (keys[e.uscc] ?? []).map { k -> [String: Any] in
                    var key: [String: Any] = ["keyId": k.keyId]
                    if k.revokedAt != nil {
                        key["revoked"] = true
                    } else {
                        key["fixed"] = #"{"principal":"\#(e.uscc)","keyId":"\#(k.keyId)"}"#
                    }
                    return key
                },
                "permits": (permits[e.uscc] ?? []).map { p -> String in
                    var s = "\(p.permitNo)（\(p.kind == .operating ? "经营" : "运输")，\(p.validFrom) 至 \(p.validTo)"
                    if p.kind == .operating { s += "，\(p.wasteCodes.joined(separator: "、"))，\(p.methods.joined(separator: "、"))" }
                    return s + "）"
                },
            ]
        }
        return out
    }
}
