import Foundation
import NIOCore

/// Served tiles kept in memory (issue 22: tiles at the speed of static files). A tile's contents never change once it
/// lies within a signed checkpoint — full and partial tiles alike (C2SP tlog-tiles) — and checkpoints only grow, so
/// a tile served once is served again from here without touching the store, by the router and, before it, by
/// ``CachedReadHandler`` on the event loop. Keyed by the request path (`/tile/0/x001/234`): only canonical paths of
/// tiles within a signed checkpoint are put here. Bounded by `capacity` tiles (8 KiB each at most), the least
/// recently added evicted first.
final class TileCache: @unchecked Sendable {
    let capacity: Int
    private let lock = NSLock()
    private var tiles: [String: ByteBuffer] = [:]
    private var order: [String] = []
    private var head = 0

    init(capacity: Int) { self.capacity = max(0, capacity) }

    func get(_ path: String) -> ByteBuffer? { lock.withLock { tiles[path] } }

    func put(_ path: String, _ bytes: ByteBuffer) {
        guard capacity > 0 else { return }
        lock.withLock {
            guard tiles[path] == nil else { return }
            if order.count - head >= capacity {
                tiles[order[head]] = nil
                head += 1
                if head > capacity { order.removeFirst(head); head = 0 }
            }
            tiles[path] = bytes
            order.append(path)
        }
    }
}
