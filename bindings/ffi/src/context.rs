//! Context memory: the `cog_context_memory` handle (add, build_window as JSON), stateless packing
//! of the caller's own entries, masking and exact token counting.

use std::sync::Arc;

use cognition_core::context::{
    count_tokens, mask, pack, ContextMemory, ContextWindow, Encoding, Importance, MaskMode,
    MemoryConfig, NewEntry, PackOptions,
};

use crate::error::Failure;
use crate::panic::cog_panic_boundary;
use crate::status::cog_status;
use crate::strings::{bytes_in, check_out, cog_string, str_in, write_out};

/// Per-tenant tiered memory of facts, messages and documents for LLM prompts, with secrets
/// masked on insert; packs the best entries into an exact token budget. Create with
/// `cog_context_memory_new`, release with `cog_context_memory_free`.
///
/// Thread-safe: one handle may be used from many threads at once.
#[allow(non_camel_case_types)]
pub struct cog_context_memory {
    memory: ContextMemory,
}

fn memory_ref<'a>(memory: *const cog_context_memory) -> Result<&'a ContextMemory, Failure> {
    unsafe { memory.as_ref() }
        .map(|m| &m.memory)
        .ok_or_else(|| Failure::null("memory"))
}

/// The window as the JSON both window entry points write.
fn window_json(window: &ContextWindow) -> Result<cog_string, Failure> {
    serde_json::to_string(window)
        .map(cog_string::from_string)
        .map_err(|e| Failure::invalid_argument(format!("window is not serialisable: {e}")))
}

fn encoding_in(name: &str) -> Result<Encoding, Failure> {
    if name.is_empty() {
        Ok(Encoding::O200kBase)
    } else {
        Ok(name.parse::<Encoding>()?)
    }
}

/// Create a context memory counting tokens with `encoding` (`"o200k_base"`, `"cl100k_base"`; empty
/// = `"o200k_base"`), with `working_size` and `short_term_size` entries per tenant (0 = the
/// defaults 10 and 100) and masking mode `mask_mode` (`"mask"`, `"reject"`, `"keep"`; empty =
/// `"mask"`). Write the handle to `*out_memory`; release it with `cog_context_memory_free`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`,
/// `COG_STATUS_CONTEXT_UNKNOWN_ENCODING`, `COG_STATUS_CONTEXT_LIMIT_EXCEEDED` (a size out of
/// range or an unknown masking mode).
///
/// # Safety
/// `(encoding, encoding_len)` and `(mask_mode, mask_mode_len)` readable; `out_memory` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_context_memory_new(
    encoding: *const u8,
    encoding_len: usize,
    working_size: usize,
    short_term_size: usize,
    mask_mode: *const u8,
    mask_mode_len: usize,
    out_memory: *mut *mut cog_context_memory,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_memory, "out_memory")?;
        let encoding = encoding_in(unsafe { str_in(encoding, encoding_len, "encoding") }?)?;
        let mode = unsafe { str_in(mask_mode, mask_mode_len, "mask_mode") }?;
        let mode = if mode.is_empty() { MaskMode::Mask } else { mode.parse::<MaskMode>()? };
        let mut config = MemoryConfig::new().encoding(encoding).mask_mode(mode);
        if working_size != 0 {
            config = config.working_size(working_size);
        }
        if short_term_size != 0 {
            config = config.short_term_size(short_term_size);
        }
        let memory = ContextMemory::new(config)?;
        let handle = Box::into_raw(Box::new(cog_context_memory { memory }));
        unsafe { write_out(out_memory, handle) };
        Ok(())
    }
}

/// Release a context memory and every entry in it. NULL does nothing.
///
/// # Safety
/// `memory` is NULL or a handle from `cog_context_memory_new` not yet freed, and no other thread
/// is using it.
#[no_mangle]
pub unsafe extern "C" fn cog_context_memory_free(memory: *mut cog_context_memory) {
    let _ = cog_panic_boundary! {
        if !memory.is_null() {
            drop(unsafe { Box::from_raw(memory) });
        }
        Ok(())
    };
}

