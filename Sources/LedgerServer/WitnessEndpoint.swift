import Foundation
import LedgerCore

/// A witness the daemon asks for cosignatures: `--witness NAME=URL=VKEY`.
public struct WitnessEndpoint: Sendable, Equatable {
    /// A short label for logs, metrics and /healthz (e.g. `sichuan`).
    public var label: String
    /// Host (an IPv4 address or a name) and port of the witness's HTTP service.
    public var host: String
    public var port: Int
    /// The submission prefix: `add-checkpoint` is POSTed to `<prefix>/add-checkpoint`.
    public var pathPrefix: String
    /// The witness's cosigner key (type 0x04).
    public var key: CosignerVerifierKey

    public init(label: String, host: String, port: Int, pathPrefix: String = "", key: CosignerVerifierKey) {
        self.label = label
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
        self.key = key
    }

    /// The URL as given.
    public var url: String { "http://\(host):\(port)\(pathPrefix)" }

    /// Parses `NAME=URL=VKEY`; the URL is `http://HOST:PORT[/prefix]`. VKEY is the witness's cosigner verifier key
    /// string (its base64 may end in `=`, so the text is split at the first two `=` only).
    ///
    /// - Throws: a sentence naming the part that is wrong.
    public static func parse(_ text: String) throws(LedgerError) -> WitnessEndpoint {
        let parts = text.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty else { throw .malformedKey("--witness must be NAME=URL=VKEY, got \(text.prefix(200))") }
        let key = try CosignerVerifierKey(parsing: parts[2])
        guard let url = URLComponents(string: parts[1]), url.scheme == "http", let host = url.host, !host.isEmpty,
            let port = url.port, (1...65535).contains(port), url.query == nil
        else {
            throw .malformedKey("--witness \(parts[0]): the URL must be http://HOST:PORT[/prefix], got \(parts[1]) (TLS: put a local proxy in front)")
        }
        let prefix = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        return WitnessEndpoint(label: parts[0], host: host, port: port, pathPrefix: prefix, key: key)
    }
}
