package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"runtime"
	"sync"
	"time"
)

// Token encodings bundled with the library (OpenAI tiktoken's).
const (
	EncodingO200kBase  = "o200k_base"  // GPT-4o and later; the default
	EncodingCl100kBase = "cl100k_base" // GPT-4, GPT-3.5
)

// CountTokens counts the tokens of text exactly as OpenAI's tiktoken does with encoding
// ("" = [EncodingO200kBase]); special-token text such as "<|endoftext|>" counts as ordinary text.
// Safe for concurrent use.
//
// Errors: [CodeContextUnknownEncoding], [CodeInvalidUTF8].
func CountTokens(text, encoding string) (int, error) {
	var out C.size_t
	err := call(func() C.cog_status {
		t, tn := strIn(text)
		e, en := strIn(encoding)
		return C.cog_count_tokens(t, tn, e, en, &out)
	})
	runtime.KeepAlive(text)
	runtime.KeepAlive(encoding)
	if err != nil {
		return 0, err
	}
	return int(out), nil
}

// Importance is how much a context entry matters: it drives retention, demotion and packing.
type Importance string

// The importance levels, most important first. CRITICAL entries are always in a window
// (compressed to their summary if needed).
const (
	ImportanceCritical Importance = "critical"
	ImportanceHigh     Importance = "high"
	ImportanceMedium   Importance = "medium"
	ImportanceLow      Importance = "low"
	ImportanceTrivial  Importance = "trivial"
)

// MaskMode is what a [ContextMemory] does with secrets and personal data in new entries.
type MaskMode string

// The masking modes.
const (
	MaskModeMask   MaskMode = "mask"   // replace each finding by [KIND] (the default)
	MaskModeReject MaskMode = "reject" // refuse the entry ([CodeContextSensitiveContent])
	MaskModeKeep   MaskMode = "keep"   // store the text as given
)

// ContextOptions configures a [ContextMemory]; the zero value is the defaults.
type ContextOptions struct {
	Encoding      string   // "" = [EncodingO200kBase]
	WorkingSize   int      // entries per tenant in the working tier; 0 = 10
	ShortTermSize int      // entries per tenant in the short-term tier; 0 = 100
	MaskMode      MaskMode // "" = [MaskModeMask]
}

// ContextEntry is a new entry: Content, its Importance ("" = medium) and an optional
// pre-written Summary used when the full text does not fit.
type ContextEntry struct {
	Content    string
	Importance Importance
	Summary    string
}

// ContextMemory is per-tenant tiered memory of facts, messages and documents for LLM prompts,
// with secrets masked on insert; it packs the best entries into an exact token budget.
//
// A ContextMemory is safe for concurrent use by many goroutines. Call Close when done; a
// finalizer closes a forgotten memory.
type ContextMemory struct {
	mu  sync.RWMutex
	ptr *C.cog_context_memory
}

// NewContextMemory returns an empty memory configured by opts.
//
// Errors: [CodeContextUnknownEncoding], [CodeContextLimitExceeded] (a size out of range or an
// unknown masking mode), [CodeInvalidArgument] (a negative size).
func NewContextMemory(opts ContextOptions) (*ContextMemory, error) {
	if opts.WorkingSize < 0 || opts.ShortTermSize < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "tier sizes must not be negative"}
	}
	mode := string(opts.MaskMode)
	var ptr *C.cog_context_memory
	err := call(func() C.cog_status {
		e, en := strIn(opts.Encoding)
		m, mn := strIn(mode)
		return C.cog_context_memory_new(e, en, C.size_t(opts.WorkingSize), C.size_t(opts.ShortTermSize), m, mn, &ptr)
	})
	runtime.KeepAlive(opts)
	runtime.KeepAlive(mode)
	if err != nil {
		return nil, err
	}
	m := &ContextMemory{ptr: ptr}
	runtime.SetFinalizer(m, (*ContextMemory).Close)
	return m, nil
}

// Close releases the memory and every entry in it. Further calls return an error with
// [CodeInvalidState]. Closing twice is fine.
func (m *ContextMemory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ptr != nil {
		C.cog_context_memory_free(m.ptr)
		m.ptr = nil
		runtime.SetFinalizer(m, nil)
	}
	return nil
}

func (m *ContextMemory) with(f func(*C.cog_context_memory) C.cog_status) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return errClosed("context memory")
	}
	err := call(func() C.cog_status { return f(m.ptr) })
	runtime.KeepAlive(m)
	return err
}

