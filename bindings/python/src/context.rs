//! The context face: token counting, masking, `ContextMemory` and stateless `pack`, over
//! `cognition_core::context`.
//!
//! The native layer speaks plain values (`str`, `int`, Unix milliseconds, `dict`s shaped like the
//! core's serde output); `cognition_core._context` wraps them in typed, frozen dataclasses and
//! turns `datetime`s (or `None`, the system clock, read there and never in the core) into
//! milliseconds. Counting, packing and searching release the interpreter.

use cognition_core::context::{
    self as core, ContextMemory as CoreMemory, Encoding, Entry, Importance, MemoryConfig, NewEntry,
    PackOptions,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::{json, Value};

use crate::errors::core_err;
use crate::json::to_py;

/// Texts longer than this (bytes) are counted with the interpreter released.
const DETACH_ABOVE_BYTES: usize = 4 * 1024;

fn encoding(py: Python<'_>, name: &str) -> PyResult<Encoding> {
    name.parse::<Encoding>().map_err(|e| core_err(py, e))
}

fn importance(py: Python<'_>, name: &str) -> PyResult<Importance> {
    name.parse::<Importance>().map_err(|e| core_err(py, e))
}

/// Convert a core value already turned into JSON (`serde_json::to_value`) to Python.
fn serialised<'py>(
    py: Python<'py>,
    value: Result<Value, serde_json::Error>,
) -> PyResult<Bound<'py, PyAny>> {
    let value = value.map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    to_py(py, &value)
}

/// An entry as a JSON value (the core's `Entry` is not serde-serialisable: it is shared).
fn entry_value(entry: &Entry) -> Value {
    json!({
        "id": entry.id(),
        "tenant": entry.tenant(),
        "content": entry.content(),
        "summary": entry.summary(),
        "importance": entry.importance(),
        "created_at": entry.created_at(),
        "last_accessed_at": entry.last_accessed_at(),
        "access_count": entry.access_count(),
        "tags": entry.tags(),
        "tier": entry.tier(),
        "tokens": entry.tokens(),
        "findings": entry.findings(),
    })
}

/// Return the number of tokens of `text` in `encoding`, exactly as tiktoken counts them.
#[pyfunction]
pub(crate) fn count_tokens(py: Python<'_>, text: &str, encoding_name: &str) -> PyResult<usize> {
    let enc = encoding(py, encoding_name)?;
    Ok(if text.len() > DETACH_ABOVE_BYTES {
        py.detach(|| core::count_tokens(text, enc))
    } else {
        core::count_tokens(text, enc)
    })
}

/// Return `{"text": masked, "findings": [{kind, start, end, char_start, char_end}]}`.
#[pyfunction]
pub(crate) fn mask<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let result = py.detach(|| core::mask(text));
    serialised(py, serde_json::to_value(&result))
}

/// Build a core `NewEntry` from the face's plain arguments.
fn new_entry(
    py: Python<'_>,
    content: String,
    importance_name: &str,
    tags: Vec<String>,
    summary: Option<String>,
    id: Option<String>,
    created_at: Option<i64>,
) -> PyResult<NewEntry> {
    let mut entry = NewEntry::new(content).importance(importance(py, importance_name)?);
    for tag in tags {
        entry = entry.tag(tag);
    }
    if let Some(summary) = summary {
        entry = entry.summary(summary);
    }
    if let Some(id) = id {
        entry = entry.id(id);
    }
    if let Some(millis) = created_at {
        entry = entry.created_at(millis);
    }
    Ok(entry)
}

/// Pack plain entry tuples `(content, importance, tags, summary, id, created_at_ms)` for `query`.
#[pyfunction]
#[allow(clippy::type_complexity)]
pub(crate) fn pack<'py>(
    py: Python<'py>,
    entries: Vec<(
        String,
        String,
        Vec<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
    )>,
    query: &str,
    max_tokens: usize,
    reserve_output_tokens: usize,
    encoding_name: &str,
    now: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let enc = encoding(py, encoding_name)?;
    let entries = entries
        .into_iter()
        .map(|(content, imp, tags, summary, id, created)| {
            new_entry(py, content, &imp, tags, summary, id, created)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let options = PackOptions {
        tokenizer: std::sync::Arc::new(enc),
        reserve_output_tokens,
        now,
        ..PackOptions::default()
    };
    let window = py
        .detach(|| core::pack(&entries, query, max_tokens, &options))
        .map_err(|e| core_err(py, e))?;
    serialised(py, serde_json::to_value(&window))
}

/// Per-tenant memory in three tiers; the Python class `ContextMemory` wraps it.
#[pyclass(module = "cognition_core._native", frozen)]
pub(crate) struct NativeContextMemory(CoreMemory);

#[pymethods]
impl NativeContextMemory {
    #[new]
    fn new(
        py: Python<'_>,
        encoding_name: &str,
        working_size: usize,
        short_term_size: usize,
    ) -> PyResult<Self> {
        let config = MemoryConfig::new()
            .encoding(encoding(py, encoding_name)?)
            .working_size(working_size)
            .short_term_size(short_term_size);
        CoreMemory::new(config)
            .map(NativeContextMemory)
            .map_err(|e| core_err(py, e))
    }

    /// The tokenizer's name (e.g. `o200k_base`).
    #[getter]
    fn tokenizer(&self) -> String {
        self.0.tokenizer_name().to_owned()
    }

    /// Add an entry; return its id.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        py: Python<'_>,
        tenant: &str,
        content: String,
        importance: &str,
        tags: Vec<String>,
        summary: Option<String>,
        id: Option<String>,
        created_at: Option<i64>,
        now: i64,
    ) -> PyResult<String> {
        let entry = new_entry(py, content, importance, tags, summary, id, created_at)?;
        py.detach(|| self.0.add(tenant, entry, now))
            .map_err(|e| core_err(py, e))
    }

    /// Read an entry (counts as an access).
    fn get<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        id: &str,
        now: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let entry = self.0.get(tenant, id, now).map_err(|e| core_err(py, e))?;
        to_py(py, &entry_value(&entry))
    }

    /// Entries matching `query`, best first: `[{"id", "score", "entry"}]`.
    fn search<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        query: &str,
        limit: usize,
        now: i64,
    ) -> PyResult<Bound<'py, PyList>> {
        let hits = py
            .detach(|| self.0.search(tenant, query, limit, now))
            .map_err(|e| core_err(py, e))?;
        let list = PyList::empty(py);
        for hit in hits {
            let item = PyDict::new(py);
            item.set_item("id", &hit.id)?;
            item.set_item("score", serialised(py, serde_json::to_value(hit.score))?)?;
            item.set_item("entry", to_py(py, &entry_value(&hit.entry))?)?;
            list.append(item)?;
        }
        Ok(list)
    }

    /// Drop old LOW/TRIVIAL entries of every tenant; return them.
    fn prune<'py>(&self, py: Python<'py>, now: i64) -> PyResult<Bound<'py, PyList>> {
        let pruned = py
            .detach(|| self.0.prune(now))
            .map_err(|e| core_err(py, e))?;
        let list = PyList::empty(py);
        for entry in &pruned {
            list.append(to_py(py, &entry_value(entry))?)?;
        }
        Ok(list)
    }

    /// Pack the tenant's entries into a window for `query`.
    fn build_window<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        query: &str,
        max_tokens: usize,
        reserve_output_tokens: usize,
        now: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let window = py
            .detach(|| {
                self.0
                    .build_window(tenant, query, max_tokens, reserve_output_tokens, now)
            })
            .map_err(|e| core_err(py, e))?;
        serialised(py, serde_json::to_value(&window))
    }
}
