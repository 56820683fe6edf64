import Foundation
import TransferRules

extension ReferenceData {
    /// Loads the reference lists from `directory` (file names as in ``ReferenceData/File``), with every edition of
    /// the 名录 that `hw_code_editions.csv` names, if it is there.
    ///
    /// - Throws: ``RuleViolation`` (R-SCHEMA) naming the file and record, or a Foundation error when a file
    ///   cannot be read.
    public static func load(directory: String) throws -> ReferenceData {
        func read(_ name: String) throws -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReferenceLoadError(path: path)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw RuleViolation(.schema, "\(path) is not UTF-8 text")
            }
            return text
        }
        var texts: [File: String] = [:]
        for file in File.required { texts[file] = try read(file.rawValue) }
        var editionFiles: [String: String] = [:]
        let index = (directory as NSString).appendingPathComponent(File.editions.rawValue)
        if FileManager.default.fileExists(atPath: index) {
            let text = try read(File.editions.rawValue)
            texts[.editions] = text
            // Every codes file the index names, read before parsing so that parsing stays pure.
            if let table = try? CSVTable(parsing: text, source: File.editions.rawValue), let column = table.header.firstIndex(of: "file") {
                for row in table.rows where row[column] != File.wasteCodes.rawValue && !row[column].contains("/") {
                    editionFiles[row[column]] = try read(row[column])
                }
            }
        }
        return try ReferenceData(csv: texts, editionFiles: editionFiles)
    }
}

/// A reference file could not be read.
public struct ReferenceLoadError: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "cannot read reference data file \(path)" }
}
