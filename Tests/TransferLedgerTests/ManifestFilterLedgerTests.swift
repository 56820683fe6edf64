import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The facade's ManifestFilter by waste code, party name and planned pickup (one computation for the API, the CLI and
/// the console), run through the built `hwledger manifest list` on a SQLite ledger.
@Suite("manifest filters by code, name and pickup")
struct ManifestFilterLedgerTests {
    @Test("--waste-code, --name (part of a party's name, not its USCC), --pickup-from/--pickup-to and an approval number select exactly the matching manifests, combined with AND")
    func filters() throws {
        let l = try CompensationOutputTests.prepared()
        let m1 = l.numbers["m1"]!, m2 = l.numbers["m2"]!
        // A third manifest, carried by an enterprise with its own name, with another code, picked up in August.
        let carrier = TestKeys.uscc(division: "510100", serial: 777)
        try l.s.must("enterprise.registered", "REG-510000", [
            "uscc": .string(carrier), "name": "成都示例物流有限公司", "division": "510100", "roles": .array(["carrier"]),
        ])
        try l.s.must("key.added", "REG-510000", ["principal": .string(carrier), "key": .string(TransferScenario.key(carrier).verifier.description)])
        try l.s.must("permit.issued", "REG-510000", TransferBody.transportPermit("SC-YS-777", holder: carrier, from: "2022-01-01", to: "2027-12-31"))
        let approval = try l.approve("m3", from: "510000", code: "900-052-31", grams: 2_000_000, method: "R4", year: 2025)
        let m3 = try l.s.file(TransferBody.manifest(
            generator: CompensationLedger.scGen, carriers: [carrier], receiver: CompensationLedger.cqRecv, pickup: "2025-08-01", method: "R4",
            basis: .object(["approval": .string(approval)]), lines: [TransferBody.line("900-052-31", grams: 2_000_000)]))
        let db = l.s.locator!

        func list(_ options: [String]) throws -> Set<String> {
            let r = try Run.hwledger(["manifest", "list", "--db", db, "--json"] + options)
            #expect(r.status == 0, "\(options): \(r.stderr)")
            return try CanonicalJSON.decode(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["manifests"]?.arrayValue?
                .compactMap { $0["manifestNo"]?.stringValue }.reduce(into: Set<String>()) { $0.insert($1) } ?? []
        }
        #expect(try list([]) == [m1, m2, m3])
        #expect(try list(["--waste-code", "900-041-49"]) == [m1, m2])
        #expect(try list(["--waste-code", "900-052-31"]) == [m3])
        #expect(try list(["--name", "示例物流"]) == [m3])
        #expect(try list(["--name", "测试企业"]) == [m1, m2, m3], "every manifest names a 测试企业")
        #expect(try list(["--name", carrier]).isEmpty, "a USCC is not a name")
        #expect(try list(["--pickup-from", "2025-07-11"]) == [m2, m3])
        #expect(try list(["--pickup-to", "2025-07-10"]) == [m1])
        #expect(try list(["--pickup-from", "2025-07-11", "--pickup-to", "2025-07-31"]) == [m2])
        #expect(try list(["--pickup-from", "2025-07-01", "--waste-code", "900-052-31", "--name", "物流"]) == [m3])
        #expect(try list(["--pickup-from", "2025-07-01", "--waste-code", "900-041-49", "--name", "物流"]).isEmpty)

        var text = ManifestFilter()
        text.text = "示例物流"
        #expect(try l.ledger.manifests(text).manifests.map(\.manifestNo) == [m3], "the console's search box: a name part")
        text.text = String(carrier.suffix(6)).lowercased()
        #expect(try l.ledger.manifests(text).manifests.map(\.manifestNo) == [m3], "the console's search box: a USCC part, either case")
        text.text = String(m2.dropFirst(2))
        #expect(try l.ledger.manifests(text).manifests.map(\.manifestNo) == [m2], "the console's search box: a 联单编号 part")

        // The approval page's question, answered from the manifestByApproval index.
        var byApproval = ManifestFilter()
        byApproval.approval = approval
        #expect(try l.ledger.manifests(byApproval).manifests.map(\.manifestNo) == [m3], "the manifests filed under the approval")
        byApproval.approval = approval + "X"
        #expect(try l.ledger.manifests(byApproval).manifests.isEmpty, "an approval number no manifest names")
    }
}

/// The console's search box (issue 18): a waste's name finds the manifests of its code, whether the clerk wrote it on
/// the line or the 名录 names the code so.
@Suite("the console's search by waste name")
struct WasteNameSearchTests {
    @Test("text finds a line by its own name and by its code's 名录 description; another waste finds nothing")
    func wasteNames() throws {
        let s = try TransferScenario()
        var line = TransferBody.line()
        if case .object(var o) = line {
            o["name"] = "旧电瓶"
            line = .object(o)
        }
        let no = try s.file(TransferBody.manifest(lines: [line]))
        func found(_ text: String) throws -> [String] {
            var filter = ManifestFilter()
            filter.text = text
            return try s.ledger.manifests(filter).manifests.map(\.manifestNo)
        }
        #expect(try found("旧电瓶") == [no], "the line's own name")
        #expect(try found("废铅蓄电池") == [no], "the 名录 description of 900-052-31")
        #expect(try found("废活性炭").isEmpty, "another waste")
    }
}
