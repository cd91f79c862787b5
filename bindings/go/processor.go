package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// DefaultLease is how long a claim stays exclusive by default: 30 s.
const DefaultLease = 30 * time.Second

// HandlerFunc handles one event. Its result is marshalled with encoding/json and stored (nil =
// no result); a duplicate delivery gets it back without calling the handler again. An error is a
// retryable failure unless wrapped with [Permanent]; a panic is recovered and counts as a
// retryable failure.
type HandlerFunc func(event *Event) (any, error)

// PermanentError marks a handler failure that retrying cannot fix: the record becomes failed at
// once instead of being retried. Make one with [Permanent].
type PermanentError struct{ Err error }

// Error returns the wrapped error's message.
func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err so that a handler returning it fails the event permanently (no retry).
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// ProcessorOption adjusts a [Processor].
type ProcessorOption func(*processorOptions)

type processorOptions struct {
	tolerance time.Duration
	lease     time.Duration
	manual    bool
	start     time.Time
}

// WithProcessorTolerance sets the signature replay tolerance (default [DefaultTolerance]; 0
// disables the age check). Whole seconds count; a negative value is [CodeInvalidArgument].
func WithProcessorTolerance(d time.Duration) ProcessorOption {
	return func(o *processorOptions) { o.tolerance = d }
}

// WithLease sets how long a claim stays exclusive (default [DefaultLease]); whole milliseconds.
func WithLease(d time.Duration) ProcessorOption {
	return func(o *processorOptions) { o.lease = d }
}

// WithManualClock makes the processor read a manual clock starting at start instead of the
// system clock, for tests and simulations: move it with [Processor.Advance] or [Processor.SetNow].
// It drives the signature tolerance, claims and retry schedules.
func WithManualClock(start time.Time) ProcessorOption {
	return func(o *processorOptions) { o.manual, o.start = true, start }
}

// Processor handles Stripe webhook deliveries exactly once over a [Store]: it verifies the
// signature, parses the event, claims it, runs the handler registered for its type, then
// completes or fails it; failures are retried under the store's retry policy by [Processor.RetryDue].
//
// Process, RetryDue, RequeueDead, Advance and SetNow are safe for concurrent use. On may be
// called concurrently too (it waits for deliveries in progress) but never from inside a handler.
// Call Close when done; a finalizer closes a forgotten processor.
type Processor struct {
	mu       sync.RWMutex
	ptr      *C.cog_processor
	store    *Store
	handlers map[string]cgo.Handle
}

// NewProcessor returns a processor checking signatures with any of secrets (pass the old and
// the new one during a rotation) and recording events in store. The processor keeps its own
// reference to the store, which may be closed first.
//
// Errors: [CodeEmptySecret] (no secret or an empty one), [CodeInvalidArgument] (negative
// tolerance or lease), [CodeInvalidUTF8].
func NewProcessor(secrets []string, store *Store, opts ...ProcessorOption) (*Processor, error) {
	o := processorOptions{tolerance: DefaultTolerance, lease: DefaultLease}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if store == nil {
		return nil, &Error{Code: CodeNullArgument, Message: "store must not be nil"}
	}
	if o.tolerance < 0 || o.lease < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "tolerance and lease must not be negative"}
	}
	tolerance := uint64(o.tolerance / time.Second)
	if tolerance == 0 && o.tolerance > 0 {
		tolerance = 1
	}
	lease := o.lease.Milliseconds()
	if lease == 0 && o.lease > 0 {
		lease = 1
	}
	cs, csn, release := cSecrets(secrets)
	defer release()
	var ptr *C.cog_processor
	err := store.with(func(s *C.cog_store) C.cog_status {
		return C.cog_processor_new(cs, csn, s, C.uint64_t(tolerance), C.int64_t(lease), &ptr)
	})
	if err != nil {
		return nil, err
	}
	p := &Processor{ptr: ptr, store: store, handlers: map[string]cgo.Handle{}}
	runtime.SetFinalizer(p, (*Processor).Close)
	if o.manual {
		if err := p.SetNow(o.start); err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// Store returns the store the processor records events in, to query records and statistics.
func (p *Processor) Store() *Store { return p.store }

// Close releases the processor and its handlers. Further calls return an error with
// [CodeInvalidState]. Closing twice is fine.
func (p *Processor) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ptr != nil {
		C.cog_processor_free(p.ptr)
		p.ptr = nil
		for _, h := range p.handlers {
			h.Delete()
		}
		p.handlers = nil
		runtime.SetFinalizer(p, nil)
	}
	return nil
}

