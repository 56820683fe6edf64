import Foundation
import Hummingbird
import LedgerCore
import NIOCore
import Prometheus
import TransferLedger
import TransferRules

/// The handlers of SPEC §4.2. Reads go through ``Blocking``; writes through the ``GroupCommitWriter``.
struct LedgerRoutes: Sendable {
    let ledger: TransferLedger
    let writer: GroupCommitWriter
    let health: HealthState
    let latch: IntegrityLatch
    let authenticator: RequestAuthenticator
    let sessions: SessionStore
    let registry: PrometheusCollectorRegistry?
    let configuration: ServerConfiguration
    /// Whose cosignatures a checkpoint needs before it is served at /checkpoint and used for receipts.
    let witnessPolicy: WitnessPolicy
    /// Logs each accepted and refused submission and keeps the last refusals.
    let activity: SubmissionActivity
    /// Tiles served before: they never change.
    let tileCache: TileCache
    /// The published checkpoint's note, swapped when a new one is published.
    let checkpointCache: CheckpointCache

    // MARK: Submissions

    /// `POST /v1/submissions`. Every acceptance and refusal is logged at info, and every refusal counted in
    /// `hwledger_rejections_total` under its rule (``SubmissionActivity``).
    func submit(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        var single: Submission?
        do {
            return try await submitCounted(request, context, single: &single)
        } catch {
            let problem = ErrorMapping.problem(for: error)
            activity.refused(rule: problem.rule, message: problem.message, submission: single)
            throw error
        }
    }

