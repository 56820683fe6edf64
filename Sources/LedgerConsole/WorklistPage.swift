import Foundation
import Hummingbird
import LedgerServer
import TransferLedger
import TransferRules

/// 待办: the steps this principal must take (``TransferLedger/worklist(for:asOf:)``, the one worklist computation),
/// overdue first, then those due within 5 working days; and, for regulators, their province's anomalies grouped by id
/// with filters, back-entry noise (A-RECEIPT-LATE) folded.
extension ConsolePages {
    /// Working days within which a step counts as due soon.
    static let soonWorkingDays = 5
    /// Rows shown per anomaly group; the rest are counted.
    static let anomalyRowsShown = 100
    /// Rows shown per worklist section (已逾期, 5 个工作日内, 其他) unless the page asks for all (`all=1`) or another
    /// number (`rows=N`, 1…1000); the rest are counted, one link away.
    static let worklistRowsShown = 100

    static let anomalyLabels: [String: String] = [
        "A-DEADLINE-REVIEW": "初步审查逾期", "A-DEADLINE-REPLY": "商请复函逾期", "A-DEADLINE-DECISION": "审批决定逾期",
        "A-RECEIPT-LATE": "接收录入迟延（含补录）", "A-IN-TRANSIT-OVERDUE": "在途超期", "A-DISCREPANCY": "数量差异",
        "A-CAPACITY": "超出经营许可能力",
    ]

    /// What a worklist or anomaly subject is, for a reader: parties and waste code, with a link when there is a page.
    struct SubjectInfo {
        var link: String?
        var text: String
        var cities: Set<String>
        /// USCCs named (a filter matches any of them).
        var parties: [String]
    }

    static func subjectInfo(
        _ subject: String, records: (applications: [String: ApplicationRecord], manifests: [String: ManifestRecord]), names: Names
    ) -> SubjectInfo {
        func city(_ uscc: String) -> String? {
            names.enterprise(uscc).map { names.cityName(division: $0.division) }
        }
        if let a = records.applications[subject] {
            return SubjectInfo(
                link: "/ui/approvals/\(a.applicationId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? a.applicationId)", text: "跨省转移申请：\(names.name(a.generator)) → \(names.name(a.receiver))，\(a.wasteCode)，\(Display.tonnes(a.grams)) 吨",
                cities: Set([city(a.generator), city(a.receiver)].compactMap { $0 }), parties: [a.generator, a.receiver])
        }
        if let m = records.manifests[subject] {
            return SubjectInfo(
                link: "/ui/manifests/\(m.manifestNo)",
                text: "联单：\(names.name(m.generator)) → \(names.name(m.receiver))，\(Display.tonnes(m.totalGrams)) 吨，\(Display.state(m.state))",
                cities: Set([city(m.generator), city(m.receiver)].compactMap { $0 }), parties: [m.generator, m.receiver] + m.carriers)
        }
        if let year = Int(subject), subject.count == 4 { return SubjectInfo(link: nil, text: "\(year) 年白名单", cities: [], parties: []) }
        if Quarter(subject) != nil { return SubjectInfo(link: "/ui/compensation/\(subject)", text: "\(subject) 季度跨区域处置补偿", cities: [], parties: []) }
        return SubjectInfo(link: nil, text: subject, cities: [], parties: [])
    }

    /// The anomaly filters of the page.
    struct AnomalyFilter {
        var type: String?
        var city: String?
        var party: String?
        var from: CivilDate?
        var to: CivilDate?

        /// No filter.
        init() {}

        /// Whether the filter needs every row of a group read (city, party or due dates); a type alone does not.
        var readsEveryRow: Bool { city != nil || party != nil || from != nil || to != nil }

        init(_ request: Request) throws {
            type = try ConsolePages.parameter(request, "type")
            city = try ConsolePages.parameter(request, "city")
            party = try ConsolePages.parameter(request, "party")
            from = try ConsolePages.dateParameter(request, "from")
            to = try ConsolePages.dateParameter(request, "to")
        }

