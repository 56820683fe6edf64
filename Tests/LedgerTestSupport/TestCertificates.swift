import Foundation

/// A throw-away certificate authority made with Debian's `openssl` at test time (P-256 keys, valid two days), and
/// the server certificates it issues: for witnesses served over TLS.
public final class TestCertificateAuthority: @unchecked Sendable {
    let dir = TempDirectory()
    /// The CA's certificate (PEM): what `hwledgerd --witness-ca` is given.
    public let certificatePath: String
    let keyPath: String
    let name: String

    public init(name: String = "hwledger test CA") throws {
        self.name = name
        certificatePath = dir.path("ca.pem")
        keyPath = dir.path("ca.key")
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)", "-keyout", keyPath, "-out", certificatePath,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    /// A server certificate for `names` (`IP:127.0.0.1`, `DNS:localhost`, …) and its key, as PEM files.
    public func issue(_ file: String, names: [String]) throws -> (certificate: String, key: String) {
        let key = dir.path("\(file).key"), request = dir.path("\(file).csr"), certificate = dir.path("\(file).pem")
        let extensions = dir.write("\(file).ext", """
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth
            subjectAltName=\(names.joined(separator: ","))

            """)
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(file)",
            "-keyout", key, "-out", request,
        ])
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", certificatePath, "-CAkey", keyPath, "-CAcreateserial", "-days", "2",
            "-extfile", extensions, "-out", certificate,
        ])
        return (certificate, key)
    }

    static func openssl(_ arguments: [String]) throws {
        let r = try Run.executable("/usr/bin/env", ["openssl"] + arguments)
        guard r.status == 0 else { throw TestFailure("openssl \(arguments.first ?? "") exit \(r.status): \(r.stderr)") }
    }
}
