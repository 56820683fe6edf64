import Foundation
import HTTPServerSupport
import Hummingbird
import LedgerCore
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import TransferLedger
import TransferRules

/// Builds the daemon: routes, the group-commit writer, the checkpointer and the verifier, as one Hummingbird
/// application whose `runService()` stops gracefully on SIGTERM/SIGINT.
///
/// Shutdown order (ServiceGroup stops services in reverse): the witness services and the HTTP server first (stops
/// accepting, answers every request whose head arrived), then the verifier, then the checkpointer, then the writer,
/// which drains its queue and publishes the final checkpoint.
///
/// - Parameters:
///   - ledger: the opened ledger.
///   - operatorKey: signs checkpoints; its name must be the origin.
///   - registry: the Prometheus registry that `MetricsSystem` was bootstrapped with; `/metrics` emits it. Pass nil
///     to serve an empty `/metrics`.
///   - makeScratch: a fresh scratch store for each verification run.
///   - persistence: the incremental verifier's projections and saved state, kept across restarts; nil starts each
///     lifetime with a full verification in a scratch store.
///   - plugins: more routes on the same router (the web console), given the daemon's services.
///   - onListening: called with the bound host and port once the server listens.
/// - Throws: ``LedgerError`` if the ledger has no origin, or the key is not named after it or is not the genesis
///   entry's operator key.
public func buildApplication(
    ledger: TransferLedger,
    operatorKey: SigningKey,
    configuration: ServerConfiguration,
    registry: PrometheusCollectorRegistry?,
    makeScratch: @escaping @Sendable () throws -> ScratchStore,
    persistence: VerifierPersistence? = nil,
    logger: Logger,
    plugins: [any RoutePlugin] = [],
    onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
) throws -> some ApplicationProtocol {
    let origin = try ledger.origin()
    _ = try Checkpointer(origin: origin, keys: [operatorKey])
    let genesisKeys = try ledger.activeOperatorVerifierKeys()
    guard genesisKeys.isEmpty || genesisKeys.contains(operatorKey.verifier) else {
        throw LedgerError.malformedKey("the operator key \(operatorKey.verifier.keyIDHex) is not an active operator key of this ledger")
    }
    let witnessPolicy = try WitnessPolicy(witnesses: configuration.witnesses.map(\.key), quorum: configuration.witnessQuorum)
    for w in configuration.witnesses where w.key.name == origin {
        throw LedgerError.malformedKey("witness \(w.label) is named \(w.key.name), the log's own origin")
    }
    let health = HealthState()
    let latch = IntegrityLatch(health: health, logger: logger)
    let verifierScratch = try persistence.map { ScratchStore(store: $0.scratch, remove: {}) } ?? makeScratch()
    let rows = configuration.verifyProjectionRows
    let verifier = try persistence?.resuming.map {
        try IncrementalVerifier(ledger: ledger, scratch: verifierScratch.store, resuming: $0, projectionRowsPerRun: rows)
    } ?? IncrementalVerifier(ledger: ledger, scratch: verifierScratch.store, projectionRowsPerRun: rows)
    if let persistence {
        let text = persistence.resuming.map { "resuming verification from the saved state of \($0.size) entries" }
            ?? "no saved verifier state: verifying the whole log first"
        logger.info("\(text)")
    }
    let storage = StorageHealth(databasePath: configuration.databasePath, minFreeBytes: configuration.minFreeBytes, logger: logger)
    health.addProbe { storage.contribution() }
    let writer = GroupCommitWriter(
        ledger: ledger, operatorKey: operatorKey, latch: latch, verifier: verifier, storage: storage, logger: logger,
        refusal: configuration.readOnly ? .readOnly(primary: configuration.primaryURL) : nil)
    if let lag = configuration.replicationLag {
        health.addProbe { try await ReplicationProbe.contribution(lag: lag, limit: configuration.maxReplicationLagSeconds) }
    }
    let tileCache = TileCache(capacity: configuration.tileCacheTiles)
    let checkpointCache = CheckpointCache()
    let witnesses = try WitnessFleet(
        ledger: ledger, configuration: configuration, policy: witnessPolicy, health: health, checkpointCache: checkpointCache, logger: logger)
    health.addProbe {
        // A warning, not degraded, while deadlines counted now would run past the holiday calendar (issues 14, 23):
        // it needs the next year's calendar loaded before it ends, not action tonight.
        let today = UTCInstant(seconds: Int64(Date().timeIntervalSince1970)).shanghaiDate
        let status = try await Blocking.run { try ledger.context().referenceStatus(today: today, marginDays: ReferenceStatus.healthMarginDays) }
        let covered = status.calendarYears.map { "\($0.lowerBound)–\($0.upperBound) 年" } ?? "无"
        let missing = status.calendarYears.map { "\($0.upperBound + 1) 年" } ?? "当年"
        return HealthContribution(reasons: status.warnings.map {
            .warning(
                "calendar-coverage", $0,
                zh: "节假日日历即将到期：已加载 \(covered)，缺少 \(missing)；跨入该年的期限暂按仅排除周末计算，加载该年节假日安排后恢复准确",
                action: "load the next year's holiday calendar (hwledger reference status lists what is loaded)",
                actionZh: "加载下一年度的节假日安排（用 hwledger reference status 查看已加载的参考数据）")
        })
    }
    health.addProbe { LivenessProbes.checkpointAndVerification(health: health, configuration: configuration) }
    let authenticator = RequestAuthenticator(ledger: ledger, origin: origin) { Int64(Date().timeIntervalSince1970) }
    let sessions = SessionStore()
    let activity = SubmissionActivity(logger: logger)
    let routes = LedgerRoutes(
        ledger: ledger, writer: writer, health: health, latch: latch, authenticator: authenticator, sessions: sessions,
        registry: registry,
        configuration: configuration, witnessPolicy: witnessPolicy, activity: activity,
        tileCache: tileCache, checkpointCache: checkpointCache)

    let router = Router(context: LedgerRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.post("/v1/submissions", use: routes.submit)
    router.post("/v1/checks", use: routes.checks)
    router.get("/checkpoint", use: routes.checkpoint)
    router.get("/tile/**", use: routes.tile)
    router.get("/v1/proofs/inclusion", use: routes.inclusion)
    router.get("/v1/proofs/consistency", use: routes.consistency)
    router.get("/v1/receipts/{index}", use: routes.receipt)
    router.get("/healthz", use: routes.healthz)
    router.get("/metrics", use: routes.metrics)
    router.group("/v1/entries")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get("{index}", use: routes.entry)
    router.group("/v1/manifests")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get(use: routes.manifests)
        .get("{no}", use: routes.manifest)
    router.group("/v1/approvals")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get(use: routes.applications)
        .get("{id}", use: routes.application)
    router.group("/v1/enterprises")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get(use: routes.enterpriseList)
        .get("{uscc}", use: routes.enterpriseDetail)
    router.group("/v1/permits")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get(use: routes.permitList)
    router.group("/v1/whitelists")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get("report", use: routes.whitelistReport)
    router.group("/v1/audit")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get("anomalies", use: routes.anomalies)
    router.group("/v1/compensation")
        .add(middleware: SignedReadMiddleware(authenticator: authenticator))
        .get("statements", use: routes.statement)
    router.group("/v1/worklist")
        .add(middleware: SignedOrSessionReadMiddleware(authenticator: authenticator, sessions: sessions))
        .get(use: routes.worklist)
    router.post("/v1/session/challenge", use: routes.sessionChallenge)
    router.post("/v1/session", use: routes.openSession)
    router.delete("/v1/session", use: routes.closeSession)
    let services = ServerServices(
        ledger: ledger, writer: writer, health: health, authenticator: authenticator, sessions: sessions, configuration: configuration,
        activity: activity)
    for plugin in plugins { plugin.register(on: router, services: services) }
    // Last, once every route is known: 405 with Allow for a served path under another method.
    router.add(middleware: MethodNotAllowedMiddleware(table: AllowTable(router.routes.map { ("\($0.path)", $0.method) })))

    let bodyLimits = BodyLimits(standard: configuration.maxBodyBytes)
    // Cached tiles and the checkpoint are answered on the event loop, before the router (issue 22).
    let cachedReads = CachedReads(tiles: tileCache, checkpoint: checkpointCache, serverName: "hwledgerd")
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [
            ExpectContinueHandler(limits: bodyLimits), CachedReadHandler(reads: cachedReads),
        ])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "hwledgerd"),
        onServerRunning: { channel in
            let address = channel.localAddress
            onListening(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
        },
        logger: logger)
    app.addServices(WriterService(writer: writer, onStop: {
        guard let persistence else { return verifierScratch.remove() }
        let failed = latch.failure != nil
        guard let state = failed ? persistence.resuming : verifier.state else { return }
        do {
            try persistence.save(state)
            logger.info("verifier state saved", metadata: ["size": "\(state.size)", "failed": "\(failed)"])
        } catch {
            logger.error("cannot save the verifier state; the next start verifies the whole log", metadata: ["error": "\(error)"])
        }
    }))
    // A read-only daemon serves the checkpoints the primary signed and its witnesses cosigned.
    if !configuration.readOnly {
        app.addServices(
            CheckpointService(
                ledger: ledger, operatorKey: operatorKey, verifier: verifier, latch: latch, health: health, storage: storage,
                checkpointCache: checkpointCache, interval: configuration.checkpointInterval, logger: logger))
    }
    app.addServices(
        VerifierService(
            ledger: ledger, verifier: verifier, latch: latch, health: health, interval: configuration.verifyInterval,
            fullInterval: configuration.fullVerifyInterval, sample: configuration.verifySample, makeScratch: makeScratch,
            logger: logger))
    if !configuration.witnesses.isEmpty, !configuration.readOnly { app.addServices(witnesses) }
    return app
}

/// Records each request's latency in a histogram labelled by route pattern, method and status.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let nanos = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        Metrics.Timer(
            label: "hwledger_http_request_duration_seconds",
            dimensions: [
                ("route", context.endpointPath ?? "unmatched"), ("method", request.method.rawValue),
                ("status", String(response.status.code)),
            ]
        ).recordNanoseconds(nanos)
        return response
    }
}

/// What the daemon's routes share, handed to ``RoutePlugin``s so that they read and write exactly as the API does.
public struct ServerServices: Sendable {
    public let ledger: TransferLedger
    /// Every append goes through it (group commit, checkpoint after each round).
    public let writer: GroupCommitWriter
    public let health: HealthState
    public let authenticator: RequestAuthenticator
    public let sessions: SessionStore
    public let configuration: ServerConfiguration
    /// Accepted and refused submissions (the operator page's last refusals).
    public let activity: SubmissionActivity
}

/// Routes added to the daemon's router by ``buildApplication(ledger:operatorKey:configuration:registry:makeScratch:logger:plugins:onListening:)``.
public protocol RoutePlugin: Sendable {
    func register(on router: Router<LedgerRequestContext>, services: ServerServices)
}
