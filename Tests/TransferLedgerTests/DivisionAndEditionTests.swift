import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// County-level divisions in force on a date, and the 名录 edition in force on an event's business date.
@Suite("Divisions and 名录 editions")
struct DivisionAndEditionTests {
    static func rule(_ outcome: SubmitOutcome) -> String? {
        if case .rejected(let v) = outcome { return v.rule.rawValue }
        return nil
    }

    static func message(_ outcome: SubmitOutcome) -> String {
        if case .rejected(let v) = outcome { return v.message }
        return ""
    }

    // MARK: Divisions

    @Test("an enterprise in 武侯区 (510107) is registered and its manifest numbered 2025 5101 000001")
    func countyRegistered() throws {
        let s = try TransferScenario()
        let wuhou = TestKeys.uscc(division: "510107", serial: 611)
        try s.register(wuhou, "510107", ["generator"])
        let no = try s.file(B.manifest(generator: wuhou))
        #expect(no == "20255101000001")
    }

    @Test("500105 江北区 is refused from 2025-11-06 (Shanghai) with R-DIVISION naming its successor 500157; accepted the day before and kept afterwards")
    func abolishedDivision() throws {
        let s = try TransferScenario(at: UTCInstant("2025-11-05T15:59:59Z")!)
        let before = TestKeys.uscc(division: "500105", serial: 612)
        try s.register(before, "500105", ["generator"])
        s.clock.set(UTCInstant("2025-11-05T16:00:00Z")!)
        let after = TestKeys.uscc(division: "500105", serial: 613)
        let refused = try s.submit("enterprise.registered", P.cq, [
            "uscc": .string(after), "name": "测试企业", "division": "500105", "roles": ["generator"],
        ])
        #expect(Self.rule(refused) == "R-DIVISION")
        #expect(Self.message(refused).contains("500157"))
        #expect(Self.message(refused).contains("两江新区"))
        #expect(try s.ledger.enterprise(before)?.division == "500105")
        try s.register(TestKeys.uscc(division: "500157", serial: 614), "500157", ["receiver"])
    }

    @Test("the reference loads 245 divisions with parents, two of them ended with a successor")
    func divisionsLoaded() {
        let d = Fixtures.reference.divisions
        #expect(d.count == 245)
        #expect(d["510107"]?.parent == "510100")
        #expect(d["500105"]?.validTo == CivilDate("2025-11-05"))
        #expect(d["500112"]?.successor == "500157")
        #expect(d.values.filter { $0.validTo != nil }.count == 2)
    }

    // MARK: Editions

    /// A reference directory with the test 2025 edition added the way an operator adds one: a file and a row.
    static func editionReference() throws -> ReferenceData {
        let dir = TempDirectory()
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: Fixtures.referenceDirectory) where name.hasSuffix(".csv") {
            try fm.copyItem(atPath: Fixtures.referenceDirectory + "/" + name, toPath: dir.path(name))
        }
        for name in ["hw_code_editions.csv", "hw_codes_2025_test.csv"] {
            try fm.copyItem(atPath: Fixtures.path("fixtures/editions-test/" + name), toPath: dir.path(name))
        }
        return try ReferenceData.load(directory: dir.url.path)
    }

    @Test("two editions load, each with its effective date; the edition in force is chosen by date")
    func editionsLoad() throws {
        let r = try Self.editionReference()
        #expect(r.editions.map(\.edition) == ["2021", "2025-test"])
        #expect(r.edition(on: CivilDate("2024-12-31")!)?.edition == "2021")
        #expect(r.edition(on: CivilDate("2025-01-01")!)?.edition == "2025-test")
        #expect(r.edition(on: CivilDate("2019-06-01")!)?.edition == "2021", "before every edition the earliest applies")
        #expect(Fixtures.reference.editions.isEmpty, "without hw_code_editions.csv the one list applies on every date")
    }

    @Test("a code only in the 2025 edition: accepted for a 2025 pickup, refused for a 2024 one naming both editions")
    func newCode() throws {
        let s = try TransferScenario(reference: try Self.editionReference())
        try s.must("permit.issued", P.sc, B.permit("SC-HW-NEW", holder: P.scReceiver, codes: ["900-998-49"], from: "2025-01-01", to: "2026-12-31"))
        let line = B.line("900-998-49")
        _ = try s.file(B.manifest(pickup: "2025-03-12", lines: [line]))
        let refused = try s.submit("manifest.filed", P.generator, B.manifest(pickup: "2024-12-20", lines: [line]))
        #expect(Self.rule(refused) == "R-WASTE-CODE")
        #expect(Self.message(refused).contains("2021 edition"))
        #expect(Self.message(refused).contains("2025-test edition"))
        let early = try s.submit("permit.issued", P.sc, B.permit("SC-HW-OLD", holder: P.scReceiver, codes: ["900-998-49"], from: "2024-06-01", to: "2024-12-31"))
        #expect(Self.rule(early) == "R-WASTE-CODE")
    }

    @Test("a code removed in 2025 (900-249-08): accepted with a 2024 validity start, refused with a 2025 one")
    func removedCode() throws {
        let s = try TransferScenario(reference: try Self.editionReference())
        try s.must("permit.issued", P.sc, B.permit("SC-HW-08A", holder: P.scReceiver, codes: ["900-249-08"], from: "2024-06-01", to: "2024-12-31"))
        let refused = try s.submit("permit.issued", P.sc, B.permit("SC-HW-08B", holder: P.scReceiver, codes: ["900-249-08"], from: "2025-01-01", to: "2025-12-31"))
        #expect(Self.rule(refused) == "R-WASTE-CODE")
        #expect(Self.message(refused).contains("is not in the 2025-test edition of the 名录, in force on 2025-01-01; it is listed in the 2021 edition"))
    }

    @Test("an editions index naming a missing file is R-SCHEMA naming the file")
    func missingEditionFile() throws {
        let texts = try Dictionary(uniqueKeysWithValues: ReferenceData.File.required.map {
            ($0, try String(contentsOfFile: Fixtures.referenceDirectory + "/" + $0.rawValue, encoding: .utf8))
        })
        var withIndex = texts
        withIndex[.editions] = "edition,effective_from,file,provenance\n2025,2025-01-01,hw_codes_2025.csv,x\n"
        let error = #expect(throws: RuleViolation.self) { try ReferenceData(csv: withIndex) }
        #expect(error?.message.contains("hw_codes_2025.csv") == true)
    }
}
