import Foundation
import LedgerCore
import Logging
import TransferRules

/// `hwledgerd --log-format json`: one JSON object per line on standard error, for journald and Loki.
///
/// `{"level","logger","message","time",…}`: `time` in UTC to the millisecond (RFC 3339), then the metadata members
/// (the handler's, the provider's, the call's, later ones winning) as JSON strings, nested dictionaries and arrays as
/// JSON objects and arrays; an error attached to the event is `error`. A metadata key that would overwrite one of the
/// four fixed members is written with a leading underscore. Keys in byte order: the canonical encoder.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String
    let clock: @Sendable () -> Date
    let write: @Sendable (String) -> Void

    static let fixed: Set<String> = ["level", "logger", "message", "time"]

    /// - Parameters:
    ///   - write: receives each line with its newline (default: standard error, one write per line).
    public init(
        label: String, clock: @escaping @Sendable () -> Date = { Date() },
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.clock = clock
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [String: JSONValue] = [
            "level": .string(event.level.rawValue), "logger": .string(label), "message": .string(event.message.description),
            "time": .string(Self.timestamp(clock())),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        for (key, value) in merged {
            members[Self.fixed.contains(key) ? "_" + key : key] = Self.json(value)
        }
        write(JSONValue.object(members).canonicalString + "\n")
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(d.mapValues(json))
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func timestamp(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let seconds = t.rounded(.down)
        let millis = min(999, Int(((t - seconds) * 1000).rounded(.down)))
        let whole = UTCInstant(seconds: Int64(seconds)).description
        let m = String(millis)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - m.count) + m + "Z"
    }
}
