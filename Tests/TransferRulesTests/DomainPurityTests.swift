import Foundation
import Testing

/// TransferRules is the pure domain (STYLE §2.1): no I/O, no clock, no logging, no storage, no log layer.
/// Scans the module's sources, found relative to this file.
@Suite("TransferRules stays pure")
struct DomainPurityTests {
    static let sourceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/TransferRules")

    static let forbidden = [
        "import Foundation", "FileManager", "Date()", "ProcessInfo", "Logger", "import Logging", "import GRDB",
        "import LedgerCore", "FileHandle", "URLSession", "DispatchQueue", "getenv",
    ]

    static func swiftFiles() -> [URL] {
        guard let walker = FileManager.default.enumerator(at: sourceDirectory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
    }

    @Test("the scan finds the module's sources")
    func findsSources() {
        let names = Set(Self.swiftFiles().map(\.lastPathComponent))
        #expect(names.count >= 5)
        #expect(names.isSuperset(of: ["RuleViolation.swift", "CSV.swift", "RegistryRules.swift", "CivilDate.swift"]))
    }

    @Test("no source file under Sources/TransferRules uses I/O, clocks, logging, GRDB or LedgerCore", arguments: forbidden)
    func noForbiddenToken(token: String) throws {
        for file in Self.swiftFiles() {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                #expect(!line.contains(token), "\(file.lastPathComponent):\(n + 1) contains \(token)")
            }
        }
    }
}