        func matches(_ a: Anomaly, _ info: SubjectInfo, names: Names) -> Bool {
            if let type, a.id != type { return false }
            if let city, !info.cities.contains(city) { return false }
            if let party, !info.parties.contains(where: { $0.contains(party.uppercased()) || names.name($0).contains(party) }) { return false }
            if let from, a.due.map({ $0 < from }) ?? true { return false }
            if let to, a.due.map({ $0 > to }) ?? true { return false }
            return true
        }
    }

    func worklistPage(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let loaded = try? await Blocking.run { try Names(ledger: ledger) }
        let base = loaded.map { Self.base(context, names: $0, title: "待办", tab: "worklist") } ?? [:]
        do {
            guard let names = loaded else { throw ServerError.notFound("the ledger cannot be read") }
            let asOf = try Self.dateParameter(request, "asOf") ?? UTCInstant(seconds: services.authenticator.currentTime).shanghaiDate
            let filter = try AnomalyFilter(request)
            let shown = try Self.rowsParameter(request, default: Self.worklistRowsShown)
            let page = try await Blocking.run { () -> TemplateValues in
                TemplateValues(try Self.worklistContext(ledger: ledger, principal: principal, asOf: asOf, filter: filter, names: names, rows: shown))
            }
            var out = base
            out.merge(page.values) { _, new in new }
            return Page.html(Templates.render("worklist", out))
        } catch {
            return Page.error(error, base: base)
        }
    }

    /// Where a worklist step is taken: the form of that act on its page.
    static func actLink(_ item: WorkItem) -> String? {
        let subject = item.subject.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? item.subject
        switch item.kind {
        case let k where k.hasPrefix("approval."): return "/ui/approvals/\(subject)#act-\(k)"
        case "whitelist.confirmed": return "/ui/whitelist/\(subject)#confirm-\(subject)"
        case "compensation.statement.closed": return "/ui/compensation/\(subject)"
        case let k where k.hasPrefix("manifest."): return "/ui/manifests/\(subject)/steps"
        default: return nil
        }
    }

