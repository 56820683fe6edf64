import LedgerCore
import LedgerServer
import LedgerTestSupport
import Testing
import TransferRules

@Suite("LedgerServer units: visibility, tile paths, the signed-request header, the error mapping")
struct UnitTests {
    @Test("operator sees all; a regulator its province; an enterprise what names it")
    func visibility() {
        let transfer = ResourceScope(parties: ["A", "B"], provinces: ["510000"])
        #expect(Visibility.allows(.operatorOf(origin: "o"), transfer))
        #expect(Visibility.allows(.operatorOf(origin: "o"), .operatorOnly))
        #expect(Visibility.allows(.regulator(id: "REG-510000", province: "510000"), transfer))
        #expect(!Visibility.allows(.regulator(id: "REG-500000", province: "500000"), transfer))
        #expect(Visibility.allows(.enterprise(uscc: "A", province: "500000"), transfer))
        #expect(!Visibility.allows(.enterprise(uscc: "C", province: "510000"), transfer))
        #expect(!Visibility.allows(.regulator(id: "REG-510000", province: "510000"), .operatorOnly))
        #expect(throws: ServerError.self) { try Visibility.require(.enterprise(uscc: "C", province: "510000"), transfer, resource: "x") }
    }

    @Test("tile indices use C2SP's x-prefixed groups of three digits", arguments: [
        (UInt64(0), "000"), (67, "067"), (1000, "x001/000"), (1_234_067, "x001/x234/067"),
    ])
    func tileEncoding(index: UInt64, path: String) {
        #expect(TileCoordinate.encode(index: index) == path)
        let parsed = TileCoordinate(components: ("2/" + path).split(separator: "/", omittingEmptySubsequences: false))
        #expect(parsed == TileCoordinate(level: 2, index: index))
        let partial = TileCoordinate(components: ("0/" + path + ".p/17").split(separator: "/", omittingEmptySubsequences: false))
        #expect(partial == TileCoordinate(level: 0, index: index, partialWidth: 17))
    }

    @Test("non-canonical tile paths are refused", arguments: [
        "0/x000/067", "0/67", "0/0067", "00/000", "0/001/002", "0/x001", "0/000.p/256", "0/000.p/07", "8/000", "0/000.p", "0/abc",
    ])
    func badTiles(path: String) {
        #expect(TileCoordinate(components: path.split(separator: "/", omittingEmptySubsequences: false)) == nil)
    }

    @Test("the Authorization header round-trips and rejects malformed parameters")
    func header() throws {
        let key = TestKeys.operatorKey
        let value = SignedRequest.authorization(key: key, method: "GET", target: "/v1/entries/1?x=1", time: 1_700_000_000)
        let parsed = try SignedRequest(header: value)
        #expect(parsed.principal == key.name)
        #expect(parsed.keyId == key.verifier.keyIDHex)
        #expect(key.verifier.isValidSignature(parsed.signature, for: SignedRequest.message(method: "GET", target: "/v1/entries/1?x=1", time: 1_700_000_000)))
        for bad in ["Basic x", "HWL-Ed25519 principal=a,keyId=ABCDEF01,time=1,sig=AA==", "HWL-Ed25519 principal=a,keyId=00000000,time=-1,sig=AA==",
                    "HWL-Ed25519 principal=a,principal=b,keyId=00000000,time=1,sig=AA=="] {
            #expect(throws: ServerError.self, "\(bad)") { try SignedRequest(header: bad) }
        }
    }

    @Test("rule rejections map to 401, 409 and 422")
    func mapping() {
        #expect(ErrorMapping.problem(for: RuleViolation(.signature, "x")).status.code == 401)
        #expect(ErrorMapping.problem(for: RuleViolation(.nonce, "x")).status.code == 409)
        #expect(ErrorMapping.problem(for: RuleViolation(.uscc, "x")).status.code == 422)
        #expect(ErrorMapping.problem(for: RuleViolation(.auth, "x")).status.code == 422)
        #expect(ErrorMapping.problem(for: ServerError.forbidden("x")).status.code == 403)
        #expect(ErrorMapping.problem(for: ServerError.bodyTooLarge(limit: 1)).status.code == 413)
        #expect(ErrorMapping.problem(for: LedgerError.storage("secret path")).message == "the ledger store failed")
    }
}
