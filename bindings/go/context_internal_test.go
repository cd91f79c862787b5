package cognition

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// The library's window JSON decodes into the Go structs with no field left over: a schema drift
// in the core fails here instead of being dropped silently.
func TestContextWindowJSONHasNoFieldTheStructsMiss(t *testing.T) {
	m, err := NewContextMemory(ContextOptions{WorkingSize: 1, ShortTermSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	now := time.UnixMilli(1_700_000_000_000)
	for i, imp := range []Importance{ImportanceCritical, ImportanceLow, ImportanceTrivial, ImportanceHigh} {
		entry := ContextEntry{Content: fmt.Sprintf("entry %d about refunds and invoices", i), Importance: imp, Summary: "short"}
		if _, err := m.Add("t", entry, now); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := m.buildWindowJSON("t", "refunds", 3, 0, now)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var w ContextWindow
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	if w.Tokenizer == "" || len(w.Entries) == 0 || len(w.Omitted) == 0 || w.Entries[0].Score.Total <= 0 {
		t.Fatalf("window %s", raw)
	}
}
