//! Tenant isolation: random interleavings of every memory operation over several tenants never
//! let one tenant see, change or pack another tenant's entry.

use std::collections::{HashMap, HashSet};

use cognition_core::context::*;
use proptest::prelude::*;

const T0: i64 = 1_700_000_000_000;
const TENANTS: [&str; 3] = ["acme", "globex", "initech"];

#[derive(Debug, Clone)]
enum Op {
    Add {
        tenant: usize,
        word: usize,
        importance: usize,
        own_id: Option<u8>,
    },
    Get {
        tenant: usize,
        id: u8,
    },
    Peek {
        tenant: usize,
        id: u8,
    },
    Remove {
        tenant: usize,
        id: u8,
    },
    Search {
        tenant: usize,
        word: usize,
    },
    Window {
        tenant: usize,
        word: usize,
        budget: usize,
    },
    Prune {
        tenant: Option<usize>,
    },
    Advance {
        hours: i64,
    },
}

const WORDS: [&str; 5] = ["refund", "invoice", "shipping", "password", "refund policy"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..5usize, 0..5usize, prop::option::of(0..6u8))
            .prop_map(|(tenant, word, importance, own_id)| Op::Add { tenant, word, importance, own_id }),
        2 => (0..3usize, 0..20u8).prop_map(|(tenant, id)| Op::Get { tenant, id }),
        1 => (0..3usize, 0..20u8).prop_map(|(tenant, id)| Op::Peek { tenant, id }),
        1 => (0..3usize, 0..20u8).prop_map(|(tenant, id)| Op::Remove { tenant, id }),
        2 => (0..3usize, 0..5usize).prop_map(|(tenant, word)| Op::Search { tenant, word }),
        2 => (0..3usize, 0..5usize, 0..200usize).prop_map(|(tenant, word, budget)| Op::Window { tenant, word, budget }),
        1 => prop::option::of(0..3usize).prop_map(|tenant| Op::Prune { tenant }),
        1 => (0..400i64).prop_map(|hours| Op::Advance { hours }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn no_operation_returns_or_touches_another_tenants_entry(ops in prop::collection::vec(op(), 1..80)) {
        let memory = ContextMemory::new(MemoryConfig::new().working_size(2).short_term_size(3)).unwrap();
        // The ids each tenant owns (a known universe of ids, some shared between tenants).
        let mut owned: HashMap<&str, HashSet<String>> = HashMap::new();
        let mut all_ids: Vec<String> = Vec::new();
        let mut now = T0;
        for op in ops {
            match op {
                Op::Add { tenant, word, importance, own_id } => {
                    let t = TENANTS[tenant];
                    let mut entry = NewEntry::new(format!("{t} note about {}", WORDS[word]))
                        .importance(Importance::ALL[importance]);
                    if let Some(n) = own_id {
                        entry = entry.id(format!("shared-{n}"));
                    }
                    if let Ok(id) = memory.add(t, entry, now) {
                        owned.entry(t).or_default().insert(id.clone());
                        all_ids.push(id);
                    }
                }
                Op::Get { tenant, id } | Op::Peek { tenant, id } | Op::Remove { tenant, id } if all_ids.is_empty() => {
                    let _ = (tenant, id);
                }
                Op::Get { tenant, id } => {
                    let t = TENANTS[tenant];
                    let id = &all_ids[id as usize % all_ids.len()];
                    match memory.get(t, id, now) {
                        Ok(e) => {
                            prop_assert_eq!(e.tenant(), t);
                            prop_assert!(owned[t].contains(e.id()));
                        }
                        Err(ContextError::EntryNotFound { .. }) => {
                            prop_assert!(!owned.get(t).is_some_and(|s| s.contains(id)));
                        }
                        Err(e) => prop_assert!(false, "{e}"),
                    }
                }
                Op::Peek { tenant, id } => {
                    let t = TENANTS[tenant];
                    let id = &all_ids[id as usize % all_ids.len()];
                    let found = memory.peek(t, id).unwrap();
                    prop_assert_eq!(found.is_some(), owned.get(t).is_some_and(|s| s.contains(id)));
                    if let Some(e) = found {
                        prop_assert_eq!(e.tenant(), t);
                    }
                }
                Op::Remove { tenant, id } => {
                    let t = TENANTS[tenant];
                    let id = all_ids[id as usize % all_ids.len()].clone();
                    let mine = owned.get(t).is_some_and(|s| s.contains(&id));
                    let result = memory.remove(t, &id);
                    prop_assert_eq!(result.is_ok(), mine);
                    if let Ok(e) = result {
                        prop_assert_eq!(e.tenant(), t);
                        owned.get_mut(t).unwrap().remove(&id);
                    }
                }
                Op::Search { tenant, word } => {
                    let t = TENANTS[tenant];
                    for hit in memory.search(t, WORDS[word], 100, now).unwrap() {
                        prop_assert_eq!(hit.entry.tenant(), t);
                        prop_assert!(owned[t].contains(&hit.id));
                    }
                }
                Op::Window { tenant, word, budget } => {
                    let t = TENANTS[tenant];
                    if let Ok(w) = memory.build_window(t, WORDS[word], budget, 0, now) {
                        for e in &w.entries {
                            prop_assert!(owned[t].contains(&e.id));
                        }
                        for e in &w.omitted {
                            prop_assert!(owned[t].contains(&*e.id));
                        }
                        for other in TENANTS.iter().filter(|&&o| o != t) {
                            prop_assert!(!w.text.contains(other), "{} saw {}", t, other);
                        }
                    }
                }
                Op::Prune { tenant } => {
                    let removed = match tenant {
                        Some(i) => memory.prune_tenant(TENANTS[i], now).unwrap(),
                        None => memory.prune(now).unwrap(),
                    };
                    for e in removed {
                        if let Some(i) = tenant {
                            prop_assert_eq!(e.tenant(), TENANTS[i]);
                        }
                        let t = TENANTS.iter().find(|&&x| x == e.tenant()).unwrap();
                        prop_assert!(owned.get_mut(t).unwrap().remove(e.id()));
                    }
                }
                Op::Advance { hours } => now += hours * 3_600_000,
            }
            for t in TENANTS {
                let ids: HashSet<String> = memory.entries(t).unwrap().iter().map(|e| {
                    assert_eq!(e.tenant(), t);
                    e.id().to_owned()
                }).collect();
                let empty = HashSet::new();
                prop_assert_eq!(&ids, owned.get(t).unwrap_or(&empty));
            }
        }
    }
}
