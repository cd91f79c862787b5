package cognition_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

const fixtures = "../../tests/fixtures/query/"

func newTracker(t *testing.T, opts ...cognition.QueryTrackerOption) *cognition.QueryTracker {
	t.Helper()
	tracker, err := cognition.NewQueryTracker(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tracker.Close() })
	return tracker
}

func mustStats(t *testing.T, tracker *cognition.QueryTracker) []cognition.QueryStats {
	t.Helper()
	stats, err := tracker.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return stats
}

func record(t *testing.T, tracker *cognition.QueryTracker, e cognition.QueryExecution) {
	t.Helper()
	if err := tracker.RecordExecution(e); err != nil {
		t.Fatal(err)
	}
}

func TestStatementsOfOneShapeAreGrouped(t *testing.T) {
	tracker := newTracker(t)
	at := time.UnixMilli(1_700_000_000_000).UTC()
	record(t, tracker, cognition.QueryExecution{SQL: "SELECT * FROM orders WHERE id = 1", Duration: 250 * time.Millisecond, RowsExamined: 10_000, RowsReturned: 1, At: at})
	record(t, tracker, cognition.QueryExecution{SQL: "select * from orders where id=2", Duration: 150 * time.Millisecond, RowsExamined: 10_000, RowsReturned: 1, At: at.Add(time.Second)})
	record(t, tracker, cognition.QueryExecution{SQL: "SELECT 1", Duration: time.Millisecond, RowsReturned: 1, At: at})
	stats := mustStats(t, tracker)
	if len(stats) != 2 {
		t.Fatalf("got %d shapes, want 2", len(stats))
	}
	top := stats[0]
	if top.Normalized != "select * from orders where id = ?" || top.Kind != cognition.QueryKindSelect {
		t.Errorf("top shape %q (%s)", top.Normalized, top.Kind)
	}
	if top.Calls != 2 || top.Mean != 200*time.Millisecond || top.Min != 150*time.Millisecond || top.Max != 250*time.Millisecond {
		t.Errorf("calls %d, mean %v, min %v, max %v", top.Calls, top.Mean, top.Min, top.Max)
	}
	if top.RowsExamined != 20_000 || !top.FirstSeen.Equal(at) || !top.LastSeen.Equal(at.Add(time.Second)) {
		t.Errorf("rows %d, first %v, last %v", top.RowsExamined, top.FirstSeen, top.LastSeen)
	}
	if top.Example != "SELECT * FROM orders WHERE id = 1" || top.ExampleDuration != 250*time.Millisecond {
		t.Errorf("example %q (%v), want the slowest statement", top.Example, top.ExampleDuration)
	}
	if fp, _ := cognition.Fingerprint("SELECT * FROM orders WHERE id = 9"); fp.ID != top.ID {
		t.Errorf("stats id %s differs from the fingerprint %s", top.ID, fp.ID)
	}
}

func TestEfficiencyReproducesTheIssueFigures(t *testing.T) {
	tracker := newTracker(t)
	_ = tracker.Record("SELECT a FROM wide WHERE b = 1", 50*time.Millisecond, 1000, 100)
	_ = tracker.Record("SELECT a FROM narrow WHERE b = 1", 10*time.Millisecond, 100, 100)
	want := map[string]float64{"select a from wide where b = ?": 0.067, "select a from narrow where b = ?": 0.91}
	for _, s := range mustStats(t, tracker) {
		places := 1000.0
		if want[s.Normalized] == 0.91 {
			places = 100
		}
		if got := math.Round(s.Efficiency*places) / places; got != want[s.Normalized] {
			t.Errorf("%s: efficiency %v rounds to %v, want %v", s.Normalized, s.Efficiency, got, want[s.Normalized])
		}
	}
}

func TestCacheResultsAreCounted(t *testing.T) {
	tracker := newTracker(t)
	for _, c := range []cognition.CacheResult{cognition.CacheHit, cognition.CacheHit, cognition.CacheMiss, cognition.CacheUnknown} {
		record(t, tracker, cognition.QueryExecution{SQL: "SELECT 1", Duration: time.Millisecond, Cache: c})
	}
	s := mustStats(t, tracker)[0]
	if s.Calls != 4 || s.CacheHits != 2 || s.CacheMisses != 1 {
		t.Errorf("calls %d, hits %d, misses %d; want 4, 2, 1", s.Calls, s.CacheHits, s.CacheMisses)
	}
}

