import ArgumentParser
import Foundation
import LedgerCore
import LedgerSQLite
import Logging
import TransferLedger

extension HWLedgerCommand {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a live ledger into a new file, consistently, and verify the copy before reporting success.",
            discussion: """
                The copy is one committed state of the ledger, taken with SQLite's online backup API while writers \
                (hwledgerd, submit) go on appending (docs/decisions/015). It is written to a temporary file beside \
                --out, verified as `hwledger verify` verifies a ledger (chain, signatures, tree, checkpoints, \
                projections) and only then renamed to --out, which must not exist: a failed backup leaves nothing. \
                Prints the copy's size in bytes, tree size and root; --json: {"file","bytes","treeSize","root",\
                "checkpointSize"}. Exit 64 when --out exists, 3 when the copy does not verify.
                """)

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "The backup file to create; it must not exist.")
        var out: String

        @Flag(help: "Print the result as JSON on stdout.")
        var json = false

        @OptionGroup var progress: ProgressOptions

        func run() throws {
            try BackupFiles.refuseExisting(out, what: "--out", advice: "backup never overwrites a file: choose another --out or move the old one away")
            let source = try ledger.openSQLiteStore(for: "backup", instead: "pg_dump -Fc (README: PostgreSQL)")
            let temporary = BackupFiles.temporary(beside: out, tag: "backup")
            defer { BackupFiles.remove(temporary) }
            let copying = progress.reporter("backup copy", unit: "pages")
            do {
                try source.backup(to: temporary) { copied, total in copying.update(UInt64(copied), of: UInt64(total)) }
            } catch {
                throw CLIFailure(error)
            }
            copying.finish()
            let copy = try BackupFiles.verifyCopy(
                at: temporary, naming: "the copy of \(ledger.db)", reference: nil, progress: progress.reporter("backup verify"))
            try BackupFiles.publish(temporary, as: out, what: "--out")
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            if json {
                Output.json(.object([
                    "file": .string(out), "bytes": .int(Int64(bytes)), "treeSize": .int(Int64(copy.size)),
                    "root": .string(copy.root.base64), "checkpointSize": .int(Int64(copy.checkpointSize)),
                ]))
            } else {
                Output.line(
                    "backup \(out): \(bytes) bytes, \(copy.size) entries, root \(copy.root.base64), latest checkpoint of size \(copy.checkpointSize); verified")
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a ledger from a backup, or append entries exported from the live log to a restored copy.",
            discussion: """
                restore --from FILE --db DB verifies the backup first (a damaged or truncated file is refused with exit \
                3 and nothing is written), refuses an existing DB unless --force (which keeps the old file as \
                DB.before-restore-<UTC time>), and prints the restored tree size and root; --json: {"db","from",\
                "treeSize","root","checkpointSize"} (and "previous" with --force).

                restore --db DB --append-entries FILE appends the entries `hwledger entries --db LIVE --from N` \
                printed, byte for byte: each must be the next entry of DB, linked to the one before, canonical, \
                correctly signed and accepted by the rules at its own ledger time, with what the rules assign equal to \
                what it records; entries DB already holds are skipped when identical and refused when not. All or \
                nothing, then a checkpoint is signed. Prints the new tree size and root, which equal the live log's at \
                that size; --expect-root ROOT refuses (exit 3, nothing appended) any other. --json: {"db","appended",\
                "alreadyPresent","treeSize","root","checkpointSize"}. See docs/decisions/015.
                """)

        @Option(help: "The ledger database to create (or, with --append-entries, to append to).")
        var db: String

        @Option(help: "The backup file to restore from.")
        var from: String?

        @Flag(help: "Replace an existing --db, keeping it as DB.before-restore-<UTC time>.")
        var force = false

        @Option(name: .customLong("append-entries"), help: "A file of JSON lines {\"index\",\"data\"} from `hwledger entries` to append to --db.")
        var appendEntries: String?

        @Option(name: .customLong("expect-root"), help: "The base64 root the ledger must have afterwards (the live log's at that size).")
        var expectRoot: String?

        @Option(
            name: .customLong("operator-key"),
            help: "With --append-entries: an operator key that signs the closing checkpoint (default: the one recorded at init).")
        var operatorKey: [String] = []

        @Option(help: "Reference data directory, if the one recorded in the ledger is not on this machine.")
        var reference: String?

        @Flag(help: "Print the result as JSON on stdout.")
        var json = false

        @OptionGroup var progress: ProgressOptions

        func validate() throws {
            guard (from == nil) != (appendEntries == nil) else {
                throw ValidationError("give either --from FILE (restore a backup) or --append-entries FILE (append to a restored ledger)")
            }
            if force, from == nil { throw ValidationError("--force goes with --from: --append-entries never replaces a ledger") }
            if !operatorKey.isEmpty, appendEntries == nil { throw ValidationError("--operator-key goes with --append-entries") }
            if let expectRoot, Hash(base64: expectRoot) == nil { throw ValidationError("--expect-root \(expectRoot) is not base64 of 32 bytes") }
        }

        func run() throws {
            if let from { try restore(from: from) } else if let appendEntries { try append(appendEntries) }
        }

        /// `--from FILE`: verify a copy of the backup beside DB, then move it into place.
        func restore(from backup: String) throws {
            let fm = FileManager.default
            guard fm.isReadableFile(atPath: backup) else { throw CLIFailure.io("cannot read backup \(backup)") }
            if !force {
                try BackupFiles.refuseExisting(
                    db, what: "--db", advice: "restore does not replace a ledger unless --force (which keeps it as \(db).before-restore-<time>)")
            }
            let temporary = BackupFiles.temporary(beside: db, tag: "restore")
            defer { BackupFiles.remove(temporary) }
            do { try fm.copyItem(atPath: backup, toPath: temporary) } catch {
                throw CLIFailure.io("cannot copy backup \(backup) beside \(db): \(error)")
            }
            let copy = try BackupFiles.verifyCopy(
                at: temporary, naming: "backup \(backup)", reference: reference, progress: progress.reporter("restore verify"))
            if let expectRoot, copy.root.base64 != expectRoot {
                throw CLIFailure.integrity("backup \(backup) has root \(copy.root.base64), not the expected \(expectRoot); nothing was written")
            }
            var previous: String?
            if force, fm.fileExists(atPath: db) {
                previous = try BackupFiles.keepAside(db)
            }
            try BackupFiles.publish(temporary, as: db, what: "--db")
            if json {
                var o: [String: JSONValue] = [
                    "db": .string(db), "from": .string(backup), "treeSize": .int(Int64(copy.size)), "root": .string(copy.root.base64),
                    "checkpointSize": .int(Int64(copy.checkpointSize)),
                ]
                if let previous { o["previous"] = .string(previous) }
                Output.json(.object(o))
            } else {
                var text = "restored \(db) from \(backup): \(copy.size) entries, root \(copy.root.base64), latest checkpoint of size \(copy.checkpointSize)"
                if let previous { text += "; the previous ledger is kept as \(previous)" }
                Output.line(text)
            }
        }

        /// `--append-entries FILE`: the exact entries appended to the live log since the backup.
        func append(_ file: String) throws {
            let entries = try Self.parseEntries(try InputFiles.bytes(file, what: "entries file"), source: file)
            let facade = try BackupFiles.openLedger(db, reference: reference)
            let keys = try InputFiles.operatorKeys(operatorKey, facade: facade)
            let reporter = progress.reporter("restore append")
            let report = try facade.appendExact(entries, expectedRoot: expectRoot.flatMap { Hash(base64: $0) }, progress: reporter.update)
            reporter.finish()
            let checkpoint = try facade.publishCheckpoint(
                keys: keys, verified: VerifiedTip(size: report.size, root: report.root, entriesChecked: UInt64(report.appended)))
            if json {
                Output.json(.object([
                    "db": .string(db), "appended": .int(Int64(report.appended)), "alreadyPresent": .int(Int64(report.alreadyPresent)),
                    "treeSize": .int(Int64(report.size)), "root": .string(report.root.base64), "checkpointSize": .int(Int64(checkpoint.size)),
                ]))
            } else {
                Output.line(
                    "appended \(report.appended) entries to \(db) (\(report.alreadyPresent) already present): \(report.size) entries, root \(report.root.base64), checkpoint of size \(checkpoint.size)")
            }
        }

        /// The `{"index","data"}` lines of `hwledger entries`; any other line fails the whole file (exit 65).
        static func parseEntries(_ bytes: [UInt8], source: String) throws -> [(index: UInt64, bytes: [UInt8])] {
            var result: [(index: UInt64, bytes: [UInt8])] = []
            for (number, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
                guard let value = try? CanonicalJSON.decode(line), let index = value["index"]?.intValue, index >= 0,
                    let data = value["data"]?.stringValue, let entry = Base64.decode(data)
                else {
                    throw CLIFailure.malformed("line \(number + 1) of \(source) is not an {\"index\",\"data\"} line of `hwledger entries`")
                }
                result.append((UInt64(index), entry))
            }
            guard !result.isEmpty else { throw CLIFailure.malformed("\(source) holds no entry") }
            return result
        }
    }
}

