import CZlib
import LedgerCore

/// What a printed 联单's QR code carries: a link to the public check page (`<public URL>/ui/v#<digits>`) whose
/// fragment, never sent to a server, holds the evidence (docs/decisions/016).
///
/// The fragment is a blob written as decimal digits (QR numeric mode, ~3.3 bits a character instead of base64's 6
/// bits in 8): 7-byte big-endian chunks as 17 digits, a last chunk of k bytes as `chunkDigits[k]` digits, zero-padded.
/// The blob's first byte says what follows:
/// - `0x01`: raw DEFLATE (RFC 1951), with the preset dictionary `verify-dictionary.txt`, of the entries' exact
///   canonical bytes in index order joined by LF: the manifest.filed entry, then every later entry of the 联单.
/// - `0x02`: the 14 ASCII digits of the 联单编号, then per entry its index (unsigned LEB128) and 32-byte leaf hash;
///   used when the entries do not fit the largest QR code allowed. The page then proves only the hashes.
///
/// Not guaranteed: that a phone can scan a code printed smaller than ``printMillimetres``.
enum VerifyFragment {
    static let entriesKind: UInt8 = 0x01
    static let hashesKind: UInt8 = 0x02
    /// Largest QR version allowed at level M: 117 modules, 0.51 mm each at ``printMillimetres``.
    static let maxVersion = 25
    /// The printed code's side without its quiet zone, in millimetres.
    static let printMillimetres = 60
    static let chunkDigits = [0, 3, 5, 8, 10, 13, 15, 17]
    /// The fixed DEFLATE dictionary of format 0x01 (its bytes must never change; a new one takes a new kind byte).
    static var dictionary: [UInt8] { PackageResources.verify_dictionary_txt }

    /// One entry the printed 联单 shows.
    struct Item {
        var index: UInt64
        var bytes: [UInt8]
    }

    /// The link for `items` and its QR code: the full entries if they fit in version ``maxVersion`` at M, else
    /// their indexes and leaf hashes (dropping middle entries, never the first and the last, if even those do not fit).
    static func link(base: String, manifestNo: String, items: [Item]) -> (url: String, code: QRCode, kind: UInt8)? {
        let prefix = base + "/ui/v#"
        if let blob = entriesBlob(items.map(\.bytes)) {
            let url = prefix + digits(blob)
            if let code = QRCode(mixed: url, maxVersion: maxVersion) { return (url, code, entriesKind) }
        }
        var kept = items
        while !kept.isEmpty {
            let url = prefix + digits(hashesBlob(manifestNo: manifestNo, kept))
            if let code = QRCode(mixed: url, maxVersion: maxVersion) { return (url, code, hashesKind) }
            if kept.count <= 2 { kept.removeLast() } else { kept.remove(at: kept.count - 2) }
        }
        return nil
    }

    static func entriesBlob(_ entries: [[UInt8]]) -> [UInt8]? {
        var joined: [UInt8] = []
        for (i, e) in entries.enumerated() {
            if i > 0 { joined.append(0x0A) }
            joined += e
        }
        return deflateRaw(joined, dictionary: dictionary).map { [entriesKind] + $0 }
    }

    static func hashesBlob(manifestNo: String, _ items: [Item]) -> [UInt8] {
        var out = [hashesKind] + Array(manifestNo.utf8)
        for item in items {
            var n = item.index
            repeat {
                out.append(UInt8(n & 0x7F) | (n >= 0x80 ? 0x80 : 0))
                n >>= 7
            } while n > 0
            out += TreeHasher.leafHash(item.bytes).bytes
        }
        return out
    }

    /// The blob as decimal digits, 7 bytes to 17 digits.
    static func digits(_ blob: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < blob.count {
            let chunk = blob[i..<min(i + 7, blob.count)]
            let value = chunk.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let text = String(value)
            out += String(repeating: "0", count: chunkDigits[chunk.count] - text.count) + text
            i += 7
        }
        return out
    }

    /// Raw DEFLATE (no zlib header, window 2^15) at level 9 with a preset dictionary; nil if zlib fails.
    static func deflateRaw(_ input: [UInt8], dictionary: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard deflateInit2_(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var dict = dictionary
        guard dict.withUnsafeMutableBufferPointer({ deflateSetDictionary(&stream, $0.baseAddress, uInt($0.count)) }) == Z_OK else {
            return nil
        }
        var source = input
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let status = source.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Array(out.prefix(Int(stream.total_out)))
    }
}