func (p *Processor) with(f func(*C.cog_processor) C.cog_status) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.ptr == nil {
		return errClosed("processor")
	}
	err := call(func() C.cog_status { return f(p.ptr) })
	runtime.KeepAlive(p)
	return err
}

// On registers handler for eventType (e.g. "invoice.paid"), replacing an earlier one. Events of
// types without a handler are recorded as ignored. Do not call On from inside a handler.
//
// Errors: [CodeInvalidArgument] (empty type), [CodeInvalidUTF8], [CodeNullArgument] (nil handler).
func (p *Processor) On(eventType string, handler HandlerFunc) error {
	if handler == nil {
		return &Error{Code: CodeNullArgument, Message: "handler must not be nil"}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ptr == nil {
		return errClosed("processor")
	}
	h := cgo.NewHandle(handler)
	err := call(func() C.cog_status { return registerHandler(p.ptr, eventType, h) })
	runtime.KeepAlive(eventType)
	if err != nil {
		h.Delete()
		return err
	}
	// The library dropped the previous handler for this type: its handle is no longer used.
	if old, ok := p.handlers[eventType]; ok {
		old.Delete()
	}
	p.handlers[eventType] = h
	return nil
}

// ProcessStatus is what processing a delivery came to.
type ProcessStatus string

// The processing outcomes.
const (
	// ProcessProcessed: the handler ran and succeeded.
	ProcessProcessed ProcessStatus = "processed"
	// ProcessDuplicate: handled before; the stored result is returned, the handler was not called.
	ProcessDuplicate ProcessStatus = "duplicate"
	// ProcessInProgress: another worker is handling it (answer HTTP 409).
	ProcessInProgress ProcessStatus = "in_progress"
	// ProcessIgnored: no handler for the type; recorded and acknowledged.
	ProcessIgnored ProcessStatus = "ignored"
	// ProcessRetrying: the handler failed; a retry is scheduled at NextRetryAt.
	ProcessRetrying ProcessStatus = "retrying"
	// ProcessFailed: the handler failed permanently.
	ProcessFailed ProcessStatus = "failed"
	// ProcessDead: the handler failed on the last attempt; dead-lettered.
	ProcessDead ProcessStatus = "dead"
)

// ProcessResult is the outcome of one delivery or retry.
type ProcessResult struct {
	Status     ProcessStatus
	HTTPStatus int // answer the provider with this: 200, or 409 for ProcessInProgress
	EventID    string
	EventType  string
	Duplicate  bool            // handled before: the handler was not called
	Result     json.RawMessage // the handler's result, now or from the earlier run; nil when none
	Error      string          // the failure message when the handler failed
	Attempt    uint32          // the attempt number when the handler ran, else 0
	// NextRetryAt is when the retry is due (ProcessRetrying); zero otherwise.
	NextRetryAt time.Time
}

type processResultJSON struct {
	Status      ProcessStatus   `json:"status"`
	HTTPStatus  int             `json:"http_status"`
	EventID     string          `json:"event_id"`
	EventType   string          `json:"event_type"`
	Duplicate   bool            `json:"duplicate"`
	Result      json.RawMessage `json:"result"`
	Error       *string         `json:"error"`
	Attempt     *uint32         `json:"attempt"`
	NextRetryAt *int64          `json:"next_retry_at"`
}

func (r processResultJSON) result() ProcessResult {
	out := ProcessResult{
		Status:      r.Status,
		HTTPStatus:  r.HTTPStatus,
		EventID:     r.EventID,
		EventType:   r.EventType,
		Duplicate:   r.Duplicate,
		Result:      rawOrNil(r.Result),
		Error:       deref(r.Error),
		NextRetryAt: msTime(r.NextRetryAt),
	}
	if r.Attempt != nil {
		out.Attempt = *r.Attempt
	}
	return out
}

// Process handles one delivery: payload is the raw request body, header the Stripe-Signature
// value. A handler failure is not an error: it is in the result (answer with HTTPStatus).
//
// Errors (answer HTTP 400): those of [VerifyWebhook] and [ParseEvent]; (answer 500):
// [CodeFingerprintConflict] (same event id, different body), store errors.
func (p *Processor) Process(payload []byte, header string) (*ProcessResult, error) {
	var out C.cog_string
	err := p.with(func(ptr *C.cog_processor) C.cog_status {
		b, bn := bytesIn(payload)
		h, hn := strIn(header)
		return C.cog_processor_process(ptr, b, bn, h, hn, &out)
	})
	runtime.KeepAlive(payload)
	runtime.KeepAlive(header)
	if err != nil {
		return nil, err
	}
	var rj processResultJSON
	if err := decode(takeBytes(&out), "process result JSON", &rj); err != nil {
		return nil, err
	}
	r := rj.result()
	return &r, nil
}

// RetryDue re-runs up to limit failed events whose retry is due now through their handlers.
func (p *Processor) RetryDue(limit int) ([]ProcessResult, error) {
	if limit < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "limit must not be negative"}
	}
	var out C.cog_string
	if err := p.with(func(ptr *C.cog_processor) C.cog_status {
		return C.cog_processor_retry_due(ptr, C.size_t(limit), &out)
	}); err != nil {
		return nil, err
	}
	var rs []processResultJSON
	if err := decode(takeBytes(&out), "retry results JSON", &rs); err != nil {
		return nil, err
	}
	results := make([]ProcessResult, len(rs))
	for i, r := range rs {
		results[i] = r.result()
	}
	return results, nil
}

