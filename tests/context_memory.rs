//! `ContextMemory`: tiers, demotion by retention, promotion on access, pruning, masking on insert.

use cognition_core::context::*;
use cognition_core::{Error, ErrorCode};

const T0: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn memory(working: usize, short: usize) -> ContextMemory {
    ContextMemory::new(
        MemoryConfig::new()
            .working_size(working)
            .short_term_size(short),
    )
    .unwrap()
}

fn tier_of(m: &ContextMemory, tenant: &str, id: &str) -> Tier {
    m.peek(tenant, id).unwrap().unwrap().tier()
}

#[test]
fn new_entries_enter_working_memory_with_cached_token_counts() {
    let m = memory(10, 100);
    let id = m.add("acme", NewEntry::new("hello world"), T0).unwrap();
    let e = m.peek("acme", &id).unwrap().unwrap();
    assert_eq!(e.tier(), Tier::Working);
    assert_eq!(e.tokens(), count_tokens("hello world", Encoding::O200kBase));
    assert_eq!(
        (e.created_at(), e.last_accessed_at(), e.access_count()),
        (T0, T0, 0)
    );
}

#[test]
fn default_tier_sizes_are_ten_and_one_hundred() {
    let m = ContextMemory::new(MemoryConfig::new()).unwrap();
    for i in 0..120 {
        m.add("acme", NewEntry::new(format!("fact {i}")), T0 + i)
            .unwrap();
    }
    assert_eq!(m.tier_sizes("acme").unwrap(), (10, 100, 10));
}

#[test]
fn overflow_demotes_the_lowest_retention_entry() {
    let m = memory(2, 10);
    let low = m
        .add(
            "t",
            NewEntry::new("trivial note").importance(Importance::Trivial),
            T0,
        )
        .unwrap();
    let high = m
        .add(
            "t",
            NewEntry::new("high note").importance(Importance::High),
            T0,
        )
        .unwrap();
    let medium = m.add("t", NewEntry::new("medium note"), T0).unwrap();
    assert_eq!(tier_of(&m, "t", &low), Tier::ShortTerm);
    assert_eq!(tier_of(&m, "t", &high), Tier::Working);
    assert_eq!(tier_of(&m, "t", &medium), Tier::Working);
}

#[test]
fn older_entries_are_demoted_before_newer_ones_of_the_same_importance() {
    let m = memory(1, 10);
    let old = m
        .add("t", NewEntry::new("old").created_at(T0 - 3 * DAY), T0)
        .unwrap();
    let new = m.add("t", NewEntry::new("new"), T0).unwrap();
    assert_eq!(tier_of(&m, "t", &old), Tier::ShortTerm);
    assert_eq!(tier_of(&m, "t", &new), Tier::Working);
}

#[test]
fn short_term_overflow_goes_to_long_term() {
    let m = memory(1, 1);
    let a = m
        .add("t", NewEntry::new("a").importance(Importance::Low), T0)
        .unwrap();
    m.add("t", NewEntry::new("b"), T0).unwrap();
    m.add("t", NewEntry::new("c"), T0).unwrap();
    assert_eq!(tier_of(&m, "t", &a), Tier::LongTerm);
    assert_eq!(m.tier_sizes("t").unwrap(), (1, 1, 1));
}

#[test]
fn critical_entries_never_go_below_short_term() {
    let m = memory(1, 2);
    let mut critical = Vec::new();
    for i in 0..5 {
        critical.push(
            m.add(
                "t",
                NewEntry::new(format!("rule {i}")).importance(Importance::Critical),
                T0,
            )
            .unwrap(),
        );
    }
    for i in 0..5 {
        m.add(
            "t",
            NewEntry::new(format!("note {i}")).importance(Importance::High),
            T0,
        )
        .unwrap();
    }
    for id in &critical {
        assert_ne!(tier_of(&m, "t", id), Tier::LongTerm, "{id}");
    }
}

#[test]
fn reading_a_long_term_entry_promotes_it_and_counts_the_access() {
    let m = memory(1, 1);
    let a = m
        .add("t", NewEntry::new("a").importance(Importance::Low), T0)
        .unwrap();
    m.add("t", NewEntry::new("b"), T0).unwrap();
    m.add("t", NewEntry::new("c"), T0).unwrap();
    assert_eq!(tier_of(&m, "t", &a), Tier::LongTerm);
    let e = m.get("t", &a, T0 + HOUR).unwrap();
    assert_eq!(
        (e.tier(), e.access_count(), e.last_accessed_at()),
        (Tier::ShortTerm, 1, T0 + HOUR)
    );
    assert_eq!(tier_of(&m, "t", &a), Tier::ShortTerm);
    assert_eq!(m.tier_sizes("t").unwrap(), (1, 1, 1));
}

#[test]
fn reading_a_short_term_entry_moves_it_to_working() {
    let m = memory(1, 10);
    let a = m.add("t", NewEntry::new("a"), T0).unwrap();
    let b = m.add("t", NewEntry::new("b"), T0 + 1).unwrap();
    assert_eq!(tier_of(&m, "t", &a), Tier::ShortTerm);
    m.get("t", &a, T0 + 2).unwrap();
    assert_eq!(tier_of(&m, "t", &a), Tier::Working);
    assert_eq!(tier_of(&m, "t", &b), Tier::ShortTerm);
}

