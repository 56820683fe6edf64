import Foundation
import LedgerCore
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

/// Paths into the repository, found from this file's location (no resource bundles).
public enum Fixtures {
    /// The repository root.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The bundled reference lists.
    public static let referenceDirectory = path("fixtures/reference")

    public static let reference: ReferenceData = {
        do { return try ReferenceData.load(directory: referenceDirectory) } catch { fatalError("reference data: \(error)") }
    }()

    /// A built executable of this package (`hwledger`, `hwledgerd`), from the same build folder as the tests.
    public static func executable(_ name: String) -> String {
        let bundle = Bundle.main.bundleURL
        for dir in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return path(".build/debug/\(name)")
    }
}

/// A fresh temporary directory per test, removed when the value is released.
public final class TempDirectory: @unchecked Sendable {
    public let url: URL
    private var cleanups: [() -> Void] = []

    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let p = path(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    /// Runs `cleanup` when the directory is removed (a test database dropped with it).
    public func onRemove(_ cleanup: @escaping () -> Void) { cleanups.append(cleanup) }

    deinit {
        for cleanup in cleanups { cleanup() }
        try? FileManager.default.removeItem(at: url)
    }
}

/// Deterministic keys and identities for tests.
public enum TestKeys {
    public static let origin = "hwledger.test/sc-cq"

    /// A key for `name` from a seed derived from the name and `variant`.
    public static func key(_ name: String, variant: UInt8 = 0) -> SigningKey {
        var seed = Hash.sha256(Array("seed/\(name)/\(variant)".utf8)).bytes
        seed[0] ^= variant
        return try! SigningKey(name: name, seed: seed)
    }

    public static let operatorKey = key(origin)
    public static let sichuan = key("REG-510000")
    public static let chongqing = key("REG-500000")

    /// A valid USCC whose registration hint is `division`, numbered `serial`.
    public static func uscc(division: String = "510100", serial: Int) -> String {
        let body = "91" + division + String(format: "%09d", serial)
        return USCC.complete(String(body.prefix(17)))!
    }

    /// The genesis file JSON for the two regulators.
    public static func genesisJSON(policy: [String: JSONValue] = [:]) -> JSONValue {
        .object([
            "origin": .string(origin),
            "regulators": .array([
                .object([
                    "id": "REG-510000", "name": "四川省生态环境厅", "province": "510000",
                    "key": .string(sichuan.verifier.description),
                ]),
                .object([
                    "id": "REG-500000", "name": "重庆市生态环境局", "province": "500000",
                    "key": .string(chongqing.verifier.description),
                ]),
            ]),
            "policy": .object(policy),
        ])
    }
}

/// A ledger over a store with a fixed clock, initialised with the test genesis.
public struct TestLedger {
    public let ledger: TransferLedger
    public let store: any LedgerStore

    /// The ledger's clock; signing an act later than it moves it on (``FixedClock/signingTime(for:)``).
    public let clock: FixedClock

    public init(store: any LedgerStore, time: UTCInstant = UTCInstant("2025-03-01T08:00:00Z")!) throws {
        self.store = store
        let clock = FixedClock(time)
        self.clock = clock
        ledger = TransferLedger(store: store, reference: Fixtures.reference, clock: { clock.now }, logger: Logger(label: "test"))
        try ledger.initialise(genesis: try Genesis(json: TestKeys.genesisJSON()), operatorKey: TestKeys.operatorKey, operatorKeyPath: nil)
    }

    /// Signs `body` as `actor` with `key` and submits it alone.
    @discardableResult
    public func submit(_ type: String, actor: String, key: SigningKey, body: [String: JSONValue], nonce: [UInt8]? = nil) throws -> SubmitOutcome {
        let event = UnsignedEvent(type: type, actor: actor, body: body)
        let signed = event.signed(with: key, at: clock.signingTime(for: event), nonce: nonce ?? randomNonce())
        return try ledger.submit([signed])[0]
    }

    /// Registers an enterprise (by the regulator of its division's province) and adds its key.
    public func register(_ uscc: String, division: String = "510100", roles: [String] = ["generator"], name: String = "测试企业") throws -> SigningKey {
        let regulator = division.hasPrefix("51") ? TestKeys.sichuan : TestKeys.chongqing
        let a = try submit("enterprise.registered", actor: regulator.name, key: regulator, body: [
            "uscc": .string(uscc), "name": .string(name), "division": .string(division), "roles": .array(roles.map { .string($0) }),
        ])
        guard case .appended = a else { throw TestFailure("registering \(uscc): \(a)") }
        let key = TestKeys.key(uscc)
        let b = try submit("key.added", actor: regulator.name, key: regulator, body: ["principal": .string(uscc), "key": .string(key.verifier.description)])
        guard case .appended = b else { throw TestFailure("adding key of \(uscc): \(b)") }
        return key
    }
}

/// A test setup failure.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A clock that stays where it is set.
public final class FixedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UTCInstant
    public init(_ start: UTCInstant) { value = start }
    public var now: UTCInstant { lock.withLock { value } }
    public func set(_ t: UTCInstant) { lock.withLock { value = t } }

    /// The time to sign `event` at: now, or the moment its latest act happened when that is later (R-TIME), the
    /// clock moving on to it as time does in a real ledger.
    public func signingTime(for event: UnsignedEvent) -> UTCInstant {
        lock.withLock {
            if let t = event.earliestSigningTime, t > value { value = t }
            return value
        }
    }
}
