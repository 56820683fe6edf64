import CQRencode

/// A QR code made by libqrencode (Debian's libqrencode), drawn as inline SVG.
struct QRCode {
    /// Modules per side.
    let width: Int
    /// The QR version (1–40): width = 17 + 4 × version.
    let version: Int
    /// Row-major; true is a dark module.
    let modules: [Bool]

    /// Encodes `text` at error correction level M, letting libqrencode split it into numeric, alphanumeric and
    /// 8-bit segments (case kept), so that a long run of digits costs ~3.3 bits a digit.
    ///
    /// - Returns: nil when libqrencode cannot encode it, or it needs a version above `maxVersion`.
    init?(mixed text: String, maxVersion: Int = 40) {
        guard let code = text.withCString({ QRcode_encodeString($0, 0, QR_ECLEVEL_M, QR_MODE_8, 1) }) else { return nil }
        defer { QRcode_free(code) }
        guard Int(code.pointee.version) <= maxVersion else { return nil }
        let w = Int(code.pointee.width)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: w * w)
        width = w
        version = Int(code.pointee.version)
        modules = data.map { $0 & 1 == 1 }
    }

    /// The code as an SVG element `size` wide and high (a CSS length: `132`, `64.1mm`), with the 4-module quiet zone
    /// the standard asks for.
    func svg(size: String, label: String) -> String {
        let quiet = 4, total = width + 2 * quiet
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                guard modules[y * width + x] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < width, modules[y * width + x + run] { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="\(label)" width="\(size)" height="\(size)" \
            viewBox="0 0 \(total) \(total)" shape-rendering="crispEdges"><rect width="\(total)" height="\(total)" fill="#fff"/>\
            <path d="\(path)" fill="#000"/></svg>
            """
    }
}
