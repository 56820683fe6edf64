import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// Every CSV the product writes opens with its Chinese header intact: `whitelist report --csv/--excel` and
/// `compensation statement --net --format csv/--excel`, run through the built `hwledger` against a SQLite ledger, read
/// back by Python's csv module and converted by LibreOffice headless (Debian's libreoffice-calc-nogui, installed by
/// scripts/setup.sh) to xlsx whose cells are read back.
@Suite("CSV for Excel")
struct SpreadsheetCSVTests {
    /// Reads each CSV file named on the command line with Python's csv module (utf-8-sig: the BOM is not part of the
    /// first field) and converts it with LibreOffice headless (comma-separated, UTF-8) to xlsx, whose cells it reads
    /// from the sheet's XML; prints {"file":{"csv":rows,"xlsx":rows}} as JSON.
    static let reader = #"""
        import csv, json, os, re, subprocess, sys, tempfile, zipfile
        from xml.etree import ElementTree as ET
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        out = {}
        work = tempfile.mkdtemp()
        files = sys.argv[1:]
        subprocess.run(["soffice", "--headless", "--norestore", "-env:UserInstallation=file://" + work + "/profile",
                        "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", work] + files,
                       check=True, capture_output=True, timeout=120)
        for path in files:
            with open(path, encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f))
            z = zipfile.ZipFile(os.path.join(work, os.path.splitext(os.path.basename(path))[0] + ".xlsx"))
            strings = ["".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
            cells = []
            for row in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%s}row" % ns["m"]):
                values = {}
                for c in row.findall("m:c", ns):
                    col = re.match(r"[A-Z]+", c.get("r")).group(0)
                    v = c.find("m:v", ns)
                    values[ord(col) - 65] = "" if v is None else (strings[int(v.text)] if c.get("t") == "s" else v.text)
                cells.append([values.get(i, "") for i in range(max(values) + 1 if values else 0)])
            out[os.path.basename(path)] = {"csv": rows, "xlsx": cells}
        print(json.dumps(out, ensure_ascii=False))
        """#

    @Test("whitelist report and net statement CSVs: plain without BOM, --excel with BOM and CRLF; Python's csv and LibreOffice read the Chinese header, names and 合计 rows intact")
    func csvOpensInPythonAndLibreOffice() throws {
        let l = try CompensationOutputTests.prepared()
        try l.s.must("whitelist.published", "REG-500000", TransferBody.whitelist(receiver: CompensationLedger.cqRecv, code: "900-041-49", cap: 20_000_000, methods: ["D1"]))
        let db = l.s.locator!
        let expectedReport = try WhitelistReportCSV.document(from: try l.ledger.whitelistReportDocument(year: 2025))

        let plain = try Run.hwledger(["whitelist", "report", "--db", db, "--year", "2025", "--csv"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == expectedReport.text(excel: false))
        #expect(plain.stdout.hasPrefix("年度,名单省份代码,名单省份,接受单位统一社会信用代码,接受单位名称,废物代码,"))
        #expect(plain.stdout.contains("2025,500000,重庆市,\(CompensationLedger.cqRecv),测试企业,900-041-49,20.000,"))
        #expect(plain.stdout.contains("\n2025,合计,,,,,20.000,"))
        #expect(!plain.stdout.contains("\r"))

        let report = try Run.hwledger(["whitelist", "report", "--db", db, "--year", "2025", "--excel"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout == expectedReport.text(excel: true))
        #expect(Array(report.stdout.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(report.stdout.replacingOccurrences(of: "\r\n", with: "").contains("\n") == false, "every line ends CRLF")

        let net = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--net", "--labels", "zh", "--excel"])
        #expect(net.status == 0, "\(net.stderr)")
        #expect(net.stdout == "\u{FEFF}季度,项目,付款方,付款方名称,收款方,收款方名称,金额（分）,金额（元）\r\n"
            + "2025Q3,应付,510000,四川省,500000,重庆市,185175,1851.75\r\n2025Q3,应付,500000,重庆市,510000,四川省,32400,324.00\r\n"
            + "2025Q3,合计（净额）,510000,四川省,500000,重庆市,152775,1527.75\r\n")
        let netJSON = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--net"])
        #expect(netJSON.stdout.contains("\"amountFen\":152775"), "the JSON of --net is unchanged: \(netJSON.stdout)")
        let statement = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--payer", "510000", "--payee", "500000", "--labels", "zh", "--excel"])
        #expect(statement.stdout == StatementJSON.csv(try l.statement("2025Q3"), chinese: true, excel: true))
        let conflicting = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--net", "--format", "json", "--excel"])
        #expect(conflicting.status == 64 && conflicting.stdout.isEmpty && conflicting.stderr.contains("--excel"))

        let files = [("whitelist.csv", report.stdout), ("net.csv", net.stdout), ("statement.csv", statement.stdout)].map { l.s.dir.write($0.0, $0.1) }
        let read = try Run.executable("/usr/bin/python3", ["-c", Self.reader] + files)
        try #require(read.status == 0, "\(read.stderr)")
        let opened = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: [String: [[String]]]])
        let wl = try #require(opened["whitelist.csv"])
        for rows in [wl["csv"], wl["xlsx"]] {
            #expect(rows?.first == WhitelistReportCSV.header)
            #expect(rows?.count == expectedReport.rows.count + 1)
            #expect(rows?[1][3] == CompensationLedger.cqRecv && rows?[1][4] == "测试企业")
            #expect(rows?.last?[1] == "合计")
        }
        #expect(wl["csv"].map(Array.init) == [expectedReport.header] + expectedReport.rows)
        for name in ["net.csv", "statement.csv"] {
            let header = name == "net.csv" ? "季度,项目,付款方,付款方名称,收款方,收款方名称,金额（分）,金额（元）" : StatementJSON.csvDocument(try l.statement("2025Q3"), chinese: true).header.joined(separator: ",")
            #expect(opened[name]?["csv"]?.first?.joined(separator: ",") == header, "\(name) in Python")
            #expect(opened[name]?["xlsx"]?.first?.joined(separator: ",") == header, "\(name) in LibreOffice")
        }
        #expect(opened["net.csv"]?["xlsx"]?.last?[1] == "合计（净额）")
    }
}
