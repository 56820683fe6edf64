/// Every metric `/metrics` exposes, with its `# HELP` text. The daemon's code records metrics through swift-metrics
/// (`Counter(label:)`, `Gauge(label:)`, `Recorder(label:)`, `Metrics.Timer(label:)`) under these names;
/// ``LedgerMetricsFactory`` attaches the help text. Adding a metric is one line here plus its use.
///
/// Naming (Prometheus conventions, checked by `promtool check metrics` in CI): `hwledger_` prefix, snake case,
/// counters end in `_total`, base units in the name (`_seconds`, `_bytes`), no unit suffix on plain counts.
public enum MetricsCatalogue {
    public static let help: [String: String] = [
        "hwledger_appends_total": "Entries appended through the daemon's group-commit writer.",
        "hwledger_rejections_total": "Submissions refused, by rule id (R-SIG, R-NONCE, R-SCHEMA, ..., MALFORMED, TOO-LARGE, UNSUPPORTED-MEDIA-TYPE, UNAVAILABLE).",
        "hwledger_group_commit_round_items": "Submissions committed per group-commit round (one transaction).",
        "hwledger_writer_queue_depth": "Submissions waiting for the group-commit writer.",
        "hwledger_http_request_duration_seconds": "HTTP request latency by route pattern, method and status.",
        "hwledger_tree_size": "Entries in the log.",
        "hwledger_checkpoint_size": "Tree size of the latest signed checkpoint.",
        "hwledger_checkpoint_age_seconds": "Seconds since the signed checkpoint last advanced (since daemon start if it has not).",
        "hwledger_last_verify_ok": "1 if the last verification run passed, 0 if it failed.",
        "hwledger_last_verify_timestamp_seconds": "Unix time the last verification run finished.",
        "hwledger_last_verify_duration_seconds": "Duration of the last verification run.",
        "hwledger_verified_size": "Tree size up to which the daemon has verified the log.",
        "hwledger_verified_entries_total": "Entries checked in full by verification runs (new entries, full runs and samples).",
        "hwledger_health_status": "1 for the daemon's current /healthz status (ok, degraded, failing), 0 for the others.",
        "hwledger_witness_cosigned_size": "Tree size of the latest checkpoint each witness cosigned.",
        "hwledger_witness_cosigned_timestamp_seconds": "Unix time of each witness's latest cosignature, as the witness stamped it.",
        "hwledger_witness_cosigned_age_seconds": "Seconds since each witness's latest cosignature.",
        "hwledger_witness_split_view": "1 if the witness holds a checkpoint that is not in this log (split view or rollback), else 0.",
        "hwledger_witness_failures_total": "add-checkpoint requests to each witness that did not yield a cosignature.",
        "hwledger_store_free_bytes": "Bytes free for the daemon on the file system holding the ledger database.",
        "hwledger_store_filesystem_bytes": "Size in bytes of the file system holding the ledger database.",
        "hwledger_witnessed_checkpoint_size": "Tree size of the latest checkpoint carrying the witness quorum (the one served and used for receipts).",
    ]
}
