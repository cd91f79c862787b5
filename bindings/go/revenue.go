package cognition

// #include <stdbool.h>
// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"io"
	"os"
	"runtime"
	"sync"
	"time"
)

// Decimal is an exact decimal number as the library writes it ("1000", "4333.333333333333").
// Money is never a float64: compare Decimals as decimals (e.g. with math/big), not as strings,
// when trailing zeros may differ.
type Decimal string

// Ratio is a fraction rounded half-even to 12 places as a decimal string, "unbounded" for x/0,
// or "" when undefined (0/0; null in the library's JSON).
type Ratio string

// RatioUnbounded is the [Ratio] of a positive number over zero.
const RatioUnbounded Ratio = "unbounded"

// Money is an amount in minor units of its currency (cents for USD, yen for JPY, fils for KWD).
type Money struct {
	Amount   Decimal `json:"amount"`
	Currency string  `json:"currency"`
}

// LedgerConfig configures a [RevenueLedger]; the zero value is the defaults (past-due
// subscriptions count, no FX table: every figure must be in one currency).
type LedgerConfig struct {
	// CountPastDue: whether past-due subscriptions count as revenue (nil = default true).
	CountPastDue *bool `json:"count_past_due,omitempty"`
	// FX converts every figure into a reporting currency (nil = none).
	FX *FXConfig `json:"fx,omitempty"`
}

// FXConfig is the reporting currency and the rates into it.
type FXConfig struct {
	Reporting string   `json:"reporting"`
	Rates     []FXRate `json:"rates"`
}

// FXRate converts one unit of Currency into Rate units of the reporting currency, from the day
// From ("YYYY-MM-DD"; "" = always).
type FXRate struct {
	Currency string  `json:"currency"`
	Rate     Decimal `json:"rate"`
	From     string  `json:"from,omitempty"`
}

// Discount is one discount of a subscription: Off.Type "percent" (Value in percent) or "amount"
// (Value in minor units per invoice), between Start and End ("YYYY-MM-DD"; "" = open).
type Discount struct {
	Off   DiscountOff `json:"off"`
	Start string      `json:"start,omitempty"`
	End   string      `json:"end,omitempty"`
}

// DiscountOff is what a [Discount] takes off.
type DiscountOff struct {
	Type  string  `json:"type"`
	Value Decimal `json:"value"`
}

// Subscription is one subscription in the library's JSON form. Dates are "YYYY-MM-DD"; empty
// optional fields are left out (Created defaults to Start, Tier to the plan's, Interval count
// and Quantity to 1).
type Subscription struct {
	ID                string     `json:"id"`
	CustomerID        string     `json:"customer_id"`
	PlanID            string     `json:"plan_id"`
	Tier              string     `json:"tier,omitempty"`
	Status            string     `json:"status"`
	UnitAmount        Decimal    `json:"unit_amount"` // minor units
	Currency          string     `json:"currency"`
	Interval          string     `json:"interval"` // day, week, month, year
	IntervalCount     uint32     `json:"interval_count,omitempty"`
	Quantity          uint64     `json:"quantity,omitempty"`
	Discounts         []Discount `json:"discounts,omitempty"`
	Created           string     `json:"created,omitempty"`
	Start             string     `json:"start"`
	TrialEnd          string     `json:"trial_end,omitempty"`
	CanceledAt        string     `json:"canceled_at,omitempty"`
	EndedAt           string     `json:"ended_at,omitempty"`
	CancelAtPeriodEnd bool       `json:"cancel_at_period_end,omitempty"`
}

// RevenueLedger holds subscriptions and their history and computes every revenue metric over
// them exactly (MRR, movements, churn, LTV, cohorts, forecast, breakdowns).
//
// A RevenueLedger is safe for concurrent use: loads are serialised, reports run in parallel.
// Call Close when done; a finalizer closes a forgotten ledger.
type RevenueLedger struct {
	mu  sync.RWMutex
	ptr *C.cog_revenue_ledger
}

// NewRevenueLedger returns an empty ledger configured by config.
//
// Errors: [CodeInvalidArgument], [CodeRevenueUnknownCurrency], [CodeRevenueInvalidFXRate].
func NewRevenueLedger(config LedgerConfig) (*RevenueLedger, error) {
	raw, err := json.Marshal(config)
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "config is not serialisable: " + err.Error()}
	}
	var ptr *C.cog_revenue_ledger
	err = call(func() C.cog_status {
		p, n := bytesIn(raw)
		return C.cog_revenue_ledger_new(p, n, &ptr)
	})
	runtime.KeepAlive(raw)
	if err != nil {
		return nil, err
	}
	l := &RevenueLedger{ptr: ptr}
	runtime.SetFinalizer(l, (*RevenueLedger).Close)
	return l, nil
}

// Close releases the ledger. Further calls return an error with [CodeInvalidState]. Closing
// twice is fine.
func (l *RevenueLedger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr != nil {
		C.cog_revenue_ledger_free(l.ptr)
		l.ptr = nil
		runtime.SetFinalizer(l, nil)
	}
	return nil
}

// with runs f with the live handle under the read lock (the library locks internally).
func (l *RevenueLedger) with(f func(*C.cog_revenue_ledger) C.cog_status) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ptr == nil {
		return errClosed("revenue ledger")
	}
	err := call(func() C.cog_status { return f(l.ptr) })
	runtime.KeepAlive(l)
	return err
}

