import Testing
import TransferRules

@Suite("CSVDocument")
struct CSVDocumentTests {
    static let document = CSVDocument(header: ["名称", "备注"], rows: [["甲,乙", "说\"好\""], ["两行\n文字", "1.50"]])

    @Test("plain CSV: no byte-order mark, LF line ends, fields with a comma, quote or line break quoted and quotes doubled")
    func plain() {
        #expect(Self.document.text(excel: false) == "名称,备注\n\"甲,乙\",\"说\"\"好\"\"\"\n\"两行\n文字\",1.50\n")
    }

    @Test("--excel CSV: the UTF-8 byte-order mark first and CRLF after every record; a line break inside a field kept as written")
    func excel() {
        let text = Self.document.text(excel: true)
        #expect(Array(text.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(text == "\u{FEFF}名称,备注\r\n\"甲,乙\",\"说\"\"好\"\"\"\r\n\"两行\n文字\",1.50\r\n")
        #expect(CSVDocument.field("a\rb") == "\"a\rb\"")
    }

    @Test("the reference-list reader reads back what the writer wrote, with or without the byte-order mark")
    func roundTrip() throws {
        for excel in [false, true] {
            let table = try CSVTable(parsing: Self.document.text(excel: excel), source: "t.csv")
            #expect(table.header == Self.document.header)
            #expect(table.rows == Self.document.rows)
        }
    }

    @Test("a quote followed by a combining mark (one Swift Character) is still doubled, and the field reads back (FuzzCSV found it)")
    func quoteBeforeCombiningMark() throws {
        let value = "\"\u{031C}e\""
        #expect(value.first != "\"", "the quote and the mark are one Character, not a quote")
        #expect(CSVDocument.field(value) == "\"\"\"\u{031C}e\"\"\"")
        let document = CSVDocument(header: ["名称"], rows: [[value], ["\"\u{0301}"]])
        let table = try CSVTable(parsing: document.text(excel: true), source: "t.csv")
        #expect(table.rows == document.rows)
    }
}
