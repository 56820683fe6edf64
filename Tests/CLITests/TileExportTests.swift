import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

/// `hwledger tiles export` and `tiles verify` (issue 22): the C2SP tlog-tiles layout a static server can serve,
/// written incrementally, read back by nginx, and recomputed here independently of the exporter and the verifier.
@Suite("hwledger tiles export and verify")
struct TileExportTests {
    static func json(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try #require(r.status == 0, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        return try CanonicalJSON.decode(Array(r.stdout.trimmingCharacters(in: .newlines).utf8))
    }

    static func export(_ ledger: CLILedger, to out: String, entries: Bool = false) throws -> JSONValue {
        try json(try ledger.run(["tiles", "export", "--db", ledger.db, "--out", out, "--json"] + (entries ? ["--entries"] : [])))
    }

    /// Every regular file under `dir` (relative path → inode and modification time).
    static func files(_ dir: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let path = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/" + path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            result[path] = "\(attributes[.systemFileNumber] ?? 0) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        return result
    }

    @Test("export writes the checkpoint and the tiles it needs; a second run writes nothing; after more appends only the new tiles are written")
    func incremental() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(299))
        let out = ledger.dir.path("tiles")
        let first = try Self.export(ledger, to: out)
        let size = try #require(first["checkpointSize"]?.intValue)
        #expect(size >= 256 && size < 512)
        let partial = size - 256
        #expect(first["tilesWritten"]?.intValue == 3 && first["checkpointWritten"] == .bool(true))
        let written = try Self.files(out)
        #expect(Set(written.keys) == ["checkpoint", "tile/0/000", "tile/0/001.p/\(partial)", "tile/1/000.p/1"], "\(written.keys)")
        #expect(!FileManager.default.fileExists(atPath: out + "/tile/entries"), "no entry bundle without --entries")
        #expect(try TileFiles(out).rootMatchesCheckpoint(entries: ledger.entries()))

        let second = try Self.export(ledger, to: out)
        #expect(second["tilesWritten"]?.intValue == 0 && second["tilesPresent"]?.intValue == 3)
        #expect(second["checkpointWritten"] == .bool(false))
        #expect(try Self.files(out) == written, "the second run rewrote a file")

        try ledger.submitAccepted(Events.sichuanRegistrations(300, firstSerial: 1000))
        let third = try Self.export(ledger, to: out)
        let grown = try #require(third["checkpointSize"]?.intValue)
        #expect(grown == size + 300)
        // Needed now: 0/000 (kept), 0/001 (now full), 0/002.p/W and 1/000.p/2.
        #expect(third["tilesWritten"]?.intValue == 3 && third["tilesPresent"]?.intValue == 1)
        let after = try Self.files(out)
        #expect(after["tile/0/000"] == written["tile/0/000"], "a full tile was rewritten")
        #expect(after["tile/0/001"] != nil && after["tile/0/002.p/\(grown - 512)"] != nil && after["tile/1/000.p/2"] != nil)
        #expect(after["tile/0/001.p/\(partial)"] != nil, "a superseded partial tile stays for clients of the older checkpoint")
        #expect(try TileFiles(out).rootMatchesCheckpoint(entries: ledger.entries()))
        #expect(!FileManager.default.fileExists(atPath: out + "/tile/entries"))
        #expect(!after.keys.contains { $0.contains(".tmp-") }, "a temporary file was left: \(after.keys)")
    }

    @Test("with --entries the bundles hold the log's entries in order, and a later run adds only the new bundles")
    func entryBundles() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(299))
        let out = ledger.dir.path("mirror")
        let first = try Self.export(ledger, to: out, entries: true)
        #expect(first["bundlesWritten"]?.intValue == 2)
        try ledger.submitAccepted(Events.sichuanRegistrations(10, firstSerial: 2000))
        let second = try Self.export(ledger, to: out, entries: true)
        #expect(second["bundlesWritten"]?.intValue == 1 && second["bundlesPresent"]?.intValue == 1)
        let entries = try ledger.entries()
        let size = try #require(second["checkpointSize"]?.intValue)
        #expect(Int64(entries.count) == size)
        let full = try TileFiles.bundle(out + "/tile/entries/000")
        let last = try TileFiles.bundle(out + "/tile/entries/001.p/\(size - 256)")
        #expect(full + last == entries)
        #expect(try TileFiles(out).rootMatchesCheckpoint(entries: entries))
    }

    @Test("an exported directory served by nginx verifies with tiles verify to the database's root; hwledgerd serves the same bytes; a changed byte fails")
    func servedByNginx() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(299))
        let out = ledger.dir.path("www")
        _ = try Self.export(ledger, to: out, entries: true)
        let nginx = try Nginx(root: out, dir: ledger.dir)
        defer { nginx.stop() }
        let url = "http://127.0.0.1:\(nginx.port)"
        let verified = try Self.json(try ledger.run(["tiles", "verify", "--tiles", url, "--vkey", ledger.vkey, "--entries", "--json"]))
        let database = try Self.json(try ledger.run(["verify", "--db", ledger.db, "--json"]))
        #expect(verified["root"] == database["root"] && verified["size"] == database["size"])
        #expect(verified["tilesRead"]?.intValue == 3 && verified["bundlesRead"]?.intValue == 2)

        // The daemon's /checkpoint and tiles are the exported bytes (the second tile request is the cached path).
        let daemon = try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"), arguments: ["--db", ledger.db, "--listen", "127.0.0.1:0", "--verify-interval", "3600"],
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
        defer { _ = daemon.stop(timeout: 10) }
        for path in ["checkpoint", "tile/0/000", "tile/0/000", "tile/1/000.p/1"] {
            let served = try WireConnection(port: daemon.port).request("GET", "/" + path)
            #expect(served.status == 200 && served.body == Array(FileManager.default.contents(atPath: out + "/" + path) ?? Data()), "\(path)")
        }

        // One changed byte in a tile, or a missing tile, and the tree no longer verifies.
        let tile = out + "/tile/0/000"
        var bytes = try #require(FileManager.default.contents(atPath: tile))
        bytes[100] ^= 1
        try bytes.write(to: URL(fileURLWithPath: tile))
        let tampered = try ledger.run(["tiles", "verify", "--tiles", url, "--vkey", ledger.vkey])
        #expect(tampered.status == 3, "\(tampered.stdout) \(tampered.stderr)")
        #expect(tampered.stderr.contains("error[INTEGRITY]"))
        try FileManager.default.removeItem(atPath: tile)
        let missing = try ledger.run(["tiles", "verify", "--tiles", url, "--vkey", ledger.vkey])
        #expect(missing.status == 66 && missing.stderr.contains("tile/0/000"), "\(missing.stderr)")
    }

    @Test("export refuses a directory whose checkpoint is of a larger tree, or is not a checkpoint", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
    func refusesRegression() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(3))
        let out = ledger.dir.path("tiles")
        let older = try ledger.copyDatabase(to: "older.sqlite")
        try ledger.submitAccepted(Events.sichuanRegistrations(3, firstSerial: 100))
        _ = try Self.export(ledger, to: out)
        let back = try ledger.run(["tiles", "export", "--db", older, "--out", out])
        #expect(back.status == 3 && back.stderr.contains("refusing to go back"), "\(back.stderr)")
        _ = FileManager.default.createFile(atPath: out + "/checkpoint", contents: Data("not a checkpoint\n".utf8))
        #expect(try ledger.run(["tiles", "export", "--db", ledger.db, "--out", out]).status == 3)
    }
}