#[test]
fn prune_removes_only_old_low_and_trivial_entries_and_returns_them() {
    let m = memory(10, 100);
    let old_low = m
        .add(
            "t",
            NewEntry::new("old low")
                .importance(Importance::Low)
                .created_at(T0 - 8 * DAY),
            T0,
        )
        .unwrap();
    let old_trivial = m
        .add(
            "u",
            NewEntry::new("old trivial")
                .importance(Importance::Trivial)
                .created_at(T0 - 30 * DAY),
            T0,
        )
        .unwrap();
    let new_low = m
        .add(
            "t",
            NewEntry::new("new low")
                .importance(Importance::Low)
                .created_at(T0 - 6 * DAY),
            T0,
        )
        .unwrap();
    let old_medium = m
        .add(
            "t",
            NewEntry::new("old medium").created_at(T0 - 30 * DAY),
            T0,
        )
        .unwrap();
    let old_critical = m
        .add(
            "t",
            NewEntry::new("old critical")
                .importance(Importance::Critical)
                .created_at(T0 - 300 * DAY),
            T0,
        )
        .unwrap();
    let gone = m.prune(T0).unwrap();
    let ids: Vec<(&str, &str)> = gone.iter().map(|e| (e.tenant(), e.id())).collect();
    assert_eq!(ids, [("t", old_low.as_str()), ("u", old_trivial.as_str())]);
    for id in [&new_low, &old_medium, &old_critical] {
        assert!(m.peek("t", id).unwrap().is_some());
    }
}

#[test]
fn prune_reaches_the_long_term_tier_and_honours_a_configured_age() {
    let m = ContextMemory::new(
        MemoryConfig::new()
            .working_size(1)
            .short_term_size(1)
            .prune_after_millis(HOUR),
    )
    .unwrap();
    let a = m
        .add("t", NewEntry::new("a").importance(Importance::Trivial), T0)
        .unwrap();
    m.add("t", NewEntry::new("b"), T0).unwrap();
    m.add("t", NewEntry::new("c"), T0).unwrap();
    assert_eq!(tier_of(&m, "t", &a), Tier::LongTerm);
    assert!(m.prune(T0 + HOUR).unwrap().is_empty());
    assert_eq!(m.prune(T0 + HOUR + 1).unwrap().len(), 1);
    assert!(m.peek("t", &a).unwrap().is_none());
}

#[test]
fn prune_tenant_leaves_other_tenants_alone() {
    let m = memory(10, 100);
    let old = NewEntry::new("x")
        .importance(Importance::Low)
        .created_at(T0 - 8 * DAY);
    m.add("t", old.clone(), T0).unwrap();
    let other = m.add("u", old, T0).unwrap();
    assert_eq!(m.prune_tenant("t", T0).unwrap().len(), 1);
    assert!(m.peek("u", &other).unwrap().is_some());
}

#[test]
fn secrets_are_masked_on_insert_and_the_findings_kept() {
    let m = memory(10, 100);
    let id = m
        .add("t", NewEntry::new("mail ada@example.com"), T0)
        .unwrap();
    let e = m.peek("t", &id).unwrap().unwrap();
    assert_eq!(e.content(), "mail [EMAIL]");
    assert_eq!(e.findings()[0].kind, SecretKind::Email);
}

#[test]
fn reject_mode_refuses_sensitive_content_with_its_code() {
    let m = ContextMemory::new(MemoryConfig::new().mask_mode(MaskMode::Reject)).unwrap();
    let err = m
        .add("t", NewEntry::new("key AKIAIOSFODNN7EXAMPLE"), T0)
        .unwrap_err();
    assert_eq!(Error::from(err).code(), ErrorCode::ContextSensitiveContent);
    assert!(m.entries("t").unwrap().is_empty());
}

#[test]
fn keep_mode_stores_content_as_given() {
    let m = ContextMemory::new(MemoryConfig::new().mask_mode(MaskMode::Keep)).unwrap();
    let id = m
        .add("t", NewEntry::new("mail ada@example.com"), T0)
        .unwrap();
    assert_eq!(
        m.peek("t", &id).unwrap().unwrap().content(),
        "mail ada@example.com"
    );
}

#[test]
fn own_ids_are_unique_per_tenant() {
    let m = memory(10, 100);
    m.add("t", NewEntry::new("a").id("k1"), T0).unwrap();
    let err = m.add("t", NewEntry::new("b").id("k1"), T0).unwrap_err();
    assert_eq!(err, ContextError::DuplicateId { id: "k1".into() });
    m.add("u", NewEntry::new("b").id("k1"), T0).unwrap();
}

