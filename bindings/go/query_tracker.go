package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// QueryStats is the running summary of one query shape (fingerprint). Durations are nanosecond
// precise; percentiles come from a mergeable histogram and are within 1 % of the true value.
type QueryStats struct {
	ID           string // fingerprint id, 16 hex digits
	Normalized   string
	Kind         QueryKind
	Calls        uint64
	Total        time.Duration
	Min          time.Duration
	Max          time.Duration
	Mean         time.Duration
	Stddev       time.Duration
	P50          time.Duration
	P95          time.Duration
	P99          time.Duration
	RowsExamined uint64 // summed over all calls; 0 when the engine did not report them
	RowsReturned uint64
	CacheHits    uint64
	CacheMisses  uint64
	FirstSeen    time.Time // UTC
	LastSeen     time.Time // UTC
	// Example is the slowest statement seen (the normalised text when examples are masked).
	Example         string
	ExampleDuration time.Duration
	// Efficiency is (RowsReturned / RowsExamined) × 1 / (1 + mean_ms / 100), capped at 1; the row
	// ratio counts as 1 when no rows were examined.
	Efficiency float64
	// IsSlow is true when the tracker's slow rule holds (mean over the threshold, enough calls).
	IsSlow bool
}

type queryStatsJSON struct {
	ID           string    `json:"id"`
	Normalized   string    `json:"normalized"`
	Kind         QueryKind `json:"kind"`
	Calls        uint64    `json:"calls"`
	TotalMs      float64   `json:"total_ms"`
	MinMs        float64   `json:"min_ms"`
	MaxMs        float64   `json:"max_ms"`
	MeanMs       float64   `json:"mean_ms"`
	StddevMs     float64   `json:"stddev_ms"`
	P50Ms        float64   `json:"p50_ms"`
	P95Ms        float64   `json:"p95_ms"`
	P99Ms        float64   `json:"p99_ms"`
	RowsExamined uint64    `json:"rows_examined"`
	RowsReturned uint64    `json:"rows_returned"`
	CacheHits    uint64    `json:"cache_hits"`
	CacheMisses  uint64    `json:"cache_misses"`
	FirstSeenMs  int64     `json:"first_seen_ms"`
	LastSeenMs   int64     `json:"last_seen_ms"`
	Example      string    `json:"example"`
	ExampleMs    float64   `json:"example_ms"`
	Efficiency   float64   `json:"efficiency"`
	IsSlow       bool      `json:"is_slow"`
}

func (s queryStatsJSON) stats() QueryStats {
	return QueryStats{
		ID: s.ID, Normalized: s.Normalized, Kind: s.Kind, Calls: s.Calls,
		Total: duration(s.TotalMs), Min: duration(s.MinMs), Max: duration(s.MaxMs), Mean: duration(s.MeanMs),
		Stddev: duration(s.StddevMs), P50: duration(s.P50Ms), P95: duration(s.P95Ms), P99: duration(s.P99Ms),
		RowsExamined: s.RowsExamined, RowsReturned: s.RowsReturned, CacheHits: s.CacheHits,
		CacheMisses: s.CacheMisses, FirstSeen: time.UnixMilli(s.FirstSeenMs).UTC(),
		LastSeen: time.UnixMilli(s.LastSeenMs).UTC(), Example: s.Example,
		ExampleDuration: duration(s.ExampleMs), Efficiency: s.Efficiency, IsSlow: s.IsSlow,
	}
}

func statsFrom(raw []byte) ([]QueryStats, error) {
	var sj []queryStatsJSON
	if err := decode(raw, "query stats JSON", &sj); err != nil {
		return nil, err
	}
	out := make([]QueryStats, len(sj))
	for i, s := range sj {
		out[i] = s.stats()
	}
	return out, nil
}

// QueryTrackerOption adjusts a [QueryTracker].
type QueryTrackerOption func(*trackerOptions)

type trackerOptions struct {
	fields map[string]any
	onSlow func(QueryStats)
}

func (o *trackerOptions) set(name string, value any) { o.fields[name] = value }

// WithMaxFingerprints bounds the fingerprints kept (default 5000, like pg_stat_statements.max);
// past it the one with the least total time is evicted. Less than 1 is [CodeInvalidArgument].
func WithMaxFingerprints(n int) QueryTrackerOption {
	return func(o *trackerOptions) { o.set("max_fingerprints", n) }
}

