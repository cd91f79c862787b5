package cognition_test

import (
	"errors"
	"fmt"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

func ExampleVerifyWebhook() {
	payload := []byte(`{"id": "evt_1", "object": "event", "type": "invoice.paid"}`)
	header := "t=1700000000,v1=fd711674d75021c541989b49076cf8ad37957e1c90dda207f1fd255e3484d518"
	secrets := []string{"whsec_test_4eC39HqLyjWDarjtT1zdp7dc"}
	// In a handler, omit WithNow: the system clock is the default.
	now := cognition.WithNow(time.Unix(1700000060, 0))

	signed, err := cognition.VerifyWebhook(payload, header, secrets, now)
	fmt.Println(signed.Format(time.RFC3339), err)

	_, err = cognition.VerifyWebhook([]byte(`{"id": "evt_forged"}`), header, secrets, now)
	fmt.Println(errors.Is(err, cognition.ErrSignatureMismatch))
	// Output:
	// 2023-11-14T22:13:20Z <nil>
	// true
}

func ExampleSignWebhook() {
	header, err := cognition.SignWebhook([]byte(""), "whsec_test_4eC39HqLyjWDarjtT1zdp7dc", time.Unix(1700000000, 0))
	fmt.Println(header, err)
	// Output:
	// t=1700000000,v1=59c6f576fe0d45fe10a08c6ca6d85e87d4b5899e19cde527a4e706278529d986 <nil>
}

func ExampleConstructEvent() {
	payload := []byte(`{"id": "evt_1", "object": "event", "type": "invoice.paid", "created": 1700000000,
		"livemode": false, "api_version": "2024-06-20",
		"data": {"object": {"id": "in_1", "object": "invoice", "amount_paid": 2000}}}`)
	secret := "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
	at := time.Unix(1700000000, 0)
	header, _ := cognition.SignWebhook(payload, secret, at) // what Stripe sends as Stripe-Signature

	event, err := cognition.ConstructEvent(payload, header, []string{secret}, cognition.WithNow(at))
	if err != nil {
		fmt.Println(err)
		return
	}
	switch event.Kind {
	case cognition.EventKindInvoicePaid:
		fmt.Println(event.ID, event.Type, event.Data.Object["id"], event.Data.Object["amount_paid"])
	default:
		fmt.Println("ignored", event.Type)
	}
	// Output:
	// evt_1 invoice.paid in_1 2000
}

func ExampleProcessor() {
	store, _ := cognition.NewMemoryStore()
	defer store.Close()
	secret := "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
	at := time.Unix(1700000000, 0)
	// In production, omit WithManualClock: the system clock is the default.
	processor, _ := cognition.NewProcessor([]string{secret}, store, cognition.WithManualClock(at))
	defer processor.Close()
	processor.On("invoice.paid", func(e *cognition.Event) (any, error) {
		return map[string]any{"invoice": e.Data.Object["id"]}, nil
	})

	payload := []byte(`{"id": "evt_1", "type": "invoice.paid", "created": 1700000000, "livemode": false,
		"data": {"object": {"id": "in_1"}}}`)
	header, _ := cognition.SignWebhook(payload, secret, at)
	for i := 0; i < 2; i++ {
		r, err := processor.Process(payload, header)
		fmt.Println(r.Status, r.Duplicate, r.HTTPStatus, string(r.Result), err)
	}
	// Output:
	// processed false 200 {"invoice":"in_1"} <nil>
	// duplicate true 200 {"invoice":"in_1"} <nil>
}

func ExampleFingerprint() {
	fp, err := cognition.Fingerprint("SELECT name FROM users WHERE id IN (1, 2, 3) LIMIT 10 OFFSET 20")
	fmt.Println(fp.Normalized, fp.Kind, err)
	same, _ := cognition.Fingerprint("select name from users where id in ($1) limit 5")
	fmt.Println(fp.ID == same.ID)
	// Output:
	// select name from users where id in(?+) limit ? SELECT <nil>
	// true
}

func ExampleQueryTracker() {
	tracker, _ := cognition.NewQueryTracker(cognition.WithSlowThreshold(100*time.Millisecond), cognition.WithSlowMinCalls(5))
	defer tracker.Close()
	// Record every statement the application runs, e.g. from a database/sql wrapper.
	for i := 0; i < 20; i++ {
		sql := fmt.Sprintf("SELECT id, total FROM orders WHERE customer_id = %d", i)
		_ = tracker.Record(sql, 150*time.Millisecond, 100_000, 2)
	}
	_ = tracker.Record("SELECT 1", time.Millisecond, 0, 1)

	stats, _ := tracker.Stats()
	top := stats[0]
	fmt.Printf("%s: %d calls, mean %v, efficiency %.4f, slow %v\n", top.Normalized, top.Calls, top.Mean, top.Efficiency, top.IsSlow)
	advice, _ := tracker.Suggestions()
	fmt.Println(advice[0].Strategy, advice[0].Statement)
	// Output:
	// select id, total from orders where customer_id = ?: 20 calls, mean 150ms, efficiency 0.0000, slow true
	// INDEX_HINT CREATE INDEX idx_orders_customer_id ON orders (customer_id)
}

func ExampleRevenueLedger() {
	ledger, _ := cognition.NewRevenueLedger(cognition.LedgerConfig{})
	defer ledger.Close()
	_ = ledger.AddSubscriptions(cognition.Subscription{
		ID: "sub_1", CustomerID: "cus_1", PlanID: "pro_yearly", Status: "active",
		UnitAmount: "24000", Currency: "USD", Interval: "year", Start: "2024-01-01",
	})
	n, _ := ledger.LoadCSVBytes([]byte("id,customer_id,plan_id,tier,status,unit_amount,currency,interval,start\n" +
		"sub_2,cus_2,team,TEAM,active,1000,USD,month,2024-02-01\n"))
	report, err := ledger.Report(time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC))
	s := report.Snapshot
	fmt.Println(n, err)
	fmt.Println(s.MRR.Amount, s.MRR.Currency, s.ARR.Amount, s.PayingCustomers, s.ARPU.Amount)
	// Output:
	// 1 <nil>
	// 3000 USD 36000 2 1500
}

func ExampleContextMemory() {
	memory, _ := cognition.NewContextMemory(cognition.ContextOptions{})
	defer memory.Close()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	_, _ = memory.Add("acme", cognition.ContextEntry{Content: "Billing contact: ada@example.com",
		Importance: cognition.ImportanceCritical}, now)
	_, _ = memory.Add("acme", cognition.ContextEntry{Content: "Refunds are possible within 30 days."}, now)
	_, _ = memory.Add("globex", cognition.ContextEntry{Content: "Globex never refunds."}, now)

	window, err := memory.BuildWindow("acme", "refund", 100, 20, now)
	fmt.Println(err)
	fmt.Println(window.Text)
	tokens, _ := cognition.CountTokens(window.Text, cognition.EncodingO200kBase)
	fmt.Println(len(window.Entries), tokens == window.Tokens)
	// Output:
	// <nil>
	// Billing contact: [EMAIL]
	//
	// Refunds are possible within 30 days.
	// 2 true
}
