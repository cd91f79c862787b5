package cognition_test

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// mustBeTyped fails unless err is nil or an *Error with a known code other than PANIC.
func mustBeTyped(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *cognition.Error
	if !errors.As(err, &e) || e.Code == cognition.CodePanic || e.Code.String() == "UNKNOWN" {
		t.Fatalf("untyped or panic error: %v", err)
	}
}

// FuzzRevenueLoaders feeds arbitrary bytes to every revenue loader and reports on arbitrary
// days: no crash, only typed errors. `go test` runs the seeds; `go test -fuzz` explores.
func FuzzRevenueLoaders(f *testing.F) {
	f.Add([]byte(`[{"id":"s","customer_id":"c","plan_id":"p","status":"active","unit_amount":"1","currency":"USD","interval":"month","start":"2024-01-01"}]`), "2024-02-01")
	f.Add([]byte(subscriptionEvent), "1970-01-01")
	f.Add([]byte("id,customer_id,plan_id,status,unit_amount,currency,interval,start\na,c,p,active,1e400,USD,month,2024-01-01\n"), "9999-12-31")
	f.Add([]byte{0xff, 0x00, '{'}, "0001-01-01")
	f.Fuzz(func(t *testing.T, input []byte, asOf string) {
		ledger, err := cognition.NewRevenueLedger(cognition.LedgerConfig{})
		if err != nil {
			t.Fatal(err)
		}
		defer ledger.Close()
		mustBeTyped(t, ledger.AddSubscriptionsJSON(input))
		mustBeTyped(t, ledger.AddStripe(input))
		_, err = ledger.LoadCSVBytes(input)
		mustBeTyped(t, err)
		_, err = ledger.ApplyEvent(input)
		mustBeTyped(t, err)
		if day, perr := time.Parse(time.DateOnly, asOf); perr == nil {
			_, err = ledger.Report(day)
			mustBeTyped(t, err)
		}
	})
}

// FuzzContextMemory feeds arbitrary tenants, content and queries to a context memory: no crash,
// only typed errors, and a window's tokens are always within the budget.
func FuzzContextMemory(f *testing.F) {
	f.Add("acme", "Billing contact: ada@example.com", "critical", "refund", 50)
	f.Add("", "x", "", "", 0)
	f.Add("t", "\xff\xfe", "urgent", "\x00", 3)
	f.Add("t\n", "<|endoftext|> 4111 1111 1111 1111", "LOW", "endoftext", 1)
	f.Fuzz(func(t *testing.T, tenant, content, importance, query string, budget int) {
		memory, err := cognition.NewContextMemory(cognition.ContextOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer memory.Close()
		now := time.UnixMilli(1_700_000_000_000)
		_, err = memory.Add(tenant, cognition.ContextEntry{Content: content, Importance: cognition.Importance(importance)}, now)
		mustBeTyped(t, err)
		budget %= 1 << 16
		w, err := memory.BuildWindow(tenant, query, budget, 0, now)
		mustBeTyped(t, err)
		if err == nil && (w.Tokens > budget || !utf8.ValidString(w.Text)) {
			t.Fatalf("window of %d tokens for a budget of %d", w.Tokens, budget)
		}
		_, err = cognition.CountTokens(content, "")
		mustBeTyped(t, err)
	})
}
