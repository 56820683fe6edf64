import LedgerCore
import TransferRules

/// The projection kinds, each a table of derived rows (SPEC §3.4).
enum ProjectionKind {
    static let regulator = "regulator"
    static let enterprise = "enterprise"
    static let key = "key"
    static let nonce = "nonce"
    static let permit = "permit"
    /// Index: `<holder>/<permitNo>` → empty; lists a holder's permits in key order.
    static let holderPermit = "holderPermit"
    static let application = "application"
    /// Index: approval number → application id.
    static let approvalNo = "approvalNo"
    static let whitelist = "whitelist"
    static let manifest = "manifest"
    /// Last manifest serial per `<year><province 2><city 2>`.
    static let manifestSerial = "manifestSerial"
    /// Index: `<generator>/<customId>` → manifest number.
    static let manifestCustomId = "manifestCustomId"
    static let p2p = "p2p"
    static let rateTable = "rateTable"
    static let statementClosed = "statementClosed"
    /// `current` → the witness policy last announced by `witnesses.announced`.
    static let witnessPolicy = "witnessPolicy"
}

/// Reads and writes typed projection rows. Values are in the binary form of ``ProjectionCodec``; they are derived
/// data, never signed or hashed, and `rebuild --check` compares them byte for byte after a replay.
///
/// Inside one write transaction a ``ProjectionCache`` keeps the records already decoded, so a batch that reads the
/// same regulator or key two thousand times decodes it once; every write goes through ``put(_:kind:key:to:)`` and
/// updates the cache, so it is never stale within the transaction. A cache never outlives its transaction.
struct ProjectionState: TransferState, CompensationState {
    let reader: any LedgerReader
    let origin: String
    var cache: ProjectionCache?

    init(reader: any LedgerReader, origin: String, cache: ProjectionCache? = nil) {
        self.reader = reader
        self.origin = origin
        self.cache = cache
    }

    func load<T: Decodable>(_ type: T.Type, kind: String, key: String) throws -> T? {
        let slot = kind + "\u{0}" + key
        if let cached = cache?.values[slot] { return cached as? T }
        guard let bytes = try reader.projection(kind: kind, key: key) else { return nil }
        let value = try ProjectionCodec.decode(T.self, from: bytes, kind: kind, key: key)
        cache?.values[slot] = value
        return value
    }

    /// Writes a record row through `writer` and keeps the cache in step.
    func put<T: Encodable>(_ value: T, kind: String, key: String, to writer: any LedgerWriter) throws {
        try writer.putProjection(kind: kind, key: key, value: Self.encode(value))
        cache?.values[kind + "\u{0}" + key] = value
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try ProjectionCodec.encode(value)
    }

    func witnessPolicy() throws -> WitnessPolicyRecord? {
        try load(WitnessPolicyRecord.self, kind: ProjectionKind.witnessPolicy, key: "current")
    }
    func regulator(_ id: String) throws -> Regulator? { try load(Regulator.self, kind: ProjectionKind.regulator, key: id) }
    func enterprise(_ uscc: String) throws -> Enterprise? { try load(Enterprise.self, kind: ProjectionKind.enterprise, key: uscc) }
    func key(principal: String, keyId: String) throws -> KeyRecord? {
        try load(KeyRecord.self, kind: ProjectionKind.key, key: "\(principal)/\(keyId)")
    }
    func permit(_ permitNo: String) throws -> PermitRecord? { try load(PermitRecord.self, kind: ProjectionKind.permit, key: permitNo) }

    /// A holder's permits in permit-number order. Inside a write transaction the list is read once: a manifest is
    /// judged against its receiver's and carriers' permits, and its receipt counted against the receiver's capacity
    /// (a permit written in the transaction clears the holder's list: ``store(_:to:context:)``).
    func permits(of holder: String) throws -> [PermitRecord] {
        let slot = Self.permitsSlot(holder)
        if let cached = cache?.values[slot] as? [PermitRecord] { return cached }
        let list = try readPermits(of: holder)
        cache?.values[slot] = list
        return list
    }

    static func permitsSlot(_ holder: String) -> String { "permitsOf\u{0}" + holder }

