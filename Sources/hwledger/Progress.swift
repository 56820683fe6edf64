import ArgumentParser
import Foundation

/// `--progress` / `--quiet`: whether a long command (verify, rebuild --check, submit, backup, restore) reports its
/// progress on stderr. By default it does when stderr is a terminal. Progress never touches stdout, so pipes and
/// `--json` output are byte-identical with or without it.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Print progress lines on stderr even when it is not a terminal (for logs).")
    var progress = false

    @Flag(help: "Print no progress lines, even on a terminal.")
    var quiet = false

    func validate() throws {
        if progress, quiet { throw ValidationError("--progress and --quiet exclude each other") }
    }

    /// A reporter for one phase of the command, named `label` (`verify`, `backup copy`), counting `unit`.
    func reporter(_ label: String, unit: String = "entries") -> ProgressReporter {
        let terminal = isatty(STDERR_FILENO) != 0
        return ProgressReporter(
            label: label, unit: unit, enabled: progress || (!quiet && terminal), rewrite: terminal, grace: progress ? 0 : 1)
    }
}

/// Created when its phase starts. Prints `label: done/total unit (p%), rate/s, time left` on stderr, at most twice a second, and a last line with
/// the average rate and the elapsed time when the phase ends. Unless forced (`grace` 0), a phase shorter than
/// `grace` seconds prints nothing, so a quick command on a terminal stays quiet.
///
/// On a terminal the line is rewritten in place (carriage return); elsewhere (`--progress` into a log) each report
/// is its own line. Not thread-safe: call it from the thread doing the work. It estimates the time left from the
/// average rate since the start, which is wrong when the rate changes a lot (the first chunk of a verify warms
/// caches).
final class ProgressReporter {
    let label: String
    let unit: String
    let enabled: Bool
    let rewrite: Bool
    /// The shortest time between two lines, in seconds.
    let interval: Double
    /// Seconds after the start before the first line.
    let grace: Double
    private let write: (String) -> Void
    private let now: () -> Double
    private let started: Double
    private var lastPrinted: Double
    private var printed = false
    private var done: UInt64 = 0
    private var total: UInt64 = 0
    private var finished = false

    init(
        label: String, unit: String, enabled: Bool, rewrite: Bool, interval: Double = 0.5, grace: Double = 0,
        write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
        now: @escaping () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    ) {
        self.label = label
        self.unit = unit
        self.enabled = enabled
        self.rewrite = rewrite
        self.interval = interval
        self.grace = grace
        self.write = write
        self.now = now
        started = now()
        lastPrinted = started
    }

    /// Records that `done` of `total` are finished; prints a line if the last one is old enough.
    func update(_ done: UInt64, of total: UInt64) {
        guard enabled else { return }
        let t = now()
        self.done = done
        self.total = total
        guard t - lastPrinted >= interval, t - started >= grace, done < total else { return }
        lastPrinted = t
        printed = true
        emit(line(at: t, final: false), final: false)
    }

    /// Ends the phase: prints the last line (average rate, elapsed time). Later calls do nothing.
    func finish() {
        guard enabled, !finished else { return }
        finished = true
        let t = now()
        guard t - started >= grace || printed else { return }
        emit(line(at: t, final: true), final: true)
    }

    /// The text of one report.
    func line(at t: Double, final: Bool) -> String {
        let elapsed = max(0, t - started)
        let percent = total == 0 ? 100 : Double(done) * 100 / Double(total)
        var text = "\(label): \(done)/\(total) \(unit) (\(String(format: "%.0f", percent.rounded(.down)))%)"
        let rate = elapsed > 0 ? Double(done) / elapsed : nil
        if let rate { text += ", \(Self.rate(rate))/s" }
        if final {
            text += ", done in \(Self.duration(elapsed))"
        } else if let rate, rate > 0 {
            text += ", \(Self.duration(Double(total - min(done, total)) / rate)) left"
        }
        return text
    }

    private func emit(_ text: String, final: Bool) {
        if rewrite {
            write("\r\(text)\u{1B}[K" + (final ? "\n" : ""))
        } else {
            write(text + "\n")
        }
    }

    static func rate(_ perSecond: Double) -> String {
        perSecond >= 100 ? String(Int(perSecond.rounded())) : String(format: "%.1f", perSecond)
    }

    /// `0.4s`, `12s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
