import Foundation
import LedgerCore
import TransferRules

/// Filters of `manifest list` and `GET /v1/manifests`.
public struct ManifestFilter: Sendable {
    public var status: ManifestState?
    /// A party (generator, listed carrier or receiver).
    public var party: String?
    /// Filing dates (Asia/Shanghai), both inclusive.
    public var from: CivilDate?
    public var to: CivilDate?
    /// A waste code one of the lines carries.
    public var wasteCode: String?
    /// Part of the name of a party (generator, listed carrier or receiver).
    public var name: String?
    /// An approval number the manifests were filed under (`basis.approval`).
    public var approval: String?
    /// Planned pickup dates, both inclusive.
    public var pickupFrom: CivilDate?
    public var pickupTo: CivilDate?
    /// Part of the manifest number, of a party's USCC (either case) or of a party's name (the console's search box).
    public var text: String?
    /// Only manifests this predicate keeps (the daemon's visibility rule; the console's 待本单位办理).
    public var visible: (@Sendable (ManifestRecord) throws -> Bool)?
    /// The enterprises `visible` looks up: each batch's generators and receivers are read into it in one transaction
    /// before the batch is tested (not one read per party).
    public var parties: EnterpriseLookup?
    /// A party every manifest the caller may see names (an enterprise reader): the list reads that party's index.
    /// Narrows nothing by itself; `visible` still decides.
    public var visibleParty: String?
    /// The province of a regulator reader: a state's list reads that province's rows of its index. Narrows nothing by
    /// itself (a manifest is under the provinces of its generator and receiver, as visibility is); `visible` decides.
    public var visibleProvince: String?

    public init(status: ManifestState? = nil, party: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil) {
        self.status = status
        self.party = party
        self.from = from
        self.to = to
    }

    /// Whether `m` passes; `names` gives the enterprises' names (needed only for `name` and `text`), `textCodes` the
    /// waste codes whose 名录 description contains `text` (a search for 废电路板 finds the manifests of 900-045-49).
    func matches(_ m: ManifestRecord, names: [String: String], textCodes: Set<String> = []) throws -> Bool {
        if let status, m.state != status { return false }
        if let party, !m.namedParties.contains(party) { return false }
        if let from, m.filedOn < from { return false }
        if let to, m.filedOn > to { return false }
        if let approval, m.basis != .approval(approval) { return false }
        if let wasteCode, !m.lines.contains(where: { $0.wasteCode == wasteCode }) { return false }
        if let pickupFrom, m.plannedPickup < pickupFrom { return false }
        if let pickupTo, m.plannedPickup > pickupTo { return false }
        if let name, !m.namedParties.contains(where: { names[$0]?.contains(name) == true }) { return false }
        if let text, !m.manifestNo.contains(text),
            !m.namedParties.contains(where: { $0.contains(text.uppercased()) || names[$0]?.contains(text) == true }),
            !m.lines.contains(where: { $0.name.contains(text) || textCodes.contains($0.wasteCode) })
        {
            return false
        }
        if let visible, try !visible(m) { return false }
        return true
    }
}

/// One page of manifests; `nextCursor` is opaque (the last manifest number) and nil on the last page.
public struct ManifestPage: Sendable {
    public var manifests: [ManifestRecord]
    public var nextCursor: String?
}

/// One row of `whitelist report --year Y` (SPEC §2.3).
public struct WhitelistReportRow: Sendable, Equatable, Codable {
    public var listingProvince: String
    public var receiver: String
    public var wasteCode: String
    public var capGrams: Int64
    public var approvedGrams: Int64
    public var shippedGrams: Int64
    public var receivedGrams: Int64
    public var suspended: Bool
}

extension TransferLedger {
    func withState<T>(_ body: (ProjectionState) throws -> T) throws -> T {
        let origin = try origin()
        return try store.read { try body(ProjectionState(reader: $0, origin: origin)) }
    }

    public func manifest(_ no: String) throws -> ManifestRecord? { try withState { try $0.manifest(no) } }
    public func application(_ id: String) throws -> ApplicationRecord? { try withState { try $0.application(id) } }
    /// The applications and manifests `subjects` name (worklist and anomaly subjects: an application id or a manifest
    /// number), read in one transaction; other subjects (a year, a quarter) are in neither.
    public func records(named subjects: Set<String>) throws -> (applications: [String: ApplicationRecord], manifests: [String: ManifestRecord]) {
        try withState { state in
            var applications: [String: ApplicationRecord] = [:], manifests: [String: ManifestRecord] = [:]
            for subject in subjects.sorted() {
                if let a = try state.application(subject) {
                    applications[subject] = a
                } else if subject.utf8.count == 14, let m = try state.manifest(subject) {
                    manifests[subject] = m
                }
            }
            return (applications, manifests)
        }
    }

    /// The enterprises of `usccs` that exist, by USCC, read in one transaction.
    public func enterprises(named usccs: Set<String>) throws -> [String: Enterprise] { try records(usccs) { try $0.enterprise($1) } }

    /// The records `get` finds under `keys`, by key, read in one transaction (in key order).
    func records<T>(_ keys: Set<String>, _ get: (ProjectionState, String) throws -> T?) throws -> [String: T] {
        try withState { state in
            var out: [String: T] = [:]
            for key in keys.sorted() { out[key] = try get(state, key) }
            return out
        }
    }

