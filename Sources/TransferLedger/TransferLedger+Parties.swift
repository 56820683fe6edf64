import Foundation
import TransferRules

extension TransferLedger {
    /// Every registered enterprise, in USCC order.
    public func enterprises() throws -> [Enterprise] {
        var out: [Enterprise] = []
        try all(Enterprise.self, kind: ProjectionKind.enterprise) { out.append($0); return true }
        return out
    }

    /// The regulators named in the genesis entry.
    public func regulators() throws -> [Regulator] {
        var out: [Regulator] = []
        try all(Regulator.self, kind: ProjectionKind.regulator) { out.append($0); return true }
        return out
    }

    /// Names of enterprises and regulators, to print beside their ids.
    public func partyNames() throws -> PartyNames { PartyNames(enterprises: try enterprises(), regulators: try regulators()) }
}
