import Foundation
import LedgerCore

/// A witness the daemon asks for cosignatures: `--witness NAME=URL=VKEY`.
public struct WitnessEndpoint: Sendable, Equatable {
    /// A short label for logs, metrics and /healthz (e.g. `sichuan`).
    public var label: String
    /// The witness's base URL as given, `http[s]://HOST[:PORT][/prefix]`, without a trailing slash. HOST is a name,
    /// an IPv4 literal or a bracketed IPv6 literal.
    public var url: String
    /// The witness's cosigner key (type 0x04).
    public var key: CosignerVerifierKey

    public init(label: String, url: String, key: CosignerVerifierKey) {
        self.label = label
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.key = key
    }

    /// Where `add-checkpoint` is POSTed (C2SP tlog-witness: `<prefix>/add-checkpoint`).
    public var addCheckpointURL: String { url + "/add-checkpoint" }

    /// True for an `https` URL.
    public var usesTLS: Bool { url.hasPrefix("https://") }

    /// Parses `NAME=URL=VKEY`; the URL is `http[s]://HOST[:PORT][/prefix]` (the port defaults to the scheme's).
    /// VKEY is the witness's cosigner verifier key string (its base64 may end in `=`, so the text is split at the
    /// first two `=` only).
    ///
    /// - Throws: a sentence naming the part that is wrong.
    public static func parse(_ text: String) throws(LedgerError) -> WitnessEndpoint {
        let parts = text.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty else { throw .malformedKey("--witness must be NAME=URL=VKEY, got \(text.prefix(200))") }
        let key = try CosignerVerifierKey(parsing: parts[2])
        guard let url = URLComponents(string: parts[1]), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.port.map({ (1...65535).contains($0) }) ?? true,
            url.query == nil, url.fragment == nil, url.user == nil
        else {
            throw .malformedKey("--witness \(parts[0]): the URL must be http[s]://HOST[:PORT][/prefix], got \(parts[1])")
        }
        return WitnessEndpoint(label: parts[0], url: parts[1], key: key)
    }
}
