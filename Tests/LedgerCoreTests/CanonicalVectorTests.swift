import Foundation
import LedgerCore
import Testing

/// `fixtures/canonical/vectors.json`: the vectors the Swift encoder and the console's `canonical.js` (browser test in
/// `Tests/browser/`) must both satisfy, byte for byte, in the same CI run (issue 11).
struct CanonicalVectorFile: Decodable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var desc: String
        var input: String
        var canonicalHex: String
        var testDescription: String { desc }
    }

    struct Reject: Decodable, Sendable, CustomTestStringConvertible {
        var desc: String
        var input: String
        var testDescription: String { desc }
    }

    var vectors: [Vector]
    var reject: [Reject]

    static let shared: CanonicalVectorFile = {
        do {
            let url = Vectors.url("x").deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("canonical/vectors.json")
            let data = try Data(contentsOf: url)
            return try JSONDecoder().decode(CanonicalVectorFile.self, from: data)
        } catch {
            fatalError("fixtures/canonical/vectors.json: \(error)")
        }
    }()
}

@Suite("Canonical JSON vectors shared with the browser")
struct CanonicalVectorTests {
    @Test("the vector file holds the cases the browser must also pass")
    func fileIsComplete() {
        let file = CanonicalVectorFile.shared
        #expect(file.vectors.count >= 20)
        #expect(file.reject.count >= 7)
        let descs = file.vectors.map(\.desc).joined(separator: "\n")
        for topic in ["Chinese", "control", "C1", "2^53", "nesting", "empty", "byte order"] {
            #expect(descs.contains(topic), "no vector about \(topic)")
        }
    }

    @Test("the Swift encoder gives each vector's bytes", arguments: CanonicalVectorFile.shared.vectors)
    func swiftGivesTheBytes(_ v: CanonicalVectorFile.Vector) throws {
        let value = try CanonicalJSON.decode(v.input)
        #expect(Hex.encode(CanonicalJSON.encode(value)) == v.canonicalHex)
        // The canonical form is a fixed point.
        #expect(CanonicalJSON.encode(try CanonicalJSON.decode(hexBytes(v.canonicalHex))) == hexBytes(v.canonicalHex))
    }

    @Test("the Swift decoder refuses each reject vector", arguments: CanonicalVectorFile.shared.reject)
    func swiftRefuses(_ r: CanonicalVectorFile.Reject) {
        #expect(throws: LedgerError.self) { try CanonicalJSON.decode(r.input) }
    }
}
