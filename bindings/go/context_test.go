package cognition_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// The shared cases in tests/vectors/context.json, run by every face.
type contextVectors struct {
	Tokens []struct {
		Name  string `json:"name"`
		Text  string `json:"text"`
		O200k int    `json:"o200k_base"`
		Cl100 int    `json:"cl100k_base"`
	} `json:"tokens"`
	Masking []struct {
		Name  string   `json:"name"`
		Input string   `json:"input"`
		Text  string   `json:"text"`
		Kinds []string `json:"kinds"`
	} `json:"masking"`
	Packing []struct {
		Name    string `json:"name"`
		Entries []struct {
			Content    string `json:"content"`
			Importance string `json:"importance"`
			Summary    string `json:"summary"`
		} `json:"entries"`
		Query     string        `json:"query"`
		MaxTokens int           `json:"max_tokens"`
		Reserve   int           `json:"reserve_output_tokens"`
		Expect    packingExpect `json:"expect"`
	} `json:"packing"`
}

// packingExpect is what a packing vector expects of its window.
type packingExpect struct {
	IDs      []string `json:"ids"`
	Forms    []string `json:"forms"`
	Text     string   `json:"text"`
	Tokens   int      `json:"tokens"`
	Error    string   `json:"error"`
	Required int      `json:"required"`
}

// checkPackedWindow compares a window with a vector's expectation; idOf maps a window id to the
// entry's position in the vector.
func checkPackedWindow(t *testing.T, w cognition.ContextWindow, want packingExpect, idOf func(string) string) {
	t.Helper()
	ids, forms := []string{}, []string{}
	for _, e := range w.Entries {
		ids = append(ids, idOf(e.ID))
		forms = append(forms, string(e.Form))
	}
	if strings.Join(ids, ",") != strings.Join(want.IDs, ",") {
		t.Errorf("ids %v, want %v", ids, want.IDs)
	}
	if want.Forms != nil && strings.Join(forms, ",") != strings.Join(want.Forms, ",") {
		t.Errorf("forms %v, want %v", forms, want.Forms)
	}
	if w.Text != want.Text || w.Tokens != want.Tokens {
		t.Errorf("text %q (%d tokens), want %q (%d)", w.Text, w.Tokens, want.Text, want.Tokens)
	}
}

var t0 = time.UnixMilli(1_700_000_000_000).UTC()

func loadContextVectors(t *testing.T) contextVectors {
	t.Helper()
	var v contextVectors
	loadJSON(t, "context.json", &v)
	if len(v.Tokens) == 0 || len(v.Masking) == 0 || len(v.Packing) == 0 {
		t.Fatal("context vectors are missing a section")
	}
	return v
}

