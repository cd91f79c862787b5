package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"math"
	"runtime"
	"time"
)

// QueryKind is the type of a SQL statement.
type QueryKind string

// The statement kinds.
const (
	QueryKindSelect    QueryKind = "SELECT"    // a single-table SELECT
	QueryKindJoin      QueryKind = "JOIN"      // a SELECT over several tables
	QueryKindAggregate QueryKind = "AGGREGATE" // COUNT/SUM/AVG/MIN/MAX or GROUP BY
	QueryKindInsert    QueryKind = "INSERT"    // INSERT or REPLACE
	QueryKindUpdate    QueryKind = "UPDATE"
	QueryKindDelete    QueryKind = "DELETE"
	QueryKindDDL       QueryKind = "DDL"   // CREATE, ALTER, DROP, TRUNCATE, RENAME
	QueryKindOther     QueryKind = "OTHER" // SHOW, SET, transactions, unrecognised input
)

// QueryFingerprint is the shape of a SQL statement: literals and bind parameters replaced by ?,
// comments dropped, case and spacing made canonical (like pt-fingerprint and
// pg_stat_statements).
type QueryFingerprint struct {
	// ID is the stable 64-bit fingerprint id as 16 lower-case hex digits: the first 8 bytes of
	// SHA-256 of Normalized, the same on every platform, version and face.
	ID string `json:"id"`
	// Normalized is the normalised statement text.
	Normalized string `json:"normalized"`
	// Kind is the statement type.
	Kind QueryKind `json:"kind"`
	// QueryID is pt-query-digest's Query ID of the statement ("0x" + 32 upper-case hex digits),
	// so reports line up with the tool DBAs already run.
	QueryID string `json:"query_id"`
}

// Fingerprint fingerprints a SQL statement. Any text gets a fingerprint (other dialects, garbage,
// truncated or megabyte statements); the only error is [CodeInvalidUTF8] for a string that is
// not valid UTF-8.
func Fingerprint(sql string) (QueryFingerprint, error) {
	var out C.cog_string
	err := call(func() C.cog_status {
		s, n := strIn(sql)
		return C.cog_fingerprint(s, n, &out)
	})
	runtime.KeepAlive(sql)
	if err != nil {
		return QueryFingerprint{}, err
	}
	var fp QueryFingerprint
	if err := decode(takeBytes(&out), "fingerprint JSON", &fp); err != nil {
		return QueryFingerprint{}, err
	}
	return fp, nil
}

// FingerprintID returns the 64-bit fingerprint id of sql (the number [QueryFingerprint].ID
// spells in hex) without building the rest of the fingerprint. Errors: [CodeInvalidUTF8].
func FingerprintID(sql string) (uint64, error) {
	var id C.uint64_t
	err := call(func() C.cog_status {
		s, n := strIn(sql)
		return C.cog_fingerprint_id(s, n, &id)
	})
	runtime.KeepAlive(sql)
	return uint64(id), err
}

// Strategy is the kind of optimisation advice.
type Strategy string

// The strategies, in the order suggestions for one fingerprint are listed.
const (
	StrategyIndexHint         Strategy = "INDEX_HINT"         // Statement holds the CREATE INDEX
	StrategyQueryRewrite      Strategy = "QUERY_REWRITE"      // Reason says what to rewrite and how
	StrategyMaterializedView  Strategy = "MATERIALIZED_VIEW"  // precompute a frequent heavy aggregate
	StrategyPartitionPruning  Strategy = "PARTITION_PRUNING"  // partition by the filtered time column
	StrategyParallelExecution Strategy = "PARALLEL_EXECUTION" // scan a very large aggregate in parallel
	StrategyCacheResult       Strategy = "CACHE_RESULT"       // cache the result in the application
)

// Evidence is what was measured for one fingerprint; row counts are totals over all calls.
type Evidence struct {
	Calls        uint64
	Mean         time.Duration
	P95          time.Duration
	RowsExamined uint64
	RowsReturned uint64
	Efficiency   float64 // 0..1
}

type evidenceJSON struct {
	Calls        uint64  `json:"calls"`
	MeanMs       float64 `json:"mean_ms"`
	P95Ms        float64 `json:"p95_ms"`
	RowsExamined uint64  `json:"rows_examined"`
	RowsReturned uint64  `json:"rows_returned"`
	Efficiency   float64 `json:"efficiency"`
}

func (e Evidence) json() evidenceJSON {
	return evidenceJSON{e.Calls, millis(e.Mean), millis(e.P95), e.RowsExamined, e.RowsReturned, e.Efficiency}
}

func (e evidenceJSON) evidence() Evidence {
	return Evidence{e.Calls, duration(e.MeanMs), duration(e.P95Ms), e.RowsExamined, e.RowsReturned, e.Efficiency}
}

// Suggestion is one piece of advice, with the numbers it was based on.
type Suggestion struct {
	Strategy    Strategy
	Fingerprint string   // the fingerprint id it is about (16 hex digits)
	Table       string   // the table it concerns; "" when none
	Columns     []string // the columns it concerns (the index columns, in order, for an index hint)
	Reason      string   // why, in words, ending with the evidence numbers
	Evidence    Evidence
	Statement   string  // for StrategyIndexHint: CREATE INDEX … ON table (…); "" otherwise
	Confidence  float64 // 0..1
}

