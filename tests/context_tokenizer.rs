//! User tokenizers: a failing counter is a typed error that stores nothing, and counting never
//! happens under the memory's lock (a counter may call back into the memory).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};

use cognition_core::context::*;
use cognition_core::ErrorCode;

const T0: i64 = 1_700_000_000_000;

/// One token per word; fails on any text containing `poison`.
struct Picky;

impl Tokenizer for Picky {
    fn count(&self, text: &str) -> usize {
        text.split_whitespace().count()
    }
    fn try_count(&self, text: &str) -> Result<usize, ContextError> {
        if text.contains("poison") {
            return Err(ContextError::TokenizerFailed {
                name: "picky".to_owned(),
                reason: "refused a text".to_owned(),
            });
        }
        Ok(self.count(text))
    }
    fn name(&self) -> &str {
        "picky"
    }
}

fn picky_memory() -> ContextMemory {
    ContextMemory::new(MemoryConfig::new().tokenizer(Arc::new(Picky))).unwrap()
}

#[test]
fn a_failing_tokenizer_on_add_is_a_typed_error_and_stores_nothing() {
    let m = picky_memory();
    let err = m
        .add("acme", NewEntry::new("a poison pill. Second sentence."), T0)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ContextTokenizerFailed);
    assert!(m.entries("acme").unwrap().is_empty());
}

#[test]
fn a_failing_tokenizer_on_a_summary_stores_nothing() {
    let m = picky_memory();
    let entry = NewEntry::new("fine content").summary("poison summary");
    let err = m.add("acme", entry, T0).unwrap_err();
    assert!(matches!(err, ContextError::TokenizerFailed { ref name, .. } if name == "picky"));
    assert!(m.entries("acme").unwrap().is_empty());
}

/// Counts like `Picky` but fails on the separator, which only window building counts.
struct FailsOnSeparator;

impl Tokenizer for FailsOnSeparator {
    fn count(&self, text: &str) -> usize {
        text.split_whitespace().count()
    }
    fn try_count(&self, text: &str) -> Result<usize, ContextError> {
        if text.trim().is_empty() {
            return Err(ContextError::TokenizerFailed {
                name: "sep".to_owned(),
                reason: "no words".to_owned(),
            });
        }
        Ok(self.count(text))
    }
    fn name(&self) -> &str {
        "sep"
    }
}

#[test]
fn a_tokenizer_failing_while_packing_is_a_typed_error() {
    let m = ContextMemory::new(MemoryConfig::new().tokenizer(Arc::new(FailsOnSeparator))).unwrap();
    m.add("acme", NewEntry::new("refunds take thirty days"), T0)
        .unwrap();
    let err = m.build_window("acme", "refunds", 100, 0, T0).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ContextTokenizerFailed);
}

#[test]
fn pack_reports_a_failing_tokenizer() {
    let options = PackOptions {
        tokenizer: Arc::new(Picky),
        ..PackOptions::default()
    };
    let entries = [NewEntry::new("fine"), NewEntry::new("poison")];
    let err = pack(&entries, "", 100, &options).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ContextTokenizerFailed);
}

/// A counter that reads the memory it belongs to on every call (as a Python callable may).
struct Reentrant {
    memory: OnceLock<Weak<ContextMemory>>,
    calls: AtomicUsize,
}

impl Tokenizer for Reentrant {
    fn count(&self, text: &str) -> usize {
        if let Some(memory) = self.memory.get().and_then(Weak::upgrade) {
            memory.entries("acme").unwrap(); // takes the memory's lock
        }
        self.calls.fetch_add(1, Ordering::SeqCst);
        text.split_whitespace().count()
    }
    fn name(&self) -> &str {
        "reentrant"
    }
}

#[test]
fn a_tokenizer_may_call_back_into_its_memory_without_deadlock() {
    let tokenizer = Arc::new(Reentrant {
        memory: OnceLock::new(),
        calls: AtomicUsize::new(0),
    });
    let m = Arc::new(ContextMemory::new(MemoryConfig::new().tokenizer(tokenizer.clone())).unwrap());
    tokenizer.memory.set(Arc::downgrade(&m)).unwrap();
    m.add("acme", NewEntry::new("one two three"), T0).unwrap();
    let w = m.build_window("acme", "two", 100, 0, T0).unwrap();
    assert_eq!(w.tokens, 3);
    assert!(tokenizer.calls.load(Ordering::SeqCst) >= 2);
}

#[test]
fn a_given_id_of_the_generated_form_does_not_collide_with_generated_ids() {
    let m = picky_memory();
    let taken = m
        .add("acme", NewEntry::new("mine").id("ctx_000000000001"), T0)
        .unwrap();
    let generated = m.add("acme", NewEntry::new("generated"), T0).unwrap();
    assert_ne!(taken, generated);
    assert_eq!(
        m.peek("acme", &generated).unwrap().unwrap().content(),
        "generated"
    );
    assert_eq!(m.peek("acme", &taken).unwrap().unwrap().content(), "mine");
}
