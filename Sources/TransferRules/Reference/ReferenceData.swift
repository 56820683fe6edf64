/// The versioned reference lists the rules check against (SPEC §1): administrative divisions, waste codes,
/// method codes and the holiday calendar. Loaded from CSV text, so an official edition replaces a file, not code.
public struct ReferenceData: Sendable {
    public struct DivisionInfo: Sendable, Equatable {
        public var code: String
        public var name: String
        public var level: String
        /// The parent division (a county's prefecture, or the province); empty for a province.
        public var parent: String
        /// The last day the code was in force; nil while it is current.
        public var validTo: CivilDate?
        /// The code that replaced it.
        public var successor: String?

        public init(code: String, name: String, level: String, parent: String = "", validTo: CivilDate? = nil, successor: String? = nil) {
            self.code = code
            self.name = name
            self.level = level
            self.parent = parent
            self.validTo = validTo
            self.successor = successor
        }

        /// In force on `date`.
        public func isInForce(on date: CivilDate) -> Bool { validTo.map { date <= $0 } ?? true }
    }

    /// One edition of 《国家危险废物名录》 with the day it took effect.
    public struct WasteCodeEdition: Sendable, Equatable {
        public var edition: String
        public var effectiveFrom: CivilDate
        public var codes: [String: WasteCodeInfo]
        /// The file it was read from.
        public var file: String

        public init(edition: String, effectiveFrom: CivilDate, codes: [String: WasteCodeInfo], file: String) {
            self.edition = edition
            self.effectiveFrom = effectiveFrom
            self.codes = codes
            self.file = file
        }
    }

    public struct WasteCodeInfo: Sendable, Equatable {
        public var code: String
        public var category: String
        public var description: String
        public var hazards: [String]
    }

    public struct MethodInfo: Sendable, Equatable {
        public var code: String
        public var meaning: String
        public var group: String
    }

    public var divisions: [String: DivisionInfo]
    /// Every waste code of every edition (a later edition's entry wins). Rules judge a code against
    /// ``edition(on:)`` when editions are listed (`hw_code_editions.csv`), else against this list.
    public var wasteCodes: [String: WasteCodeInfo]
    /// The editions of the 名录 by effective date, from `hw_code_editions.csv`; empty when the reference holds
    /// only `hw_codes.csv`, which then applies on every date.
    public var editions: [WasteCodeEdition] = []
    public var methods: [String: MethodInfo]
    /// Dates (YYYY-MM-DD) that are public holidays, and adjusted working days (调休).
    public var holidays: Set<String>
    public var adjustedWorkdays: Set<String>

    public init(
        divisions: [String: DivisionInfo] = [:], wasteCodes: [String: WasteCodeInfo] = [:],
        methods: [String: MethodInfo] = [:], holidays: Set<String> = [], adjustedWorkdays: Set<String> = []
    ) {
        self.divisions = divisions
        self.wasteCodes = wasteCodes
        self.methods = methods
        self.holidays = holidays
        self.adjustedWorkdays = adjustedWorkdays
    }

    /// The hazard characteristics (危险特性): toxicity, corrosivity, ignitability, reactivity, infectivity.
    public static let hazardCodes: Set<String> = ["T", "C", "I", "R", "In"]

    /// File names the loader reads from a reference directory.
    public enum File: String, CaseIterable, Sendable {
        case divisions = "admin_divisions_sc_cq.csv"
        case wasteCodes = "hw_codes.csv"
        case methods = "disposal_method_codes.csv"
        case holidays = "cn_public_holidays.csv"
        /// Optional: the editions of the 名录 (`edition,effective_from,file,provenance`), each edition a codes file
        /// in the same directory. Absent: `hw_codes.csv` is the only list.
        case editions = "hw_code_editions.csv"

        /// The files every reference directory has.
        public static var required: [File] { allCases.filter { $0 != .editions } }
    }

    /// The edition in force on `date`: the latest one effective on or before it, or the earliest one for a date
    /// before every edition (no older list is held). Nil when no editions are listed.
    public func edition(on date: CivilDate) -> WasteCodeEdition? {
        editions.last { $0.effectiveFrom <= date } ?? editions.first
    }

    /// Whether `code` is a waste code on `date`; the message names the edition in force and any edition that has it.
    public func wasteCodeProblem(_ code: String, on date: CivilDate) -> String? {
        guard let inForce = edition(on: date) else {
            return wasteCodes[code] == nil ? "is not in the waste code list (名录)" : nil
        }
        guard inForce.codes[code] == nil else { return nil }
        let others = editions.filter { $0.codes[code] != nil }.map { "the \($0.edition) edition (in force from \($0.effectiveFrom))" }
        return "is not in the \(inForce.edition) edition of the 名录, in force on \(date)"
            + (others.isEmpty ? "" : "; it is listed in " + others.joined(separator: " and "))
    }

