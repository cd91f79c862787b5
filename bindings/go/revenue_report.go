package cognition

// The Go form of the library's revenue report JSON (cognition_core::revenue::RevenueReport).
// Dates are "YYYY-MM-DD" strings as in the JSON (calendar days, not instants); money is
// [Money] or [Decimal] in minor units, never float64; a nullable decimal is "" when null.

// RevenueReport is every revenue metric as of one day.
type RevenueReport struct {
	AsOf       string           `json:"as_of"`
	Snapshot   MRRSnapshot      `json:"snapshot"`  // MRR, ARR, customers, ARPU
	Movements  Movements        `json:"movements"` // the month of AsOf (to date) and the 11 before
	Churn      ChurnMetrics     `json:"churn"`     // the last complete month
	LTV        LTV              `json:"ltv"`       // over the 3 complete months before AsOf
	Cohorts    CohortTable      `json:"cohorts"`   // monthly cohorts up to AsOf
	Forecast   Forecast         `json:"forecast"`  // 12 months from 6 months of history
	ByTier     RevenueBreakdown `json:"by_tier"`
	ByPlan     RevenueBreakdown `json:"by_plan"`
	ByCurrency RevenueBreakdown `json:"by_currency"`
}

// FXRateUsed is a rate a figure was converted with: 1 Currency = Rate reporting currency.
type FXRateUsed struct {
	Currency string  `json:"currency"`
	Rate     Decimal `json:"rate"`
}

// MRRSnapshot is monthly recurring revenue and customers at the end of a day.
type MRRSnapshot struct {
	AsOf            string       `json:"as_of"`
	MRR             Money        `json:"mrr"`
	ARR             Money        `json:"arr"`
	ActiveCustomers uint64       `json:"active_customers"`
	PayingCustomers uint64       `json:"paying_customers"`
	ARPU            *Money       `json:"arpu"` // nil without paying customers
	ByCurrency      []Money      `json:"by_currency"`
	FXRates         []FXRateUsed `json:"fx_rates"`
}

// MonthMovements is how MRR moved within one month (amounts in minor units of the table's
// currency).
type MonthMovements struct {
	Month                string  `json:"month"`
	StartDay             string  `json:"start_day"`
	EndDay               string  `json:"end_day"`
	MRRStart             Decimal `json:"mrr_start"`
	New                  Decimal `json:"new"`
	Expansion            Decimal `json:"expansion"`
	Contraction          Decimal `json:"contraction"`
	Churn                Decimal `json:"churn"`
	Reactivation         Decimal `json:"reactivation"`
	MRREnd               Decimal `json:"mrr_end"`
	NetNewMRR            Decimal `json:"net_new_mrr"`
	CustomersStart       uint64  `json:"customers_start"`
	NewCustomers         uint64  `json:"new_customers"`
	ExpansionCustomers   uint64  `json:"expansion_customers"`
	ContractionCustomers uint64  `json:"contraction_customers"`
	ChurnedCustomers     uint64  `json:"churned_customers"`
	ReactivatedCustomers uint64  `json:"reactivated_customers"`
	CustomersEnd         uint64  `json:"customers_end"`
}

// MovementTable is the months of movements in one currency.
type MovementTable struct {
	Currency string           `json:"currency"`
	Months   []MonthMovements `json:"months"`
}

// Movements is MRR movements in the reporting currency and per native currency.
type Movements struct {
	Reporting  MovementTable   `json:"reporting"`
	FXRates    []FXRateUsed    `json:"fx_rates"`
	ByCurrency []MovementTable `json:"by_currency"`
}

// ChurnMetrics is churn and retention over one month; a ratio is "" when undefined (0/0).
type ChurnMetrics struct {
	Month             string       `json:"month"`
	CustomersStart    uint64       `json:"customers_start"`
	ChurnedCustomers  uint64       `json:"churned_customers"`
	CustomerChurnRate Ratio        `json:"customer_churn_rate"`
	MRRStart          Money        `json:"mrr_start"`
	ChurnedMRR        Money        `json:"churned_mrr"`
	ContractionMRR    Money        `json:"contraction_mrr"`
	ExpansionMRR      Money        `json:"expansion_mrr"`
	NewMRR            Money        `json:"new_mrr"`
	ReactivationMRR   Money        `json:"reactivation_mrr"`
	GrossMRRChurnRate Ratio        `json:"gross_mrr_churn_rate"`
	NetMRRChurnRate   Ratio        `json:"net_mrr_churn_rate"`
	NRR               Ratio        `json:"nrr"`
	GRR               Ratio        `json:"grr"`
	QuickRatio        Ratio        `json:"quick_ratio"`
	FXRates           []FXRateUsed `json:"fx_rates"`
}

