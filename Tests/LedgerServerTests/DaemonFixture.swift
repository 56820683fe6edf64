import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import TransferLedger
import TransferRules

/// A temp ledger (test genesis, one registered enterprise) served by the real `hwledgerd` binary on 127.0.0.1:0.
final class DaemonFixture: @unchecked Sendable {
    let dir = TempDirectory()
    let dbPath: String
    let operatorKeyPath: String
    let store: any LedgerStore
    let test: TestLedger
    let enterprise: String
    let enterpriseKey: SigningKey
    let daemon: DaemonProcess

    var port: Int { daemon.port }

    /// - Parameter databaseDirectory: where the ledger file lives (a small file system, for the disk-full tests);
    ///   the fixture's own temp directory by default.
    init(extraArguments: [String] = [], databaseDirectory: String? = nil) throws {
        dbPath = databaseDirectory.map { $0 + "/ledger.sqlite" } ?? TestDatabase.locator(in: dir)
        operatorKeyPath = dir.write("operator.key", TestKeys.operatorKey.fileText)
        store = try TestDatabase.open(dbPath, create: true)
        test = try TestLedger(store: store)
        enterprise = TestKeys.uscc(serial: 1)
        enterpriseKey = try test.register(enterprise)
        daemon = try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", dbPath, "--listen", "127.0.0.1:0", "--operator-key", operatorKeyPath, "--verify-interval", "1"]
                + extraArguments,
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
    }

    deinit { _ = daemon.stop(timeout: 10) }

    func connect() throws -> WireConnection { try WireConnection(port: port) }

    /// One request on a new connection.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> WireResponse {
        try connect().request(method, path, headers: headers, body: body)
    }

    func get(_ path: String, signedBy key: SigningKey? = nil, time: Int64? = nil) throws -> WireResponse {
        var headers: [(String, String)] = []
        if let key {
            let t = time ?? Int64(Date().timeIntervalSince1970)
            headers.append(("Authorization", Self.authorization(key: key, method: "GET", target: path, time: t)))
        }
        return try request("GET", path, headers: headers)
    }

    func post(_ json: JSONValue) throws -> WireResponse {
        try request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: json.canonicalBytes)
    }

    /// The SPEC §4.2 header, built here independently of the server's code.
    static func authorization(key: SigningKey, method: String, target: String, time: Int64) -> String {
        let message = Array("hwledger/request/v1\n\(method)\n\(target)\n\(time)\n".utf8)
        let sig = Base64.encode(key.sign(message))
        return "HWL-Ed25519 principal=\(key.name),keyId=\(key.verifier.keyIDHex),time=\(time),sig=\(sig)"
    }

    /// A signed `enterprise.registered` by the Sichuan regulator.
    static func registration(serial: Int, key: SigningKey = TestKeys.sichuan, uscc: String? = nil, nonce: [UInt8]? = nil) -> SignedSubmission {
        UnsignedEvent(type: "enterprise.registered", actor: "REG-510000", body: [
            "uscc": .string(uscc ?? TestKeys.uscc(serial: serial)), "name": "测试企业", "division": "510100", "roles": ["generator"],
        ]).signed(with: key, at: TransferLedger.systemClock(), nonce: nonce ?? randomNonce())
    }

    /// Waits until the daemon's signed checkpoint reaches `size`.
    func checkpoint(atLeast size: UInt64, timeout: Double = 10) throws -> SignedCheckpoint {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let response = try request("GET", "/checkpoint")
            let signed = try SignedCheckpoint(verifying: response.body, keys: [TestKeys.operatorKey.verifier])
            if signed.checkpoint.size >= size { return signed }
            guard Date() < deadline else { throw TestFailure("checkpoint stayed at \(signed.checkpoint.size), wanted \(size)") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}

extension WireResponse {
    var json: JSONValue? { try? CanonicalJSON.decode(body) }
    var rule: String? { json?["error"]?["rule"]?.stringValue }
}

/// Polls `condition` every 0.1 s until it holds; fails naming `what` after `timeout` seconds.
func wait(_ what: String, timeout: Double = 10, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else { throw TestFailure("timed out waiting until \(what)") }
        Thread.sleep(forTimeInterval: 0.1)
    }
}
