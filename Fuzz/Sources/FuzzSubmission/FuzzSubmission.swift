import Foundation
import LedgerCore
import Logging
import TransferLedger
import TransferRules
import FuzzDriver

/// libFuzzer entry point for submission and event decoding, end to end through ``TransferLedger/submit(_:)``.
///
/// The input is one JSON document: an event or an array of up to ``maxItems`` events. Each event is either
/// - `{"submission":{…},"sig":"…"}` (``SignedSubmission/init(json:)``), submitted as given, except that a signature
///   of 64 zero bytes (`"AAAA…AA=="`) is replaced by the fixture key of the submission's actor, so the fuzzer can
///   mutate a submission and still get past R-SIG; or
/// - `{"type","actor","body"}` (``UnsignedEvent/init(json:)``), signed with the actor's fixture key (a throwaway
///   key if the actor has none) and a nonce from its position.
///
/// Every input runs against a fresh ``InMemoryLedgerStore`` holding the fixture ledger's genesis and its first
/// events (fixtures/ledger/events.jsonl up to the first manifest-number placeholder: the enterprises, their keys,
/// permits, whitelists, rates and the first approval and manifest), so the event decoders and rules are reachable.
///
/// Invariants: nothing traps; ``Entry/init(bytes:)`` on the raw input accepts only canonical bytes; every parsed
/// submission re-encodes canonically and re-parses to an equal value; ``TransferLedger/submit(_:)`` returns one
/// outcome per item and the tree grows by exactly the number appended; every appended entry parses back with
/// ``Entry/init(bytes:)``. Not checked: that the rules decide correctly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let entry = try? Entry(bytes: bytes) {
        precondition(entry.canonicalBytes == bytes, "Entry(bytes:) accepted non-canonical bytes")
    }
    guard let value = try? CanonicalJSON.decode(bytes) else { return 0 }
    let elements: [JSONValue]
    if case .array(let a) = value { elements = Array(a.prefix(maxItems)) } else { elements = [value] }
    var items: [SignedSubmission] = []
    for (i, element) in elements.enumerated() {
        if let signed = try? SignedSubmission(json: element) {
            checkRoundTrip(signed.submission)
            if signed.signature == zeroSignature {
                let key = world.key(for: signed.submission.actor)
                items.append(SignedSubmission(submission: signed.submission, signature: signed.submission.signature(with: key)))
            } else {
                items.append(signed)
            }
        } else if let event = try? UnsignedEvent(json: element) {
            let nonce = [UInt8](repeating: 0xF0, count: 15) + [UInt8(i)]
            let signed = event.signed(with: world.key(for: event.actor), at: world.time, nonce: nonce)
            checkRoundTrip(signed.submission)
            items.append(signed)
        }
    }
    guard !items.isEmpty else { return 0 }
    let store = InMemoryLedgerStore()
    let ledger = TransferLedger(store: store, reference: world.reference, clock: { world.time }, logger: world.logger)
    do {
        try ledger.initialise(genesis: world.genesis, operatorKey: world.operatorKey, operatorKeyPath: nil)
        let setup = try ledger.submit(world.setup)
        precondition(setup.allSatisfy { if case .appended = $0 { true } else { false } }, "fixture prefix rejected: \(setup)")
        let before = try store.read { try $0.treeSize() }
        let outcomes = try ledger.submit(items)
        precondition(outcomes.count == items.count, "\(outcomes.count) outcomes for \(items.count) submissions")
        let appended = outcomes.filter { if case .appended = $0 { true } else { false } }.count
        let after = try store.read { try $0.treeSize() }
        precondition(after == before + UInt64(appended), "tree grew by \(after - before), \(appended) appended")
        for index in before..<after {
            let entryBytes = try store.read { try $0.entry(at: index) }
            guard let entry = try? Entry(bytes: entryBytes) else { fatalError("appended entry \(index) does not parse") }
            precondition(entry.index == index, "entry \(index) carries index \(entry.index)")
        }
    } catch {
        // The in-memory store does no I/O: any error thrown (not returned as a rejection) is a bug.
        fatalError("submit threw instead of rejecting: \(error)")
    }
    return 0
}

/// Most events taken from one input: enough for a short transfer, small enough to keep executions fast.
let maxItems = 16

/// `base64` of 64 zero bytes: "sign this with the actor's fixture key".
let zeroSignature = [UInt8](repeating: 0, count: 64)

func checkRoundTrip(_ submission: Submission) {
    let canonical = submission.canonicalBytes
    guard let value = try? CanonicalJSON.decode(canonical), let again = try? Submission(json: value) else {
        fatalError("canonical submission does not re-parse: \(String(decoding: canonical, as: UTF8.self))")
    }
    precondition(again == submission, "Submission(json:) of its own canonical bytes differs")
    precondition(again.canonicalBytes == canonical, "submission canonical bytes are not a fixed point")
}

/// The fixture ledger (fixtures/ledger): reference data, genesis, keys, and the signed setup prefix.
struct World: @unchecked Sendable {
    let reference: ReferenceData
    let genesis: Genesis
    let operatorKey: SigningKey
    let keys: [String: SigningKey]
    let setup: [SignedSubmission]
    let time = UTCInstant("2025-03-01T08:00:00Z")!
    let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

    func key(for actor: String) -> SigningKey {
        keys[actor] ?? (try? SigningKey(name: actor, seed: [UInt8](repeating: 1, count: 32)))
            ?? (try! SigningKey(name: "fuzz-unknown", seed: [UInt8](repeating: 1, count: 32)))
    }

    init() {
        var dir = URL(fileURLWithPath: #filePath)
        repeat { dir.deleteLastPathComponent() } while dir.path != "/"
            && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("fixtures/ledger/genesis.json").path)
        func read(_ relative: String) -> String {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(relative), encoding: .utf8) else {
                fatalError("cannot read \(relative) under \(dir.path)")
            }
            return text
        }
        do {
            reference = try ReferenceData.load(directory: dir.appendingPathComponent("fixtures/reference").path)
            let keyDir = dir.appendingPathComponent("fixtures/ledger/keys")
            var keys: [String: SigningKey] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: keyDir.path) where name.hasSuffix(".key") {
                let key = try SigningKey(parsing: read("fixtures/ledger/keys/\(name)"))
                keys[key.name] = key
            }
            var genesisText = read("fixtures/ledger/genesis.json")
            for (name, key) in keys { genesisText = genesisText.replacingOccurrences(of: "@vkey:\(name)\"", with: "\(key.verifier)\"") }
            genesis = try Genesis(json: try CanonicalJSON.decode(genesisText))
            operatorKey = keys[genesis.origin]!
            self.keys = keys
            var setup: [SignedSubmission] = []
            for (i, line) in read("fixtures/ledger/events.jsonl").split(separator: "\n").enumerated() {
                if line.contains("\"@") { break }
                let event = try UnsignedEvent(json: try CanonicalJSON.decode(String(line)))
                let nonce = [UInt8](repeating: 0x5E, count: 14) + [UInt8(i >> 8), UInt8(i & 0xFF)]
                setup.append(event.signed(with: keys[event.actor]!, at: time, nonce: nonce))
            }
            self.setup = setup
        } catch {
            fatalError("loading the fixture ledger: \(error)")
        }
    }
}

let world = World()

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzSubmission_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
