import Foundation
import Testing
import TransferRules

/// Reference data loaded from CSV text (SPEC §1): a new edition is a new file, never new code.
@Suite("ReferenceData from CSV")
struct ReferenceDataTests {
    static let divisions = "code,name_zh,level,parent,provenance\n510000,四川省,province,,x\n510100,成都市,prefecture,510000,x\n500000,重庆市,province,,x\n"
    static let wasteCodes = "code,category,industry_source,description_zh,hazard,edition,provenance\n900-041-49,HW49,非特定行业,\"废弃的含油抹布, 劳保用品\",T/In,2021,x\n841-001-01,HW01,卫生,感染性废物,In,2021,x\n"
    static let methods = "code,meaning_zh,group,provenance\nR1,作为燃料,利用,x\nD10,焚烧,处置,\"a, b\"\n"
    static let holidays = "date,kind,name,provenance\n2025-10-01,holiday,国庆节,x\n2025-09-28,workday,国庆调休,x\n"

    static func texts(
        divisions: String = divisions, wasteCodes: String = wasteCodes, methods: String = methods, holidays: String = holidays
    ) -> [ReferenceData.File: String] {
        [.divisions: divisions, .wasteCodes: wasteCodes, .methods: methods, .holidays: holidays]
    }

    @Test("the four lists parse into lookups")
    func parses() throws {
        let r = try ReferenceData(csv: Self.texts())
        #expect(r.divisions.count == 3)
        let chengdu = try #require(r.divisions["510100"])
        #expect(chengdu.code == "510100" && chengdu.name == "成都市" && chengdu.level == "prefecture")
        #expect(r.wasteCodes["900-041-49"]?.hazards == ["T", "In"])
        #expect(r.wasteCodes["900-041-49"]?.description == "废弃的含油抹布, 劳保用品")
        #expect(r.wasteCodes["841-001-01"]?.category == "HW01")
        #expect(Set(r.methods.keys) == ["R1", "D10"])
        #expect(r.methods["D10"]?.group == "处置")
        #expect(r.holidays == ["2025-10-01"])
        #expect(r.adjustedWorkdays == ["2025-09-28"])
    }

    @Test("columns are found by name, in any order")
    func columnOrder() throws {
        let divisions = "level,provenance,name_zh,code\nprovince,x,四川省,510000\n"
        let r = try ReferenceData(csv: Self.texts(divisions: divisions))
        #expect(r.divisions["510000"]?.name == "四川省")
    }

    @Test("a missing list is R-SCHEMA naming the file", arguments: ReferenceData.File.required)
    func missingFile(file: ReferenceData.File) {
        var texts = Self.texts()
        texts[file] = nil
        let error = #expect(throws: RuleViolation.self) { try ReferenceData(csv: texts) }
        #expect(error?.rule == .schema)
        #expect(error?.message.contains(file.rawValue) == true)
    }

    @Test("a missing column is R-SCHEMA naming the file and the column", arguments: [
        (ReferenceData.File.divisions, "code,name_zh,parent\n510000,四川省,\n", "level"),
        (ReferenceData.File.divisions, "name_zh,level\n四川省,province\n", "code"),
        (ReferenceData.File.wasteCodes, "code,category,description_zh\n900-041-49,HW49,x\n", "hazard"),
        (ReferenceData.File.methods, "code,meaning_zh\nR1,x\n", "group"),
        (ReferenceData.File.holidays, "date,name\n2025-10-01,国庆节\n", "kind"),
    ])
    func missingColumn(file: ReferenceData.File, text: String, column: String) {
        var texts = Self.texts()
        texts[file] = text
        let error = #expect(throws: RuleViolation.self) { try ReferenceData(csv: texts) }
        #expect(error?.rule == .schema)
        #expect(error?.message.contains(file.rawValue) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("missing column \(column)") == true, "\(error?.message ?? "")")
    }

