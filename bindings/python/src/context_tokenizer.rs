//! A Python callable `str -> int` as the core's `Tokenizer`, for `ContextMemory(tokenizer=...)`
//! and `pack(..., tokenizer=...)`.
//!
//! ## The interpreter lock
//! The memory's methods and `pack` release the interpreter while the core works, as always; the
//! core then calls [`PyTokenizer::try_count`] on the same thread, which re-attaches for the one
//! call of the callable and detaches again. So other Python threads run while a window is
//! packed, and the callable may itself use the memory: the core never counts while holding the
//! memory's lock, and every native method that takes that lock detaches first, so no thread
//! waits for the lock while holding the interpreter.
//!
//! ## Failures
//! An exception from the callable, or a result that is not an `int` in `0..=MAX_COUNT` (a
//! `bool`, a `float`, a negative number), becomes `ContextError::TokenizerFailed`; the face
//! raises it as `ContextError` (`CONTEXT_TOKENIZER_FAILED`) with the callable's exception as
//! `__cause__`. The message names the exception type, never the text: texts may hold secrets.
//! `KeyboardInterrupt` and `SystemExit` are re-raised unchanged.
//!
//! ## Memo
//! The callable must be deterministic (the `Tokenizer` contract). Counts are memoised per text
//! (up to `MEMO_MAX_TEXTS` texts and `MEMO_MAX_BYTES` bytes, then the memo starts over), so the
//! callable is called once per distinct text: entries are counted once on insert, and building
//! the same window again calls it for nothing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;

use cognition_core::context::{ContextError, Tokenizer};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyBool;
use pyo3::{PyTraverseError, PyVisit};

use crate::errors::core_err;

/// The largest count accepted from a callable: more tokens than any model's window by far, and
/// small enough that sums over 100,000 entries cannot overflow.
pub(crate) const MAX_COUNT: u64 = u32::MAX as u64;
/// Most texts remembered.
const MEMO_MAX_TEXTS: usize = 65_536;
/// Most bytes of text remembered; longer single texts are not remembered.
const MEMO_MAX_BYTES: usize = 16 << 20;

thread_local! {
    /// The exception behind this thread's last `TokenizerFailed`, for `__cause__`.
    static FAILURE: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

#[derive(Default)]
struct Memo {
    counts: HashMap<String, usize>,
    bytes: usize,
}

/// A Python callable counting tokens.
pub(crate) struct PyTokenizer {
    callable: Py<PyAny>,
    name: String,
    memo: Mutex<Memo>,
}

impl PyTokenizer {
    /// Wrap `callable`; `TypeError` if it is not callable.
    pub(crate) fn new(callable: Bound<'_, PyAny>) -> PyResult<Self> {
        if !callable.is_callable() {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "tokenizer must be a callable str -> int, not {}",
                type_name(&callable)
            )));
        }
        let name = ["__qualname__", "__name__"]
            .iter()
            .find_map(|attr| callable.getattr(*attr).ok()?.extract::<String>().ok())
            .unwrap_or_else(|| type_name(&callable));
        Ok(PyTokenizer {
            callable: callable.unbind(),
            name: name.chars().take(64).collect(),
            memo: Mutex::new(Memo::default()),
        })
    }

    /// Show the callable to the garbage collector (from the owner's `__traverse__`).
    pub(crate) fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.callable)
    }

    fn remembered(&self, text: &str) -> Option<usize> {
        let memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        memo.counts.get(text).copied()
    }

    fn remember(&self, text: &str, count: usize) {
        if text.len() > MEMO_MAX_BYTES / 16 {
            return;
        }
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        if memo.counts.len() >= MEMO_MAX_TEXTS || memo.bytes + text.len() > MEMO_MAX_BYTES {
            *memo = Memo::default();
        }
        if memo.counts.insert(text.to_owned(), count).is_none() {
            memo.bytes += text.len();
        }
    }

    fn failed(&self, reason: String) -> ContextError {
        ContextError::TokenizerFailed {
            name: self.name.clone(),
            reason,
        }
    }

    /// Call the callable once (attached) and check its result.
    fn call(&self, text: &str) -> Result<usize, ContextError> {
        Python::attach(|py| {
            let result = match self.callable.bind(py).call1((text,)) {
                Ok(result) => result,
                Err(err) => {
                    let reason = format!("raised {}", type_name(err.get_type(py).as_any()));
                    FAILURE.with(|f| *f.borrow_mut() = Some(err));
                    return Err(self.failed(reason));
                }
            };
            let expected = "expected an int >= 0";
            if result.is_instance_of::<PyBool>() {
                return Err(self.failed(format!("returned a bool, {expected}")));
            }
            match result.extract::<i64>() {
                Ok(n) if n < 0 => Err(self.failed(format!("returned {n}, {expected}"))),
                Ok(n) if n as u64 > MAX_COUNT => Err(self.failed(format!(
                    "returned {n}, over the largest count accepted ({MAX_COUNT})"
                ))),
                Ok(n) => Ok(n as usize),
                Err(_) if result.is_instance_of::<pyo3::types::PyInt>() => Err(self.failed(
                    format!("returned an int out of range, {expected} up to {MAX_COUNT}"),
                )),
                Err(_) => Err(self.failed(format!("returned {}, {expected}", type_name(&result)))),
            }
        })
    }
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    let ty = if value.is_instance_of::<pyo3::types::PyType>() {
        value.clone()
    } else {
        value.get_type().into_any()
    };
    ty.getattr("__qualname__")
        .and_then(|n| n.extract::<String>())
        .unwrap_or_else(|_| "object".to_owned())
}

impl Tokenizer for PyTokenizer {
    /// Infallible counting for callers that cannot take an error: a failure counts as 0.
    fn count(&self, text: &str) -> usize {
        self.try_count(text).unwrap_or(0)
    }

    fn try_count(&self, text: &str) -> Result<usize, ContextError> {
        if let Some(count) = self.remembered(text) {
            return Ok(count);
        }
        let count = self.call(text)?;
        self.remember(text, count);
        Ok(count)
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// Run core work that may count with a Python tokenizer, with the interpreter released, and
/// turn its error into the Python exception (chaining the callable's own exception).
pub(crate) fn detached<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: FnOnce() -> Result<T, ContextError> + Send,
    T: Send,
{
    FAILURE.with(|f| f.borrow_mut().take());
    let result = py.detach(work);
    let cause = FAILURE.with(|f| f.borrow_mut().take());
    result.map_err(|err| {
        let tokenizer_failed = matches!(err, ContextError::TokenizerFailed { .. });
        let error = core_err(py, err);
        if let (true, Some(cause)) = (tokenizer_failed, cause) {
            if !cause.is_instance_of::<PyException>(py) {
                return cause; // KeyboardInterrupt, SystemExit: not ours to wrap
            }
            error.set_cause(py, Some(cause));
        }
        error
    })
}
