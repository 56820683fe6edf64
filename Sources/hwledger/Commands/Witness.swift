import ArgumentParser
import Dispatch
import Foundation
import HTTPServerSupport
import Hummingbird
import LedgerCore
import LedgerSQLite
import LedgerWitness
import Logging
import TransferRules

extension HWLedgerCommand {
    struct WitnessCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "witness",
            abstract: "Run a C2SP tlog-witness that cosigns the log's checkpoints, and list the evidence it kept.",
            subcommands: [Serve.self, Evidence.self])
    }
}

extension HWLedgerCommand.WitnessCommand {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve POST /add-checkpoint (C2SP tlog-witness) until SIGTERM or SIGINT.",
            discussion: """
                Each checkpoint is checked against the one this witness last cosigned for its origin (log signature, \
                consistency proof) and stored in STATE.sqlite in the same transaction before the cosignature is sent.
                """)

        @Option(help: "The witness's cosigning key file (hwledger keygen --cosigner).")
        var key: String

        @Option(help: "The witness's state database (created if missing).")
        var db: String

        @Option(help: "A log to witness, ORIGIN=VKEY (VKEY a verifier key string or a file holding one); repeat for more logs or keys.")
        var log: [String] = []

        @Option(help: "The address to listen on, HOST:PORT ([v6]:PORT for IPv6); port 0 picks a free port, which is logged.")
        var listen = "127.0.0.1:8421"

        @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate chain (the witness's certificate first); needs --tls-key.")
        var tlsCert: String?

        @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
        var tlsKey: String?

        func validate() throws {
            guard !log.isEmpty else { throw ValidationError("--log ORIGIN=VKEY is required at least once") }
            guard Self.parseListen(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, got \(listen)") }
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        }

        func run() throws {
            ParentWatch.startIfAsked()
            let keyText = try InputFiles.text(key, what: "witness key file")
            let cosigner: CosignerSigningKey
            do { cosigner = try CosignerSigningKey(parsing: keyText) } catch {
                throw CLIFailure.malformed("witness key file \(key): \(error) (make one with hwledger keygen --cosigner)")
            }
            var logKeys: [VerifierKey] = []
            for item in log {
                guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                    throw CLIFailure.usage("--log must be ORIGIN=VKEY, got \(item)")
                }
                let origin = String(item[..<eq])
                let vkey = try InputFiles.verifierKey(String(item[item.index(after: eq)...]), option: "--log")
                guard vkey.name == origin else {
                    throw CLIFailure.usage("--log \(origin): the verifier key is named \(vkey.name), a log key is named after its origin")
                }
                logKeys.append(vkey)
            }
            let store: SQLiteWitnessStore
            do { store = try SQLiteWitnessStore(path: db) } catch { throw CLIFailure.io("\(error)") }
            let witness = Witness(key: cosigner, logs: logKeys, store: store) { UInt64(Date().timeIntervalSince1970) }
            var tls: WitnessTLS?
            if let tlsCert, let tlsKey {
                do { tls = try WitnessTLS(certificateFile: tlsCert, keyFile: tlsKey) } catch { throw CLIFailure.io("\(error)") }
            }
            let (host, port) = Self.parseListen(listen)!
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            let logger = Logger(label: "hwledger-witness")
            let app = try buildWitnessApplication(witness: witness, host: host, port: port, tls: tls, logger: logger) { host, port in
                // One line a supervisor or test can parse.
                FileHandle.standardError.write(Data("hwledger witness: listening on \(host):\(port)\n".utf8))
            }
            let done = DispatchSemaphore(value: 0)
            let failure = ErrorBox()
            Task {
                do { try await app.runService() } catch { failure.set(error) }
                done.signal()
            }
            done.wait()
            if let error = failure.get() { throw CLIFailure.io("the witness service stopped: \(error)") }
        }

        /// `HOST:PORT` (`[v6]:PORT` for IPv6).
        static func parseListen(_ text: String) -> (String, Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
            else { return nil }
            let host = text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            return host.isEmpty ? nil : (host, port)
        }
    }

    struct Evidence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the checkpoints the witness refused as inconsistent with what it cosigned (evidence of a fork).")

        @Option(help: "The witness's state database.")
        var db: String

        @Flag(help: "Print one JSON document instead of the printout.")
        var json = false

        func run() throws {
            guard FileManager.default.fileExists(atPath: db) else { throw CLIFailure.io("no witness state database at \(db)") }
            let records: [WitnessEvidence]
            let states: [WitnessLogState]
            do {
                let store = try SQLiteWitnessStore(path: db)
                (records, states) = (try store.evidence(), try store.states())
            } catch { throw CLIFailure.io("\(error)") }
            if json {
                Output.json(.object([
                    "logs": .array(states.map {
                        .object(["origin": .string($0.origin), "size": .int(Int64($0.size)), "root": .string($0.root.base64)])
                    }),
                    "evidence": .array(records.map {
                        .object([
                            "id": .int($0.id), "origin": .string($0.origin),
                            "receivedAt": .string(UTCInstant(seconds: $0.receivedAt).description), "reason": .string($0.reason),
                            "heldNote": .string($0.heldNote), "oldSize": .int(Int64($0.oldSize)),
                            "proof": .array($0.proof.map { .string($0.base64) }), "submittedNote": .string($0.submittedNote),
                        ])
                    }),
                ]))
                return
            }
            Output.line("见证状态（每个日志最近一次联署的检查点）")
            for s in states { Output.line("  日志 \(s.origin)  树大小 \(s.size)  根哈希 \(s.root.base64)") }
            Output.line(records.isEmpty ? "证据：无（未收到与已联署检查点不一致的检查点）" : "证据：\(records.count) 条")
            for e in records {
                Output.line("")
                Output.line("证据 #\(e.id)  日志 \(e.origin)  收到时间 \(Self.beijing(e.receivedAt)) 北京时间")
                Output.line("  拒绝原因：\(e.reason)")
                Output.line("  请求 old \(e.oldSize)，一致性证明 \(e.proof.count) 个哈希：\(e.proof.map(\.base64).joined(separator: " "))")
                Output.line("  见证方持有的检查点：")
                for line in e.heldNote.split(separator: "\n", omittingEmptySubsequences: false) { Output.line("    \(line)") }
                Output.line("  被拒绝的检查点：")
                for line in e.submittedNote.split(separator: "\n", omittingEmptySubsequences: false) { Output.line("    \(line)") }
            }
        }

        /// `YYYY-MM-DD HH:MM:SS` in Asia/Shanghai.
        static func beijing(_ seconds: Int64) -> String {
            String(UTCInstant(seconds: seconds + 8 * 3600).description.dropLast().replacingOccurrences(of: "T", with: " "))
        }
    }
}

/// The error a background task ended with, read after it signalled.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func set(_ e: any Error) { lock.withLock { error = e } }
    func get() -> (any Error)? { lock.withLock { error } }
}
