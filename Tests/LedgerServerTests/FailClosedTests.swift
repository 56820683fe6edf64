import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger

/// The database of a running, idle hwledgerd is edited with the sqlite3 CLI, as someone with access to the file
/// would: the daemon notices within its verify interval and fails closed until restarted on a log that verifies.
@Suite("Fail closed: the database of an idle hwledgerd tampered with sqlite3", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
struct FailClosedTests {
    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case entry, treeNode, checkpointRow, projectionRow, droppedTrigger
        var testDescription: String { rawValue }

        /// The sqlite3 script (a trigger dropped to make the edit is put back, so only the edit remains).
        var script: String {
            switch self {
            case .entry:
                "DROP TRIGGER entries_refuse_update; UPDATE entries SET data = CAST(replace(CAST(data AS TEXT), '\"type\"', '\"tYpe\"') AS BLOB) WHERE idx = 3; "
                    + "CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'entries are append-only: UPDATE refused'); END;"
            case .treeNode:
                "DROP TRIGGER tree_nodes_refuse_update; UPDATE tree_nodes SET hash = zeroblob(32) WHERE id = 1; "
                    + "CREATE TRIGGER tree_nodes_refuse_update BEFORE UPDATE ON tree_nodes BEGIN SELECT RAISE(ABORT, 'tree_nodes are append-only: UPDATE refused'); END;"
            case .checkpointRow:
                "DROP TRIGGER checkpoints_refuse_update; UPDATE checkpoints SET root = zeroblob(32) WHERE size = (SELECT min(size) FROM checkpoints); "
                    + "CREATE TRIGGER checkpoints_refuse_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE refused'); END;"
            case .projectionRow:
                "UPDATE projections SET value = value || X'20' WHERE kind = (SELECT min(kind) FROM projections);"
            case .droppedTrigger:
                "DROP TRIGGER entries_refuse_delete;"
            }
        }

        /// The checks that may name it.
        var checks: [String] {
            switch self {
            case .entry: ["sampled-entries"]
            case .treeNode: ["tree-nodes", "sampled-entries"]
            case .checkpointRow: ["checkpoints"]
            case .projectionRow: ["projections"]
            case .droppedTrigger: ["triggers"]
            }
        }
    }

    @Test("within one verify interval /healthz is failing, writes are 503 naming the check, no checkpoint is signed, published proofs are still served; restored and restarted it serves again", arguments: Tamper.allCases)
    func tamper(_ tamper: Tamper) throws {
        let d = try DaemonFixture()
        let batch = (0..<4).map { DaemonFixture.registration(serial: 7000 + $0).json }
        #expect(try d.post(.object(["batch": .array(batch)])).status == 201)
        let size = try d.checkpoint(atLeast: 6).checkpoint.size
        try wait("the verifier covers \(size) entries") { try d.request("GET", "/healthz").json?["verify"]?["size"]?.intValue == Int64(size) }
        let backup = d.dir.path("backup.sqlite")
        try #require(try sqlite(d.dbPath, ".backup '\(backup)'").status == 0)

        let edit = try sqlite(d.dbPath, tamper.script)
        try #require(edit.status == 0, "sqlite3: \(edit.stderr)")
        try wait("/healthz turns failing") { try d.request("GET", "/healthz").status == 503 }
        let health = try d.request("GET", "/healthz").json
        #expect(health?["status"]?.stringValue == "failing")
        let reason = health?["reasons"]?.arrayValue?.first
        #expect(reason?["code"]?.stringValue == "integrity")
        let message = reason?["message"]?.stringValue ?? ""
        #expect(tamper.checks.contains { message.contains("check \($0) failed") }, "\(message)")

        let write = try d.post(DaemonFixture.registration(serial: 7100).json)
        #expect(write.status == 503)
        #expect(write.rule == "INTEGRITY")
        #expect(tamper.checks.contains { write.json?["error"]?["message"]?.stringValue?.contains("check \($0) failed") == true }, "\(write.text)")
        #expect(try d.request("GET", "/v1/receipts/1").status == 200, "reads of published proofs go on")
        #expect(d.daemon.stderr.contains("critical"), "a critical log line")

        // Growth by another writer (the CLI's path) gets no checkpoint from the daemon.
        if tamper != .entry {
            _ = try d.test.submit("enterprise.registered", actor: "REG-510000", key: TestKeys.sichuan, body: [
                "uscc": .string(TestKeys.uscc(serial: 7200)), "name": "外部写入", "division": "510100", "roles": ["generator"],
            ])
        }
        Thread.sleep(forTimeInterval: 2.5)  // two checkpoint intervals: absence cannot be waited for
        let latest = try SignedCheckpoint(verifying: try d.request("GET", "/checkpoint").body, keys: [TestKeys.operatorKey.verifier])
        #expect(latest.checkpoint.size == size, "no checkpoint after the failure")
        #expect(try d.store.read { try $0.latestCheckpoint()?.size } == size)

        // Restored from the backup and restarted, it serves again.
        #expect(d.daemon.stop(timeout: 15) == 0)
        try #require(try sqlite(d.dbPath, ".restore '\(backup)'").status == 0)
        let again = try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", d.dbPath, "--listen", "127.0.0.1:0", "--operator-key", d.operatorKeyPath, "--verify-interval", "1"],
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
        defer { _ = again.stop(timeout: 10) }
        try wait("the restarted daemon verifies") {
            try WireConnection(port: again.port).request("GET", "/healthz").json?["verify"]?["ok"] == .bool(true)
        }
        let accepted = try WireConnection(port: again.port).request(
            "POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
            body: DaemonFixture.registration(serial: 7300).json.canonicalBytes)
        #expect(accepted.status == 201, "\(accepted.text)")
        let healthy = try WireConnection(port: again.port).request("GET", "/healthz")
        #expect(healthy.status == 200, "\(healthy.text)")
        #expect(healthy.json?["reasons"]?.arrayValue?.contains { $0["code"]?.stringValue == "integrity" } == false, "\(healthy.text)")
    }

    func sqlite(_ db: String, _ script: String) throws -> ProcessResult {
        try Run.executable("/usr/bin/sqlite3", [db], stdin: script)
    }
}
