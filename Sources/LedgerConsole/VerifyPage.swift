import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerServer
import Mustache
import NIOCore
import TransferLedger

/// The public check page of a printed 联单 (`/ui/v#…`, no sign-in) and the public, index-only resources it reads
/// besides `/v1/receipts/I` (docs/decisions/016). The fragment never reaches the server; the page is the same for
/// every visitor: the verifier keys it pins (operator, witnesses with their regulators' names, the quorum) and the
/// register's names and party keys, all read from the log.
struct VerifyPages: Sendable {
    let services: ServerServices
    let registry = VerifyRegistry()
    var ledger: TransferLedger { services.ledger }

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        do { try library.register(String(decoding: PackageResources.verify_mustache, as: UTF8.self), named: "verify") } catch {
            fatalError("console template verify does not parse: \(error)")
        }
        return library
    }()

    static let assets: [String: (contentType: String, bytes: [UInt8])] = [
        "verify.js": ("text/javascript; charset=utf-8", PackageResources.verify_js),
        "verify-dictionary.txt": ("text/plain; charset=utf-8", PackageResources.verify_dictionary_txt),
    ]

    /// `GET /ui/v`: the page, with the pinned keys and the register as JSON data (not script) and in words.
    func page(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let ledger = self.ledger, registry = self.registry
        do {
            let values = try await Blocking.run { () -> TemplateValues in
                let snapshot = try registry.current(ledger)
                let policy = try ledger.witnessPolicy()
                let operatorKeys = try ledger.activeOperatorVerifierKeys()
                return TemplateValues(try Self.context(snapshot: snapshot, origin: try ledger.origin(), operatorKeys: operatorKeys, policy: policy))
            }
            return Page.html(Self.library.render(values.values, withTemplate: "verify") ?? "")
        } catch {
            return Page.error(error)
        }
    }

    static func context(snapshot s: VerifyRegistry.Snapshot, origin: String, operatorKeys: [VerifierKey], policy: WitnessPolicy) throws -> [String: Any] {
        let witnesses = policy.witnesses.map { w -> [String: Any] in
            let regulator = s.witnessRegulators[w.description]
            return ["key": w.description, "name": regulator.flatMap { s.names[$0] } ?? w.name]
        }
        var parties: [String: Any] = [:]
        for (principal, keys) in s.keys {
            parties[principal] = [
                "name": s.names[principal] ?? principal,
                "keys": keys.map { k -> [Any] in [k.keyID, Base64.encode(k.publicKey), k.addedAt, k.revokedAt.map { $0 as Any } ?? NSNull()] },
            ]
        }
        for (id, name) in s.names where parties[id] == nil { parties[id] = ["name": name, "keys": [] as [Any]] }
        let pins: [String: Any] = [
            "origin": origin, "operatorKeys": operatorKeys.map(\.description), "witnesses": witnesses, "quorum": policy.quorum,
            "parties": parties, "size": s.size,
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: pins, options: [.sortedKeys]), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
        return [
            "pins": json, "origin": origin, "quorum": policy.quorum, "witnessCount": policy.witnesses.count,
            "operatorKeys": operatorKeys.map { ["key": $0.description] }, "witnesses": witnesses,
            "hasWitnesses": !witnesses.isEmpty,
        ]
    }

    /// `GET /ui/v/heads/{prefix}`: `<head key hex> <latest entry index>` for every manifest whose head key starts
    /// with the three hex digits `prefix` (a bucket, so that the request does not name one manifest).
    func heads(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let prefix = context.parameters.get("prefix") ?? ""
        guard prefix.utf8.count == 3, Hex.isLowerHex(prefix + "0", count: 4) else {
            throw ServerError.usage("prefix must be 3 lower-case hex digits")
        }
        let ledger = self.ledger, registry = self.registry
        let lines = try await Blocking.run { () -> [String] in
            try registry.current(ledger).heads.values.map { "\($0.key.hex) \($0.latest)" }.filter { $0.hasPrefix(prefix) }.sorted()
        }
        return JSONResponse.text(lines.map { $0 + "\n" }.joined())
    }

    /// `GET /ui/v/pending/{index}`: the tlog-proof of an entry against the latest signed checkpoint with whatever
    /// cosignatures it has, for the page to check against the operator's signature alone while `/v1/receipts/I`
    /// answers 503 AWAITING-WITNESSES. The page says so and marks the result weaker.
    func pending(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let text = context.parameters.get("index") ?? ""
        guard !text.isEmpty, text.utf8.count <= 16, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let index = UInt64(text) else {
            throw ServerError.usage("index must be a non-negative decimal integer")
        }
        let ledger = self.ledger
        let proof = try await Blocking.run { () -> TlogProof? in
            try ledger.store.read { r in
                guard let latest = try r.latestCheckpoint(), index < latest.size else { return nil }
                return try LogProofs.receipt(index: index, checkpoint: try r.withCosignatures(latest), in: r)
            }
        }
        guard let proof else { throw ServerError.notFound("entry \(index) is not covered by a signed checkpoint") }
        return JSONResponse.text(proof.text)
    }

    /// `GET /ui/v/assets/{name}`: the page's script and the fragment's DEFLATE dictionary.
    func asset(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        guard let name = context.parameters.get("name"), let file = Self.assets[name] else {
            return Page.error(ServerError.notFound("no such asset"))
        }
        return Response(
            status: .ok,
            headers: [.contentType: file.contentType, .cacheControl: "no-cache", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
