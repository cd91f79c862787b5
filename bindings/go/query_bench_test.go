package cognition_test

import (
	"strconv"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// BenchmarkFingerprint measures one Fingerprint call through cgo (JSON result decoded).
func BenchmarkFingerprint(b *testing.B) {
	sql := "SELECT id, email FROM users WHERE id = 42 AND status IN ('a', 'b') ORDER BY created_at DESC LIMIT 10"
	for i := 0; i < b.N; i++ {
		if _, err := cognition.Fingerprint(sql); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFingerprintID measures the typed hot path (no JSON).
func BenchmarkFingerprintID(b *testing.B) {
	sql := "SELECT id, email FROM users WHERE id = 42 AND status IN ('a', 'b') ORDER BY created_at DESC LIMIT 10"
	for i := 0; i < b.N; i++ {
		if _, err := cognition.FingerprintID(sql); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordParallel records from GOMAXPROCS goroutines into one tracker.
func BenchmarkRecordParallel(b *testing.B) {
	tracker, err := cognition.NewQueryTracker()
	if err != nil {
		b.Fatal(err)
	}
	defer tracker.Close()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			sql := "SELECT * FROM t" + strconv.Itoa(i%50) + " WHERE id = " + strconv.Itoa(i)
			if err := tracker.Record(sql, time.Duration(i%100)*time.Millisecond, 10, 1); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
