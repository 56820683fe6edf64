import Foundation
import LedgerCore

/// A directory that keeps an incremental verifier between runs of `hwledger verify --state DIR` or lifetimes of
/// `hwledgerd --verifier-state DIR`: `state.json` (``VerifierState``) beside `projections.sqlite`, the projections
/// replayed up to that state (docs/decisions/008, 021).
///
/// The state is taken when a run starts (the file is removed) and written back when the run ends cleanly, after the
/// projections it describes are on disk. A run that stops midway (a crash, a kill, a power cut) therefore leaves no
/// state that describes projections it had already moved past: the next run finds none and verifies the whole log
/// again. One process at a time holds the directory (an exclusive lock on `DIR/lock` for the object's lifetime).
public final class VerifierStateDirectory: @unchecked Sendable {
    public let path: String
    /// Where the replayed projections live (a SQLite file the caller opens).
    public let projectionsPath: String
    let statePath: String
    private let lockDescriptor: Int32

    /// Creates the directory if needed and locks it.
    ///
    /// - Throws: ``LedgerError/storage(_:)`` when it cannot be created or another process holds it.
    public init(path: String) throws(LedgerError) {
        self.path = path
        projectionsPath = (path as NSString).appendingPathComponent("projections.sqlite")
        statePath = (path as NSString).appendingPathComponent("state.json")
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .storage("cannot create the verifier state directory \(path): \(error)")
        }
        let fd = open((path as NSString).appendingPathComponent("lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storage("cannot open \(path)/lock: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .storage("the verifier state directory \(path) is in use by another process (hwledgerd or hwledger verify --state)")
        }
        lockDescriptor = fd
    }

    deinit { close(lockDescriptor) }

    /// The saved state, removed from the directory; nil when there is none, and then the projections of a run that
    /// did not end cleanly are removed too, so the caller starts from an empty store.
    ///
    /// - Throws: ``LedgerError/integrity(index:_:)`` when the state does not parse.
    public func take() throws(LedgerError) -> VerifierState? {
        let fm = FileManager.default
        guard let data = fm.contents(atPath: statePath) else {
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: projectionsPath + suffix) }
            return nil
        }
        let state: VerifierState
        do { state = try JSONDecoder().decode(VerifierState.self, from: data) } catch {
            throw .integrity(index: nil, "state \(statePath) does not parse: \(error)")
        }
        do { try fm.removeItem(atPath: statePath) } catch {
            throw .storage("cannot take the state \(statePath): \(error)")
        }
        Self.sync(directory: path)
        return state
    }

    /// Writes `state`, atomically and synced. Call it once the projections it describes are closed and synced.
    public func save(_ state: VerifierState) throws(LedgerError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let data = try encoder.encode(state)
            let temporary = statePath + ".new"
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw LedgerError.storage("cannot write \(temporary)")
            }
            Self.sync(file: temporary)
            guard rename(temporary, statePath) == 0 else { throw LedgerError.storage("cannot rename \(temporary): \(String(cString: strerror(errno)))") }
            Self.sync(directory: path)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .storage("cannot write the state \(statePath): \(error)")
        }
    }

    /// fsync(2) of a file, best effort (the state is a speed-up: losing it costs a full verification, not safety).
    public static func sync(file: String) {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func sync(directory: String) { sync(file: directory) }
}
