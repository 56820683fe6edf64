#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Ends a server whose parent is gone (issue 23: no process left behind). When `HWLEDGER_PARENT_PID` names the
/// process that started this one (test fixtures and supervisors set it), a background thread checks once a second
/// that it is still the parent and sends this process SIGTERM otherwise, which stops it gracefully, as a
/// supervisor's SIGTERM would. A crashed or killed test run thus leaves no daemon running on a temp ledger.
public enum ParentWatch {
    public static let environmentVariable = "HWLEDGER_PARENT_PID"

    /// Starts the watch if the environment asks for it; returns whether it did.
    @discardableResult
    public static func startIfAsked(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let text = environment[environmentVariable], let parent = pid_t(text), parent > 1 else { return false }
        let thread = Thread {
            while true {
                if getppid() != parent {
                    kill(getpid(), SIGTERM)
                    return
                }
                Thread.sleep(forTimeInterval: 1)
            }
        }
        thread.name = "parent-watch"
        thread.start()
        return true
    }
}