// Add adds entry for tenant at now (millisecond precision) and returns its id. The content is
// masked per the memory's mode and its tokens counted once.
//
// Errors: [CodeContextInvalidTenant], [CodeContextEmptyContent], [CodeContextEntryTooLarge]
// (over 1 MiB), [CodeContextInvalidImportance], [CodeContextSensitiveContent] (mode reject),
// [CodeInvalidUTF8].
func (m *ContextMemory) Add(tenant string, entry ContextEntry, now time.Time) (string, error) {
	importance := string(entry.Importance)
	var out C.cog_string
	err := m.with(func(p *C.cog_context_memory) C.cog_status {
		t, tn := strIn(tenant)
		c, cn := strIn(entry.Content)
		i, in := strIn(importance)
		s, sn := strIn(entry.Summary)
		return C.cog_context_memory_add(p, t, tn, c, cn, i, in, s, sn, C.int64_t(now.UnixMilli()), &out)
	})
	runtime.KeepAlive(tenant)
	runtime.KeepAlive(entry)
	runtime.KeepAlive(importance)
	if err != nil {
		return "", err
	}
	return takeString(&out), nil
}

// ScoreParts explains an entry's score (floats: scores are heuristics, not money).
type ScoreParts struct {
	Importance  float64 `json:"importance"`
	Decay       float64 `json:"decay"`
	Access      float64 `json:"access"`
	Retention   float64 `json:"retention"`
	BM25        float64 `json:"bm25"`
	PhraseMatch bool    `json:"phrase_match"`
	Relevance   float64 `json:"relevance"`
	Total       float64 `json:"total"`
}

// EntryForm is how an entry went into a window.
type EntryForm string

// The forms.
const (
	FormFull    EntryForm = "full"
	FormSummary EntryForm = "summary"
	FormExtract EntryForm = "extract"
)

// WindowEntry is one entry in a window, in window order.
type WindowEntry struct {
	ID         string     `json:"id"`
	Importance Importance `json:"importance"`
	Tier       string     `json:"tier"` // "working", "short_term", "long_term" ("" if none)
	Form       EntryForm  `json:"form"`
	Tokens     int        `json:"tokens"`
	FullTokens int        `json:"full_tokens"`
	Score      ScoreParts `json:"score"`
	Value      float64    `json:"value"`
	Text       string     `json:"text"`
}

// OmittedEntry is an entry of the tenant that did not make it into the window.
type OmittedEntry struct {
	ID         string     `json:"id"`
	Importance Importance `json:"importance"`
	FullTokens int        `json:"full_tokens"`
	Score      ScoreParts `json:"score"`
}

// ContextWindow is the packed prompt context: Text has exactly Tokens tokens (separators
// included), at most AvailableTokens = MaxTokens - ReserveOutputTokens.
type ContextWindow struct {
	Text                string         `json:"text"`
	Tokens              int            `json:"tokens"`
	MaxTokens           int            `json:"max_tokens"`
	ReserveOutputTokens int            `json:"reserve_output_tokens"`
	AvailableTokens     int            `json:"available_tokens"`
	Tokenizer           string         `json:"tokenizer"`
	Exact               bool           `json:"exact"`
	TotalValue          float64        `json:"total_value"`
	Entries             []WindowEntry  `json:"entries"`
	Omitted             []OmittedEntry `json:"omitted"`
}

// BuildWindow packs tenant's best entries for query into at most maxTokens - reserve tokens
// at now, CRITICAL entries always in.
//
// Errors: [CodeContextBudgetTooSmall] (the CRITICAL entries do not fit; the message says by how
// many tokens), [CodeContextInvalidTenant], [CodeContextLimitExceeded] (reserve over maxTokens,
// query over 64 KiB), [CodeInvalidArgument] (a negative budget), [CodeInvalidUTF8].
func (m *ContextMemory) BuildWindow(tenant, query string, maxTokens, reserve int, now time.Time) (ContextWindow, error) {
	raw, err := m.buildWindowJSON(tenant, query, maxTokens, reserve, now)
	if err != nil {
		return ContextWindow{}, err
	}
	var w ContextWindow
	if err := decode(raw, "context window JSON", &w); err != nil {
		return ContextWindow{}, err
	}
	return w, nil
}

// buildWindowJSON is BuildWindow before decoding: the library's JSON.
func (m *ContextMemory) buildWindowJSON(tenant, query string, maxTokens, reserve int, now time.Time) ([]byte, error) {
	if maxTokens < 0 || reserve < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "maxTokens and reserve must not be negative"}
	}
	var out C.cog_string
	err := m.with(func(p *C.cog_context_memory) C.cog_status {
		t, tn := strIn(tenant)
		q, qn := strIn(query)
		return C.cog_context_memory_build_window(p, t, tn, q, qn, C.size_t(maxTokens), C.size_t(reserve),
			C.int64_t(now.UnixMilli()), &out)
	})
	runtime.KeepAlive(tenant)
	runtime.KeepAlive(query)
	if err != nil {
		return nil, err
	}
	return takeBytes(&out), nil
}