    private func readPermits(of holder: String) throws -> [PermitRecord] {
        var numbers: [String] = []
        let prefix = holder + "/"
        try reader.forEachProjection(kind: ProjectionKind.holderPermit, after: prefix) { key, _ in
            guard key.hasPrefix(prefix) else { return false }
            numbers.append(String(key.dropFirst(prefix.count)))
            return true
        }
        return try numbers.compactMap { try permit($0) }
    }

    func application(_ id: String) throws -> ApplicationRecord? {
        try load(ApplicationRecord.self, kind: ProjectionKind.application, key: id)
    }

    func applicationID(forApprovalNo no: String) throws -> String? {
        try reader.projection(kind: ProjectionKind.approvalNo, key: no).map { String(decoding: $0, as: UTF8.self) }
    }

    func whitelist(year: Int, listingProvince: String) throws -> WhitelistRecord? {
        try load(WhitelistRecord.self, kind: ProjectionKind.whitelist, key: WhitelistRecord.key(year: year, listingProvince: listingProvince))
    }

    func manifest(_ no: String) throws -> ManifestRecord? { try load(ManifestRecord.self, kind: ProjectionKind.manifest, key: no) }

    func manifestNo(customId: String, generator: String) throws -> String? {
        try reader.projection(kind: ProjectionKind.manifestCustomId, key: "\(generator)/\(customId)").map { String(decoding: $0, as: UTF8.self) }
    }

    func p2p(_ registrationNo: String) throws -> P2PRecord? { try load(P2PRecord.self, kind: ProjectionKind.p2p, key: registrationNo) }

    func rateTable(_ id: String) throws -> RateTableRecord? { try load(RateTableRecord.self, kind: ProjectionKind.rateTable, key: id) }

    func closedStatement(quarter: Quarter, payer: String, payee: String) throws -> ClosedStatementRecord? {
        try load(ClosedStatementRecord.self, kind: ProjectionKind.statementClosed, key: ClosedStatementRecord.key(quarter: quarter, payer: payer, payee: payee))
    }

    func lastSerial(_ prefix: String) throws -> Int {
        try reader.projection(kind: ProjectionKind.manifestSerial, key: prefix).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
    }

    /// Every key of a principal, revoked or not, in key-id order.
    func keys(of principal: String) throws -> [KeyRecord] {
        var ids: [String] = []
        let prefix = principal + "/"
        try reader.forEachProjection(kind: ProjectionKind.key, after: prefix) { key, _ in
            guard key.hasPrefix(prefix) else { return false }
            ids.append(String(key.dropFirst(prefix.count)))
            return true
        }
        return try ids.compactMap { try key(principal: principal, keyId: $0) }
    }

    func nonceUsed(actor: String, nonce: String) throws -> Bool {
        try reader.projection(kind: ProjectionKind.nonce, key: "\(actor)/\(nonce)") != nil
    }
}

extension ProjectionState {
    /// Stores what an accepted transfer event wrote, with its index rows and the read models it changes (decision 020).
    func store(_ write: StateWrite, to writer: any LedgerWriter, context: RegimeContext) throws {
        let models = ReadModelWriter(state: self, context: context, writer: writer)
        switch write {
        case .permit(let p):
            try put(p, kind: ProjectionKind.permit, key: p.permitNo, to: writer)
            try writer.putProjection(kind: ProjectionKind.holderPermit, key: "\(p.holder)/\(p.permitNo)", value: [])
            cache?.values[Self.permitsSlot(p.holder)] = nil
            try models.permitIssued(holder: p.holder)
        case .application(let a):
            let old = try application(a.applicationId)
            try put(a, kind: ProjectionKind.application, key: a.applicationId, to: writer)
            if let no = a.decision?.approvalNo {
                try writer.putProjection(kind: ProjectionKind.approvalNo, key: no, value: Array(a.applicationId.utf8))
            }
            try models.application(from: old, to: a)
        case .whitelist(let w): try put(w, kind: ProjectionKind.whitelist, key: w.key, to: writer)
        case .manifest(let m):
            let old = try manifest(m.manifestNo)
            try put(m, kind: ProjectionKind.manifest, key: m.manifestNo, to: writer)
            try models.manifest(from: old, to: m)
        case .p2p(let r): try put(r, kind: ProjectionKind.p2p, key: r.registrationNo, to: writer)
        }
    }
}

/// Decoded projection records of one transaction (see ``ProjectionState``).
final class ProjectionCache {
    var values: [String: Any] = [:]
}
