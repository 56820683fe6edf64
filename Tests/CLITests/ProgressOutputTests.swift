import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// Long commands report progress on stderr (issue 23): `--progress` forces it, `--quiet` silences it, and stdout is
/// byte-identical either way.
@Suite("progress lines on stderr")
struct ProgressOutputTests {
    /// Entries in the large log. 200,000 in a debug build on two shared cores takes minutes (submit ≈ 1,400/s,
    /// verify ≈ 1,800/s here), so the default is 8,000 (each of the six verifies lasts seconds: several progress
    /// lines); `HWLEDGER_PROGRESS_ENTRIES=200000` runs the full size.
    static let entries = ProcessInfo.processInfo.environment["HWLEDGER_PROGRESS_ENTRIES"].flatMap(Int.init) ?? 8_000

    /// `verify: 4096/20001 entries (20%), 1893/s, 8.4s left` or the final `…, done in 10s`.
    static func isProgressLine(_ line: Substring, label: String, unit: String = "entries") -> Bool {
        let pattern = "^\(NSRegularExpression.escapedPattern(for: label)): [0-9]+/[0-9]+ \(unit) \\([0-9]+%\\), [0-9.]+/s, ([0-9hms.]+ left|done in [0-9hms.]+)$"
        return line.range(of: pattern, options: .regularExpression) != nil
    }

    @Test("verify --progress on a large log prints progress lines with a rate on stderr and the same stdout as without it; --quiet prints none", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
    func verifyProgress() throws {
        let ledger = try CLILedger()
        let file = ledger.writeLines(Events.sichuanRegistrations(Self.entries - 1).map(\.canonicalString))
        let started = Date()
        let submit = try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, "--progress", file])
        let submitSeconds = Date().timeIntervalSince(started)
        try #require(submit.status == 0, "\(submit.stderr)")
        #expect(submit.stdoutLines.count == Self.entries - 1)
        let submitLines = submit.stderr.split(separator: "\n")
        #expect(!submitLines.isEmpty && submitLines.allSatisfy { Self.isProgressLine($0, label: "submit") }, "\(submit.stderr)")

        for extra in [[], ["--json"]] {
            let plain = try ledger.run(["verify", "--db", ledger.db] + extra)
            let t0 = Date()
            let shown = try ledger.run(["verify", "--db", ledger.db, "--progress"] + extra)
            let verifySeconds = Date().timeIntervalSince(t0)
            let quiet = try ledger.run(["verify", "--db", ledger.db, "--quiet"] + extra)
            #expect(plain.status == 0 && shown.status == 0 && quiet.status == 0, "\(shown.stderr)")
            #expect(shown.stdout == plain.stdout && quiet.stdout == plain.stdout, "stdout does not depend on progress")
            #expect(plain.stderr.isEmpty, "no progress when stderr is not a terminal: \(plain.stderr)")
            #expect(quiet.stderr.isEmpty)
            let lines = shown.stderr.split(separator: "\n")
            #expect(!lines.isEmpty, "at least one progress line")
            #expect(lines.allSatisfy { Self.isProgressLine($0, label: "verify") }, "\(shown.stderr)")
            #expect(lines.last?.hasPrefix("verify: \(Self.entries)/\(Self.entries) entries (100%)") == true, "\(shown.stderr)")
            // At most a few lines a second: one every half second, plus the last.
            #expect(Double(lines.count) <= verifySeconds * 2 + 2, "\(lines.count) lines in \(verifySeconds) s")
            print("verify \(extra) of \(Self.entries) entries: \(String(format: "%.1f", verifySeconds)) s; submit took \(String(format: "%.1f", submitSeconds)) s; last line: \(lines.last ?? "")")
        }

        let rebuild = try ledger.run(["rebuild", "--db", ledger.db, "--check", "--progress"])
        #expect(rebuild.status == 0 && rebuild.stdout == "projections match the entries\n", "\(rebuild.stderr)")
        #expect(rebuild.stderr.split(separator: "\n").allSatisfy { Self.isProgressLine($0, label: "rebuild --check") } && !rebuild.stderr.isEmpty)

        let out = ledger.dir.path("b.sqlite")
        let backup = try ledger.run(["backup", "--db", ledger.db, "--out", out, "--progress"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let backupLines = backup.stderr.split(separator: "\n")
        #expect(backupLines.contains { Self.isProgressLine($0, label: "backup copy", unit: "pages") }, "\(backup.stderr)")
        #expect(backupLines.contains { Self.isProgressLine($0, label: "backup verify") }, "\(backup.stderr)")
        print("backup of \(Self.entries) entries: \(backup.stdout)")

        let both = try ledger.run(["verify", "--db", ledger.db, "--progress", "--quiet"])
        expectFailure(both, code: 64, id: "USAGE", mentioning: "--quiet")
    }
}
