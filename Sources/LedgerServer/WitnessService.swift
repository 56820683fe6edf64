import AsyncHTTPClient
import Foundation
import LedgerCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import TransferLedger

/// The daemon's witnesses: one shared `HTTPClient` (AsyncHTTPClient: TLS, IPv6, timeouts, pooled keep-alive
/// connections) for the daemon's life, one ``WitnessService`` per witness, and a monitor that notes whether the
/// published checkpoint lags the signed one. Shut down on stop: the witness loops end first, then the client.
///
/// Also answers /healthz's witness part (``WitnessBoard/health(signedSize:witnessedSize:now:)``).
struct WitnessFleet: Service {
    let ledger: TransferLedger
    let endpoints: [WitnessEndpoint]
    let board: WitnessBoard
    let policy: WitnessPolicy
    let health: HealthState
    /// Told of each cosignature stored, so `/checkpoint` serves it from then on.
    let checkpointCache: CheckpointCache
    let client: HTTPClient.Configuration
    let configuration: ServerConfiguration
    let logger: Logger

    /// - Throws: when `--witness-ca` cannot be read as PEM certificates.
    init(
        ledger: TransferLedger, configuration: ServerConfiguration, policy: WitnessPolicy, health: HealthState,
        checkpointCache: CheckpointCache, logger: Logger
    ) throws {
        self.ledger = ledger
        self.checkpointCache = checkpointCache
        self.configuration = configuration
        self.policy = policy
        self.health = health
        self.logger = logger
        endpoints = configuration.witnesses
        board = WitnessBoard(endpoints: configuration.witnesses, quorum: configuration.witnessQuorum)
        client = try Self.clientConfiguration(caFile: configuration.witnessCAFile, timeoutSeconds: configuration.witnessTimeoutSeconds)
        guard !endpoints.isEmpty else { return }
        let (ledger, board, policy) = (self.ledger, self.board, self.policy)
        health.addProbe {
            let witnessed = try await Blocking.run { try ledger.store.read { try $0.publishedCheckpoint(policy: policy)?.size } }
            return board.health(signedSize: health.sizes.checkpoint, witnessedSize: witnessed, now: Int64(Date().timeIntervalSince1970))
        }
    }

    /// The client's settings: the system's trust store plus `caFile`'s certificates, a connect and a read timeout of
    /// `timeoutSeconds`, no redirects, and no connection retries inside the client (the witness loop retries, and a
    /// refused connection is reported at once rather than at the deadline).
    static func clientConfiguration(caFile: String?, timeoutSeconds: Int) throws -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            let certificates: [NIOSSLCertificate]
            do { certificates = try NIOSSLCertificate.fromPEMFile(caFile) } catch {
                throw LedgerError.malformedKey("--witness-ca \(caFile): not a readable PEM certificate file: \(error)")
            }
            guard !certificates.isEmpty else { throw LedgerError.malformedKey("--witness-ca \(caFile): no certificate in the file") }
            tls.additionalTrustRoots = [.certificates(certificates)]
        }
        let timeout = TimeAmount.seconds(Int64(timeoutSeconds))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        return configuration
    }

    func run() async throws {
        guard !endpoints.isEmpty else { return }
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: client, backgroundActivityLogger: logger)
        await withTaskGroup(of: Void.self) { group in
            for endpoint in endpoints {
                let service = WitnessService(
                    ledger: ledger, endpoint: endpoint, board: board, http: http, timeoutSeconds: configuration.witnessTimeoutSeconds,
                    pollInterval: configuration.witnessPollInterval, maxBackoff: configuration.witnessMaxBackoff,
                    probeInterval: configuration.witnessProbeInterval, summaryInterval: configuration.witnessLogSummaryInterval,
                    checkpointCache: checkpointCache, logger: logger)
                group.addTask { await service.run() }
            }
            group.addTask { await monitor() }
        }
        do { try await http.shutdown() } catch { logger.debug("witness HTTP client shutdown", metadata: ["error": "\(error)"]) }
    }

    /// Every second: whether the published checkpoint lags the signed one (for `receipts-waiting`), and the age gauges.
    func monitor() async {
        let (ledger, policy) = (self.ledger, self.policy)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Int64(Date().timeIntervalSince1970)
            if let published = try? await Blocking.run({ try ledger.store.read { try $0.publishedCheckpoint(policy: policy)?.size ?? 0 } }) {
                board.observe(signedSize: health.sizes.checkpoint, publishedSize: published, now: now)
            }
            board.tick(now: now)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}

