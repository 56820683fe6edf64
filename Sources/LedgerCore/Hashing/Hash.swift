import Crypto
import Foundation

/// A 32-byte SHA-256 value: a leaf hash, node hash or tree root.
public struct Hash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes, in order.
    public let bytes: [UInt8]

    /// Wraps exactly 32 bytes; returns nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Array(bytes)
    }

    init(digest: SHA256.Digest) {
        self.bytes = Array(digest)
    }

    /// Parses 64 hex digits (either case); nil otherwise.
    public init?(hex: String) {
        guard let raw = Hex.decode(hex), raw.count == 32 else { return nil }
        self.bytes = raw
    }

    /// Parses standard base64 of 32 bytes; nil otherwise.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64), data.count == 32 else { return nil }
        self.bytes = Array(data)
    }

    /// All zeros: the `prev` of entry 0.
    public static let zero = Hash(bytes: [UInt8](repeating: 0, count: 32))!

    /// SHA-256 of `data`.
    public static func sha256(_ data: some DataProtocol) -> Hash {
        Hash(digest: SHA256.hash(data: data))
    }

    /// Lower-case hex.
    public var hex: String { Hex.encode(bytes) }

    /// Standard base64 with padding.
    public var base64: String { Data(bytes).base64EncodedString() }

    public var description: String { hex }
}

/// Lower-case hexadecimal, the form every hex field of hwledger uses.
public enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex digits of either case; nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// True when `text` is exactly `count` lower-case hex digits.
    public static func isLowerHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}

/// Strict standard base64 (RFC 4648 §4, padded), as used in keys, signatures, notes and proofs.
public enum Base64 {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes padded standard base64; nil if it is not exactly that (no whitespace, no URL alphabet).
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.count % 4 == 0,
            text.utf8.allSatisfy({ c in
                (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || (0x30...0x39).contains(c)
                    || c == 0x2B || c == 0x2F || c == 0x3D
            }),
            let data = Data(base64Encoded: text)
        else { return nil }
        let bytes = Array(data)
        // Reject non-canonical encodings (unused bits set) so one value has one spelling.
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
