import Foundation
import LedgerCore
import TransferRules

/// What a printout needs beside a record's ids and codes: the names of the principals it names (with the place of
/// an enterprise), the names of the divisions and the meanings of the method codes. A read document carries it under
/// `labels`, so that the one renderer of the CLI prints the same from a local ledger as from hwledgerd and never
/// queries the ledger itself.
public struct DocumentLabels: Sendable, Equatable, Codable {
    public struct Party: Sendable, Equatable, Codable {
        public var name: String
        /// The division an enterprise is registered in, province first (e.g. 四川省成都市武侯区); nil for a regulator.
        public var place: String?
    }

    public var parties: [String: Party]
    public var places: [String: String]
    public var methods: [String: String]

    public init(parties: [String: Party] = [:], places: [String: String] = [:], methods: [String: String] = [:]) {
        self.parties = parties
        self.places = places
        self.methods = methods
    }

    /// `name（id）`, or the id alone when the principal is unknown (e.g. the operator).
    public func party(_ id: String) -> String { parties[id].map { "\($0.name)（\(id)）" } ?? id }

    /// `name（统一社会信用代码 id，place）`: the long form a manifest's parties take.
    public func partyInFull(_ id: String) -> String {
        guard let p = parties[id] else { return id }
        return "\(p.name)（统一社会信用代码 \(id)\(p.place.map { "，\($0)" } ?? "")）"
    }

    /// A division's name, or its code when unknown.
    public func place(_ code: String) -> String { places[code] ?? code }

    /// `D10 焚烧`, or the code alone when unknown.
    public func method(_ code: String) -> String { methods[code].map { "\(code) \($0)" } ?? code }
}

/// Cursors of the manifest list are `base64("manifests/v1:" + last manifest number)`: opaque to clients, checked on
/// the way back; the same from the daemon and the local CLI.
public enum ManifestCursor {
    static let prefix = "manifests/v1:"

    public static func encode(_ manifestNo: String) -> String { Data((prefix + manifestNo).utf8).base64EncodedString() }

    /// The manifest number a cursor stands for; nil when it is not one this ledger issued.
    public static func decode(_ cursor: String) -> String? {
        guard let raw = Data(base64Encoded: cursor), let text = String(data: raw, encoding: .utf8), text.hasPrefix(prefix),
            case let no = String(text.dropFirst(prefix.count)), no.utf8.count == 14, no.utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        return no
    }
}

/// The documents of the signed reads (SPEC §4.2 and issue 9): one computation per read, answered by hwledgerd and
/// printed by the CLI with `--json` (and rendered from it without).
extension TransferLedger {
    /// The labels of the principals `ids`, the divisions `places` and the methods `methods`.
    public func labels(parties ids: some Sequence<String>, places: some Sequence<String> = [String](), methods: some Sequence<String> = [String]())
        throws -> DocumentLabels
    {
        var labels = DocumentLabels()
        // One read transaction for every party (a page of 100 manifests names ~300).
        try withState { state in
            for id in Set(ids) {
                if let e = try state.enterprise(id) {
                    labels.parties[id] = .init(name: e.name, place: fullPlace(e.division))
                } else if let r = try state.regulator(id) {
                    labels.parties[id] = .init(name: r.name, place: nil)
                }
            }
        }
        for code in Set(places) { if let d = reference.divisions[code] { labels.places[code] = d.name } }
        for code in Set(methods) { if let m = reference.methods[code] { labels.methods[code] = m.meaning } }
        return labels
    }

    /// A division with its parents, province first: `四川省成都市武侯区`, `重庆市沙坪坝区`; nil when unknown.
    func fullPlace(_ code: String) -> String? {
        var names: [String] = []
        var next: String? = code
        while let c = next, !c.isEmpty, names.count < 4, let d = reference.divisions[c] {
            names.insert(d.name, at: 0)
            next = d.parent
        }
        return names.isEmpty ? nil : names.joined()
    }

    /// A manifest record with `labels` (`GET /v1/manifests/{no}`, `manifest show`).
    public func manifestDocument(_ m: ManifestRecord) throws -> JSONValue {
        try Self.adding(try labels(of: [m]), to: try m.jsonValue())
    }

    /// `{"manifests":[…],"labels","nextCursor"}` (`GET /v1/manifests`, `manifest list`); the cursor is opaque.
    public func manifestPageDocument(_ page: ManifestPage) throws -> JSONValue { try CanonicalJSON.decode(try manifestPageBytes(page)) }

