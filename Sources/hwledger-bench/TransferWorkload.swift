import Foundation
import LedgerCore
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

/// The transfer-rules workload: a Chongqing generator ships to a Chongqing receiver through one carrier, intra-province,
/// `manifests` times: each manifest is filed, picked up and received (three events, every rule of §2.4 judged).
struct TransferWorkload {
    let directory: URL
    let reference: ReferenceData
    let manifests: Int

    /// Events per second over the three phases, signing excluded (done before each timed submit).
    func run() throws -> Double {
        let store = try SQLiteLedgerStore(path: directory.appendingPathComponent("transfers.sqlite").path, create: true)
        let ledger = TransferLedger(store: store, reference: reference, clock: TransferLedger.systemClock, logger: Logger(label: "bench"))
        let op = try SigningKey(generatingFor: "bench.example/transfers")
        let sc = try SigningKey(generatingFor: "REG-510000")
        let cq = try SigningKey(generatingFor: "REG-500000")
        try ledger.initialise(genesis: try Genesis(json: .object([
            "origin": "bench.example/transfers",
            "regulators": .array([
                .object(["id": "REG-510000", "name": "四川省生态环境厅", "province": "510000", "key": .string(sc.verifier.description)]),
                .object(["id": "REG-500000", "name": "重庆市生态环境局", "province": "500000", "key": .string(cq.verifier.description)]),
            ]),
        ])), operatorKey: op, operatorKeyPath: nil)

        let generator = USCC.complete("91500101MA0000001")!
        let carrier = USCC.complete("91500101MA0000002")!
        let receiver = USCC.complete("91500103MA0000003")!
        let keys = try [generator, carrier, receiver].map { try SigningKey(generatingFor: $0) }
        var setup: [UnsignedEvent] = []
        for (uscc, role) in [(generator, "generator"), (carrier, "carrier"), (receiver, "receiver")] {
            setup.append(UnsignedEvent(type: "enterprise.registered", actor: "REG-500000", body: [
                "uscc": .string(uscc), "name": "基准企业", "division": uscc.hasPrefix("91500103") ? "500103" : "500101", "roles": [.string(role)],
            ]))
        }
        for key in keys {
            setup.append(UnsignedEvent(type: "key.added", actor: "REG-500000", body: ["principal": .string(key.name), "key": .string(key.verifier.description)]))
        }
        setup.append(UnsignedEvent(type: "permit.issued", actor: "REG-500000", body: [
            "permitNo": "CQ-BENCH-1", "holder": .string(receiver), "kind": "operating", "wasteCodes": ["900-052-31"], "methods": ["R4"],
            "capacityGrams": .int(Int64(1) << 50), "validFrom": "2020-01-01", "validTo": "2099-12-31",
        ]))
        setup.append(UnsignedEvent(type: "permit.issued", actor: "REG-500000", body: [
            "permitNo": "CQ-BENCH-T", "holder": .string(carrier), "kind": "transport", "validFrom": "2020-01-01", "validTo": "2099-12-31",
        ]))
        let now = UTCInstant(seconds: Int64(Date().timeIntervalSince1970))
        let setupOutcomes = try ledger.submit(setup.map { $0.signed(with: cq, at: now, nonce: randomNonce()) })
        guard setupOutcomes.allSatisfy({ if case .appended = $0 { true } else { false } }) else {
            throw BenchError("transfer workload setup rejected: \(setupOutcomes)")
        }

        var seconds = 0.0
        let batch = 10_000
        var done = 0
        while done < manifests {
            let n = min(batch, manifests - done)
            let filings = Self.sign((0..<n).map { _ in
                UnsignedEvent(type: "manifest.filed", actor: generator, body: [
                    "generator": .string(generator), "carriers": [.string(carrier)], "receiver": .string(receiver),
                    "plannedPickup": "2025-06-02", "method": "R4", "basis": ["intraProvince": true],
                    "lines": [["wasteCode": "900-052-31", "name": "废铅蓄电池", "hazards": ["T", "C"], "form": "固态", "packaging": "周转箱", "packages": 10, "grams": 5_000_000]],
                ])
            }, key: keys[0], at: now)
            var start = Date()
            let filed = try ledger.submit(filings)
            seconds += Date().timeIntervalSince(start)
            let numbers: [String] = try filed.map {
                guard case .appended(_, _, let assigned) = $0, case .string(let no)? = assigned["manifestNo"] else {
                    throw BenchError("filing rejected: \($0)")
                }
                return no
            }
            let pickups = Self.sign(numbers.map {
                UnsignedEvent(type: "manifest.pickedUp", actor: carrier, body: [
                    "manifestNo": .string($0), "vehiclePlate": "渝A·12345", "driver": "张三", "pickedUpAt": "2025-06-02T01:00:00Z",
                ])
            }, key: keys[1], at: now)
            let receipts = Self.sign(numbers.map {
                UnsignedEvent(type: "manifest.received", actor: receiver, body: [
                    "manifestNo": .string($0), "deliveredAt": "2025-06-02T06:00:00Z", "method": "R4",
                    "lines": [["line": 1, "grams": 5_000_000]], "significantDiscrepancy": false,
                ])
            }, key: keys[2], at: now)
            start = Date()
            for outcome in try ledger.submit(pickups) + ledger.submit(receipts) {
                guard case .appended = outcome else { throw BenchError("lifecycle step rejected: \(outcome)") }
            }
            seconds += Date().timeIntervalSince(start)
            done += n
        }
        return Double(manifests * 3) / seconds
    }

    static func sign(_ events: [UnsignedEvent], key: SigningKey, at time: UTCInstant) -> [SignedSubmission] {
        let slots = SubmissionSlots(count: events.count)
        let workers = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < events.count {
                slots.set(i, events[i].signed(with: key, at: time, nonce: randomNonce()))
                i += workers
            }
        }
        return slots.values
    }
}
