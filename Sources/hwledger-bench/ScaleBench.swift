import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerServer
import TransferLedger
import TransferRules

/// `hwledger-bench --scale N[,N2,…] [--seed S] [--samples K]`: for each N, builds a realistic ledger of N manifests
/// (``ScaleWorkload``), then measures what a deployment of that size gives: database size, bulk submit and full
/// verify against the Ed25519 limit measured in the same run, and, over HTTP on the real `hwledgerd` (a process on a
/// loopback port, signed in with a session cookie or signed requests as the API requires), the console's 待办 page for
/// a regulator and an enterprise, filtered list pages, the whitelist report, a quarter's statement, the first page
/// after a restart and the daemon's resident size. With several N, each page's growth from the smallest to the
/// largest N is printed against its 2× limit.
struct ScaleBench {
    let options: Bench.Options

    struct Row {
        var name: String
        var value: Double
        var unit: String
        /// The limit and whether the value must stay at or below it (`true`) or reach it (`false`).
        var limit: (Double, Bool)?
        var note = ""
    }

    func run() throws {
        let referenceDirectory = Bench.referenceDirectory()
        setenv("HWLEDGER_REFERENCE", referenceDirectory, 1)
        let reference = try ReferenceData.load(directory: referenceDirectory)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perCore = Bench(options: options).measureEd25519VerifyPerCore()
        let limit = perCore * Double(cores)
        let samples = options.samples == 2000 ? 50 : options.samples
        print("hwledger-bench --scale \(options.scale.map(String.init).joined(separator: ",")) --seed \(options.seed): \(cores) cores, "
              + String(format: "Ed25519 verify limit %.0f/s per core, %.0f/s on %d cores (measured now); pages over HTTP on hwledgerd, up to %d samples each",
                       perCore, limit, cores, samples))
        var pages: [Int: [String: Double]] = [:]
        for n in options.scale {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-scale-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { if ProcessInfo.processInfo.environment["HWLEDGER_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
            // Other work on the machine skews every figure: the load average is printed before and after.
            print("\n== N = \(n) manifests (\(dir.path)); load average \(Self.loadAverage())")
            let (rows, p99s) = try measure(n: n, dir: dir, reference: reference, limit: limit, cores: cores, samples: samples)
            pages[n] = p99s
            Self.printTable("N = \(n) manifests (load average after: \(Self.loadAverage()))", rows)
        }
        guard options.scale.count > 1, let small = options.scale.min(), let large = options.scale.max(), small != large else { return }
        var rows: [Row] = []
        for (name, p99) in pages[large]!.sorted(by: { $0.key < $1.key }) {
            guard let base = pages[small]?[name], base > 0 else { continue }
            rows.append(Row(name: "growth of p99: \(name)", value: p99 / base, unit: "×", limit: (2, true)))
        }
        Self.printTable("growth of each page's p99 from N = \(small) to N = \(large)", rows)
    }

    func measure(n: Int, dir: URL, reference: ReferenceData, limit: Double, cores: Int, samples: Int) throws -> ([Row], [String: Double]) {
        var rows: [Row] = []
        func add(_ row: Row) {
            rows.append(row)
            print("  " + Report.pad(row.name, 72) + String(format: "%12.2f ", row.value) + row.unit + (row.note.isEmpty ? "" : "  (\(row.note))"))
            fflush(nil)  // each figure as soon as it is measured, also into a file
        }
        let built = try ScaleWorkload(directory: dir, reference: reference, manifests: n, seed: options.seed).build()
        let mix = built.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("  events: \(built.events) (\(mix))")
        add(Row(name: "build: \(built.events) events, wall time (sign + submit + generate)", value: built.buildSeconds, unit: "s",
                limit: (1200, true), note: String(format: "%.0f events/s; signing %.0f s on %d cores", Double(built.events) / built.buildSeconds, built.signSeconds, cores)))
        add(Row(name: "bulk submit, library (signing excluded)", value: Double(built.events) / built.submitSeconds, unit: "events/s",
                limit: (0.8 * limit, false), note: "limit 0.8 × \(cores)-core Ed25519 verify"))
        let bytes = ["", "-wal", "-shm"].reduce(0) { sum, suffix in
            sum + ((try? FileManager.default.attributesOfItem(atPath: built.path + suffix)[.size] as? Int) ?? 0)
        }
        add(Row(name: "database size", value: Double(bytes) / 1_048_576, unit: "MiB", note: "\(bytes / max(1, n)) bytes per manifest"))
        if options.scaleBuildOnly { return (rows, [:]) }

        // Full verify through the CLI, as an operator runs it: the first run of `verify --state DIR` verifies every
        // entry and projection as `verify` does, and leaves the state the daemon then resumes from (--verifier-state),
        // as a deployment's daemon would have verified these entries as they came.
        let cli = Bench.executable("hwledger")
        let stateDir = dir.appendingPathComponent("verifier").path
        let (verifySeconds, verifyRSS, verifyStatus, _) = try Bench.runMeasured(cli, ["verify", "--db", built.path, "--state", stateDir])
        guard verifyStatus == 0 else { throw BenchError("hwledger verify exited \(verifyStatus)") }
        add(Row(name: "full verify, CLI verify --state, first run (\(built.events) entries)", value: Double(built.events) / verifySeconds, unit: "entries/s",
                limit: (0.95 * limit, false), note: String(format: "%.1f s; limit 0.95 × %d-core Ed25519 verify", verifySeconds, cores)))
        add(Row(name: "full verify, CLI peak RSS", value: Double(verifyRSS) / 1_048_576, unit: "MiB", limit: (100, true)))

        // The daemon, its pages over HTTP.
        let daemonArgs = [
            "--db", built.path, "--listen", "127.0.0.1:0", "--operator-key", built.operatorKeyPath, "--reference", Bench.referenceDirectory(),
            "--verifier-state", stateDir,
        ]
        let daemonStarted = Date()
        var daemon = try DaemonProcess(executable: Bench.executable("hwledgerd"), arguments: daemonArgs, timeout: 1800)
        var p99s: [String: Double] = [:]
        let asOf = ScaleWorkload.asOf.description
        let regulator = built.sichuan, enterprise = built.enterprise
        do {
            let port = daemon.port
            let regulatorCookie = try Self.signIn(port: port, key: regulator)
            let enterpriseCookie = try Self.signIn(port: port, key: enterprise)
            var pages = try Self.regulatorPages(port: port, cookie: regulatorCookie, key: regulator)
            pages.insert(("待办 page, enterprise (busiest generator, console)", 100, { try Self.get(port, "/ui/worklist?asOf=\(asOf)", cookie: enterpriseCookie) }), at: 1)
            pages.insert(("/v1/manifests?party=&status=received, enterprise", 50,
                          { try Self.get(port, "/v1/manifests?party=\(enterprise.name)&status=received&limit=100", key: enterprise) }), at: 3)
            // A started daemon verifies the log before anything else (the new entries and the re-checks when it resumes
            // a saved state, else the whole log): the regulator's page while that runs, then the time it takes; the page
            // figures below are of the daemon after it.
            if try Self.verifiedSize(port) == nil {
                let s = try Self.sample(samples: samples, daemon: daemon.process.processIdentifier, pages[0].request)
                add(Row(name: "待办 page, regulator, during the daemon's start-up verification p50", value: s.p50, unit: "ms", note: "\(s.count) samples"))
                add(Row(name: "待办 page, regulator, during the daemon's start-up verification p99", value: s.p99, unit: "ms"))
            }
            let verified = try Self.waitForVerification(port, since: daemonStarted)
            add(Row(name: "daemon start-up verification (start → first verification passed)", value: verified, unit: "s",
                    note: String(format: "%.0f entries/s", Double(built.events) / max(verified, 0.001))))
            for page in pages {
                let s = try Self.sample(samples: samples, daemon: daemon.process.processIdentifier, page.request)
                add(Row(name: page.name + " p50", value: s.p50, unit: "ms", note: s.note))
                add(Row(name: page.name + " p99", value: s.p99, unit: "ms", limit: page.limit.map { ($0, true) }))
                p99s[page.name] = s.p99
            }
            let (rss, hwm) = Self.residentMiB(pid: daemon.process.processIdentifier)
            add(Row(name: "daemon RSS after the page runs", value: rss, unit: "MiB", limit: (300, true)))
            add(Row(name: "daemon peak RSS (VmHWM) after the page runs", value: hwm, unit: "MiB", limit: (300, true)))

            // Restart: from process start to the first 待办 page answered (sign-in included), and that page alone.
            _ = daemon.stop(timeout: 120)
            let start = DispatchTime.now().uptimeNanoseconds
            daemon = try DaemonProcess(executable: Bench.executable("hwledgerd"), arguments: daemonArgs, timeout: 1800)
            let listening = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            let cookie = try Self.signIn(port: daemon.port, key: regulator)
            let t = DispatchTime.now().uptimeNanoseconds
            let signedIn = Double(t - start) / 1e6
            let first = try Self.get(daemon.port, "/ui/worklist?asOf=\(asOf)", cookie: cookie)
            guard first.status == 200 else { throw BenchError("first page after restart: \(first.status)") }
            let end = DispatchTime.now().uptimeNanoseconds
            add(Row(name: "restart: process start → first 待办 page answered", value: Double(end - start) / 1e6, unit: "ms", limit: (1000, true),
                    note: String(format: "listening after %.0f ms, signed in after %.0f ms", listening, signedIn)))
            add(Row(name: "restart: first 待办 page alone (regulator)", value: Double(end - t) / 1e6, unit: "ms", limit: (1000, true)))
            let (rss2, hwm2) = Self.residentMiB(pid: daemon.process.processIdentifier)
            add(Row(name: "daemon peak RSS (VmHWM) after restart + first page", value: hwm2, unit: "MiB", limit: (300, true),
                    note: String(format: "RSS %.0f MiB", rss2)))
        } catch {
            _ = daemon.stop(timeout: 30)
            throw error
        }
        _ = daemon.stop(timeout: 120)
        return (rows, p99s)
    }

    /// `--pages DIR`: the regulator's pages over HTTP on a ledger a `--scale` run kept (`HWLEDGER_BENCH_KEEP=1`), with
    /// the same seed: no build and no full verify (the daemon resumes the run's verifier state), to measure a change
    /// to the read path at 10^6 in minutes instead of the 45 of a build and a verify.
    func pagesOnly(_ dir: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        guard let db = names.first(where: { $0.hasPrefix("scale-") && $0.hasSuffix(".sqlite") }),
              let operatorKey = names.first(where: { $0.hasPrefix("operator-") && $0.hasSuffix(".key") })
        else { throw BenchError("\(dir) holds no ledger of a --scale run (scale-N.sqlite and operator-N.key)") }
        var rng = ScaleRandom(seed: options.seed)
        let regulator = try ScaleWorkload.firstKeys(&rng).sichuan
        let samples = options.samples == 2000 ? 50 : options.samples
        let args = [
            "--db", dir + "/" + db, "--listen", "127.0.0.1:0", "--operator-key", dir + "/" + operatorKey, "--reference", Bench.referenceDirectory(),
            "--verifier-state", dir + "/verifier",
        ]
        print("hwledger-bench --pages \(dir) --seed \(options.seed): \(db), load average \(Self.loadAverage())")
        let daemon = try DaemonProcess(executable: Bench.executable("hwledgerd"), arguments: args, timeout: 1800)
        defer { _ = daemon.stop(timeout: 120) }
        let verified = try Self.waitForVerification(daemon.port, since: Date())
        print(String(format: "  daemon start-up verification %.2f s", verified))
        fflush(nil)
        let cookie = try Self.signIn(port: daemon.port, key: regulator)
        for (name, _, request) in try Self.regulatorPages(port: daemon.port, cookie: cookie, key: regulator) where options.only.map(name.contains) ?? true {
            let s = try Self.sample(samples: samples, daemon: daemon.process.processIdentifier, request)
            print("  " + Report.pad(name, 60) + String(format: "p50 %8.2f ms  p99 %8.2f ms  (", s.p50, s.p99) + s.note + ")")
            fflush(nil)
        }
        let (rss, hwm) = Self.residentMiB(pid: daemon.process.processIdentifier)
        print(String(format: "  daemon RSS %.0f MiB (peak %.0f MiB); load average after ", rss, hwm) + Self.loadAverage())
    }

    /// The regulator's pages the bench samples, in order, with their limits (p99 ms; nil: none): 待办, the manifest
    /// lists, the whitelist report, a quarter's statement (the API's and the console's) and the console's approvals
    /// (the list, and the page of the first approved application it shows, with its shipments).
    static func regulatorPages(port: Int, cookie: String, key: SigningKey) throws -> [(name: String, limit: Double?, request: () throws -> WireResponse)] {
        let asOf = ScaleWorkload.asOf.description
        let approvals = try get(port, "/ui/approvals?state=approved", cookie: cookie)
        guard approvals.status == 200, let link = approvals.text.firstMatch(of: /href="(\/ui\/approvals\/[^"?#]+)"/)?.1 else {
            throw BenchError("the approvals page lists no approved application: \(approvals.status)")
        }
        let approval = String(link)
        return [
            ("待办 page, regulator REG-510000 (console /ui/worklist)", 100, { try get(port, "/ui/worklist?asOf=\(asOf)", cookie: cookie) }),
            ("/v1/manifests?status=inTransit, regulator", 50, { try get(port, "/v1/manifests?status=inTransit&limit=100", key: key) }),
            ("console manifest list /ui/manifests, regulator", 50, { try get(port, "/ui/manifests", cookie: cookie) }),
            ("/v1/whitelists/report?year=2025, regulator", nil, { try get(port, "/v1/whitelists/report?year=2025", key: key) }),
            ("console approvals /ui/approvals?state=approved", nil, { try get(port, "/ui/approvals?state=approved", cookie: cookie) }),
            ("console approval page with its shipments", 50, { try get(port, approval, cookie: cookie) }),
            ("/v1/compensation/statements 2025Q3 510000→500000", nil,
             { try get(port, "/v1/compensation/statements?quarter=2025Q3&payer=510000&payee=500000", key: key) }),
            ("console 补偿结算 /ui/compensation/2025Q3 (both directions)", nil, { try get(port, "/ui/compensation/2025Q3", cookie: cookie) }),
        ]
    }

    // MARK: HTTP

    /// Seconds a request may take before the bench gives up (the connection's receive timeout): at 10^6 manifests on
    /// today's design a first page takes minutes, which is a figure, not an error.
    static let timeout = 1800

    /// Signs in to the console (`/v1/session/challenge`, `/v1/session`) and returns the `hwl_session=…` cookie.
    static func signIn(port: Int, key: SigningKey) throws -> String {
        let r = try WireConnection(port: port, timeoutSeconds: Self.timeout).request("POST", "/v1/session/challenge")
        guard r.status == 200, let o = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any],
              let challenge = o["challenge"] as? String else { throw BenchError("challenge: \(r.status) \(r.text)") }
        let sig = key.sign(Array("hwledger/session/v1\n\(challenge)\n".utf8))
        let body = JSONValue.object([
            "principal": .string(key.name), "keyId": .string(key.verifier.keyIDHex), "challenge": .string(challenge), "sig": .string(Base64.encode(sig)),
        ])
        let s = try WireConnection(port: port, timeoutSeconds: Self.timeout).request("POST", "/v1/session", headers: [("Content-Type", "application/json")], body: body.canonicalBytes)
        guard s.status == 204, let set = s.headers["set-cookie"], let cookie = set.split(separator: ";").first else {
            throw BenchError("sign-in of \(key.name): \(s.status) \(s.text)")
        }
        return String(cookie)
    }

    /// The size the daemon's last verification run passed (`/healthz`'s `verify`), nil before the first one finished.
    static func verifiedSize(_ port: Int) throws -> Int? {
        let r = try WireConnection(port: port, timeoutSeconds: Self.timeout).request("GET", "/healthz")
        guard let o = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] else { throw BenchError("/healthz: \(r.status) \(r.text)") }
        guard let v = o["verify"] as? [String: Any] else { return nil }
        guard v["ok"] as? Bool == true else { throw BenchError("the daemon's verification failed: \(v["message"] ?? "")") }
        return v["size"] as? Int
    }