    public func enterprise(_ uscc: String) throws -> Enterprise? { try withState { try $0.enterprise(uscc) } }
    public func regulator(_ id: String) throws -> Regulator? { try withState { try $0.regulator(id) } }

    /// Streams every record of one projection kind in key order.
    func all<T: Decodable>(_ type: T.Type, kind: String, after: String? = nil, while keepGoing: (T) throws -> Bool) throws {
        try store.read { r in
            try r.forEachProjection(kind: kind, after: after) { key, bytes in
                try keepGoing(try ProjectionCodec.decode(T.self, from: bytes, kind: kind, key: key))
            }
        }
    }

    /// A page of manifests in number order, starting after `cursor`. An approval, a party (`party`, else
    /// `visibleParty`) or a state reads its index (`manifestByApproval`, `manifestByParty`, `manifestByState`, the
    /// first given in that order) and only the manifests it names; otherwise the manifests in number order until the
    /// page is full.
    public func manifests(_ filter: ManifestFilter, cursor: String? = nil, limit: Int = 100) throws -> ManifestPage {
        var page: [ManifestRecord] = []
        var more = false
        let names = filter.name == nil && filter.text == nil ? [:] : Dictionary(try enterprises().map { ($0.uscc, $0.name) }, uniquingKeysWith: { a, _ in a })
        let textCodes = filter.text.map { text in Set(reference.wasteCodes.values.filter { $0.description.contains(text) }.map(\.code)) } ?? []
        /// Takes `m` if it passes; false once the page is full and one more passed.
        func take(_ m: ManifestRecord) throws -> Bool {
            guard try filter.matches(m, names: names, textCodes: textCodes) else { return true }
            if page.count == limit {
                more = true
                return false
            }
            page.append(m)
            return true
        }
        let index: (kind: String, value: String)? =
            filter.approval.map { (ReadModelKind.manifestByApproval, $0) }
            ?? (filter.party ?? filter.visibleParty).map { (ReadModelKind.manifestByParty, $0) }
            ?? filter.status.map { (ReadModelKind.manifestByState, "\(filter.visibleProvince ?? ReadModelKind.allScope)/\($0.rawValue)") }
        // Batches read in one transaction each, filtered after it (a filter may read: a visibility check reads the
        // parties' provinces, and reads do not nest); a batch is what the page still needs, at most 256.
        var after = cursor
        while true {
            let size = limit - page.count < 256 ? limit - page.count + 1 : 256
            var batch: [ManifestRecord] = []
            if let index {
                var numbers: [String] = []
                try manifestNumbers(index: index.kind, value: index.value, after: after) { no in
                    numbers.append(no)
                    return numbers.count < size
                }
                try withState { state in
                    for no in numbers {
                        guard let m = try state.manifest(no) else {
                            throw LedgerError.integrity(index: nil, "read model \(index.kind)/\(index.value)/\(no) names no manifest")
                        }
                        batch.append(m)
                    }
                }
            } else {
                try all(ManifestRecord.self, kind: ProjectionKind.manifest, after: after) { m in
                    batch.append(m)
                    return batch.count < size
                }
            }
            try filter.parties?.preload(batch.flatMap { [$0.generator, $0.receiver] })
            for m in batch where try !take(m) { return ManifestPage(manifests: page, nextCursor: page.last?.manifestNo) }
            guard batch.count == size else { break }
            after = batch.last!.manifestNo
        }
        return ManifestPage(manifests: page, nextCursor: more ? page.last?.manifestNo : nil)
    }

    public func applications() throws -> [ApplicationRecord] {
        var list: [ApplicationRecord] = []
        try all(ApplicationRecord.self, kind: ProjectionKind.application) { list.append($0); return true }
        return list
    }

    public func whitelists(year: Int? = nil) throws -> [WhitelistRecord] {
        var list: [WhitelistRecord] = []
        try all(WhitelistRecord.self, kind: ProjectionKind.whitelist) { w in
            if year == nil || w.year == year { list.append(w) }
            return true
        }
        return list
    }

    /// Per whitelist entry of `year`: cap, approved (direct decisions charged to it), shipped (non-cancelled
    /// manifests picked up under those approvals) and received grams; returns are not counted.
    public func whitelistReport(year: Int) throws -> [WhitelistReportRow] {
        let lists = try whitelists(year: year)
        let usage = try whitelistUsage(lists)
        var rows: [WhitelistReportRow] = []
        for list in lists {
            for (i, entry) in list.entries.enumerated() {
                let (shipped, received) = usage[ReadModelKind.chargeKey(.init(year: list.year, listingProvince: list.listingProvince, entry: i))] ?? (0, 0)
                rows.append(WhitelistReportRow(
                    listingProvince: list.listingProvince, receiver: entry.receiver, wasteCode: entry.wasteCode, capGrams: entry.capGrams,
                    approvedGrams: entry.approvedGrams, shippedGrams: shipped, receivedGrams: received, suspended: entry.suspended))
            }
        }
        return rows
    }

    /// Every anomaly open or incurred by `asOf` (SPEC §4.1 `audit anomalies`), from the read model.
    public func anomalies(asOf: CivilDate) throws -> [Anomaly] { try anomalies(asOf: asOf, province: nil) }
}

extension Encodable {
    /// This record as a JSON value (records hold only strings, integers, booleans, arrays and objects), encoded
    /// straight into the tree (``JSONValueEncoder``).
    public func jsonValue() throws -> JSONValue { try JSONValueEncoder.encode(self) }
}
