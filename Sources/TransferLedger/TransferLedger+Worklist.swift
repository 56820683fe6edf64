import Foundation
import LedgerCore
import TransferRules

/// A principal's worklist as of a date: the body of `GET /v1/worklist` and of `hwledger worklist --json`.
public struct Worklist: Sendable, Equatable {
    public var asOf: CivilDate
    public var principal: String
    public var items: [WorkItem]

    public init(asOf: CivilDate, principal: String, items: [WorkItem]) {
        self.asOf = asOf
        self.principal = principal
        self.items = items
    }

    /// `{"asOf","principal","items":[{"kind","subject","due","workingDaysLeft","overdue"}]}`; `due` and
    /// `workingDaysLeft` are null for a step without a deadline.
    public var json: JSONValue {
        .object([
            "asOf": .string(asOf.description), "principal": .string(principal),
            "items": .array(items.map {
                .object([
                    "kind": .string($0.kind), "subject": .string($0.subject), "due": $0.due.map { .string($0.description) } ?? .null,
                    "workingDaysLeft": $0.workingDaysLeft.map { .int(Int64($0)) } ?? .null, "overdue": .bool($0.overdue),
                ])
            }),
        ])
    }
}

extension TransferLedger {
    /// The steps `principal` (a USCC or `REG-…`) must take as of `asOf`, overdue first, then by due date. The one
    /// worklist computation of the CLI, the API and the web console; it shares its deadlines with ``anomalies(asOf:)``.
    public func worklist(for principal: String, asOf: CivilDate) throws -> Worklist {
        let context = try context()
        var other: [DeadlineStep] = []
        if principal.hasPrefix("REG-") {
            other += context.confirmationSteps(try whitelists())
            other += try statementCloseSteps(asOf: asOf)
        }
        let items = context.workItems(for: principal, asOf: asOf, steps: try workSteps(for: principal, asOf: asOf) + other)
        return Worklist(asOf: asOf, principal: principal, items: items)
    }

    /// What `principal` may sign on application `id` as of `asOf` (``RegimeContext/openActs(of:for:asOf:overQuota:)``,
    /// built on the worklist's steps; over quota when a confirmed entry covers it without the grams left); nil when the
    /// application does not exist.
    public func openActs(onApplication id: String, for principal: String, asOf: CivilDate) throws -> [OpenAct]? {
        guard let a = try application(id) else { return nil }
        let list = try whitelists(year: a.validFrom.year).first { $0.listingProvince == a.destinationProvince }
        let overQuota = list.flatMap { l in l.coveringEntry(for: a).map { a.grams > l.entries[$0].remainingGrams } } ?? false
        return try context().openActs(of: a, for: principal, asOf: asOf, overQuota: overQuota)
    }

    /// Every key of `principal`, revoked or not, in key-id order: what a regulator's registry page lists.
    public func keys(of principal: String) throws -> [KeyRecord] { try withState { try $0.keys(of: principal) } }

    /// `compensation.statement.closed` steps: every direction of a confirmed rate table, for every quarter ended by
    /// `asOf` (in Asia/Shanghai) from the first delivery on, whose statement has items or adjustments and is not
    /// closed. No deadline applies.
    func statementCloseSteps(asOf: CivilDate) throws -> [DeadlineStep] {
        guard let first = try firstStatementQuarter() else { return [] }
        return try store.read { r in
            let compensation = CompensationReader(state: ProjectionState(reader: r, origin: ""))
            let (tables, closes) = (try compensation.tables(), try compensation.closes())
            let directions = Set(tables.filter { $0.confirmedAt != nil }.flatMap(\.table.directions).map { [$0.payer, $0.payee] })
                .sorted { $0.lexicographicallyPrecedes($1) }
            let current = Quarter(containing: asOf)
            let closed = Set(closes.map { "\($0.quarter)/\($0.payer)/\($0.payee)" })
            var open: [(quarter: Quarter, direction: [String])] = []
            var q = first
            while q < current {
                for d in directions where !closed.contains("\(q)/\(d[0])/\(d[1])") { open.append((q, d)) }
                q = q.next
            }
            // A step when the statement would hold an item or an adjustment: each manifest counts on its own, so the
            // first candidate (delivered or re-versioned from that quarter on) that gives one settles it.
            return try open.filter { o in
                var found = false
                try compensation.forEachCandidate(from: o.quarter, payer: o.direction[0], payee: o.direction[1], chunk: 64) { m in
                    var builder = StatementBuilder(quarter: o.quarter, payer: o.direction[0], payee: o.direction[1], tables: tables, closes: closes)
                    // A candidate's row names its direction: its generator's and receiver's provinces.
                    builder.add(m, provinces: [m.generator: o.direction[0], m.receiver: o.direction[1]])
                    found = !builder.isEmpty
                    return !found
                }
                return found
            }.map { o in
                DeadlineStep(kind: "compensation.statement.closed", actor: Principal.regulatorID(o.direction[1]), subject: o.quarter.description, due: nil, doneOn: nil)
            }
        }
    }
}
