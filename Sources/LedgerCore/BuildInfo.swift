import Foundation

/// The version the executables report (`--version`, the operator page, `/healthz`), and when this binary was built.
public enum BuildInfo {
    public static let version = "0.2.0"

    /// The modification time of the running executable (its build or install time), Unix seconds; nil if unknown.
    public static let builtAt: Int64? = {
        guard let date = try? FileManager.default.attributesOfItem(atPath: "/proc/self/exe")[.modificationDate] as? Date
            ?? FileManager.default.attributesOfItem(atPath: CommandLine.arguments[0])[.modificationDate] as? Date
        else { return nil }
        return Int64(date.timeIntervalSince1970)
    }()
}