// WithSlowThreshold sets the mean above which a fingerprint is slow (default 1 s).
func WithSlowThreshold(d time.Duration) QueryTrackerOption {
	return func(o *trackerOptions) { o.set("slow_ms", millis(d)) }
}

// WithSlowMinCalls sets how many calls a fingerprint needs before it can be slow (default 10).
func WithSlowMinCalls(n uint64) QueryTrackerOption {
	return func(o *trackerOptions) { o.set("slow_min_calls", n) }
}

// WithSlowP95 also calls a fingerprint slow when its p95 exceeds d (default: mean only).
func WithSlowP95(d time.Duration) QueryTrackerOption {
	return func(o *trackerOptions) { o.set("slow_p95_ms", millis(d)) }
}

// WithMaskedExamples keeps the normalised text as each fingerprint's example instead of the
// slowest real statement, so the tracker holds no user data (default false).
func WithMaskedExamples(mask bool) QueryTrackerOption {
	return func(o *trackerOptions) { o.set("mask_examples", mask) }
}

// WithShards sets how many independently locked maps the tracker uses (1–256, default 16).
func WithShards(n int) QueryTrackerOption {
	return func(o *trackerOptions) { o.set("shards", n) }
}

// WithSuggestConfig sets the thresholds [QueryTracker.Suggestions] uses (default
// [DefaultSuggestConfig]).
func WithSuggestConfig(c SuggestConfig) QueryTrackerOption {
	return func(o *trackerOptions) { o.set("suggest", c.json()) }
}

// WithOnSlow calls f once per fingerprint when it becomes slow, with its statistics at that
// moment. f runs on the goroutine that recorded (or merged, or loaded), inside that call; it may
// read the tracker but must not Close it. A panic in f is recovered and ignored.
func WithOnSlow(f func(QueryStats)) QueryTrackerOption {
	return func(o *trackerOptions) { o.onSlow = f }
}

// QueryTracker keeps per-fingerprint statistics of executed statements, like pg_stat_statements
// inside the application: record every statement, then read the top fingerprints, the slow ones
// and advice.
//
// A QueryTracker is safe for concurrent use by many goroutines; recording is sharded. Call Close
// when done; a finalizer closes a forgotten tracker.
type QueryTracker struct {
	mu     sync.RWMutex
	ptr    *C.cog_query_tracker
	onSlow cgo.Handle
}

// NewQueryTracker returns an empty tracker. Errors: [CodeInvalidArgument] for an option out of
// range.
func NewQueryTracker(opts ...QueryTrackerOption) (*QueryTracker, error) {
	o := trackerOptions{fields: map[string]any{}}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	options, err := json.Marshal(o.fields)
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "tracker options: " + err.Error()}
	}
	var h cgo.Handle
	if o.onSlow != nil {
		h = cgo.NewHandle(o.onSlow)
	}
	var ptr *C.cog_query_tracker
	err = call(func() C.cog_status { return newTracker(options, h, &ptr) })
	runtime.KeepAlive(options)
	if err != nil {
		if h != 0 {
			h.Delete()
		}
		return nil, err
	}
	t := &QueryTracker{ptr: ptr, onSlow: h}
	runtime.SetFinalizer(t, (*QueryTracker).Close)
	return t, nil
}

// Close releases the tracker. Further calls return an error with [CodeInvalidState]. Closing
// twice is fine.
func (t *QueryTracker) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ptr != nil {
		C.cog_query_tracker_free(t.ptr)
		t.ptr = nil
		if t.onSlow != 0 {
			t.onSlow.Delete()
			t.onSlow = 0
		}
		runtime.SetFinalizer(t, nil)
	}
	return nil
}

// with runs f with the live handle under the read lock.
func (t *QueryTracker) with(f func(*C.cog_query_tracker) C.cog_status) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.ptr == nil {
		return errClosed("query tracker")
	}
	err := call(func() C.cog_status { return f(t.ptr) })
	runtime.KeepAlive(t)
	return err
}

