package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"runtime"
	"strconv"
	"time"
	"unicode/utf8"
)

// Finding is one secret or piece of personal data [Mask] found: its Kind ("EMAIL",
// "CARD_NUMBER", "STRIPE_KEY", ...) and where it was in the input, in bytes (Start, End) and in
// Unicode code points (CharStart, CharEnd).
type Finding struct {
	Kind      string `json:"kind"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	CharStart int    `json:"char_start"`
	CharEnd   int    `json:"char_end"`
}

// MaskResult is the masked text (each finding replaced by "[KIND]") and the findings in order.
type MaskResult struct {
	Text     string    `json:"text"`
	Findings []Finding `json:"findings"`
}

// Mask finds API keys and tokens (Stripe, AWS, GitHub, Slack, bearer, JWT), private keys, card
// numbers that pass Luhn, IBANs with a valid check, e-mail addresses and phone numbers in text
// and replaces each with its "[KIND]" placeholder. Safe for concurrent use; linear in the input.
//
// Errors: [CodeInvalidUTF8].
func Mask(text string) (MaskResult, error) {
	var out C.cog_string
	err := call(func() C.cog_status {
		t, tn := strIn(text)
		return C.cog_mask(t, tn, &out)
	})
	runtime.KeepAlive(text)
	if err != nil {
		return MaskResult{}, err
	}
	var r MaskResult
	if err := decode(takeBytes(&out), "mask result JSON", &r); err != nil {
		return MaskResult{}, err
	}
	return r, nil
}

// PackEntry is one entry the caller keeps itself, for [Pack]. Only Content is required; an
// empty ID becomes the entry's position ("0", "1", ...), an empty Importance MEDIUM and a zero
// CreatedAt the pack's now.
type PackEntry struct {
	ID         string            `json:"id,omitempty"`
	Content    string            `json:"content"`
	Importance Importance        `json:"importance,omitempty"`
	Tags       []string          `json:"tags,omitempty"`
	Metadata   map[string]string `json:"metadata,omitempty"`
	Summary    string            `json:"summary,omitempty"`
	CreatedAt  time.Time         `json:"-"`
}

// MarshalJSON writes the entry in the library's JSON form (CreatedAt as Unix milliseconds).
func (e PackEntry) MarshalJSON() ([]byte, error) {
	type plain PackEntry
	out := struct {
		plain
		CreatedAt *int64 `json:"created_at,omitempty"`
	}{plain: plain(e)}
	if !e.CreatedAt.IsZero() {
		ms := e.CreatedAt.UnixMilli()
		out.CreatedAt = &ms
	}
	return json.Marshal(out)
}

// Pack chooses, for query, the best of entries and the form of each (full, summary or extract)
// to fit maxTokens − reserve tokens of encoding ("" = [EncodingO200kBase]) exactly, as
// [ContextMemory.BuildWindow] does but without a memory: for apps that keep their own storage.
// Content is packed as given; call [Mask] first if it may hold secrets.
//
// Errors: [CodeInvalidArgument] (negative sizes; the message names an entry's position for a
// bad one), [CodeContextUnknownEncoding], [CodeContextInvalidImportance],
// [CodeContextEmptyContent], [CodeContextEntryTooLarge], [CodeContextDuplicateID],
// [CodeContextBudgetTooSmall] (the CRITICAL entries do not fit; the message says by how many
// tokens), [CodeContextLimitExceeded], [CodeInvalidUTF8].
func Pack(entries []PackEntry, query string, maxTokens, reserve int, encoding string, now time.Time) (ContextWindow, error) {
	if maxTokens < 0 || reserve < 0 {
		return ContextWindow{}, &Error{Code: CodeInvalidArgument, Message: "maxTokens and reserve must not be negative"}
	}
	if entries == nil {
		entries = []PackEntry{}
	}
	// encoding/json would turn invalid UTF-8 into U+FFFD silently; refuse it as the library does.
	for i, e := range entries {
		if !validUTF8(e) {
			return ContextWindow{}, &Error{Code: CodeInvalidUTF8,
				Message: "entry " + strconv.Itoa(i) + " is not valid UTF-8"}
		}
	}
	list, err := json.Marshal(entries)
	if err != nil {
		return ContextWindow{}, &Error{Code: CodeInvalidArgument, Message: "entries: " + err.Error()}
	}
	var out C.cog_string
	err = call(func() C.cog_status {
		l, ln := bytesIn(list)
		q, qn := strIn(query)
		e, en := strIn(encoding)
		return C.cog_context_pack(l, ln, q, qn, C.size_t(maxTokens), C.size_t(reserve), e, en,
			C.int64_t(now.UnixMilli()), &out)
	})
	runtime.KeepAlive(list)
	runtime.KeepAlive(query)
	runtime.KeepAlive(encoding)
	if err != nil {
		return ContextWindow{}, err
	}
	var w ContextWindow
	if err := decode(takeBytes(&out), "context window JSON", &w); err != nil {
		return ContextWindow{}, err
	}
	return w, nil
}

func validUTF8(e PackEntry) bool {
	for _, s := range []string{e.ID, e.Content, string(e.Importance), e.Summary} {
		if !utf8.ValidString(s) {
			return false
		}
	}
	for _, t := range e.Tags {
		if !utf8.ValidString(t) {
			return false
		}
	}
	for k, v := range e.Metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return false
		}
	}
	return true
}
