/// C2SP tlog-tiles hash tiles: coordinates, path encoding and contents.
///
/// A tile has height 8: a level-L tile holds up to 256 node hashes of tree level 8·L, tile N covering nodes
/// `[256·N, 256·N + 256)`. Paths are `tile/<L>/<N>[.p/<W>]` with N written in groups of three digits, every group but
/// the last prefixed by `x` (1234067 → `x001/x234/067`). A partial tile (`.p/W`, 1 ≤ W ≤ 255) holds the first W
/// hashes. Only the canonical spelling of a coordinate is accepted.
public struct TileCoordinate: Sendable, Equatable, CustomStringConvertible {
    public static let height = 8
    public static let width: UInt64 = 256
    /// Highest level: 8 · 7 = 56 is the last multiple of 8 below 64 tree levels.
    public static let maxLevel = 7

    public var level: Int
    public var index: UInt64
    /// nil for a full tile.
    public var partialWidth: Int?

    public init(level: Int, index: UInt64, partialWidth: Int? = nil) {
        self.level = level
        self.index = index
        self.partialWidth = partialWidth
    }

    /// `x001/x234/067` for 1234067.
    public static func encode(index: UInt64) -> String {
        var groups: [String] = []
        var n = index
        repeat {
            let g = String(n % 1000)
            groups.insert(String(repeating: "0", count: 3 - g.count) + g, at: 0)
            n /= 1000
        } while n > 0
        return groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }.joined(separator: "/")
    }

    /// The path below `tile/`.
    public var description: String {
        var s = "\(level)/\(Self.encode(index: index))"
        if let w = partialWidth { s += ".p/\(w)" }
        return s
    }

    /// The path from the root of a tlog-tiles tree: `tile/<L>/<N>[.p/<W>]`.
    public var path: String { "tile/" + description }

    /// Every hash tile a client needs for a tree of `size` leaves: at each level, the full tiles, then the partial
    /// tile at the right edge when the level's node count is not a multiple of 256. Lowest level first.
    public static func tiles(forTreeSize size: UInt64) -> [TileCoordinate] {
        var result: [TileCoordinate] = []
        for level in 0...maxLevel {
            let nodes = size >> UInt64(level * height)
            if nodes == 0 { break }
            for index in 0..<(nodes / width) { result.append(TileCoordinate(level: level, index: index)) }
            if nodes % width != 0 { result.append(TileCoordinate(level: level, index: nodes / width, partialWidth: Int(nodes % width))) }
        }
        return result
    }

    /// Parses the components after `tile/`; nil unless canonical.
    public init?(components: [Substring]) {
        guard components.count >= 2, let levelText = components.first, levelText.count == 1,
            let level = Int(levelText), (0...Self.maxLevel).contains(level)
        else { return nil }
        var rest = Array(components.dropFirst())
        var width: Int?
        if rest.count >= 2, rest[rest.count - 2].hasSuffix(".p") {
            let w = rest.removeLast()
            guard let value = Int(w), (1...255).contains(value), String(value) == w else { return nil }
            width = value
            rest[rest.count - 1] = rest[rest.count - 1].dropLast(2)
        }
        var index: UInt64 = 0
        for (i, group) in rest.enumerated() {
            let digits = i < rest.count - 1 ? (group.hasPrefix("x") ? group.dropFirst() : "") : group
            guard digits.count == 3, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let g = UInt64(digits) else { return nil }
            let (m, o1) = index.multipliedReportingOverflow(by: 1000)
            let (sum, o2) = m.addingReportingOverflow(g)
            guard !o1, !o2 else { return nil }
            index = sum
        }
        guard index <= UInt64.max / Self.width else { return nil }
        self.init(level: level, index: index, partialWidth: width)
        guard description == "\(levelText)/" + rest.joined(separator: "/") + (width.map { ".p/\($0)" } ?? "") else { return nil }
    }

    /// The tile's bytes in a tree of `size` leaves (a signed checkpoint's size), or nil if the tile is not complete
    /// at that size.
    public func contents(treeSize size: UInt64, reader: any LedgerReader) throws -> [UInt8]? {
        let nodeLevel = level * Self.height
        let available = size >> UInt64(nodeLevel)
        let count = UInt64(partialWidth ?? Int(Self.width))
        let start = index * Self.width
        guard start <= available, count <= available - start else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(Int(count) * 32)
        for i in 0..<count {
            out += try reader.nodeHash(NodeID(level: nodeLevel, index: start + i)).bytes
        }
        return out
    }
}
