import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LedgerCore
import TransferLedger
import TransferRules

/// The signed lines of a `submit --key`, kept in a file before anything is sent, so that a rerun sends the same
/// signatures instead of signing every event afresh (issue 19, docs/decisions/012).
///
/// The file holds one `{"submission","sig"}` line per signed event, in input order: the format `hwledger sign` prints
/// and `submit --signed` takes. An input event whose canonical `{type, actor, body}` bytes equal those of a journal
/// line signed by the same key takes that line's submission (nonce, signedAt, signature), so the server answers a
/// line it appended before with 409 R-NONCE and the original result. Lines are matched by their event, in order of
/// occurrence (the second identical event takes the second identical journal line), not by position: removing or
/// fixing a rejected line does not re-sign the lines after it. A changed event is signed afresh.
///
/// Each write replaces the file whole (temporary file, fsync, rename, fsync of the directory): a killed client leaves
/// the old journal or the new one, never half of one.
///
/// Not guaranteed: a journal line whose event no longer appears in the input is dropped at the next write, so an event
/// removed and later restored is signed afresh (a `customId` still catches a manifest filed twice). The journal holds
/// signatures and the events' content, not the key.
struct SignedJournal {
    let path: String

    /// The canonical bytes that identify an event: `{"actor","body","type"}`.
    static func identity(type: String, actor: String, body: [String: JSONValue]) -> [UInt8] {
        JSONValue.object(["type": .string(type), "actor": .string(actor), "body": .object(body)]).canonicalBytes
    }

    /// Signs `events` in order with `key`, taking from the journal the submission of every event it already holds
    /// (unless `resign`), and writes the journal before returning.
    ///
    /// - Returns: the signed events, in input order, and how many came from the journal.
    /// - Throws: IO (66) when the journal cannot be read or written; MALFORMED (65) when it is not a journal.
    func sign(_ events: [UnsignedEvent], with key: SigningKey, resign: Bool, now: UTCInstant) throws -> (items: [SignedSubmission], reused: Int) {
        var kept: [[UInt8]: [SignedSubmission]] = [:]
        let keyID = key.verifier.keyIDHex
        let previous = resign ? [] : try read()
        for item in previous.reversed() where item.submission.keyID == keyID {
            let s = item.submission
            kept[Self.identity(type: s.type, actor: s.actor, body: s.body), default: []].append(item)
        }
        var items: [SignedSubmission] = []
        var reused = 0
        for event in events {
            let id = Self.identity(type: event.type, actor: event.actor, body: event.body)
            if let earlier = kept[id]?.popLast() {
                items.append(earlier)
                reused += 1
            } else {
                items.append(event.signed(with: key, at: now, nonce: randomNonce()))
            }
        }
        if items != previous { try write(items) }
        return (items, reused)
    }

    /// The journal's lines; none when the file does not exist.
    func read() throws -> [SignedSubmission] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure.io("cannot read the signed journal \(path)") }
        var items: [SignedSubmission] = []
        for (i, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            do {
                items.append(try SignedSubmission(json: try CanonicalJSON.decode(Array(line))))
            } catch {
                throw CLIFailure.malformed(
                    "line \(i + 1) of the signed journal \(path) is not a signed submission (\(error)): it is written by submit; "
                        + "pass --resign to sign every event anew, or --signed-out another file")
            }
        }
        return items
    }

    /// Replaces the journal with `items`, atomically and durably.
    func write(_ items: [SignedSubmission]) throws {
        var bytes: [UInt8] = []
        for item in items {
            bytes += item.json.canonicalBytes
            bytes.append(0x0A)
        }
        let temporary = path + ".tmp-\(getpid())"
        func fail(_ what: String) -> CLIFailure {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return .io("cannot \(what) the signed journal \(path) (\(reason)); nothing was sent")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw fail("create a temporary file beside") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else {
                close(fd)
                throw fail("write")
            }
            offset += n
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw fail("flush")
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw fail("replace") }
        let directory = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }
}