/// An exported directory read back with no help from the code under test: paths spelled here, RFC 9162's MTH
/// computed here from SHA-256 alone.
struct TileFiles {
    let dir: String
    init(_ dir: String) { self.dir = dir }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Hash.sha256(bytes).bytes }

    /// RFC 9162 §2.1.1: MTH of a list of leaf hashes.
    static func mth(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.count == 1 { return leaves.first! }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let split = leaves.startIndex + k
        return sha256([1] + mth(leaves[..<split]) + mth(leaves[split...]))
    }

    func read(_ path: String) throws -> [UInt8] {
        [UInt8](try #require(FileManager.default.contents(atPath: dir + "/" + path), "\(path) is missing"))
    }

    static func bundle(_ path: String) throws -> [[UInt8]] {
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path), "\(path) is missing"))
        var entries: [[UInt8]] = []
        var at = 0
        while at < bytes.count {
            let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            entries.append(Array(bytes[(at + 2)..<(at + 2 + length)]))
            at += 2 + length
        }
        return entries
    }

    /// Whether the level-0 tiles hold the entries' leaf hashes, the level-1 tile the roots of each 256 of them, and
    /// all the leaves make the checkpoint's root (for trees below 65,536 leaves and 1,000 level-0 tiles).
    func rootMatchesCheckpoint(entries: [[UInt8]]) throws -> Bool {
        let lines = String(decoding: try read("checkpoint"), as: UTF8.self).split(separator: "\n")
        let size = try #require(Int(lines[1]))
        let root = try #require(Data(base64Encoded: String(lines[2])))
        var leaves: [[UInt8]] = []
        for n in 0..<((size + 255) / 256) {
            let width = min(256, size - n * 256)
            let bytes = try read(String(format: "tile/0/%03d", n) + (width < 256 ? ".p/\(width)" : ""))
            #expect(bytes.count == width * 32)
            leaves += stride(from: 0, to: bytes.count, by: 32).map { Array(bytes[$0..<($0 + 32)]) }
        }
        #expect(leaves == entries.prefix(size).map { Self.sha256([0] + $0) }, "the level-0 tiles are not the entries' leaf hashes")
        let level1 = try read("tile/1/000" + (size / 256 < 256 ? ".p/\(size / 256)" : ""))
        for k in 0..<(size / 256) {
            #expect(Array(level1[(k * 32)..<(k * 32 + 32)]) == Self.mth(leaves[(k * 256)..<(k * 256 + 256)]), "level-1 hash \(k)")
        }
        return Self.mth(leaves[...]) == [UInt8](root)
    }
}

/// nginx (Debian's package, scripts/setup.sh) serving a directory on a free loopback port, in the foreground, with its
/// own configuration and temporary paths under `dir`.
final class Nginx: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(root: String, dir: TempDirectory) throws {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        close(probe)
        let prefix = dir.path("nginx")
        try FileManager.default.createDirectory(atPath: prefix + "/temp", withIntermediateDirectories: true)
        let configuration = dir.write("nginx.conf", """
            daemon off;
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(prefix)/temp; proxy_temp_path \(prefix)/temp; fastcgi_temp_path \(prefix)/temp;
                uwsgi_temp_path \(prefix)/temp; scgi_temp_path \(prefix)/temp;
                default_type application/octet-stream;
                server { listen 127.0.0.1:\(port); root \(root); }
            }
            """)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-c", configuration, "-p", prefix, "-e", prefix + "/error.log"]
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? WireConnection(port: port).request("GET", "/checkpoint"))?.status == 200 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw TestFailure("nginx did not serve \(root) on port \(port)")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