func newMemory(t *testing.T, opts cognition.ContextOptions) *cognition.ContextMemory {
	t.Helper()
	m, err := cognition.NewContextMemory(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func TestContextTokenVectors(t *testing.T) {
	v := loadContextVectors(t)
	for _, c := range v.Tokens {
		for _, enc := range []struct {
			name string
			want int
		}{{cognition.EncodingO200kBase, c.O200k}, {cognition.EncodingCl100kBase, c.Cl100}} {
			got, err := cognition.CountTokens(c.Text, enc.name)
			if err != nil || got != enc.want {
				t.Errorf("%s %s: got %d, %v; want %d", c.Name, enc.name, got, err, enc.want)
			}
		}
	}
}

func TestContextCountTokensDefaultsToO200k(t *testing.T) {
	text := "Refunds are possible within thirty days. こんにちは"
	def, err := cognition.CountTokens(text, "")
	if err != nil {
		t.Fatal(err)
	}
	o200k, _ := cognition.CountTokens(text, cognition.EncodingO200kBase)
	if def != o200k || def == 0 {
		t.Fatalf("default %d, o200k_base %d", def, o200k)
	}
}

func TestContextMaskingVectors(t *testing.T) {
	v := loadContextVectors(t)
	for _, c := range v.Masking {
		t.Run(c.Name, func(t *testing.T) {
			r, err := cognition.Mask(c.Input)
			if err != nil {
				t.Fatal(err)
			}
			if r.Text != c.Text {
				t.Fatalf("got %q, want %q", r.Text, c.Text)
			}
			kinds := []string{}
			for _, f := range r.Findings {
				kinds = append(kinds, f.Kind)
				if f.Start >= f.End || f.End > len(c.Input) || f.CharStart >= f.CharEnd {
					t.Errorf("finding %+v does not lie inside the input", f)
				}
			}
			if strings.Join(kinds, ",") != strings.Join(c.Kinds, ",") {
				t.Errorf("kinds %v, want %v", kinds, c.Kinds)
			}
		})
	}
}

func TestContextPackingVectors(t *testing.T) {
	v := loadContextVectors(t)
	for _, c := range v.Packing {
		t.Run(c.Name, func(t *testing.T) {
			entries := make([]cognition.PackEntry, len(c.Entries))
			for i, e := range c.Entries {
				entries[i] = cognition.PackEntry{Content: e.Content,
					Importance: cognition.Importance(e.Importance), Summary: e.Summary}
			}
			w, err := cognition.Pack(entries, c.Query, c.MaxTokens, c.Reserve, "", time.UnixMilli(0))
			if c.Expect.Error != "" {
				if got := codeOf(err); got != c.Expect.Error {
					t.Fatalf("got %v, want %s", err, c.Expect.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkPackedWindow(t, w, c.Expect, func(id string) string { return id })
		})
	}
}

func TestContextPackKeepsTheCallersIDsTagsAndTimes(t *testing.T) {
	entries := []cognition.PackEntry{
		{ID: "dog", Content: "The office dog is called Biscuit.", Importance: cognition.ImportanceLow},
		{ID: "refunds", Content: "Refunds are possible within 30 days.", Importance: cognition.ImportanceHigh,
			Tags: []string{"billing"}, Metadata: map[string]string{"source": "wiki"}, CreatedAt: t0.Add(-time.Hour)},
		{Content: "The customer is on the Pro plan.", Importance: cognition.ImportanceCritical},
	}
	w, err := cognition.Pack(entries, "refund", 20, 0, cognition.EncodingCl100kBase, t0)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range w.Entries {
		ids[e.ID] = true
	}
	if !ids["2"] || !ids["refunds"] || w.Tokens > 20 || w.Tokenizer != cognition.EncodingCl100kBase {
		t.Fatalf("window %+v", w)
	}
}

func TestContextPackAndMaskRefuseBadInput(t *testing.T) {
	cases := []struct {
		name    string
		entries []cognition.PackEntry
		max     int
		want    string
	}{
		{"empty content", []cognition.PackEntry{{Content: ""}}, 100, "CONTEXT_EMPTY_CONTENT"},
		{"unknown importance", []cognition.PackEntry{{Content: "x", Importance: "urgent"}}, 100, "CONTEXT_INVALID_IMPORTANCE"},
		{"duplicate ids", []cognition.PackEntry{{ID: "a", Content: "x"}, {ID: "a", Content: "y"}}, 100, "CONTEXT_DUPLICATE_ID"},
		{"critical does not fit", []cognition.PackEntry{{Content: "x y z", Importance: cognition.ImportanceCritical}}, 1, "CONTEXT_BUDGET_TOO_SMALL"},
		{"invalid UTF-8", []cognition.PackEntry{{Content: "bad \xff"}}, 100, "INVALID_UTF8"},
		{"negative budget", nil, -1, "INVALID_ARGUMENT"},
	}
	for _, c := range cases {
		if _, err := cognition.Pack(c.entries, "", c.max, 0, "", t0); codeOf(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	if _, err := cognition.Pack(nil, "", 10, 0, "gpt2", t0); codeOf(err) != "CONTEXT_UNKNOWN_ENCODING" {
		t.Errorf("unknown encoding: %v", err)
	}
	if w, err := cognition.Pack(nil, "", 10, 0, "", t0); err != nil || len(w.Entries) != 0 {
		t.Errorf("no entries: %+v, %v", w, err)
	}
	if _, err := cognition.Mask("bad \xff"); codeOf(err) != "INVALID_UTF8" {
		t.Errorf("Mask of invalid UTF-8: %v", err)
	}
	if r, err := cognition.Mask(""); err != nil || r.Text != "" || len(r.Findings) != 0 {
		t.Errorf("Mask of empty text: %+v, %v", r, err)
	}
}

// Masking on insert: the vectors again through Add and a window with room for the one entry.
// Finding kinds are seen only as the [KIND] placeholders in the text.
func TestContextMaskingVectorsThroughTheWindow(t *testing.T) {
	v := loadContextVectors(t)
	for _, c := range v.Masking {
		t.Run(c.Name, func(t *testing.T) {
			m := newMemory(t, cognition.ContextOptions{})
			if _, err := m.Add("t", cognition.ContextEntry{Content: c.Input}, t0); err != nil {
				t.Fatal(err)
			}
			w, err := m.BuildWindow("t", "", 10_000, 0, t0)
			if err != nil {
				t.Fatal(err)
			}
			if w.Text != c.Text {
				t.Fatalf("got %q, want %q", w.Text, c.Text)
			}
			for _, kind := range c.Kinds {
				if !strings.Contains(w.Text, "["+kind+"]") {
					t.Errorf("no [%s] in %q", kind, w.Text)
				}
			}
		})
	}
}

// Packing cases are stateless pack() in the core; here they go through a fresh memory, entries
// added in order at now = 0, with the ids the memory returns mapped back to positions.
func TestContextPackingVectorsThroughTheMemory(t *testing.T) {
	v := loadContextVectors(t)
	epoch := time.UnixMilli(0)
	for _, c := range v.Packing {
		t.Run(c.Name, func(t *testing.T) {
			m := newMemory(t, cognition.ContextOptions{})
			position := map[string]string{}
			for i, e := range c.Entries {
				id, err := m.Add("t", cognition.ContextEntry{Content: e.Content,
					Importance: cognition.Importance(e.Importance), Summary: e.Summary}, epoch)
				if err != nil {
					t.Fatal(err)
				}
				position[id] = strconv.Itoa(i)
			}
			w, err := m.BuildWindow("t", c.Query, c.MaxTokens, c.Reserve, epoch)
			if c.Expect.Error != "" {
				if got := codeOf(err); got != c.Expect.Error {
					t.Fatalf("got %v, want %s", err, c.Expect.Error)
				}
				short := fmt.Sprintf("(%d tokens short)", c.Expect.Required-(c.MaxTokens-c.Reserve))
				if !strings.Contains(err.Error(), short) {
					t.Errorf("message %q does not say %s", err, short)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkPackedWindow(t, w, c.Expect, func(id string) string { return position[id] })
		})
	}
}

func TestContextWindowTokensAreTheExactCountOfItsText(t *testing.T) {
	m := newMemory(t, cognition.ContextOptions{})
	for i := 0; i < 30; i++ {
		content := fmt.Sprintf("Note %d: the customer asked about invoice %d and refunds.", i, 1000+i)
		if _, err := m.Add("acme", cognition.ContextEntry{Content: content}, t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	w, err := m.BuildWindow("acme", "refunds invoice", 120, 20, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	n, err := cognition.CountTokens(w.Text, "")
	if err != nil {
		t.Fatal(err)
	}
	if n != w.Tokens || w.Tokens > 100 || w.AvailableTokens != 100 || !w.Exact {
		t.Fatalf("counted %d, window says %d of %d (exact %v)", n, w.Tokens, w.AvailableTokens, w.Exact)
	}
	if len(w.Entries) == 0 || len(w.Omitted) == 0 || len(w.Entries)+len(w.Omitted) != 30 {
		t.Fatalf("%d entries, %d omitted; want some of each, 30 in all", len(w.Entries), len(w.Omitted))
	}
}

func TestContextTenantsNeverSeeEachOthersEntries(t *testing.T) {
	m := newMemory(t, cognition.ContextOptions{})
	if _, err := m.Add("acme", cognition.ContextEntry{Content: "Acme refunds within 30 days.", Importance: cognition.ImportanceHigh}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Add("globex", cognition.ContextEntry{Content: "Globex never refunds.", Importance: cognition.ImportanceCritical}, t0); err != nil {
		t.Fatal(err)
	}
	w, err := m.BuildWindow("acme", "refunds", 1000, 0, t0)
	if err != nil {
		t.Fatal(err)
	}
	if w.Text != "Acme refunds within 30 days." || len(w.Omitted) != 0 {
		t.Fatalf("acme's window: %q, %d omitted", w.Text, len(w.Omitted))
	}
	w, err = m.BuildWindow("initech", "refunds", 1000, 0, t0)
	if err != nil || w.Text != "" || len(w.Entries) != 0 {
		t.Fatalf("an unknown tenant's window: %+v, %v", w, err)
	}
}

func TestContextCriticalEntriesThatDoNotFitAreBudgetTooSmall(t *testing.T) {
	m := newMemory(t, cognition.ContextOptions{})
	if _, err := m.Add("t", cognition.ContextEntry{Content: "A critical rule that is far too long for a three-token window.",
		Importance: cognition.ImportanceCritical}, t0); err != nil {
		t.Fatal(err)
	}
	_, err := m.BuildWindow("t", "", 3, 0, t0)
	if !errors.Is(err, cognition.ErrContextBudgetTooSmall) {
		t.Fatalf("got %v, want CONTEXT_BUDGET_TOO_SMALL", err)
	}
	if !strings.Contains(err.Error(), "tokens short") {
		t.Fatalf("message %q does not say by how many tokens", err)
	}
}

func TestContextRejectModeRefusesSecretsWithoutEchoingThem(t *testing.T) {
	m := newMemory(t, cognition.ContextOptions{MaskMode: cognition.MaskModeReject})
	_, err := m.Add("t", cognition.ContextEntry{Content: "key AKIAIOSFODNN7EXAMPLE"}, t0)
	if !errors.Is(err, cognition.ErrContextSensitiveContent) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "AKIA") {
		t.Fatalf("the message echoes the secret: %v", err)
	}
}

func TestContextKeepModeStoresTheTextAsGiven(t *testing.T) {
	m := newMemory(t, cognition.ContextOptions{MaskMode: cognition.MaskModeKeep})
	if _, err := m.Add("t", cognition.ContextEntry{Content: "mail ada@example.com"}, t0); err != nil {
		t.Fatal(err)
	}
	w, err := m.BuildWindow("t", "", 100, 0, t0)
	if err != nil || w.Text != "mail ada@example.com" {
		t.Fatalf("got %q, %v", w.Text, err)
	}
}

func TestContextHostileInputGetsTypedErrors(t *testing.T) {
	m := newMemory(t, cognition.ContextOptions{})
	add := func(tenant string, e cognition.ContextEntry) error { _, err := m.Add(tenant, e, t0); return err }
	build := func(tenant, query string, max, reserve int) error {
		_, err := m.BuildWindow(tenant, query, max, reserve, t0)
		return err
	}
	newErr := func(o cognition.ContextOptions) error { _, err := cognition.NewContextMemory(o); return err }
	countErr := func(text, enc string) error { _, err := cognition.CountTokens(text, enc); return err }
	cases := []struct {
		name string
		err  error
		want *cognition.Error
	}{
		{"unknown encoding", newErr(cognition.ContextOptions{Encoding: "p50k_base"}), cognition.ErrContextUnknownEncoding},
		{"unknown mask mode", newErr(cognition.ContextOptions{MaskMode: "scramble"}), cognition.ErrContextLimitExceeded},
		{"negative size", newErr(cognition.ContextOptions{WorkingSize: -1}), cognition.ErrInvalidArgument},
		{"count with unknown encoding", countErr("x", "gpt2"), cognition.ErrContextUnknownEncoding},
		{"count invalid UTF-8", countErr("\xff\xfe", ""), cognition.ErrInvalidUTF8},
		{"empty tenant", add("", cognition.ContextEntry{Content: "x"}), cognition.ErrContextInvalidTenant},
		{"control character tenant", add("a\x00b", cognition.ContextEntry{Content: "x"}), cognition.ErrContextInvalidTenant},
		{"blank content", add("t", cognition.ContextEntry{Content: "  "}), cognition.ErrContextEmptyContent},
		{"invalid UTF-8 content", add("t", cognition.ContextEntry{Content: "\xff"}), cognition.ErrInvalidUTF8},
		{"unknown importance", add("t", cognition.ContextEntry{Content: "x", Importance: "urgent"}), cognition.ErrContextInvalidImportance},
		{"content over 1 MiB", add("t", cognition.ContextEntry{Content: strings.Repeat("a", 1<<20+1)}), cognition.ErrContextEntryTooLarge},
		{"reserve over max", build("t", "", 10, 11), cognition.ErrContextLimitExceeded},
		{"negative budget", build("t", "", -1, 0), cognition.ErrInvalidArgument},
		{"query over 64 KiB", build("t", strings.Repeat("q", 64<<10+1), 100, 0), cognition.ErrContextLimitExceeded},
		{"window for an empty tenant", build("", "", 100, 0), cognition.ErrContextInvalidTenant},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %s", c.name, c.err, c.want.Code)
		}
	}
	// None of the refused entries went in.
	w, err := m.BuildWindow("t", "", 1000, 0, t0)
	if err != nil || len(w.Entries) != 0 {
		t.Fatalf("%d entries after refused adds, %v", len(w.Entries), err)
	}
}

func TestContextClosedMemoryIsInvalidState(t *testing.T) {
	m, err := cognition.NewContextMemory(cognition.ContextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = m.Close()
	if err := m.Close(); err != nil {
		t.Fatalf("closing twice: %v", err)
	}
	if _, err := m.Add("t", cognition.ContextEntry{Content: "x"}, t0); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("add: %v", err)
	}
	if _, err := m.BuildWindow("t", "", 10, 0, t0); !errors.Is(err, cognition.ErrInvalidState) {
		t.Fatalf("build: %v", err)
	}
}

func TestContextMemoryServesManyGoroutines(t *testing.T) {
	m := newMemory(t, cognition.ContextOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			tenant := fmt.Sprintf("tenant-%d", g)
			for i := 0; i < 5; i++ {
				if _, err := m.Add(tenant, cognition.ContextEntry{Content: fmt.Sprintf("%s fact %d", tenant, i)}, t0); err != nil {
					errs <- err
					return
				}
				w, err := m.BuildWindow(tenant, "fact", 1000, 0, t0)
				if err != nil {
					errs <- err
					return
				}
				if len(w.Entries) != i+1 || strings.Count(w.Text, tenant) != i+1 {
					errs <- fmt.Errorf("%s: %d entries after %d adds: %q", tenant, len(w.Entries), i+1, w.Text)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