type suggestionJSON struct {
	Strategy    Strategy     `json:"strategy"`
	Fingerprint string       `json:"fingerprint"`
	Table       *string      `json:"table"`
	Columns     []string     `json:"columns"`
	Reason      string       `json:"reason"`
	Evidence    evidenceJSON `json:"evidence"`
	Statement   *string      `json:"statement"`
	Confidence  float64      `json:"confidence"`
}

func suggestionsFrom(raw []byte) ([]Suggestion, error) {
	var sj []suggestionJSON
	if err := decode(raw, "suggestions JSON", &sj); err != nil {
		return nil, err
	}
	out := make([]Suggestion, len(sj))
	for i, s := range sj {
		out[i] = Suggestion{
			Strategy: s.Strategy, Fingerprint: s.Fingerprint, Table: deref(s.Table), Columns: s.Columns,
			Reason: s.Reason, Evidence: s.Evidence.evidence(), Statement: deref(s.Statement),
			Confidence: s.Confidence,
		}
	}
	return out, nil
}

// SuggestConfig holds the thresholds of the advice rules. Start from [DefaultSuggestConfig].
type SuggestConfig struct {
	IndexMinCalls     uint64        // index hints need this many calls; default 10
	LowEfficiency     float64       // …and an efficiency below this (0..1); default 0.2
	RewriteMinCalls   uint64        // query rewrites need this many calls; default 1
	LargeOffset       uint64        // an OFFSET at or above this is large pagination; default 1000
	AggregateMinCalls uint64        // materialised views need this many calls; default 100
	AggregateMinRows  uint64        // …this many rows examined per call; default 100000
	AggregateMinMean  time.Duration // …and this mean time; default 100 ms
	LargeScanRows     uint64        // a very large scan examines this many rows per call; default 1000000
	CacheMinCalls     uint64        // result caching needs this many calls; default 1000
	CacheMaxRows      uint64        // …and at most this many rows returned per call; default 100
}

type suggestConfigJSON struct {
	IndexMinCalls      uint64  `json:"index_min_calls"`
	LowEfficiency      float64 `json:"low_efficiency"`
	RewriteMinCalls    uint64  `json:"rewrite_min_calls"`
	LargeOffset        uint64  `json:"large_offset"`
	AggregateMinCalls  uint64  `json:"aggregate_min_calls"`
	AggregateMinRows   uint64  `json:"aggregate_min_rows"`
	AggregateMinMeanMs float64 `json:"aggregate_min_mean_ms"`
	LargeScanRows      uint64  `json:"large_scan_rows"`
	CacheMinCalls      uint64  `json:"cache_min_calls"`
	CacheMaxRows       uint64  `json:"cache_max_rows"`
}

func (c SuggestConfig) json() suggestConfigJSON {
	return suggestConfigJSON{c.IndexMinCalls, c.LowEfficiency, c.RewriteMinCalls, c.LargeOffset,
		c.AggregateMinCalls, c.AggregateMinRows, millis(c.AggregateMinMean), c.LargeScanRows,
		c.CacheMinCalls, c.CacheMaxRows}
}

// DefaultSuggestConfig returns the library's documented thresholds.
func DefaultSuggestConfig() SuggestConfig {
	var out C.cog_string
	if err := call(func() C.cog_status { return C.cog_query_tracker_default_options_json(&out) }); err != nil {
		panic("cognition: the library's default query options are unavailable: " + err.Error())
	}
	var defaults struct {
		Suggest suggestConfigJSON `json:"suggest"`
	}
	if err := json.Unmarshal(takeBytes(&out), &defaults); err != nil {
		panic("cognition: the library's default query options are not JSON: " + err.Error())
	}
	s := defaults.Suggest
	return SuggestConfig{s.IndexMinCalls, s.LowEfficiency, s.RewriteMinCalls, s.LargeOffset,
		s.AggregateMinCalls, s.AggregateMinRows, duration(s.AggregateMinMeanMs), s.LargeScanRows,
		s.CacheMinCalls, s.CacheMaxRows}
}

// Suggest returns advice for one statement given what was measured for it, without a tracker
// ([QueryTracker.Suggestions] does it for every tracked fingerprint). config nil means
// [DefaultSuggestConfig]. Errors: [CodeInvalidUTF8], [CodeInvalidArgument] (a negative duration,
// an efficiency or LowEfficiency outside 0..1).
func Suggest(sql string, evidence Evidence, config *SuggestConfig) ([]Suggestion, error) {
	ev, err := json.Marshal(evidence.json())
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "evidence: " + err.Error()}
	}
	var cfg []byte
	if config != nil {
		if cfg, err = json.Marshal(config.json()); err != nil {
			return nil, &Error{Code: CodeInvalidArgument, Message: "suggest config: " + err.Error()}
		}
	}
	var out C.cog_string
	err = call(func() C.cog_status {
		s, sn := strIn(sql)
		e, en := bytesIn(ev)
		c, cn := bytesIn(cfg)
		return C.cog_query_suggest(s, sn, e, en, c, cn, &out)
	})
	runtime.KeepAlive(sql)
	runtime.KeepAlive(ev)
	runtime.KeepAlive(cfg)
	if err != nil {
		return nil, err
	}
	return suggestionsFrom(takeBytes(&out))
}

// millis converts a duration to (fractional) milliseconds.
func millis(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

// duration converts (fractional) milliseconds to a duration, rounded to the nanosecond and
// saturating at the Duration range.
func duration(ms float64) time.Duration {
	ns := math.Round(ms * float64(time.Millisecond))
	switch {
	case ns >= math.MaxInt64:
		return math.MaxInt64
	case ns <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(ns)
}
