package cognition_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// The shared scenarios in tests/vectors/idempotency.json, run by every face on every store.
type idemVectors struct {
	Scenarios []idemScenario `json:"scenarios"`
}

type idemScenario struct {
	Name        string `json:"name"`
	RetryPolicy struct {
		MaxAttempts        uint32  `json:"max_attempts"`
		InitialDelayMillis int64   `json:"initial_delay_millis"`
		Factor             float64 `json:"factor"`
		MaxDelayMillis     int64   `json:"max_delay_millis"`
	} `json:"retry_policy"`
	Steps []idemStep `json:"steps"`
}

type idemStep struct {
	Op          string          `json:"op"`
	Key         string          `json:"key"`
	KeyRepeat   []any           `json:"key_repeat"`
	EventType   string          `json:"event_type"`
	Body        string          `json:"body"`
	Now         int64           `json:"now"`
	LeaseMillis int64           `json:"lease_millis"`
	Token       int             `json:"token"`
	Result      json.RawMessage `json:"result"`
	Error       string          `json:"error"`
	Retryable   bool            `json:"retryable"`
	Limit       int             `json:"limit"`
	Before      int64           `json:"before"`
	Expect      map[string]any  `json:"expect"`
}

func (s idemStep) key() string {
	if len(s.KeyRepeat) == 2 {
		return strings.Repeat(s.KeyRepeat[0].(string), int(s.KeyRepeat[1].(float64)))
	}
	return s.Key
}

func loadIdemVectors(t *testing.T) idemVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "tests", "vectors", "idempotency.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v idemVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Scenarios) == 0 {
		t.Fatal("no scenarios")
	}
	return v
}

func ms(n int64) time.Time { return time.UnixMilli(n) }

// jsonEqual compares a JSON value from the vectors with JSON text from the library.
func jsonEqual(t *testing.T, want any, got json.RawMessage) bool {
	t.Helper()
	var g any
	if len(got) == 0 {
		got = json.RawMessage("null")
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("library JSON %q: %v", got, err)
	}
	return reflect.DeepEqual(want, g)
}

// timeMillis gives a vector's expected time for a time field: nil expects the zero time.
func expectTime(t *testing.T, what string, want any, got time.Time) {
	t.Helper()
	if want == nil {
		if !got.IsZero() {
			t.Errorf("%s: want absent, got %v", what, got)
		}
		return
	}
	if got.IsZero() || got.UnixMilli() != int64(want.(float64)) {
		t.Errorf("%s: want %v ms, got %v", what, want, got)
	}
}

func expectString(t *testing.T, what string, want any, got string) {
	t.Helper()
	w := ""
	if want != nil {
		w = want.(string)
	}
	if w != got {
		t.Errorf("%s: want %q, got %q", what, w, got)
	}
}

// expectErr checks err against expect.error; it returns true when the step should go on.
func expectErr(t *testing.T, expect map[string]any, err error) bool {
	t.Helper()
	if want, ok := expect["error"]; ok {
		var e *cognition.Error
		if !errors.As(err, &e) {
			t.Errorf("want error %v, got %v", want, err)
			return false
		}
		if e.Code.String() != want {
			t.Errorf("want error %v, got %v", want, err)
		}
		return false
	}
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}

type leases map[string][]cognition.LeaseToken

func (l leases) pick(key string, which int) cognition.LeaseToken {
	tokens := l[key]
	if len(tokens) == 0 {
		return cognition.LeaseToken{Key: key}
	}
	if which == 0 {
		return tokens[0]
	}
	return tokens[len(tokens)-1]
}

