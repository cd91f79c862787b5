//! Window building and `pack`: exact budgets, CRITICAL entries, compression, explanations, and
//! property tests (never over budget after re-tokenising; tenant isolation).

use cognition_core::context::*;
use cognition_core::{Error, ErrorCode};
use proptest::prelude::*;

const T0: i64 = 1_700_000_000_000;

const LONG: &str =
    "Our office opens at nine every weekday. The refund policy allows returns within \
    thirty days of purchase. Parking is free on weekends. Refunds go back to the original card. \
    The cafeteria serves lunch from noon to two.";

fn options() -> PackOptions {
    PackOptions {
        now: T0,
        ..PackOptions::default()
    }
}

#[test]
fn the_window_is_exactly_counted_and_within_budget() {
    let entries: Vec<NewEntry> = (0..30)
        .map(|i| NewEntry::new(format!("Fact number {i} about refunds.")))
        .collect();
    let w = pack(&entries, "refunds", 60, &options()).unwrap();
    assert_eq!(w.tokens, count_tokens(&w.text, Encoding::O200kBase));
    assert!(w.tokens <= 60);
    assert_eq!(w.entries.len() + w.omitted.len(), 30);
    assert!(w.exact);
}

#[test]
fn reserved_output_tokens_shrink_the_budget() {
    let entries: Vec<NewEntry> = (0..30)
        .map(|i| NewEntry::new(format!("Fact number {i}.")))
        .collect();
    let w = pack(
        &entries,
        "",
        100,
        &PackOptions {
            reserve_output_tokens: 70,
            ..options()
        },
    )
    .unwrap();
    assert!(w.tokens <= 30);
    assert_eq!(w.available_tokens, 30);
    let err = pack(
        &entries,
        "",
        10,
        &PackOptions {
            reserve_output_tokens: 11,
            ..options()
        },
    )
    .unwrap_err();
    assert!(matches!(err, ContextError::LimitExceeded(_)));
}

#[test]
fn critical_entries_are_always_included_compressed_if_needed() {
    let entries = [
        NewEntry::new(LONG).importance(Importance::Critical),
        NewEntry::new("Short but relevant fact about the refund policy."),
    ];
    let full = count_tokens(LONG, Encoding::O200kBase);
    let w = pack(&entries, "refund policy", full - 5, &options()).unwrap();
    let critical = w.entries.iter().find(|e| e.id == "0").unwrap();
    assert_eq!(critical.form, Form::Extract);
    assert!(critical.text.contains("refund policy"));
    assert!(w.tokens <= full - 5);
}

#[test]
fn a_budget_too_small_for_critical_entries_says_by_how_many_tokens() {
    let entries = [
        NewEntry::new("A critical rule that is long enough to matter here.")
            .importance(Importance::Critical),
    ];
    let need = count_tokens(
        "A critical rule that is long enough to matter here.",
        Encoding::O200kBase,
    );
    let err = pack(&entries, "", need - 3, &options()).unwrap_err();
    assert_eq!(
        err,
        ContextError::BudgetTooSmall {
            required: need,
            available: need - 3
        }
    );
    assert!(err.to_string().contains("3 tokens short"));
    assert_eq!(Error::from(err).code(), ErrorCode::ContextBudgetTooSmall);
}

#[test]
fn a_summary_is_used_when_the_full_text_does_not_fit() {
    let entries = [NewEntry::new(LONG)
        .summary("Refunds: 30 days, to the card.")
        .importance(Importance::Critical)];
    let w = pack(&entries, "refund", 15, &options()).unwrap();
    assert_eq!(w.entries[0].form, Form::Summary);
    assert_eq!(w.text, "Refunds: 30 days, to the card.");
}