// RequeueDead puts a dead (or permanently failed) event back in the queue, due now; the next
// RetryDue runs it. Errors: [CodeRecordNotFound], [CodeInvalidState], [CodeInvalidKey].
func (p *Processor) RequeueDead(key string) error {
	err := p.with(func(ptr *C.cog_processor) C.cog_status {
		k, kn := strIn(key)
		return C.cog_processor_requeue_dead(ptr, k, kn)
	})
	runtime.KeepAlive(key)
	return err
}

// SetNow switches the processor to a manual clock reading t (whole milliseconds); see
// [WithManualClock].
func (p *Processor) SetNow(t time.Time) error {
	return p.with(func(ptr *C.cog_processor) C.cog_status {
		return C.cog_processor_use_manual_clock(ptr, C.int64_t(t.UnixMilli()))
	})
}

// Advance moves the manual clock by d (negative moves it back). Errors: [CodeInvalidState] when
// the processor uses the system clock.
func (p *Processor) Advance(d time.Duration) error {
	return p.with(func(ptr *C.cog_processor) C.cog_status {
		return C.cog_processor_advance_clock(ptr, C.int64_t(d.Milliseconds()))
	})
}

// Handler return codes (COG_HANDLER_*).
const (
	handlerSuccess   = 0
	handlerRetryable = 1
	handlerPermanent = 2
)

// cogGoHandler is the cog_handler_fn behind every Go handler (reached through the C trampoline
// in handler_shim.go); handle is the cgo.Handle of the HandlerFunc.
//
//export cogGoHandler
func cogGoHandler(handle C.uintptr_t, eventJSON *C.uint8_t, n C.size_t, reply *C.cog_handler_reply) (code C.int32_t) {
	defer func() {
		if r := recover(); r != nil {
			replyError(reply, fmt.Sprintf("handler panicked: %v", r))
			code = handlerRetryable
		}
	}()
	handler, ok := cgo.Handle(handle).Value().(HandlerFunc)
	if !ok {
		replyError(reply, "cognition: unknown handler handle")
		return handlerRetryable
	}
	raw := C.GoBytes(unsafe.Pointer(eventJSON), C.int(n))
	var env struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &env)
	event, err := eventFromJSON(raw, kindOf(env.Type))
	if err != nil {
		replyError(reply, err.Error())
		return handlerRetryable
	}
	result, err := handler(event)
	if err != nil {
		replyError(reply, err.Error())
		var permanent *PermanentError
		if errors.As(err, &permanent) {
			return handlerPermanent
		}
		return handlerRetryable
	}
	if result == nil {
		return handlerSuccess
	}
	b, err := json.Marshal(result)
	if err != nil {
		replyError(reply, "the handler's result did not marshal to JSON: "+err.Error())
		return handlerPermanent
	}
	r, rn := bytesIn(b)
	// On invalid JSON (impossible after Marshal) the library records a permanent failure itself.
	C.cog_handler_reply_set_result(reply, r, rn)
	runtime.KeepAlive(b)
	return handlerSuccess
}

func replyError(reply *C.cog_handler_reply, msg string) {
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	m, mn := strIn(msg)
	C.cog_handler_reply_set_error(reply, m, mn)
	runtime.KeepAlive(msg)
}
