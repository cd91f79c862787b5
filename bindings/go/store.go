package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"math"
	"runtime"
	"sync"
	"time"
)

// Status is where an idempotency record is in its life: pending → processing → processed |
// ignored, or processing → retrying → processing …, ending in dead (after the retry policy's last
// attempt) or failed (a permanent failure). Dead and failed records come back only by [Store.Requeue].
type Status string

// The record statuses.
const (
	StatusPending    Status = "pending"
	StatusProcessing Status = "processing"
	StatusProcessed  Status = "processed"
	StatusFailed     Status = "failed"
	StatusRetrying   Status = "retrying"
	StatusDead       Status = "dead"
	StatusIgnored    Status = "ignored"
)

// RetryPolicy is exponential backoff with full jitter: the delay after failed attempt n is at
// most min(MaxDelay, InitialDelay × Factor^(n-1)), drawn uniformly below that when Jitter is
// true (deterministically from Seed, the key and the attempt). After MaxAttempts attempts the
// record is dead-lettered. Start from [DefaultRetryPolicy]. Delays count whole milliseconds.
type RetryPolicy struct {
	InitialDelay time.Duration // > 0; default 1 s
	Factor       float64       // finite, ≥ 1; default 2
	MaxDelay     time.Duration // > 0; default 1 h
	MaxAttempts  uint32        // ≥ 1 (1 = no retry); default 5
	Seed         uint64        // default 0
	Jitter       bool          // default true
}

// DefaultRetryPolicy returns the documented defaults: 1 s, factor 2, 1 h cap, 5 attempts, seed
// 0, jitter on.
func DefaultRetryPolicy() RetryPolicy {
	p := C.cog_retry_policy_default()
	return RetryPolicy{
		InitialDelay: time.Duration(p.initial_delay_millis) * time.Millisecond,
		Factor:       float64(p.factor),
		MaxDelay:     time.Duration(p.max_delay_millis) * time.Millisecond,
		MaxAttempts:  uint32(p.max_attempts),
		Seed:         uint64(p.seed),
		Jitter:       bool(p.jitter),
	}
}

func (p RetryPolicy) c() C.cog_retry_policy {
	return C.cog_retry_policy{
		initial_delay_millis: C.int64_t(p.InitialDelay.Milliseconds()),
		factor:               C.double(p.Factor),
		max_delay_millis:     C.int64_t(p.MaxDelay.Milliseconds()),
		max_attempts:         C.uint32_t(p.MaxAttempts),
		seed:                 C.uint64_t(p.Seed),
		jitter:               C.bool(p.Jitter),
	}
}

// StoreOption adjusts a store ([NewMemoryStore], [OpenSqliteStore]).
type StoreOption func(*storeOptions)

type storeOptions struct {
	policy RetryPolicy
}

// WithRetryPolicy sets the policy that schedules the store's retries (default
// [DefaultRetryPolicy]). A field out of range makes the constructor fail with
// [CodeInvalidArgument].
func WithRetryPolicy(p RetryPolicy) StoreOption {
	return func(o *storeOptions) { o.policy = p }
}

func resolveStore(opts []StoreOption) C.cog_retry_policy {
	o := storeOptions{policy: DefaultRetryPolicy()}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o.policy.c()
}

// Store is an idempotency store: one record per key (webhook event id or API Idempotency-Key)
// with its status, outcome, retry schedule and lease. All times are Unix-millisecond precise;
// methods take and return time.Time (UTC), and a zero time.Time means "absent".
//
// A Store is safe for concurrent use by many goroutines; every operation is atomic (for a SQLite
// store, also across processes sharing the file). Call Close when done; a finalizer closes a
// forgotten store. Processors created over a store keep it alive on their own.
type Store struct {
	mu  sync.RWMutex
	ptr *C.cog_store
}

// NewMemoryStore returns an empty in-memory store (records go with it). Errors:
// [CodeInvalidArgument] for a bad [WithRetryPolicy].
func NewMemoryStore(opts ...StoreOption) (*Store, error) {
	policy := resolveStore(opts)
	var ptr *C.cog_store
	if err := call(func() C.cog_status { return C.cog_memory_store_new(&policy, &ptr) }); err != nil {
		return nil, err
	}
	return newStore(ptr), nil
}

