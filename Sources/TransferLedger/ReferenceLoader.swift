import Foundation
import TransferRules

extension ReferenceData {
    /// Loads the four reference lists from `directory` (file names as in ``ReferenceData/File``).
    ///
    /// - Throws: ``RuleViolation`` (R-SCHEMA) naming the file and record, or a Foundation error when a file
    ///   cannot be read.
    public static func load(directory: String) throws -> ReferenceData {
        var texts: [File: String] = [:]
        for file in File.allCases {
            let path = (directory as NSString).appendingPathComponent(file.rawValue)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReferenceLoadError(path: path)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw RuleViolation(.schema, "\(path) is not UTF-8 text")
            }
            texts[file] = text
        }
        return try ReferenceData(csv: texts)
    }
}

/// A reference file could not be read.
public struct ReferenceLoadError: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "cannot read reference data file \(path)" }
}
