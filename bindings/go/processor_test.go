package cognition_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

const procSecret = "whsec_go_processor_test"

var procStart = time.Unix(1700000000, 0)

func signedEvent(t testing.TB, id, typ, object string) ([]byte, string) {
	t.Helper()
	body := []byte(fmt.Sprintf(`{"id":%q,"type":%q,"created":1700000000,"livemode":false,"data":{"object":{"id":%q}}}`,
		id, typ, object))
	header, err := cognition.SignWebhook(body, procSecret, procStart)
	if err != nil {
		t.Fatal(err)
	}
	return body, header
}

func newTestProcessor(t *testing.T, store *cognition.Store) *cognition.Processor {
	t.Helper()
	p, err := cognition.NewProcessor([]string{procSecret}, store, cognition.WithManualClock(procStart))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestProcessorExactlyOnce(t *testing.T) {
	stores := map[string]func(t *testing.T) (*cognition.Store, error){
		"memory": func(*testing.T) (*cognition.Store, error) { return cognition.NewMemoryStore() },
		"sqlite": func(t *testing.T) (*cognition.Store, error) {
			return cognition.OpenSqliteStore(filepath.Join(t.TempDir(), "events.db"))
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			store, err := open(t)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			p := newTestProcessor(t, store)
			const events, workers = 4000, 16
			counts := make([]atomic.Int32, events)
			var calls atomic.Int32
			err = p.On("invoice.paid", func(e *cognition.Event) (any, error) {
				var n int
				fmt.Sscanf(e.ID, "evt_%d", &n)
				counts[n].Add(1)
				calls.Add(1)
				return map[string]any{"n": n, "invoice": e.Data.Object["id"]}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			type delivery struct {
				body   []byte
				header string
			}
			all := make([]delivery, 0, events*3)
			for i := 0; i < events; i++ {
				body, header := signedEvent(t, fmt.Sprintf("evt_%d", i), "invoice.paid", fmt.Sprintf("in_%d", i))
				for c := 0; c < 1+i*7%5; c++ {
					all = append(all, delivery{body, header})
				}
			}
			rand.New(rand.NewSource(1)).Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
			var wg sync.WaitGroup
			var failures atomic.Int32
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := w; i < len(all); i += workers {
						r, err := p.Process(all[i].body, all[i].header)
						if err != nil {
							failures.Add(1)
							continue
						}
						switch r.Status {
						case cognition.ProcessProcessed, cognition.ProcessDuplicate, cognition.ProcessInProgress:
						default:
							failures.Add(1)
						}
					}
				}(w)
			}
			wg.Wait()
			if failures.Load() != 0 {
				t.Fatalf("%d deliveries failed", failures.Load())
			}
			for i := range counts {
				if c := counts[i].Load(); c != 1 {
					t.Fatalf("evt_%d handled %d times", i, c)
				}
			}
			if calls.Load() != events {
				t.Fatalf("%d handler calls", calls.Load())
			}

			// A duplicate returns the stored result without calling the handler.
			body, header := signedEvent(t, "evt_17", "invoice.paid", "in_17")
			r, err := p.Process(body, header)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != cognition.ProcessDuplicate || !r.Duplicate || r.HTTPStatus != 200 {
				t.Fatalf("redelivery: %+v", r)
			}
			var result struct {
				N       int    `json:"n"`
				Invoice string `json:"invoice"`
			}
			if err := json.Unmarshal(r.Result, &result); err != nil || result.N != 17 || result.Invoice != "in_17" {
				t.Fatalf("stored result %s (%v)", r.Result, err)
			}
			if calls.Load() != events {
				t.Fatal("the handler ran for a duplicate")
			}

			stats, err := store.Stats(time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Total != events || stats.ByStatus[cognition.StatusProcessed] != events ||
				stats.SuccessRate == nil || *stats.SuccessRate != 1 {
				t.Fatalf("stats %+v", stats)
			}
			page, err := store.List(cognition.Filter{Status: cognition.StatusProcessed, Limit: 10})
			if err != nil || len(page.Records) != 10 || page.NextCursor == "" {
				t.Fatalf("list: %v %+v", err, page)
			}
			next, err := store.List(cognition.Filter{Status: cognition.StatusProcessed, Limit: 10, Cursor: page.NextCursor})
			if err != nil || len(next.Records) != 10 || next.Records[0].Key == page.Records[0].Key {
				t.Fatalf("second page: %v", err)
			}
		})
	}
}

func TestProcessorRetryScheduleDeadAndRequeue(t *testing.T) {
	policy := cognition.DefaultRetryPolicy()
	policy.MaxAttempts = 3
	policy.Jitter = false
	store, err := cognition.NewMemoryStore(cognition.WithRetryPolicy(policy))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	p := newTestProcessor(t, store)
	var fail atomic.Bool
	fail.Store(true)
	var calls atomic.Int32
	p.On("invoice.payment_failed", func(e *cognition.Event) (any, error) {
		calls.Add(1)
		if fail.Load() {
			return nil, errors.New("downstream is down")
		}
		return "ok", nil
	})
	body, header := signedEvent(t, "evt_retry", "invoice.payment_failed", "in_r")
	r, err := p.Process(body, header)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != cognition.ProcessRetrying || r.Attempt != 1 || r.Error != "downstream is down" ||
		!r.NextRetryAt.Equal(procStart.Add(time.Second)) {
		t.Fatalf("first attempt: %+v", r)
	}
	if rs, _ := p.RetryDue(10); len(rs) != 0 {
		t.Fatalf("due too early: %+v", rs)
	}
	if err := p.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	rs, err := p.RetryDue(10)
	if err != nil || len(rs) != 1 || rs[0].Status != cognition.ProcessRetrying || rs[0].Attempt != 2 ||
		!rs[0].NextRetryAt.Equal(procStart.Add(3*time.Second)) {
		t.Fatalf("second attempt: %v %+v", err, rs)
	}
	p.Advance(2 * time.Second)
	rs, err = p.RetryDue(10)
	if err != nil || len(rs) != 1 || rs[0].Status != cognition.ProcessDead {
		t.Fatalf("third attempt: %v %+v", err, rs)
	}
	rec, err := store.Get("evt_retry")
	if err != nil || rec.Status != cognition.StatusDead || rec.Attempts != 3 || rec.LastError != "downstream is down" {
		t.Fatalf("record %v %+v", err, rec)
	}
	r, _ = p.Process(body, header)
	if r.Status != cognition.ProcessDead || !r.Duplicate || calls.Load() != 3 {
		t.Fatalf("redelivery of a dead event: %+v", r)
	}

	fail.Store(false)
	if err := p.RequeueDead("evt_retry"); err != nil {
		t.Fatal(err)
	}
	if err := p.RequeueDead("evt_retry"); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("requeue twice: %v", err)
	}
	if err := p.RequeueDead("evt_missing"); !errors.Is(err, cognition.ErrRecordNotFound) {
		t.Fatalf("requeue missing: %v", err)
	}
	rs, err = p.RetryDue(10)
	if err != nil || len(rs) != 1 || rs[0].Status != cognition.ProcessProcessed || string(rs[0].Result) != `"ok"` {
		t.Fatalf("after requeue: %v %+v", err, rs)
	}
}