func TestSlowQueriesAndTheCallbackFiringOnce(t *testing.T) {
	var mu sync.Mutex
	var fired []cognition.QueryStats
	tracker := newTracker(t, cognition.WithSlowThreshold(100*time.Millisecond), cognition.WithSlowMinCalls(3),
		cognition.WithOnSlow(func(s cognition.QueryStats) {
			mu.Lock()
			defer mu.Unlock()
			fired = append(fired, s)
		}))
	for i := 0; i < 6; i++ {
		_ = tracker.Record("SELECT * FROM big WHERE x = 1", 500*time.Millisecond, 0, 1)
		_ = tracker.Record("SELECT 1", time.Millisecond, 0, 1)
	}
	if len(fired) != 1 || fired[0].Normalized != "select * from big where x = ?" || !fired[0].IsSlow || fired[0].Calls != 3 {
		t.Fatalf("callback got %+v, want one call for the slow shape at its third call", fired)
	}
	slow, err := tracker.SlowQueries()
	if err != nil || len(slow) != 1 || slow[0].Calls != 6 {
		t.Fatalf("SlowQueries = %+v, %v", slow, err)
	}
}

func TestSuggestionsFromTrackedStatements(t *testing.T) {
	tracker := newTracker(t)
	for i := 0; i < 20; i++ {
		_ = tracker.Record("SELECT id FROM orders WHERE customer_id = "+strings.Repeat("7", i+1), 120*time.Millisecond, 100_000, 2)
	}
	advice, err := tracker.Suggestions()
	if err != nil || len(advice) == 0 {
		t.Fatalf("Suggestions = %+v, %v", advice, err)
	}
	s := advice[0]
	if s.Strategy != cognition.StrategyIndexHint || s.Table != "orders" ||
		s.Statement != "CREATE INDEX idx_orders_customer_id ON orders (customer_id)" || s.Evidence.Calls != 20 {
		t.Errorf("first suggestion %+v", s)
	}
	quiet := newTracker(t, cognition.WithSuggestConfig(func() cognition.SuggestConfig {
		c := cognition.DefaultSuggestConfig()
		c.IndexMinCalls = 1000
		return c
	}()))
	_ = quiet.Record("SELECT id FROM orders WHERE customer_id = 1", 120*time.Millisecond, 100_000, 2)
	if advice, err := quiet.Suggestions(); err != nil || len(advice) != 0 {
		t.Errorf("with IndexMinCalls 1000: %+v, %v", advice, err)
	}
}

func TestSnapshotsMergeExactlyAcrossTrackers(t *testing.T) {
	a, b := newTracker(t), newTracker(t)
	record(t, a, cognition.QueryExecution{SQL: "SELECT * FROM t WHERE id = 1", Duration: 10 * time.Millisecond, RowsExamined: 5, RowsReturned: 1, Cache: cognition.CacheHit, At: time.UnixMilli(100)})
	record(t, a, cognition.QueryExecution{SQL: "SELECT * FROM t WHERE id = 2", Duration: 30 * time.Millisecond, RowsExamined: 5, RowsReturned: 1, Cache: cognition.CacheMiss, At: time.UnixMilli(200)})
	record(t, b, cognition.QueryExecution{SQL: "SELECT * FROM t WHERE id = 3", Duration: 20 * time.Millisecond, RowsExamined: 5, RowsReturned: 1, At: time.UnixMilli(50)})
	snap, err := a.Snapshot()
	if err != nil || !strings.HasPrefix(string(snap), `{"version":1,`) {
		t.Fatalf("Snapshot = %.40s, %v", snap, err)
	}
	if err := b.Merge(snap); err != nil {
		t.Fatal(err)
	}
	stats := mustStats(t, b)
	if len(stats) != 1 {
		t.Fatalf("%d shapes after the merge, want 1", len(stats))
	}
	s := stats[0]
	if s.Calls != 3 || s.Total != 60*time.Millisecond || s.Mean != 20*time.Millisecond || s.Min != 10*time.Millisecond ||
		s.Max != 30*time.Millisecond || s.RowsExamined != 15 || s.CacheHits != 1 || s.CacheMisses != 1 ||
		s.FirstSeen.UnixMilli() != 50 || s.LastSeen.UnixMilli() != 200 {
		t.Errorf("merged %+v", s)
	}
}

func TestResetAndTheFingerprintBound(t *testing.T) {
	tracker := newTracker(t, cognition.WithMaxFingerprints(2), cognition.WithShards(1))
	_ = tracker.Record("SELECT a FROM x", 100*time.Millisecond, 0, 1)
	_ = tracker.Record("SELECT b FROM x", time.Millisecond, 0, 1)
	_ = tracker.Record("SELECT c FROM x", 50*time.Millisecond, 0, 1)
	n, evictions, err := tracker.Len()
	if err != nil || n != 2 || evictions != 1 {
		t.Fatalf("Len = %d, %d, %v; want 2, 1", n, evictions, err)
	}
	for _, s := range mustStats(t, tracker) {
		if s.Normalized == "select b from x" {
			t.Error("the shape with the least total time was kept")
		}
	}
	if err := tracker.Reset(); err != nil {
		t.Fatal(err)
	}
	if n, evictions, _ := tracker.Len(); n != 0 || evictions != 0 {
		t.Errorf("after Reset: %d fingerprints, %d evictions", n, evictions)
	}
}

