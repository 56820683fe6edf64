import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// Issue 19: the daemon on a full disk. The ledger file lives on a small tmpfs (needs root, skipped with a message
/// otherwise) that is filled to the brim under a running `hwledgerd`.
@Suite("Storage full: the daemon names it, writes nothing half, and resumes when space returns", .serialized)
struct StorageFullTests {
    static func batch(_ range: Range<Int>) -> JSONValue {
        .object(["batch": .array(range.map { DaemonFixture.registration(serial: 50_000 + $0).json })])
    }

    static func health(_ d: DaemonFixture) throws -> (status: Int, json: JSONValue) {
        let r = try d.request("GET", "/healthz")
        return (r.status, try CanonicalJSON.decode(r.body))
    }

    static func reasonCodes(_ json: JSONValue) -> [String] {
        guard case .array(let reasons)? = json["reasons"] else { return [] }
        return reasons.compactMap { $0["code"]?.stringValue }
    }

    @Test(
        "a full file system: 507 STORAGE-FULL with the Chinese message, /healthz failing with free bytes, nothing half-written; space freed → the next submission succeeds without a restart",
        .enabled(if: SmallFilesystem.available, "mounting a tmpfs is not permitted here (needs root): disk-full test skipped"))
    func fullDisk() throws {
        let fs = try SmallFilesystem(megabytes: 4)
        let d = try DaemonFixture(extraArguments: ["--min-free-bytes", "1048576"], databaseDirectory: fs.mountPoint)
        let first = try d.post(Self.batch(0..<20))
        try #require(first.status == 201, "\(first.text)")
        _ = try d.checkpoint(atLeast: 23)
        let healthy = try Self.health(d)
        #expect(healthy.json["storage"]?["freeBytes"]?.intValue ?? 0 > 1_048_576, "\(healthy.json)")
        let metrics = try d.request("GET", "/metrics").text
        #expect(metrics.contains("hwledger_store_free_bytes"), "free bytes are a metric")
        #expect(metrics.contains("hwledger_store_filesystem_bytes"), "the file system's size is a metric")

        // Under the threshold: degraded before anything fails.
        var fillers = fs.fill()
        try #require(fillers.count > 4, "could not fill the file system")
        let low = try Self.health(d)
        #expect(Self.reasonCodes(low.json).contains("storage-low") || Self.reasonCodes(low.json).contains("storage-full"), "\(low.json)")

        // Submit until the disk refuses; the refused batch leaves nothing behind.
        var refused: WireResponse?
        var offset = 100
        for _ in 0..<200 {
            let size = try d.store.read { try $0.treeSize() }
            let r = try d.post(Self.batch(offset..<(offset + 200)))
            offset += 200
            if r.status == 507 {
                refused = r
                #expect(try d.store.read { try $0.treeSize() } == size, "the refused batch appended nothing")
                break
            }
            try #require(r.status == 201, "unexpected answer \(r.status): \(r.text)")
        }
        let answer = try #require(refused, "the disk never filled")
        let error = try CanonicalJSON.decode(answer.body)["error"]
        #expect(error?["rule"]?.stringValue == "STORAGE-FULL")
        #expect(error?["messageZh"]?.stringValue?.hasPrefix("服务器存储空间已满，本次未写入任何内容，请联系运维") == true, "\(answer.text)")

        let failing = try Self.health(d)
        #expect(failing.status == 503)
        #expect(failing.json["status"]?.stringValue == "failing")
        #expect(Self.reasonCodes(failing.json).contains("storage-full"), "\(failing.json)")
        #expect(failing.json["storage"]?["freeBytes"] != nil)
        // The signed checkpoint never covers a half-written batch: the log verifies on the full disk.
        let size = try d.store.read { try $0.treeSize() }
        let verify = try Run.hwledger(["verify", "--db", d.dbPath])
        #expect(verify.status == 0, "\(verify.stderr)")

        // Space returns: the next submission is appended, with no restart, and the log says so.
        for p in fillers { try FileManager.default.removeItem(atPath: p) }
        fillers.removeAll()
        let again = try d.post(Self.batch(9_000..<9_001))
        #expect(again.status == 201, "\(again.text)")
        #expect(try d.store.read { try $0.treeSize() } == size + 1)
        _ = try d.checkpoint(atLeast: size + 1)
        let recovered = try Self.health(d)
        #expect(!Self.reasonCodes(recovered.json).contains { $0.hasPrefix("storage") }, "\(recovered.json)")
        #expect(d.daemon.stderr.contains("storage recovered: writes resume"), "the recovery is logged")
        #expect(d.daemon.stderr.components(separatedBy: "writes refused: the ledger's storage failed").count == 2, "the failure is logged once")
    }
}