#[test]
fn the_window_explains_each_entry_and_lists_what_was_left_out() {
    let entries = [
        NewEntry::new("Refunds within thirty days.").importance(Importance::High),
        NewEntry::new("The office dog is called Biscuit and likes long walks in the park."),
    ];
    let w = pack(&entries, "refunds", 8, &options()).unwrap();
    assert_eq!(w.entries.len(), 1);
    let e = &w.entries[0];
    assert_eq!(
        (e.id.as_str(), e.form, e.importance),
        ("0", Form::Full, Importance::High)
    );
    assert_eq!(
        e.tokens,
        count_tokens("Refunds within thirty days.", Encoding::O200kBase)
    );
    assert!(e.score.relevance > 0.0 && e.score.importance == 0.8 && e.score.decay == 1.0);
    assert_eq!(w.omitted.len(), 1);
    assert_eq!(&*w.omitted[0].id, "1");
    let json = serde_json::to_value(&w).unwrap();
    assert!(json["entries"][0]["score"]["relevance"].is_number());
}

#[test]
fn entries_are_rendered_critical_first_then_by_importance_and_score() {
    let entries = [
        NewEntry::new("low note").importance(Importance::Low),
        NewEntry::new("high note").importance(Importance::High),
        NewEntry::new("critical note").importance(Importance::Critical),
    ];
    let w = pack(&entries, "", 1000, &options()).unwrap();
    assert_eq!(w.text, "critical note\n\nhigh note\n\nlow note");
}

#[test]
fn the_separator_is_configurable() {
    let entries = [NewEntry::new("a"), NewEntry::new("b")];
    let opts = PackOptions {
        window: WindowOptions {
            separator: "\n---\n".into(),
            ..WindowOptions::default()
        },
        ..options()
    };
    assert_eq!(pack(&entries, "", 100, &opts).unwrap().text, "a\n---\nb");
}

#[test]
fn pack_rejects_bad_input_with_typed_errors() {
    let opts = options();
    assert_eq!(
        pack(&[NewEntry::new("")], "", 10, &opts).unwrap_err(),
        ContextError::EmptyContent
    );
    let dup = [NewEntry::new("a").id("x"), NewEntry::new("b").id("x")];
    assert!(matches!(
        pack(&dup, "", 10, &opts),
        Err(ContextError::DuplicateId { .. })
    ));
    let huge_query = "q ".repeat(40_000);
    assert!(matches!(
        pack(&[NewEntry::new("a")], &huge_query, 10, &opts),
        Err(ContextError::LimitExceeded(_))
    ));
    let bad = PackOptions {
        window: WindowOptions {
            compressed_value: 2.0,
            ..WindowOptions::default()
        },
        ..options()
    };
    assert!(matches!(
        pack(&[NewEntry::new("a")], "", 10, &bad),
        Err(ContextError::LimitExceeded(_))
    ));
}

#[test]
fn an_empty_candidate_set_gives_an_empty_window() {
    let w = pack(&[], "anything", 100, &options()).unwrap();
    assert_eq!((w.text.as_str(), w.tokens, w.entries.len()), ("", 0, 0));
    let m = ContextMemory::new(MemoryConfig::new()).unwrap();
    assert_eq!(m.build_window("nobody", "q", 0, 0, T0).unwrap().tokens, 0);
}

#[test]
fn hostile_text_packs_within_budget() {
    let entries = [
        NewEntry::new("<|endoftext|> <|fim_prefix|> ".repeat(50)),
        NewEntry::new("x\n\n\n   \t\t".repeat(100)),
        NewEntry::new("🙂".repeat(500)),
        NewEntry::new("日本語のテキスト。".repeat(50)),
    ];
    for budget in [0, 1, 7, 50, 300, 5000] {
        let w = pack(&entries, "テキスト endoftext", budget, &options()).unwrap();
        assert!(w.tokens <= budget);
        assert_eq!(w.tokens, count_tokens(&w.text, Encoding::O200kBase));
    }
}

