import LedgerCore
import TransferRules

/// The documents of the register reads (`hwledger enterprise list|show`, `permit list`; `GET /v1/enterprises`,
/// `GET /v1/enterprises/{uscc}`, `GET /v1/permits`): records with `labels` (names and the full place of each
/// enterprise), one computation for the CLI, `--server` and the daemon.
extension TransferLedger {
    /// `{"enterprises":[…],"labels"}`, in USCC order.
    public func enterpriseListDocument() throws -> JSONValue {
        let list = try enterprises()
        return .object([
            "enterprises": .array(try list.map { try $0.jsonValue() }),
            "labels": try labels(parties: list.map(\.uscc), places: list.map(\.division)).jsonValue(),
        ])
    }

    /// `{"enterprise":{…},"permits":[…],"labels"}`; nil when `uscc` is not registered.
    public func enterpriseDocument(_ uscc: String) throws -> JSONValue? {
        guard let e = try enterprise(uscc) else { return nil }
        let permits = try permits(of: uscc)
        return .object([
            "enterprise": try e.jsonValue(), "permits": .array(try permits.map { try $0.jsonValue() }),
            "labels": try labels(parties: [uscc], places: [e.division], methods: permits.flatMap(\.methods)).jsonValue(),
        ])
    }

    /// `{"permits":[…],"labels"}`: every permit in permit-number order, or those of `holder`.
    public func permitListDocument(holder: String? = nil) throws -> JSONValue {
        let list = try permits(of: holder)
        return .object([
            "permits": .array(try list.map { try $0.jsonValue() }),
            "labels": try labels(parties: list.map(\.holder), methods: list.flatMap(\.methods)).jsonValue(),
        ])
    }
}
