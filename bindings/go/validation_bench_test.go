package cognition_test

import (
	"os"
	"strings"
	"testing"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// BenchmarkValidateStrict measures STRICT validation of a 1,900-line module (the demo snippet
// 100 times) through cgo, the JSON report decoded; lines/s = 1,900 / (ns/op) * 1e9.
func BenchmarkValidateStrict(b *testing.B) {
	snippet, err := os.ReadFile("../../data/samples/validation/solution.py")
	if err != nil {
		b.Fatal(err)
	}
	source := []byte(strings.Repeat(string(snippet)+"\n", 100))
	b.SetBytes(int64(len(source)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := cognition.Validate(source, cognition.WithLevel(cognition.LevelStrict)); err != nil {
			b.Fatal(err)
		}
	}
}