// withJSON runs a call that writes a JSON string and returns its bytes.
func (t *QueryTracker) withJSON(f func(*C.cog_query_tracker, *C.cog_string) C.cog_status) ([]byte, error) {
	var out C.cog_string
	if err := t.with(func(p *C.cog_query_tracker) C.cog_status { return f(p, &out) }); err != nil {
		return nil, err
	}
	return takeBytes(&out), nil
}

// CacheResult says whether an execution was served from a cache.
type CacheResult int8

// The cache results.
const (
	CacheUnknown CacheResult = iota // no cache involved, or not known (counts as neither)
	CacheMiss
	CacheHit
)

// c returns the C ABI's tri-state: -1 unknown, 0 miss, 1 hit; anything else is passed through
// out of range so that the library rejects it.
func (r CacheResult) c() C.int32_t {
	switch r {
	case CacheUnknown:
		return -1
	case CacheMiss:
		return 0
	case CacheHit:
		return 1
	}
	return C.int32_t(r) + 100
}

// QueryExecution is one executed statement, for [QueryTracker.RecordExecution].
type QueryExecution struct {
	SQL          string
	Duration     time.Duration // ≥ 0; over one day counts as one day
	RowsExamined uint64        // 0 when unknown
	RowsReturned uint64
	Cache        CacheResult // zero: CacheUnknown
	At           time.Time   // zero: time.Now()
}

// Record records one execution of sql, now, with no cache involved. Errors: [CodeInvalidUTF8],
// [CodeInvalidArgument] (a negative duration); nothing is recorded then.
func (t *QueryTracker) Record(sql string, d time.Duration, rowsExamined, rowsReturned uint64) error {
	return t.RecordExecution(QueryExecution{SQL: sql, Duration: d, RowsExamined: rowsExamined,
		RowsReturned: rowsReturned})
}

// RecordExecution records one execution. Errors: as [QueryTracker.Record], and
// [CodeInvalidArgument] for a Cache value other than the three constants.
func (t *QueryTracker) RecordExecution(e QueryExecution) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	err := t.with(func(p *C.cog_query_tracker) C.cog_status {
		s, n := strIn(e.SQL)
		return C.cog_query_tracker_record(p, s, n, C.double(millis(e.Duration)), C.uint64_t(e.RowsExamined),
			C.uint64_t(e.RowsReturned), e.Cache.c(), C.int64_t(at.UnixMilli()))
	})
	runtime.KeepAlive(e.SQL)
	return err
}

// Stats returns every fingerprint's statistics, by total time descending.
func (t *QueryTracker) Stats() ([]QueryStats, error) {
	raw, err := t.withJSON(func(p *C.cog_query_tracker, out *C.cog_string) C.cog_status {
		return C.cog_query_tracker_stats_json(p, out)
	})
	if err != nil {
		return nil, err
	}
	return statsFrom(raw)
}

// SlowQueries returns the slow fingerprints, by total time descending.
func (t *QueryTracker) SlowQueries() ([]QueryStats, error) {
	raw, err := t.withJSON(func(p *C.cog_query_tracker, out *C.cog_string) C.cog_status {
		return C.cog_query_tracker_slow_queries_json(p, out)
	})
	if err != nil {
		return nil, err
	}
	return statsFrom(raw)
}

// Suggestions returns advice for every tracked fingerprint (its example statement analysed, its
// statistics as the evidence), fingerprints by total time descending.
func (t *QueryTracker) Suggestions() ([]Suggestion, error) {
	raw, err := t.withJSON(func(p *C.cog_query_tracker, out *C.cog_string) C.cog_status {
		return C.cog_query_tracker_suggestions_json(p, out)
	})
	if err != nil {
		return nil, err
	}
	return suggestionsFrom(raw)
}

// Snapshot returns the statistics as versioned JSON, for export or for [QueryTracker.Merge] in
// another process.
func (t *QueryTracker) Snapshot() ([]byte, error) {
	return t.withJSON(func(p *C.cog_query_tracker, out *C.cog_string) C.cog_status {
		return C.cog_query_tracker_snapshot_json(p, out)
	})
}