// OpenSqliteStore opens (or creates) the SQLite store file at path (":memory:" for a private
// in-memory database). WAL mode; several processes may share one file.
//
// Errors: [CodeStoreCorrupt] (not a SQLite file, damaged, or a newer schema; the file is left
// untouched), [CodeStoreBackend] (cannot open, locked for 5 s), [CodeInvalidArgument] (empty
// path, bad policy), [CodeInvalidUTF8].
func OpenSqliteStore(path string, opts ...StoreOption) (*Store, error) {
	policy := resolveStore(opts)
	var ptr *C.cog_store
	err := call(func() C.cog_status {
		p, n := strIn(path)
		return C.cog_sqlite_store_open(p, n, &policy, &ptr)
	})
	runtime.KeepAlive(path)
	if err != nil {
		return nil, err
	}
	return newStore(ptr), nil
}

func newStore(ptr *C.cog_store) *Store {
	s := &Store{ptr: ptr}
	runtime.SetFinalizer(s, (*Store).Close)
	return s
}

// Close releases the store. Further calls return an error with [CodeInvalidState]. Closing twice
// is fine.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr != nil {
		C.cog_store_free(s.ptr)
		s.ptr = nil
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

func errClosed(what string) error {
	return &Error{Code: CodeInvalidState, Message: "the " + what + " is closed"}
}

// with runs f with the live handle under the read lock.
func (s *Store) with(f func(*C.cog_store) C.cog_status) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return errClosed("store")
	}
	err := call(func() C.cog_status { return f(s.ptr) })
	runtime.KeepAlive(s)
	return err
}

// LeaseToken proves holding a key's lease: present it to Complete, Ignore or Fail. A token whose
// lease was taken over is stale ([ErrStaleToken]).
type LeaseToken struct {
	Key        string `json:"key"`
	Generation uint64 `json:"generation"`
}

// ClaimKind is the kind of answer to a claim.
type ClaimKind string

// The claim answers.
const (
	// ClaimAcquired: you hold the lease; do the work, then complete or fail.
	ClaimAcquired ClaimKind = "acquired"
	// ClaimAlreadyDone: handled before (processed or ignored); return the stored result.
	ClaimAlreadyDone ClaimKind = "already_done"
	// ClaimInProgress: another worker holds the lease (answer HTTP 409).
	ClaimInProgress ClaimKind = "in_progress"
	// ClaimFingerprintConflict: the key was first used with a different body.
	ClaimFingerprintConflict ClaimKind = "fingerprint_conflict"
	// ClaimDeadLettered: dead or permanently failed; only Requeue brings it back.
	ClaimDeadLettered ClaimKind = "dead_lettered"
)

// Claim is the answer to [Store.Claim]; which fields are set depends on Kind.
type Claim struct {
	Kind ClaimKind
	// Token and Attempt (1 for the first), for ClaimAcquired.
	Token   LeaseToken
	Attempt uint32
	// Status: processed/ignored (ClaimAlreadyDone) or dead/failed (ClaimDeadLettered).
	Status Status
	// Result is the stored result (ClaimAlreadyDone); nil when none.
	Result json.RawMessage
	// LeaseExpiresAt is when the other worker's lease expires (ClaimInProgress).
	LeaseExpiresAt time.Time
	// Stored is the hex SHA-256 fingerprint kept under the key (ClaimFingerprintConflict).
	Stored string
	// LastError is the last failure's message (ClaimDeadLettered).
	LastError string
}

type claimJSON struct {
	Claim          ClaimKind       `json:"claim"`
	Token          LeaseToken      `json:"token"`
	Attempt        uint32          `json:"attempt"`
	Status         Status          `json:"status"`
	Result         json.RawMessage `json:"result"`
	LeaseExpiresAt *int64          `json:"lease_expires_at"`
	Stored         string          `json:"stored"`
	LastError      *string         `json:"last_error"`
}

