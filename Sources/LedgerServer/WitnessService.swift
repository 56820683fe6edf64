import Foundation
import LedgerCore
import LedgerHTTPClient
import Logging
import ServiceLifecycle
import TransferLedger

/// Asks one witness to cosign each new signed checkpoint (C2SP tlog-witness) and stores the cosignatures it returns.
///
/// One service per witness, so a slow or absent witness never delays another. It polls the latest checkpoint every
/// `pollInterval`; when the witness has not cosigned it, it POSTs `add-checkpoint` with the consistency proof from
/// the size it believes the witness holds (0 at start), retrying a 409 once from the size the witness names. It raises
/// the split-view alarm when the witness holds a checkpoint that cannot be in this log: a size above this log's tree
/// size, the same size with another root (a second 409 at that size), or a proof from its size that the witness
/// refuses (422). The alarm is sticky: the service stops asking that witness until the daemon restarts. After a failure it waits, doubling up to `maxBackoff`.
struct WitnessService: Service {
    let ledger: TransferLedger
    let endpoint: WitnessEndpoint
    let board: WitnessBoard
    let timeoutSeconds: Int
    let pollInterval: Duration
    let maxBackoff: Duration
    let logger: Logger

    enum Outcome {
        case cosigned(size: UInt64, timestamp: UInt64)
        case conflict(held: UInt64)
        case splitView(String)
        case failed(String)
    }

    func run() async throws {
        let ledger = self.ledger
        let name = endpoint.key.name
        let stored = try? await Blocking.run { () -> (UInt64, UInt64)? in
            try ledger.store.read { r in
                guard let size = try r.latestCosignedSize(witnesses: [name], quorum: 1) else { return nil }
                let line = try r.cosignatures(size: size).first { $0.hasPrefix("\u{2014} \(name) ") }
                return (size, line.flatMap(Cosignature.timestamp(ofLine:)) ?? 0)
            }
        }
        if let (size, time) = stored ?? nil { board.cosigned(name, size: size, at: Int64(time)) }
        var believedHeld: UInt64 = board.status(name)?.cosignedSize ?? 0
        var backoff = pollInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = pollInterval
            if board.status(name)?.splitView == nil,
                let latest = try? await Blocking.run({ try ledger.latestCheckpoint() }),
                latest.size > board.status(name)?.cosignedSize ?? 0
            {
                var outcome = await attempt(latest, old: believedHeld)
                if case .conflict(let held) = outcome, held <= latest.size {
                    believedHeld = held
                    outcome = await attempt(latest, old: held)
                    if case .conflict(let again) = outcome, again <= latest.size {
                        outcome = again == held && held == latest.size
                            ? .splitView("the witness holds a checkpoint of size \(held) whose root differs from this log's")
                            : .failed("the witness answered 409 twice (held \(held), then \(again))")
                    }
                }
                if case .conflict(let held) = outcome {
                    // The witness holds more than this checkpoint: a fork unless this log's tree is that large too
                    // (the checkpointer has not caught up yet).
                    believedHeld = held
                    let tree = (try? await Blocking.run { try ledger.store.read { try $0.treeSize() } }) ?? 0
                    outcome = held > tree
                        ? .splitView("the witness holds size \(held), larger than this log (\(tree) entries)")
                        : .failed("the witness holds size \(held); waiting for this log's checkpoint to reach it")
                }
                switch outcome {
                case .cosigned(let size, let timestamp):
                    believedHeld = size
                    board.cosigned(name, size: size, at: Int64(timestamp))
                    backoff = pollInterval
                    // A newer checkpoint may already be waiting: look again at once.
                    wait = .zero
                case .conflict:
                    break
                case .splitView(let message):
                    board.raiseSplitView(name, message)
                    logger.critical("SPLIT VIEW: a witness holds a checkpoint that is not in this log", metadata: [
                        "witness": "\(endpoint.label)", "detail": "\(message)",
                    ])
                case .failed(let message):
                    board.failed(name, message)
                    logger.warning("witness did not cosign", metadata: ["witness": "\(endpoint.label)", "error": "\(message)"])
                    wait = backoff
                    backoff = min(backoff * 2, maxBackoff)
                }
            }
            board.tick(now: Int64(Date().timeIntervalSince1970))
            let pause = wait
            if pause > .zero { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } }
        }
    }

    /// One add-checkpoint round trip for `checkpoint`, from `old`.
    func attempt(_ checkpoint: StoredCheckpoint, old: UInt64) async -> Outcome {
        if old > checkpoint.size { return .conflict(held: old) }
        let ledger = self.ledger
        let endpoint = self.endpoint
        let timeout = timeoutSeconds
        do {
            return try await Blocking.run { () -> Outcome in
                let proof = old == 0 || old == checkpoint.size
                    ? [] : try ledger.store.read { try LogProofs.consistency(from: old, to: checkpoint.size, in: $0) }
                let body = Array(("old \(old)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + checkpoint.note).utf8)
                let response: WireResponse
                do {
                    response = try WireConnection(host: endpoint.host, port: endpoint.port, timeoutSeconds: timeout)
                        .request("POST", endpoint.pathPrefix + "/add-checkpoint", headers: [("Content-Type", "text/plain")], body: body)
                } catch {
                    return .failed("cannot reach \(endpoint.url): \(error)")
                }
                return try Self.interpret(response, checkpoint: checkpoint, old: old, endpoint: endpoint, ledger: ledger)
            }
        } catch {
            return .failed("\(error)")
        }
    }

    static func interpret(
        _ response: WireResponse, checkpoint: StoredCheckpoint, old: UInt64, endpoint: WitnessEndpoint, ledger: TransferLedger
    ) throws -> Outcome {
        switch response.status {
        case 200:
            let note = try SignedNote(parsing: checkpoint.note)
            let lines: SignedNote
            do { lines = try SignedNote(parsing: note.text + "\n" + response.text) } catch {
                return .failed("the witness's answer is not signature lines: \(error)")
            }
            let mine = lines.signatures.filter { $0.name == endpoint.key.name && $0.keyID == endpoint.key.keyID }
            guard let line = mine.first,
                let cosignature = try? endpoint.key.cosignature(on: SignedNote(text: note.text, signatures: [line]))
            else { return .failed("the witness answered 200 without a valid cosignature from \(endpoint.key.name)") }
            try ledger.store.write { try $0.insertCosignature(size: checkpoint.size, witness: endpoint.key.name, line: line.line) }
            return .cosigned(size: checkpoint.size, timestamp: cosignature.timestamp)
        case 409:
            let text = response.text
            guard text.hasSuffix("\n"), let held = UInt64(text.dropLast()) else {
                return .failed("409 without a size body: \(text.prefix(80))")
            }
            if held == old && old == checkpoint.size {
                return .splitView("the witness holds a checkpoint of size \(held) whose root differs from this log's")
            }
            return .conflict(held: held)
        case 422:
            return .splitView("the witness refused this log's consistency proof from size \(old): its checkpoint of that size is not in this log")
        default:
            return .failed("HTTP \(response.status): \(response.text.prefix(200))")
        }
    }
}