    @Test("a bad code or value is R-SCHEMA naming the file, the record and the value", arguments: [
        (ReferenceData.File.divisions, "code,name_zh,level\n510000,四川省,province\n51010,成都市,prefecture\n", "record 3", "51010"),
        (ReferenceData.File.divisions, "code,name_zh,level\n5100AB,四川省,province\n", "record 2", "5100AB"),
        (ReferenceData.File.wasteCodes, "code,category,description_zh,hazard\n900-41-049,HW49,x,T\n", "record 2", "900-41-049"),
        (ReferenceData.File.wasteCodes, "code,category,description_zh,hazard\n900-041-49,HW49,x,T\nHW-041-49,HW49,x,T\n", "record 3", "HW-041-49"),
        (ReferenceData.File.holidays, "date,kind\n2025-02-29,holiday\n", "record 2", "2025-02-29"),
        (ReferenceData.File.holidays, "date,kind\n2025-10-01,vacation\n", "record 2", "vacation"),
    ])
    func badValue(file: ReferenceData.File, text: String, record: String, value: String) {
        var texts = Self.texts()
        texts[file] = text
        let error = #expect(throws: RuleViolation.self) { try ReferenceData(csv: texts) }
        #expect(error?.rule == .schema)
        let message = error?.message ?? ""
        #expect(message.contains(file.rawValue) && message.contains(record) && message.contains(value), "\(message)")
    }

    @Test("a row with a missing field is R-SCHEMA naming the file")
    func ragged() {
        let error = #expect(throws: RuleViolation.self) {
            try ReferenceData(csv: Self.texts(methods: "code,meaning_zh,group\nR1,x\n"))
        }
        #expect(error?.rule == .schema)
        #expect(error?.message.contains("disposal_method_codes.csv record 2") == true)
    }

    @Test("the bundled reference lists load with the counts SPEC §1 names")
    func bundled() throws {
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/reference")
        var texts: [ReferenceData.File: String] = [:]
        for file in ReferenceData.File.required {
            texts[file] = try String(contentsOf: directory.appendingPathComponent(file.rawValue), encoding: .utf8)
        }
        let r = try ReferenceData(csv: texts)
        #expect(r.wasteCodes.count == 467)
        let categories = Set(r.wasteCodes.values.map(\.category))
        #expect(categories.count == 46)
        #expect(!categories.contains("HW41") && !categories.contains("HW44") && categories.contains("HW50"))
        for info in r.wasteCodes.values {
            #expect(WasteCode.category(of: info.code) == info.category, "\(info.code)")
        }
        // SPEC §1: hazard characteristics are a subset of T, C, I, R, In — every code's list must split into those.
        let badHazards = r.wasteCodes.values.filter { !Set($0.hazards).isSubset(of: ["T", "C", "I", "R", "In"]) }
            .map { "\($0.code)=\($0.hazards)" }.sorted()
        let sample = badHazards.prefix(3).joined(separator: " ")
        #expect(badHazards.count == 0, "\(badHazards.count) codes keep an unsplit hazard list, e.g. \(sample)")
        #expect(Set(r.methods.keys) == [
            "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R15", "D1", "D9", "D10", "D16", "C1", "C2", "C3",
            "Y10", "Y11", "Y12", "Y13", "Y16",
        ])
        #expect(r.divisions["510000"] != nil && r.divisions["500000"] != nil && r.divisions["510100"] != nil)
        #expect(r.divisions.keys.allSatisfy { $0.hasPrefix("51") || $0.hasPrefix("50") })
        #expect(r.holidays.contains("2025-10-01"))
        #expect(r.holidays.isDisjoint(with: r.adjustedWorkdays))
    }

    @Test("waste codes are NNN-SSS-CC", arguments: [
        ("900-041-49", true), ("841-001-01", true), ("900-000-08", true), ("900-41-049", false), ("900041-49", false),
        ("900-041-4", false), ("90A-041-49", false), ("900_041_49", false), ("", false), ("900-041-490", false),
    ])
    func wasteCodeShape(code: String, wellFormed: Bool) {
        #expect(WasteCode.isWellFormed(code) == wellFormed)
    }
}
