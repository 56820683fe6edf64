import Foundation
import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Logging
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// Collects what concurrent submitters got back.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var numbers: [String] = []
    private(set) var problems: [String] = []

    func add(_ outcome: SubmitOutcome) {
        lock.withLock {
            if case .appended(_, _, let assigned) = outcome, let no = assigned["manifestNo"]?.stringValue {
                numbers.append(no)
            } else {
                problems.append("\(outcome)")
            }
        }
    }

    func fail(_ error: any Error) { lock.withLock { problems.append("\(error)") } }
}

/// 联单编号 (SPEC §1): year of filing in Asia/Shanghai + generator division digits 1–4 + serial per (year, province,
/// city) from 000001, assigned by the ledger.
@Suite("Manifest numbers")
struct ManifestNumberTests {
    static func serials(_ numbers: [String], prefix: String) -> [Int] {
        numbers.filter { $0.hasPrefix(prefix) }.map { Int($0.suffix(6))! }.sorted()
    }

    @Test("the first manifest of 成都 in 2025 is 20255101000001, the next 20255101000002")
    func firstNumbers() throws {
        let s = try TransferScenario()
        let a = try s.file()
        let b = try s.file()
        #expect(a == "20255101000001")
        #expect(b == "20255101000002")
        #expect(a.count == 14 && a.allSatisfy(\.isNumber))
        #expect(try s.manifest(a)?.manifestNo == a)
    }

    @Test("the year is that of the entry's time in Asia/Shanghai, across the UTC/Shanghai New Year boundary")
    func yearOfFilingInShanghai() throws {
        let s = try TransferScenario(at: UTCInstant("2025-12-31T15:59:59Z")!)
        // 2025-12-31 23:59:59 in Shanghai.
        #expect(try s.file(B.manifest(pickup: "2026-01-05")) == "20255101000001")
        #expect(try s.file(B.manifest(pickup: "2026-01-05")) == "20255101000002")
        // 2026-01-01 00:00:00 in Shanghai, still 2025 in UTC: a new year, a new serial.
        s.clock.set(UTCInstant("2025-12-31T16:00:00Z")!)
        #expect(try s.file(B.manifest(pickup: "2026-01-05")) == "20265101000001")
        #expect(try s.file(B.manifest(pickup: "2026-01-05")) == "20265101000002")
        #expect(try s.manifest("20265101000001")?.filedOn == CivilDate("2026-01-01"))
    }

    @Test("the year is the filing's, not the planned pickup's")
    func yearNotFromPickup() throws {
        let s = try TransferScenario(at: UTCInstant("2025-12-20T02:00:00Z")!)
        #expect(try s.file(B.manifest(pickup: "2026-01-05")) == "20255101000001")
    }

    @Test("each (year, province, city) has its own serial: 成都 5101, 绵阳 5107, 渝中 5001")
    func separateSerialsPerCity() throws {
        let s = try TransferScenario()
        #expect(try s.file() == "20255101000001")
        #expect(try s.file(B.manifest(generator: P.generator2)) == "20255107000001")
        #expect(try s.file() == "20255101000002")
        let cq = B.manifest(generator: P.cqGenerator, carriers: [P.carrier2], receiver: P.receiver)
        #expect(try s.file(cq) == "20255001000001")
        #expect(try s.file(B.manifest(generator: P.generator2)) == "20255107000002")
        #expect(try s.file(cq) == "20255001000002")
    }

    @Test("a return is numbered by the returning party's division (绵阳 receiver → 5107)")
    func returnNumbering() throws {
        let s = try TransferScenario()
        let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
        #expect(no == "20255101000001")
        let back = try s.file(B.manifest(generator: P.scReceiver, receiver: P.generator, pickup: "2025-03-14", lines: [B.line(grams: 2 * P.t)], returnOf: no))
        #expect(back == "20255107000001")
    }

    @Test("a rejected filing consumes no serial; a cancelled manifest keeps its number")
    func rejectedConsumesNothing() throws {
        let s = try TransferScenario()
        let a = try s.file()
        guard case .rejected = try s.submit("manifest.filed", P.generator, B.manifest(receiver: P.scReceiver2)) else {
            Issue.record("a filing without permit was appended"); return
        }
        try s.must("manifest.cancelled", P.generator, ["manifestNo": .string(a), "reason": "x"])
        #expect(try s.file() == "20255101000002")
    }