#[test]
fn the_memory_window_packs_only_the_tenants_entries() {
    let m = ContextMemory::new(MemoryConfig::new()).unwrap();
    m.add("acme", NewEntry::new("Acme refunds within 30 days."), T0)
        .unwrap();
    m.add("globex", NewEntry::new("Globex refunds never."), T0)
        .unwrap();
    let w = m.build_window("acme", "refunds", 1000, 0, T0).unwrap();
    assert_eq!(w.text, "Acme refunds within 30 days.");
    assert_eq!(w.entries[0].tier, Some(Tier::Working));
}

/// Two words per token: counts do not add up at spaces ("a b" is 1 token, "a" and " b" are 2).
struct WordPairs;

impl Tokenizer for WordPairs {
    fn count(&self, text: &str) -> usize {
        text.split_whitespace().count().div_ceil(2)
    }
    fn name(&self) -> &str {
        "word-pairs"
    }
}

#[test]
fn a_tokenizer_whose_counts_do_not_add_up_at_spaces_gets_exact_windows() {
    let entries: Vec<NewEntry> = (0..6)
        .map(|i| NewEntry::new(format!("{LONG} Entry {i} ends here.")))
        .collect();
    let opts = PackOptions {
        tokenizer: std::sync::Arc::new(WordPairs),
        ..options()
    };
    for budget in [5, 12, 30, 60] {
        let w = pack(&entries, "refund policy", budget, &opts).unwrap();
        assert_eq!(w.tokens, WordPairs.count(&w.text));
        assert!(w.tokens <= budget);
        for e in &w.entries {
            assert_eq!(e.tokens, WordPairs.count(&e.text));
        }
    }
}

fn text_strategy() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "refund",
        "policy",
        " ",
        "\n",
        "\n\n",
        ".",
        "!",
        "?",
        "  ",
        "日本",
        "🙂",
        "<|endoftext|>",
        "x",
        "42",
        "The card.",
        " Sentence two.",
        "\t",
        "'s",
        "...",
        "-",
        "café",
    ]);
    prop::collection::vec(pieces, 1..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The rendered window, re-tokenised, never exceeds the budget, whatever the texts, the
    /// separator (merging across boundaries) and the importances.
    #[test]
    fn the_rendered_window_never_exceeds_the_budget(
        texts in prop::collection::vec((text_strategy(), 0usize..5, prop::option::of(text_strategy())), 1..12),
        separator in prop::sample::select(vec!["\n\n", "\n", " ", "", ".\n", "\n---\n"]),
        budget in 0usize..200,
        encoding in prop::sample::select(vec![Encoding::O200kBase, Encoding::Cl100kBase]),
    ) {
        let entries: Vec<NewEntry> = texts
            .iter()
            .filter(|(t, _, _)| !t.trim().is_empty())
            .map(|(t, imp, summary)| {
                let e = NewEntry::new(t.clone()).importance(Importance::ALL[*imp]);
                match summary { Some(s) if !s.trim().is_empty() => e.summary(s.clone()), _ => e }
            })
            .collect();
        let opts = PackOptions {
            tokenizer: std::sync::Arc::new(encoding),
            window: WindowOptions { separator: separator.to_owned(), ..WindowOptions::default() },
            ..options()
        };
        match pack(&entries, "refund policy", budget, &opts) {
            Ok(w) => {
                prop_assert_eq!(w.tokens, count_tokens(&w.text, encoding));
                prop_assert!(w.tokens <= budget);
                for e in &w.entries {
                    prop_assert_eq!(e.tokens, count_tokens(&e.text, encoding), "{:?}", e.form);
                }
                let critical = texts.iter().filter(|(t, imp, _)| !t.trim().is_empty() && *imp == 0).count();
                let included = w.entries.iter().filter(|e| e.importance == Importance::Critical).count();
                prop_assert_eq!(critical, included);
            }
            Err(ContextError::BudgetTooSmall { required, available }) => {
                prop_assert!(required > available);
                prop_assert_eq!(available, budget);
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
