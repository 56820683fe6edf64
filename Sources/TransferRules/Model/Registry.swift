/// What an enterprise may do in transfers.
public enum Role: String, Sendable, Codable, CaseIterable {
    case generator, carrier, receiver, utiliser
}

/// A regulator named in the genesis entry.
public struct Regulator: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var province: String

    public init(id: String, name: String, province: String) {
        self.id = id
        self.name = name
        self.province = province
    }
}

/// An enterprise as registered (projection `enterprise`).
public struct Enterprise: Sendable, Equatable, Codable {
    public var uscc: String
    public var name: String
    public var division: String
    public var roles: [Role]
    /// Index of the `enterprise.registered` entry.
    public var registeredAt: UInt64

    public init(uscc: String, name: String, division: String, roles: [Role], registeredAt: UInt64) {
        self.uscc = uscc
        self.name = name
        self.division = division
        self.roles = roles
        self.registeredAt = registeredAt
    }

    public var province: String { Division.province(of: division) }
}

/// A principal's signing key (projection `key`).
public struct KeyRecord: Sendable, Equatable, Codable {
    public var principal: String
    /// 8 lower-case hex digits.
    public var keyId: String
    /// The verifier key string.
    public var key: String
    /// Index of the entry that added it (genesis for regulators' and the operator's first keys).
    public var addedAt: UInt64
    /// Index of the `key.revoked` entry, if revoked. A revoked key signs nothing after that index.
    public var revokedAt: UInt64?

    public init(principal: String, keyId: String, key: String, addedAt: UInt64, revokedAt: UInt64? = nil) {
        self.principal = principal
        self.keyId = keyId
        self.key = key
        self.addedAt = addedAt
        self.revokedAt = revokedAt
    }
}
