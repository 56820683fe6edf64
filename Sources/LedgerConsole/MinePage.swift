import Foundation
import Hummingbird
import LedgerServer
import TransferLedger
import TransferRules

/// 我的联单 (`/ui/mine`): the manifests naming the signed-in enterprise (as 移出人, 承运人 or 接受人), with its role,
/// the state, and what it is to do next (``OpenSteps``, the computation behind 办理), each linked to the 联单 and to
/// 办理, newest first with the total. Takes the 联单查询 filters (q, state, code, from, to; the same form) and pages the
/// same way; `todo=1`
/// keeps only the manifests on which this enterprise has a step to take (``OpenSteps/needsMe``).
extension ConsolePages {
    func minePage(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let names = try await Blocking.run { try Names(ledger: ledger) }
        var page = Self.base(context, names: names, title: "我的联单", tab: "mine")
        do {
            guard case .enterprise(let me, _) = principal else {
                throw ServerError.forbidden("我的联单 lists an enterprise's own manifests; \(principal.id) is not an enterprise")
            }
            let query = try ManifestQuery(request)
            let todo = try Self.parameter(request, "todo").map { value in
                guard value == "1" else { throw ServerError.usage("todo must be 1 when given, got \(value)") }
                return true
            } ?? false
            let found = try await Blocking.run {
                var filter = query.filter
                filter.party = me
                if todo { filter.visible = { OpenSteps($0, me: me).needsMe } }
                return try ledger.manifests(filter, limit: Int.max)
            }
            var form = query.form
            if todo { form["todo"] = true }
            page["form"] = form
            page["todo"] = todo
            let list = query.newestFirst(found.manifests)
            page["total"] = list.total
            page["rows"] = list.rows.map { m -> [String: Any] in
                let next = OpenSteps(m, me: me).names
                var row: [String: Any] = [
                    "no": m.manifestNo, "state": Display.state(m.state), "role": Self.roleOnManifest(me, m),
                    "generator": names.party(m.generator), "receiver": names.party(m.receiver),
                    "codes": Array(Set(m.lines.map(\.wasteCode))).sorted().joined(separator: "、"), "tonnes": Display.tonnes(m.totalGrams),
                    "plannedPickup": m.plannedPickup.description,
                ]
                if !next.isEmpty { row["next"] = next.joined(separator: "、") }
                if let r = m.returnOf { row["returnOf"] = r }
                return row
            }
            page["empty"] = list.rows.isEmpty
            let extra = todo ? [("todo", "1")] : []
            if query.page > 1 { page["previousPage"] = query.link(page: query.page - 1, path: "/ui/mine", extra: extra) }
            if list.more { page["nextPage"] = query.link(page: query.page + 1, path: "/ui/mine", extra: extra) }
            return Page.html(Templates.render("mine", page))
        } catch {
            return Page.error(error, base: page)
        }
    }

    /// 移出人 / 承运人 / 接受人 (a party may hold more than one).
    static func roleOnManifest(_ me: String, _ m: ManifestRecord) -> String {
        var roles: [String] = []
        if m.generator == me { roles.append("移出人") }
        if m.carriers.contains(me) { roles.append("承运人") }
        if m.receiver == me { roles.append("接受人") }
        return roles.joined(separator: "、")
    }
}