    @Test("several filings in one batch get consecutive serials")
    func batchNumbers() throws {
        let s = try TransferScenario()
        let items = (0..<5).map { _ in s.sign(TransferStep("manifest.filed", P.generator, B.manifest())) }
        let outcomes = try s.ledger.submit(items)
        let numbers = outcomes.compactMap { o -> String? in
            if case .appended(_, _, let a) = o { return a["manifestNo"]?.stringValue } else { return nil }
        }
        #expect(numbers == (1...5).map { "2025510100000\($0)" })
    }

    // MARK: Concurrency

    static let filingTime = UTCInstant("2025-03-01T08:00:00Z")!

    /// A TestLedger in a durable store of `kind` with two generators (成都, 绵阳), a receiver and a carrier with permits;
    /// its `--db` locator, to open a second handle on it.
    static func durableLedger(_ dir: TempDirectory, _ kind: StoreKind) throws -> (TestLedger, [String: SigningKey], String) {
        let made = try kind.make(in: dir)
        let test = try TestLedger(store: made.store, time: filingTime)
        var keys: [String: SigningKey] = [:]
        keys[P.generator] = try test.register(P.generator, division: "510100", roles: ["generator"])
        keys[P.generator2] = try test.register(P.generator2, division: "510700", roles: ["generator"])
        _ = try test.register(P.scReceiver, division: "510700", roles: ["receiver"])
        _ = try test.register(P.carrier, division: "510100", roles: ["carrier"])
        for body in [B.permit("SC-HW-001", holder: P.scReceiver, to: "2026-12-31"), B.transportPermit("SC-YS-001", holder: P.carrier)] {
            guard case .appended = try test.submit("permit.issued", actor: P.sc, key: TestKeys.sichuan, body: body) else {
                throw TestFailure("permit setup")
            }
        }
        return (test, keys, made.locator!)
    }

    static func filing(_ generator: String, _ keys: [String: SigningKey]) -> SignedSubmission {
        UnsignedEvent(type: "manifest.filed", actor: generator, body: B.manifest(generator: generator))
            .signed(with: keys[generator]!, at: filingTime, nonce: randomNonce())
    }

    @Test("serials stay unique and contiguous when 8 threads file at once through one ledger in a durable store", arguments: StoreKind.durable)
    func concurrentFilingOneLedger(kind: StoreKind) throws {
        let dir = TempDirectory()
        let (test, keys, _) = try Self.durableLedger(dir, kind)
        let ledger = test.ledger
        let outcomes = Outcomes()
        let perThread = 12
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let generator = thread % 2 == 0 ? P.generator : P.generator2
            for _ in 0..<perThread {
                do { outcomes.add(try ledger.submit([Self.filing(generator, keys)])[0]) } catch { outcomes.fail(error) }
            }
        }
        #expect(outcomes.problems.isEmpty, "\(outcomes.problems)")
        #expect(Set(outcomes.numbers).count == 8 * perThread)
        #expect(Self.serials(outcomes.numbers, prefix: "20255101") == Array(1...(4 * perThread)))
        #expect(Self.serials(outcomes.numbers, prefix: "20255107") == Array(1...(4 * perThread)))
        let scratch = try SQLiteLedgerStore.scratch()
        defer { scratch.removeScratch() }
        try ledger.rebuildCheck(scratch: scratch)
    }

    @Test("serials stay unique and contiguous when two TransferLedger instances file into the same database", arguments: StoreKind.durable)
    func concurrentFilingTwoLedgers(kind: StoreKind) throws {
        let dir = TempDirectory()
        let (test, keys, locator) = try Self.durableLedger(dir, kind)
        let second = TransferLedger(
            store: try TestDatabase.open(locator), reference: Fixtures.reference,
            clock: { Self.filingTime }, logger: Logger(label: "second"))
        let ledgers = [test.ledger, second]
        let outcomes = Outcomes()
        let perThread = 10
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let ledger = ledgers[thread % 2]
            for _ in 0..<perThread {
                do { outcomes.add(try ledger.submit([Self.filing(P.generator, keys)])[0]) } catch { outcomes.fail(error) }
            }
        }
        #expect(outcomes.problems.isEmpty, "\(outcomes.problems)")
        #expect(Self.serials(outcomes.numbers, prefix: "20255101") == Array(1...(8 * perThread)))
        // Both instances see the same log, and the stored serial counter is the last number.
        #expect(try test.store.read { try $0.treeSize() } == second.store.read { try $0.treeSize() })
        let last = try test.store.read { try $0.projection(kind: "manifestSerial", key: "20255101") }.map { String(decoding: $0, as: UTF8.self) }
        #expect(last == String(8 * perThread))
        let scratch = try SQLiteLedgerStore.scratch()
        defer { scratch.removeScratch() }
        _ = try second.verify(trusted: nil, scratch: scratch)
    }
}
