/// A CSV file as the product writes it: a header row and data rows, fields quoted as RFC 4180 says.
///
/// Every CSV the product writes (the CLI's statements and reports, the console's downloads) goes through
/// ``text(excel:)``, so a file opens the same way wherever it came from:
/// - plain (`excel: false`): UTF-8 without BOM, LF line ends — for scripts, `diff` and Python's csv module;
/// - `excel: true`: a UTF-8 byte-order mark first, CRLF line ends. Excel reads a CSV without BOM in the system's
///   ANSI code page (GBK on a Chinese Windows), which garbles every Chinese header and name; with the BOM it reads
///   UTF-8. Excel accepts LF too, but CRLF is what RFC 4180 defines and what Excel itself saves, so a clerk who
///   re-saves the file gets the same line ends back. Fields holding a line break keep it as written inside quotes.
public struct CSVDocument: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The UTF-8 byte-order mark that makes Excel read the file as UTF-8.
    public static let byteOrderMark = "\u{FEFF}"
    /// The media type of a CSV download (the console sends it with `Content-Disposition: attachment`).
    public static let mediaType = "text/csv; charset=utf-8"

    /// The file's text; `excel` adds the byte-order mark and uses CRLF line ends (see the type's comment).
    public func text(excel: Bool) -> String {
        let end = excel ? "\r\n" : "\n"
        var out = excel ? Self.byteOrderMark : ""
        for record in [header] + rows {
            out += record.map(Self.field).joined(separator: ",") + end
        }
        return out
    }

    /// One field: quoted when it holds a comma, a quote or a line break, quotes doubled (RFC 4180 §2).
    public static func field(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return quoted(text)
    }

    /// A field always quoted, its quotes doubled. Works on Unicode scalars, not characters: a quote followed by a
    /// combining mark (U+0022 U+031C) is one `Character` that is not `"`, and would otherwise go out undoubled.
    public static func quoted(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in text.unicodeScalars {
            out.append(scalar)
            if scalar == "\"" { out.append("\"") }
        }
        out.append("\"")
        return String(out)
    }
}
