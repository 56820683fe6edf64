import Foundation
import LedgerCore
import LedgerTestSupport
import Logging
import Testing
import TransferLedger
import TransferRules

/// `hwledger p2p check` (SPEC §2.5, §4.1) run as a process against a ledger prepared through the library.
@Suite("hwledger p2p check")
struct P2PCheckCLITests {
    static let gen = TestKeys.uscc(division: "510100", serial: 801)
    static let util = TestKeys.uscc(division: "510700", serial: 802)
    static let carrier = TestKeys.uscc(division: "510100", serial: 805)
    static let gen2 = TestKeys.uscc(division: "510100", serial: 807)

    /// A SQLite ledger with registration SC-P2P-1 (cap 10 t, 2023-01-01…2024-10-04) and 6 t filed for 2023.
    final class Prepared {
        let dir = TempDirectory()
        let db: String

        init() throws {
            db = TestDatabase.locator(in: dir)
            let store = try TestDatabase.open(db, create: true)
            let t = try TestLedger(store: store)
            _ = try t.register(gen, division: "510100", roles: ["generator"])
            _ = try t.register(util, division: "510700", roles: ["utiliser"])
            _ = try t.register(carrier, division: "510100", roles: ["carrier"])
            _ = try t.register(gen2, division: "510100", roles: ["generator"])
            func must(_ type: String, _ actor: String, _ body: [String: JSONValue]) throws {
                let key = actor == "REG-510000" ? TestKeys.sichuan : TestKeys.key(actor)
                let o = try t.submit(type, actor: actor, key: key, body: body)
                guard case .appended = o else { throw TestFailure("\(type): \(o)") }
            }
            try must("permit.issued", "REG-510000", [
                "permitNo": "SC-YS-9", "holder": .string(carrier), "kind": "transport", "validFrom": "2022-01-01", "validTo": "2027-12-31",
            ])
            try must("p2p.registered", "REG-510000", [
                "registrationNo": "SC-P2P-1", "generator": .string(gen), "utiliser": .string(util), "wasteCode": "900-041-49",
                "substituteUse": "替代水泥生产原料", "capGrams": 10_000_000, "validFrom": "2023-01-01", "validTo": "2024-10-04",
                "declaredAnnualGrams": 600_000_000, "controlledDrugProduction": false, "generalExemptionApplies": false,
            ])
            try must("manifest.filed", gen, [
                "generator": .string(gen), "carriers": [.string(carrier)], "receiver": .string(util), "plannedPickup": "2023-03-01",
                "method": "R4", "basis": ["p2p": "SC-P2P-1"],
                "lines": [["wasteCode": "900-041-49", "name": "废催化剂", "hazards": ["T"], "form": "固态", "packaging": "吨袋", "packages": 6, "grams": 6_000_000]],
            ])
        }

        func check(_ extra: [String]) throws -> ProcessResult {
            try Run.hwledger(["p2p", "check", "--db", db, "--registration", "SC-P2P-1"] + extra)
        }
    }

    static func args(generator: String = gen, utiliser: String = util, code: String = "900-041-49", grams: Int64 = 4_000_000, pickup: String = "2023-06-01") -> [String] {
        ["--generator", generator, "--utiliser", utiliser, "--waste-code", code, "--grams", String(grams), "--pickup", pickup]
    }

    @Test("an eligible shipment: exit 0, eligible, the remaining cap of the pickup year printed")
    func eligible() throws {
        let p = try Prepared()
        let r = try p.check(Self.args())
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("eligible"))
        #expect(!r.stdout.contains("R-P2P"))
        #expect(r.stdout.contains("4.000"), "remaining 4 t of the 2023 cap: \(r.stdout)")
        let j = try p.check(Self.args() + ["--json"])
        #expect(j.status == 0)
        let v = try CanonicalJSON.decode(j.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(v["eligible"] == .bool(true))
        #expect(v["remainingGrams"]?.intValue == 4_000_000)
        #expect(v["reasons"]?.arrayValue?.isEmpty == true)
    }

    @Test("exactly the remaining cap is eligible; one gram more is R-P2P-CAP")
    func capBoundary() throws {
        let p = try Prepared()
        #expect(try p.check(Self.args(grams: 4_000_000)).status == 0)
        let r = try p.check(Self.args(grams: 4_000_001))
        #expect(r.status == 2)
        #expect(r.stdout.contains("R-P2P-CAP"))
        #expect(try p.check(Self.args(grams: 10_000_000, pickup: "2024-02-01")).status == 0, "2024 has its own cap")
    }

    @Test("exit 2 listing every failing reason at once: inactive, mismatch and cap")
    func everyReason() throws {
        let p = try Prepared()
        let a = Self.args(generator: Self.gen2, code: "900-052-31", grams: 11_000_000, pickup: "2024-10-05")
        let r = try p.check(a)
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        for rule in ["R-P2P-INACTIVE", "R-P2P-MISMATCH", "R-P2P-CAP"] { #expect(r.stdout.contains(rule), "\(rule) missing: \(r.stdout)") }
        #expect(r.stdout.contains("not eligible"))
        #expect(r.stdout.contains("10.000"), "remaining 10 t of the 2024 cap: \(r.stdout)")
        let j = try p.check(a + ["--json"])
        #expect(j.status == 2)
        let v = try CanonicalJSON.decode(j.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(v["eligible"] == .bool(false))
        #expect(v["reasons"]?.arrayValue?.compactMap { $0["rule"]?.stringValue } == ["R-P2P-INACTIVE", "R-P2P-MISMATCH", "R-P2P-CAP"])
        #expect(v["remainingGrams"]?.intValue == 10_000_000)
    }

    @Test("a manifest file is judged the same way (receiver as utiliser, lines summed)")
    func manifestFile() throws {
        let p = try Prepared()
        let body: JSONValue = [
            "generator": .string(Self.gen), "carriers": [.string(Self.carrier)], "receiver": .string(Self.util), "plannedPickup": "2023-07-01",
            "method": "R4", "basis": ["p2p": "SC-P2P-1"],
            "lines": [
                ["wasteCode": "900-041-49", "name": "x", "hazards": ["T"], "form": "固态", "packaging": "袋", "packages": 1, "grams": 3_000_000],
                ["wasteCode": "900-041-49", "name": "x", "hazards": ["T"], "form": "固态", "packaging": "袋", "packages": 1, "grams": 2_000_000],
            ],
        ]
        let file = p.dir.write("m.json", JSONValue.object(["type": "manifest.filed", "actor": .string(Self.gen), "body": body]).canonicalString)
        let r = try p.check(["--manifest", file])
        #expect(r.status == 2)
        #expect(r.stdout.contains("R-P2P-CAP"))
        #expect(!r.stdout.contains("R-P2P-MISMATCH"))
    }

    @Test("an unknown registration is error[R-NOT-FOUND] with exit 2; missing options are a usage error")
    func unknown() throws {
        let p = try Prepared()
        let r = try Run.hwledger(["p2p", "check", "--db", p.db, "--registration", "SC-P2P-404"] + Self.args())
        expectFailure(r, code: 2, id: "R-NOT-FOUND")
        expectFailure(try p.check(["--generator", Self.gen]), code: 64, id: "USAGE")
    }
}
