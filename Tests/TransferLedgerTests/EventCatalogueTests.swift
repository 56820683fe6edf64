import LedgerCore
import Testing
import TransferLedger
import TransferRules

@Suite("Event templates")
struct EventCatalogueTests {
    @Test("every event type the ledger accepts has a template whose example decodes without R-SCHEMA and whose fields are all documented")
    func everyTemplateIsValidInShape() throws {
        let types = EventCatalogue.all.map(\.type)
        #expect(Set(types).count == types.count)
        #expect(types.count == 32)
        for template in EventCatalogue.all {
            #expect(throws: Never.self, "\(template.type)") { try EventCatalogue.checkShape(template) }
            guard case .object(let body)? = template.example["body"] else { Issue.record("\(template.type) has no body"); continue }
            let documented = Set(template.fields.map { String($0.path.split(separator: "[").first!.split(separator: ".").first!) })
            #expect(Set(body.keys).isSubset(of: documented), "\(template.type): \(Set(body.keys).subtracting(documented))")
            #expect(template.fields.allSatisfy { !$0.zh.isEmpty && !$0.en.isEmpty && !$0.format.isEmpty })
        }
    }

    @Test("an unknown event type is not in the catalogue")
    func unknownType() {
        #expect(EventCatalogue.template("manifest.teleported") == nil)
    }
}
