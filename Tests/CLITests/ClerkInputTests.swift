import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger

/// Issue 18's CLI part: quantities in tonnes that are converted exactly, enumeration errors that name the allowed
/// values in both languages, and `--lang zh` results that are sentences (JSON with `--json`).
@Suite("hwledger for clerks: tonnes, allowed values, Chinese result sentences")
struct ClerkInputTests {
    @Test("template writes quantities as tonnes strings; sign converts them exactly to SPEC's integer grams")
    func tonnesConvertedExactly() throws {
        let template = try Run.hwledger(["template", "approval.decided"])
        #expect(template.status == 0)
        let example = try CanonicalJSON.decode(Array(template.stdout.utf8))
        #expect(example["body"]?["tonnes"]?.stringValue == "300.000", "\(template.stdout)")
        #expect(example["body"]?["grams"] == nil)
        let manifest = try CanonicalJSON.decode(Array(try Run.hwledger(["template", "manifest.filed"]).stdout.utf8))
        #expect(manifest["body"]?["lines"]?.arrayValue?.first?["tonnes"]?.stringValue == "8.600")

        let ledger = try CLILedger()
        let event: JSONValue = .object([
            "type": "approval.decided", "actor": "REG-510000",
            "body": .object([
                "applicationId": "SQ-510000-2026-001", "decision": "approved", "decidedOn": "2026-01-20", "approvalNo": "川环危转〔2026〕1号",
                "tonnes": "0.240", "validFrom": "2026-02-01", "validTo": "2026-12-31",
            ]),
        ])
        let signed = try Run.hwledger(["sign", "--key", ledger.sichuanKeyPath, ledger.writeLines([event.canonicalString])])
        #expect(signed.status == 0, "\(signed.stderr)")
        let body = try CanonicalJSON.decode(Array(signed.stdout.utf8))["submission"]?["body"]
        #expect(body?["grams"]?.intValue == 240_000, "0.240 t is 240000 g, not 240 g: \(signed.stdout)")
        #expect(body?["tonnes"] == nil)
    }

    @Test("a tonnes value that is not a decimal string, or given beside grams, is refused naming the field; nothing signed")
    func badTonnes() throws {
        let ledger = try CLILedger()
        for (body, field) in [
            (#"{"applicationId":"A","extraTonnes":240}"#, "body.extraTonnes"),
            (#"{"applicationId":"A","extraTonnes":"1.2345678"}"#, "body.extraTonnes"),
            (#"{"applicationId":"A","extraTonnes":"1","extraGrams":1000000}"#, "body.extraTonnes"),
        ] {
            let line = #"{"type":"whitelist.overquota.consented","actor":"REG-510000","body":"# + body + "}"
            let r = try Run.hwledger(["sign", "--key", ledger.sichuanKeyPath, ledger.writeLines([line])])
            #expect(r.status == 65, "\(body): \(r.stdout) \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains(field), "\(r.stderr)")
        }
    }

    @Test("an enumeration error names the allowed values in English and Chinese (agree (同意), disagree (不同意))")
    func enumerationError() throws {
        let ledger = try CLILedger()
        let event: JSONValue = .object([
            "type": "approval.reviewed", "actor": "REG-510000",
            "body": .object(["applicationId": "SQ-510000-2026-001", "opinion": "同意", "reviewedOn": "2026-01-09"]),
        ])
        let r = try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, ledger.writeLines([event.canonicalString])])
        #expect(r.status == 2)
        let error = try CanonicalJSON.decode(Array(r.stdout.utf8))["error"]
        #expect(error?["rule"]?.stringValue == "R-SCHEMA")
        #expect(error?["message"]?.stringValue?.contains("body.opinion is 同意, not one of the allowed values agree (同意), disagree (不同意)") == true, "\(r.stdout)")
        let zh = try ledger.run(["--lang", "zh", "submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, "--json", ledger.writeLines([event.canonicalString])])
        #expect(try CanonicalJSON.decode(Array(zh.stdout.utf8))["error"]?["messageZh"]?.stringValue?.hasPrefix(
            "body.opinion 的取值 同意 不在允许范围内，应为 agree（同意）、disagree（不同意） 之一") == true, "\(zh.stdout)")
    }

    @Test("--lang zh prints submit's and check's results as sentences; --json keeps the JSON lines")
    func chineseSentences() throws {
        let ledger = try CLILedger()
        let uscc = TestKeys.uscc(division: "510100", serial: 777)
        let good = Events.registration(uscc: uscc)
        let bad = Events.registration(uscc: "91350203M0001QAY9B")
        let file = ledger.writeLines([good.canonicalString, bad.canonicalString])
        let check = try ledger.run(["--lang", "zh", "check", "--db", ledger.db, "--key", ledger.sichuanKeyPath, file])
        #expect(check.status == 2)
        #expect(check.stdoutLines == [
            "第 1 行预检通过：提交时台账会接受（预检未写入任何内容）",
            check.stdoutLines.last ?? "",
        ])
        #expect(check.stdoutLines.last?.hasPrefix("第 2 行预检未通过：统一社会信用代码校验位错误") == true, "\(check.stdout)")
        let r = try ledger.run(["--lang", "zh", "submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, file])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdoutLines.first == "已登记：企业登记 \(uscc)，台账序号 1", "\(r.stdout)")
        #expect(r.stdoutLines.last?.hasPrefix("第 2 行未登记：统一社会信用代码校验位错误：") == true, "\(r.stdout)")
        let json = try ledger.run(["--lang", "zh", "submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, "--json",
                                   ledger.writeLines([Events.registration(uscc: TestKeys.uscc(division: "510100", serial: 778)).canonicalString])])
        #expect(try CanonicalJSON.decode(Array(json.stdout.utf8))["index"]?.intValue == 2, "\(json.stdout)")
    }
}
