/// The versioned reference lists the rules check against (SPEC §1): administrative divisions, waste codes,
/// method codes and the holiday calendar. Loaded from CSV text, so an official edition replaces a file, not code.
public struct ReferenceData: Sendable {
    public struct DivisionInfo: Sendable, Equatable {
        public var code: String
        public var name: String
        public var level: String
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
    public var wasteCodes: [String: WasteCodeInfo]
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
    }

    /// Parses the four lists from their CSV texts.
    ///
    /// - Throws: R-SCHEMA naming the file, record and column of the first problem.
    public init(csv: [File: String]) throws(RuleViolation) {
        self.init()
        for file in File.allCases {
            guard let text = csv[file] else { throw RuleViolation(.schema, "reference data: \(file.rawValue) is missing") }
            let source = file.rawValue
            let table = try CSVTable(parsing: text, source: source)
            switch file {
            case .divisions:
                let code = try table.column("code", source: source)
                let name = try table.column("name_zh", source: source)
                let level = try table.column("level", source: source)
                for (n, row) in table.rows.enumerated() {
                    guard Division.isCode(row[code]) else {
                        throw RuleViolation(.schema, "\(source) record \(n + 2): code \(row[code]) is not 6 digits")
                    }
                    divisions[row[code]] = DivisionInfo(code: row[code], name: row[name], level: row[level])
                }
            case .wasteCodes:
                let code = try table.column("code", source: source)
                let category = try table.column("category", source: source)
                let description = try table.column("description_zh", source: source)
                let hazard = try table.column("hazard", source: source)
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
                    wasteCodes[row[code]] = WasteCodeInfo(
                        code: row[code], category: row[category], description: row[description], hazards: hazards)
                }
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
            }
        }
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
