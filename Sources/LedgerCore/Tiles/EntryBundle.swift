/// C2SP tlog-tiles entry bundles: the log's entries in groups of 256, at `tile/entries/<N>[.p/<W>]`.
///
/// A bundle is its entries in index order, each as a big-endian 16-bit length and the entry's exact bytes; bundle N
/// holds entries `[256·N, 256·N + 256)`, a partial one (`.p/W`) the first W of them. Entries are below
/// ``CanonicalJSON/maxEntryBytes`` (65,535) bytes, so every length fits.
///
/// Bundles hold the enterprises' business data: unlike hash tiles they are not public (SPEC §4.2).
public enum EntryBundle {
    /// `tile/entries/<N>[.p/<W>]`, with N in the hash tiles' `x`-group spelling.
    public static func path(index: UInt64, partialWidth: Int? = nil) -> String {
        "tile/entries/" + TileCoordinate.encode(index: index) + (partialWidth.map { ".p/\($0)" } ?? "")
    }

    /// The bundle of `entries`.
    ///
    /// - Throws: ``LedgerError/outOfRange(_:)`` for an entry of 65,536 bytes or more (none is ever appended).
    public static func encode(_ entries: [[UInt8]]) throws(LedgerError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(0) { $0 + 2 + $1.count })
        for entry in entries {
            guard entry.count <= Int(UInt16.max) else {
                throw .outOfRange("an entry of \(entry.count) bytes does not fit an entry bundle's 16-bit length")
            }
            out.append(UInt8(entry.count >> 8))
            out.append(UInt8(entry.count & 0xff))
            out += entry
        }
        return out
    }

    /// The entries of a bundle, in order.
    ///
    /// - Throws: ``LedgerError/integrity(index:_:)`` when a length runs past the end of the bundle.
    public static func decode(_ bundle: [UInt8]) throws(LedgerError) -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var at = 0
        while at < bundle.count {
            guard at + 2 <= bundle.count else { throw .integrity(index: nil, "an entry bundle ends inside an entry's length") }
            let length = Int(bundle[at]) << 8 | Int(bundle[at + 1])
            guard at + 2 + length <= bundle.count else {
                throw .integrity(index: nil, "an entry bundle's entry \(entries.count) of \(length) bytes runs past its end")
            }
            entries.append(Array(bundle[(at + 2)..<(at + 2 + length)]))
            at += 2 + length
        }
        return entries
    }
}