func msTime(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return time.UnixMilli(*ms).UTC()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// rawOrNil returns nil for an absent or null JSON value.
func rawOrNil(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// decode unmarshals library JSON; a mismatch is a library bug, reported as [CodePanic].
func decode(raw []byte, what string, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return internalError(what, err)
	}
	return nil
}

// Claim claims key for processing at now with a lease of lease (whole milliseconds); body is
// fingerprinted (SHA-256) so that a key reused for a different body is reported.
//
// Errors: [CodeInvalidKey] (empty or over 1024 bytes), [CodeInvalidArgument] (lease ≤ 0),
// [CodeInvalidUTF8], [CodeStoreBackend], [CodeStoreCorrupt].
func (s *Store) Claim(key, eventType string, body []byte, now time.Time, lease time.Duration) (*Claim, error) {
	var out C.cog_string
	err := s.with(func(p *C.cog_store) C.cog_status {
		k, kn := strIn(key)
		t, tn := strIn(eventType)
		b, bn := bytesIn(body)
		return C.cog_store_claim(p, k, kn, t, tn, b, bn, C.int64_t(now.UnixMilli()), C.int64_t(lease.Milliseconds()), &out)
	})
	runtime.KeepAlive(key)
	runtime.KeepAlive(eventType)
	runtime.KeepAlive(body)
	if err != nil {
		return nil, err
	}
	var cj claimJSON
	if err := decode(takeBytes(&out), "claim JSON", &cj); err != nil {
		return nil, err
	}
	return &Claim{
		Kind:           cj.Claim,
		Token:          cj.Token,
		Attempt:        cj.Attempt,
		Status:         cj.Status,
		Result:         rawOrNil(cj.Result),
		LeaseExpiresAt: msTime(cj.LeaseExpiresAt),
		Stored:         cj.Stored,
		LastError:      deref(cj.LastError),
	}, nil
}

// marshalResult turns a result into JSON text; nil means no result.
func marshalResult(result any) ([]byte, error) {
	if result == nil {
		return nil, nil
	}
	b, err := json.Marshal(result)
	if err != nil {
		return nil, &Error{Code: CodeInvalidResult, Message: "result is not valid JSON: " + err.Error()}
	}
	return b, nil
}

// Complete marks the token's record processed with result, which is marshalled with
// encoding/json (a json.RawMessage is kept as is once validated; nil = no result).
//
// Errors: [CodeStaleToken] (the lease was taken over or the record finished: nothing changed),
// [CodeInvalidResult], [CodeRecordNotFound], [CodeInvalidKey], store errors.
func (s *Store) Complete(token LeaseToken, result any, now time.Time) error {
	b, err := marshalResult(result)
	if err != nil {
		return err
	}
	err = s.with(func(p *C.cog_store) C.cog_status {
		k, kn := strIn(token.Key)
		r, rn := bytesIn(b)
		return C.cog_store_complete(p, k, kn, C.uint64_t(token.Generation), r, rn, C.int64_t(now.UnixMilli()))
	})
	runtime.KeepAlive(token)
	runtime.KeepAlive(b)
	return err
}

// Ignore marks the token's record ignored (nothing to do). Errors: as [Store.Complete].
func (s *Store) Ignore(token LeaseToken, now time.Time) error {
	err := s.with(func(p *C.cog_store) C.cog_status {
		k, kn := strIn(token.Key)
		return C.cog_store_ignore(p, k, kn, C.uint64_t(token.Generation), C.int64_t(now.UnixMilli()))
	})
	runtime.KeepAlive(token)
	return err
}

// DecisionKind is what follows a failed attempt.
type DecisionKind string

// The retry decisions.
const (
	DecisionRetryAt      DecisionKind = "retry_at"
	DecisionDeadLettered DecisionKind = "dead_lettered"
	DecisionFailed       DecisionKind = "failed"
)

// RetryDecision is what follows a failed attempt: another attempt due At (DecisionRetryAt),
// dead-lettered after the last attempt, or failed permanently.
type RetryDecision struct {
	Kind DecisionKind
	At   time.Time
}

// Fail records a failed attempt with message msg; retryable false fails the record permanently.
// The store's retry policy decides what follows. Errors: as [Store.Complete].
func (s *Store) Fail(token LeaseToken, msg string, retryable bool, now time.Time) (RetryDecision, error) {
	var out C.cog_string
	err := s.with(func(p *C.cog_store) C.cog_status {
		k, kn := strIn(token.Key)
		m, mn := strIn(msg)
		return C.cog_store_fail(p, k, kn, C.uint64_t(token.Generation), m, mn, C.bool(retryable),
			C.int64_t(now.UnixMilli()), &out)
	})
	runtime.KeepAlive(token)
	runtime.KeepAlive(msg)
	if err != nil {
		return RetryDecision{}, err
	}
	var dj struct {
		Decision DecisionKind `json:"decision"`
		At       *int64       `json:"at"`
	}
	if err := decode(takeBytes(&out), "decision JSON", &dj); err != nil {
		return RetryDecision{}, err
	}
	return RetryDecision{Kind: dj.Decision, At: msTime(dj.At)}, nil
}

// Record is what a store keeps per key (the payload aside). Times are UTC; a zero time.Time means
// the event has not happened (e.g. ProcessedAt of a record never processed).
type Record struct {
	Key             string
	EventType       string
	Status          Status
	Fingerprint     string          // hex SHA-256 of the body first claimed
	Result          json.RawMessage // nil when none
	LastError       string
	CreatedAt       time.Time
	StartedAt       time.Time
	ProcessedAt     time.Time
	FailedAt        time.Time
	LastRetryAt     time.Time
	NextRetryAt     time.Time
	Attempts        uint32
	LeaseGeneration uint64
	LeaseExpiresAt  time.Time
}

type recordJSON struct {
	Key             string          `json:"key"`
	EventType       string          `json:"event_type"`
	Status          Status          `json:"status"`
	Fingerprint     string          `json:"fingerprint"`
	Result          json.RawMessage `json:"result"`
	LastError       *string         `json:"last_error"`
	CreatedAt       *int64          `json:"created_at"`
	StartedAt       *int64          `json:"started_at"`
	ProcessedAt     *int64          `json:"processed_at"`
	FailedAt        *int64          `json:"failed_at"`
	LastRetryAt     *int64          `json:"last_retry_at"`
	NextRetryAt     *int64          `json:"next_retry_at"`
	Attempts        uint32          `json:"attempts"`
	LeaseGeneration uint64          `json:"lease_generation"`
	LeaseExpiresAt  *int64          `json:"lease_expires_at"`
}

func (r recordJSON) record() Record {
	return Record{
		Key:             r.Key,
		EventType:       r.EventType,
		Status:          r.Status,
		Fingerprint:     r.Fingerprint,
		Result:          rawOrNil(r.Result),
		LastError:       deref(r.LastError),
		CreatedAt:       msTime(r.CreatedAt),
		StartedAt:       msTime(r.StartedAt),
		ProcessedAt:     msTime(r.ProcessedAt),
		FailedAt:        msTime(r.FailedAt),
		LastRetryAt:     msTime(r.LastRetryAt),
		NextRetryAt:     msTime(r.NextRetryAt),
		Attempts:        r.Attempts,
		LeaseGeneration: r.LeaseGeneration,
		LeaseExpiresAt:  msTime(r.LeaseExpiresAt),
	}
}

func records(raw []byte) ([]Record, error) {
	var rs []recordJSON
	if err := decode(raw, "records JSON", &rs); err != nil {
		return nil, err
	}
	out := make([]Record, len(rs))
	for i, r := range rs {
		out[i] = r.record()
	}
	return out, nil
}

// Get returns the record of key, or nil (and no error) when there is none.
// Errors: [CodeInvalidKey], [CodeInvalidUTF8], store errors.
func (s *Store) Get(key string) (*Record, error) {
	var out C.cog_string
	err := s.with(func(p *C.cog_store) C.cog_status {
		k, kn := strIn(key)
		return C.cog_store_get(p, k, kn, &out)
	})
	runtime.KeepAlive(key)
	if err != nil {
		return nil, err
	}
	var r *recordJSON
	if err := decode(takeBytes(&out), "record JSON", &r); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, nil
	}
	rec := r.record()
	return &rec, nil
}

