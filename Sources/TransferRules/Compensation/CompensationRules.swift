/// Reads of the compensation records.
public protocol CompensationState {
    func rateTable(_ id: String) throws -> RateTableRecord?
    func closedStatement(quarter: Quarter, payer: String, payee: String) throws -> ClosedStatementRecord?
}

extension RegimeContext {
    /// `compensation.rates.published`: by a regulator; its directions run between provinces of this ledger.
    public func check(_ e: RatesPublished, actor: String, state: some TransferState & CompensationState) throws {
        for key in e.methodPermille.keys.sorted() where !key.hasSuffix("*") {
            try checkMethod(key, field: "body.methodPermille.\(key)")
        }
        for (i, d) in e.directions.enumerated() {
            for (field, province) in [("payer", d.payer), ("payee", d.payee)] where try state.regulator(Principal.regulatorID(province)) == nil {
                throw RuleViolation(.notFound, "body.directions[\(i)].\(field) \(province) has no regulator in this ledger")
            }
        }
        _ = try regulator(actor, state: state, event: "compensation.rates.published")
        if try state.rateTable(e.rateTableId) != nil {
            throw RuleViolation(.duplicate, "rate table \(e.rateTableId) already exists")
        }
    }

    /// `compensation.rates.confirmed`: by the other regulator, once.
    public func checkConfirmation(rateTableId: String, actor: String, state: some TransferState & CompensationState) throws {
        guard let t = try state.rateTable(rateTableId) else { throw RuleViolation(.notFound, "rate table \(rateTableId) does not exist") }
        _ = try regulator(actor, state: state, event: "compensation.rates.confirmed")
        guard actor != t.publishedBy else {
            throw RuleViolation(.auth, "\(actor) published rate table \(rateTableId); only the other regulator may confirm it")
        }
        if let by = t.confirmedBy { throw RuleViolation(.state, "rate table \(rateTableId) was already confirmed by \(by)") }
    }

    /// `compensation.statement.closed`, before the statement itself is recomputed (R-STATEMENT is judged above).
    public func checkClose(_ e: StatementClosed, actor: String, state: some TransferState & CompensationState) throws {
        guard actor == Principal.regulatorID(e.payee) else {
            throw RuleViolation(.auth, "only the payee's regulator REG-\(e.payee) may close this statement, not \(actor)")
        }
        if let closed = try state.closedStatement(quarter: e.quarter, payer: e.payer, payee: e.payee) {
            throw RuleViolation(.state, "the \(e.quarter) statement \(e.payer) → \(e.payee) was already closed at entry \(closed.closedAt)")
        }

    }

    /// Closing is irreversible: a quarter that has not ended by `today` (the ledger clock's date in Asia/Shanghai)
    /// is R-STATE. Judged after R-STATEMENT, so a close that was refused before is refused for the same reason.
    public func checkQuarterEnded(_ e: StatementClosed, today: CivilDate) throws {
        guard e.quarter < Quarter(containing: today) else {
            throw RuleViolation(
                .state, "quarter \(e.quarter) has not ended (today is \(today) in Asia/Shanghai); its statement can be closed from \(e.quarter.next.firstDay)")
        }
    }
}
