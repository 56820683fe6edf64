import LedgerCore
import TransferRules

/// The read models kept at append time (decision 020): rows shaped for the questions the pages, the API and the CLI
/// ask, written by ``ProjectionState/store(_:to:)`` in the same transaction as the record they derive from, and
/// rebuilt identically by a replay (so `verify` and `rebuild --check` compare them like every projection row).
///
/// Keys are composite and sort as the questions need them (dates as `yyyymmdd`); values are short `|`-separated text,
/// written once per change. The store sees only ordered (kind, key, value) rows, as for every projection.
enum ReadModelKind {
    /// `<actor>/<until>/<kind>/<subject>/<n>` → `<from>|<due>`: a step while it is on its actor's worklist. As of D the
    /// worklist is the actor's rows after `<actor>/<D>/`, whose `from` is not after D.
    static let work = "work"
    /// `<scope>/<id>/<due>/<subject>/<n>` → `<from>|<detail>`: an anomaly reported from `from` on; scope is a province
    /// code (its regulator reads it) or `all` (the operator).
    static let anomaly = "anomaly"
    /// `<scope>/<id>/<from>` → the number of anomalies of that scope and id reported from that date.
    static let anomalyCount = "anomalyCount"
    /// `<receiver>/<year>/<delivered seconds>/<manifestNo>` → grams received (the latest version).
    static let capacityReceipt = "capacityReceipt"
    /// `<receiver>/<year>` → `<grams>|<last receipt key>|<crossing receipt key>|<A-CAPACITY manifestNo>|<from>|<detail>`:
    /// the running total of a receiver's delivery year and its A-CAPACITY (the receipt that crossed), if any.
    static let capacity = "capacity"
    /// `<uscc>/<manifestNo>` → empty: the manifests naming a party (generator, listed carrier, receiver).
    static let manifestByParty = "manifestByParty"
    /// `<scope>/<state>/<manifestNo>` → empty: the manifests in a state, under ``allScope`` and under the province of
    /// its generator and of its receiver (a regulator's list reads its province's rows, not the other province's
    /// manifests it may not see; an enterprise's province never changes, so a row never moves).
    static let manifestByState = "manifestByState"
    /// `<approvalNo>/<manifestNo>` → empty: the manifests whose basis is an approval (the approval page lists them).
    static let manifestByApproval = "manifestByApproval"

    /// `<quarter>/d/<payer>><payee>/<manifestNo>` and `<quarter>/v/<payer>><payee>/<manifestNo>` → empty: a received
    /// manifest (not a return) under the quarter of its delivery (`d`) and of each version's entry (`v`), with its
    /// direction (the provinces of its generator and receiver). A quarter's statement holds items of the
    /// manifests delivered in it and adjustments of versions entered in it or later (a version is adjusted into a
    /// quarter not closed when it was entered, never an earlier one): its `d` and `v` rows and the later `v` rows.
    static let statementManifest = "statementManifest"
    /// `<approvalNo>` → `<shipped grams>|<received grams>`: what the manifests filed under an approval (not returns)
    /// carried — shipped: picked up and not cancelled; received: their latest version — for the whitelist report.
    static let approvalUsage = "approvalUsage"
    /// `<approvalNo>` → `<year>/<listing province>/<entry>`: the whitelist entry an approval (a direct decision) is
    /// charged to, written at the decision, before any manifest can name the approval.
    static let approvalCharge = "approvalCharge"
    /// `<year>/<listing province>/<entry, 4 digits>` → `<shipped grams>|<received grams>`: the sum of the `approvalUsage`
    /// of the approvals charged to a whitelist entry, so the whitelist report reads one row per entry.
    static let whitelistUsage = "whitelistUsage"