    /// Waits for the daemon's first verification run to pass; the seconds since the daemon was started.
    static func waitForVerification(_ port: Int, since started: Date) throws -> Double {
        while try verifiedSize(port) == nil { usleep(200_000) }
        return Date().timeIntervalSince(started)
    }

    static func get(_ port: Int, _ target: String, cookie: String) throws -> WireResponse {
        try WireConnection(port: port, timeoutSeconds: Self.timeout).request("GET", target, headers: [("Cookie", cookie)])
    }

    static func get(_ port: Int, _ target: String, key: SigningKey) throws -> WireResponse {
        let auth = SignedRequest.authorization(key: key, method: "GET", target: target, time: Int64(Date().timeIntervalSince1970))
        return try WireConnection(port: port, timeoutSeconds: Self.timeout).request("GET", target, headers: [("Authorization", auth)])
    }

    /// What ``sample(samples:daemon:_:)`` measured: p50 and p99 in ms, the count, the last body's size, and the
    /// daemon's CPU time (user + system, all threads) per timed request in ms.
    struct Sampled {
        var p50: Double
        var p99: Double
        var count: Int
        var size: Int
        var cpuPerRequest: Double

        /// `(N samples, S bytes, daemon CPU C ms per request)`.
        var note: String { String(format: "%d samples, %d bytes, daemon CPU %.2f ms per request", count, size, cpuPerRequest) }
    }