func TestLoadMySQLSlowLogReportsMalformedEntriesByLine(t *testing.T) {
	tracker := newTracker(t)
	report, err := tracker.LoadMySQLSlowLog(fixtures + "mysql-slow.log")
	if err != nil {
		t.Fatal(err)
	}
	if report.Imported != 6 || report.Calls != 6 || len(report.Errors) != 3 {
		t.Fatalf("report %+v", report)
	}
	for i, line := range []int{34, 37, 41} {
		if report.Errors[i].Line != line || report.Errors[i].Message == "" {
			t.Errorf("error %d: %+v, want line %d", i, report.Errors[i], line)
		}
	}
	if !strings.HasPrefix(report.Summary, "6 queries imported") {
		t.Errorf("summary %q", report.Summary)
	}
	stats := mustStats(t, tracker)
	if len(stats) != 6 || stats[0].Total != 3100*time.Millisecond {
		t.Errorf("%d shapes, top total %v", len(stats), stats[0].Total)
	}
}

func TestLoadPgStatStatementsRecordsEveryRow(t *testing.T) {
	tracker := newTracker(t)
	report, err := tracker.LoadPgStatStatements(fixtures + "pg_stat_statements.csv")
	if err != nil {
		t.Fatal(err)
	}
	if report.Imported != 4 || report.Calls != 1200+48+310+75 || len(report.Errors) != 0 {
		t.Fatalf("report %+v", report)
	}
	var calls uint64
	for _, s := range mustStats(t, tracker) {
		calls += s.Calls
	}
	if calls != report.Calls {
		t.Errorf("the tracker holds %d calls, the report says %d", calls, report.Calls)
	}
}

