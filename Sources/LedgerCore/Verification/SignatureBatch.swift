import Foundation

/// One Ed25519 check: does `signature` over `message` verify under `key`?
public struct SignatureCheck: Sendable {
    public var message: [UInt8]
    public var signature: [UInt8]
    public var key: VerifierKey

    public init(message: [UInt8], signature: [UInt8], key: VerifierKey) {
        self.message = message
        self.signature = signature
        self.key = key
    }
}

/// Runs signature checks on every core. Ed25519 verification bounds both ingestion and verification, so it is
/// spread over the machine's cores; everything else stays sequential.
public enum SignatureBatch {
    /// The result of each check, in input order.
    public static func verify(_ checks: [SignatureCheck], parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) -> [Bool] {
        let workers = max(1, min(parallelism, checks.count))
        let results = ResultSlots(count: checks.count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < checks.count {
                let c = checks[i]
                results.set(i, c.key.isValidSignature(c.signature, for: c.message))
                i += workers
            }
        }
        return results.values
    }
}

final class ResultSlots: @unchecked Sendable {
    private var slots: [Bool]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: false, count: count) }
    func set(_ i: Int, _ value: Bool) { lock.withLock { slots[i] = value } }
    var values: [Bool] { lock.withLock { slots } }
}
