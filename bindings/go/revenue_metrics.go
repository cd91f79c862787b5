package cognition

// #include <stdbool.h>
// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"runtime"
	"time"
)

// CohortPeriod is the length of a cohort: "day", "week" (ISO, Monday to Sunday), "month" or
// "quarter".
type CohortPeriod string

// Cohort periods.
const (
	CohortDay     CohortPeriod = "day"
	CohortWeek    CohortPeriod = "week"
	CohortMonth   CohortPeriod = "month"
	CohortQuarter CohortPeriod = "quarter"
)

// BreakdownBy is what a breakdown groups by: "tier", "plan" or "currency".
type BreakdownBy string

// Breakdown groupings.
const (
	ByTier     BreakdownBy = "tier"
	ByPlan     BreakdownBy = "plan"
	ByCurrency BreakdownBy = "currency"
)

// QueryJSON computes one metric named by query, a JSON object such as
// {"metric": "movements", "start": "2024-01-01", "end": "2024-06-30", "by_currency": false},
// and returns its JSON (the same struct as in the report). The typed methods below
// ([RevenueLedger.Movements], [RevenueLedger.Churn], ...) build the query for you; this is for
// callers who forward queries they received as JSON.
//
// Errors: [CodeInvalidArgument] (not JSON, unknown metric or key, bad date or option, range
// errors), [CodeRevenueMissingFXRate], [CodeRevenueAmountOutOfRange].
func (l *RevenueLedger) QueryJSON(query []byte) ([]byte, error) {
	var out C.cog_string
	err := l.with(func(p *C.cog_revenue_ledger) C.cog_status {
		q, n := bytesIn(query)
		return C.cog_revenue_query_json(p, q, n, &out)
	})
	runtime.KeepAlive(query)
	if err != nil {
		return nil, err
	}
	return takeBytes(&out), nil
}

// metric runs the query built from fields and decodes the result into out.
func (l *RevenueLedger) metric(fields map[string]any, out any) error {
	query, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	raw, err := l.QueryJSON(query)
	if err != nil {
		return err
	}
	return decode(raw, fields["metric"].(string)+" JSON", out)
}

// dayOf is the calendar day of t in its own location, as the library's JSON writes days.
func dayOf(t time.Time) string { return t.Format(time.DateOnly) }

// Snapshot is MRR, ARR, active and paying customers and ARPU as of the end of asOf's day.
//
// Errors: [CodeRevenueMissingFXRate], [CodeRevenueAmountOutOfRange].
func (l *RevenueLedger) Snapshot(asOf time.Time) (MRRSnapshot, error) {
	var s MRRSnapshot
	err := l.metric(map[string]any{"metric": "snapshot", "as_of": dayOf(asOf)}, &s)
	return s, err
}

// Movements is new, expansion, contraction, churn and reactivation MRR for each month from
// start's to end's, the last measured up to end. Without byCurrency only the reporting-currency
// table is computed (ByCurrency is empty), which is faster.
//
// Errors: [CodeInvalidArgument] (end before start, range too long), [CodeRevenueMissingFXRate].
func (l *RevenueLedger) Movements(start, end time.Time, byCurrency bool) (Movements, error) {
	var m Movements
	err := l.metric(map[string]any{
		"metric": "movements", "start": dayOf(start), "end": dayOf(end), "by_currency": byCurrency,
	}, &m)
	return m, err
}

// Churn is customer and MRR churn, NRR, GRR and the quick ratio of the month containing month.
//
// Errors: [CodeRevenueMissingFXRate].
func (l *RevenueLedger) Churn(month time.Time) (ChurnMetrics, error) {
	var c ChurnMetrics
	err := l.metric(map[string]any{"metric": "churn", "month": dayOf(month)}, &c)
	return c, err
}

// LTV is ARPA ÷ monthly customer churn as of asOf over the windowMonths complete months before
// it (3 is usual).
//
// Errors: [CodeInvalidArgument] (a window of 0 or too long), [CodeRevenueMissingFXRate].
func (l *RevenueLedger) LTV(asOf time.Time, windowMonths uint32) (LTV, error) {
	var v LTV
	err := l.metric(map[string]any{
		"metric": "ltv", "as_of": dayOf(asOf), "window_months": windowMonths,
	}, &v)
	return v, err
}

// Cohorts groups customers by the period of their first paid day and follows the customers and
// MRR retained at the end of each later period up to asOf.
//
// Errors: [CodeInvalidArgument] (unknown period, too many periods), [CodeRevenueMissingFXRate].
func (l *RevenueLedger) Cohorts(period CohortPeriod, asOf time.Time) (CohortTable, error) {
	var c CohortTable
	err := l.metric(map[string]any{
		"metric": "cohorts", "period": string(period), "as_of": dayOf(asOf),
	}, &c)
	return c, err
}

// Forecast projects month-end MRR for months months after the last complete month before asOf,
// from historyMonths months of history (12 and 6 are the report's).
//
// Errors: [CodeInvalidArgument] (0 or too many months), [CodeRevenueMissingFXRate].
func (l *RevenueLedger) Forecast(asOf time.Time, months, historyMonths uint32) (Forecast, error) {
	var f Forecast
	err := l.metric(map[string]any{
		"metric": "forecast", "as_of": dayOf(asOf), "months": months, "history_months": historyMonths,
	}, &f)
	return f, err
}

// Breakdown is subscriptions, customers, MRR, ARPU and share of MRR per tier, plan or currency.
//
// Errors: [CodeInvalidArgument] (unknown grouping), [CodeRevenueMissingFXRate].
func (l *RevenueLedger) Breakdown(asOf time.Time, by BreakdownBy) (RevenueBreakdown, error) {
	var b RevenueBreakdown
	err := l.metric(map[string]any{"metric": "breakdown", "as_of": dayOf(asOf), "by": string(by)}, &b)
	return b, err
}
