/// The signed-read scheme of SPEC §4.2, shared by the daemon that checks it and the clients that sign:
/// `Authorization: HWL-Ed25519 principal=<id>,keyId=<8 hex>,time=<unix seconds>,sig=<base64>` over
/// `hwledger/request/v1\n<METHOD>\n<path with query>\n<time>\n`.
public enum RequestSignature {
    public static let scheme = "HWL-Ed25519"
    public static let prefix = "hwledger/request/v1\n"

    /// The bytes signed for `method` and `target` (path with query, exactly as sent) at `time`.
    public static func message(method: String, target: String, time: Int64) -> [UInt8] {
        Array("\(prefix)\(method)\n\(target)\n\(time)\n".utf8)
    }

    /// Signs a request: the `Authorization` header value.
    public static func authorization(key: SigningKey, method: String, target: String, time: Int64) -> String {
        let sig = key.sign(message(method: method, target: target, time: time))
        return "\(scheme) principal=\(key.name),keyId=\(key.verifier.keyIDHex),time=\(time),sig=\(Base64.encode(sig))"
    }
}
