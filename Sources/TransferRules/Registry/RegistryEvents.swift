/// `enterprise.registered`: a regulator registers an enterprise of its own province.
public struct EnterpriseRegistered: Sendable, Equatable {
    public var uscc: String
    public var name: String
    public var division: String
    public var roles: [Role]

    public init(uscc: String, name: String, division: String, roles: [Role]) {
        self.uscc = uscc
        self.name = name
        self.division = division
        self.roles = roles
    }
}

/// `key.added`: a regulator adds a signing key for a principal of its province. The key string has been parsed
/// above this module; `keyName` and `keyId` come from it.
public struct KeyAdded: Sendable, Equatable {
    public var principal: String
    public var key: String
    public var keyName: String
    public var keyId: String

    public init(principal: String, key: String, keyName: String, keyId: String) {
        self.principal = principal
        self.key = key
        self.keyName = keyName
        self.keyId = keyId
    }
}

/// `key.revoked`: a regulator revokes a principal's key.
public struct KeyRevoked: Sendable, Equatable {
    public var principal: String
    public var keyId: String

    public init(principal: String, keyId: String) {
        self.principal = principal
        self.keyId = keyId
    }
}
