import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger

extension HWLedgerCommand {
    struct TilesCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tiles", abstract: "Export the log as C2SP tlog-tiles for a static server, or verify such a tree.",
            subcommands: [Export.self, VerifyTiles.self])

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write the published checkpoint and the hash tiles it needs into a directory (tlog-tiles layout).",
                discussion: """
                    Writes DIR/checkpoint (the published checkpoint with its witness cosignatures, as hwledgerd serves \
                    /checkpoint) and DIR/tile/<L>/<N>[.p/<W>] for every full hash tile and the partial ones that \
                    checkpoint needs, so that nginx, any static server or a CDN can serve them to auditors, witnesses \
                    and mirrors. Incremental and idempotent: tiles already in DIR are not rewritten, each file is \
                    written to a temporary file and renamed into place, and the checkpoint comes last. Run it again \
                    (say from a timer) to add what is new. Refuses a DIR holding another log's checkpoint or a larger \
                    one (exit 3).

                    --entries also writes the entry bundles tile/entries/<N>[.p/<W>]: the entries themselves, which \
                    hold the enterprises' business data (parties, wastes, quantities, routes). They are as \
                    confidential as hwledgerd's /tile/entries, which it serves to no one: write them only for a \
                    province's own mirror, never into a directory served to the public.
                    """)

            @OptionGroup var ledger: LedgerOptions

            @Option(help: "The directory to write into (created if missing).")
            var out: String

            @Flag(help: "Also write the entry bundles: enterprises' business data, for the provinces' own mirrors only.")
            var entries = false

            @OptionGroup var witnesses: WitnessOptions

            @Flag(help: "Print the result as JSON on stdout.")
            var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                let policy = try witnesses.policy(default: facade.witnessPolicy())
                let store: any LedgerStore = facade.store
                let summary = try store.read { reader -> TileExport.Summary in
                    guard let published = try reader.publishedCheckpoint(policy: policy) else {
                        throw CLIFailure(
                            code: 3, id: "AWAITING-WITNESSES",
                            message: "no checkpoint carries cosignatures from \(policy.quorum) of the witnesses yet: nothing to export")
                    }
                    return try TileExport(out: out, entries: entries).export(published, from: reader)
                }
                let c = summary.checkpoint
                if json {
                    var object: [String: JSONValue] = [
                        "out": .string(out), "checkpointSize": .int(Int64(c.size)), "root": .string(c.root.base64),
                        "tilesWritten": .int(Int64(summary.tilesWritten)), "tilesPresent": .int(Int64(summary.tilesPresent)),
                        "checkpointWritten": .bool(summary.checkpointWritten),
                    ]
                    if entries {
                        object["bundlesWritten"] = .int(Int64(summary.bundlesWritten))
                        object["bundlesPresent"] = .int(Int64(summary.bundlesPresent))
                    }
                    Output.json(.object(object))
                } else {
                    var line = "tiles \(out): checkpoint of size \(c.size), root \(c.root.base64); "
                        + "\(summary.tilesWritten) hash tiles written, \(summary.tilesPresent) already there"
                    if entries { line += "; \(summary.bundlesWritten) entry bundles written, \(summary.bundlesPresent) already there" }
                    line += summary.checkpointWritten ? "; checkpoint written" : "; checkpoint unchanged"
                    Output.line(line)
                }
            }
        }

        struct VerifyTiles: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify",
                abstract: "Read a tlog-tiles tree over HTTP or from a directory and check it makes its signed checkpoint's root.",
                discussion: """
                    Reads <tiles>/checkpoint, verifies the log's signature (and with --witness the cosignature \
                    quorum), reads every hash tile the checkpoint's tree needs, checks that each tile above level 0 \
                    holds the roots of the subtrees its leaves make, and that the leaves make the checkpoint's root. \
                    With --entries, also reads the entry bundles and checks each entry's leaf hash. Exit 0 when all \
                    holds, 3 when it does not, 66 when a file cannot be read.
                    """)

            @Option(help: "The tree's root: an http(s) URL (http://127.0.0.1:8080) or a directory written by tiles export.")
            var tiles: String

            @Option(help: "The log's verifier key string, or a file holding it.")
            var vkey: String

            @Flag(help: "Also read the entry bundles and check them against the level-0 tiles.")
            var entries = false

            @OptionGroup var witnesses: WitnessOptions

            @Flag(help: "Print the result as JSON on stdout.")
            var json = false

            func run() throws {
                let key = try InputFiles.verifierKey(vkey)
                let policy = try witnesses.policy()
                let source = try TileSource(tiles)
                let signed: SignedCheckpoint
                do {
                    signed = try SignedCheckpoint(verifying: try source.read("checkpoint"), keys: [key])
                    try policy.requireQuorum(on: signed.note)
                } catch let failure as CLIFailure {
                    throw failure
                } catch {
                    throw CLIFailure.integrity("\(source.location)/checkpoint: \(error)")
                }
                let checkpoint = signed.checkpoint
                let result: TileTree.Result
                do {
                    result = try TileTree.check(
                        size: checkpoint.size, readTile: { try source.read($0.path) },
                        readBundle: entries ? { try source.read(EntryBundle.path(index: $0, partialWidth: $1)) } : nil)
                } catch let failure as CLIFailure {
                    throw failure
                } catch {
                    throw CLIFailure.integrity("\(source.location): \(error)")
                }
                guard result.root == checkpoint.root else {
                    throw CLIFailure.integrity(
                        "\(source.location): the tiles make root \(result.root.base64), the checkpoint of size \(checkpoint.size) signs \(checkpoint.root.base64)")
                }
                if json {
                    Output.json(.object([
                        "tiles": .string(source.location), "size": .int(Int64(checkpoint.size)), "root": .string(checkpoint.root.base64),
                        "tilesRead": .int(Int64(result.tiles)), "bundlesRead": .int(Int64(result.bundles)),
                    ]))
                } else {
                    Output.line(
                        "tiles valid: \(source.location) holds the tree of size \(checkpoint.size) signed by \(key.name), root \(checkpoint.root.base64) "
                            + "(\(result.tiles) hash tiles" + (entries ? ", \(result.bundles) entry bundles" : "") + ")")
                }
            }
        }
    }
}