func TestConcurrentRecordingFromGoroutinesLosesNothing(t *testing.T) {
	tracker := newTracker(t)
	const goroutines, each = 8, 1000
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				sql := "SELECT * FROM t" + string(rune('0'+i%10)) + " WHERE id = " + strings.Repeat("1", g+1)
				if err := tracker.Record(sql, time.Duration(i%7)*time.Millisecond, 10, 1); err != nil {
					errs <- err
					return
				}
				if i%250 == 0 {
					if _, err := tracker.Stats(); err != nil {
						errs <- err
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	stats := mustStats(t, tracker)
	var calls uint64
	for _, s := range stats {
		calls += s.Calls
	}
	if len(stats) != 10 || calls != goroutines*each {
		t.Errorf("%d shapes, %d calls; want 10, %d", len(stats), calls, goroutines*each)
	}
}

func wantCode(t *testing.T, what string, err error, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Errorf("%s: got %v, want %v", what, err, sentinel)
	}
}

func TestHostileInputToTheTracker(t *testing.T) {
	tracker := newTracker(t)
	bad := "SELECT '\xff\xfe' FROM t"
	_, err := cognition.Fingerprint(bad)
	wantCode(t, "Fingerprint(invalid UTF-8)", err, cognition.ErrInvalidUTF8)
	_, err = cognition.FingerprintID(bad)
	wantCode(t, "FingerprintID(invalid UTF-8)", err, cognition.ErrInvalidUTF8)
	wantCode(t, "Record(invalid UTF-8)", tracker.Record(bad, time.Millisecond, 0, 0), cognition.ErrInvalidUTF8)
	wantCode(t, "Record(negative duration)", tracker.Record("SELECT 1", -time.Millisecond, 0, 0), cognition.ErrInvalidArgument)
	wantCode(t, "RecordExecution(bad cache)", tracker.RecordExecution(cognition.QueryExecution{SQL: "SELECT 1", Cache: 9}), cognition.ErrInvalidArgument)
	for _, snap := range []string{"", "{", "null", `{"version":2,"histogram_significant_digits":2,"evictions":0,"queries":[]}`, "\xff"} {
		if err := tracker.Merge([]byte(snap)); err == nil {
			t.Errorf("Merge(%q) succeeded", snap)
		}
	}
	_, err = tracker.LoadMySQLSlowLog("/nonexistent/slow.log")
	wantCode(t, "LoadMySQLSlowLog(missing)", err, cognition.ErrInvalidArgument)
	_, err = tracker.LoadPgStatStatements(t.TempDir())
	wantCode(t, "LoadPgStatStatements(directory)", err, cognition.ErrInvalidArgument)
	_, err = tracker.LoadMySQLSlowLog("")
	wantCode(t, "LoadMySQLSlowLog(empty path)", err, cognition.ErrInvalidArgument)
	if n, _, _ := tracker.Len(); n != 0 {
		t.Errorf("hostile input recorded %d fingerprints", n)
	}

	garbage := filepath.Join(t.TempDir(), "garbage.log")
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i * 7919)
	}
	if err := os.WriteFile(garbage, append(junk, "\n# Query_time: x\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	report, err := tracker.LoadMySQLSlowLog(garbage)
	if err != nil || report.Imported != 0 || len(report.Errors) == 0 {
		t.Errorf("garbage log: %+v, %v", report, err)
	}

	huge := "SELECT * FROM t WHERE id IN (" + strings.Repeat("1,", 1<<19) + "1)"
	fp, err := cognition.Fingerprint(huge)
	if err != nil || fp.Normalized != "select * from t where id in(?+)" {
		t.Errorf("1 MB statement: %q, %v", fp.Normalized, err)
	}
	if err := tracker.Record(huge, time.Millisecond, 0, 0); err != nil {
		t.Fatal(err)
	}
	if s := mustStats(t, tracker); len(s) != 1 || len(s[0].Example) > 4096 {
		t.Errorf("the example of a 1 MB statement is not bounded")
	}
}

func TestBadTrackerOptionsAreInvalidArgument(t *testing.T) {
	for name, opt := range map[string]cognition.QueryTrackerOption{
		"max 0":         cognition.WithMaxFingerprints(0),
		"max negative":  cognition.WithMaxFingerprints(-1),
		"slow negative": cognition.WithSlowThreshold(-time.Second),
		"min calls 0":   cognition.WithSlowMinCalls(0),
		"shards 1000":   cognition.WithShards(1000),
		"efficiency 2":  cognition.WithSuggestConfig(cognition.SuggestConfig{LowEfficiency: 2}),
	} {
		tracker, err := cognition.NewQueryTracker(opt)
		if tracker != nil || !errors.Is(err, cognition.ErrInvalidArgument) {
			t.Errorf("%s: got %v, %v", name, tracker, err)
		}
	}
}

func TestAClosedTrackerIsInvalidState(t *testing.T) {
	tracker, err := cognition.NewQueryTracker(cognition.WithOnSlow(func(cognition.QueryStats) {}))
	if err != nil {
		t.Fatal(err)
	}
	_ = tracker.Close()
	_ = tracker.Close()
	wantCode(t, "Record after Close", tracker.Record("SELECT 1", 0, 0, 0), cognition.ErrInvalidState)
	_, err = tracker.Stats()
	wantCode(t, "Stats after Close", err, cognition.ErrInvalidState)
}

func TestMaskedExamplesHoldNoLiterals(t *testing.T) {
	tracker := newTracker(t, cognition.WithMaskedExamples(true))
	_ = tracker.Record("SELECT * FROM users WHERE email = 'ann@example.com'", 5*time.Millisecond, 1, 1)
	if s := mustStats(t, tracker); len(s) != 1 || s[0].Example != "select * from users where email = ?" {
		t.Errorf("example %q, want the normalised text", s[0].Example)
	}
}

func TestAP95ThresholdAlsoMakesAQuerySlow(t *testing.T) {
	tracker := newTracker(t, cognition.WithSlowP95(200*time.Millisecond))
	for i := 0; i < 20; i++ {
		d := 10 * time.Millisecond
		if i >= 17 {
			d = 900 * time.Millisecond
		}
		_ = tracker.Record("SELECT a FROM t", d, 0, 1)
	}
	// The mean (143.5 ms) is under the default 1 s; the p95 (900 ms) is over 200 ms.
	slow, err := tracker.SlowQueries()
	if err != nil || len(slow) != 1 || slow[0].P95 < 890*time.Millisecond {
		t.Errorf("SlowQueries = %+v, %v", slow, err)
	}
}

func TestTheSlowCallbackFiresOncePerShapeAcrossGoroutines(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	tracker := newTracker(t, cognition.WithSlowThreshold(0), cognition.WithSlowMinCalls(1),
		cognition.WithOnSlow(func(s cognition.QueryStats) {
			mu.Lock()
			defer mu.Unlock()
			seen[s.ID]++
		}))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				_ = tracker.Record("SELECT * FROM t"+string(rune('0'+i%10)), time.Duration(1+i%5)*time.Millisecond, 0, 1)
			}
		}()
	}
	wg.Wait()
	if len(seen) != 10 {
		t.Fatalf("callback saw %d shapes, want 10", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("shape %s fired %d times", id, n)
		}
	}
}