    /// Parses the lists from their CSV texts; `editionFiles` holds the texts of the codes files that
    /// `hw_code_editions.csv` names (other than `hw_codes.csv`), by file name.
    ///
    /// - Throws: R-SCHEMA naming the file, record and column of the first problem.
    public init(csv: [File: String], editionFiles: [String: String] = [:]) throws(RuleViolation) {
        self.init()
        for file in File.required {
            guard let text = csv[file] else { throw RuleViolation(.schema, "reference data: \(file.rawValue) is missing") }
            let source = file.rawValue
            let table = try CSVTable(parsing: text, source: source)
            switch file {
            case .divisions:
                let code = try table.column("code", source: source)
                let name = try table.column("name_zh", source: source)
                let level = try table.column("level", source: source)
                let parent = table.header.firstIndex(of: "parent")
                let validTo = table.header.firstIndex(of: "valid_to")
                let successor = table.header.firstIndex(of: "successor")
                for (n, row) in table.rows.enumerated() {
                    guard Division.isCode(row[code]) else {
                        throw RuleViolation(.schema, "\(source) record \(n + 2): code \(row[code]) is not 6 digits")
                    }
                    var info = DivisionInfo(code: row[code], name: row[name], level: row[level], parent: parent.map { row[$0] } ?? "")
                    if let validTo, !row[validTo].isEmpty {
                        guard let d = CivilDate(row[validTo]) else {
                            throw RuleViolation(.schema, "\(source) record \(n + 2): valid_to \(row[validTo]) is not YYYY-MM-DD")
                        }
                        info.validTo = d
                    }
                    if let successor, !row[successor].isEmpty {
                        guard Division.isCode(row[successor]) else {
                            throw RuleViolation(.schema, "\(source) record \(n + 2): successor \(row[successor]) is not 6 digits")
                        }
                        info.successor = row[successor]
                    }
                    divisions[row[code]] = info
                }
            case .wasteCodes:
                wasteCodes = try Self.wasteCodes(table, source: source)
            case .methods:
                let code = try table.column("code", source: source)
                let meaning = try table.column("meaning_zh", source: source)
                let group = try table.column("group", source: source)
                for row in table.rows {
                    methods[row[code]] = MethodInfo(code: row[code], meaning: row[meaning], group: row[group])
                }
            case .holidays:
                let date = try table.column("date", source: source)
                let kind = try table.column("kind", source: source)
                for (n, row) in table.rows.enumerated() {
                    guard CivilDate(row[date]) != nil else {
                        throw RuleViolation(.schema, "\(source) record \(n + 2): date \(row[date]) is not YYYY-MM-DD")
                    }
                    switch row[kind] {
                    case "holiday": holidays.insert(row[date])
                    case "workday": adjustedWorkdays.insert(row[date])
                    default:
                        throw RuleViolation(.schema, "\(source) record \(n + 2): kind \(row[kind]) is not holiday or workday")
                    }
                }
            case .editions: break
            }
        }
        if let index = csv[.editions] { try loadEditions(index, files: editionFiles) }
    }

    /// Reads `hw_code_editions.csv` and the codes file of each edition.
    mutating func loadEditions(_ text: String, files: [String: String]) throws(RuleViolation) {
        let source = File.editions.rawValue
        let table = try CSVTable(parsing: text, source: source)
        let edition = try table.column("edition", source: source)
        let from = try table.column("effective_from", source: source)
        let file = try table.column("file", source: source)
        var all: [WasteCodeEdition] = []
        for (n, row) in table.rows.enumerated() {
            guard let date = CivilDate(row[from]) else {
                throw RuleViolation(.schema, "\(source) record \(n + 2): effective_from \(row[from]) is not YYYY-MM-DD")
            }
            let codes: [String: WasteCodeInfo]
            if row[file] == File.wasteCodes.rawValue {
                codes = wasteCodes
            } else {
                guard let text = files[row[file]] else {
                    throw RuleViolation(.schema, "\(source) record \(n + 2): file \(row[file]) of edition \(row[edition]) is missing")
                }
                codes = try Self.wasteCodes(try CSVTable(parsing: text, source: row[file]), source: row[file])
            }
            if all.contains(where: { $0.edition == row[edition] || $0.effectiveFrom == date }) {
                throw RuleViolation(.schema, "\(source) record \(n + 2): edition \(row[edition]) or its date \(date) is listed twice")
            }
            all.append(WasteCodeEdition(edition: row[edition], effectiveFrom: date, codes: codes, file: row[file]))
        }
        editions = all.sorted { $0.effectiveFrom < $1.effectiveFrom }
        for e in editions { wasteCodes.merge(e.codes) { _, new in new } }
    }

    /// The codes of one edition's file (`code,category,description_zh,hazard,…`).
    static func wasteCodes(_ table: CSVTable, source: String) throws(RuleViolation) -> [String: WasteCodeInfo] {
        let code = try table.column("code", source: source)
        let category = try table.column("category", source: source)
        let description = try table.column("description_zh", source: source)
        let hazard = try table.column("hazard", source: source)
        var out: [String: WasteCodeInfo] = [:]
        for (n, row) in table.rows.enumerated() {
            guard WasteCode.isWellFormed(row[code]) else {
                throw RuleViolation(.schema, "\(source) record \(n + 2): code \(row[code]) is not NNN-SSS-CC")
            }
            // Editions separate characteristics with "/" or ","; both are read.
            let hazards = row[hazard].split(whereSeparator: { $0 == "/" || $0 == "," })
                .map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
            for h in hazards where !Self.hazardCodes.contains(h) {
                throw RuleViolation(.schema, "\(source) record \(n + 2): hazard \(h) is not one of T, C, I, R, In")
            }
            out[row[code]] = WasteCodeInfo(code: row[code], category: row[category], description: row[description], hazards: hazards)
        }
        return out
    }
}

/// Waste codes of 《国家危险废物名录》: `NNN-SSS-CC`.
public enum WasteCode {
    /// Three digits, dash, three digits, dash, two digits.
    public static func isWellFormed(_ code: String) -> Bool {
        let b = Array(code.utf8)
        guard b.count == 10, b[3] == 0x2D, b[7] == 0x2D else { return false }
        return [0, 1, 2, 4, 5, 6, 8, 9].allSatisfy { (0x30...0x39).contains(b[$0]) }
    }

    /// The HW category, `HW` + the last two digits.
    public static func category(of code: String) -> String { "HW" + code.suffix(2) }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
