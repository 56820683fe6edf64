import CQRencode

/// A QR code made by libqrencode (Debian's libqrencode), drawn as inline SVG.
struct QRCode {
    /// Modules per side.
    let width: Int
    /// Row-major; true is a dark module.
    let modules: [Bool]

    /// Encodes `text` (8-bit mode, error correction level M).
    ///
    /// - Returns: nil when libqrencode cannot encode it (too long for any version).
    init?(_ text: String) {
        guard let code = text.withCString({ QRcode_encodeString8bit($0, 0, QR_ECLEVEL_M) }) else { return nil }
        defer { QRcode_free(code) }
        let w = Int(code.pointee.width)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: w * w)
        width = w
        modules = data.map { $0 & 1 == 1 }
    }

    /// The code as an SVG element scaled to `size` CSS pixels, with the 4-module quiet zone the standard asks for.
    func svg(size: Int, label: String) -> String {
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