    /// One warm-up request, then up to `samples` timed ones (at least 3; no new one after 60 s), and the CPU time the
    /// daemon `daemon` spent meanwhile (a figure the client and the machine's other load do not move as they move
    /// latency). Any status but 200 stops the bench.
    static func sample(samples: Int, daemon: Int32, _ request: () throws -> WireResponse) throws -> Sampled {
        var response = try request()
        guard response.status == 200 else { throw BenchError("\(response.status): \(response.text.prefix(300))") }
        var times: [Double] = []
        let started = Date()
        let cpuBefore = cpuSeconds(pid: daemon)
        while times.count < samples && (times.count < 3 || Date().timeIntervalSince(started) < 60) {
            let t = DispatchTime.now().uptimeNanoseconds
            response = try request()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
            guard response.status == 200 else { throw BenchError("\(response.status): \(response.text.prefix(300))") }
        }
        let cpu = cpuSeconds(pid: daemon) - cpuBefore
        times.sort()
        func pct(_ p: Double) -> Double { times[min(times.count - 1, max(0, Int((Double(times.count) * p).rounded(.up)) - 1))] }
        return Sampled(p50: pct(0.5), p99: pct(0.99), count: times.count, size: response.body.count, cpuPerRequest: cpu * 1000 / Double(times.count))
    }