/// Asks one witness to cosign each new signed checkpoint (C2SP tlog-witness), stores the cosignatures it returns,
/// and probes it when there is nothing to cosign.
///
/// It polls the latest checkpoint every `pollInterval`; when the witness has not cosigned it, it POSTs
/// `add-checkpoint` with the consistency proof from the size it believes the witness holds (0 at start), retrying a
/// 409 once from the size the witness names. When there is nothing to cosign and the witness has not been asked for
/// `probeInterval` (and at start), it probes: `add-checkpoint` of the latest checkpoint from `old 0`, which a witness
/// holding any checkpoint of this log answers 409 with its size without changing its state (decision 014). It
/// raises the split-view alarm when the witness holds a checkpoint that cannot be in this log: a size above this
/// log's tree size, the same size with another root (a second 409 at that size), or a proof from its size that the
/// witness refuses (422). The alarm is sticky: the service stops asking that witness until the daemon restarts.
/// After a failure it waits, doubling up to `maxBackoff`.
struct WitnessService {
    let ledger: TransferLedger
    let endpoint: WitnessEndpoint
    let board: WitnessBoard
    let http: HTTPClient
    let timeoutSeconds: Int
    let pollInterval: Duration
    let maxBackoff: Duration
    let probeInterval: Duration
    let summaryInterval: Duration
    let checkpointCache: CheckpointCache
    let logger: Logger

    enum Outcome {
        case cosigned(size: UInt64, timestamp: UInt64)
        case conflict(held: UInt64)
        /// The witness answered that it holds this size, which this log has: reachable, nothing to do.
        case holds(UInt64)
        case splitView(String)
        case failed(String, WitnessBoard.State)
    }

