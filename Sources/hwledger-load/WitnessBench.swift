import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerStores

/// The witness part of `hwledger-load --witnesses N`: local `hwledger witness serve` processes, the count of
/// checkpoints that carry every witness's cosignature, and the latency from a 201 to a receipt with the quorum.
enum WitnessBench {
    struct Running {
        var process: DaemonProcess
        var argument: String
    }

    /// Starts `count` witnesses with new keys and state files in `dir`, each trusting `logKey` for `origin`.
    static func start(count: Int, in dir: URL, hwledger: String, origin: String, logKey: VerifierKey) throws -> [Running] {
        try (0..<count).map { i in
            let key = try CosignerSigningKey(generatingFor: "witness-\(i).hwledger-load.local")
            let keyPath = dir.appendingPathComponent("witness-\(i).key").path
            _ = FileManager.default.createFile(atPath: keyPath, contents: Data(key.fileText.utf8), attributes: [.posixPermissions: 0o600])
            let process = try DaemonProcess(executable: hwledger, arguments: [
                "witness", "serve", "--key", keyPath, "--db", dir.appendingPathComponent("witness-\(i).sqlite").path,
                "--log", "\(origin)=\(logKey)", "--listen", "127.0.0.1:0",
            ])
            return Running(process: process, argument: "w\(i)=http://127.0.0.1:\(process.port)=\(key.verifier)")
        }
    }

    /// Checkpoints in `db`: all signed, and those carrying at least `quorum` cosignatures.
    static func checkpoints(_ db: String, quorum: Int) throws -> (signed: Int, witnessed: Int) {
        let store = try StoreLocation(db).open()
        return try store.read { r in
            let all = try r.checkpoints()
            return (all.count, try all.filter { try r.cosignatures(size: $0.size).count >= quorum }.count)
        }
    }

    struct Latency {
        var samples: [Double]

        func print(interval: Double) {
            let s = samples.sorted()
            func p(_ q: Double) -> Double { s.isEmpty ? .nan : s[min(s.count - 1, Int(Double(s.count) * q))] * 1000 }
            Swift.print(String(
                format: "201 → receipt with quorum: %d samples, p50 %.1f ms, p99 %.1f ms, max %.1f ms (checkpoint interval %.0f ms)",
                s.count, p(0.5), p(0.99), (s.last ?? .nan) * 1000, interval * 1000))
        }
    }

    /// One submission at a time: POST, then poll `GET /v1/receipts/I` every millisecond until it answers 200.
    static func receiptLatency(port: Int, bodies: [[UInt8]]) throws -> Latency {
        let connection = try WireConnection(port: port)
        var samples: [Double] = []
        for body in bodies {
            let r = try connection.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: body)
            guard r.status == 201, let index = (try? CanonicalJSON.decode(r.body))?["index"]?.intValue else {
                throw WireError("submission answered \(r.status): \(r.text.prefix(200))")
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let deadline = t0 + 30_000_000_000
            while true {
                let receipt = try connection.request("GET", "/v1/receipts/\(index)")
                if receipt.status == 200 { break }
                guard DispatchTime.now().uptimeNanoseconds < deadline else { throw WireError("no witnessed receipt for \(index) within 30 s") }
                usleep(1000)
            }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return Latency(samples: samples)
    }
}