func runIdemStep(t *testing.T, store *cognition.Store, seen leases, s idemStep) {
	t.Helper()
	key, exp := s.key(), s.Expect
	switch s.Op {
	case "claim":
		claim, err := store.Claim(key, s.EventType, []byte(s.Body), ms(s.Now), time.Duration(s.LeaseMillis)*time.Millisecond)
		if !expectErr(t, exp, err) {
			return
		}
		if string(claim.Kind) != exp["claim"] {
			t.Errorf("claim: want %v, got %v", exp["claim"], claim.Kind)
		}
		if claim.Kind == cognition.ClaimAcquired {
			if claim.Token.Key != key {
				t.Errorf("token key %q", claim.Token.Key)
			}
			seen[key] = append(seen[key], claim.Token)
		}
		if w, ok := exp["attempt"]; ok && uint32(w.(float64)) != claim.Attempt {
			t.Errorf("attempt: want %v, got %d", w, claim.Attempt)
		}
		if w, ok := exp["status"]; ok && w != string(claim.Status) {
			t.Errorf("status: want %v, got %v", w, claim.Status)
		}
		if w, ok := exp["result"]; ok && !jsonEqual(t, w, claim.Result) {
			t.Errorf("result: want %v, got %s", w, claim.Result)
		}
		if w, ok := exp["lease_expires_at"]; ok {
			expectTime(t, "lease_expires_at", w, claim.LeaseExpiresAt)
		}
		if w, ok := exp["stored"]; ok {
			expectString(t, "stored", w, claim.Stored)
		}
		if w, ok := exp["last_error"]; ok {
			expectString(t, "last_error", w, claim.LastError)
		}
	case "complete":
		var result any
		if len(s.Result) > 0 && string(s.Result) != "null" {
			result = s.Result
		}
		expectErr(t, exp, store.Complete(seen.pick(key, s.Token), result, ms(s.Now)))
	case "ignore":
		expectErr(t, exp, store.Ignore(seen.pick(key, s.Token), ms(s.Now)))
	case "fail":
		d, err := store.Fail(seen.pick(key, s.Token), s.Error, s.Retryable, ms(s.Now))
		if !expectErr(t, exp, err) {
			return
		}
		if string(d.Kind) != exp["decision"] {
			t.Errorf("decision: want %v, got %v", exp["decision"], d.Kind)
		}
		if w, ok := exp["at"]; ok {
			expectTime(t, "at", w, d.At)
		}
	case "get":
		r, err := store.Get(key)
		if !expectErr(t, exp, err) {
			return
		}
		if exp["missing"] == true {
			if r != nil {
				t.Errorf("want no record, got %+v", r)
			}
			return
		}
		if r == nil {
			t.Errorf("want a record for %q", key)
			return
		}
		if w, ok := exp["status"]; ok && w != string(r.Status) {
			t.Errorf("status: want %v, got %v", w, r.Status)
		}
		if w, ok := exp["attempts"]; ok && uint32(w.(float64)) != r.Attempts {
			t.Errorf("attempts: want %v, got %d", w, r.Attempts)
		}
		if w, ok := exp["processed_at"]; ok {
			expectTime(t, "processed_at", w, r.ProcessedAt)
		}
		if w, ok := exp["last_error"]; ok {
			expectString(t, "last_error", w, r.LastError)
		}
	case "due":
		rs, err := store.DueForRetry(ms(s.Now), s.Limit)
		if !expectErr(t, exp, err) {
			return
		}
		got := []any{}
		for _, r := range rs {
			got = append(got, r.Key)
		}
		if !reflect.DeepEqual(exp["keys"], got) {
			t.Errorf("due: want %v, got %v", exp["keys"], got)
		}
	case "requeue":
		expectErr(t, exp, store.Requeue(key, ms(s.Now)))
	case "purge":
		n, err := store.Purge(ms(s.Before))
		if !expectErr(t, exp, err) {
			return
		}
		if float64(n) != exp["purged"] {
			t.Errorf("purged: want %v, got %d", exp["purged"], n)
		}
	default:
		t.Fatalf("unknown op %q", s.Op)
	}
}

func TestIdempotencyVectors(t *testing.T) {
	v := loadIdemVectors(t)
	open := map[string]func(t *testing.T, p cognition.RetryPolicy) (*cognition.Store, error){
		"memory": func(_ *testing.T, p cognition.RetryPolicy) (*cognition.Store, error) {
			return cognition.NewMemoryStore(cognition.WithRetryPolicy(p))
		},
		"sqlite": func(t *testing.T, p cognition.RetryPolicy) (*cognition.Store, error) {
			return cognition.OpenSqliteStore(filepath.Join(t.TempDir(), "events.db"), cognition.WithRetryPolicy(p))
		},
	}
	for _, kind := range []string{"memory", "sqlite"} {
		for _, sc := range v.Scenarios {
			t.Run(kind+"/"+sc.Name, func(t *testing.T) {
				policy := cognition.DefaultRetryPolicy()
				policy.MaxAttempts = sc.RetryPolicy.MaxAttempts
				policy.InitialDelay = time.Duration(sc.RetryPolicy.InitialDelayMillis) * time.Millisecond
				policy.MaxDelay = time.Duration(sc.RetryPolicy.MaxDelayMillis) * time.Millisecond
				policy.Factor = sc.RetryPolicy.Factor
				policy.Jitter = false
				store, err := open[kind](t, policy)
				if err != nil {
					t.Fatal(err)
				}
				defer store.Close()
				seen := leases{}
				for i, step := range sc.Steps {
					t.Logf("step %d: %s", i, step.Op)
					runIdemStep(t, store, seen, step)
				}
			})
		}
	}
}
