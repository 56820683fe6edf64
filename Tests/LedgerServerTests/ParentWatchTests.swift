import Foundation
import LedgerTestSupport
import Testing

/// Issue 23: a daemon whose starter dies without stopping it stops by itself (HWLEDGER_PARENT_PID), so no test run
/// leaves an `hwledgerd` on a temp ledger behind.
@Suite("No process left behind")
struct ParentWatchTests {
    /// Whether `pid` is still running (a zombie waiting for its reaper counts as ended).
    static func running(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return !status.contains("State:\tZ")
    }

    @Test("hwledgerd started with HWLEDGER_PARENT_PID stops within seconds once that parent has exited", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
    func daemonOutlivesNoParent() throws {
        let d = try DaemonFixture()
        let db = d.dbPath
        // A shell starts a second daemon on a copy of the ledger as its child, prints its pid and exits at once.
        let copy = d.dir.path("copy.sqlite")
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let script = "HWLEDGER_PARENT_PID=$$ \(Fixtures.executable("hwledgerd")) --db \(copy) --listen 127.0.0.1:0 --operator-key \(d.operatorKeyPath) >/dev/null 2>&1 & echo $!; sleep 1"
        let r = try Run.executable("/bin/sh", ["-c", script], environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
        let pid = try #require(Int32(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(r.stdout) \(r.stderr)")
        let deadline = Date().addingTimeInterval(15)
        while Self.running(pid), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let stillRunning = Self.running(pid)
        if stillRunning { kill(pid, SIGKILL) }
        #expect(!stillRunning, "the orphaned daemon \(pid) was still running 15 s after its parent exited")
    }
}
