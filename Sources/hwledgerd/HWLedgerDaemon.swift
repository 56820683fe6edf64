import ArgumentParser
import Foundation
import HTTPServerSupport
import LedgerConsole
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import LedgerServer
import LedgerStores
import Logging
import Metrics
import Prometheus
import TransferLedger
import TransferRules

/// `hwledgerd`: the ledger's HTTP daemon (SPEC §4.2). Parses options, opens the ledger, builds and runs.
@main
struct HWLedgerDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hwledgerd",
        abstract: "Serve a ledger over HTTP: signed submissions, checkpoints, tiles, proofs and receipts.",
        discussion: "Stops gracefully on SIGTERM or SIGINT: answers every request whose head arrived, publishes a final checkpoint, exits 0.",
        version: BuildInfo.version)

    @Option(help: "The ledger's SQLite database file, or a PostgreSQL database postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (created by hwledger init).")
    var db: String

    @Flag(name: .customLong("read-only"), help: "Serve a read-only standby (a PostgreSQL streaming replica): reads, tiles, proofs, receipts and the console's pages; writes are refused with 503 READ-ONLY naming --primary.")
    var readOnly = false

    @Option(help: "With --read-only: the URL of the daemon on the primary, named in the refusal of a write.")
    var primary: String?

    @Option(name: .customLong("max-replication-lag"), help: "Seconds of standby replay lag above which /healthz is degraded (replication-lag).")
    var maxReplicationLag: Double = 30

    @Option(help: "The address to listen on, HOST:PORT; port 0 picks a free port, which is logged.")
    var listen = "127.0.0.1:8420"

    @Option(name: .customLong("operator-key"), help: "The operator's private key file that signs checkpoints (default: the one recorded at init).")
    var operatorKey: String?

    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between checks for growth; a checkpoint is signed whenever the log grew.")
    var checkpointInterval: Double = 1

    @Option(name: .customLong("verify-interval"), help: "Seconds between verification runs: new entries in full, and re-checks of the stored tree, checkpoints, triggers, a sample of old entries and the projections.")
    var verifyInterval: Double = 60

    @Option(name: .customLong("full-verify-interval"), help: "Seconds between full re-verifications of the whole log (O(log size)).")
    var fullVerifyInterval: Double = 86400

    @Option(
        name: .customLong("verifier-state"),
        help: ArgumentHelp(
            "A directory keeping the incremental verifier (state and replayed projections) across restarts.",
            discussion: "Without it each start verifies the whole log before the first checkpoint it signs (O(log size)). With it a graceful stop saves the verified state and the next start resumes from it; a start after a crash finds none and verifies everything. The directory is this daemon's own (locked while it runs); a state that does not match the log stops the daemon's writes as any failed verification does (docs/decisions/021)."))
    var verifierState: String?

    @Option(name: .customLong("verify-sample"), help: "Old entries re-checked per verification run.")
    var verifySample: Int = 256

    @Option(name: .customLong("verify-projection-rows"), help: "Stored projection rows re-compared per verification run, from where the last run stopped (all of them in rotation; docs/decisions/021).")
    var verifyProjectionRows: Int = IncrementalVerifier.defaultProjectionRowsPerRun

    @Option(help: "Directory of the reference lists (default: the one recorded at init, then $HWLEDGER_REFERENCE).")
    var reference: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "text or json.",
        discussion: "json: one JSON object per line on standard error (level, logger, message, time in UTC to the millisecond, then the metadata), for journald or Loki; the startup and shutdown lines are objects too."))
    var logFormat: String = "text"

    @Option(help: "A witness to ask for cosignatures of each checkpoint, NAME=URL=VKEY (URL http[s]://HOST[:PORT][/prefix], VKEY its cosigner key); repeat for each.")
    var witness: [String] = []

    @Option(name: .customLong("witness-ca"), help: "A PEM file of CA certificates to trust for https witnesses, besides the system's trust store.")
    var witnessCA: String?

    @Option(name: .customLong("witness-probe-interval"), help: "Seconds between probes of a witness when there is nothing to cosign (and at start), so a dead witness shows in /healthz.")
    var witnessProbeInterval: Double = 30

    @Option(name: .customLong("witness-log-summary-interval"), help: .hidden)
    var witnessLogSummaryInterval: Double = 300

    @Option(name: .customLong("witness-quorum"), help: "Cosignatures a checkpoint needs before /checkpoint serves it and receipts use it (default: every witness).")
    var witnessQuorum: Int?

    @Option(name: .customLong("witness-timeout"), help: "Seconds to wait for a witness's answer.")
    var witnessTimeout: Int = 5

    @Option(
        name: .customLong("min-free-bytes"),
        help: "Free bytes on the database's file system under which /healthz is degraded (storage-low), before writes fail (default 256 MiB).")
    var minFreeBytes: Int64 = 256 * 1_048_576

    @Option(name: .customLong("tile-cache"), help: "Tiles kept in memory once served (at most 8 KiB each; they never change).")
    var tileCache: Int = 4096

    @Option(
        name: .customLong("public-url"),
        help: "The URL the public reaches this daemon at (http(s)://HOST[:PORT][/PATH]), for the printed 联单's QR code (default: http://HOST:PORT of --listen).")
    var publicURL: String?

    func validate() throws {
        guard ServerConfiguration.parseListen(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, got \(listen)") }
        guard checkpointInterval > 0, checkpointInterval <= 3600 else { throw ValidationError("--checkpoint-interval must be in (0, 3600] seconds") }
        guard verifyInterval > 0 else { throw ValidationError("--verify-interval must be positive") }
        guard fullVerifyInterval >= verifyInterval else { throw ValidationError("--full-verify-interval must be at least --verify-interval") }
        if primary != nil, !readOnly { throw ValidationError("--primary goes with --read-only") }
        if let primary {
            guard let url = URL(string: primary), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--primary must be an http(s)://HOST[:PORT] URL, got \(primary)")
            }
        }
        guard maxReplicationLag > 0 else { throw ValidationError("--max-replication-lag must be positive") }
        do { _ = try StoreLocation(db) } catch { throw ValidationError("--db: \(error)") }
        guard tileCache >= 0 else { throw ValidationError("--tile-cache must not be negative") }
        guard minFreeBytes >= 0 else { throw ValidationError("--min-free-bytes must not be negative") }
        guard verifySample >= 0 else { throw ValidationError("--verify-sample must not be negative") }
        guard verifyProjectionRows > 0 else { throw ValidationError("--verify-projection-rows must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is not a log level") }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json, got \(logFormat)") }
        let endpoints = try witnessEndpoints()
        if let q = witnessQuorum, q < 0 || q > endpoints.count {
            throw ValidationError("--witness-quorum must be between 0 and the number of --witness options (\(endpoints.count)), got \(q)")
        }
        guard Set(endpoints.map(\.key.name)).count == endpoints.count else { throw ValidationError("--witness: a witness key is given twice") }
        if let u = publicURL {
            guard let url = URL(string: u), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.query == nil, url.fragment == nil,
                !u.hasSuffix("/"), u.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 })
            else { throw ValidationError("--public-url must be http(s)://HOST[:PORT][/PATH] without a trailing slash, query or fragment, got \(u)") }
        }
        guard (1...300).contains(witnessTimeout) else { throw ValidationError("--witness-timeout must be 1 to 300 seconds") }
        guard witnessProbeInterval >= 0.1, witnessProbeInterval <= 3600 else { throw ValidationError("--witness-probe-interval must be 0.1 to 3600 seconds") }
        guard witnessLogSummaryInterval >= 0.1 else { throw ValidationError("--witness-log-summary-interval must be at least 0.1 seconds") }
        if let witnessCA {
            do { try WitnessEndpoint.checkTrustedCAFile(witnessCA) } catch { throw ValidationError("\(error)") }
        }
    }

    /// `--verifier-state DIR`: the directory locked for the daemon's lifetime, its state taken, its projections opened.
    func verifierPersistence() throws -> VerifierPersistence? {
        guard let verifierState else { return nil }
        let directory = try VerifierStateDirectory(path: verifierState)
        let resuming = try directory.take()
        let scratch = try SQLiteLedgerStore(path: directory.projectionsPath, create: true, durable: false)
        return VerifierPersistence(scratch: scratch, resuming: resuming) { state in
            try scratch.closeSynced()
            try directory.save(state)
        }
    }

    func witnessEndpoints() throws -> [WitnessEndpoint] {
        try witness.map { text in
            do { return try WitnessEndpoint.parse(text) } catch { throw ValidationError("\(error)") }
        }
    }

    func run() async throws {
        ParentWatch.startIfAsked()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(LedgerMetricsFactory(registry: registry))
        let logger = Logger(label: "hwledgerd")
        /// The lines a supervisor or test parses (`hwledgerd: listening on HOST:PORT`, `hwledgerd: stopped`): as they
        /// are in text, as notice objects carrying the same message in json.
        let announce: @Sendable (String, Logger.Metadata) -> Void = { message, metadata in
            if json { logger.notice("\(message)", metadata: metadata) } else { FileHandle.standardError.write(Data("hwledgerd: \(message)\n".utf8)) }
        }

        let (ledger, key) = try open(logger: logger)
        let (host, port) = ServerConfiguration.parseListen(listen)!
        var configuration = ServerConfiguration(
            host: host, port: port, checkpointInterval: .milliseconds(Int64(checkpointInterval * 1000)),
            verifyInterval: .milliseconds(Int64(verifyInterval * 1000)),
            fullVerifyInterval: .milliseconds(Int64(fullVerifyInterval * 1000)), verifySample: verifySample)
        configuration.verifyProjectionRows = verifyProjectionRows
        configuration.witnesses = try witnessEndpoints()
        configuration.witnessQuorum = try Self.quorum(explicit: witnessQuorum, endpoints: configuration.witnesses, genesis: ledger.witnessPolicy())
        configuration.witnessTimeoutSeconds = witnessTimeout
        configuration.witnessProbeInterval = .milliseconds(Int64(witnessProbeInterval * 1000))
        configuration.witnessLogSummaryInterval = .milliseconds(Int64(witnessLogSummaryInterval * 1000))
        configuration.witnessCAFile = witnessCA
        let location = try StoreLocation(db)
        configuration.databasePath = location.filePath
        if case .postgres(let postgres) = location { configuration.databaseURL = postgres.redacted }
        configuration.readOnly = readOnly
        configuration.primaryURL = primary
        configuration.maxReplicationLagSeconds = maxReplicationLag
        if let postgres = ledger.store as? PostgresLedgerStore {
            configuration.replicationLag = { try postgres.replicationLag() }
        }
        configuration.minFreeBytes = minFreeBytes
        configuration.tileCacheTiles = tileCache
        configuration.publicURL = publicURL
        let app = try buildApplication(
            ledger: ledger, operatorKey: key, configuration: configuration, registry: registry,
            makeScratch: {
                let store = try SQLiteLedgerStore.scratch()
                return ScratchStore(store: store, remove: { store.removeScratch() })
            },
            persistence: try verifierPersistence(),
            logger: logger,
            plugins: [ConsoleRoutes()],
            onListening: { host, port in
                announce("listening on \(host):\(port)", ["host": "\(host)", "port": "\(port)"])
            })
        try await app.runService()
        announce("stopped", [:])
    }

    /// Opens the ledger and the operator key; exit 66 with `error[IO]` when either cannot be read.
    func open(logger: Logger) throws -> (TransferLedger, SigningKey) {
        do {
            let store = try StoreLocation(db).open(logger: logger)
            let referenceDir = try reference ?? store.read({ try $0.meta("referencePath") })
                ?? ProcessInfo.processInfo.environment["HWLEDGER_REFERENCE"] ?? Self.bundledReference()
            guard let referenceDir else { throw DaemonFailure("no reference data: pass --reference DIR or set HWLEDGER_REFERENCE") }
            let data = try ReferenceData.load(directory: referenceDir)
            let ledger = TransferLedger(store: store, reference: data, clock: TransferLedger.systemClock, logger: logger)
            // A ledger whose projections predate docs/decisions/019 is rebuilt before anything reads them (a standby
            // never writes; its primary does this).
            if !readOnly { try ledger.upgradeProjectionsIfNeeded() }
            guard let keyPath = try operatorKey ?? ledger.operatorKeyPath() else {
                throw DaemonFailure("no operator key recorded at init: pass --operator-key")
            }
            guard let keyData = FileManager.default.contents(atPath: keyPath) else { throw DaemonFailure("cannot read operator key \(keyPath)") }
            let key = try SigningKey(parsing: String(decoding: keyData, as: UTF8.self))
            _ = try Checkpointer(origin: try ledger.origin(), keys: [key])
            let genesisKeys = try ledger.activeOperatorVerifierKeys()
            guard genesisKeys.isEmpty || genesisKeys.contains(key.verifier) else {
                throw DaemonFailure("operator key \(keyPath) is not an active operator key of this ledger (genesis or announced, not retired)")
            }
            return (ledger, key)
        } catch {
            let display = (try? StoreLocation(db).display) ?? db
            if logFormat == "json" {
                logger.critical("cannot open ledger", metadata: ["id": "IO", "db": "\(display)", "error": "\(error)"])
            } else {
                FileHandle.standardError.write(Data("error[IO]: cannot open ledger \(display): \(error)\n".utf8))
            }
            throw ExitCode(66)
        }
    }

    /// The quorum to require: `--witness-quorum`, else the genesis's, else every witness given. When the genesis names
    /// witnesses, each `--witness` must be one of them and the quorum at least the genesis's (exit 64 otherwise).
    static func quorum(explicit: Int?, endpoints: [WitnessEndpoint], genesis: WitnessPolicy) throws -> Int {
        guard !genesis.witnesses.isEmpty else { return explicit ?? endpoints.count }
        for e in endpoints where !genesis.witnesses.contains(e.key) {
            FileHandle.standardError.write(Data("error[USAGE]: --witness \(e.label): key \(e.key.name) is not a witness the genesis names\n".utf8))
            throw ExitCode(64)
        }
        let quorum = explicit ?? genesis.quorum
        guard quorum >= genesis.quorum, quorum <= endpoints.count else {
            FileHandle.standardError.write(Data(
                "error[USAGE]: the genesis requires \(genesis.quorum) witness cosignatures; give that many --witness options and a --witness-quorum of at least \(genesis.quorum)\n".utf8))
            throw ExitCode(64)
        }
        return quorum
    }

    /// `fixtures/reference` in the package the executable was built from, if any.
    static func bundledReference() -> String? {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("fixtures/reference")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            url.deleteLastPathComponent()
        }
        return nil
    }
}

struct DaemonFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
