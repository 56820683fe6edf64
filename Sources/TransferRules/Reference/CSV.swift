/// A small RFC 4180 CSV reader for the reference lists: quoted fields, doubled quotes, CRLF or LF line ends.
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    /// Parses `text`; the first record is the header. Every row must have the header's field count.
    ///
    /// - Throws: ``RuleViolation`` with rule R-SCHEMA naming `source`, the line and the problem.
    public init(parsing text: String, source: String) throws(RuleViolation) {
        var records: [[String]] = []
        var field: [UInt8] = []
        var record: [String] = []
        var inQuotes = false
        var line = 1
        let bytes = Array(text.utf8)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var fieldWasQuoted = false
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case 0x22:
                guard field.isEmpty, !fieldWasQuoted else {
                    throw RuleViolation(.schema, "\(source) line \(line): quote inside an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
            case 0x2C:
                endField()
            case 0x0D:
                break
            case 0x0A:
                endField()
                records.append(record)
                record = []
                line += 1
            default:
                if fieldWasQuoted { throw RuleViolation(.schema, "\(source) line \(line): text after a closing quote") }
                field.append(c)
            }
            i += 1
        }
        if inQuotes { throw RuleViolation(.schema, "\(source) line \(line): unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted {
            endField()
            records.append(record)
        }
        records.removeAll { $0 == [""] }
        guard let header = records.first else { throw RuleViolation(.schema, "\(source): empty file, a header row is needed") }
        for (n, row) in records.enumerated().dropFirst() where row.count != header.count {
            throw RuleViolation(.schema, "\(source) record \(n + 1): \(row.count) fields, the header has \(header.count)")
        }
        self.header = header
        self.rows = Array(records.dropFirst())
    }

    /// The index of `column`, or an R-SCHEMA error naming the file.
    public func column(_ name: String, source: String) throws(RuleViolation) -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw RuleViolation(.schema, "\(source): missing column \(name) (header: \(header.joined(separator: ",")))")
        }
        return i
    }
}
