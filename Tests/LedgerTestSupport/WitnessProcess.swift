import Foundation
import LedgerCore
import LedgerHTTPClient

/// An RFC 6962 tree over test leaves, computed here from the RFC's recursive definitions (independently of
/// LedgerCore's proof builder), so the witness is checked against a second implementation.
public struct TestTree: Sendable {
    public var leaves: [Hash] = []

    public init(prefix: String, count: Int) {
        leaves = (0..<count).map { TreeHasher.leafHash(Array("\(prefix)-\($0)".utf8)) }
    }

    static func mth(_ d: ArraySlice<Hash>) -> Hash {
        if d.isEmpty { return TreeHasher.emptyRoot }
        if d.count == 1 { return d.first! }
        let k = split(d.count)
        return TreeHasher.nodeHash(mth(d.prefix(k)), mth(d.dropFirst(k)))
    }

    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    public func root(_ size: Int) -> Hash { Self.mth(leaves[0..<size]) }

    /// RFC 6962 §2.1.2 PROOF(m, D[n]).
    public func consistency(from m: Int, to n: Int) -> [Hash] {
        func sub(_ m: Int, _ d: ArraySlice<Hash>, _ b: Bool) -> [Hash] {
            if m == d.count { return b ? [] : [Self.mth(d)] }
            let k = Self.split(d.count)
            if m <= k { return sub(m, d.prefix(k), b) + [Self.mth(d.dropFirst(k))] }
            return sub(m - k, d.dropFirst(k), false) + [Self.mth(d.prefix(k))]
        }
        return m == 0 || m == n ? [] : sub(m, leaves[0..<n], true)
    }

    /// The checkpoint of the first `size` leaves, signed by `key`.
    public func checkpoint(_ size: Int, origin: String = WitnessFixture.origin, key: SigningKey = WitnessFixture.logKey) -> SignedCheckpoint {
        Checkpoint(origin: origin, size: UInt64(size), root: root(size)).signed(by: [key])
    }

    public func request(old: Int, size: Int, key: SigningKey = WitnessFixture.logKey) -> [UInt8] {
        AddCheckpointBody.make(old: old, proof: consistency(from: old, to: size), checkpoint: checkpoint(size, key: key).text)
    }
}

/// Request bodies built by hand from the tlog-witness text (not with the witness's own encoder).
public enum AddCheckpointBody {
    public static func make(old: Int, proof: [Hash], checkpoint: String) -> [UInt8] {
        var text = "old \(old)\n"
        for h in proof { text += h.base64 + "\n" }
        return Array((text + "\n" + checkpoint).utf8)
    }
}

/// A witness process (`hwledger witness serve`) on 127.0.0.1:0 with its own state file; restartable.
public final class WitnessFixture: @unchecked Sendable {
    /// The test ledger's origin and operator key (the same as ``TestKeys``).
    public static let origin = TestKeys.origin
    public static let logKey = TestKeys.operatorKey
    /// Another key under the same origin: not trusted by the witness.
    public static let strangerKey = try! SigningKey(name: origin, seed: [UInt8](repeating: 0xEE, count: 32))
    /// The two provinces' witness keys.
    public static let sichuan = try! CosignerSigningKey(name: "witness.test/sichuan", seed: [UInt8](repeating: 7, count: 32))
    public static let chongqing = try! CosignerSigningKey(name: "witness.test/chongqing", seed: [UInt8](repeating: 8, count: 32))
    public static let cosigner = sichuan

    let dir = TempDirectory()
    public let statePath: String
    let keyPath: String
    public let key: CosignerSigningKey
    public private(set) var process: DaemonProcess
    /// The address it listens on (an IPv4 or IPv6 literal).
    public let host: String
    /// `--tls-cert` and `--tls-key`: served over HTTPS when set.
    public let tls: (certificate: String, key: String)?

    public init(key: CosignerSigningKey = WitnessFixture.sichuan, host: String = "127.0.0.1", tls: (certificate: String, key: String)? = nil) throws {
        self.key = key
        self.host = host
        self.tls = tls
        statePath = dir.path("witness.sqlite")
        keyPath = dir.write("witness.key", key.fileText + "\n")
        process = try Self.start(keyPath: keyPath, statePath: statePath, host: host, port: 0, tls: tls)
    }

    static func start(keyPath: String, statePath: String, host: String = "127.0.0.1", port: Int, tls: (certificate: String, key: String)? = nil) throws -> DaemonProcess {
        try DaemonProcess(
            executable: Fixtures.executable("hwledger"),
            arguments: [
                "witness", "serve", "--key", keyPath, "--db", statePath, "--log", "\(origin)=\(logKey.verifier)",
                "--listen", host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)",
            ] + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? []))
    }

    public var port: Int { process.port }

    /// The base URL, `http[s]://HOST:PORT` (`urlHost` instead of the address when given, e.g. a name in the certificate).
    public func url(host urlHost: String? = nil) -> String {
        let h = urlHost ?? (host.contains(":") ? "[\(host)]" : host)
        return "\(tls == nil ? "http" : "https")://\(h):\(port)"
    }

    /// `--witness NAME=URL=VKEY` for hwledgerd.
    public func daemonArgument(label: String, host urlHost: String? = nil) -> String { "\(label)=\(url(host: urlHost))=\(key.verifier)" }

    /// SIGKILLs the witness.
    public func kill() {
        if process.process.isRunning { process.signal(SIGKILL) }
        _ = process.waitForExit(timeout: 10)
    }

    /// SIGKILLs and starts it again on a new port, or on the same one.
    public func restart(samePort: Bool = false) throws {
        let port = self.port
        kill()
        process = try Self.start(keyPath: keyPath, statePath: statePath, host: host, port: samePort ? port : 0, tls: tls)
    }

    deinit { _ = process.stop(timeout: 10) }

    public func post(_ body: [UInt8], port: Int? = nil) throws -> WireResponse {
        try WireConnection(port: port ?? self.port).request("POST", "/add-checkpoint", headers: [("Content-Type", "text/plain")], body: body)
    }

    /// `hwledger witness evidence --json`.
    public func evidence() throws -> JSONValue {
        let r = try Run.hwledger(["witness", "evidence", "--db", statePath, "--json"])
        guard r.status == 0 else { throw TestFailure("witness evidence exit \(r.status): \(r.stderr)") }
        return try CanonicalJSON.decode(Array(r.stdout.utf8))
    }

    /// The held (size, root) of the test origin.
    public func held() throws -> (UInt64, String)? {
        guard case .array(let logs)? = try evidence()["logs"], let log = logs.first(where: { $0["origin"]?.stringValue == Self.origin }),
            let size = log["size"]?.intValue, let root = log["root"]?.stringValue
        else { return nil }
        return (UInt64(size), root)
    }
}
