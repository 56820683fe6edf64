import Foundation
import LedgerConsole
import LedgerServer
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

/// `hwledger-bench --worklist-page`: p50/p99 render time of the console's 待办 page (the worklist computation, the
/// province's anomalies and the template, without HTTP), on a given ledger (`--db DB --as P --as-of D`, e.g. the 2025
/// fixture) or on a fresh ledger of `--manifests N` intra-Chongqing manifests (filed, picked up, received; every
/// receipt back-entered, so every one is an A-RECEIPT-LATE anomaly of REG-500000: the worst case for the page).
struct WorklistPageBench {
    let options: Bench.Options

    func run() throws {
        let reference = try ReferenceData.load(directory: Bench.referenceDirectory())
        let makeLedger: () throws -> TransferLedger
        let principalID: String
        let asOf: CivilDate
        var dir: URL?
        if let db = options.db {
            let refDir = try SQLiteLedgerStore(path: db).read { try $0.meta("referencePath") }
            let data = try refDir.map { try ReferenceData.load(directory: $0) } ?? reference
            makeLedger = {
                TransferLedger(store: try SQLiteLedgerStore(path: db), reference: data, clock: TransferLedger.systemClock, logger: Logger(label: "bench"))
            }
            principalID = options.principal ?? "REG-510000"
            asOf = CivilDate(options.asOf ?? "2025-11-20")!
            print("hwledger-bench --worklist-page: \(db) as \(principalID) as of \(asOf)")
        } else {
            let d = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
            dir = d
            let start = Date()
            _ = try TransferWorkload(directory: d, reference: reference, manifests: options.manifests).run()
            print("hwledger-bench --worklist-page: built \(options.manifests) manifests in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            let path = d.appendingPathComponent("transfers.sqlite").path
            makeLedger = {
                TransferLedger(store: try SQLiteLedgerStore(path: path), reference: reference, clock: TransferLedger.systemClock, logger: Logger(label: "bench"))
            }
            principalID = options.principal ?? "REG-500000"
            asOf = CivilDate(options.asOf ?? "2025-06-30")!
        }
        defer { if let dir, ProcessInfo.processInfo.environment["HWLEDGER_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
        let ledger = try makeLedger()
        guard let province = Principal(principalID, origin: try ledger.origin()).flatMap({ p -> String? in
            if case .regulator(let province) = p { return province }
            return nil
        }) else { throw BenchError("--as must be a regulator (REG-…)") }
        let principal = ReadPrincipal.regulator(id: principalID, province: province)
        let samples = options.samples == 2000 ? (options.db == nil ? 20 : 200) : options.samples
        var html = ""
        func timed(_ ledger: TransferLedger) throws -> Double {
            let t = DispatchTime.now().uptimeNanoseconds
            html = try ConsoleBench.renderWorklist(ledger: ledger, principal: principal, asOf: asOf)
            return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6
        }
        // Cold: a facade that has read nothing yet (after a restart), decoding every manifest once.
        let cold = try (0..<3).map { _ in try timed(try makeLedger()) }.sorted()
        // Warm: the same facade again, the log unchanged since its last read (the manifest cache answers).
        for _ in 0..<2 { _ = try timed(ledger) }
        let times = try (0..<samples).map { _ in try timed(ledger) }.sorted()
        func pct(_ p: Double) -> Double { times[min(times.count - 1, Int((Double(times.count) * p).rounded(.up)) - 1)] }
        print(String(format: "worklist page render (%d samples, %d bytes of HTML): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                     samples, html.utf8.count, pct(0.50), pct(0.99), times.last ?? 0))
        print(String(format: "worklist page render, first after a restart (3 samples, each on a new facade): median %.1f ms, max %.1f ms",
                     cold[1], cold[2]))
    }
}