    /// `<scope>/<stage>/<99999999 − applied yyyymmdd>/<applicationId>` → `<origin>|<destination>|<receiver>|<wasteCode>`:
    /// the applications a reader sees, newest application date first (then by id), with what the list filters on,
    /// once under the application's stage and once under ``anyStage``; scope is a province (origin's or destination's
    /// regulator), a party (generator, receiver) or `all`. A list of one stage reads that stage's rows only.
    static let applicationList = "applicationList"
    /// `<scope>/<stage>` → how many applications are under that scope and stage of `applicationList` (``anyStage``:
    /// all of the scope's), so a list that filters on nothing else counts without reading the rows.
    static let applicationCount = "applicationCount"
    /// `<origin province>/<decision year>` → how many of the province's applications were decided that year with an
    /// approval number: what a regulator's decision form counts to offer the next number.
    static let approvalNumbers = "approvalNumbers"
    /// The stage part of the `applicationList` rows that hold every application of a scope.
    static let anyStage = "any"

    /// The `whitelistUsage` key of a charge.
    static func chargeKey(_ c: ApplicationRecord.WhitelistCharge) -> String { "\(c.year)/\(c.listingProvince)/\(digits(c.entry, width: 4))" }

    /// `<scope>/<20-digit (2^64 − 1 − filing index)>/<manifestNo>` → empty: the manifests a reader sees, newest filing
    /// first; scope is `all`, a province (generator's or receiver's) or a named party.
    static let manifestFiled = "manifestFiled"
    /// `<scope>` → how many manifests are under that scope of `manifestFiled`.
    static let manifestCount = "manifestCount"

    /// The scope of every anomaly, read by the operator.
    static let allScope = "all"
    /// A date in a key: `yyyymmdd`; `none` (all zeros unless given) when there is none.
    static func date(_ d: CivilDate?, none: String = "00000000") -> String {
        guard let d else { return none }
        return digits(d.year * 10_000 + d.month * 100 + d.day, width: 8)
    }

    /// `n` in decimal, zero-padded to `width` digits (keys sort by number); on every append's hot path, so not
    /// `String(format:)`.
    static func digits<N: BinaryInteger>(_ n: N, width: Int) -> String {
        let text = String(n)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
    static let never = "99999999"
    /// The count a count row (`manifestCount`, `applicationCount`, `approvalNumbers`) holds; 0 when there is none.
    static func count(_ r: any LedgerReader, kind: String, key: String) throws -> Int {
        guard let value = try r.projection(kind: kind, key: key) else { return 0 }
        guard let n = Int(String(decoding: value, as: UTF8.self)), n >= 0 else {
            throw LedgerError.integrity(index: nil, "read model \(kind)/\(key) does not decode")
        }
        return n
    }

    /// `99999999 − yyyymmdd`: a date in a key that sorts newest first.
    static func invertedDate(_ d: CivilDate) -> String { digits(99_999_999 - (d.year * 10_000 + d.month * 100 + d.day), width: 8) }
    /// The inverse of ``invertedDate(_:)``.
    static func parseInvertedDate(_ s: Substring) -> CivilDate? {
        guard s.count == 8, let inverted = Int(s) else { return nil }
        let n = 99_999_999 - inverted
        return CivilDate(year: n / 10_000, month: n / 100 % 100, day: n % 100)
    }
    /// The inverse of ``date(_:none:)``; nil for the sentinels.
    static func parseDate(_ s: Substring) -> CivilDate? {
        guard s.count == 8, s != "00000000", s != never, let n = Int(s) else { return nil }
        return CivilDate(year: n / 10_000, month: n / 100 % 100, day: n % 100)
    }
}

/// Maintains the read models from the records an append changes; `old` is the record before, nil for a new one.
struct ReadModelWriter {
    let state: ProjectionState
    let context: RegimeContext
    let writer: any LedgerWriter

    func application(from old: ApplicationRecord?, to new: ApplicationRecord) throws {
        if old?.whitelistCharge == nil, let charge = new.whitelistCharge, let no = new.decision?.approvalNo {
            try writer.putProjection(kind: ReadModelKind.approvalCharge, key: no, value: Array(ReadModelKind.chargeKey(charge).utf8))
        }
        let scopes = [new.originProvince, new.destinationProvince, ReadModelKind.allScope]
        try replaceRows(ReadModelKind.applicationList, before: old.map(Self.applicationListRows) ?? [:], after: Self.applicationListRows(new))
        try adjustCounts(ReadModelKind.applicationCount, before: old.map(Self.applicationCountKeys) ?? [], after: Self.applicationCountKeys(new))
        try adjustCounts(ReadModelKind.approvalNumbers, before: old.map(Self.approvalNumberKeys) ?? [], after: Self.approvalNumberKeys(new))
        try replaceWork(old.map(context.workSpans(of:)) ?? [], new: context.workSpans(of: new))
        try replaceAnomalies(old.map(context.anomalySpans(of:)) ?? [], new: context.anomalySpans(of: new), scopes: scopes)
    }

