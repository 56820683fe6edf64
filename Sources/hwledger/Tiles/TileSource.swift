import Foundation

/// Where `hwledger tiles verify` reads a tlog-tiles tree: an `http(s)://` URL (a static server, a CDN, hwledgerd) or
/// a directory written by `hwledger tiles export`.
///
/// Every way of not getting a file (a refused connection, a status other than 200, a missing file) is an IO
/// failure (exit 66) naming the file; what the bytes say is for the caller to judge.
struct TileSource {
    let location: String
    /// Over HTTP: the CLI's one client (``LedgerClient``, a keep-alive URLSession); nil for a directory.
    let client: LedgerClient?

    /// - Throws: USAGE (64) for a URL that is not http(s) with a host.
    init(_ location: String, timeout: TimeInterval = 30) throws {
        let trimmed = location.hasSuffix("/") ? String(location.dropLast()) : location
        self.location = trimmed
        guard trimmed.contains("://") else {
            client = nil
            return
        }
        do { client = try LedgerClient(trimmed, timeout: timeout) } catch {
            throw CLIFailure.usage("--tiles \(location) is neither a directory nor a URL like http://127.0.0.1:8080/log")
        }
    }

    /// The bytes of `path` (relative to the tree's root, like `tile/0/000` or `checkpoint`).
    func read(_ path: String) throws -> [UInt8] {
        guard let client else {
            guard let data = FileManager.default.contents(atPath: location + "/" + path) else {
                throw CLIFailure.io("cannot read \(location)/\(path)")
            }
            return [UInt8](data)
        }
        let answer = try client.send("GET", "/" + path)
        guard answer.status == 200 else { throw CLIFailure.io("cannot fetch \(location)/\(path): HTTP \(answer.status)") }
        return answer.body
    }
}
