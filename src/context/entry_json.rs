//! Entries as JSON objects, for faces that pass data as JSON (the C ABI and Go over it):
//! `{"content": "...", "importance": "high", "tags": ["billing"], "metadata": {"k": "v"},
//! "summary": "...", "id": "...", "created_at": 1700000000000}`.
//!
//! The parsing lives in the core so every face accepts the same keys and refuses the same
//! mistakes; an unknown key is an error rather than silently ignored (a misspelt `"importance"`
//! would otherwise pack a CRITICAL fact as MEDIUM).

use serde_json::{Map, Value};

use super::entry::{Importance, NewEntry};
use crate::Error;

const KEYS: [&str; 7] = [
    "content",
    "importance",
    "tags",
    "metadata",
    "summary",
    "id",
    "created_at",
];

fn invalid(index: usize, reason: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("entry {index}: {reason}"))
}

fn string<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    index: usize,
) -> Result<Option<&'a str>, Error> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(
            index,
            format!("`{key}` must be a string, got {other}"),
        )),
    }
}

fn entry_from_map(map: &Map<String, Value>, index: usize) -> Result<NewEntry, Error> {
    if let Some(extra) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(invalid(
            index,
            format!("unknown key `{extra}` (accepted: {})", KEYS.join(", ")),
        ));
    }
    let content = string(map, "content", index)?
        .ok_or_else(|| invalid(index, "`content` (a string) is required"))?;
    let mut entry = NewEntry::new(content);
    if let Some(name) = string(map, "importance", index)? {
        entry = entry.importance(name.parse::<Importance>()?);
    }
    match map.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(tags)) => {
            for tag in tags {
                let tag = tag.as_str().ok_or_else(|| {
                    invalid(index, format!("`tags` must hold strings, got {tag}"))
                })?;
                entry = entry.tag(tag);
            }
        }
        Some(other) => {
            return Err(invalid(
                index,
                format!("`tags` must be a list, got {other}"),
            ))
        }
    }
    match map.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Object(pairs)) => {
            for (key, value) in pairs {
                let value = value.as_str().ok_or_else(|| {
                    invalid(
                        index,
                        format!("`metadata.{key}` must be a string, got {value}"),
                    )
                })?;
                entry = entry.meta(key.as_str(), value);
            }
        }
        Some(other) => {
            return Err(invalid(
                index,
                format!("`metadata` must be an object, got {other}"),
            ))
        }
    }
    if let Some(summary) = string(map, "summary", index)? {
        entry = entry.summary(summary);
    }
    if let Some(id) = string(map, "id", index)? {
        entry = entry.id(id);
    }
    match map.get("created_at") {
        None | Some(Value::Null) => {}
        Some(v) => {
            let millis = v.as_i64().ok_or_else(|| {
                invalid(
                    index,
                    format!("`created_at` must be whole Unix milliseconds, got {v}"),
                )
            })?;
            entry = entry.created_at(millis);
        }
    }
    Ok(entry)
}

impl NewEntry {
    /// Parse a JSON list of entry objects with the keys `content` (required), `importance`,
    /// `tags`, `metadata`, `summary`, `id` and `created_at` (Unix ms). The entries are checked
    /// later, by whatever takes them ([`super::pack`], [`super::ContextMemory::add`]), exactly as
    /// entries built in Rust.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the entry's position and key (not a list, not an
    /// object, unknown key, wrong type, no content); [`Error::Context`] with
    /// [`super::ContextError::InvalidImportance`] for an unknown importance.
    ///
    /// # Example
    /// ```
    /// use cognition_core::context::{pack, NewEntry, PackOptions};
    /// use serde_json::json;
    ///
    /// let entries = NewEntry::list_from_json(&json!([
    ///     {"content": "Refunds within 30 days.", "importance": "high", "id": "refunds"},
    ///     {"content": "The office dog is called Biscuit."},
    /// ]))?;
    /// let window = pack(&entries, "refund", 20, &PackOptions::default())?;
    /// assert_eq!(window.entries[0].id, "refunds");
    /// assert!(NewEntry::list_from_json(&json!([{"content": "x", "importanse": "high"}])).is_err());
    /// # Ok::<(), cognition_core::Error>(())
    /// ```
    pub fn list_from_json(value: &Value) -> Result<Vec<NewEntry>, Error> {
        let items = value.as_array().ok_or_else(|| {
            Error::InvalidArgument("entries must be a JSON list of objects".to_owned())
        })?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let map = item
                    .as_object()
                    .ok_or_else(|| invalid(index, format!("expected an object, got {item}")))?;
                entry_from_map(map, index)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ErrorCode;

    fn error_of(value: Value) -> Error {
        NewEntry::list_from_json(&value).unwrap_err()
    }

    #[test]
    fn every_key_sets_what_the_builder_would() {
        let parsed = NewEntry::list_from_json(&json!([{
            "content": "Refunds within 30 days.", "importance": "CRITICAL", "tags": ["billing", "policy"],
            "metadata": {"source": "wiki"}, "summary": "30-day refunds", "id": "refunds", "created_at": 1_700_000_000_000i64,
        }]))
        .unwrap();
        let built = NewEntry::new("Refunds within 30 days.")
            .importance(Importance::Critical)
            .tag("billing")
            .tag("policy")
            .meta("source", "wiki")
            .summary("30-day refunds")
            .id("refunds")
            .created_at(1_700_000_000_000);
        assert_eq!(parsed, vec![built]);
    }

    #[test]
    fn only_content_is_required_and_nulls_are_left_out() {
        let parsed =
            NewEntry::list_from_json(&json!([{"content": "x", "summary": null, "tags": null}]))
                .unwrap();
        assert_eq!(parsed, vec![NewEntry::new("x")]);
        assert!(NewEntry::list_from_json(&json!([])).unwrap().is_empty());
    }

    #[test]
    fn a_misspelt_key_is_refused_with_its_position() {
        let e = error_of(json!([{"content": "a"}, {"content": "b", "importanse": "high"}]));
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert!(
            e.to_string().contains("entry 1") && e.to_string().contains("`importanse`"),
            "{e}"
        );
    }

    #[test]
    fn shapes_other_than_a_list_of_objects_are_refused() {
        for bad in [
            json!({"content": "x"}),
            json!("x"),
            json!(null),
            json!([1]),
            json!([["x"]]),
        ] {
            assert_eq!(error_of(bad).code(), ErrorCode::InvalidArgument);
        }
    }

    #[test]
    fn wrong_types_name_their_key() {
        for (bad, key) in [
            (json!([{}]), "`content`"),
            (json!([{"content": 7}]), "`content`"),
            (json!([{"content": "x", "tags": "billing"}]), "`tags`"),
            (json!([{"content": "x", "tags": [1]}]), "`tags`"),
            (
                json!([{"content": "x", "metadata": {"k": 1}}]),
                "`metadata.k`",
            ),
            (json!([{"content": "x", "metadata": []}]), "`metadata`"),
            (json!([{"content": "x", "created_at": 1.5}]), "`created_at`"),
            (
                json!([{"content": "x", "created_at": "yesterday"}]),
                "`created_at`",
            ),
            (json!([{"content": "x", "id": 3}]), "`id`"),
        ] {
            let e = error_of(bad);
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{e}");
            assert!(e.to_string().contains(key), "{key}: {e}");
        }
    }

    #[test]
    fn an_unknown_importance_is_the_context_error() {
        let e = error_of(json!([{"content": "x", "importance": "urgent"}]));
        assert_eq!(e.code(), ErrorCode::ContextInvalidImportance);
    }
}