    /// User + system CPU seconds of process `pid`, all its threads (`/proc/PID/stat`, in clock ticks of 1/100 s).
    static func cpuSeconds(pid: Int32) -> Double {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // Fields after the command's closing parenthesis: state is field 3, utime 14 and stime 15.
        guard let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The 1, 5 and 15 minute load averages.
    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// VmRSS and VmHWM of a process, in MiB.
    static func residentMiB(pid: Int32) -> (Double, Double) {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                  let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
            return kb / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    // MARK: Output

    static func printTable(_ title: String, _ rows: [Row]) {
        print("\n" + Report.pad(title, 72) + "       value unit       limit            ratio  result")
        for row in rows {
            var line = Report.pad(row.name, 72) + String(format: "%12.2f ", row.value) + Report.pad(row.unit, 10)
            if let (limit, atMost) = row.limit {
                let ratio = row.value / limit
                let pass = atMost ? ratio <= 1 : ratio >= 1
                line += Report.pad((atMost ? "≤ " : "≥ ") + String(format: "%.0f", limit), 12) + String(format: "%10.2f×  ", ratio) + (pass ? "pass" : "FAIL")
            } else {
                line += Report.pad("—", 12) + Report.pad("", 12) + "  —"
            }
            print(line)
        }
        fflush(nil)
    }
}
