import Dispatch

/// The pre-checks of a submission (``TransferLedger/Precheck``: canonical bytes, limits, shape, signatures) computed
/// on the other cores ahead of the writer, `chunk` items at a time and at most `ahead` chunks beyond the one the
/// writer is judging. The writer asks for item i's and waits only if its chunk is not done: a batch's transaction
/// begins after its first chunk is checked, and the signatures of the rest are checked while it runs.
///
/// Used by the thread that submits, one item after another; the chunks' jobs run on Dispatch's global queue.
final class PrecheckPipeline {
    static let chunk = TransferLedger.precheckChunk
    /// Chunks queued beyond the one being judged.
    static let ahead = 2

    private let ledger: TransferLedger
    private let items: [SignedSubmission]
    private let origin: String
    private var jobs: [Int: Job] = [:]
    private var launched = 0
    private var current: (chunk: Int, prechecks: [TransferLedger.Precheck])?

    init(ledger: TransferLedger, items: [SignedSubmission], origin: String) {
        self.ledger = ledger
        self.items = items
        self.origin = origin
        launch(through: Self.ahead)
    }

    /// Item `index`'s pre-check, waiting for its chunk if it is still running.
    func precheck(_ index: Int) throws -> TransferLedger.Precheck {
        let chunk = index / Self.chunk
        if current?.chunk != chunk {
            launch(through: chunk + Self.ahead)
            // Asked in order, a chunk's job is there; if not, the item is checked here (its signature in the transaction).
            guard let job = jobs.removeValue(forKey: chunk) else { return TransferLedger.Precheck(items[index]) }
            current = (chunk, try job.result())
        }
        return current!.prechecks[index - chunk * Self.chunk]
    }

    private func launch(through last: Int) {
        while launched <= last, launched * Self.chunk < items.count {
            let slice = Array(items[launched * Self.chunk..<min(items.count, (launched + 1) * Self.chunk)])
            jobs[launched] = Job(ledger: ledger, items: slice, origin: origin)
            launched += 1
        }
    }

    /// The pre-checks of one chunk, running in the background.
    final class Job: @unchecked Sendable {
        private let group = DispatchGroup()
        // Written once by the job before `group` leaves, read after `group.wait()`.
        private var outcome: Result<[TransferLedger.Precheck], any Error> = .success([])

        init(ledger: TransferLedger, items: [SignedSubmission], origin: String) {
            DispatchQueue.global().async(group: group) { [self] in
                outcome = Result { try ledger.prechecks(items, origin: origin) }
            }
        }

        func result() throws -> [TransferLedger.Precheck] {
            group.wait()
            return try outcome.get()
        }
    }
}
