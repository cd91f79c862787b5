//! The context face: token counting, masking, `ContextMemory` and stateless `pack`, over
//! `cognition_core::context`.
//!
//! The native layer speaks plain values (`str`, `int`, Unix milliseconds, `dict`s shaped like the
//! core's serde output); `cognition_core._context` wraps them in typed, frozen dataclasses and
//! turns `datetime`s (or `None`, the system clock, read there and never in the core) into
//! milliseconds. Every method releases the interpreter before the core takes the memory's lock
//! (so a Python tokenizer, which re-attaches for each call, can never deadlock against it; see
//! `context_tokenizer`). Counting, packing and searching run with the interpreter released.

use std::sync::Arc;

use cognition_core::context::{
    self as core, ContextMemory as CoreMemory, Encoding, Entry, Importance, MemoryConfig, NewEntry,
    PackOptions, Tokenizer,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3::{PyTraverseError, PyVisit};
use serde_json::{json, Value};

use crate::context_tokenizer::{detached, PyTokenizer};
use crate::errors::core_err;
use crate::json::to_py;

/// Texts longer than this (bytes) are counted with the interpreter released.
const DETACH_ABOVE_BYTES: usize = 4 * 1024;

fn encoding(py: Python<'_>, name: &str) -> PyResult<Encoding> {
    name.parse::<Encoding>().map_err(|e| core_err(py, e))
}

/// The tokenizer to count with, and the same one again if it is a Python callable.
type Tokenizers = (Arc<dyn Tokenizer>, Option<Arc<PyTokenizer>>);

/// The tokenizer: the Python callable if one is given (also returned, for the garbage
/// collector), else the named encoding.
fn tokenizer(
    py: Python<'_>,
    encoding_name: &str,
    callable: Option<Bound<'_, PyAny>>,
) -> PyResult<Tokenizers> {
    let enc = encoding(py, encoding_name)?;
    Ok(match callable {
        Some(callable) => {
            let python = Arc::new(PyTokenizer::new(callable)?);
            (python.clone(), Some(python))
        }
        None => (Arc::new(enc), None),
    })
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

/// Pack plain entry tuples `(content, importance, tags, summary, id, created_at_ms)` for `query`,
/// counting with `tokenizer` (a callable `str -> int`) if given, else with the encoding.
#[pyfunction]
#[pyo3(signature = (entries, query, max_tokens, reserve_output_tokens, encoding_name, now, tokenizer=None))]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
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
    tokenizer: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (tokenizer, _) = self::tokenizer(py, encoding_name, tokenizer)?;
    let entries = entries
        .into_iter()
        .map(|(content, imp, tags, summary, id, created)| {
            new_entry(py, content, &imp, tags, summary, id, created)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let options = PackOptions {
        tokenizer,
        reserve_output_tokens,
        now,
        ..PackOptions::default()
    };
    let window = detached(py, || core::pack(&entries, query, max_tokens, &options))?;
    serialised(py, serde_json::to_value(&window))
}

/// Per-tenant memory in three tiers; the Python class `ContextMemory` wraps it.
#[pyclass(module = "cognition_core._native", frozen)]
pub(crate) struct NativeContextMemory {
    memory: CoreMemory,
    /// The memory's Python tokenizer, if any, so the garbage collector can see its callable (a
    /// callable that refers back to the memory makes a reference cycle).
    python_tokenizer: Option<Arc<PyTokenizer>>,
}

#[pymethods]
impl NativeContextMemory {
    #[new]
    #[pyo3(signature = (encoding_name, working_size, short_term_size, tokenizer=None))]
    fn new(
        py: Python<'_>,
        encoding_name: &str,
        working_size: usize,
        short_term_size: usize,
        tokenizer: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let (tokenizer, python_tokenizer) = self::tokenizer(py, encoding_name, tokenizer)?;
        let config = MemoryConfig::new()
            .tokenizer(tokenizer)
            .working_size(working_size)
            .short_term_size(short_term_size);
        let memory = CoreMemory::new(config).map_err(|e| core_err(py, e))?;
        Ok(NativeContextMemory {
            memory,
            python_tokenizer,
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(tokenizer) = &self.python_tokenizer {
            tokenizer.traverse(&visit)?;
        }
        Ok(())
    }

    /// The tokenizer's name (e.g. `o200k_base`).
    #[getter]
    fn tokenizer(&self) -> String {
        self.memory.tokenizer_name().to_owned()
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
        detached(py, || self.memory.add(tenant, entry, now))
    }

    /// Read an entry (counts as an access).
    fn get<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        id: &str,
        now: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let entry = detached(py, || self.memory.get(tenant, id, now))?;
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
        let hits = detached(py, || self.memory.search(tenant, query, limit, now))?;
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
        let pruned = detached(py, || self.memory.prune(now))?;
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
        let window = detached(py, || {
            self.memory
                .build_window(tenant, query, max_tokens, reserve_output_tokens, now)
        })?;
        serialised(py, serde_json::to_value(&window))
    }
}