    func manifest(from old: ManifestRecord?, to new: ManifestRecord) throws {
        try replaceWork(old.map(context.workSpans(of:)) ?? [], new: context.workSpans(of: new))
        let scopes = try self.scopes(of: new)
        if old == nil { try filed(new, provinceScopes: scopes) }
        try replaceAnomalies(old.map(context.anomalySpans(of:)) ?? [], new: context.anomalySpans(of: new), scopes: scopes)
        try replaceIndex(ReadModelKind.manifestByParty, old: old.map { $0.namedParties.map { "\($0)/\(new.manifestNo)" } } ?? [],
                         new: new.namedParties.map { "\($0)/\(new.manifestNo)" })
        try replaceIndex(ReadModelKind.manifestByState, old: try old.map { o in try self.scopes(of: o).map { "\($0)/\(o.state.rawValue)/\(new.manifestNo)" } } ?? [],
                         new: scopes.map { "\($0)/\(new.state.rawValue)/\(new.manifestNo)" })
        try replaceIndex(ReadModelKind.manifestByApproval, old: old.flatMap(Self.approvalKey).map { [$0] } ?? [], new: Self.approvalKey(new).map { [$0] } ?? [])
        try replaceIndex(ReadModelKind.statementManifest, old: try old.map(statementKeys) ?? [], new: try statementKeys(new))
        try addUsage(old.flatMap(Self.usage), sign: -1)
        try addUsage(Self.usage(new), sign: 1)
        let before = old.flatMap(CapacityReceipt.init)
        let after = CapacityReceipt(new)
        guard before != after else { return }
        if let before { try writer.deleteProjection(kind: ReadModelKind.capacityReceipt, key: Self.receiptKey(new.receiver, before)) }
        if let after { try writer.putProjection(kind: ReadModelKind.capacityReceipt, key: Self.receiptKey(new.receiver, after), value: Array(String(after.grams).utf8)) }
        for year in Set([before, after].compactMap { $0?.at.shanghaiDate.year }).sorted() {
            let was = before.flatMap { $0.at.shanghaiDate.year == year ? $0 : nil }
            let now = after.flatMap { $0.at.shanghaiDate.year == year ? $0 : nil }
            try adjustCapacity(receiver: new.receiver, year: year, from: was, to: now)
        }
    }

    /// A permit changes the capacities a receiver's receipts are judged against: every year of it is counted again.
    func permitIssued(holder: String) throws {
        var years: Set<Int> = []
        try forEach(ReadModelKind.capacity, prefix: holder + "/") { key, _ in
            if let y = Int(key.split(separator: "/").last ?? "") { years.insert(y) }
        }
        for year in years.sorted() { try recomputeCapacity(receiver: holder, year: year) }
    }

    // MARK: Rows

    /// A new manifest under every scope that sees it, newest first, and the scopes' counts. Who sees a manifest never
    /// changes after filing (its generator, listed carriers and receiver are fixed).
    func filed(_ m: ManifestRecord, provinceScopes: [String]) throws {
        let newest = ReadModelKind.digits(UInt64.max - (m.events.first?.index ?? 0), width: 20)
        for scope in provinceScopes + m.namedParties.sorted() {
            try writer.putProjection(kind: ReadModelKind.manifestFiled, key: "\(scope)/\(newest)/\(m.manifestNo)", value: [])
        }
        // The scopes are distinct: provinces and `all` are not USCCs, and the named parties are a set.
        try adjustCounts(ReadModelKind.manifestCount, before: [], after: Set(provinceScopes).union(m.namedParties))
    }

