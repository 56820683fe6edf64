import LedgerCore
import TransferLedger

/// What `hwledgerd` is told at start.
public struct ServerConfiguration: Sendable {
    /// IPv4 or IPv6 literal, or a host name, to bind.
    public var host: String
    /// 0 binds any free port; the bound address is reported through `onListening`.
    public var port: Int
    /// How often the checkpointer looks for growth (SPEC: at least one checkpoint a second while the log grows).
    public var checkpointInterval: Duration
    /// How often the verifier checks new entries and re-checks the log (whether or not it grew).
    public var verifyInterval: Duration
    /// How often a verification run re-verifies the whole log instead.
    /// Stored projection rows each verification run re-compares, in rotation (docs/decisions/021).
    public var verifyProjectionRows = IncrementalVerifier.defaultProjectionRowsPerRun
    public var fullVerifyInterval: Duration
    /// Old entries re-checked per run (with their paths to the verified root).
    public var verifySample: Int
    /// Largest accepted request body (SPEC §4.2: 1,048,576 bytes).
    public var maxBodyBytes: Int
    /// How much of an oversized body is read away before the 413 is sent; beyond it the connection is closed.
    public var drainBodyBytes: Int
    /// The witnesses asked to cosign each checkpoint (`--witness`).
    public var witnesses: [WitnessEndpoint] = []
    /// How many witness cosignatures a checkpoint needs to count as published (`--witness-quorum`).
    public var witnessQuorum: Int = 0
    /// Seconds to wait for a witness's answer.
    public var witnessTimeoutSeconds: Int = 5
    /// How often each witness service looks for a new checkpoint.
    public var witnessPollInterval: Duration = .milliseconds(10)
    /// Longest wait between retries to a failing witness.
    public var witnessMaxBackoff: Duration = .seconds(2)
    /// How often each witness is probed when there is nothing to cosign (`--witness-probe-interval`).
    public var witnessProbeInterval: Duration = .seconds(30)
    /// Least time between two log lines about one witness's outage (`--witness-log-summary-interval`).
    public var witnessLogSummaryInterval: Duration = .seconds(300)
    /// A PEM file of CA certificates trusted for `https` witnesses besides the system's (`--witness-ca`).
    public var witnessCAFile: String?
    /// The ledger's database file, whose file system's free space `/healthz` and `/metrics` report; nil for a store
    /// without a local file.
    public var databasePath: String?
    /// The address the public reaches the daemon at (`--public-url`, e.g. `https://ledger.example.cn`, no trailing
    /// slash): the printed 联单's QR code links to `<publicURL>/ui/v#…`. Nil: `http://HOST:PORT` of the listen address.
    public var publicURL: String?
    /// Tiles kept in memory once served (`--tile-cache`; at most 8 KiB each): they never change, so a repeated
    /// request is answered without reading the store.
    public var tileCacheTiles: Int = 4096
    /// The PostgreSQL database the ledger lives in, its password hidden (nil for a SQLite file): the operator page
    /// names it.
    public var databaseURL: String?
    /// Serve a read-only standby (`--read-only`): no submissions, checks, checkpoints or witness requests; writes are
    /// refused with 503 READ-ONLY naming ``primaryURL``.
    public var readOnly = false
    /// Where writes go when this daemon is read-only (`--primary`).
    public var primaryURL: String?
    /// The store's replication lag in seconds when it is a standby (nil on a primary or a store without replicas);
    /// `/metrics` and `/healthz` report it.
    public var replicationLag: (@Sendable () throws -> Double?)?
    /// Lag above which `/healthz` is degraded (`replication-lag`).
    public var maxReplicationLagSeconds: Double = 30
    /// Free bytes under which `/healthz` is degraded (`--min-free-bytes`), before a write fails for want of space.
    public var minFreeBytes: Int64 = 256 * 1_048_576

    public init(
        host: String = "127.0.0.1", port: Int = 8420, checkpointInterval: Duration = .seconds(1),
        verifyInterval: Duration = .seconds(60), fullVerifyInterval: Duration = .seconds(86400), verifySample: Int = 256,
        maxBodyBytes: Int = 1_048_576, drainBodyBytes: Int = 16 * 1_048_576
    ) {
        self.host = host
        self.port = port
        self.checkpointInterval = checkpointInterval
        self.verifyInterval = verifyInterval
        self.fullVerifyInterval = fullVerifyInterval
        self.verifySample = verifySample
        self.maxBodyBytes = maxBodyBytes
        self.drainBodyBytes = drainBodyBytes
    }

    /// Parses `HOST:PORT` (`[v6]:PORT` for IPv6).
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII), let port = Int(portText),
            (0...65535).contains(port)
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}

/// A throw-away store for a verification replay, and how to remove it.
public struct ScratchStore: Sendable {
    public var store: any LedgerStore
    public var remove: @Sendable () -> Void

    public init(store: any LedgerStore, remove: @escaping @Sendable () -> Void) {
        self.store = store
        self.remove = remove
    }
}

/// The incremental verifier kept across the daemon's lifetimes (`hwledgerd --verifier-state DIR`,
/// ``VerifierStateDirectory``): the projections it replayed and the state taken from the directory at start.
public struct VerifierPersistence: Sendable {
    /// The projections replayed up to `resuming` (an empty store when there is no state).
    public var scratch: any LedgerStore
    /// The state taken at start; nil verifies the whole log first.
    public var resuming: VerifierState?
    /// Closes and syncs `scratch`, then writes the state into the directory. Called once, at a graceful stop: with
    /// the verifier's state when verification has not failed, else with `resuming` (a failure is not forgotten).
    public var save: @Sendable (VerifierState) throws -> Void

    public init(scratch: any LedgerStore, resuming: VerifierState?, save: @escaping @Sendable (VerifierState) throws -> Void) {
        self.scratch = scratch
        self.resuming = resuming
        self.save = save
    }
}
