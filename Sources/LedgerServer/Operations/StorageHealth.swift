#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LedgerCore
import Logging
import Metrics

/// What the daemon knows of its storage (issue 19): the free and total bytes of the file system holding the ledger
/// (`hwledger_store_free_bytes`, `hwledger_store_filesystem_bytes`), and the last write that failed for want of space
/// or for an I/O error.
///
/// `/healthz`: a failed write makes it `failing` (`storage-full` / `storage-io`, with the free bytes) until space is
/// back above the warning threshold, then `degraded` (`storage-recovering`) until a write succeeds; free space under
/// `--min-free-bytes` is `degraded` (`storage-low`) before anything fails. The failure, and the recovery, are logged
/// once each, not per refused request.
public final class StorageHealth: @unchecked Sendable {
    /// The directory holding the database file; nil for a store without a local file.
    let directory: String?
    /// The database file itself (its `-wal` beside it counts too).
    let databasePath: String?
    /// Free bytes under which health is degraded (and above which a failed store counts as recovering).
    public let minFreeBytes: Int64
    let logger: Logger
    let freeGauge = Gauge(label: "hwledger_store_free_bytes")
    let sizeGauge = Gauge(label: "hwledger_store_filesystem_bytes")

    struct Failure {
        var code: String
        var message: String
        var since: Int64
    }

    private let lock = NSLock()
    private var failure: Failure?

    public init(databasePath: String?, minFreeBytes: Int64, logger: Logger) {
        self.databasePath = databasePath
        directory = databasePath.map { ($0 as NSString).deletingLastPathComponent }.map { $0.isEmpty ? "." : $0 }
        self.minFreeBytes = minFreeBytes
        self.logger = logger
    }

    /// Free and total bytes of the file system holding the database (for an unprivileged writer); nil without a
    /// local file or when `statvfs` fails.
    public func space() -> (free: Int64, size: Int64)? {
        guard let directory else { return nil }
        var s = statvfs()
        guard statvfs(directory, &s) == 0 else { return nil }
        let unit = Int64(s.f_frsize)
        return (Int64(s.f_bavail) * unit, Int64(s.f_blocks) * unit)
    }

    /// Notes a failed write; a storage failure (full, I/O) is logged the first time and held for `/healthz`.
    public func recordFailure(_ error: any Error) {
        guard let e = error as? LedgerError else { return }
        let code: String
        switch e {
        case .storageFull: code = "storage-full"
        case .storageIO: code = "storage-io"
        default: return
        }
        let first = lock.withLock { () -> Bool in
            guard failure?.code != code else { return false }
            failure = Failure(code: code, message: e.description, since: Self.now())
            return true
        }
        if first {
            logger.error(
                "writes refused: the ledger's storage failed; nothing of the failed write was kept",
                metadata: ["code": "\(code)", "error": "\(e)", "freeBytes": "\(space()?.free ?? -1)"])
        }
    }

    /// Notes a successful write: after a failure, the recovery is logged once.
    public func recordSuccess() {
        guard let past = lock.withLock({ () -> Failure? in
            defer { failure = nil }
            return failure
        }) else { return }
        logger.notice(
            "storage recovered: writes resume", metadata: ["code": "\(past.code)", "failedSeconds": "\(Self.now() - past.since)"])
    }

    /// The `/healthz` contribution: reasons and a `storage` object (free and total bytes, threshold, last failure).
    public func contribution() -> HealthContribution {
        let space = space()
        if let space {
            freeGauge.record(space.free)
            sizeGauge.record(space.size)
        }
        let failure = lock.withLock { self.failure }
        var reasons: [HealthReason] = []
        var fields: [String: JSONValue] = ["minFreeBytes": .int(minFreeBytes)]
        if let space {
            fields["freeBytes"] = .int(space.free)
            fields["filesystemBytes"] = .int(space.size)
        }
        if let databasePath {
            let size = [databasePath, databasePath + "-wal"].compactMap {
                (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber)?.int64Value
            }.reduce(0, +)
            fields["databaseBytes"] = .int(size)
        }
        let freeText = space.map { "\($0.free) bytes free" } ?? "free space unknown"
        let freeZh = space.map { "可用 \($0.free) 字节" } ?? "可用空间未知"
        if let failure {
            fields["failure"] = .object([
                "code": .string(failure.code), "message": .string(failure.message), "since": .int(failure.since),
            ])
            if let space, space.free > minFreeBytes {
                reasons.append(.degraded(
                    "storage-recovering",
                    "space is available again (\(freeText)); the last write failed (\(failure.code) since \(failure.since)); the next write will tell",
                    zh: "存储空间已恢复（\(freeZh)），上次写入失败，下一次写入成功后恢复正常",
                    action: "watch the next submission", actionZh: "关注下一次提交是否成功"))
            } else {
                let what = failure.code == "storage-full" ? "the ledger's file system is full" : "the ledger's storage cannot be read or written"
                let whatZh = failure.code == "storage-full" ? "台账所在文件系统已满" : "台账存储读写失败"
                reasons.append(.failing(
                    failure.code, "\(what) (\(freeText)): writes are refused with nothing written",
                    zh: "\(whatZh)（\(freeZh)），写入被拒绝，未写入任何内容",
                    action: "free space on the ledger's file system or fix the disk; the daemon resumes by itself",
                    actionZh: "清理台账所在文件系统的空间或修复磁盘；无需重启，守护进程会自动恢复写入"))
            }
        } else if let space, space.free < minFreeBytes {
            reasons.append(.degraded(
                "storage-low", "\(freeText) on the ledger's file system, under the threshold of \(minFreeBytes)",
                zh: "台账所在文件系统可用空间不足（\(freeZh)，告警阈值 \(minFreeBytes) 字节）",
                action: "free space or grow the file system before writes fail", actionZh: "在写入失败之前清理空间或扩容"))
        }
        return HealthContribution(reasons: reasons, fields: ["storage": .object(fields)])
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
