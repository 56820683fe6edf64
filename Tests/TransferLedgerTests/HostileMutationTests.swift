import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// What the ledger did with one hostile variant.
enum HostileOutcome: CustomStringConvertible {
    case malformed(String)
    case rejected(RuleViolation)
    case appended(UInt64)

    var description: String {
        switch self {
        case .malformed(let m): "malformed (\(m))"
        case .rejected(let v): "\(v)"
        case .appended(let i): "APPENDED at \(i)"
        }
    }
}

/// Feeds variants to the library the way `submit` and `POST /v1/submissions` do: parse, read the wrapper, sign
/// (event lines), judge.
enum HostileFeeder {
    static func feed(_ v: HostileVariant, to ledger: TransferLedger) throws -> HostileOutcome {
        let signed: SignedSubmission
        switch v.payload {
        case .eventLine(let bytes, let signer):
            let value: JSONValue
            do { value = try CanonicalJSON.decode(bytes) } catch { return .malformed("\(error)") }
            do {
                signed = try UnsignedEvent(json: value).signed(with: HostileParty.key(signer), at: HostileCorpus.signedAt, nonce: randomNonce())
            } catch { return .rejected(error) }
        case .signedLine(let bytes):
            let value: JSONValue
            do { value = try CanonicalJSON.decode(bytes) } catch { return .malformed("\(error)") }
            do { signed = try SignedSubmission(json: value) } catch { return .rejected(error) }
        case .direct(let s):
            signed = s
        }
        switch try ledger.submit([signed])[0] {
        case .appended(let index, _, _): return .appended(index)
        case .rejected(let v): return .rejected(v)
        }
    }

    /// Nil when `outcome` is what `v` expects, else why not.
    static func mismatch(_ v: HostileVariant, _ outcome: HostileOutcome) -> String? {
        switch (v.expected, outcome) {
        case (.malformed, .malformed): return nil
        case (.rule(let rules), .rejected(let violation)):
            guard rules.contains(violation.rule) else { return "\(v): expected \(rules.map(\.rawValue).sorted()), got \(violation)" }
            guard !violation.message.isEmpty else { return "\(v): empty message" }
            if !v.mentions.isEmpty, !v.mentions.contains(where: { violation.message.contains($0) }) {
                return "\(v): the message does not name the field (\(v.mentions)): \(violation.message)"
            }
            return nil
        default: return "\(v): expected \(v.expected), got \(outcome)"
        }
    }

    /// Builds the corpus state on a scenario's ledger.
    static func corpus(on s: TransferScenario) throws -> HostileCorpus {
        if s.clock.now < HostileCorpus.signedAt { s.clock.set(HostileCorpus.signedAt) }
        return try HostileCorpus { items in
            try s.ledger.submit(items).map { outcome -> [String: JSONValue]? in
                if case .appended(_, _, let assigned) = outcome { return assigned }
                return nil
            }
        }
    }
}