    /// The `statementManifest` keys of a manifest: its delivery quarter (`d`) and each version's entry quarter (`v`),
    /// with its direction (generator's province > receiver's).
    func statementKeys(_ m: ManifestRecord) throws -> [String] {
        guard m.returnOf == nil, let r = m.receipt else { return [] }
        let direction = "\(try state.enterprise(m.generator)?.province ?? "")>\(try state.enterprise(m.receiver)?.province ?? "")"
        var keys: Set<String> = ["\(Quarter(containing: r.deliveredAt.shanghaiDate))/d/\(direction)/\(m.manifestNo)"]
        for v in m.versions {
            if let at = m.events.first(where: { $0.index == v.index })?.time {
                keys.insert("\(Quarter(containing: at.shanghaiDate))/v/\(direction)/\(m.manifestNo)")
            }
        }
        return keys.sorted()
    }

    /// The `manifestByApproval` key of a manifest filed under an approval; nil for any other basis.
    static func approvalKey(_ m: ManifestRecord) -> String? {
        guard case .approval(let no) = m.basis else { return nil }
        return "\(no)/\(m.manifestNo)"
    }

    /// What a manifest adds to its approval's usage; nil when it is not under an approval (or is a return).
    static func usage(_ m: ManifestRecord) -> (approvalNo: String, shipped: Int64, received: Int64)? {
        guard m.returnOf == nil, case .approval(let no) = m.basis else { return nil }
        let shipped = m.pickup != nil && m.state != .cancelled ? m.totalGrams : 0
        let received = m.currentVersion?.lines.reduce(Int64(0)) { $0 + $1.grams } ?? 0
        return (no, shipped, received)
    }

    /// Adds (`sign` 1) or takes away (−1) what a manifest carried under an approval: to its `approvalUsage` row and,
    /// when the approval is charged to a whitelist entry, to that entry's `whitelistUsage` row.
    func addUsage(_ u: (approvalNo: String, shipped: Int64, received: Int64)?, sign: Int64) throws {
        guard let u else { return }
        func add(_ kind: String, _ key: String) throws {
            let fields = try writer.projection(kind: kind, key: key).map { String(decoding: $0, as: UTF8.self).split(separator: "|") }
            guard fields == nil || fields!.count == 2, let shipped = Int64(fields?[0] ?? "0"), let received = Int64(fields?[1] ?? "0") else {
                throw LedgerError.integrity(index: nil, "read model \(kind)/\(key) does not decode")
            }
            try writer.putProjection(kind: kind, key: key, value: Array("\(shipped + sign * u.shipped)|\(received + sign * u.received)".utf8))
        }
        try add(ReadModelKind.approvalUsage, u.approvalNo)
        if let charge = try writer.projection(kind: ReadModelKind.approvalCharge, key: u.approvalNo) {
            try add(ReadModelKind.whitelistUsage, String(decoding: charge, as: UTF8.self))
        }
    }

    /// The provinces whose regulators see a manifest (its generator's and receiver's) and `all`.
    func scopes(of m: ManifestRecord) throws -> [String] {
        var out: [String] = []
        for uscc in [m.generator, m.receiver] {
            if let p = try state.enterprise(uscc)?.province, !out.contains(p) { out.append(p) }
        }
        return out + [ReadModelKind.allScope]
    }

    func replaceWork(_ old: [StepSpan], new: [StepSpan]) throws {
        try replaceRows(ReadModelKind.work, before: Self.workRows(old), after: Self.workRows(new))
    }

    /// Writes the `after` rows of `kind` in place of the `before` ones: deletes the keys gone, puts the changed.
    func replaceRows(_ kind: String, before: [String: [UInt8]], after: [String: [UInt8]]) throws {
        for (key, _) in before where after[key] == nil { try writer.deleteProjection(kind: kind, key: key) }
        for (key, value) in after where before[key] != value { try writer.putProjection(kind: kind, key: key, value: value) }
    }

    /// The `applicationList` rows of an application: one per scope that sees it and stage part (its stage and
    /// ``ReadModelKind/anyStage``).
    static func applicationListRows(_ a: ApplicationRecord) -> [String: [UInt8]] {
        let key = "\(ReadModelKind.invertedDate(a.appliedOn))/\(a.applicationId)"
        let value = Array("\(a.originProvince)|\(a.destinationProvince)|\(a.receiver)|\(a.wasteCode)".utf8)
        var rows: [String: [UInt8]] = [:]
        for prefix in applicationCountKeys(a) { rows["\(prefix)/\(key)"] = value }
        return rows
    }