/// The file handling `backup` and `restore` share: temporary files beside the target, the copy's verification, and
/// publishing without ever replacing a file.
enum BackupFiles {
    /// What a verified copy holds.
    struct Verified {
        var size: UInt64
        var root: Hash
        var checkpointSize: UInt64
    }

    /// Exit 64 naming `path` when it exists.
    static func refuseExisting(_ path: String, what: String, advice: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            throw CLIFailure.usage("\(what) \(path) already exists: \(advice)")
        }
    }

    /// A hidden file name in `target`'s directory (so that the final rename stays on one file system).
    static func temporary(beside target: String, tag: String) -> String {
        let url = URL(fileURLWithPath: target)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(tag)-\(getpid()).partial").path
    }

    /// Removes `path` and the WAL and shared-memory files SQLite may have left beside it.
    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Opens the ledger at `path` with its reference data (the recorded directory unless `reference`).
    static func openLedger(_ path: String, reference: String?) throws -> TransferLedger {
        let store: SQLiteLedgerStore
        do { store = try SQLiteLedgerStore(path: path) } catch { throw CLIFailure.io("cannot open ledger database \(path): \(error)") }
        return try ledger(store, reference: reference)
    }

    static func ledger(_ store: SQLiteLedgerStore, reference: String?) throws -> TransferLedger {
        let data = try ReferenceLocator.load(explicit: reference, store: store)
        return TransferLedger(store: store, reference: data, clock: TransferLedger.systemClock, logger: Logger(label: "hwledger"))
    }

    /// Opens the copy at `path`, runs SQLite's structural check and the full verification, and closes it with its
    /// WAL folded in. Any failure but missing reference data is an integrity failure (exit 3) naming `name`.
    static func verifyCopy(at path: String, naming name: String, reference: String?, progress: ProgressReporter) throws -> Verified {
        func damaged(_ error: any Error) -> CLIFailure {
            CLIFailure.integrity("\(name) is damaged or not a ledger, and was refused: \(CLIFailure(error).message); nothing was written")
        }
        let store: SQLiteLedgerStore
        do {
            try SQLiteLedgerStore.checkFileLength(at: path)
            store = try SQLiteLedgerStore(path: path)
            let problems = try store.structuralProblems()
            if !problems.isEmpty { throw LedgerError.integrity(index: nil, "SQLite finds the file damaged: \(problems.prefix(3).joined(separator: "; "))") }
        } catch {
            throw damaged(error)
        }
        let facade = try ledger(store, reference: reference)
        let verified: FullVerification
        let checkpointSize: UInt64
        do {
            verified = try FullVerification.run(facade, progress: progress)
            checkpointSize = try facade.latestCheckpoint().size
            try store.close()
        } catch {
            throw damaged(error)
        }
        return Verified(size: verified.report.size, root: verified.report.root, checkpointSize: checkpointSize)
    }

    /// Makes `temporary` durable and gives it the name `target` without replacing anything: `link(2)` fails when
    /// `target` exists (exit 64 naming it). The temporary name is removed by the caller.
    static func publish(_ temporary: String, as target: String, what: String) throws {
        try fsync(path: temporary, what: "the new file")
        guard link(temporary, target) == 0 else {
            let e = errno
            if e == EEXIST { throw CLIFailure.usage("\(what) \(target) already exists: it appeared while the copy was made; nothing was replaced") }
            throw CLIFailure.io("cannot create \(target): \(String(cString: strerror(e)))")
        }
        unlink(temporary)
        try fsync(path: URL(fileURLWithPath: target).deletingLastPathComponent().path, what: "the directory of \(target)")
    }

    /// Renames `db` (and any WAL and shared-memory files) to `db.before-restore-<UTC time>`; returns the new name.
    static func keepAside(_ db: String) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let kept = "\(db).before-restore-\(formatter.string(from: Date()))"
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: db + suffix) {
            guard rename(db + suffix, kept + suffix) == 0 else {
                throw CLIFailure.io("cannot move \(db + suffix) aside to \(kept + suffix): \(String(cString: strerror(errno)))")
            }
        }
        return kept
    }

    static func fsync(path: String, what: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CLIFailure.io("cannot open \(what) \(path) to sync it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard Glibc.fsync(fd) == 0 else { throw CLIFailure.io("cannot sync \(what) \(path): \(String(cString: strerror(errno)))") }
    }
}
