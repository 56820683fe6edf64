import Foundation
import LedgerCore
import LedgerSQLite
import TransferLedger

/// The full verification `hwledger verify` runs without `--state`: chain, signatures, tree, every stored checkpoint,
/// the trusted checkpoint if given, the projections rebuilt and compared, and the stored witness cosignatures of
/// `witnesses`. `backup` and `restore` run the same on the copy before they report success.
struct FullVerification {
    var report: VerificationReport
    /// Witness cosignatures checked (0 when no witness is required).
    var cosignatures: Int
    /// Whether any witness key was given or named by the genesis.
    var witnessed: Bool

    /// Verifies `facade`'s whole log, reporting entries to `progress` (finished when this returns).
    ///
    /// - Parameter witnesses: whose cosignatures to check (by default the genesis's policy); asked only after the
    ///   log verified, so that a damaged genesis is reported as an integrity failure, not as a policy that does not parse.
    /// - Throws: ``LedgerError/integrity(index:_:)`` or a ``CLIFailure/integrity(_:)`` naming what failed.
    static func run(
        _ facade: TransferLedger, trusted: SignedCheckpoint? = nil,
        witnesses: (TransferLedger) throws -> WitnessPolicy = { try $0.witnessPolicy() }, progress: ProgressReporter
    ) throws -> FullVerification {
        let scratch = try SQLiteLedgerStore.scratch()
        defer { scratch.removeScratch() }
        let report = try facade.verify(trusted: trusted, scratch: scratch, progress: progress.update)
        progress.finish()
        let witnessKeys = try witnesses(facade).witnesses
        let audit: CosignatureAudit.Report
        do { audit = try facade.store.read { try CosignatureAudit.verify(witnesses: witnessKeys, in: $0) } } catch {
            throw CLIFailure.integrity("\(error)")
        }
        return FullVerification(report: report, cosignatures: audit.verified, witnessed: !witnessKeys.isEmpty)
    }
}
