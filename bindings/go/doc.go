// Package cognition is the Go face of cognition-core: Stripe and Standard Webhooks signature
// verification, typed billing events, exactly-once processing, query-efficiency statistics,
// revenue analytics, LLM context memory and Python code validation, computed by the Rust core
// through its C ABI (include/cognition.h) and linked statically, so a Go service ships one
// binary.
//
// # Building
//
// The package links target/release/libcognition.a from the repository root; build it first:
//
//	cargo build --release -p cognition-ffi   # or: make ffi-lib
//	cd bindings/go && CGO_ENABLED=1 go test ./...
//
// # Verifying a delivery
//
// [VerifyWebhook] checks a Stripe-Signature header (Stripe's "t=…,v1=…" scheme) against the raw
// request body under one or more secrets (several during a rotation) and returns the signed
// time. [ConstructEvent] verifies and then parses the envelope into an [Event].
// [VerifyStandardWebhook] and [SignStandardWebhook] implement the Standard Webhooks
// specification (webhook-id, webhook-timestamp and webhook-signature headers). The default
// tolerance is 300 seconds, as in Stripe's libraries; see [WithTolerance] and [WithNow].
//
// Always verify the raw body bytes exactly as received: re-encoded JSON will not match.
//
// # Exactly-once processing
//
// A [Store] ([NewMemoryStore], [OpenSqliteStore]) keeps one record per event id or API
// Idempotency-Key: claims with expiring leases and fencing tokens ([Store.Claim],
// [Store.Complete], [Store.Fail]), retries scheduled by a [RetryPolicy], dead-lettering,
// queries ([Store.List], [Store.Stats]) and purging. A [Processor] ([NewProcessor]) ties it to
// webhook verification: register a [HandlerFunc] per event type with [Processor.On], pass each
// delivery to [Processor.Process], and call [Processor.RetryDue] from your own scheduler. A
// duplicate delivery returns the stored result without calling the handler again. Handler errors
// are retried unless wrapped with [Permanent]; panics are recovered and retried.
//
// # Query statistics
//
// [Fingerprint] groups SQL statements by shape the way pt-fingerprint and pg_stat_statements do
// (literals and parameters become ?, a stable 64-bit id, pt-query-digest's Query ID). A
// [QueryTracker] ([NewQueryTracker]) records every executed statement ([QueryTracker.Record])
// from many goroutines with bounded memory, and reports per-fingerprint [QueryStats] (calls,
// times, percentiles, rows, the efficiency score), the slow ones (optionally with a [WithOnSlow]
// callback) and [Suggestion]s (index hints with the CREATE INDEX statement, rewrites, caching…).
// Snapshots merge across processes ([QueryTracker.Snapshot], [QueryTracker.Merge]);
// [QueryTracker.LoadMySQLSlowLog] and [QueryTracker.LoadPgStatStatements] import what a database
// already logged.
//
// # Revenue analytics
//
// A [RevenueLedger] ([NewRevenueLedger]) loads subscriptions from Go structs or JSON
// ([RevenueLedger.AddSubscriptions]), Stripe Subscription objects ([RevenueLedger.AddStripe]),
// CSV ([RevenueLedger.LoadCSV], [RevenueLedger.LoadCSVFile]) and verified subscription events
// ([RevenueLedger.ApplyEvent]), and computes a [RevenueReport] as of a day: MRR, ARR, ARPU,
// movements, churn, NRR/GRR, LTV, cohorts, a forecast and breakdowns by tier, plan and currency.
// Money is exact: amounts are [Decimal] strings in minor units, never float64.
//
// # Context memory
//
// [CountTokens] counts tokens exactly as OpenAI's tiktoken does (o200k_base, cl100k_base). A
// [ContextMemory] ([NewContextMemory]) keeps per-tenant tiered entries with secrets and personal
// data masked on insert ([ContextMemory.Add]) and packs the best of them for a query into an
// exact token budget ([ContextMemory.BuildWindow]), CRITICAL entries always in.
//
// # Code validation
//
// [Validate] checks Python source (generated code, plugins, notebooks) with Ruff's
// parser and rules users of Ruff and Bandit know, at a [Level]: syntax as CPython 3 compiles it,
// style and annotations, security and complexity, and at [LevelParanoid] the code's own pytest
// tests in a sandboxed subprocess ([WithTests]). The [ValidationReport] has every finding with
// its stable rule code, [Severity] and 1-based range, a 0–100 score and the verdict.
// [ValidateSARIF] returns the SARIF 2.1.0 log, [Fix] applies the safe whitespace fixes, and
// [ValidatePaths] validates files and directories in parallel.
//
// # Errors
//
// Every failure is a *[Error] carrying a stable [ErrorCode] (the numbers of cog_status, shared
// with the Rust, C and Python faces) and a message that says what was wrong. Messages never
// contain secrets. Compare with the sentinels:
//
//	if errors.Is(err, cognition.ErrSignatureMismatch) { ... }
//
// or read the code with errors.As:
//
//	var cerr *cognition.Error
//	if errors.As(err, &cerr) { log.Print(cerr.Code) }
//
// # Concurrency
//
// Every function is safe to call from many goroutines at once. Results are plain Go values
// that hold no C memory. [Store], [Processor], [QueryTracker], [RevenueLedger] and
// [ContextMemory] hold library handles: call Close
// when done (a finalizer is only a fallback); all are safe for concurrent use.
package cognition
