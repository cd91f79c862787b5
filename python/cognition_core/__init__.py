"""cognition_core: verify webhook signatures and parse events, backed by a Rust core.

Verify a Stripe delivery and get its event (pass the raw request body, as bytes)::

    import cognition_core

    try:
        event = cognition_core.construct_event(body, request.headers["Stripe-Signature"], secret)
    except cognition_core.SignatureVerificationError as err:
        return Response(status=400)  # err.code says why, e.g. ErrorCode.SIGNATURE_MISMATCH
    if event.type == "invoice.paid":
        ...

Handle each event exactly once, with retries and a queryable record::

    store = cognition_core.SqliteStore("events.db")
    processor = cognition_core.WebhookProcessor(secret, store=store)

    @processor.on("invoice.paid")
    def invoice_paid(event: cognition_core.Event) -> dict[str, str]:
        ...  # raise to retry later; raise cognition_core.PermanentFailure to give up
        return {"invoice": event.data["object"]["id"]}

    result = processor.process(body, request.headers["Stripe-Signature"])
    return Response(status=result.http_status)  # 409 while another worker holds the event

See which query shapes are slow, how efficient they are and what to do about them, in-process
(like pg_stat_statements, for any database)::

    tracker = cognition_core.QueryTracker(slow_ms=500, on_slow=alert)
    tracker.record(sql, duration_ms, rows_examined=..., rows_returned=cursor.rowcount)
    for stats in tracker.stats()[:10]:
        print(stats.fingerprint, stats.calls, stats.mean_ms, stats.efficiency, stats.normalized)
    for advice in tracker.suggestions():
        print(advice.strategy, advice.reason, advice.statement or "")

Compute MRR, ARR, ARPU, LTV, churn, MRR movements, cohorts and forecasts exactly (``Decimal``
money in minor units, every convention documented)::

    ledger = cognition_core.RevenueLedger.from_csv(
        "subscriptions.csv", reporting_currency="USD", fx_rates={"EUR": Decimal("1.08")}
    )
    ledger.mrr(date(2024, 6, 30))  # Decimal('1234567.5'): cents
    ledger.movements(date(2024, 1, 1), date(2024, 6, 30)).to_pandas()
    ledger.apply_event(stripe_event)  # keep it live from customer.subscription.* webhooks

Gate generated or submitted Python code: syntax, style, annotations, security (Bandit's and
Ruff's S rules) and complexity, with a 0-100 score, SARIF output and safe whitespace fixes::

    report = cognition_core.validate(code, level="strict", filename="plugin.py")
    if not report.passed:
        for issue in report.issues:
            print(issue.line, issue.column, issue.rule, issue.severity, issue.message)
    pathlib.Path("results.sarif").write_text(report.to_sarif())
    reports = cognition_core.validate_paths(["src/"], level="strict")  # every core, GIL released

Secrets may be one ``str`` or a sequence of them (rotation). ``now`` defaults to the system clock
and ``tolerance`` to Stripe's 300 seconds. The interpreter lock is released while hashing, and
every function is safe to call from several threads.
"""

from __future__ import annotations

from ._backend import RecordBackend, RecordDict
from ._context import (
    ContextEntry,
    ContextMemory,
    ContextWindow,
    Finding,
    MaskResult,
    OmittedEntry,
    ScoreParts,
    SearchHit,
    WindowEntry,
    count_tokens,
    mask,
    pack,
)
from ._errors import (
    CognitionError,
    ContextError,
    ErrorCode,
    EventParseError,
    InvalidArgumentError,
    PermanentFailure,
    RevenueError,
    SignatureVerificationError,
    StoreError,
    ValidationInputError,
)
from ._native import (
    DEFAULT_LEASE_MS,
    DEFAULT_TOLERANCE_SECS,
    MAX_HEADER_LEN,
    MAX_KEY_LEN,
    MAX_PAYLOAD_LEN,
    MAX_SECRETS,
    MAX_SOURCE_LEN,
    BackendStore,
    Claim,
    Event,
    Evidence,
    Fingerprint,
    FixResult,
    IdempotencyStore,
    ImportIssue,
    ImportReport,
    LeaseToken,
    MemoryStore,
    Page,
    PathReport,
    ProcessResult,
    QueryStats,
    QueryTracker,
    Record,
    RetryDecision,
    RetryPolicy,
    SqliteStore,
    Stats,
    SuggestConfig,
    Suggestion,
    ValidationIssue,
    ValidationReport,
    WebhookProcessor,
    __version__,
    construct_event,
    fingerprint,
    fix,
    parse_event,
    sign_standard_webhook,
    sign_webhook,
    suggest,
    to_sarif,
    validate,
    validate_paths,
    verify_standard_webhook,
    verify_webhook,
)
from ._revenue import (
    UNBOUNDED,
    Breakdown,
    BreakdownRow,
    ChurnMetrics,
    Cohort,
    CohortTable,
    Discount,
    Forecast,
    ForecastPoint,
    FxRate,
    Ltv,
    MonthMovements,
    Movements,
    MrrSnapshot,
    Ratio,
    RevenueLedger,
    Subscription,
)

__all__ = [
    "DEFAULT_LEASE_MS",
    "DEFAULT_TOLERANCE_SECS",
    "MAX_HEADER_LEN",
    "MAX_KEY_LEN",
    "MAX_PAYLOAD_LEN",
    "MAX_SECRETS",
    "MAX_SOURCE_LEN",
    "UNBOUNDED",
    "BackendStore",
    "Breakdown",
    "BreakdownRow",
    "ChurnMetrics",
    "Claim",
    "CognitionError",
    "Cohort",
    "CohortTable",
    "ContextEntry",
    "ContextError",
    "ContextMemory",
    "ContextWindow",
    "Discount",
    "ErrorCode",
    "Event",
    "EventParseError",
    "Evidence",
    "Finding",
    "Fingerprint",
    "FixResult",
    "Forecast",
    "ForecastPoint",
    "FxRate",
    "IdempotencyStore",
    "ImportIssue",
    "ImportReport",
    "InvalidArgumentError",
    "LeaseToken",
    "Ltv",
    "MaskResult",
    "MemoryStore",
    "MonthMovements",
    "Movements",
    "MrrSnapshot",
    "OmittedEntry",
    "Page",
    "PathReport",
    "PermanentFailure",
    "ProcessResult",
    "QueryStats",
    "QueryTracker",
    "Ratio",
    "Record",
    "RecordBackend",
    "RecordDict",
    "RetryDecision",
    "RetryPolicy",
    "RevenueError",
    "RevenueLedger",
    "ScoreParts",
    "SearchHit",
    "SignatureVerificationError",
    "SqliteStore",
    "Stats",
    "StoreError",
    "Subscription",
    "SuggestConfig",
    "Suggestion",
    "ValidationInputError",
    "ValidationIssue",
    "ValidationReport",
    "WebhookProcessor",
    "WindowEntry",
    "__version__",
    "construct_event",
    "count_tokens",
    "fingerprint",
    "fix",
    "mask",
    "pack",
    "parse_event",
    "sign_standard_webhook",
    "sign_webhook",
    "suggest",
    "to_sarif",
    "validate",
    "validate_paths",
    "verify_standard_webhook",
    "verify_webhook",
]