    /// The 待办 page's values (blocking): worklist sections and the grouped anomalies.
    static func worklistContext(
        ledger: TransferLedger, principal: ReadPrincipal, asOf: CivilDate, filter: AnomalyFilter, names: Names, rows: Int? = worklistRowsShown
    ) throws -> [String: Any] {
        let list = try ledger.worklist(for: principal.id, asOf: asOf)
        // Sections in the page's order; each shows its first `rows` (nil: all), the rest counted, one link away.
        var sections: [String: [WorkItem]] = ["overdue": [], "soon": [], "later": []]
        for item in list.items {
            let section = item.overdue ? "overdue" : item.workingDaysLeft.map { $0 <= soonWorkingDays } == true ? "soon" : "later"
            sections[section]!.append(item)
        }
        let shown = sections.mapValues { items -> ArraySlice<WorkItem> in rows.map { items.prefix($0) } ?? items[...] }
        // Anomalies: regulators (their province) and the operator. Unfiltered, each group reads its first rows and its
        // count (bounded); a filter reads the groups it names.
        let scope = AnomalyScope(principal)
        var read: [(id: String, rows: [Anomaly])] = []
        var counts: [String: Int] = [:]
        if let scope {
            for id in TransferLedger.anomalyIDs where filter.type == nil || filter.type == id {
                read.append((id, try ledger.anomalyRows(asOf: asOf, province: scope.province, id: id, limit: filter.readsEveryRow ? nil : anomalyRowsShown)))
                if !filter.readsEveryRow { counts[id] = try ledger.anomalyCount(asOf: asOf, province: scope.province, id: id) }
            }
        }
        // Every subject shown, read in one transaction.
        let records = try ledger.records(named: Set(shown.values.flatMap { $0.map(\.subject) } + read.flatMap { $0.rows.map(\.subject) }))
        try names.preload(records.applications.values.flatMap { [$0.generator, $0.receiver] } + records.manifests.values.flatMap { [$0.generator, $0.receiver] + $0.carriers })
        var out: [String: Any] = ["asOf": asOf.description, "nothing": list.items.isEmpty]
        for (section, items) in shown {
            out[section] = items.map { item -> [String: Any] in
                let info = subjectInfo(item.subject, records: records, names: names)
                var row: [String: Any] = [
                    "kind": Display.eventLabel(item.kind), "type": item.kind, "subject": item.subject, "detail": info.text,
                ]
                if let link = info.link { row["link"] = link }
                if let act = actLink(item) { row["act"] = act }
                if let due = item.due { row["due"] = due.description }
                if let left = item.workingDaysLeft { row["left"] = item.overdue ? "逾期 \(-left) 个工作日" : "剩 \(left) 个工作日" }
                return row
            }
            // Mustache treats 0 as true: counts go in only when there is something to count.
            let count = sections[section]!.count
            if count > 0 { out[section + "Count"] = count }
            if count > items.count { out[section + "More"] = ["count": count - items.count, "link": "/ui/worklist?asOf=\(asOf)&all=1#worklist-\(section)"] }
        }
        guard scope != nil else { return out }
        var groups: [String: [[String: Any]]] = [:]
        var cities = Set<String>()
        for (id, rows) in read {
            for a in rows {
                let info = subjectInfo(a.subject, records: records, names: names)
                cities.formUnion(info.cities)
                guard filter.matches(a, info, names: names) else { continue }
                if filter.readsEveryRow { counts[id, default: 0] += 1 }
                guard (groups[id]?.count ?? 0) < anomalyRowsShown else { continue }
                var row: [String: Any] = ["subject": a.subject, "text": info.text, "detail": AnomalyDetailZh.text(a.detail)]
                if let link = info.link { row["link"] = link }
                if let due = a.due { row["due"] = due.description }
                groups[id, default: []].append(row)
            }
        }
        counts = counts.filter { $0.value > 0 }
        out["showAnomalies"] = true
        out["anomalyTotal"] = counts.values.reduce(0, +)
        out["anomalyGroups"] = counts.keys.sorted { (($0 == "A-RECEIPT-LATE") ? 1 : 0, $0) < (($1 == "A-RECEIPT-LATE") ? 1 : 0, $1) }.map { id -> [String: Any] in
            var g: [String: Any] = [
                "id": id, "label": anomalyLabels[id] ?? id, "count": counts[id]!, "rows": groups[id] ?? [],
            ]
            if id == "A-RECEIPT-LATE" { g["folded"] = true } else { g["open"] = true }
            if counts[id]! > (groups[id]?.count ?? 0) { g["more"] = counts[id]! - (groups[id]?.count ?? 0) }
            return g
        }
        out["types"] = anomalyLabels.keys.sorted().map { id -> [String: Any] in
            ["id": id, "label": anomalyLabels[id]!, "selected": filter.type == id]
        }
        out["cities"] = cities.sorted().map { ["name": $0, "selected": filter.city == $0] as [String: Any] }
        var form: [String: Any] = [:]
        if let p = filter.party { form["party"] = p }
        if let f = filter.from { form["from"] = f.description }
        if let t = filter.to { form["to"] = t.description }
        out["filter"] = form
        return out
    }
}

/// The 待办 page rendered without HTTP, for `hwledger-bench --worklist-page` (data + template, as the handler does).
public enum ConsoleBench {
    /// Renders `principal`'s 待办 page as of `asOf` (blocking).
    public static func renderWorklist(ledger: TransferLedger, principal: ReadPrincipal, asOf: CivilDate) throws -> String {
        let names = try Names(ledger: ledger)
        var page: [String: Any] = [
            "title": "待办", "tab_worklist": true, "user": ["name": names.displayName(principal), "id": principal.id], "csrf": "bench",
        ]
        page.merge(try ConsolePages.worklistContext(ledger: ledger, principal: principal, asOf: asOf, filter: .init(), names: names)) { _, new in new }
        return Templates.render("worklist", page)
    }
}
