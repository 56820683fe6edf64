extension CanonicalJSON {
    /// The first number written with a fraction or exponent in `bytes`, in document order, with the path of the member
    /// holding it (`body.lines[0].grams`; array items as `[i]`). For messages only: ``decode(_:)-swift.type.method``
    /// refuses such a number, and this tells the user which field held it. A lenient scan, not a parser: it is run on
    /// input the parser already refused.
    public static func firstFraction(in bytes: some Collection<UInt8>) -> (path: String, number: String)? {
        let b = Array(bytes)
        // One frame per open container: its current member key (objects) or item index (arrays).
        var frames: [(isArray: Bool, key: String, index: Int)] = []
        var expectingKey = false
        var i = 0
        func path() -> String {
            var out = ""
            for f in frames { out += f.isArray ? "[\(f.index)]" : (out.isEmpty ? f.key : "." + f.key) }
            return out
        }
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "{"):
                frames.append((false, "", 0))
                expectingKey = true
            case UInt8(ascii: "["):
                frames.append((true, "", 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !frames.isEmpty { frames.removeLast() }
            case UInt8(ascii: ","):
                if let last = frames.indices.last {
                    if frames[last].isArray { frames[last].index += 1 } else { expectingKey = true }
                }
            case UInt8(ascii: ":"):
                expectingKey = false
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < b.count, b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                if expectingKey, let last = frames.indices.last, !frames[last].isArray {
                    frames[last].key = String(decoding: b[(i + 1)..<min(j, b.count)], as: UTF8.self)
                }
                i = j
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var j = i
                while j < b.count, "0123456789.eE+-".utf8.contains(b[j]) { j += 1 }
                let token = String(decoding: b[i..<j], as: UTF8.self)
                if token.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return (path(), token) }
                i = j - 1
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