func TestProcessorHandlerFailures(t *testing.T) {
	store, err := cognition.NewMemoryStore()
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	p := newTestProcessor(t, store)
	p.On("customer.created", func(e *cognition.Event) (any, error) {
		switch e.Data.Object["id"] {
		case "cus_panic":
			panic("boom")
		case "cus_perm":
			return nil, cognition.Permanent(errors.New("bad data"))
		case "cus_unmarshalable":
			return func() {}, nil
		}
		if e.Kind != cognition.EventKindCustomerCreated || !e.KnownType {
			return nil, cognition.Permanent(fmt.Errorf("kind %v", e.Kind))
		}
		return nil, nil
	})
	cases := []struct {
		object, status, errPart string
	}{
		{"cus_panic", "retrying", "handler panicked: boom"},
		{"cus_perm", "failed", "bad data"},
		{"cus_unmarshalable", "failed", "did not marshal"},
		{"cus_ok", "processed", ""},
	}
	for i, c := range cases {
		body, header := signedEvent(t, fmt.Sprintf("evt_f%d", i), "customer.created", c.object)
		r, err := p.Process(body, header)
		if err != nil {
			t.Fatalf("%s: %v", c.object, err)
		}
		if string(r.Status) != c.status || !strings.Contains(r.Error, c.errPart) {
			t.Errorf("%s: %+v", c.object, r)
		}
	}
	body, header := signedEvent(t, "evt_plan", "plan.created", "plan_1")
	if r, err := p.Process(body, header); err != nil || r.Status != cognition.ProcessIgnored {
		t.Fatalf("unregistered type: %v %+v", err, r)
	}
}