    private func submitCounted(_ request: Request, _ context: LedgerRequestContext, single: inout Submission?) async throws -> Response {
        try latch.requireOpen()
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw ServerError.unsupportedMediaType("POST /v1/submissions takes Content-Type: application/json, got \(request.headers[.contentType]?.prefix(60) ?? "none")")
        }
        let bytes = try await BodyReader.read(request, limit: configuration.maxBodyBytes, drainLimit: configuration.drainBodyBytes)
        let json: JSONValue
        switch try SubmissionBody.parse(bytes) {
        case .batch(let items): return try await submitBatch(items)
        case .single(let one): json = one
        }
        let signed = try SignedSubmission(json: json)
        single = signed.submission
        let outcome = try await writer.submit([signed])[0]
        switch outcome {
        case .appended:
            activity.accepted(signed.submission, outcome: outcome)
            return JSONResponse.make(outcome.appendedJSON!, status: .created)
        case .rejected(let violation):
            if violation.rule == .nonce, let original = try await original(of: signed) {
                var body = ErrorMapping.problem(for: violation).json.objectValue ?? [:]
                body.merge(original) { a, _ in a }
                return JSONResponse.make(.object(body), status: .conflict)
            }
            throw violation
        }
    }

    /// For a replay of an appended submission, byte for byte: `{"index","leafHash","assigned"}` of the entry it made,
    /// so that a client that lost the first answer learns the outcome (issue 9).
    func original(of item: SignedSubmission) async throws -> [String: JSONValue]? {
        let ledger = self.ledger
        return try await Blocking.run { try ledger.original(of: item)?.appendedJSON?.objectValue }
    }

    func submitBatch(_ items: [JSONValue]) async throws -> Response {
        let parsed = SubmissionBody.signed(items)
        let valid = parsed.compactMap { try? $0.get() }
        let outcomes = valid.isEmpty ? [] : try await writer.submit(valid)
        var next = outcomes.makeIterator()
        var results: [JSONValue] = []
        var statuses = Set<Int>()
        var anyAppended = false
        for (i, p) in parsed.enumerated() {
            let outcome: SubmitOutcome
            switch p {
            case .success: outcome = next.next()!
            case .failure(let v): outcome = .rejected(v)
            }
            let submission = try? p.get().submission
            switch outcome {
            case .appended:
                anyAppended = true
                if let submission { activity.accepted(submission, outcome: outcome) }
                results.append(outcome.appendedJSON!)
            case .rejected(let v):
                activity.refused(rule: v.rule.rawValue, message: v.message, submission: submission)
                let status = ErrorMapping.status(for: v.rule)
                statuses.insert(status.code)
                var item: [String: JSONValue] = [
                    "item": .int(Int64(i)), "status": .int(Int64(status.code)),
                    "error": ErrorMapping.errorObject(v),
                ]
                if v.rule == .nonce, case .success(let signed) = p, let original = try await original(of: signed) {
                    item.merge(original) { a, _ in a }
                }
                results.append(.object(item))
            }
        }
        let status: HTTPResponse.Status =
            anyAppended ? .created : (statuses.count == 1 ? HTTPResponse.Status(code: statuses.first!) : .unprocessableContent)
        var response = JSONResponse.make(.array(results), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = SignedRequest.scheme }
        return response
    }

    // MARK: Dry run

    /// `POST /v1/checks`: the bodies of `/v1/submissions`, judged and rolled back. 200 with `{"ok","errors"}` for one
    /// submission, a list of them in input order for a batch; nothing is appended and no nonce is consumed.
    func checks(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        if configuration.readOnly { throw ServerError.readOnly(primary: configuration.primaryURL) }
        let bytes = try await BodyReader.read(request, limit: configuration.maxBodyBytes, drainLimit: configuration.drainBodyBytes)
        let body = try SubmissionBody.parse(bytes)
        let items = body.items
        let parsed = SubmissionBody.signed(items)
        let valid = parsed.compactMap { try? $0.get() }
        let ledger = self.ledger
        let judged = valid.isEmpty ? [] : try await Blocking.run { try ledger.check(valid) }
        var next = judged.makeIterator()
        let results: [JSONValue] = parsed.map { p in
            let errors: [RuleViolation]
            switch p {
            case .success: errors = next.next()!
            case .failure(let v): errors = [v]
            }
            return .object([
                "ok": .bool(errors.isEmpty),
                "errors": .array(errors.map { ErrorMapping.errorObject($0) }),
            ])
        }
        if case .single = body { return JSONResponse.make(results[0]) }
        return JSONResponse.make(.array(results))
    }

    // MARK: Public hash-only reads

    /// The published checkpoint: with witnesses, the latest one carrying the quorum of cosignatures, with them.
    /// Read from the store only when the ``CheckpointCache`` does not hold it (tlog-tiles: clients may cache it for a
    /// few seconds at most, `Cache-Control: public, max-age=2`).
    func checkpoint(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        if let note = checkpointCache.current() {
            return Response(status: .ok, headers: CachedReads.checkpointHeaders, body: .init(byteBuffer: note))
        }
        let generation = checkpointCache.beginLoad()
        let ledger = self.ledger
        let policy = witnessPolicy
        let published = try await Blocking.run { try ledger.store.read { try $0.publishedCheckpoint(policy: policy) } }
        guard let published else {
            throw ServerError.awaitingWitnesses(
                "no checkpoint carries cosignatures from \(policy.quorum) of the witnesses (\(policy.witnesses.map(\.name).joined(separator: ", "))) yet")
        }
        let note = ByteBuffer(string: published.note)
        checkpointCache.store(note, loadedIn: generation)
        return Response(status: .ok, headers: CachedReads.checkpointHeaders, body: .init(byteBuffer: note))
    }

    func tile(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let components = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)
        if components.first == "entries" {
            let header = request.headers[.authorization]
            let authenticator = self.authenticator
            let method = request.method.rawValue, target = request.uri.description
            _ = try await Blocking.run { try authenticator.authenticate(header: header, method: method, target: target) }
            throw ServerError.notFound("entry bundles are not served over HTTP; operators read entries with GET /v1/entries/{index}")
        }
        guard let coordinate = TileCoordinate(components: Array(components)) else {
            throw ServerError.notFound("\(request.uri.path) is not a tile path")
        }
        // A tile's contents never change, partial ones (a given width) included (C2SP tlog-tiles).
        let headers = CachedReads.tileHeaders
        let key = "/tile/" + coordinate.description
        if let cached = tileCache.get(key) { return Response(status: .ok, headers: headers, body: .init(byteBuffer: cached)) }
        let ledger = self.ledger
        let bytes = try await Blocking.run { () -> [UInt8]? in
            let checkpoint = try ledger.latestCheckpoint()
            return try ledger.store.read { try coordinate.contents(treeSize: checkpoint.size, reader: $0) }
        }
        guard let bytes else { throw ServerError.notFound("tile \(coordinate) is beyond the latest signed checkpoint") }
        let buffer = ByteBuffer(bytes: bytes)
        tileCache.put(key, buffer)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    func inclusion(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let index = try Self.number(query.get("index"), name: "index")
        let requested = try Self.optionalNumber(query.get("size"), name: "size")
        let ledger = self.ledger
        let (size, hashes) = try await Blocking.run { () -> (UInt64, [Hash]) in
            let checkpointSize = try ledger.latestCheckpoint().size
            let size = requested ?? checkpointSize
            guard size <= checkpointSize else {
                throw ServerError.usage("size \(size) exceeds the latest signed checkpoint's size \(checkpointSize)")
            }
            guard index < size else { throw ServerError.usage("index \(index) is outside the tree of size \(size)") }
            return (size, try ledger.store.read { try LogProofs.inclusion(index: index, size: size, in: $0) })
        }
        return JSONResponse.make(.object([
            "index": .int(Int64(index)), "size": .int(Int64(size)), "hashes": .array(hashes.map { .string($0.base64) }),
        ]))
    }

    func consistency(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let from = try Self.number(query.get("from"), name: "from")
        let requested = try Self.optionalNumber(query.get("to"), name: "to")
        let ledger = self.ledger
        let (to, hashes) = try await Blocking.run { () -> (UInt64, [Hash]) in
            let checkpointSize = try ledger.latestCheckpoint().size
            let to = requested ?? checkpointSize
            guard to <= checkpointSize else {
                throw ServerError.usage("to \(to) exceeds the latest signed checkpoint's size \(checkpointSize)")
            }
            guard from >= 1, from <= to else { throw ServerError.usage("from \(from) must lie between 1 and \(to)") }
            return (to, try ledger.store.read { try LogProofs.consistency(from: from, to: to, in: $0) })
        }
        return JSONResponse.make(.object([
            "from": .int(Int64(from)), "to": .int(Int64(to)), "hashes": .array(hashes.map { .string($0.base64) }),
        ]))
    }

    /// The tlog-proof of an entry against the published checkpoint (cosignatures included). An entry signed into a
    /// checkpoint that lacks the witness quorum gets 503 AWAITING-WITNESSES naming the missing cosignatures.
    func receipt(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let index = try Self.number(context.parameters.get("index"), name: "index")
        let ledger = self.ledger
        let policy = witnessPolicy
        let availability = try await Blocking.run { try ledger.store.read { try LogProofs.receipt(index: index, policy: policy, in: $0) } }
        let text: String
        switch availability {
        case .ready(let proof): text = proof.text
        case .awaitingWitnesses: throw ServerError.awaitingWitnesses("entry \(index): \(availability.reason!)")
        case .notCovered: throw ServerError.notFound("entry \(index): \(availability.reason!)")
        }
        return JSONResponse.text(text)
    }

    // MARK: Signed reads

    /// `GET /v1/entries/{index}`: the exact bytes of one entry, operator only.
    func entry(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try Visibility.require(principal, .operatorOnly, resource: "raw entries")
        let index = try Self.number(context.parameters.get("index"), name: "index")
        let ledger = self.ledger
        let bytes = try await Blocking.run { () -> [UInt8] in
            try ledger.store.read { r in
                guard index < (try r.treeSize()) else { throw ServerError.notFound("there is no entry \(index)") }
                return try r.entry(at: index)
            }
        }
        return JSONResponse.make(.object(["index": .int(Int64(index)), "data": .string(Base64.encode(bytes))]))
    }

    // MARK: Operations

    /// `GET /healthz`: `status` (ok / degraded / failing), the `reasons` behind it, the sizes, the verifier's last
    /// result, and whatever fields the parts that contribute to ``HealthState`` add. 503 when failing.
    func healthz(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let ledger = self.ledger
        let (tree, checkpoint) = try await Blocking.run {
            try ledger.store.read { r in (try r.treeSize(), try r.latestCheckpoint()?.size ?? 0) }
        }
        let report = await health.report()
        var body = report.fields
        body["treeSize"] = .int(Int64(tree))
        body["checkpointSize"] = .int(Int64(checkpoint))
        if let v = health.verify {
            body["verify"] = .object([
                "ok": .bool(v.ok), "time": .string(UTCInstant(seconds: v.finishedAt).description), "unixTime": .int(v.finishedAt),
                "size": .int(Int64(v.size)), "milliseconds": .int(v.milliseconds), "message": .string(v.message),
                "entriesChecked": .int(Int64(v.entriesChecked)),
            ])
        } else {
            body["verify"] = .null
        }
        let status = report.status
        body["status"] = .string(status.rawValue)
        body["reasons"] = .array(report.problems.map { $0.json })
        body["warnings"] = .array(report.warnings.map { $0.json })
        return JSONResponse.make(.object(body), status: status == .failing ? .serviceUnavailable : .ok)
    }

    func metrics(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        _ = await health.report()
        var buffer: [UInt8] = []
        registry?.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    // MARK: Parameters

    static func number(_ text: String?, name: String) throws -> UInt64 {
        guard let text else { throw ServerError.usage("query parameter \(name) is required") }
        guard !text.isEmpty, text.count <= 19, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            text == "0" || !text.hasPrefix("0"), let n = UInt64(text), n < UInt64(JSONValue.integerLimit)
        else { throw ServerError.usage("\(name) must be a non-negative decimal integer, got \(text.prefix(40))") }
        return n
    }

    static func optionalNumber(_ text: String?, name: String) throws -> UInt64? {
        guard let text else { return nil }
        return try number(text, name: name)
    }
}

/// Reads a request body up to a limit; an oversized body is read away up to `drainLimit` so the client sees the
/// 413 rather than a reset.
enum BodyReader {
    static func read(_ request: Request, limit: Int, drainLimit: Int) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > drainLimit {
            throw ServerError.bodyTooLarge(limit: limit)
        }
        var bytes: [UInt8] = []
        var total = 0
        for try await chunk in request.body {
            total += chunk.readableBytes
            if total > limit {
                bytes = []
                if total > drainLimit { break }
                continue
            }
            bytes += chunk.readableBytesView
        }
        guard total <= limit else { throw ServerError.bodyTooLarge(limit: limit) }
        return bytes
    }
}
