import Foundation

/// A running `hwledgerd` (or `hwledger witness serve`) child process, for tests and the load generator: starts it on a loopback port, waits for
/// the `listening on HOST:PORT` line on stderr, and stops it with a signal.
///
/// The child's stderr is collected in memory (bounded by what the daemon logs); stdout is discarded.
public final class DaemonProcess: @unchecked Sendable {
    public let process: Process
    public private(set) var port: Int = 0
    private let lock = NSLock()
    private var stderrText = ""
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `executable` with `arguments` (which should include `--listen 127.0.0.1:0`) and waits up to
    /// `timeout` seconds for the bound port.
    public init(executable: String, arguments: [String], environment: [String: String] = [:], timeout: Double = 30) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // The child stops by itself if this process dies without stopping it (HTTPServerSupport.ParentWatch).
        env["HWLEDGER_PARENT_PID"] = String(getpid())
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let found = DispatchSemaphore(value: 0)
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        let handle = err.fileHandleForReading
        Thread.detachNewThread { [self] in
            var signalled = false
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                let text = String(decoding: data, as: UTF8.self)
                lock.withLock { stderrText += text }
                if !signalled, let port = Self.parsePort(lock.withLock { stderrText }) {
                    lock.withLock { self.port = port }
                    signalled = true
                    found.signal()
                }
            }
            if !signalled { found.signal() }
        }
        _ = found.wait(timeout: .now() + timeout)
        guard lock.withLock({ port }) != 0 else {
            process.terminate()
            throw WireError("hwledgerd did not report a listening address; stderr:\n\(stderr)")
        }
    }

    /// Everything the daemon wrote to stderr so far.
    public var stderr: String { lock.withLock { stderrText } }

    /// The port from a `listening on HOST:PORT` line, or from its JSON form (`--log-format json`: an object whose
    /// message is `listening on HOST:PORT`).
    public static func parsePort(_ text: String) -> Int? {
        for line in text.split(separator: "\n") {
            var announced = line
            if line.hasPrefix("{"),
               let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let message = object["message"] as? String, message.hasPrefix("listening on ") {
                announced = Substring(message)
            } else if !(line.hasPrefix("hwledgerd: listening on ") || line.hasPrefix("hwledger witness: listening on ")) {
                continue
            }
            if let colon = announced.lastIndex(of: ":"), let port = Int(announced[announced.index(after: colon)...]) { return port }
        }
        return nil
    }

    /// Sends `signal` (SIGTERM by default).
    public func signal(_ signal: Int32 = SIGTERM) {
        kill(process.processIdentifier, signal)
    }

    /// Waits up to `timeout` seconds for the process to exit; returns its status, or nil if it is still running.
    public func waitForExit(timeout: Double = 30) -> Int32? {
        guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        exited.signal()
        return process.terminationStatus
    }

    /// SIGTERM, wait, and SIGKILL if it does not stop in time.
    public func stop(timeout: Double = 30) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        signal(SIGTERM)
        if let status = waitForExit(timeout: timeout) { return status }
        signal(SIGKILL)
        return waitForExit(timeout: 5)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