    /// The `applicationCount` keys an application counts under, which are also its `applicationList` rows' prefixes.
    static func applicationCountKeys(_ a: ApplicationRecord) -> Set<String> {
        var keys: Set<String> = []
        for scope in [a.originProvince, a.destinationProvince, a.generator, a.receiver, ReadModelKind.allScope] {
            for stage in [a.stage.rawValue, ReadModelKind.anyStage] { keys.insert("\(scope)/\(stage)") }
        }
        return keys
    }

    /// The `approvalNumbers` key an application counts under: its province and decision year, when the decision gave
    /// an approval number.
    static func approvalNumberKeys(_ a: ApplicationRecord) -> Set<String> {
        guard let d = a.decision, d.approvalNo != nil else { return [] }
        return ["\(a.originProvince)/\(d.decidedOn.year)"]
    }

    /// Takes one from the count of each key only in `before` and adds one to each only in `after`.
    func adjustCounts(_ kind: String, before: Set<String>, after: Set<String>) throws {
        for (keys, delta) in [(before.subtracting(after), -1), (after.subtracting(before), 1)] {
            for key in keys.sorted() {
                let count = try ReadModelKind.count(writer, kind: kind, key: key)
                guard count + delta >= 0 else { throw LedgerError.integrity(index: nil, "read model \(kind)/\(key) counts below zero") }
                if count + delta == 0 {
                    try writer.deleteProjection(kind: kind, key: key)
                } else {
                    try writer.putProjection(kind: kind, key: key, value: Array(String(count + delta).utf8))
                }
            }
        }
    }

    static func workRows(_ spans: [StepSpan]) -> [String: [UInt8]] {
        var rows: [String: [UInt8]] = [:]
        var seen: [String: Int] = [:]
        for s in spans {
            let base = "\(s.step.actor)/\(ReadModelKind.date(s.until, none: ReadModelKind.never))/\(s.step.kind)/\(s.step.subject)"
            let n = seen[base, default: 0]
            seen[base] = n + 1
            rows["\(base)/\(n)"] = Array("\(ReadModelKind.date(s.from))|\(ReadModelKind.date(s.step.due, none: ""))".utf8)
        }
        return rows
    }

    func replaceAnomalies(_ old: [AnomalySpan], new: [AnomalySpan], scopes: [String]) throws {
        try replaceAnomalyRows(Self.anomalyRows(old, scopes: scopes), with: Self.anomalyRows(new, scopes: scopes))
    }

    /// Writes the `after` anomaly rows in place of the `before` ones, keeping the per-day counts in step.
    func replaceAnomalyRows(_ before: [String: (value: [UInt8], countKey: String)], with after: [String: (value: [UInt8], countKey: String)]) throws {
        for (key, row) in before where after[key] == nil {
            try writer.deleteProjection(kind: ReadModelKind.anomaly, key: key)
            try count(row.countKey, by: -1)
        }
        for (key, row) in after where before[key]?.value != row.value {
            try writer.putProjection(kind: ReadModelKind.anomaly, key: key, value: row.value)
            if let previous = before[key] { try count(previous.countKey, by: -1) }
            try count(row.countKey, by: 1)
        }
    }

    static func anomalyRows(_ spans: [AnomalySpan], scopes: [String]) -> [String: (value: [UInt8], countKey: String)] {
        var rows: [String: (value: [UInt8], countKey: String)] = [:]
        // Several anomalies of one id on one subject (discrepant lines) are numbered in detail order.
        let ordered = spans.sorted { ($0.anomaly.id, $0.anomaly.detail) < ($1.anomaly.id, $1.anomaly.detail) }
        var seen: [String: Int] = [:]
        for s in ordered {
            let a = s.anomaly
            let tail = "\(a.id)/\(ReadModelKind.date(a.due))/\(a.subject)"
            let n = seen[tail, default: 0]
            seen[tail] = n + 1
            let value = Array("\(ReadModelKind.date(s.from))|\(a.detail)".utf8)
            for scope in scopes {
                rows["\(scope)/\(tail)/\(n)"] = (value, "\(scope)/\(a.id)/\(ReadModelKind.date(s.from))")
            }
        }
        return rows
    }