func TestProcessorAndStoreErrors(t *testing.T) {
	store, err := cognition.NewMemoryStore()
	if err != nil {
		t.Fatal(err)
	}
	p := newTestProcessor(t, store)
	body, header := signedEvent(t, "evt_e", "invoice.paid", "in_1")
	if _, err := p.Process(body, header); err != nil {
		t.Fatal(err)
	}
	other, otherHeader := signedEvent(t, "evt_e", "invoice.paid", "in_other")
	if _, err := p.Process(other, otherHeader); !errors.Is(err, cognition.ErrFingerprintConflict) {
		t.Fatalf("conflict: %v", err)
	}
	if _, err := p.Process(append([]byte(nil), other...), header); !errors.Is(err, cognition.ErrSignatureMismatch) {
		t.Fatalf("forged: %v", err)
	}
	if _, err := cognition.NewProcessor(nil, store); !errors.Is(err, cognition.ErrEmptySecret) {
		t.Fatalf("no secret: %v", err)
	}
	if err := p.On("x", nil); !errors.Is(err, cognition.ErrNullArgument) {
		t.Fatalf("nil handler: %v", err)
	}

	now := procStart
	c, err := store.Claim("api-key-1", "api.request", []byte("a"), now, time.Minute)
	if err != nil || c.Kind != cognition.ClaimAcquired {
		t.Fatalf("claim: %v %+v", err, c)
	}
	stale := c.Token
	c2, err := store.Claim("api-key-1", "api.request", []byte("a"), now.Add(2*time.Minute), time.Minute)
	if err != nil || c2.Kind != cognition.ClaimAcquired || c2.Attempt != 2 {
		t.Fatalf("take over: %v %+v", err, c2)
	}
	if err := store.Complete(stale, "late", now.Add(2*time.Minute)); !errors.Is(err, cognition.ErrStaleToken) {
		t.Fatalf("stale: %v", err)
	}
	if err := store.Complete(c2.Token, json.RawMessage("{oops"), now); !errors.Is(err, cognition.ErrInvalidResult) {
		t.Fatalf("invalid result: %v", err)
	}
	if _, err := store.Claim(strings.Repeat("k", 10*1024), "t", nil, now, time.Minute); !errors.Is(err, cognition.ErrInvalidKey) {
		t.Fatalf("10 KB key: %v", err)
	}
	if _, err := store.Claim("", "t", nil, now, time.Minute); !errors.Is(err, cognition.ErrInvalidKey) {
		t.Fatalf("empty key: %v", err)
	}
	if _, err := store.Claim("\xff", "t", nil, now, time.Minute); !errors.Is(err, cognition.ErrInvalidUTF8) {
		t.Fatalf("invalid UTF-8 key: %v", err)
	}
	if _, err := store.List(cognition.Filter{Status: "nope"}); !errors.Is(err, cognition.ErrInvalidArgument) {
		t.Fatalf("bad status: %v", err)
	}
	bad := cognition.DefaultRetryPolicy()
	bad.MaxAttempts = 0
	if _, err := cognition.NewMemoryStore(cognition.WithRetryPolicy(bad)); !errors.Is(err, cognition.ErrInvalidArgument) {
		t.Fatalf("bad policy: %v", err)
	}

	// The processor keeps the store alive after the store handle is closed.
	store.Close()
	if _, err := store.Get("evt_e"); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("closed store: %v", err)
	}
	if r, err := p.Process(body, header); err != nil || r.Status != cognition.ProcessDuplicate {
		t.Fatalf("processor after store close: %v %+v", err, r)
	}
	p.Close()
	p.Close()
	if _, err := p.Process(body, header); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("closed processor: %v", err)
	}
}

func TestCorruptSqliteFileIsUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corrupt.db")
	junk := []byte("this is not a SQLite database, just text long enough to look like a header....")
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cognition.OpenSqliteStore(path); !errors.Is(err, cognition.ErrStoreCorrupt) {
		t.Fatalf("corrupt file: %v", err)
	}
	back, _ := os.ReadFile(path)
	if string(back) != string(junk) {
		t.Fatal("the corrupt file was changed")
	}
}
