import Foundation

/// A small tmpfs mounted for one test (needs root; the test is skipped with a message when mounting is refused).
public final class SmallFilesystem: @unchecked Sendable {
    let dir = TempDirectory()
    public let mountPoint: String

    /// True when this process may mount a tmpfs (tried once).
    public static let available: Bool = {
        guard let fs = try? SmallFilesystem(megabytes: 1) else { return false }
        fs.unmount()
        return true
    }()

    public init(megabytes: Int) throws {
        mountPoint = dir.path("mnt")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let r = try Run.executable("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", mountPoint])
        guard r.status == 0 else { throw TestFailure("mount refused: \(r.stderr)") }
    }

    public func path(_ name: String) -> String { mountPoint + "/" + name }

    /// Fills the filesystem with 64 KiB filler files until a write fails; returns their paths.
    public func fill() -> [String] {
        var files: [String] = []
        let chunk = [UInt8](repeating: 0xA5, count: 65_536)
        while files.count < 10_000 {
            let p = path("filler-\(files.count)")
            guard let fd = fopen(p, "w") else { break }
            let written = fwrite(chunk, 1, chunk.count, fd)
            let flushed = fflush(fd) == 0
            fclose(fd)
            files.append(p)
            if written < chunk.count || !flushed { break }
        }
        return files
    }

    public func unmount() {
        _ = try? Run.executable("/bin/umount", [mountPoint])
    }

    deinit { unmount() }
}

