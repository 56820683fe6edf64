import Foundation
import LedgerCore

/// Writes a ledger's checkpoint and tiles into a directory in the C2SP tlog-tiles layout, for a static server.
///
/// Incremental and idempotent: a tile already present with its width's length is never rewritten (a tile's contents
/// never change, partial ones of a given width included), an entry bundle already present neither, and the
/// checkpoint only when it changed. Each file is written to a hidden temporary file in its directory, flushed to
/// disk and renamed into place, and the checkpoint comes last: a reader that sees a checkpoint finds every tile it
/// needs. Superseded partial tiles are left in place (a client still holding an older checkpoint may ask for them).
///
/// Not guaranteed: that files already present were written by this exporter for this log; only the checkpoint's
/// origin and size are compared (`hwledger tiles verify` reads everything back).
struct TileExport {
    let out: String
    /// Entry bundles too (`--entries`): business data, for the provinces' own mirrors only.
    let entries: Bool

    struct Summary {
        var checkpoint: Checkpoint
        var tilesWritten = 0
        var tilesPresent = 0
        var bundlesWritten = 0
        var bundlesPresent = 0
        var checkpointWritten = false
    }

    /// Exports the tree of `published` (a stored checkpoint whose note carries its cosignatures) from `reader`.
    ///
    /// - Throws: ``CLIFailure`` (IO) when a file cannot be written, INTEGRITY when the directory already holds a
    ///   checkpoint of another log or of a larger tree.
    func export(_ published: StoredCheckpoint, from reader: any LedgerReader) throws -> Summary {
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(body: SignedNote(parsing: Array(published.note.utf8)).text) } catch {
            throw CLIFailure.integrity("the ledger's published checkpoint does not parse: \(error)")
        }
        var summary = Summary(checkpoint: checkpoint)
        let checkpointPath = out + "/checkpoint"
        let previous = FileManager.default.contents(atPath: checkpointPath).map { [UInt8]($0) }
        try refuseRegression(previous, to: checkpoint)
        for tile in TileCoordinate.tiles(forTreeSize: checkpoint.size) {
            let path = out + "/" + tile.path
            let length = (tile.partialWidth ?? Int(TileCoordinate.width)) * 32
            if Self.fileSize(path) == length {
                summary.tilesPresent += 1
                continue
            }
            guard let bytes = try tile.contents(treeSize: checkpoint.size, reader: reader), bytes.count == length else {
                throw CLIFailure.integrity("tile \(tile) is not complete in the ledger at size \(checkpoint.size)")
            }
            try Self.writeAtomically(bytes, to: path)
            summary.tilesWritten += 1
        }
        if entries {
            for tile in TileCoordinate.tiles(forTreeSize: checkpoint.size) where tile.level == 0 {
                let path = out + "/" + EntryBundle.path(index: tile.index, partialWidth: tile.partialWidth)
                if Self.fileSize(path) != nil {
                    summary.bundlesPresent += 1
                    continue
                }
                let first = tile.index * TileCoordinate.width
                var bundle: [[UInt8]] = []
                try reader.forEachEntry(from: first, to: first + UInt64(tile.partialWidth ?? Int(TileCoordinate.width))) { _, bytes in
                    bundle.append(bytes)
                    return true
                }
                try Self.writeAtomically(try EntryBundle.encode(bundle), to: path)
                summary.bundlesWritten += 1
            }
        }
        let note = Array(published.note.utf8)
        if previous != note {
            try Self.writeAtomically(note, to: checkpointPath)
            summary.checkpointWritten = true
        }
        return summary
    }

    /// A directory holding another log's checkpoint, or a larger tree of this one, is not overwritten.
    func refuseRegression(_ previous: [UInt8]?, to checkpoint: Checkpoint) throws {
        guard let previous else { return }
        guard let note = try? SignedNote(parsing: previous), let old = try? Checkpoint(body: note.text) else {
            throw CLIFailure.integrity("\(out)/checkpoint is not a signed checkpoint: refusing to export over it")
        }
        guard old.origin == checkpoint.origin else {
            throw CLIFailure.integrity("\(out) holds the tiles of \(old.origin), not of \(checkpoint.origin)")
        }
        guard old.size <= checkpoint.size else {
            throw CLIFailure.integrity(
                "\(out) holds a checkpoint of size \(old.size), larger than this ledger's published \(checkpoint.size): refusing to go back")
        }
        guard old.size < checkpoint.size || old.root == checkpoint.root else {
            throw CLIFailure.integrity("\(out) holds a checkpoint of size \(old.size) with another root than this ledger's")
        }
    }

    static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    }

    /// Writes `bytes` to a hidden temporary file beside `path`, flushes it to disk and renames it to `path`.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIFailure.io("cannot create directory \(directory): \(error.localizedDescription)")
        }
        let temporary = directory + "/.\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CLIFailure.io("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        guard failure == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(failure == 0 ? errno : failure))
            unlink(temporary)
            throw CLIFailure.io("cannot write \(path): \(reason)")
        }
    }
}
