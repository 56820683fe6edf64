/// What a compensation statement reads of a manifest (SPEC §2.6): its number, parties, basis, each line's waste code,
/// delivery time and received versions. Decoded from a stored ``ManifestRecord``'s bytes by field name, it leaves the fields statements
/// never read (events, pickup, handovers, corrections …) undecoded: a quarter's statement reads ~10^5 manifests at
/// national volume, and decoding whole records was half its time.
public struct StatementManifest: Sendable, Equatable, Decodable {
    /// The one member of a ``ManifestLine`` a statement reads.
    public struct Line: Sendable, Equatable, Decodable {
        public var wasteCode: String
    }

    /// The one member of ``ManifestRecord/Receipt`` a statement reads.
    public struct Delivery: Sendable, Equatable, Decodable {
        public var deliveredAt: UTCInstant
    }

    public var manifestNo: String
    public var generator: String
    public var receiver: String
    public var basis: Basis
    public var lines: [Line]
    public var returnOf: String?
    public var receipt: Delivery?
    public var versions: [ManifestRecord.Version]

    public init(_ m: ManifestRecord) {
        manifestNo = m.manifestNo
        generator = m.generator
        receiver = m.receiver
        basis = m.basis
        lines = m.lines.map { Line(wasteCode: $0.wasteCode) }
        returnOf = m.returnOf
        receipt = m.receipt.map { Delivery(deliveredAt: $0.deliveredAt) }
        versions = m.versions
    }
}
