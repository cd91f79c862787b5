package cognition_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// The shared cases in tests/vectors/revenue.json, run by every face.
type revenueVectors struct {
	Defaults map[string]any `json:"defaults"`
	Cases    []struct {
		Name          string                 `json:"name"`
		Config        json.RawMessage        `json:"config"`
		Subscriptions []map[string]any       `json:"subscriptions"`
		Error         string                 `json:"error"`
		Expect        map[string][]vectorMap `json:"expect"`
	} `json:"cases"`
}

type vectorMap map[string]any

func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sameDecimal compares decimal strings as numbers ("1000" == "1000.00"); nil/"" means null.
func sameDecimal(t testing.TB, what string, want any, got string) {
	t.Helper()
	if want == nil {
		if got != "" {
			t.Errorf("%s: got %q, want null", what, got)
		}
		return
	}
	w, ok := want.(string)
	if !ok {
		t.Fatalf("%s: expected value %v is not a string", what, want)
	}
	if w == "unbounded" || got == "unbounded" || got == "" {
		if w != got {
			t.Errorf("%s: got %q, want %q", what, got, w)
		}
		return
	}
	a, ok1 := new(big.Rat).SetString(w)
	b, ok2 := new(big.Rat).SetString(got)
	if !ok1 || !ok2 || a.Cmp(b) != 0 {
		t.Errorf("%s: got %q, want %q", what, got, w)
	}
}

func sameCount(t testing.TB, what string, want any, got uint64) {
	t.Helper()
	if w, ok := want.(float64); !ok || uint64(w) != got {
		t.Errorf("%s: got %d, want %v", what, got, want)
	}
}

func codeOf(err error) string {
	var e *cognition.Error
	if errors.As(err, &e) {
		return e.Code.String()
	}
	return ""
}

func loadVectorLedger(t *testing.T, v revenueVectors, config json.RawMessage, subs []map[string]any) (*cognition.RevenueLedger, error) {
	t.Helper()
	var cfg cognition.LedgerConfig
	if len(config) > 0 {
		if err := json.Unmarshal(config, &cfg); err != nil {
			t.Fatal(err)
		}
	}
	ledger, err := cognition.NewRevenueLedger(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ledger.Close() })
	merged := make([]map[string]any, len(subs))
	for i, s := range subs {
		m := map[string]any{}
		for k, x := range v.Defaults {
			m[k] = x
		}
		for k, x := range s {
			m[k] = x
		}
		merged[i] = m
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		t.Fatal(err)
	}
	return ledger, ledger.AddSubscriptionsJSON(raw)
}

// Every expectation of the shared file through the per-metric methods: MRR snapshots, movements
// over the vector's own range, churn of a month and LTV with the vector's window.
func TestRevenueVectors(t *testing.T) {
	var v revenueVectors
	loadJSON(t, "revenue.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no revenue vectors")
	}
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			ledger, err := loadVectorLedger(t, v, c.Config, c.Subscriptions)
			if c.Error != "" {
				if got := codeOf(err); got != c.Error {
					t.Fatalf("load: got %v, want %s", err, c.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range c.Expect["mrr"] {
				checkMRRVector(t, ledger, e)
			}
			for _, e := range c.Expect["movements"] {
				checkMovementsVector(t, ledger, e)
			}
			for _, e := range c.Expect["churn"] {
				checkChurnVector(t, ledger, e)
			}
			for _, e := range c.Expect["ltv"] {
				checkLTVVector(t, ledger, e)
			}
		})
	}
}

func checkMRRVector(t *testing.T, ledger *cognition.RevenueLedger, e vectorMap) {
	asOf := e["as_of"].(string)
	s, err := ledger.Snapshot(day(t, asOf))
	if want, ok := e["error"]; ok {
		if got := codeOf(err); got != want {
			t.Errorf("mrr %s: got %v, want %v", asOf, err, want)
		}
		return
	}
	if err != nil {
		t.Fatalf("mrr %s: %v", asOf, err)
	}
	what := "mrr " + asOf
	if s.MRR.Currency != e["currency"] {
		t.Errorf("%s: currency %q, want %v", what, s.MRR.Currency, e["currency"])
	}
	sameDecimal(t, what+" mrr", e["mrr"], string(s.MRR.Amount))
	sameDecimal(t, what+" arr", e["arr"], string(s.ARR.Amount))
	sameCount(t, what+" active", e["active_customers"], s.ActiveCustomers)
	sameCount(t, what+" paying", e["paying_customers"], s.PayingCustomers)
	arpu := ""
	if s.ARPU != nil {
		arpu = string(s.ARPU.Amount)
	}
	sameDecimal(t, what+" arpu", e["arpu"], arpu)
}

