import ArgumentParser
import Foundation
import LedgerCore
import LedgerStores
import Logging
import TransferLedger

/// `hwledger migrate --from sqlite://FILE --to postgres://…` (issue 20): the same ledger in another store.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a ledger into an empty database, entry by entry, and prove the copy has the same root and checkpoint.",
        discussion: """
            --from and --to each take a SQLite file (sqlite://PATH or a plain path) or a PostgreSQL database \
            (postgres://USER@HOST[:PORT]/DATABASE). The target must exist and hold no ledger: its tables are created, \
            every entry is copied with its exact bytes, the tree and the projections are rebuilt from them, every \
            stored checkpoint is copied byte for byte (after checking its root) with its witness cosignatures, and then \
            the copy is verified in full. Prints the entries, the root and the latest checkpoint of both, which must \
            be identical (exit 3 otherwise).
            """)

    @Option(help: "The ledger to copy: sqlite://PATH, a path, or postgres://….")
    var from: String

    @Option(help: "The empty database to copy into: sqlite://PATH (a new file), a path, or postgres://….")
    var to: String

    @Option(help: "Reference data directory, if the one recorded in the ledger is not on this machine.")
    var reference: String?

    @Flag(help: "Print the result as JSON on stdout.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func run() throws {
        let sourceLocation = try Self.location(from, option: "--from")
        let targetLocation = try Self.location(to, option: "--to")
        guard sourceLocation != targetLocation else { throw CLIFailure.usage("--from and --to name the same database") }
        if let path = targetLocation.filePath, FileManager.default.fileExists(atPath: path) {
            throw CLIFailure.usage("--to \(path) already exists: migrate creates a new SQLite file")
        }
        let sourceStore: any LedgerStore
        do { sourceStore = try sourceLocation.open() } catch { throw CLIFailure.io("cannot open --from \(sourceLocation.display): \(error)") }
        let data = try ReferenceLocator.load(explicit: reference, store: sourceStore)
        let source = TransferLedger(store: sourceStore, reference: data, clock: TransferLedger.systemClock, logger: Logger(label: "hwledger"))
        let targetStore: any LedgerStore
        do { targetStore = try targetLocation.open(create: true) } catch { throw CLIFailure.io("cannot open --to \(targetLocation.display): \(error)") }
        let copying = progress.reporter("migrate copy")
        let copied = try source.copyLog(to: targetStore, progress: copying.update)
        copying.finish()
        let target = TransferLedger(store: targetStore, reference: data, clock: TransferLedger.systemClock, logger: Logger(label: "hwledger"))
        let verified = try FullVerification.run(target, progress: progress.reporter("migrate verify"))
        let sourceCheckpoint = try source.latestCheckpoint()
        let targetCheckpoint = try target.latestCheckpoint()
        guard verified.report.root == copied.root, verified.report.size == copied.entries, targetCheckpoint.note == sourceCheckpoint.note else {
            throw CLIFailure.integrity(
                "the copy in \(targetLocation.display) verifies to \(verified.report.size) entries and root \(verified.report.root.base64), but the source has \(copied.entries) entries and root \(copied.root.base64)")
        }
        if json {
            Output.json(.object([
                "from": .string(sourceLocation.display), "to": .string(targetLocation.display), "treeSize": .int(Int64(copied.entries)),
                "root": .string(copied.root.base64), "checkpoints": .int(Int64(copied.checkpoints)),
                "cosignatures": .int(Int64(copied.cosignatures)), "checkpointSize": .int(Int64(targetCheckpoint.size)),
            ]))
        } else {
            Output.line(
                "migrated \(copied.entries) entries from \(sourceLocation.display) to \(targetLocation.display): root \(copied.root.base64) in both, \(copied.checkpoints) checkpoints and \(copied.cosignatures) cosignatures copied, the latest (size \(targetCheckpoint.size)) byte for byte; the copy verifies")
        }
    }

    /// A `--from`/`--to` value: `sqlite://PATH` is the path.
    static func location(_ text: String, option: String) throws -> StoreLocation {
        let plain = text.hasPrefix("sqlite://") ? String(text.dropFirst("sqlite://".count)) : text
        guard !plain.isEmpty else { throw CLIFailure.usage("\(option) names no database") }
        do { return try StoreLocation(plain) } catch { throw CLIFailure.usage("\(option): \(error)") }
    }
}
