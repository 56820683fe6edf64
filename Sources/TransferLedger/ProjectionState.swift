import Foundation
import LedgerCore
import TransferRules

/// The projection kinds, each a table of derived rows (SPEC §3.4).
enum ProjectionKind {
    static let regulator = "regulator"
    static let enterprise = "enterprise"
    static let key = "key"
    static let nonce = "nonce"
}

/// Reads and writes typed projection rows. Values are JSON with sorted keys; they are derived data, never signed
/// or hashed, and `rebuild --check` compares them byte for byte after a replay.
struct ProjectionState: RegistryState {
    let reader: any LedgerReader
    let origin: String

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func load<T: Decodable>(_ type: T.Type, kind: String, key: String) throws -> T? {
        guard let bytes = try reader.projection(kind: kind, key: key) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw LedgerError.integrity(index: nil, "projection \(kind)/\(key) does not decode: \(error)")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }

    func regulator(_ id: String) throws -> Regulator? { try load(Regulator.self, kind: ProjectionKind.regulator, key: id) }
    func enterprise(_ uscc: String) throws -> Enterprise? { try load(Enterprise.self, kind: ProjectionKind.enterprise, key: uscc) }
    func key(principal: String, keyId: String) throws -> KeyRecord? {
        try load(KeyRecord.self, kind: ProjectionKind.key, key: "\(principal)/\(keyId)")
    }
    func nonceUsed(actor: String, nonce: String) throws -> Bool {
        try reader.projection(kind: ProjectionKind.nonce, key: "\(actor)/\(nonce)") != nil
    }
}

extension LedgerWriter {
    func put<T: Encodable>(_ value: T, kind: String, key: String) throws {
        try putProjection(kind: kind, key: key, value: ProjectionState.encode(value))
    }
}