func checkMovementsVector(t *testing.T, ledger *cognition.RevenueLedger, e vectorMap) {
	start, end := e["start"].(string), e["end"].(string)
	movements, err := ledger.Movements(day(t, start), day(t, end), false)
	if err != nil {
		t.Fatalf("movements %s to %s: %v", start, end, err)
	}
	if len(movements.ByCurrency) != 0 {
		t.Errorf("movements without byCurrency: %d per-currency tables", len(movements.ByCurrency))
	}
	byMonth := map[string]map[string]any{}
	for _, m := range movements.Reporting.Months {
		raw, _ := json.Marshal(m)
		var fields map[string]any
		_ = json.Unmarshal(raw, &fields)
		byMonth[m.Month] = fields
	}
	for _, em := range e["months"].([]any) {
		want := em.(map[string]any)
		month := want["month"].(string)
		got, ok := byMonth[month]
		if !ok {
			t.Errorf("movements: month %s is not in the table", month)
			continue
		}
		for field, w := range want {
			what := "movements " + month + " " + field
			switch g := got[field].(type) {
			case string:
				if field == "month" {
					continue
				}
				sameDecimal(t, what, w, g)
			case float64:
				sameCount(t, what, w, uint64(g))
			default:
				t.Errorf("%s: field missing from the table", what)
			}
		}
	}
}

func checkChurnVector(t *testing.T, ledger *cognition.RevenueLedger, e vectorMap) {
	month := day(t, e["month"].(string))
	c, err := ledger.Churn(month)
	if err != nil {
		t.Fatalf("churn %s: %v", month, err)
	}
	what := "churn " + c.Month
	if c.Month != e["month"] {
		t.Fatalf("churn month %s, want %v", c.Month, e["month"])
	}
	sameCount(t, what+" customers_start", e["customers_start"], c.CustomersStart)
	sameCount(t, what+" churned", e["churned_customers"], c.ChurnedCustomers)
	sameDecimal(t, what+" customer rate", e["customer_churn_rate"], string(c.CustomerChurnRate))
	sameDecimal(t, what+" gross", e["gross_mrr_churn_rate"], string(c.GrossMRRChurnRate))
	sameDecimal(t, what+" net", e["net_mrr_churn_rate"], string(c.NetMRRChurnRate))
	sameDecimal(t, what+" nrr", e["nrr"], string(c.NRR))
	sameDecimal(t, what+" grr", e["grr"], string(c.GRR))
	sameDecimal(t, what+" quick", e["quick_ratio"], string(c.QuickRatio))
}

func checkLTVVector(t *testing.T, ledger *cognition.RevenueLedger, e vectorMap) {
	window := uint32(3)
	if w, ok := e["window_months"].(float64); ok {
		window = uint32(w)
	}
	asOf := e["as_of"].(string)
	l, err := ledger.LTV(day(t, asOf), window)
	if err != nil {
		t.Fatalf("ltv %s: %v", asOf, err)
	}
	sameCount(t, "ltv "+asOf+" window", float64(window), uint64(l.WindowMonths))
	what := "ltv " + asOf
	sameCount(t, what+" churned", e["churned_customers"], l.ChurnedCustomers)
	sameCount(t, what+" customer months", e["customer_months"], l.CustomerMonths)
	sameDecimal(t, what+" churn rate", e["monthly_churn_rate"], string(l.MonthlyChurnRate))
	arpa := ""
	if l.ARPA != nil {
		arpa = string(l.ARPA.Amount)
	}
	sameDecimal(t, what+" arpa", e["arpa"], arpa)
	want := e["ltv"].(map[string]any)
	if string(l.LTV.Kind) != want["kind"] {
		t.Fatalf("%s: kind %q, want %v", what, l.LTV.Kind, want["kind"])
	}
	if l.LTV.Kind == cognition.LTVFinite {
		if l.LTV.Value == nil {
			t.Fatalf("%s: finite LTV without a value", what)
		}
		sameDecimal(t, what+" value", want["value"], string(l.LTV.Value.Amount))
	}
}