    func run() async {
        let ledger = self.ledger
        let name = endpoint.key.name
        let stored = try? await Blocking.run { () -> (UInt64, UInt64)? in
            try ledger.store.read { r in
                guard let size = try r.latestCosignedSize(witnesses: [name], quorum: 1) else { return nil }
                let line = try r.cosignatures(size: size).first { $0.hasPrefix("\u{2014} \(name) ") }
                return (size, line.flatMap(Cosignature.timestamp(ofLine:)) ?? 0)
            }
        }
        if let (size, time) = stored ?? nil { board.restored(name, size: size, at: Int64(time)) }
        var believedHeld: UInt64 = board.status(name)?.cosignedSize ?? 0
        var backoff = pollInterval
        var lastAsked: ContinuousClock.Instant?
        var outage = OutageLog(label: endpoint.label, summaryInterval: summaryInterval)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = pollInterval
            if board.status(name)?.splitView == nil, let latest = try? await Blocking.run({ try ledger.latestCheckpoint() }) {
                let due = latest.size > board.status(name)?.cosignedSize ?? 0
                let probeDue = lastAsked.map { ContinuousClock.now - $0 >= probeInterval } ?? true
                if due || probeDue {
                    lastAsked = .now
                    let outcome = await exchange(latest, from: due ? believedHeld : 0, probe: !due, believedHeld: &believedHeld)
                    let now = Int64(Date().timeIntervalSince1970)
                    switch outcome {
                    case .cosigned(let size, let timestamp):
                        believedHeld = size
                        board.cosigned(name, size: size, at: Int64(timestamp), now: now)
                        outage.answered(logger: logger)
                        backoff = pollInterval
                        // A newer checkpoint may already be waiting: look again at once.
                        wait = .zero
                    case .holds, .conflict:
                        board.reachable(name, now: now)
                        outage.answered(logger: logger)
                        backoff = pollInterval
                    case .splitView(let message):
                        board.raiseSplitView(name, message, now: now)
                        logger.critical("SPLIT VIEW: witness \(endpoint.label) holds a checkpoint that is not in this log", metadata: [
                            "witness": "\(endpoint.label)", "detail": "\(message)",
                        ])
                    case .failed(let message, let state):
                        board.failed(name, message, state: state, now: now)
                        outage.failed(state, message, logger: logger)
                        wait = backoff
                        backoff = min(backoff * 2, maxBackoff)
                    }
                }
            }
            let pause = wait
            if pause > .zero { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } }
        }
    }

    /// Asks the witness to cosign `latest` from `old`, following one 409 to the size the witness names. A probe
    /// (`old` 0 when nothing is due) stops at a 409 naming a size this log's checkpoint has reached.
    func exchange(_ latest: StoredCheckpoint, from old: UInt64, probe: Bool, believedHeld: inout UInt64) async -> Outcome {
        var outcome = await attempt(latest, old: old)
        if case .conflict(let held) = outcome, held <= latest.size {
            believedHeld = held
            if probe && held == latest.size { return .holds(held) }
            outcome = await attempt(latest, old: held)
            if case .conflict(let again) = outcome, again <= latest.size {
                outcome = again == held && held == latest.size
                    ? .splitView("the witness holds a checkpoint of size \(held) whose root differs from this log's")
                    : .failed("the witness answered 409 twice (held \(held), then \(again))", .refusing)
            }
        }
        if case .conflict(let held) = outcome {
            // The witness holds more than this checkpoint: a fork unless this log's tree is that large too (the
            // checkpointer has not caught up yet, or this service has not seen its newest checkpoint).
            believedHeld = held
            let ledger = self.ledger
            let tree = (try? await Blocking.run { try ledger.store.read { try $0.treeSize() } }) ?? 0
            outcome = held > tree ? .splitView("the witness holds size \(held), larger than this log (\(tree) entries)") : .holds(held)
        }
        return outcome
    }

    /// One add-checkpoint round trip for `checkpoint`, from `old`.
    func attempt(_ checkpoint: StoredCheckpoint, old: UInt64) async -> Outcome {
        if old > checkpoint.size { return .conflict(held: old) }
        let (ledger, endpoint) = (self.ledger, self.endpoint)
        let body: [UInt8]
        do {
            body = try await Blocking.run {
                let proof = old == 0 || old == checkpoint.size
                    ? [] : try ledger.store.read { try LogProofs.consistency(from: old, to: checkpoint.size, in: $0) }
                return Array(("old \(old)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + checkpoint.note).utf8)
            }
        } catch {
            return .failed("cannot build the consistency proof from \(old): \(error)", .refusing)
        }
        let request = {
            var request = HTTPClientRequest(url: endpoint.addCheckpointURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "text/plain")
            request.body = .bytes(ByteBuffer(bytes: body))
            return request
        }()
        let status: Int
        let text: String
        let started = ContinuousClock.now
        do {
            // Cancelled on graceful shutdown, so stopping never waits for a slow witness.
            (status, text) = try await cancelWhenGracefulShutdown { [http, timeoutSeconds] in
                let response = try await http.execute(request, timeout: .seconds(Int64(timeoutSeconds)))
                let bytes = try await response.body.collect(upTo: 64 * 1024)
                return (Int(response.status.code), String(buffer: bytes))
            }
        } catch {
            return .failed(Self.describe(error, url: endpoint.url), .unreachable)
        }
        logger.debug("witness answered", metadata: [
            "witness": "\(endpoint.label)", "status": "\(status)", "old": "\(old)", "size": "\(checkpoint.size)",
            "ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))",
        ])
        do {
            let outcome = try await Blocking.run {
                try Self.interpret(status: status, text: text, checkpoint: checkpoint, old: old, endpoint: endpoint, ledger: ledger)
            }
            if case .cosigned = outcome { checkpointCache.invalidate() }
            return outcome
        } catch {
            return .failed("cannot store the cosignature: \(error)", .refusing)
        }
    }

    static func interpret(
        status: Int, text: String, checkpoint: StoredCheckpoint, old: UInt64, endpoint: WitnessEndpoint, ledger: TransferLedger
    ) throws -> Outcome {
        switch status {
        case 200:
            let note = try SignedNote(parsing: checkpoint.note)
            let lines: SignedNote
            do { lines = try SignedNote(parsing: note.text + "\n" + text) } catch {
                return .failed("the witness's answer is not signature lines: \(error)", .refusing)
            }
            let mine = lines.signatures.filter { $0.name == endpoint.key.name && $0.keyID == endpoint.key.keyID }
            guard let line = mine.first,
                let cosignature = try? endpoint.key.cosignature(on: SignedNote(text: note.text, signatures: [line]))
            else { return .failed("the witness answered 200 without a valid cosignature from \(endpoint.key.name)", .refusing) }
            try ledger.store.write { try $0.insertCosignature(size: checkpoint.size, witness: endpoint.key.name, line: line.line) }
            return .cosigned(size: checkpoint.size, timestamp: cosignature.timestamp)
        case 409:
            guard text.hasSuffix("\n"), let held = UInt64(text.dropLast()) else {
                return .failed("409 without a size body: \(text.prefix(80))", .refusing)
            }
            if held == old && old == checkpoint.size {
                return .splitView("the witness holds a checkpoint of size \(held) whose root differs from this log's")
            }
            return .conflict(held: held)
        case 422:
            return .splitView("the witness refused this log's consistency proof from size \(old): its checkpoint of that size is not in this log")
        case 502, 503, 504:
            return .failed("HTTP \(status) from \(endpoint.url) (a proxy in front of the witness?): \(text.prefix(200))", .unreachable)
        default:
            return .failed("HTTP \(status): \(text.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines))", .refusing)
        }
    }

    /// A transport failure as an operator reads it: certificate problems named as such, with what to do.
    static func describe(_ error: any Error, url: String) -> String {
        let text = String(describing: error)
        if let hostname = error as? NIOSSLExtraError, hostname == .failedToValidateHostname {
            return "TLS: the certificate of \(url) is not valid for that host name or address (a certificate for another host)"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the certificate of \(url) is not trusted: not signed by a trusted CA, or expired (CERTIFICATE_VERIFY_FAILED; a private CA is given with --witness-ca)"
        }
        if let http = error as? HTTPClientError {
            switch http {
            case .connectTimeout: return "cannot reach \(url): connect timed out"
            case .readTimeout, .deadlineExceeded: return "no answer from \(url) in time"
            case .tlsHandshakeTimeout: return "cannot reach \(url): TLS handshake timed out"
            default: break
            }
        }
        if let io = error as? IOError { return "cannot reach \(url): \(Self.sentence(errno: io.errnoCode))" }
        if let connect = error as? NIOConnectionError {
            let reasons = connect.connectionErrors.map { e in
                "\(e.target): " + ((e.error as? IOError).map { Self.sentence(errno: $0.errnoCode) } ?? "\(e.error)")
            }
            if connect.dnsAError != nil && connect.dnsAAAAError != nil { return "cannot reach \(url): the host name does not resolve" }
            return "cannot reach \(url): " + (reasons.isEmpty ? text : reasons.joined(separator: "; "))
        }
        return "cannot reach \(url): \(text)"
    }

    /// `connection refused` for ECONNREFUSED.
    static func sentence(errno code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}

/// What the log says about one witness's outages: the first failure once (warning), then at most a summary per
/// `summaryInterval` while it lasts (warning), and one line when it ends (notice). Each failed attempt is a debug
/// line only.
struct OutageLog {
    let label: String
    let summaryInterval: Duration
    private var started: ContinuousClock.Instant?
    private var lastLine: ContinuousClock.Instant?
    private var attempts = 0
    private var state: WitnessBoard.State?

    init(label: String, summaryInterval: Duration) {
        self.label = label
        self.summaryInterval = summaryInterval
    }

    static func word(_ state: WitnessBoard.State) -> String { state == .refusing ? "refusing" : "unreachable" }

    mutating func failed(_ state: WitnessBoard.State, _ error: String, logger: Logger) {
        let now = ContinuousClock.now
        attempts += 1
        let metadata: Logger.Metadata = ["witness": "\(label)", "state": "\(state.rawValue)", "error": "\(error)"]
        guard let started else {
            started = now
            lastLine = now
            self.state = state
            logger.warning("witness \(label) \(Self.word(state)): \(error)", metadata: metadata)
            return
        }
        logger.debug("witness \(label) attempt \(attempts) failed: \(error)", metadata: metadata)
        if state != self.state {
            self.state = state
            lastLine = now
            logger.warning("witness \(label) now \(Self.word(state)): \(error)", metadata: metadata)
        } else if now - (lastLine ?? started) >= summaryInterval {
            lastLine = now
            logger.warning(
                "witness \(label) \(Self.word(state)) for \(Self.span(now - started)), \(attempts) attempts",
                metadata: ["witness": "\(label)", "state": "\(state.rawValue)", "attempts": "\(attempts)", "error": "\(error)"])
        }
    }

    mutating func answered(logger: Logger) {
        guard let started else { return }
        logger.notice(
            "witness \(label) recovered after \(Self.span(.now - started)), \(attempts) attempts",
            metadata: ["witness": "\(label)", "attempts": "\(attempts)"])
        self.started = nil
        lastLine = nil
        attempts = 0
        state = nil
    }

    /// `40 s`, `6 min`, `2 h 5 min`.
    static func span(_ d: Duration) -> String {
        let s = d.components.seconds
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }
}

extension WitnessEndpoint {
    /// Checks that `path` holds PEM CA certificates the witness client can trust (`--witness-ca`).
    ///
    /// - Throws: a sentence naming the file and what is wrong with it.
    public static func checkTrustedCAFile(_ path: String) throws {
        _ = try WitnessFleet.clientConfiguration(caFile: path, timeoutSeconds: 1)
    }
}