// Filter selects records for [Store.List]; zero fields do not filter.
type Filter struct {
	Status    Status
	EventType string
	Since     time.Time // created at or after
	Until     time.Time // created before
	Limit     int       // 1–1000; 0 = 100
	Cursor    string    // Page.NextCursor of the previous page
}

// Page is one page of records, newest first; NextCursor is "" on the last page.
type Page struct {
	Records    []Record
	NextCursor string
}

// List returns one page of records matching f, newest first.
// Errors: [CodeInvalidArgument] (unknown status, limit out of range, foreign cursor), store errors.
func (s *Store) List(f Filter) (*Page, error) {
	fj := map[string]any{}
	if f.Status != "" {
		fj["status"] = f.Status
	}
	if f.EventType != "" {
		fj["event_type"] = f.EventType
	}
	if !f.Since.IsZero() {
		fj["since"] = f.Since.UnixMilli()
	}
	if !f.Until.IsZero() {
		fj["until"] = f.Until.UnixMilli()
	}
	if f.Limit < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "limit must not be negative"}
	}
	if f.Limit > 0 {
		fj["limit"] = f.Limit
	}
	if f.Cursor != "" {
		fj["cursor"] = f.Cursor
	}
	filter, err := json.Marshal(fj)
	if err != nil {
		return nil, internalError("filter", err)
	}
	var out C.cog_string
	err = s.with(func(p *C.cog_store) C.cog_status {
		b, bn := bytesIn(filter)
		return C.cog_store_list(p, b, bn, &out)
	})
	runtime.KeepAlive(filter)
	if err != nil {
		return nil, err
	}
	var pj struct {
		Records    []recordJSON `json:"records"`
		NextCursor *string      `json:"next_cursor"`
	}
	if err := decode(takeBytes(&out), "page JSON", &pj); err != nil {
		return nil, err
	}
	page := &Page{Records: make([]Record, len(pj.Records)), NextCursor: deref(pj.NextCursor)}
	for i, r := range pj.Records {
		page.Records[i] = r.record()
	}
	return page, nil
}