// LTVKind says whether a lifetime value is finite.
type LTVKind string

// The LTV kinds.
const (
	LTVFinite    LTVKind = "finite"    // ARPA ÷ monthly customer churn rate
	LTVUnbounded LTVKind = "unbounded" // no customer churned in the window
	LTVUndefined LTVKind = "undefined" // no paying customer, or none at the start of any month
)

// LTVValue is a lifetime value; Value is set only when Kind is [LTVFinite].
type LTVValue struct {
	Kind  LTVKind `json:"kind"`
	Value *Money  `json:"value"`
}

// LTV is customer lifetime value: ARPA ÷ monthly customer churn over a trailing window.
type LTV struct {
	AsOf                  string   `json:"as_of"`
	WindowStart           string   `json:"window_start"`
	WindowEnd             string   `json:"window_end"`
	WindowMonths          uint32   `json:"window_months"`
	ARPA                  *Money   `json:"arpa"`
	ChurnedCustomers      uint64   `json:"churned_customers"`
	CustomerMonths        uint64   `json:"customer_months"`
	MonthlyChurnRate      Ratio    `json:"monthly_churn_rate"`
	AverageLifetimeMonths Ratio    `json:"average_lifetime_months"`
	LTV                   LTVValue `json:"ltv"`
}

// Cohort is the customers who started in one period and what is left of them in each period
// since (index 0 = the starting period).
type Cohort struct {
	PeriodStart         string    `json:"period_start"`
	Customers           uint64    `json:"customers"`
	InitialMRR          Decimal   `json:"initial_mrr"`
	RetainedCustomers   []uint64  `json:"retained_customers"`
	RetainedMRR         []Decimal `json:"retained_mrr"`
	LogoRetentionPct    []Ratio   `json:"logo_retention_pct"`
	RevenueRetentionPct []Ratio   `json:"revenue_retention_pct"`
}

// CohortTable is the cohorts up to a day.
type CohortTable struct {
	Period   string       `json:"period"`
	AsOf     string       `json:"as_of"`
	Currency string       `json:"currency"`
	FXRates  []FXRateUsed `json:"fx_rates"`
	Cohorts  []Cohort     `json:"cohorts"`
}

// MonthMRR is the MRR at the end of one month.
type MonthMRR struct {
	Month string  `json:"month"`
	MRR   Decimal `json:"mrr"`
}

// ForecastPoint is one forecast month: compound growth and linear trend ("" when undefined).
type ForecastPoint struct {
	Month    string  `json:"month"`
	Compound Decimal `json:"compound"`
	Linear   Decimal `json:"linear"`
}

// Forecast projects MRR from its history by compound growth and by a linear trend.
type Forecast struct {
	AsOf                      string          `json:"as_of"`
	Currency                  string          `json:"currency"`
	FXRates                   []FXRateUsed    `json:"fx_rates"`
	History                   []MonthMRR      `json:"history"`
	CompoundMonthlyGrowthRate Ratio           `json:"compound_monthly_growth_rate"`
	LinearSlope               Decimal         `json:"linear_slope"`
	LinearIntercept           Decimal         `json:"linear_intercept"`
	Points                    []ForecastPoint `json:"points"`
}

// BreakdownRow is the figures of one tier, plan or currency.
type BreakdownRow struct {
	Key             string `json:"key"`
	Subscriptions   uint64 `json:"subscriptions"`
	Customers       uint64 `json:"customers"`
	PayingCustomers uint64 `json:"paying_customers"`
	MRR             Money  `json:"mrr"`
	NativeMRR       *Money `json:"native_mrr"` // in the row's own currency (by currency only)
	ARPU            *Money `json:"arpu"`
	Share           Ratio  `json:"share"`
}

// RevenueBreakdown is MRR split by tier, plan or currency.
type RevenueBreakdown struct {
	AsOf     string         `json:"as_of"`
	By       string         `json:"by"`
	TotalMRR Money          `json:"total_mrr"`
	Rows     []BreakdownRow `json:"rows"`
}