#[test]
fn unknown_entries_and_bad_arguments_are_typed_errors() {
    let m = memory(10, 100);
    assert!(matches!(
        m.get("t", "nope", T0),
        Err(ContextError::EntryNotFound { .. })
    ));
    assert!(matches!(
        m.remove("t", "nope"),
        Err(ContextError::EntryNotFound { .. })
    ));
    assert!(matches!(
        m.add("", NewEntry::new("x"), T0),
        Err(ContextError::InvalidTenant { .. })
    ));
    assert_eq!(
        m.add("t", NewEntry::new("   "), T0),
        Err(ContextError::EmptyContent)
    );
    assert!(matches!(
        m.add("t", NewEntry::new("x").id(""), T0),
        Err(ContextError::LimitExceeded(_))
    ));
    assert!(matches!(
        m.search("t", "x", MAX_SEARCH_LIMIT + 1, T0),
        Err(ContextError::LimitExceeded(_))
    ));
    assert!(ContextMemory::new(MemoryConfig::new().working_size(0)).is_err());
}

#[test]
fn remove_takes_an_entry_out_of_every_tier() {
    let m = memory(1, 1);
    let ids: Vec<String> = (0..3)
        .map(|i| m.add("t", NewEntry::new(format!("e{i}")), T0 + i).unwrap())
        .collect();
    for id in &ids {
        assert_eq!(m.remove("t", id).unwrap().id(), id);
    }
    assert!(m.entries("t").unwrap().is_empty());
}

#[test]
fn search_ranks_matching_entries_and_skips_the_rest() {
    let m = memory(10, 100);
    m.add("t", NewEntry::new("the refund policy is thirty days"), T0)
        .unwrap();
    let card = m
        .add("t", NewEntry::new("card refund refund process"), T0)
        .unwrap();
    m.add("t", NewEntry::new("office dog"), T0).unwrap();
    let hits = m.search("t", "refund", 10, T0).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].id, card);
    assert!(hits[0].score.total >= hits[1].score.total);
    assert!(m.search("t", "refund", 1, T0).unwrap().len() == 1);
}

#[test]
fn a_user_tokenizer_is_used_for_counts() {
    struct Chars;
    impl Tokenizer for Chars {
        fn count(&self, text: &str) -> usize {
            text.chars().count()
        }
        fn name(&self) -> &str {
            "chars"
        }
    }
    let m = ContextMemory::new(MemoryConfig::new().tokenizer(std::sync::Arc::new(Chars))).unwrap();
    let id = m.add("t", NewEntry::new("héllo"), T0).unwrap();
    assert_eq!(m.peek("t", &id).unwrap().unwrap().tokens(), 5);
    let w = m.build_window("t", "hello", 100, 0, T0).unwrap();
    assert_eq!((w.tokens, w.tokenizer.as_str()), (5, "chars"));
}

/// A user's long-term store that lists entries in reverse id order and relies on the trait's
/// default `entries_by_id`.
struct ReversedStore(MemoryLongTermStore);

impl LongTermStore for ReversedStore {
    fn put(&self, entry: Entry) -> Result<(), ContextError> {
        self.0.put(entry)
    }
    fn get(&self, tenant: &str, id: &str) -> Result<Option<Entry>, ContextError> {
        self.0.get(tenant, id)
    }
    fn remove(&self, tenant: &str, id: &str) -> Result<Option<Entry>, ContextError> {
        self.0.remove(tenant, id)
    }
    fn entries(&self, tenant: &str) -> Result<Vec<Entry>, ContextError> {
        let mut entries = self.0.entries(tenant)?;
        entries.reverse();
        Ok(entries)
    }
    fn remove_where(&self, condition: &dyn Fn(&Entry) -> bool) -> Result<Vec<Entry>, ContextError> {
        self.0.remove_where(condition)
    }
}

#[test]
fn a_user_store_in_any_order_gives_the_same_entries_and_windows_as_the_built_in_one() {
    let config = MemoryConfig::new().working_size(2).short_term_size(3);
    let built_in = ContextMemory::new(config.clone()).unwrap();
    let user =
        ContextMemory::with_long_term(config, Box::new(ReversedStore(MemoryLongTermStore::new())))
            .unwrap();
    for (i, text) in [
        "Refunds take 30 days.",
        "Parking is free.",
        "The refund desk opens at nine.",
        "Cards are refunded. Cash is not.",
        "Zebras are not refunded.",
        "Biscuit is the office dog.",
        "Refund requests need a receipt.",
    ]
    .iter()
    .enumerate()
    {
        for m in [&built_in, &user] {
            m.add(
                "acme",
                NewEntry::new(*text).id(format!("e{}", 9 - i)),
                T0 + i as i64,
            )
            .unwrap();
        }
    }
    let ids = |m: &ContextMemory| -> Vec<String> {
        m.entries("acme")
            .unwrap()
            .iter()
            .map(|e| e.id().to_owned())
            .collect()
    };
    assert_eq!(ids(&user), ids(&built_in));
    assert_eq!(
        built_in.tier_sizes("acme").unwrap().2,
        2,
        "some entries are long-term"
    );
    assert_eq!(
        user.build_window("acme", "refund", 30, 0, T0 + DAY)
            .unwrap(),
        built_in
            .build_window("acme", "refund", 30, 0, T0 + DAY)
            .unwrap()
    );
}