func newLedger(t *testing.T, cfg cognition.LedgerConfig) *cognition.RevenueLedger {
	t.Helper()
	l, err := cognition.NewRevenueLedger(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func sampleFXConfig(t *testing.T) cognition.LedgerConfig {
	t.Helper()
	raw, err := os.ReadFile("../../data/samples/revenue/fx.csv")
	if err != nil {
		t.Fatal(err)
	}
	fx := &cognition.FXConfig{Reporting: "USD"}
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(strings.TrimSpace(line), ",")
		fx.Rates = append(fx.Rates, cognition.FXRate{Currency: f[0], Rate: cognition.Decimal(f[1]), From: f[2]})
	}
	return cognition.LedgerConfig{FX: fx}
}

func TestRevenueSampleCSVLoadsAndReportsInUSD(t *testing.T) {
	ledger := newLedger(t, sampleFXConfig(t))
	f, err := os.Open("../../data/samples/revenue/subscriptions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := ledger.LoadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3000 {
		t.Fatalf("loaded %d rows, want the sample's 3000", n)
	}
	r, err := ledger.Report(day(t, "2024-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Snapshot.MRR.Currency != "USD" || r.Snapshot.ActiveCustomers == 0 {
		t.Fatalf("snapshot %+v", r.Snapshot)
	}
	// The breakdown by currency adds up to the total MRR.
	sum := new(big.Rat)
	for _, row := range r.ByCurrency.Rows {
		x, ok := new(big.Rat).SetString(string(row.MRR.Amount))
		if !ok {
			t.Fatalf("row %s: %q is not a decimal", row.Key, row.MRR.Amount)
		}
		sum.Add(sum, x)
	}
	total, ok := new(big.Rat).SetString(string(r.Snapshot.MRR.Amount))
	if !ok || total.Cmp(sum) != 0 {
		t.Fatalf("currency rows add up to %s, total MRR is %s", sum.FloatString(15), r.Snapshot.MRR.Amount)
	}
	if len(r.Movements.Reporting.Months) != 12 || len(r.Forecast.Points) != 12 {
		t.Fatalf("%d movement months, %d forecast points; want 12 each",
			len(r.Movements.Reporting.Months), len(r.Forecast.Points))
	}
}

func TestRevenueSampleWithoutFXTableNeedsRates(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	raw, err := os.ReadFile("../../data/samples/revenue/subscriptions.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.LoadCSVBytes(raw); err != nil {
		t.Fatal(err)
	}
	_, err = ledger.Report(day(t, "2024-12-31"))
	if !errors.Is(err, cognition.ErrRevenueMissingFXRate) {
		t.Fatalf("got %v, want REVENUE_MISSING_FX_RATE", err)
	}
}

// The report decodes into the Go structs with no field left over: a schema drift fails here.
func TestRevenueReportJSONHasNoFieldTheStructsMiss(t *testing.T) {
	ledger := newLedger(t, sampleFXConfig(t))
	raw, _ := os.ReadFile("../../data/samples/revenue/subscriptions.csv")
	if _, err := ledger.LoadCSVBytes(raw); err != nil {
		t.Fatal(err)
	}
	js, err := ledger.ReportJSON(day(t, "2024-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var r cognition.RevenueReport
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.AsOf != "2024-06-15" || len(r.Cohorts.Cohorts) == 0 {
		t.Fatalf("as_of %s, %d cohorts", r.AsOf, len(r.Cohorts.Cohorts))
	}
}

func subscription(id string) cognition.Subscription {
	return cognition.Subscription{ID: id, CustomerID: "c-" + id, PlanID: "pro", Tier: "PRO", Status: "active",
		UnitAmount: "2900", Currency: "USD", Interval: "month", Start: "2024-01-15"}
}

func TestRevenueStructsRoundTripThroughTheLedger(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	team := subscription("b")
	team.Quantity = 3
	team.Discounts = []cognition.Discount{{Off: cognition.DiscountOff{Type: "percent", Value: "50"}, End: "2024-03-01"}}
	if err := ledger.AddSubscriptions(subscription("a"), team); err != nil {
		t.Fatal(err)
	}
	r, err := ledger.Report(day(t, "2024-02-10"))
	if err != nil {
		t.Fatal(err)
	}
	sameDecimal(t, "mrr", "7250", string(r.Snapshot.MRR.Amount)) // 2900 + 3 x 2900 / 2
	r, err = ledger.Report(day(t, "2024-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	sameDecimal(t, "mrr after the discount", "11600", string(r.Snapshot.MRR.Amount))
}

const subscriptionEvent = `{"id":"evt_1","type":"customer.subscription.created","created":1706745600,"livemode":false,
"data":{"object":{"id":"sub_9","object":"subscription","customer":"cus_9","status":"active",
"created":1706745600,"start_date":1706745600,"items":{"data":[{"id":"si_1","quantity":1,
"price":{"id":"price_1","currency":"usd","unit_amount":2000,"recurring":{"interval":"month","interval_count":1}}}]}}}}`

func TestRevenueApplyEventRecordsTheSubscription(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	applied, err := ledger.ApplyEvent([]byte(subscriptionEvent))
	if err != nil || !applied {
		t.Fatalf("applied %v, err %v", applied, err)
	}
	r, err := ledger.Report(day(t, "2024-02-15"))
	if err != nil {
		t.Fatal(err)
	}
	sameDecimal(t, "mrr", "2000", string(r.Snapshot.MRR.Amount))
}

func TestRevenueReportDayIsTheCalendarDayOfAsOfInItsLocation(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	if err := ledger.AddSubscriptions(subscription("a")); err != nil {
		t.Fatal(err)
	}
	tokyo := time.FixedZone("UTC+9", 9*3600)
	r, err := ledger.Report(time.Date(2024, 3, 31, 0, 30, 0, 0, tokyo)) // March 30 in UTC
	if err != nil {
		t.Fatal(err)
	}
	if r.AsOf != "2024-03-31" || r.Snapshot.AsOf != "2024-03-31" {
		t.Fatalf("report as of %s, snapshot %s; want 2024-03-31", r.AsOf, r.Snapshot.AsOf)
	}
}

func TestRevenueApplyEventIgnoresOtherEventTypes(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	other := strings.Replace(subscriptionEvent, "customer.subscription.created", "invoice.paid", 1)
	applied, err := ledger.ApplyEvent([]byte(other))
	if err != nil || applied {
		t.Fatalf("applied %v, err %v; want ignored", applied, err)
	}
}

func TestRevenueAddStripeObject(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	var env struct {
		Data struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(subscriptionEvent), &env); err != nil {
		t.Fatal(err)
	}
	if err := ledger.AddStripe(env.Data.Object); err != nil {
		t.Fatal(err)
	}
	err := ledger.AddStripe(env.Data.Object)
	if !errors.Is(err, cognition.ErrRevenueDuplicateID) {
		t.Fatalf("second add: got %v, want REVENUE_DUPLICATE_ID", err)
	}
	err = ledger.AddStripe([]byte(`{"id":"sub_x","object":"subscription","items":{"data":[]}}`))
	if !errors.Is(err, cognition.ErrRevenueMalformedStripeObject) {
		t.Fatalf("no items: got %v, want REVENUE_MALFORMED_STRIPE_OBJECT", err)
	}
}

func TestRevenueHostileInputGetsTypedErrors(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	cases := []struct {
		name string
		err  error
		want *cognition.Error
	}{
		{"subscriptions not JSON", ledger.AddSubscriptionsJSON([]byte(`[{"id":`)), cognition.ErrInvalidArgument},
		{"empty subscriptions JSON", ledger.AddSubscriptionsJSON(nil), cognition.ErrInvalidArgument},
		{"stripe not JSON", ledger.AddStripe([]byte("\x00\xff")), cognition.ErrInvalidArgument},
		{"bad start date", func() error {
			s := subscription("d")
			s.Start = "2024-02-30"
			return ledger.AddSubscriptions(s)
		}(), cognition.ErrRevenueInvalidSubscription},
		{"unknown currency", func() error {
			s := subscription("e")
			s.Currency = "XYZ"
			return ledger.AddSubscriptions(s)
		}(), cognition.ErrRevenueUnknownCurrency},
		{"event not JSON", func() error { _, err := ledger.ApplyEvent([]byte("nope")); return err }(), cognition.ErrEventInvalidJSON},
		{"event without fields", func() error { _, err := ledger.ApplyEvent([]byte("{}")); return err }(), cognition.ErrEventMissingField},
		{"csv with a bad amount", func() error {
			_, err := ledger.LoadCSVBytes([]byte("id,customer_id,plan_id,status,unit_amount,currency,interval,start\na,c,p,active,ten,USD,month,2024-01-01\n"))
			return err
		}(), cognition.ErrRevenueMalformedCSV},
		{"bad fx rate", func() error {
			_, err := cognition.NewRevenueLedger(cognition.LedgerConfig{FX: &cognition.FXConfig{Reporting: "USD",
				Rates: []cognition.FXRate{{Currency: "EUR", Rate: "-1"}}}})
			return err
		}(), cognition.ErrRevenueInvalidFXRate},
		{"unknown reporting currency", func() error {
			_, err := cognition.NewRevenueLedger(cognition.LedgerConfig{FX: &cognition.FXConfig{Reporting: "ZZZ"}})
			return err
		}(), cognition.ErrRevenueUnknownCurrency},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %s", c.name, c.err, c.want.Code)
		}
	}
	// All or nothing: none of the failed loads left a subscription behind.
	r, err := ledger.Report(day(t, "2024-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Snapshot.ActiveCustomers != 0 {
		t.Fatalf("%d customers after failed loads, want 0", r.Snapshot.ActiveCustomers)
	}
}

func TestRevenueLoadCSVFileOfAMissingFileIsATypedError(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	n, err := ledger.LoadCSVFile("../../data/samples/revenue/no-such-file.csv")
	if n != 0 || !errors.Is(err, cognition.ErrInvalidArgument) || !strings.Contains(err.Error(), "no-such-file.csv") {
		t.Fatalf("got %d, %v; want INVALID_ARGUMENT naming the file", n, err)
	}
}

func TestRevenueLoadCSVFileLoadsTheSample(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	n, err := ledger.LoadCSVFile("../../data/samples/revenue/subscriptions.csv")
	if err != nil || n != 3000 {
		t.Fatalf("got %d, %v; want the sample's 3000 rows", n, err)
	}
}

func TestRevenueLoadCSVFromAFailingReaderIsATypedError(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	n, err := ledger.LoadCSV(failingReader{})
	if n != 0 || !errors.Is(err, cognition.ErrInvalidArgument) {
		t.Fatalf("got %d, %v; want INVALID_ARGUMENT", n, err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, os.ErrNotExist }

func TestRevenueEmptyCSVIsMalformed(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	n, err := ledger.LoadCSVBytes(nil)
	if n != 0 || !errors.Is(err, cognition.ErrRevenueMalformedCSV) || !strings.Contains(err.Error(), "missing from the header") {
		t.Fatalf("got %d, %v; want REVENUE_MALFORMED_CSV naming the missing columns", n, err)
	}
}

func TestRevenueClosedLedgerIsInvalidState(t *testing.T) {
	ledger, err := cognition.NewRevenueLedger(cognition.LedgerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ledger.Close(); err != nil {
		t.Fatalf("closing twice: %v", err)
	}
	_, err = ledger.Report(day(t, "2024-01-01"))
	if !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("report: got %v", err)
	}
	if err := ledger.AddSubscriptions(subscription("a")); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("add: got %v", err)
	}
	if _, err := ledger.ApplyEvent([]byte(subscriptionEvent)); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("event: got %v", err)
	}
	if _, err := ledger.LoadCSVBytes([]byte("id\n")); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("csv: got %v", err)
	}
}

func TestRevenueReportsRunFromManyGoroutines(t *testing.T) {
	ledger := newLedger(t, cognition.LedgerConfig{})
	if err := ledger.AddSubscriptions(subscription("a")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			s := subscription("g" + string(rune('a'+i)))
			errs <- ledger.AddSubscriptions(s)
		}(i)
		go func() {
			defer wg.Done()
			_, err := ledger.Report(day(t, "2024-03-01"))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := ledger.Report(day(t, "2024-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Snapshot.ActiveCustomers != 9 {
		t.Fatalf("%d customers, want 9", r.Snapshot.ActiveCustomers)
	}
}

func sampleLedger(t *testing.T) *cognition.RevenueLedger {
	t.Helper()
	ledger := newLedger(t, sampleFXConfig(t))
	if _, err := ledger.LoadCSVFile("../../data/samples/revenue/subscriptions.csv"); err != nil {
		t.Fatal(err)
	}
	return ledger
}

func TestRevenueMetricMethodsAgreeWithTheReport(t *testing.T) {
	ledger := sampleLedger(t)
	asOf := day(t, "2024-12-31")
	r, err := ledger.Report(asOf)
	if err != nil {
		t.Fatal(err)
	}
	snapshot, err := ledger.Snapshot(asOf)
	if err != nil || !reflect.DeepEqual(snapshot, r.Snapshot) {
		t.Errorf("Snapshot %+v, %v; the report has %+v", snapshot, err, r.Snapshot)
	}
	movements, err := ledger.Movements(day(t, "2024-01-01"), asOf, true)
	if err != nil || !reflect.DeepEqual(movements, r.Movements) {
		t.Errorf("Movements differ from the report's 12 months (err %v)", err)
	}
	churn, err := ledger.Churn(day(t, "2024-12-01")) // December is complete on the 31st
	if err != nil || !reflect.DeepEqual(churn, r.Churn) {
		t.Errorf("Churn of December differs from the report's last complete month (err %v)", err)
	}
	ltv, err := ledger.LTV(asOf, 3)
	if err != nil || !reflect.DeepEqual(ltv, r.LTV) {
		t.Errorf("LTV differs from the report's (err %v)", err)
	}
	cohorts, err := ledger.Cohorts(cognition.CohortMonth, asOf)
	if err != nil || !reflect.DeepEqual(cohorts, r.Cohorts) {
		t.Errorf("monthly Cohorts differ from the report's (err %v)", err)
	}
	forecast, err := ledger.Forecast(asOf, 12, 6)
	if err != nil || !reflect.DeepEqual(forecast, r.Forecast) {
		t.Errorf("Forecast differs from the report's (err %v)", err)
	}
	byPlan, err := ledger.Breakdown(asOf, cognition.ByPlan)
	if err != nil || !reflect.DeepEqual(byPlan, r.ByPlan) {
		t.Errorf("Breakdown by plan differs from the report's (err %v)", err)
	}
}

func TestRevenueMetricOptionsReachTheLibrary(t *testing.T) {
	ledger := sampleLedger(t)
	asOf := day(t, "2024-12-31")
	weekly, err := ledger.Cohorts(cognition.CohortWeek, asOf)
	if err != nil || weekly.Period != "week" {
		t.Fatalf("weekly cohorts: %+v, %v", weekly.Period, err)
	}
	forecast, err := ledger.Forecast(asOf, 3, 2)
	if err != nil || len(forecast.Points) != 3 {
		t.Fatalf("3-month forecast: %d points, %v", len(forecast.Points), err)
	}
	ltv, err := ledger.LTV(asOf, 6)
	if err != nil || ltv.WindowMonths != 6 {
		t.Fatalf("6-month LTV window: %d, %v", ltv.WindowMonths, err)
	}
}

func TestRevenueBadMetricQueriesAreInvalidArguments(t *testing.T) {
	ledger := sampleLedger(t)
	for _, q := range []string{
		``, `not json`, `[]`, `{"metric":"moon","as_of":"2024-01-01"}`,
		`{"metric":"ltv","as_of":"2024-01-01","window":3}`,
		`{"metric":"churn","month":"2024-02-30"}`,
	} {
		if _, err := ledger.QueryJSON([]byte(q)); codeOf(err) != "INVALID_ARGUMENT" {
			t.Errorf("QueryJSON(%q): %v, want INVALID_ARGUMENT", q, err)
		}
	}
	if _, err := ledger.Cohorts("fortnight", day(t, "2024-01-01")); codeOf(err) != "INVALID_ARGUMENT" {
		t.Errorf("unknown cohort period: %v", err)
	}
	if _, err := ledger.LTV(day(t, "2024-01-01"), 0); codeOf(err) != "INVALID_ARGUMENT" {
		t.Errorf("LTV window 0: %v", err)
	}
	if _, err := ledger.Movements(day(t, "2024-05-01"), day(t, "2024-01-01"), false); codeOf(err) != "INVALID_ARGUMENT" {
		t.Errorf("movements ending before they start: %v", err)
	}
}