    func count(_ key: String, by delta: Int) throws {
        let current = try writer.projection(kind: ReadModelKind.anomalyCount, key: key).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        let next = current + delta
        guard next >= 0 else { throw LedgerError.integrity(index: nil, "read model anomalyCount/\(key) would go below zero") }
        if next == 0 {
            try writer.deleteProjection(kind: ReadModelKind.anomalyCount, key: key)
        } else {
            try writer.putProjection(kind: ReadModelKind.anomalyCount, key: key, value: Array(String(next).utf8))
        }
    }

    func replaceIndex(_ kind: String, old: [String], new: [String]) throws {
        let keep = Set(new)
        for key in old where !keep.contains(key) { try writer.deleteProjection(kind: kind, key: key) }
        let had = Set(old)
        for key in new.sorted() where !had.contains(key) { try writer.putProjection(kind: kind, key: key, value: []) }
    }

    // MARK: A-CAPACITY

    static func receiptKey(_ receiver: String, _ r: CapacityReceipt) -> String {
        "\(receiver)/\(r.at.shanghaiDate.year)/\(ReadModelKind.digits(r.at.seconds, width: 12))/\(r.manifestNo)"
    }

    struct CapacityRow {
        var grams: Int64
        var last: String
        /// The receipt key of the A-CAPACITY receipt, with the anomaly.
        var crossing: (key: String, anomaly: AnomalySpan)?

        init(grams: Int64, last: String, crossing: (key: String, anomaly: AnomalySpan)?) {
            self.grams = grams
            self.last = last
            self.crossing = crossing
        }

        init?(_ bytes: [UInt8]) {
            let f = String(decoding: bytes, as: UTF8.self).split(separator: "|", maxSplits: 5, omittingEmptySubsequences: false)
            guard f.count == 6, let grams = Int64(f[0]) else { return nil }
            self.grams = grams
            last = String(f[1])
            crossing = f[2].isEmpty ? nil : (String(f[2]), AnomalySpan(
                Anomaly(id: "A-CAPACITY", subject: String(f[3]), due: nil, detail: String(f[5])), from: ReadModelKind.parseDate(f[4])))
        }

        var bytes: [UInt8] {
            let a = crossing?.anomaly
            return Array("\(grams)|\(last)|\(crossing?.key ?? "")|\(a?.anomaly.subject ?? "")|\(ReadModelKind.date(a?.from))|\(a?.anomaly.detail ?? "")".utf8)
        }
    }

    func capacityRow(_ receiver: String, _ year: Int) throws -> CapacityRow? {
        let key = "\(receiver)/\(year)"
        guard let bytes = try writer.projection(kind: ReadModelKind.capacity, key: key) else { return nil }
        guard let row = CapacityRow(bytes) else { throw LedgerError.integrity(index: nil, "read model capacity/\(key) does not decode") }
        return row
    }