/// GitHub issue 6: a deterministic, seeded corpus of hostile variants of valid events of eight types, driven
/// through the library (SPEC §3.1, §4.3, §5, §2 intro). Every variant is rejected with the rule its defect calls for
/// (or refused by the parser), and leaves the tree and every projection row unchanged; afterwards the valid bases
/// are still appended, so each variant failed for its own defect.
@Suite("Hostile input: seeded mutation corpus through the library")
struct HostileMutationTests {
    @Test("every hostile variant of eight event types is rejected cleanly and changes nothing; the valid bases still pass")
    func corpusIsRejected() throws {
        let s = try TransferScenario()
        let corpus = try HostileFeeder.corpus(on: s)
        let variants = corpus.variants()
        #expect(variants.count >= 300, "only \(variants.count) variants")
        #expect(Set(variants.map(\.base)).count >= 9, "variants of every base kind")

        let before = try s.snapshot()
        var mismatches: [String] = []
        var changed: [String] = []
        var clean = 0
        for v in variants {
            let outcome = try HostileFeeder.feed(v, to: s.ledger)
            let problem = HostileFeeder.mismatch(v, outcome)
            if let problem { mismatches.append(problem) }
            if try s.size() != before.size || (try s.snapshot()) != before {
                changed.append("\(v): \(outcome)")
                break
            }
            if problem == nil { clean += 1 }
        }
        let byKind = Dictionary(grouping: variants, by: \.kind).mapValues(\.count).sorted { $0.key < $1.key }
        print("hostile corpus (library): \(clean) of \(variants.count) rejected cleanly; by kind: \(byKind.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
        let report = mismatches.joined(separator: "\n")
        #expect(mismatches.isEmpty, "\(mismatches.count) variants not answered as expected:\n\(report)")
        #expect(changed.isEmpty, "a rejected variant changed the ledger: \(changed)")
        #expect(clean == variants.count)

        // The valid bases are appended afterwards: the variants failed for their own defects.
        for signed in corpus.finalBases {
            let outcome = try s.ledger.submit([signed])[0]
            guard case .appended = outcome else {
                Issue.record("the valid \(signed.submission.type) was not appended after the corpus: \(outcome)")
                continue
            }
        }
    }

    @Test("the corpus is the same for the same seed and differs for another")
    func deterministic() throws {
        let s = try TransferScenario()
        let corpus = try HostileFeeder.corpus(on: s)
        let a = corpus.variants(seed: 6).map(\.description)
        #expect(a == corpus.variants(seed: 6).map(\.description))
        #expect(a != corpus.variants(seed: 7).map(\.description))
    }

    /// Category keys of the right shape (four characters, HW and a number) that are not categories of the 名录. Each
    /// runs on its own ledger so that an accepted one cannot disturb the others.
    @Test("categoryPermille keys outside HW01–HW40 and HW45–HW50 (HW-1, HW+1, HW00, HW41, HW99) are rejected with R-SCHEMA")
    func categoryKeys() throws {
        let template = try HostileFeeder.corpus(on: try TransferScenario())
        var mismatches: [String] = []
        for v in template.categoryKeyVariants() {
            let s = try TransferScenario()
            _ = try HostileFeeder.corpus(on: s)
            let before = try s.snapshot()
            let outcome = try HostileFeeder.feed(v, to: s.ledger)
            if let problem = HostileFeeder.mismatch(v, outcome) {
                mismatches.append(problem)
            } else if try s.snapshot() != before {
                mismatches.append("\(v): rejected but the ledger changed")
            }
        }
        let report = mismatches.joined(separator: "\n")
        #expect(mismatches.isEmpty, "\(mismatches.count) category keys accepted or misjudged:\n\(report)")
    }

    /// Values the JSON parser can never produce, handed to the library directly (an embedding caller, a future
    /// decoder): integers of magnitude 2^53 or more (SPEC §3.1: |n| < 2^53) and nesting deeper than 32. Each runs on
    /// its own fresh ledger, because an accepted variant changes the state. An accepted out-of-range integer would be
    /// an entry that the ledger's own parser refuses to read back, so `verify` is run when one is appended.
    @Test("integers of magnitude ≥ 2^53 and over-deep nesting built as values are rejected with R-SCHEMA")
    func directValues() throws {
        let template = try HostileFeeder.corpus(on: try TransferScenario())
        let variants = template.directVariants()
        #expect(variants.count >= 40)
        var mismatches: [String] = []
        var clean = 0
        for v in variants {
            let s = try TransferScenario()
            _ = try HostileFeeder.corpus(on: s)
            let before = try s.snapshot()
            let outcome = try HostileFeeder.feed(v, to: s.ledger)
            if let problem = HostileFeeder.mismatch(v, outcome) {
                var line = problem
                if case .appended = outcome {
                    let verdict: String
                    do {
                        let report = try s.ledger.verify(trusted: nil, scratch: InMemoryLedgerStore())
                        verdict = "verify afterwards: \(report)"
                    } catch { verdict = "verify afterwards fails: \(error)" }
                    line += " — \(verdict)"
                }
                mismatches.append(line)
            } else if try s.snapshot() == before {
                clean += 1
            } else {
                mismatches.append("\(v): rejected but the ledger changed")
            }
        }
        print("hostile direct values (library): \(clean) of \(variants.count) rejected cleanly")
        let report = mismatches.joined(separator: "\n")
        #expect(mismatches.isEmpty, "\(mismatches.count) direct variants not rejected:\n\(report)")
    }
}