// AddSubscriptions adds subscriptions; all or nothing.
//
// Errors: [CodeRevenueInvalidSubscription], [CodeRevenueUnknownCurrency],
// [CodeRevenueDuplicateID].
func (l *RevenueLedger) AddSubscriptions(subs ...Subscription) error {
	raw, err := json.Marshal(subs)
	if err != nil {
		return &Error{Code: CodeInvalidArgument, Message: "subscriptions are not serialisable: " + err.Error()}
	}
	return l.AddSubscriptionsJSON(raw)
}

// AddSubscriptionsJSON adds subscriptions given as JSON (one object or a list, in the form of
// [Subscription]); all or nothing.
//
// Errors: [CodeInvalidArgument] (not JSON), [CodeRevenueInvalidSubscription],
// [CodeRevenueUnknownCurrency], [CodeRevenueDuplicateID].
func (l *RevenueLedger) AddSubscriptionsJSON(subs []byte) error {
	err := l.with(func(p *C.cog_revenue_ledger) C.cog_status {
		b, n := bytesIn(subs)
		return C.cog_revenue_add_subscriptions_json(p, b, n)
	})
	runtime.KeepAlive(subs)
	return err
}

// AddStripe adds one Stripe Subscription object as the API returns it (items with expanded
// prices).
//
// Errors: [CodeInvalidArgument] (not JSON), [CodeRevenueMalformedStripeObject],
// [CodeRevenueUnknownCurrency], [CodeRevenueInvalidSubscription], [CodeRevenueDuplicateID].
func (l *RevenueLedger) AddStripe(subscription []byte) error {
	err := l.with(func(p *C.cog_revenue_ledger) C.cog_status {
		b, n := bytesIn(subscription)
		return C.cog_revenue_add_stripe_json(p, b, n)
	})
	runtime.KeepAlive(subscription)
	return err
}

// LoadCSV loads subscriptions from CSV text read from r (header row first; columns as in
// data/samples/revenue/subscriptions.csv) and returns how many rows it loaded; all or nothing.
//
// Errors: [CodeInvalidArgument] (r failed), [CodeRevenueMalformedCSV] (the message lists the
// first bad rows with line and column), [CodeRevenueDuplicateID].
func (l *RevenueLedger) LoadCSV(r io.Reader) (int, error) {
	csv, err := io.ReadAll(r)
	if err != nil {
		return 0, &Error{Code: CodeInvalidArgument, Message: "reading the CSV failed: " + err.Error()}
	}
	return l.LoadCSVBytes(csv)
}

// LoadCSVFile is [RevenueLedger.LoadCSV] for the file at path. A file that cannot be read is
// [CodeInvalidArgument] (the message names the path and the reason); nothing is loaded.
func (l *RevenueLedger) LoadCSVFile(path string) (int, error) {
	csv, err := os.ReadFile(path)
	if err != nil {
		return 0, &Error{Code: CodeInvalidArgument, Message: "cannot read the CSV file: " + err.Error()}
	}
	return l.LoadCSVBytes(csv)
}

// LoadCSVBytes is [RevenueLedger.LoadCSV] for CSV text in memory.
func (l *RevenueLedger) LoadCSVBytes(csv []byte) (int, error) {
	var loaded C.size_t
	err := l.with(func(p *C.cog_revenue_ledger) C.cog_status {
		b, n := bytesIn(csv)
		return C.cog_revenue_load_csv(p, b, n, &loaded)
	})
	runtime.KeepAlive(csv)
	if err != nil {
		return 0, err
	}
	return int(loaded), nil
}

// ApplyEvent applies a verified Stripe event envelope (the JSON body Stripe delivers): a
// customer.subscription.* event records the subscription's new state from the event's UTC day
// on; other events are ignored. It reports whether the ledger changed.
//
// Errors: [CodeEventInvalidJSON], [CodeEventMissingField], [CodeEventWrongType] (not an event
// envelope), [CodeRevenueMalformedStripeObject], [CodeRevenueEventOutOfOrder],
// [CodeRevenueInvalidSubscription].
func (l *RevenueLedger) ApplyEvent(event []byte) (applied bool, err error) {
	var out C.bool
	err = l.with(func(p *C.cog_revenue_ledger) C.cog_status {
		b, n := bytesIn(event)
		return C.cog_revenue_apply_event_json(p, b, n, &out)
	})
	runtime.KeepAlive(event)
	if err != nil {
		return false, err
	}
	return bool(out), nil
}

// ReportJSON is every metric as of the end of the calendar day of asOf (read in asOf's own
// location: time.Date(2024, 3, 31, 0, 0, 0, 0, loc) is March 31 whatever loc), as the
// library's JSON. Events are dated by their UTC day.
//
// Errors: [CodeRevenueMissingFXRate], [CodeRevenueAmountOutOfRange].
func (l *RevenueLedger) ReportJSON(asOf time.Time) ([]byte, error) {
	day := dayOf(asOf)
	var out C.cog_string
	err := l.with(func(p *C.cog_revenue_ledger) C.cog_status {
		d, n := strIn(day)
		return C.cog_revenue_report_json(p, d, n, &out)
	})
	runtime.KeepAlive(day)
	if err != nil {
		return nil, err
	}
	return takeBytes(&out), nil
}

// Report is every metric as of the end of the calendar day of asOf (see
// [RevenueLedger.ReportJSON]), decoded.
//
// Errors: as [RevenueLedger.ReportJSON].
func (l *RevenueLedger) Report(asOf time.Time) (RevenueReport, error) {
	raw, err := l.ReportJSON(asOf)
	if err != nil {
		return RevenueReport{}, err
	}
	var r RevenueReport
	if err := decode(raw, "revenue report JSON", &r); err != nil {
		return RevenueReport{}, err
	}
	return r, nil
}