    /// Moves one receipt of a receiver's year from `was` to `now` (either nil: added or removed). The answer is the
    /// recount's (``recomputeCapacity(receiver:year:)``); it is reached without one when the change cannot move the
    /// crossing: every changed receipt sorts after the crossing one; no crossing yet and the grams went down, or the
    /// year's total stays within every permitted capacity; or a receipt is added after all others (checked there).
    func adjustCapacity(receiver: String, year: Int, from was: CapacityReceipt?, to now: CapacityReceipt?) throws {
        let touched = [was, now].compactMap { $0.map { Self.receiptKey(receiver, $0) } }
        let delta = (now?.grams ?? 0) - (was?.grams ?? 0)
        var row = try capacityRow(receiver, year) ?? CapacityRow(grams: 0, last: "", crossing: nil)
        let newLast = max(row.last, now.map { Self.receiptKey(receiver, $0) } ?? "")
        func keep() throws {
            row.grams += delta
            row.last = newLast
            try writer.putProjection(kind: ReadModelKind.capacity, key: "\(receiver)/\(year)", value: row.bytes)
        }
        // Removing the last receipt, or the last key moving back: the recount finds the new last key.
        let lastStays = was.map { Self.receiptKey(receiver, $0) != row.last || now.map { Self.receiptKey(receiver, $0) == row.last } == true } ?? true
        let moved = was != nil && now != nil && touched[0] != touched[1]
        guard lastStays, !moved else { return try recomputeCapacity(receiver: receiver, year: year) }
        if let crossing = row.crossing {
            if touched.allSatisfy({ crossing.key.utf8.lexicographicallyPrecedes($0.utf8) }) { return try keep() }
            return try recomputeCapacity(receiver: receiver, year: year)
        }
        if delta <= 0 { return try keep() }
        let capacities = try state.permits(of: receiver).filter { $0.kind == .operating }.compactMap(\.capacityGrams)
        if capacities.isEmpty || row.grams + delta <= capacities.min()! { return try keep() }
        if was == nil, let now, row.last.utf8.lexicographicallyPrecedes(Self.receiptKey(receiver, now).utf8) {
            // Added after every other receipt: only its own date can cross.
            let total = row.grams + delta
            if let found = context.capacityAnomaly(
                receiver: receiver, receipts: [CapacityReceipt(at: now.at, manifestNo: now.manifestNo, grams: total)], permits: try state.permits(of: receiver))
            {
                row.crossing = (Self.receiptKey(receiver, now), found)
                try setCapacityAnomaly(nil, found)
            }
            return try keep()
        }
        try recomputeCapacity(receiver: receiver, year: year)
    }

    /// Counts a receiver's year again from its receipts.
    func recomputeCapacity(receiver: String, year: Int) throws {
        var receipts: [(key: String, receipt: CapacityReceipt)] = []
        try forEach(ReadModelKind.capacityReceipt, prefix: "\(receiver)/\(year)/") { key, value in
            let parts = key.split(separator: "/")
            guard parts.count == 4, let seconds = Int64(parts[2]), let grams = Int64(String(decoding: value, as: UTF8.self)) else {
                throw LedgerError.integrity(index: nil, "read model capacityReceipt/\(key) does not decode")
            }
            receipts.append((key, CapacityReceipt(at: UTCInstant(seconds: seconds), manifestNo: String(parts[3]), grams: grams)))
        }
        let old = try capacityRow(receiver, year)
        let found = context.capacityAnomaly(receiver: receiver, receipts: receipts.map(\.receipt), permits: try state.permits(of: receiver))
        if old?.crossing?.anomaly != found { try setCapacityAnomaly(old?.crossing?.anomaly, found) }
        if receipts.isEmpty {
            try writer.deleteProjection(kind: ReadModelKind.capacity, key: "\(receiver)/\(year)")
        } else {
            let crossingKey = found.flatMap { f in receipts.first { $0.receipt.manifestNo == f.anomaly.subject }?.key }
            let row = CapacityRow(
                grams: receipts.reduce(0) { $0 + $1.receipt.grams }, last: receipts.last!.key, crossing: found.map { (crossingKey ?? "", $0) })
            try writer.putProjection(kind: ReadModelKind.capacity, key: "\(receiver)/\(year)", value: row.bytes)
        }
    }

    /// Moves A-CAPACITY rows from the manifest `old` names to the one `new` names.
    func setCapacityAnomaly(_ old: AnomalySpan?, _ new: AnomalySpan?) throws {
        func scopes(_ a: AnomalySpan?) throws -> [String] {
            guard let a, let m = try state.manifest(a.anomaly.subject) else { return [ReadModelKind.allScope] }
            return try self.scopes(of: m)
        }
        try replaceAnomalyRows(
            Self.anomalyRows(old.map { [$0] } ?? [], scopes: try scopes(old)), with: Self.anomalyRows(new.map { [$0] } ?? [], scopes: try scopes(new)))
    }

    func forEach(_ kind: String, prefix: String, _ body: (String, [UInt8]) throws -> Void) throws {
        try writer.forEachProjection(kind: kind, after: prefix) { key, value in
            guard key.hasPrefix(prefix) else { return false }
            try body(key, value)
            return true
        }
    }
}
