package cognition_test

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// The shared cases in tests/vectors/query_fingerprint.json, run by every face.
type fingerprintVectors struct {
	Cases []struct {
		Name        string `json:"name"`
		SQL         string `json:"sql"`
		PtQueryID   string `json:"pt_query_id"`
		Normalized  string `json:"normalized"`
		ID          string `json:"id"`
		Kind        string `json:"kind"`
		Description string `json:"intended_difference"`
	} `json:"cases"`
}

// The shared cases in tests/vectors/query_suggestions.json.
type suggestionVectors struct {
	Evidence map[string]struct {
		Calls        uint64  `json:"calls"`
		MeanMs       float64 `json:"mean_ms"`
		P95Ms        float64 `json:"p95_ms"`
		RowsExamined uint64  `json:"rows_examined"`
		RowsReturned uint64  `json:"rows_returned"`
		Efficiency   float64 `json:"efficiency"`
	} `json:"evidence"`
	Cases []struct {
		Name           string   `json:"name"`
		SQL            string   `json:"sql"`
		Evidence       string   `json:"evidence"`
		Strategies     []string `json:"strategies"`
		Statements     []string `json:"statements"`
		ReasonContains []string `json:"reason_contains"`
	} `json:"cases"`
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile("../../tests/vectors/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func loadFingerprintVectors(t testing.TB) fingerprintVectors {
	var v fingerprintVectors
	loadJSON(t, "query_fingerprint.json", &v)
	if len(v.Cases) < 100 {
		t.Fatalf("only %d fingerprint cases", len(v.Cases))
	}
	return v
}

func TestFingerprintVectors(t *testing.T) {
	for _, c := range loadFingerprintVectors(t).Cases {
		fp, err := cognition.Fingerprint(c.SQL)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		want := cognition.QueryFingerprint{ID: c.ID, Normalized: c.Normalized, Kind: cognition.QueryKind(c.Kind), QueryID: c.PtQueryID}
		if fp != want {
			t.Errorf("%s: got %+v, want %+v", c.Name, fp, want)
		}
		id, err := cognition.FingerprintID(c.SQL)
		if err != nil || strconv.FormatUint(id, 16) != trimZeros(c.ID) {
			t.Errorf("%s: FingerprintID = %x, %v; want %s", c.Name, id, err, c.ID)
		}
	}
}

func TestSuggestionVectors(t *testing.T) {
	var v suggestionVectors
	loadJSON(t, "query_suggestions.json", &v)
	if len(v.Cases) < 20 {
		t.Fatalf("only %d suggestion cases", len(v.Cases))
	}
	for _, c := range v.Cases {
		e, ok := v.Evidence[c.Evidence]
		if !ok {
			t.Fatalf("%s: unknown evidence %q", c.Name, c.Evidence)
		}
		evidence := cognition.Evidence{
			Calls: e.Calls, Mean: time.Duration(e.MeanMs * float64(time.Millisecond)),
			P95: time.Duration(e.P95Ms * float64(time.Millisecond)), RowsExamined: e.RowsExamined,
			RowsReturned: e.RowsReturned, Efficiency: e.Efficiency,
		}
		advice, err := cognition.Suggest(c.SQL, evidence, nil)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		strategies := []string{}
		statements := []string{}
		for _, s := range advice {
			strategies = append(strategies, string(s.Strategy))
			if s.Statement != "" {
				statements = append(statements, s.Statement)
			}
			if s.Evidence != evidence {
				t.Errorf("%s: evidence %+v came back as %+v", c.Name, evidence, s.Evidence)
			}
		}
		if strings.Join(strategies, ",") != strings.Join(c.Strategies, ",") ||
			strings.Join(statements, "\n") != strings.Join(c.Statements, "\n") {
			t.Errorf("%s: got %v %q, want %v %q", c.Name, strategies, statements, c.Strategies, c.Statements)
		}
		for _, needle := range c.ReasonContains {
			found := false
			for _, s := range advice {
				found = found || strings.Contains(s.Reason, needle)
			}
			if !found {
				t.Errorf("%s: no reason contains %q", c.Name, needle)
			}
		}
	}
}

func TestSuggestWithThresholds(t *testing.T) {
	evidence := cognition.Evidence{Calls: 500, Mean: 80 * time.Millisecond, RowsExamined: 50_000_000,
		RowsReturned: 5_000, Efficiency: 0.0001}
	defaults := cognition.DefaultSuggestConfig()
	if defaults.IndexMinCalls != 10 || defaults.LowEfficiency != 0.2 || defaults.AggregateMinMean != 100*time.Millisecond {
		t.Fatalf("defaults %+v are not the documented ones", defaults)
	}
	strict := defaults
	strict.IndexMinCalls = 1_000
	advice, err := cognition.Suggest("SELECT id FROM t WHERE a = 1", evidence, &strict)
	if err != nil || len(advice) != 0 {
		t.Fatalf("500 calls under IndexMinCalls 1000: got %+v, %v", advice, err)
	}
	advice, err = cognition.Suggest("SELECT id FROM t WHERE a = 1", evidence, &defaults)
	if err != nil || len(advice) != 1 || advice[0].Statement != "CREATE INDEX idx_t_a ON t (a)" {
		t.Fatalf("with the defaults: got %+v, %v", advice, err)
	}
}