    /// The canonical bytes of ``manifestPageDocument(_:)``, written record by record without the document's tree
    /// (hwledgerd serves these).
    public func manifestPageBytes(_ page: ManifestPage) throws -> [UInt8] {
        let manifests = try page.manifests.map { try CanonicalJSON.encode(encoding: $0) }
        let labels = try CanonicalJSON.encode(encoding: try labels(of: page.manifests))
        var members: [(key: String, value: (inout [UInt8]) -> Void)] = [
            ("manifests", { CanonicalJSON.writeElements(manifests, into: &$0) { $1.append(contentsOf: $0) } }),
            ("labels", { $0.append(contentsOf: labels) }),
        ]
        if let next = page.nextCursor { members.append(("nextCursor", { CanonicalJSON.write(.string(ManifestCursor.encode(next)), into: &$0) })) }
        var out: [UInt8] = []
        out.reserveCapacity(64 + labels.count + manifests.reduce(0) { $0 + $1.count + 1 })
        CanonicalJSON.writeObject(members, into: &out)
        return out
    }

    func labels(of manifests: [ManifestRecord]) throws -> DocumentLabels {
        var ids: [String] = [], methods: [String] = []
        for m in manifests {
            ids += m.namedParties + m.events.map(\.actor) + m.handovers.flatMap { [$0.fromCarrier, $0.toCarrier] }
            ids += m.corrections.flatMap { [$0.proposer] + $0.approvals } + (m.pickup.map { [$0.carrier] } ?? [])
            methods += [m.method] + (m.receipt.map { [$0.method] } ?? []) + m.versions.map(\.method) + m.corrections.compactMap(\.method)
        }
        return try labels(parties: ids, methods: methods)
    }

    /// An application record with `labels` (`GET /v1/approvals/{id}`, `approval show`).
    public func applicationDocument(_ a: ApplicationRecord) throws -> JSONValue {
        try Self.adding(try labels(of: [a]), to: try a.jsonValue())
    }

    /// `{"applications":[…],"labels"}` (`GET /v1/approvals`, `approval list`).
    public func applicationListDocument(_ list: [ApplicationRecord]) throws -> JSONValue {
        .object(["applications": .array(try list.map { try $0.jsonValue() }), "labels": try labels(of: list).jsonValue()])
    }

    func labels(of applications: [ApplicationRecord]) throws -> DocumentLabels {
        try labels(
            parties: applications.flatMap { [$0.generator, $0.receiver] },
            places: applications.flatMap { [$0.originProvince, $0.destinationProvince] }, methods: applications.map(\.method))
    }

    /// `{"year","entries":[{"listingProvince","receiver","wasteCode","capGrams","approvedGrams","shippedGrams",
    /// "receivedGrams","suspended"}],"labels"}` (`GET /v1/whitelists/report?year=`, `whitelist report`).
    public func whitelistReportDocument(year: Int) throws -> JSONValue {
        let rows = try whitelistReport(year: year)
        return .object([
            "year": .int(Int64(year)),
            "entries": .array(rows.map {
                .object([
                    "listingProvince": .string($0.listingProvince), "receiver": .string($0.receiver), "wasteCode": .string($0.wasteCode),
                    "capGrams": .int($0.capGrams), "approvedGrams": .int($0.approvedGrams), "shippedGrams": .int($0.shippedGrams),
                    "receivedGrams": .int($0.receivedGrams), "suspended": .bool($0.suspended),
                ])
            }),
            "labels": try labels(parties: rows.map(\.receiver), places: rows.map(\.listingProvince)).jsonValue(),
        ])
    }

    /// `{"asOf","anomalies":[{"id","subject","due","detail"}]}` (SPEC §4.1, normative: nothing added).
    public static func anomaliesDocument(asOf: CivilDate, _ list: [Anomaly]) -> JSONValue {
        .object([
            "asOf": .string(asOf.description),
            "anomalies": .array(list.map {
                .object(["id": .string($0.id), "subject": .string($0.subject), "due": $0.due.map { .string($0.description) } ?? .null, "detail": .string($0.detail)])
            }),
        ])
    }

    static func adding(_ labels: DocumentLabels, to record: JSONValue) throws -> JSONValue {
        guard case .object(var o) = record else { return record }
        o["labels"] = try labels.jsonValue()
        return .object(o)
    }
}

extension JSONValue {
    /// Decodes this document into `T` (records and ``DocumentLabels`` are Codable; unknown keys are ignored).
    public func decoded<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(canonicalBytes))
    }
}
