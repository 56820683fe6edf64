/// Recomputes a tree from its tlog-tiles, as an auditor or mirror holding only the tiles does.
public enum TileTree {
    /// What ``check(size:readTile:readBundle:)`` found.
    public struct Result: Sendable, Equatable {
        /// The RFC 9162 root of the tree the level-0 tiles make.
        public var root: Hash
        /// Hash tiles read.
        public var tiles: Int
        /// Entry bundles read (0 without `readBundle`).
        public var bundles: Int
    }

    /// Reads every hash tile of a tree of `size` leaves and returns the root its leaf hashes make.
    ///
    /// Every tile must have its width's length; every hash in a tile above level 0 must be the root of the perfect
    /// subtree it stands for, computed from the leaf hashes; with `readBundle`, every entry bundle must hold entries
    /// whose leaf hashes are the level-0 tiles'. The caller compares the root with a signed checkpoint's: this does
    /// not check any signature, and a tile set made for another tree simply yields another root.
    ///
    /// - Parameters:
    ///   - size: the tree size (a checkpoint's).
    ///   - readTile: the bytes of one hash tile; throws when it cannot be read.
    ///   - readBundle: the bytes of entry bundle `index` (`partialWidth` nil for a full one), or nil to skip entries.
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming the first tile or entry that does not fit, or what the
    ///   readers throw.
    public static func check(
        size: UInt64, readTile: (TileCoordinate) throws -> [UInt8], readBundle: ((UInt64, Int?) throws -> [UInt8])? = nil
    ) throws -> Result {
        let tiles = TileCoordinate.tiles(forTreeSize: size)
        // Levels above 0 are small (1/256 of the one below): read them first, then stream the leaves.
        var upper: [Int: [Hash]] = [:]
        for tile in tiles where tile.level > 0 { upper[tile.level, default: []] += try hashes(of: tile, readTile(tile)) }
        var range = CompactRange()
        var bundles = 0
        for tile in tiles where tile.level == 0 {
            let leaves = try hashes(of: tile, readTile(tile))
            if let readBundle {
                let entries = try EntryBundle.decode(try readBundle(tile.index, tile.partialWidth))
                let path = EntryBundle.path(index: tile.index, partialWidth: tile.partialWidth)
                guard entries.count == leaves.count else {
                    throw LedgerError.integrity(index: nil, "\(path) holds \(entries.count) entries, its hash tile \(leaves.count)")
                }
                for (i, entry) in entries.enumerated() where TreeHasher.leafHash(entry) != leaves[i] {
                    throw LedgerError.integrity(index: tile.index * TileCoordinate.width + UInt64(i), "\(path): the entry's leaf hash is not the one in \(tile.path)")
                }
                bundles += 1
            }
            for leaf in leaves {
                for (node, hash) in range.append(leaf) where node.level > 0 && node.level % TileCoordinate.height == 0 {
                    let level = node.level / TileCoordinate.height
                    guard let stored = upper[level], node.index < UInt64(stored.count) else { continue }
                    guard stored[Int(node.index)] == hash else {
                        let tile = tiles.first { $0.level == level && $0.index == node.index / TileCoordinate.width }!
                        throw LedgerError.integrity(
                            index: nil, "hash \(node.index % TileCoordinate.width) of \(tile.path) is not the root of the subtree \(node) its leaves make")
                    }
                }
            }
        }
        return Result(root: range.root, tiles: tiles.count, bundles: bundles)
    }

    /// The hashes of one tile, whose length must be its width's.
    static func hashes(of tile: TileCoordinate, _ bytes: [UInt8]) throws -> [Hash] {
        let width = tile.partialWidth ?? Int(TileCoordinate.width)
        guard bytes.count == width * 32 else {
            throw LedgerError.integrity(index: nil, "\(tile.path) holds \(bytes.count) bytes, not \(width) hashes of 32 bytes")
        }
        return stride(from: 0, to: bytes.count, by: 32).map { Hash(bytes: bytes[$0..<($0 + 32)])! }
    }
}
