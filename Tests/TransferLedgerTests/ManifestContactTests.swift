import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// SPEC §5 `manifest.filed`: the optional `emergencyContact` (应急联系人, 应急联系电话) and `lines[].components`
/// (有害成分名称) of the official form (issue 21).
@Suite("manifest.filed: emergencyContact and lines[].components")
struct ManifestContactTests {
    static func body(contact: JSONValue?, components: JSONValue?) -> [String: JSONValue] {
        var line: [String: JSONValue] = [
            "wasteCode": .string(P.code), "name": "废铅蓄电池", "hazards": ["T", "C"], "form": "固态", "packaging": "托盘",
            "packages": 10, "grams": 10_000_000,
        ]
        if let components { line["components"] = components }
        var b = B.manifest(lines: [.object(line)])
        if let contact { b["emergencyContact"] = contact }
        return b
    }

    @Test("both given are accepted and kept on the manifest")
    func accepted() throws {
        let s = try TransferScenario()
        let no = try s.file(Self.body(contact: ["name": "王应急", "phone": "+86 138-0000-0000"], components: "铅、硫酸"))
        let m = try #require(try s.manifest(no))
        #expect(m.emergencyContact == EmergencyContact(name: "王应急", phone: "+86 138-0000-0000"))
        #expect(m.lines.first?.components == "铅、硫酸")
    }

    @Test("both are optional: a manifest without them is accepted as before")
    func optional() throws {
        let s = try TransferScenario()
        let no = try s.file(Self.body(contact: nil, components: nil))
        #expect(try s.manifest(no)?.emergencyContact == nil)
    }

    @Test(
        "malformed values are R-SCHEMA naming the field, and nothing is written",
        arguments: [
            ("phone with letters", Self.body(contact: ["name": "王", "phone": "138abc0000"], components: nil), "body.emergencyContact.phone"),
            ("phone of 4 characters", Self.body(contact: ["name": "王", "phone": "1234"], components: nil), "body.emergencyContact.phone"),
            ("phone of 21 characters", Self.body(contact: ["name": "王", "phone": .string(String(repeating: "1", count: 21))], components: nil), "body.emergencyContact.phone"),
            ("contact without phone", Self.body(contact: ["name": "王"], components: nil), "body.emergencyContact.phone"),
            ("contact with an unknown field", Self.body(contact: ["name": "王", "phone": "12345", "email": "a@b"], components: nil), "body.emergencyContact.email"),
            ("empty name", Self.body(contact: ["name": "", "phone": "12345"], components: nil), "body.emergencyContact.name"),
            ("empty components", Self.body(contact: nil, components: ""), "body.lines[0].components"),
            ("components of 201 characters", Self.body(contact: nil, components: .string(String(repeating: "铅", count: 201))), "body.lines[0].components"),
            ("components not text", Self.body(contact: nil, components: 7), "body.lines[0].components"),
        ])
    func refused(_ name: String, _ body: [String: JSONValue], _ field: String) throws {
        let s = try TransferScenario()
        let before = try s.snapshot()
        let outcome = try s.submit("manifest.filed", P.generator, body)
        guard case .rejected(let v) = outcome else { Issue.record("\(name): accepted"); return }
        #expect(v.rule == .schema, "\(name): \(v)")
        #expect(v.message.contains(field), "\(name): \(v.message)")
        #expect(try s.snapshot() == before)
    }

    @Test("the boundaries pass: a phone of 5 and of 20 characters, components of 200 characters")
    func boundaries() throws {
        let s = try TransferScenario()
        _ = try s.file(Self.body(contact: ["name": "王", "phone": "12345"], components: .string(String(repeating: "铅", count: 200))))
        _ = try s.file(Self.body(contact: ["name": "王", "phone": .string(String(repeating: "9", count: 20))], components: "x"))
    }
}