/// Add an entry for `tenant` at `now_millis` (Unix ms): `content`, importance `importance`
/// (`"critical"`, `"high"`, `"medium"`, `"low"`, `"trivial"`, any case; empty = `"medium"`) and an
/// optional pre-written `summary` (length 0 = none). The content is masked per the memory's mode
/// and its tokens counted once. Write the new entry's id to `*out_id` (free with
/// `cog_string_free`).
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`,
/// `COG_STATUS_CONTEXT_INVALID_TENANT`, `COG_STATUS_CONTEXT_EMPTY_CONTENT`,
/// `COG_STATUS_CONTEXT_ENTRY_TOO_LARGE` (over 1 MiB), `COG_STATUS_CONTEXT_INVALID_IMPORTANCE`,
/// `COG_STATUS_CONTEXT_SENSITIVE_CONTENT` (mode `reject`).
///
/// # Safety
/// Every `(ptr, len)` pair readable; `memory` a live handle; `out_id` writable.
#[no_mangle]
#[allow(
    clippy::too_many_arguments,
    reason = "a flat C signature: one (ptr, len) pair per string"
)]
pub unsafe extern "C" fn cog_context_memory_add(
    memory: *const cog_context_memory,
    tenant: *const u8,
    tenant_len: usize,
    content: *const u8,
    content_len: usize,
    importance: *const u8,
    importance_len: usize,
    summary: *const u8,
    summary_len: usize,
    now_millis: i64,
    out_id: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_id, "out_id")?;
        let memory = memory_ref(memory)?;
        let tenant = unsafe { str_in(tenant, tenant_len, "tenant") }?;
        let content = unsafe { str_in(content, content_len, "content") }?;
        let importance = unsafe { str_in(importance, importance_len, "importance") }?;
        let summary = unsafe { str_in(summary, summary_len, "summary") }?;
        let importance = if importance.is_empty() {
            Importance::Medium
        } else {
            importance.parse::<Importance>()?
        };
        let mut entry = NewEntry::new(content).importance(importance);
        if !summary.is_empty() {
            entry = entry.summary(summary);
        }
        let id = memory.add(tenant, entry, now_millis)?;
        unsafe { write_out(out_id, cog_string::from_string(id)) };
        Ok(())
    }
}

/// Pack the tenant's best entries for `query` into at most `max_tokens - reserve_output_tokens`
/// tokens (counted exactly, separators included) at `now_millis`, CRITICAL entries always in.
/// Write the window as JSON to `*out_json` (free with `cog_string_free`):
/// `{"text", "tokens", "max_tokens", "reserve_output_tokens", "available_tokens", "tokenizer",
/// "exact", "total_value", "entries": [{"id", "importance", "tier", "form" ("full", "summary",
/// "extract"), "tokens", "full_tokens", "value", "text", "score": {"importance", "decay",
/// "access", "retention", "bm25", "phrase_match", "relevance", "total"}}], "omitted": [{"id",
/// "importance", "full_tokens", "score"}]}`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`,
/// `COG_STATUS_CONTEXT_INVALID_TENANT`, `COG_STATUS_CONTEXT_BUDGET_TOO_SMALL` (the CRITICAL
/// entries do not fit; the message says by how many tokens), `COG_STATUS_CONTEXT_LIMIT_EXCEEDED`
/// (reserve over the maximum, query over 64 KiB).
///
/// # Safety
/// Every `(ptr, len)` pair readable; `memory` a live handle; `out_json` writable.
#[no_mangle]
#[allow(
    clippy::too_many_arguments,
    reason = "a flat C signature: one (ptr, len) pair per string"
)]
pub unsafe extern "C" fn cog_context_memory_build_window(
    memory: *const cog_context_memory,
    tenant: *const u8,
    tenant_len: usize,
    query: *const u8,
    query_len: usize,
    max_tokens: usize,
    reserve_output_tokens: usize,
    now_millis: i64,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let memory = memory_ref(memory)?;
        let tenant = unsafe { str_in(tenant, tenant_len, "tenant") }?;
        let query = unsafe { str_in(query, query_len, "query") }?;
        let window = memory.build_window(tenant, query, max_tokens, reserve_output_tokens, now_millis)?;
        unsafe { write_out(out_json, window_json(&window)?) };
        Ok(())
    }
}

/// Count the tokens of `text` exactly as OpenAI's tiktoken does with `encoding` (`"o200k_base"`,
/// `"cl100k_base"`; empty = `"o200k_base"`); special-token text such as `<|endoftext|>` counts as
/// ordinary text. Write the count to `*out_count`. Thread-safe.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`,
/// `COG_STATUS_CONTEXT_UNKNOWN_ENCODING`.
///
/// # Safety
/// `(text, text_len)` and `(encoding, encoding_len)` readable; `out_count` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_count_tokens(
    text: *const u8,
    text_len: usize,
    encoding: *const u8,
    encoding_len: usize,
    out_count: *mut usize,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_count, "out_count")?;
        let text = unsafe { str_in(text, text_len, "text") }?;
        let encoding = encoding_in(unsafe { str_in(encoding, encoding_len, "encoding") }?)?;
        unsafe { write_out(out_count, count_tokens(text, encoding)) };
        Ok(())
    }
}

