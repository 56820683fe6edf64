import Testing
import TransferRules

/// The RFC 4180 reader behind the reference lists (SPEC §1, §4.3: bad CSV is R-SCHEMA naming the problem).
@Suite("CSV reader")
struct CSVTests {
    @Test("plain rows with a header")
    func plain() throws {
        let t = try CSVTable(parsing: "code,name\n510000,四川省\n500000,重庆市\n", source: "x.csv")
        #expect(t.header == ["code", "name"])
        #expect(t.rows == [["510000", "四川省"], ["500000", "重庆市"]])
    }

    @Test("quoted fields keep commas, newlines and doubled quotes")
    func quotes() throws {
        let text = "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"line1\nline2\"\n\"\",plain,\"\"\"\"\n"
        let t = try CSVTable(parsing: text, source: "q.csv")
        #expect(t.rows == [["x,y", "say \"hi\"", "line1\nline2"], ["", "plain", "\""]])
    }

    @Test("CRLF line ends are the same as LF")
    func crlf() throws {
        let lf = try CSVTable(parsing: "a,b\n1,2\n3,\"4\"\n", source: "lf.csv")
        let crlf = try CSVTable(parsing: "a,b\r\n1,2\r\n3,\"4\"\r\n", source: "crlf.csv")
        #expect(crlf.header == lf.header)
        #expect(crlf.rows == lf.rows)
        #expect(crlf.rows == [["1", "2"], ["3", "4"]])
    }

    @Test("a UTF-8 byte order mark is not part of the first column name")
    func bom() throws {
        let t = try CSVTable(parsing: "\u{FEFF}code,name\r\n510000,四川省\r\n", source: "bom.csv")
        #expect(t.header == ["code", "name"])
        #expect(try t.column("code", source: "bom.csv") == 0)
    }

    @Test("a missing final newline, blank lines and empty trailing fields")
    func edges() throws {
        let t = try CSVTable(parsing: "a,b\n1,\n\n,2", source: "e.csv")
        #expect(t.rows == [["1", ""], ["", "2"]])
    }

    @Test("a record with the wrong field count is R-SCHEMA naming the source and the record", arguments: [
        ("a,b\n1,2\n3\n", "record 3", "1 fields"),
        ("a,b\n1,2,3\n", "record 2", "3 fields"),
        ("a,b\r\n1,2\r\n3,4\r\n5,6,7\r\n", "record 4", "3 fields"),
        ("a,b\n\"x,y\"\n", "record 2", "1 fields"),
    ])
    func wrongFieldCount(text: String, record: String, fields: String) {
        let error = #expect(throws: RuleViolation.self) { try CSVTable(parsing: text, source: "divisions.csv") }
        #expect(error?.rule == .schema)
        #expect(error?.message.contains("divisions.csv") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(record) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(fields) == true, "\(error?.message ?? "")")
    }

    @Test("malformed quoting and empty files are R-SCHEMA naming the source", arguments: [
        "a,b\n1,\"unterminated\n",  // unterminated quote
        "a,b\n1,x\"y\n",  // quote inside an unquoted field
        "a,b\n1,\"x\"y\n",  // text after a closing quote
        "",  // empty file
        "\n\n",  // only blank lines
        "\u{FEFF}",  // only a BOM
    ])
    func malformed(text: String) {
        let error = #expect(throws: RuleViolation.self) { try CSVTable(parsing: text, source: "bad.csv") }
        #expect(error?.rule == .schema)
        #expect(error?.message.contains("bad.csv") == true)
    }

    @Test("column() finds a column or names the missing one")
    func column() throws {
        let t = try CSVTable(parsing: "code,name_zh,level\n510000,四川省,province\n", source: "d.csv")
        #expect(try t.column("level", source: "d.csv") == 2)
        let error = #expect(throws: RuleViolation.self) { try t.column("parent", source: "d.csv") }
        #expect(error?.rule == .schema)
        #expect(error?.message.contains("parent") == true)
        #expect(error?.message.contains("d.csv") == true)
    }
}
