import LedgerCore
import TransferRules

/// What the regulators' application list (`/ui/approvals`) filters on, answered from the `applicationList` rows.
public struct ApplicationListFilter: Sendable {
    public var stage: ApplicationStage?
    /// Only applications out of this province.
    public var origin: String?
    /// Only applications into this province.
    public var destination: String?
    public var wasteCode: String?
    /// Application dates, both inclusive.
    public var from: CivilDate?
    public var to: CivilDate?
    /// Only applications whose receiver (USCC) passes: a part of its USCC or name, the caller's test.
    public var receiver: (@Sendable (String) throws -> Bool)?

    public init() {}
}

/// Reads of the read models (decision 020): each a range scan bounded by what it answers, never all history.
extension TransferLedger {
    /// The deadline steps of applications and manifests on `principal`'s worklist as of `asOf`: the principal's
    /// `work` rows not ended by `asOf` (open ones and those done or moot after it) that had begun by then.
    func workSteps(for principal: String, asOf: CivilDate) throws -> [DeadlineStep] {
        let prefix = principal + "/"
        var out: [DeadlineStep] = []
        try store.read { r in
            try r.forEachProjection(kind: ReadModelKind.work, after: prefix + ReadModelKind.date(asOf) + "/\u{7F}") { key, value in
                guard key.hasPrefix(prefix) else { return false }
                let parts = key.dropFirst(prefix.count).split(separator: "/", maxSplits: 2)
                let fields = String(decoding: value, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
                guard parts.count == 3, fields.count == 2 else {
                    throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.work)/\(key) does not decode")
                }
                if let from = ReadModelKind.parseDate(fields[0]), from > asOf { return true }
                let rest = parts[2]
                guard let slash = rest.lastIndex(of: "/") else {
                    throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.work)/\(key) does not decode")
                }
                let subject = rest[..<slash]
                out.append(DeadlineStep(kind: String(parts[1]), actor: principal, subject: String(subject), due: ReadModelKind.parseDate(fields[1]), doneOn: nil))
                return true
            }
        }
        return out
    }

    /// The anomalies of `scope` (a province code, or nil for all) reported by `asOf`, in report order.
    public func anomalies(asOf: CivilDate, province: String?) throws -> [Anomaly] {
        var out: [Anomaly] = []
        for id in Self.anomalyIDs { out += try anomalyRows(asOf: asOf, province: province, id: id, limit: nil) }
        return RegimeContext.sorted(out)
    }

    /// The anomaly ids the ledger reports.
    public static let anomalyIDs = [
        "A-CAPACITY", "A-DEADLINE-DECISION", "A-DEADLINE-REPLY", "A-DEADLINE-REVIEW", "A-DISCREPANCY", "A-IN-TRANSIT-OVERDUE", "A-RECEIPT-LATE",
    ]

    /// The anomalies of one id and scope reported by `asOf`, by due date (undated first) then subject; at most
    /// `limit` of them.
    public func anomalyRows(asOf: CivilDate, province: String?, id: String, limit: Int?) throws -> [Anomaly] {
        let prefix = "\(province ?? ReadModelKind.allScope)/\(id)/"
        var out: [Anomaly] = []
        try store.read { r in
            try r.forEachProjection(kind: ReadModelKind.anomaly, after: prefix) { key, value in
                guard key.hasPrefix(prefix) else { return false }
                let rest = key.dropFirst(prefix.count)
                let fields = String(decoding: value, as: UTF8.self).split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                guard let first = rest.firstIndex(of: "/"), let last = rest.lastIndex(of: "/"), first < last, fields.count == 2 else {
                    throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.anomaly)/\(key) does not decode")
                }
                if let from = ReadModelKind.parseDate(fields[0]), from > asOf { return true }
                out.append(Anomaly(
                    id: id, subject: String(rest[rest.index(after: first)..<last]), due: ReadModelKind.parseDate(rest[..<first]), detail: String(fields[1])))
                return limit.map { out.count < $0 } ?? true
            }
        }
        return out
    }

    /// How many anomalies of one id and scope are reported by `asOf` (from the per-day counts, not the rows).
    public func anomalyCount(asOf: CivilDate, province: String?, id: String) throws -> Int {
        let prefix = "\(province ?? ReadModelKind.allScope)/\(id)/"
        let last = ReadModelKind.date(asOf)
        var total = 0
        try store.read { r in
            try r.forEachProjection(kind: ReadModelKind.anomalyCount, after: prefix) { key, value in
                guard key.hasPrefix(prefix), key.dropFirst(prefix.count) <= last else { return false }
                guard let n = Int(String(decoding: value, as: UTF8.self)) else {
                    throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.anomalyCount)/\(key) does not decode")
                }
                total += n
                return true
            }
        }
        return total
    }

    /// Manifest numbers of one index (`manifestByParty` or `manifestByState`) under `value`, after `cursor`, in
    /// number order; `body` returns false to stop.
    func manifestNumbers(index: String, value: String, after cursor: String?, _ body: (String) throws -> Bool) throws {
        let prefix = value + "/"
        try store.read { r in
            try r.forEachProjection(kind: index, after: prefix + (cursor ?? "")) { key, _ in
                guard key.hasPrefix(prefix) else { return false }
                return try body(String(key.dropFirst(prefix.count)))
            }
        }
    }

    /// The applications `scope` sees (a province, a party; nil: all) that pass `filter`, newest application date
    /// first (then by id): the first `limit` of them (all when nil) decoded, and how many pass in all. Reads the rows
    /// of the scope and the filter's stage in `applicationList` (one short row per application), from the filter's
    /// last date to its first; when the filter asks nothing else, only the first `limit` rows and the count row.
    public func applicationList(scope: String?, filter: ApplicationListFilter, limit: Int?) throws -> (applications: [ApplicationRecord], total: Int) {
        let prefix = "\(scope ?? ReadModelKind.allScope)/\(filter.stage?.rawValue ?? ReadModelKind.anyStage)/"
        let onlyStage = filter.origin == nil && filter.destination == nil && filter.wasteCode == nil && filter.from == nil && filter.to == nil
            && filter.receiver == nil
        var passing: [(id: String, receiver: String)] = []
        var counted: Int?
        try store.read { r in
            if onlyStage { counted = try ReadModelKind.count(r, kind: ReadModelKind.applicationCount, key: String(prefix.dropLast())) }
            let start = filter.to.map { prefix + ReadModelKind.invertedDate($0) } ?? prefix
            try r.forEachProjection(kind: ReadModelKind.applicationList, after: start) { key, value in
                guard key.hasPrefix(prefix) else { return false }
                let rest = key.dropFirst(prefix.count)
                let f = String(decoding: value, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
                guard let slash = rest.firstIndex(of: "/"), let appliedOn = ReadModelKind.parseInvertedDate(rest[..<slash]), f.count == 4 else {
                    throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.applicationList)/\(key) does not decode")
                }
                // Newest first from `to` (the start key), so the first row before `from` ends the range.
                if let from = filter.from, appliedOn < from { return false }
                if let origin = filter.origin, f[0] != origin { return true }
                if let destination = filter.destination, f[1] != destination { return true }
                if let code = filter.wasteCode, f[3] != code { return true }
                passing.append((String(rest[rest.index(after: slash)...]), String(f[2])))
                return counted == nil || limit.map { passing.count < $0 } ?? true
            }
        }
        // Outside the read: the receiver's test may read names.
        if let receiver = filter.receiver { passing = try passing.filter { try receiver($0.receiver) } }
        let shown = limit.map { passing.prefix($0) } ?? passing[...]
        let records = try records(Set(shown.map(\.id))) { try $0.application($1) }
        let applications = try shown.map { row -> ApplicationRecord in
            guard let a = records[row.id] else {
                throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.applicationList) names application \(row.id), which does not exist")
            }
            return a
        }
        return (applications, counted ?? passing.count)
    }

    /// How many of `province`'s applications were decided in `year` with an approval number (the
    /// `approvalNumbers` row, not the applications).
    public func approvalNumbersIssued(province: String, year: Int) throws -> Int {
        try store.read { try ReadModelKind.count($0, kind: ReadModelKind.approvalNumbers, key: "\(province)/\(year)") }
    }

    /// The applications of `scope` (a province, a USCC; nil: all) in id order, read through its `applicationList`
    /// rows: what a principal may see, without decoding the other scopes' applications.
    public func applications(inScope scope: String?) throws -> [ApplicationRecord] {
        try applicationList(scope: scope, filter: ApplicationListFilter(), limit: nil).applications.sorted { $0.applicationId.utf8.lexicographicallyPrecedes($1.applicationId.utf8) }
    }

    /// The manifests of `numbers`, by number (the ones that exist).
    public func manifests(numbered numbers: Set<String>) throws -> [String: ManifestRecord] { try records(numbers) { try $0.manifest($1) } }

    /// The manifest numbers of the `statementManifest` rows a statement of `quarter` reads, after `key`, in key order:
    /// the direction's deliveries of that quarter (`<quarter>/d/<direction>/…`) and its re-versions of that quarter and
    /// later ones (`<q>/v/<direction>/…`). Other directions' and quarters' rows are sought past, not read. `body` is
    /// given each row's number (a number can come twice) and returns false to stop; at most `limit` rows are given.
    /// Returns the last key given.
    @discardableResult
    func forEachStatementKey(
        from quarter: Quarter, direction: String, after key: String? = nil, limit: Int = .max, _ body: (String) throws -> Bool
    ) throws -> String? {
        try store.read { try Self.forEachStatementKey($0, from: quarter, direction: direction, after: key, limit: limit, body) }
    }

    /// ``forEachStatementKey(from:direction:after:limit:_:)`` through `r` (a write path reads its own transaction).
    @discardableResult
    static func forEachStatementKey(
        _ r: any LedgerReader, from quarter: Quarter, direction: String, after key: String? = nil, limit: Int = .max, _ body: (String) throws -> Bool
    ) throws -> String? {
        func prefix(_ q: Quarter, _ part: String) -> String { "\(q)/\(part)/\(direction)/" }
        func undecodable(_ key: String) -> LedgerError {
            LedgerError.integrity(index: nil, "read model \(ReadModelKind.statementManifest)/\(key) does not decode")
        }
        /// The first range, in reading order, not wholly before `key`: ranges are (quarter, d), then (q, v) for q ≥ quarter.
        func range(reaching key: String) throws -> String {
            guard let q = Quarter(String(key.prefix(6))) else { throw undecodable(key) }
            if q < quarter { return prefix(quarter, "d") }
            if q == quarter, key < prefix(quarter, "v") {
                return key < prefix(quarter, "d") || key.hasPrefix(prefix(quarter, "d")) ? prefix(quarter, "d") : prefix(quarter, "v")
            }
            let v = prefix(q, "v")
            return key < v || key.hasPrefix(v) ? v : prefix(q.next, "v")
        }
        var last: String?
        var count = 0
        func scan() throws {
            var position = key ?? prefix(quarter, "d")
            var target = try range(reaching: position)
            if position < target { position = target }
            while count < limit {
                var next: String?
                var stopped = false
                try r.forEachProjection(kind: ReadModelKind.statementManifest, after: position) { key, _ in
                    guard key.hasPrefix(target) else {
                        next = key
                        return false
                    }
                    let number = key.dropFirst(target.count)
                    guard !number.isEmpty, !number.contains("/") else { throw undecodable(key) }
                    last = key
                    count += 1
                    guard try body(String(number)), count < limit else {
                        stopped = true
                        return false
                    }
                    return true
                }
                guard !stopped, let beyond = next else { return }
                // A row outside the range read: seek to the next range that can follow it.
                target = try range(reaching: beyond)
                position = target
            }
        }
        try scan()
        return last
    }

    /// The quarter of the earliest delivery a statement counts, nil before any.
    func firstStatementQuarter() throws -> Quarter? {
        var first: Quarter?
        try store.read { r in
            try r.forEachProjection(kind: ReadModelKind.statementManifest, after: nil) { key, _ in
                first = Quarter(String(key.prefix(6)))
                return false
            }
        }
        return first
    }

    /// Grams shipped and received under the approvals charged to each whitelist entry of `lists` (their
    /// `whitelistUsage` rows, one read), by ``ReadModelKind/chargeKey(_:)``.
    func whitelistUsage(_ lists: [WhitelistRecord]) throws -> [String: (shipped: Int64, received: Int64)] {
        try store.read { r in
            var out: [String: (shipped: Int64, received: Int64)] = [:]
            for list in lists {
                for entry in list.entries.indices {
                    let key = ReadModelKind.chargeKey(.init(year: list.year, listingProvince: list.listingProvince, entry: entry))
                    guard let bytes = try r.projection(kind: ReadModelKind.whitelistUsage, key: key) else { continue }
                    let f = String(decoding: bytes, as: UTF8.self).split(separator: "|")
                    guard f.count == 2, let shipped = Int64(f[0]), let received = Int64(f[1]) else {
                        throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.whitelistUsage)/\(key) does not decode")
                    }
                    out[key] = (shipped, received)
                }
            }
            return out
        }
    }

    /// The manifests `scope` sees (a USCC, a province code, or nil for all), newest filing first: `limit` of them after
    /// skipping `offset`, and how many there are in all (from the scope's count).
    public func manifestsNewestFirst(scope: String?, offset: Int, limit: Int) throws -> (manifests: [ManifestRecord], total: Int) {
        let prefix = (scope ?? ReadModelKind.allScope) + "/"
        var numbers: [String] = []
        var skipped = 0
        let total = try store.read { r -> Int in
            try r.forEachProjection(kind: ReadModelKind.manifestFiled, after: prefix) { key, _ in
                guard key.hasPrefix(prefix), let slash = key.lastIndex(of: "/") else { return false }
                if skipped < offset {
                    skipped += 1
                    return true
                }
                numbers.append(String(key[key.index(after: slash)...]))
                return numbers.count < limit
            }
            return try ReadModelKind.count(r, kind: ReadModelKind.manifestCount, key: String(prefix.dropLast()))
        }
        let found = try manifests(numbered: Set(numbers))
        return (numbers.compactMap { found[$0] }, total)
    }
}
