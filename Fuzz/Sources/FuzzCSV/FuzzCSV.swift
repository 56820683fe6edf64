import Foundation
import TransferRules
import FuzzDriver

/// libFuzzer entry point for ``CSVTable/init(parsing:source:)`` and ``ReferenceData/init(csv:)``.
///
/// The first byte picks which reference file the rest stands for (the other three are a header-only stub of their
/// real columns), so the loaders' per-file checks are reached. Invariants: nothing traps; every parsed row has the
/// header's width; a table re-written in RFC 4180 form (every field quoted) parses back to the same header and rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let table = try? CSVTable(parsing: text, source: "fuzz.csv") {
        for row in table.rows { precondition(row.count == table.header.count, "row width differs from the header") }
        let rewritten = ([table.header] + table.rows).map { $0.map(CSVDocument.quoted).joined(separator: ",") + "\r\n" }.joined()
        guard let again = try? CSVTable(parsing: rewritten, source: "fuzz.csv") else {
            fatalError("re-quoted table does not parse: \(rewritten.debugDescription)")
        }
        precondition(again.header == table.header && again.rows == table.rows, "re-quoted table parses differently")
        for column in table.header { _ = try? table.column(column, source: "fuzz.csv") }
    }
    guard let selector = bytes.first else { return 0 }
    let files = ReferenceData.File.allCases
    let target = files[Int(selector) % files.count]
    var csv: [ReferenceData.File: String] = [:]
    for file in files { csv[file] = stubs[file] }
    csv[target] = String(decoding: bytes.dropFirst(), as: UTF8.self)
    _ = try? ReferenceData(csv: csv)
    return 0
}

/// Header rows of the real reference files (fixtures/reference), standing in for the files not being fuzzed.
let stubs: [ReferenceData.File: String] = [
    .divisions: "code,name_zh,level,parent,provenance\n",
    .wasteCodes: "code,category,industry_source,description_zh,hazard,edition,provenance\n",
    .methods: "code,meaning_zh,group,provenance\n",
    .holidays: "date,kind,name,provenance\n",
]

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzCSV_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
