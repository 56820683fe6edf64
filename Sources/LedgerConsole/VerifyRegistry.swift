import Foundation
import LedgerCore
import TransferLedger

/// What the public check page (`/ui/v`) pins and answers, read from the log itself and kept up to date
/// incrementally: names of enterprises and regulators, every party key with the index that added it (and revoked
/// it), whose witness key belongs to which regulator, and per manifest the head key and the latest entry.
///
/// It is the same for every visitor, so serving it reveals nothing about which 联单 a visitor holds. It scans each
/// entry once (the first page after a start scans the whole log); it trusts the log's projections nowhere.
final class VerifyRegistry: @unchecked Sendable {
    struct PartyKey {
        var keyID: String
        var publicKey: [UInt8]
        var addedAt: UInt64
        var revokedAt: UInt64?
    }

    struct Snapshot {
        var size: UInt64 = 0
        var names: [String: String] = [:]
        var keys: [String: [PartyKey]] = [:]
        /// Cosigner verifier key string → regulator id, from the genesis and witnesses.announced.
        var witnessRegulators: [String: String] = [:]
        /// 联单编号 → (head key, latest entry index).
        var heads: [String: (key: Hash, latest: UInt64)] = [:]
    }

    static let headPrefix = Array("hwledger/manifest-head/v1\n".utf8)

    /// The head key of a manifest: SHA-256("hwledger/manifest-head/v1\n" ‖ leaf hash of its manifest.filed entry).
    static func headKey(filedLeaf: Hash) -> Hash { Hash.sha256(headPrefix + filedLeaf.bytes) }

    private let lock = NSLock()
    private var snapshot = Snapshot()

    /// The registry as of the log's current size, scanning only the entries appended since the last call.
    func current(_ ledger: TransferLedger) throws -> Snapshot {
        lock.lock()
        defer { lock.unlock() }
        var s = snapshot
        try ledger.store.read { r in
            let size = try r.treeSize()
            guard size > s.size else { return }
            try r.forEachEntry(from: s.size, to: size) { index, bytes in
                Self.apply(try Entry(bytes: bytes), bytes: bytes, index: index, to: &s)
                return true
            }
            s.size = size
        }
        snapshot = s
        return s
    }

    private static func apply(_ entry: Entry, bytes: [UInt8], index: UInt64, to s: inout Snapshot) {
        let body = entry.submission.body
        let type = entry.submission.type
        switch type {
        case "ledger.genesis":
            for r in body["regulators"]?.arrayValue ?? [] {
                guard let id = r["id"]?.stringValue else { continue }
                s.names[id] = r["name"]?.stringValue ?? id
                if let k = r["key"]?.stringValue { addKey(k, principal: id, at: index, to: &s) }
            }
            witnesses(body, to: &s)
        case "witnesses.announced":
            witnesses(body, to: &s)
        case "enterprise.registered":
            if let uscc = body["uscc"]?.stringValue, let name = body["name"]?.stringValue { s.names[uscc] = name }
        case "key.added":
            if let p = body["principal"]?.stringValue, let k = body["key"]?.stringValue { addKey(k, principal: p, at: index, to: &s) }
        case "key.revoked":
            if let p = body["principal"]?.stringValue, let id = body["keyId"]?.stringValue, var list = s.keys[p] {
                for i in list.indices where list[i].keyID == id && list[i].revokedAt == nil { list[i].revokedAt = index }
                s.keys[p] = list
            }
        case "manifest.filed":
            if let no = entry.assigned["manifestNo"]?.stringValue {
                s.heads[no] = (headKey(filedLeaf: TreeHasher.leafHash(bytes)), index)
            }
        default:
            if type.hasPrefix("manifest."), let no = body["manifestNo"]?.stringValue, let head = s.heads[no] {
                s.heads[no] = (head.key, index)
            }
        }
    }

    private static func addKey(_ text: String, principal: String, at index: UInt64, to s: inout Snapshot) {
        guard let key = try? VerifierKey(parsing: text), key.name == principal else { return }
        s.keys[principal, default: []].append(PartyKey(keyID: key.keyIDHex, publicKey: key.publicKey, addedAt: index))
    }

    private static func witnesses(_ body: [String: JSONValue], to s: inout Snapshot) {
        for w in body["witnesses"]?.arrayValue ?? [] {
            if let k = w["key"]?.stringValue, let r = w["regulator"]?.stringValue { s.witnessRegulators[k] = r }
        }
    }
}
