import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerServer
import NIOCore
import TransferLedger
import TransferRules

/// The console's page handlers. Each reads through the facade off the cooperative pool (``Blocking``) and checks
/// visibility with the API's own ``Visibility`` rule.
struct ConsolePages: Sendable {
    let services: ServerServices
    var ledger: TransferLedger { services.ledger }

    /// Longest query parameter a page accepts; longer ones are refused naming the field.
    static let maxParameterBytes = 200

    // MARK: Shell

    func home(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let cookie = request.headers[.cookie]
        let authenticator = services.authenticator, sessions = services.sessions
        let session = try? await Blocking.run { try authenticator.session(cookieHeader: cookie, sessions: sessions) }
        return Page.redirect(session == nil ? "/ui/signin" : "/ui/worklist")
    }

    func signin(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        var next = request.uri.queryParameters.get("next") ?? "/ui/"
        // Only a path of this site: never an open redirect.
        if !next.hasPrefix("/ui/") || next.utf8.count > 512 || next.contains("//") || next.contains("\\") { next = "/ui/" }
        let origin = (try? ledger.origin()) ?? ""
        return Page.html(Templates.render("signin", ["title": "登录", "next": next, "origin": origin]))
    }

    func asset(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        guard let name = context.parameters.get("name"), let file = Assets.files[name] else {
            return Page.error(ServerError.notFound("no such asset"))
        }
        return Response(
            status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    /// What the layout needs: who is signed in, the CSRF token, which tab is open.
    static func base(_ context: LedgerRequestContext, names: Names, title: String, tab: String) -> [String: Any] {
        var out: [String: Any] = ["title": title, "tab_\(tab)": true]
        if let p = context.principal {
            out["user"] = ["name": names.displayName(p), "id": p.id]
            switch p {
            case .regulator: out["isRegulator"] = true
            case .operatorOf: out["isOperator"] = true
            case .enterprise: out["isEnterprise"] = true
            }
        }
        if let s = context.session { out["csrf"] = s.csrf }
        return out
    }

    /// A query parameter of at most ``maxParameterBytes``, empty treated as absent.
    static func parameter(_ request: Request, _ name: String) throws -> String? {
        guard let v = request.uri.queryParameters.get(name), !v.isEmpty else { return nil }
        guard v.utf8.count <= maxParameterBytes else {
            throw ServerError.usage("query parameter \(name) is longer than \(maxParameterBytes) bytes")
        }
        return v.trimmingCharacters(in: .whitespaces)
    }

    static func dateParameter(_ request: Request, _ name: String) throws -> CivilDate? {
        guard let text = try parameter(request, name) else { return nil }
        guard let d = CivilDate(text) else { throw ServerError.usage("\(name) must be a date YYYY-MM-DD, got \(text)") }
        return d
    }

    /// Rows a long list shows (待办's sections, a statement's lines): `rows=N` (1…1000), else `shown`; nil (all) with
    /// `all=1`. The rest are counted on the page, one link away.
    static func rowsParameter(_ request: Request, default shown: Int) throws -> Int? {
        if try parameter(request, "all") == "1" { return nil }
        guard let text = try parameter(request, "rows") else { return shown }
        guard let n = Int(text), (1...1000).contains(n) else { throw ServerError.usage("rows must be a whole number from 1 to 1000, got \(text)") }
        return n
    }

    // MARK: Operator

    /// Bytes as an operator reads them: 1.5 GiB, 820 MiB, 12 KiB.
    static func bytes(_ n: Int64) -> String {
        let units = ["字节", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) 字节" : String(format: "%.1f %@", value, units[unit])
    }

    func operatorPage(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let ledger = self.ledger, health = services.health
        do {
            let (names, tree, checkpoint, lastTime) = try await Blocking.run { () -> (Names, UInt64, StoredCheckpoint, String?) in
                let names = try Names(ledger: ledger)
                let (tree, checkpoint) = try ledger.store.read { r in (try r.treeSize(), try r.latestCheckpoint()) }
                guard let checkpoint else { throw ServerError.notFound("the ledger has no signed checkpoint yet") }
                let last = checkpoint.size > 0 ? try ledger.signatures(of: [checkpoint.size - 1]).first?.time : nil
                return (names, tree, checkpoint, last)
            }
            let now = services.authenticator.currentTime
            var page = Self.base(context, names: names, title: "运行状态", tab: "operator")
            page["treeSize"] = tree
            page["checkpointSize"] = checkpoint.size
            page["checkpointRoot"] = checkpoint.root.base64
            page["checkpointNote"] = checkpoint.note
            if tree > checkpoint.size { page["pending"] = tree - checkpoint.size }
            let at = health.checkpointSeenAt
            page["checkpointSeen"] = Display.beijingTime(UTCInstant(seconds: at))
            page["checkpointAge"] = Self.age(now - at)
            if let last = lastTime { page["lastEntryTime"] = Display.beijingTime(last) }
            func verification(_ v: HealthState.VerifyResult) -> [String: Any] {
                [
                    "ok": v.ok, "time": Display.beijingTime(UTCInstant(seconds: v.finishedAt)), "age": Self.age(now - v.finishedAt),
                    "size": v.size, "milliseconds": v.milliseconds, "message": v.message, "checked": v.entriesChecked,
                    "kind": v.full ? "全量" : "增量",
                ]
            }
            if let v = health.verify { page["verify"] = verification(v) }
            if let v = health.lastFullVerify { page["fullVerify"] = verification(v) }
            page["version"] = BuildInfo.version
            page["builtAt"] = BuildInfo.builtAt.map { Display.beijingTime(UTCInstant(seconds: $0)) } ?? "未知"
            page["startedAt"] = Display.beijingTime(UTCInstant(seconds: health.startedAt))
            page["uptime"] = Self.duration(now - health.startedAt)
            let today = UTCInstant(seconds: now).shanghaiDate
            let reference = try await Blocking.run { try ledger.context().referenceStatus(today: today) }
            page["calendar"] = reference.calendarYears.map { "\($0.lowerBound)–\($0.upperBound) 年\(reference.calendarFromPolicy ? "（创世策略）" : "")" } ?? "未加载"
            page["editions"] = reference.editions.map { e in
                "\(e.edition.isEmpty ? "名录" : e.edition)\(e.effectiveFrom.map { "（\($0) 起施行）" } ?? "")：\(e.codes) 个代码"
            }.joined(separator: "；")
            page["divisions"] = "\(reference.divisions) 个（其中 \(reference.endedDivisions) 个已停用）"
            let refusals = services.activity.recentRefusals
            page["refusals"] = refusals.map { r -> [String: Any] in
                [
                    "time": Display.beijingTime(UTCInstant(seconds: r.time)), "rule": r.rule,
                    "ruleName": RuleMessagesZh.sentence(for: r.rule) ?? r.rule,
                    "actor": r.actor.map { names.party($0)["name"] as? String ?? $0 } ?? "—", "actorId": r.actor ?? "",
                    "type": r.type.map(Display.eventLabel) ?? "—",
                ]
            }
            page["hasRefusals"] = !refusals.isEmpty
            var byRule: [String: Int] = [:]
            for r in refusals { byRule[r.rule, default: 0] += 1 }
            page["refusalsByRule"] = byRule.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) × \($0.value)" }.joined(separator: "，")
            let report = await health.report()
            page["status"] = Self.statusLabel(report.status)
            page["statusOK"] = report.status == .ok
            if case .array(let witnesses)? = report.fields["witnesses"] {
                page["witnesses"] = witnesses.map { w -> [String: Any] in
                    let state = w["state"]?.stringValue ?? (w["lastError"]?.stringValue == nil ? "ok" : "unreachable")
                    let since = w["lastErrorSince"]?.stringValue.flatMap(UTCInstant.init).map { Display.beijingTime($0) }
                    return [
                        "label": w["label"]?.stringValue ?? "", "name": w["name"]?.stringValue ?? "", "url": w["url"]?.stringValue ?? "",
                        "size": w["cosignedSize"]?.intValue ?? 0,
                        "age": w["ageSeconds"]?.intValue.map { Self.age($0) } ?? "尚未联署",
                        "error": w["lastError"]?.stringValue.map { e in WitnessBoard.failureZh(e) + (since.map { "（自 \($0)）" } ?? "") } ?? "—",
                        "detail": w["lastError"]?.stringValue ?? "",
                        "state": Self.witnessState(state), "ok": state == "ok",
                    ]
                }
                page["quorum"] = report.fields["witnessQuorum"]?.intValue ?? 0
                page["hasWitnesses"] = !witnesses.isEmpty
            }
            page["hasWarnings"] = !report.warnings.isEmpty
            page["warnings"] = report.warnings.map { r -> [String: Any] in ["code": r.code, "message": r.messageZh.isEmpty ? r.message : r.messageZh, "action": r.actionZh] }
            page["reasons"] = report.problems.map { r -> [String: Any] in
                [
                    "severity": r.severity == .warning ? "提示" : Self.statusLabel(r.severity.status), "code": r.code,
                    "message": r.messageZh.isEmpty ? r.message : r.messageZh, "action": r.actionZh,
                    "since": r.since.map { Display.beijingTime(UTCInstant(seconds: $0)) } ?? "",
                    "warning": r.severity == .warning,
                ]
            }
            let configuration = services.configuration
            if let url = configuration.databaseURL {
                let lag = report.fields["replicationLagMs"]?.intValue.map { "，复制延迟 \(Double($0) / 1000) 秒" } ?? ""
                page["database"] = "PostgreSQL \(url)" + (configuration.readOnly ? "（只读备库\(lag)，写入请提交至主库 \(configuration.primaryURL ?? "")）" : "")
                page["storage"] = "由 PostgreSQL 服务器管理：磁盘空间请在数据库服务器上查看（写入失败时见下方“写入台账（存储）”）"
            } else {
                page["database"] = "SQLite 文件 \(configuration.databasePath ?? "")"
            }
            let storage = report.fields["storage"]
            let failure = storage?["failure"]?["code"]?.stringValue
            if let free = storage?["freeBytes"]?.intValue, let size = storage?["filesystemBytes"]?.intValue {
                let file = storage?["databaseBytes"]?.intValue.map { "台账文件 \(Self.bytes($0))；" } ?? ""
                page["storage"] = "\(file)所在文件系统可用 \(Self.bytes(free))，共 \(Self.bytes(size))（低于 \(Self.bytes(storage?["minFreeBytes"]?.intValue ?? 0)) 时告警）"
            }
            page["services"] = [
                ["name": "检查点签署（每 \(Self.seconds(services.configuration.checkpointInterval)) 秒）",
                 "state": tree == checkpoint.size ? "已覆盖全部条目" : "待签署 \(tree - checkpoint.size) 条", "ok": tree - checkpoint.size < 10_000],
                ["name": "定时核验（每 \(Self.seconds(services.configuration.verifyInterval)) 秒）",
                 "state": health.verify.map { $0.ok ? "通过" : "失败" } ?? "尚未运行", "ok": health.verify?.ok ?? true],
                ["name": "写入台账（存储）",
                 "state": failure == nil ? "正常" : (failure == "storage-full" ? "存储空间已满，写入被拒绝，未写入任何内容" : "存储读写失败，写入被拒绝，未写入任何内容"),
                 "ok": failure == nil],
            ] as [[String: Any]]
            return Page.html(Templates.render("operator", page))
        } catch {
            return Page.error(error, base: Self.base(context, names: try await Blocking.run { try Names(ledger: ledger) }, title: "", tab: "operator"))
        }
    }

    static func statusLabel(_ s: HealthStatus) -> String {
        switch s {
        case .ok: "正常"
        case .degraded: "降级"
        case .failing: "故障"
        }
    }

    static func witnessState(_ state: String) -> String {
        switch state {
        case "ok": "正常"
        case "unreachable": "无法连接"
        case "refusing": "拒绝联署"
        case "split-view": "发现分叉"
        case "unknown": "未探测"
        default: state
        }
    }

    /// A span as people say it: 3 天 4 小时, 12 分钟, 40 秒.
    static func duration(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s) 秒" }
        if s < 3600 { return "\(s / 60) 分钟" }
        if s < 86400 { return "\(s / 3600) 小时 \(s % 3600 / 60) 分钟" }
        return "\(s / 86400) 天 \(s % 86400 / 3600) 小时"
    }

    static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        return atto == 0 ? "\(s)" : String(format: "%.1f", Double(s) + Double(atto) / 1e18)
    }

    static func age(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(max(seconds, 0)) 秒前" }
        if seconds < 3600 { return "\(seconds / 60) 分钟前" }
        if seconds < 86400 { return "\(seconds / 3600) 小时前" }
        return "\(seconds / 86400) 天前"
    }
}
