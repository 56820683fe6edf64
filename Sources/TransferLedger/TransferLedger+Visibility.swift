import TransferRules

extension TransferLedger {
    /// The province of every registered enterprise, for visibility checks over many records at once.
    public func enterpriseProvinces() throws -> [String: String] {
        var out: [String: String] = [:]
        try all(Enterprise.self, kind: ProjectionKind.enterprise) { e in
            out[e.uscc] = e.province
            return true
        }
        return out
    }
}
