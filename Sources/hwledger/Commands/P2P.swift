import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct P2P: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "p2p", abstract: "The 点对点 定向利用豁免 pilot: check a shipment, list and show registrations.",
            subcommands: [Check.self, List.self, Show.self])

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Judge a (hypothetical) manifest against a registration and print every reason: exit 0 eligible, 2 not.")

            @OptionGroup var ledger: LedgerOptions
            @Option(help: "The registration number.") var registration: String
            @Option(help: "A manifest.filed event or body to judge instead of the options below.") var manifest: String?
            @Option(help: "The generator's USCC.") var generator: String?
            @Option(help: "The utiliser's USCC.") var utiliser: String?
            @Option(name: [.customLong("waste-code"), .customLong("code")], help: "The waste code.") var wasteCode: String?
            @Option(help: "The quantity in grams.") var grams: Int64?
            @Option(help: "The quantity in tonnes (up to 6 decimals), instead of --grams.") var tonnes: String?
            @Option(name: [.customLong("pickup"), .customLong("date")], help: "The planned pickup date (YYYY-MM-DD).") var pickup: String?
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                if manifest == nil {
                    guard generator != nil, utiliser != nil, wasteCode != nil, pickup != nil, (grams == nil) != (tonnes == nil) else {
                        throw ValidationError("give --manifest FILE, or --generator, --utiliser, --waste-code, --pickup and one of --grams or --tonnes")
                    }
                    if let tonnes, Mass.grams(fromTonnes: tonnes) == nil { throw ValidationError("--tonnes must be a number of tonnes with up to 6 decimals") }
                    if let pickup, CivilDate(pickup) == nil { throw ValidationError("--pickup must be a date YYYY-MM-DD") }
                }
            }

            func shipment() throws -> P2PShipment {
                guard let manifest else {
                    return P2PShipment(
                        generator: generator!, utiliser: utiliser!, wasteCodes: [wasteCode!],
                        grams: grams ?? Mass.grams(fromTonnes: tonnes!)!, pickup: CivilDate(pickup!)!)
                }
                let value: JSONValue
                do { value = try CanonicalJSON.decode(try InputFiles.bytes(manifest, what: "manifest file")) } catch let f as CLIFailure {
                    throw f
                } catch { throw CLIFailure.malformed("manifest file \(manifest): \(error)") }
                let body = value["body"] ?? value
                guard case .string(let g)? = body["generator"], case .string(let u)? = body["receiver"],
                    case .string(let p)? = body["plannedPickup"], let date = CivilDate(p), case .array(let lines)? = body["lines"]
                else { throw CLIFailure.malformed("manifest file \(manifest): needs generator, receiver, plannedPickup and lines") }
                var codes: [String] = []
                var total: Int64 = 0
                for line in lines {
                    guard case .string(let c)? = line["wasteCode"], case .int(let n)? = line["grams"] else {
                        throw CLIFailure.malformed("manifest file \(manifest): every line needs wasteCode and grams")
                    }
                    codes.append(c)
                    total += n
                }
                return P2PShipment(generator: g, utiliser: u, wasteCodes: codes, grams: total, pickup: date)
            }

            func run() throws {
                let facade = try ledger.openLedger()
                guard let r = try facade.p2pRegistration(registration) else {
                    throw CLIFailure(code: 2, id: RuleID.notFound.rawValue, message: "registration \(registration) does not exist")
                }
                let s = try shipment()
                let reasons = try facade.context().p2pReasons(s, registration: r)
                let left = r.capGrams - r.used(in: s.pickup.year)
                if json {
                    Output.json(.object([
                        "registrationNo": .string(r.registrationNo), "eligible": .bool(reasons.isEmpty),
                        "remainingGrams": .int(left), "year": .int(Int64(s.pickup.year)),
                        "reasons": .array(reasons.map { Output.errorObject($0) }),
                    ]))
                } else {
                    Output.line(reasons.isEmpty ? "符合“点对点”豁免条件 (eligible)" : "不符合“点对点”豁免条件 (not eligible)")
                    Output.line("登记编号 \(r.registrationNo)：\(s.pickup.year) 年上限 \(Mass.tonnes(r.capGrams)) 吨，已用 \(Mass.tonnes(r.used(in: s.pickup.year))) 吨，剩余 \(Mass.tonnes(left)) 吨")
                    for reason in reasons { Output.line("\(reason.rule.rawValue): \(Language.current.text(id: reason.rule.rawValue, message: reason.message))") }
                }
                if !reasons.isEmpty { throw CLIFailure.rejectedSilently }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List 点对点 registrations with this year's use of their cap.")
            @OptionGroup var ledger: LedgerOptions
            @Option(help: "The year whose use of the cap to show (default: the current year).") var year: Int?
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                let y = year ?? Calendar(identifier: .gregorian).component(.year, from: Date())
                let list = try facade.p2pRegistrations()
                if json {
                    Output.json(.object(["year": .int(Int64(y)), "registrations": .array(try list.map { try $0.jsonValue() })]))
                    return
                }
                Output.line(["登记编号", "产生单位", "利用单位", "废物代码", "年度上限(吨)", "\(y)已用(吨)", "有效期", "状态"].joined(separator: "\t"))
                for r in list {
                    Output.line([
                        r.registrationNo, r.generator, r.utiliser, r.wasteCode, Mass.tonnes(r.capGrams), Mass.tonnes(r.used(in: y)),
                        "\(r.validFrom)…\(r.validTo)", r.revokedOn.map { "已撤销 \($0)" } ?? "有效",
                    ].joined(separator: "\t"))
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one 点对点 registration and its use of the cap per year.")
            @OptionGroup var ledger: LedgerOptions
            @Argument(help: "The registration number.") var registration: String
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                guard let r = try facade.p2pRegistration(registration) else {
                    throw CLIFailure(code: 2, id: RuleID.notFound.rawValue, message: "registration \(registration) does not exist")
                }
                if json { Output.json(try r.jsonValue()); return }
                Output.line("“点对点”定向利用豁免登记 \(r.registrationNo)（登记机关 \(r.registeredBy)）")
                Output.line("产生单位：\(r.generator)\n利用单位：\(r.utiliser)\n废物代码：\(r.wasteCode)\n替代用途：\(r.substituteUse)")
                Output.line("年度上限：\(Mass.tonnes(r.capGrams)) 吨\n有效期：\(r.validFrom) 至 \(r.validTo)\n申报年产生量：\(Mass.tonnes(r.declaredAnnualGrams)) 吨")
                if let on = r.revokedOn { Output.line("撤销：\(on)，\(r.revokeReason ?? "")") }
                for (year, used) in r.usedGrams.sorted(by: { $0.key < $1.key }) {
                    Output.line("\(year) 年已用：\(Mass.tonnes(used)) 吨，剩余 \(Mass.tonnes(r.capGrams - used)) 吨")
                }
            }
        }
    }
}
