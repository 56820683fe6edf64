import Foundation
import NIOCore

/// The published checkpoint's note as `/checkpoint` serves it, kept as bytes so that a request reads no store.
///
/// The daemon swaps it when it publishes: ``invalidate()`` is called after each checkpoint it signs and each witness
/// cosignature it stores, and the next request reloads it. A note loaded before an invalidation is not kept (a
/// generation counter), so a slow reload never brings back an older checkpoint. A writer in another process (the
/// CLI appending to the same database) is not seen at once: a note older than `maxAge` counts as absent, so its
/// checkpoints show within `maxAge` — `/checkpoint`'s own `Cache-Control: max-age=2` already lets clients be that late.
final class CheckpointCache: @unchecked Sendable {
    let maxAge: TimeAmount
    private let lock = NSLock()
    private var note: ByteBuffer?
    private var loadedAt: NIODeadline = .distantPast
    private var generation: UInt64 = 0

    init(maxAge: TimeAmount = .seconds(1)) { self.maxAge = maxAge }

    /// The note, unless absent, invalidated or older than `maxAge`.
    func current() -> ByteBuffer? {
        let now = NIODeadline.now()
        return lock.withLock {
            guard let note, now - loadedAt < maxAge else { return nil }
            return note
        }
    }

    /// The generation a reload starts in; pass it to ``store(_:loadedIn:)``.
    func beginLoad() -> UInt64 { lock.withLock { generation } }

    /// Keeps `note` unless the cache was invalidated since `generation` began.
    func store(_ note: ByteBuffer, loadedIn generation: UInt64) {
        let now = NIODeadline.now()
        lock.withLock {
            guard generation == self.generation else { return }
            self.note = note
            loadedAt = now
        }
    }

    /// A new checkpoint or cosignature was stored: the next request reloads.
    func invalidate() {
        lock.withLock {
            generation &+= 1
            note = nil
        }
    }
}