// Merge folds a snapshot from any tracker into this one, as if its executions had been recorded
// here: exact for counts, sums, min, max, rows, cache counters and first/last seen; percentiles
// merge at histogram resolution. Errors: [CodeInvalidArgument] (not a snapshot, another format
// version, inconsistent figures), [CodeInvalidUTF8]; nothing is merged then.
func (t *QueryTracker) Merge(snapshot []byte) error {
	err := t.with(func(p *C.cog_query_tracker) C.cog_status {
		s, n := bytesIn(snapshot)
		return C.cog_query_tracker_merge_json(p, s, n)
	})
	runtime.KeepAlive(snapshot)
	return err
}

// Reset forgets every fingerprint and zeroes the eviction count.
func (t *QueryTracker) Reset() error {
	return t.with(func(p *C.cog_query_tracker) C.cog_status { return C.cog_query_tracker_reset(p) })
}

// Len returns the number of fingerprints tracked and how many were evicted to stay within the
// bound (plus those of merged snapshots).
func (t *QueryTracker) Len() (fingerprints int, evictions uint64, err error) {
	var n C.size_t
	var e C.uint64_t
	err = t.with(func(p *C.cog_query_tracker) C.cog_status { return C.cog_query_tracker_counts(p, &n, &e) })
	return int(n), uint64(e), err
}

// ImportError is an entry of an imported file that was not recorded, and why.
type ImportError struct {
	Line    int    `json:"line"` // 1-based
	Message string `json:"message"`
}

// ImportReport says what an import recorded and which entries it could not read.
type ImportReport struct {
	Imported int           `json:"imported"` // entries (slow log) or rows (pg_stat_statements) recorded
	Calls    uint64        `json:"calls"`    // executions they stand for
	Errors   []ImportError `json:"errors"`
	Summary  string        `json:"summary"` // one line for a log
}

// LoadMySQLSlowLog records every entry of a MySQL slow query log file (MySQL, Percona Server,
// MariaDB; log_output = FILE). Malformed entries are not skipped silently: the report lists them
// by line. Entries without a timestamp count as seen now. Errors: [CodeInvalidArgument] (the
// file cannot be opened or read; nothing is recorded then).
func (t *QueryTracker) LoadMySQLSlowLog(path string) (*ImportReport, error) {
	return t.load(path, func(p *C.cog_query_tracker, s *C.uint8_t, n C.size_t, now C.int64_t, out *C.cog_string) C.cog_status {
		return C.cog_query_tracker_load_mysql_slow_log(p, s, n, now, out)
	})
}

// LoadPgStatStatements records every row of a pg_stat_statements CSV export (\copy (select *
// from pg_stat_statements) to 'stats.csv' csv header). Errors: as [QueryTracker.LoadMySQLSlowLog],
// and [CodeInvalidArgument] when the header names no query column.
func (t *QueryTracker) LoadPgStatStatements(path string) (*ImportReport, error) {
	return t.load(path, func(p *C.cog_query_tracker, s *C.uint8_t, n C.size_t, now C.int64_t, out *C.cog_string) C.cog_status {
		return C.cog_query_tracker_load_pg_stat_statements(p, s, n, now, out)
	})
}

func (t *QueryTracker) load(path string, f func(*C.cog_query_tracker, *C.uint8_t, C.size_t, C.int64_t, *C.cog_string) C.cog_status) (*ImportReport, error) {
	now := C.int64_t(time.Now().UnixMilli())
	raw, err := t.withJSON(func(p *C.cog_query_tracker, out *C.cog_string) C.cog_status {
		s, n := strIn(path)
		return f(p, s, n, now, out)
	})
	runtime.KeepAlive(path)
	if err != nil {
		return nil, err
	}
	var report ImportReport
	if err := decode(raw, "import report JSON", &report); err != nil {
		return nil, err
	}
	return &report, nil
}

// cogGoSlowQuery is the cog_query_slow_fn behind every Go on-slow callback (reached through the C
// trampoline in query_shim.go); handle is the cgo.Handle of the func.
//
//export cogGoSlowQuery
func cogGoSlowQuery(handle C.uintptr_t, statsJSON *C.uint8_t, n C.size_t) {
	defer func() { _ = recover() }()
	f, ok := cgo.Handle(handle).Value().(func(QueryStats))
	if !ok {
		return
	}
	var s queryStatsJSON
	if json.Unmarshal(C.GoBytes(unsafe.Pointer(statsJSON), C.int(n)), &s) != nil {
		return
	}
	f(s.stats())
}