/// Find secrets and personal data in `text` (API keys, tokens, private keys, JWTs, card numbers
/// that pass Luhn, e-mail addresses, phone numbers, ...) and write
/// `{"text": <text with each finding replaced by [KIND]>, "findings": [{"kind", "start", "end",
/// "char_start", "char_end"}]}` to `*out_json` (free with `cog_string_free`). Offsets are into
/// the input: `start`/`end` in bytes, `char_start`/`char_end` in Unicode scalar values.
/// Stateless and thread-safe; linear in the input.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`.
///
/// # Safety
/// `(text, text_len)` readable; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn cog_mask(
    text: *const u8,
    text_len: usize,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let text = unsafe { str_in(text, text_len, "text") }?;
        let json = serde_json::to_string(&mask(text))
            .map_err(|e| Failure::invalid_argument(format!("mask result is not serialisable: {e}")))?;
        unsafe { write_out(out_json, cog_string::from_string(json)) };
        Ok(())
    }
}

/// Pack entries the caller keeps itself, without a memory: the JSON list `(entries_json,
/// entries_len)` of `{"content" (required), "importance", "tags", "metadata", "summary", "id",
/// "created_at" (Unix ms; absent = now)}` objects (an entry without an id gets its position,
/// `"0"`, `"1"`, ...), for `query`, into at most `max_tokens - reserve_output_tokens` tokens of
/// `encoding` (empty = `"o200k_base"`) at `now_millis`. Content is packed as given (no masking:
/// call `cog_mask` first if it may hold secrets). Writes the window JSON, as
/// `cog_context_memory_build_window` does, to `*out_json`.
///
/// Errors: `COG_STATUS_NULL_ARGUMENT`, `COG_STATUS_INVALID_UTF8`, `COG_STATUS_INVALID_ARGUMENT`
/// (not JSON; an entry's position and key for a wrong shape, type or unknown key),
/// `COG_STATUS_CONTEXT_UNKNOWN_ENCODING`, `COG_STATUS_CONTEXT_INVALID_IMPORTANCE`,
/// `COG_STATUS_CONTEXT_EMPTY_CONTENT`, `COG_STATUS_CONTEXT_ENTRY_TOO_LARGE`,
/// `COG_STATUS_CONTEXT_DUPLICATE_ID`, `COG_STATUS_CONTEXT_BUDGET_TOO_SMALL` (the CRITICAL entries
/// do not fit; the message says by how many tokens), `COG_STATUS_CONTEXT_LIMIT_EXCEEDED` (over
/// 100,000 entries, reserve over the maximum, query over 64 KiB).
///
/// # Safety
/// Every `(ptr, len)` pair readable; `out_json` writable.
#[no_mangle]
#[allow(
    clippy::too_many_arguments,
    reason = "a flat C signature: one (ptr, len) pair per string"
)]
pub unsafe extern "C" fn cog_context_pack(
    entries_json: *const u8,
    entries_len: usize,
    query: *const u8,
    query_len: usize,
    max_tokens: usize,
    reserve_output_tokens: usize,
    encoding: *const u8,
    encoding_len: usize,
    now_millis: i64,
    out_json: *mut cog_string,
) -> cog_status {
    cog_panic_boundary! {
        check_out(out_json, "out_json")?;
        let raw = unsafe { bytes_in(entries_json, entries_len, "entries_json") }?;
        let query = unsafe { str_in(query, query_len, "query") }?;
        let encoding = encoding_in(unsafe { str_in(encoding, encoding_len, "encoding") }?)?;
        let value: serde_json::Value = serde_json::from_slice(raw)
            .map_err(|e| Failure::invalid_argument(format!("`entries_json` is not valid JSON: {e}")))?;
        let entries = NewEntry::list_from_json(&value)?;
        let options = PackOptions {
            tokenizer: Arc::new(encoding),
            reserve_output_tokens,
            now: now_millis,
            ..PackOptions::default()
        };
        let window = pack(&entries, query, max_tokens, &options)?;
        unsafe { write_out(out_json, window_json(&window)?) };
        Ok(())
    }
}