// HourCount is the number of records created in the hour starting at Start.
type HourCount struct {
	Start time.Time
	Count uint64
}

// Stats summarises the records created in a window.
type Stats struct {
	Total       uint64
	ByStatus    map[Status]uint64 // every status, zero included
	ByEventType map[string]uint64
	// SuccessRate is processed / (processed + failed + dead); nil when none of those exist.
	SuccessRate *float64
	// Processing times of processed records (nearest-rank percentiles); nil when none.
	ProcessingP50 *time.Duration
	ProcessingP95 *time.Duration
	ProcessingMax *time.Duration
	// PerHour is the hourly volume, ascending, empty hours left out.
	PerHour []HourCount
}

func msDuration(ms *int64) *time.Duration {
	if ms == nil {
		return nil
	}
	d := time.Duration(*ms) * time.Millisecond
	return &d
}

// Stats summarises the records created in [since, until); zero times leave that side open.
func (s *Store) Stats(since, until time.Time) (*Stats, error) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !since.IsZero() {
		lo = since.UnixMilli()
	}
	if !until.IsZero() {
		hi = until.UnixMilli()
	}
	var out C.cog_string
	if err := s.with(func(p *C.cog_store) C.cog_status {
		return C.cog_store_stats(p, C.int64_t(lo), C.int64_t(hi), &out)
	}); err != nil {
		return nil, err
	}
	var sj struct {
		Total       uint64            `json:"total"`
		ByStatus    map[Status]uint64 `json:"by_status"`
		ByEventType map[string]uint64 `json:"by_event_type"`
		SuccessRate *float64          `json:"success_rate"`
		P50         *int64            `json:"processing_p50_millis"`
		P95         *int64            `json:"processing_p95_millis"`
		Max         *int64            `json:"processing_max_millis"`
		PerHour     []struct {
			HourStart int64  `json:"hour_start"`
			Count     uint64 `json:"count"`
		} `json:"per_hour"`
	}
	if err := decode(takeBytes(&out), "stats JSON", &sj); err != nil {
		return nil, err
	}
	st := &Stats{
		Total:         sj.Total,
		ByStatus:      sj.ByStatus,
		ByEventType:   sj.ByEventType,
		SuccessRate:   sj.SuccessRate,
		ProcessingP50: msDuration(sj.P50),
		ProcessingP95: msDuration(sj.P95),
		ProcessingMax: msDuration(sj.Max),
	}
	for _, h := range sj.PerHour {
		st.PerHour = append(st.PerHour, HourCount{Start: time.UnixMilli(h.HourStart).UTC(), Count: h.Count})
	}
	return st, nil
}

// DueForRetry returns up to limit records whose retry is due at now (retrying past their
// NextRetryAt, and pending), earliest due first.
func (s *Store) DueForRetry(now time.Time, limit int) ([]Record, error) {
	if limit < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "limit must not be negative"}
	}
	var out C.cog_string
	if err := s.with(func(p *C.cog_store) C.cog_status {
		return C.cog_store_due_for_retry(p, C.int64_t(now.UnixMilli()), C.size_t(limit), &out)
	}); err != nil {
		return nil, err
	}
	return records(takeBytes(&out))
}

// Requeue puts a dead or failed record back in the queue, due at now, attempts reset.
// Errors: [CodeRecordNotFound], [CodeInvalidState] (not dead or failed), [CodeInvalidKey].
func (s *Store) Requeue(key string, now time.Time) error {
	err := s.with(func(p *C.cog_store) C.cog_status {
		k, kn := strIn(key)
		return C.cog_store_requeue(p, k, kn, C.int64_t(now.UnixMilli()))
	})
	runtime.KeepAlive(key)
	return err
}

// Purge deletes finished records (processed, ignored, failed, dead) created before
// createdBefore — never pending, processing or retrying — and returns how many went. For the
// default 90-day retention pass time.Now().AddDate(0, 0, -90).
func (s *Store) Purge(createdBefore time.Time) (uint64, error) {
	var purged C.uint64_t
	if err := s.with(func(p *C.cog_store) C.cog_status {
		return C.cog_store_purge(p, C.int64_t(createdBefore.UnixMilli()), &purged)
	}); err != nil {
		return 0, err
	}
	return uint64(purged), nil
}
