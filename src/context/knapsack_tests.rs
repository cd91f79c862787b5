use proptest::prelude::*;

use super::*;

/// The optimum by trying all 3^n choices.
fn brute_force(items: &[Item], capacity: usize) -> Option<i64> {
    let mut best: Option<i64> = None;
    let n = items.len();
    let mut choice = vec![0u8; n];
    loop {
        let (mut w, mut v, mut ok) = (0usize, 0i64, true);
        for (item, &c) in items.iter().zip(&choice) {
            let opt = match c {
                0 => None,
                1 => item.compressed,
                _ => item.full,
            };
            match (c, opt) {
                (0, _) if item.mandatory => ok = false,
                (0, _) => {}
                (_, None) => ok = false,
                (_, Some((ow, ov))) => {
                    w += ow;
                    v += ov;
                }
            }
        }
        if ok && w <= capacity {
            best = Some(best.map_or(v, |b| b.max(v)));
        }
        let mut k = 0;
        loop {
            if k == n {
                return best;
            }
            choice[k] += 1;
            if choice[k] < 3 {
                break;
            }
            choice[k] = 0;
            k += 1;
        }
    }
}

fn item_strategy() -> impl Strategy<Value = Item> {
    (
        1usize..60,
        0i64..1000,
        prop::option::of((1usize..60, 0i64..1000)),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(fw, fv, compressed, mandatory)| Item {
            full: Some((fw, fv)),
            compressed,
            mandatory,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn solve_matches_brute_force_on_small_instances(
        items in prop::collection::vec(item_strategy(), 0..8),
        capacity in 0usize..200,
    ) {
        let expected = brute_force(&items, capacity);
        let got = solve(&items, capacity);
        prop_assert_eq!(got.as_ref().map(|s| s.value), expected);
        if let Some(s) = got {
            prop_assert!(s.exact);
            prop_assert!(s.weight <= capacity);
            prop_assert_eq!(s.choices.len(), items.len());
            for (item, c) in items.iter().zip(&s.choices) {
                prop_assert!(!(item.mandatory && *c == Choice::Skip));
            }
        }
    }

    #[test]
    fn solve_is_never_worse_than_greedy(
        items in prop::collection::vec(item_strategy(), 0..300),
        capacity in 0usize..3000,
    ) {
        if let Some(g) = greedy(&items, capacity) {
            let s = solve(&items, capacity).expect("greedy found a packing, so one exists");
            prop_assert!(s.value >= g.value, "{} < {}", s.value, g.value);
            prop_assert!(s.weight <= capacity);
        }
    }
}

#[test]
fn mandatory_items_that_cannot_fit_make_it_infeasible() {
    let items = [Item {
        full: Some((10, 5)),
        compressed: Some((6, 2)),
        mandatory: true,
    }];
    assert!(solve(&items, 5).is_none());
    let s = solve(&items, 6).unwrap();
    assert_eq!(s.choices, [Choice::Compressed]);
}

#[test]
fn compressing_two_items_can_beat_one_full_item() {
    let items = [
        Item {
            full: Some((10, 10)),
            compressed: Some((5, 6)),
            mandatory: false,
        },
        Item {
            full: Some((10, 10)),
            compressed: Some((5, 6)),
            mandatory: false,
        },
    ];
    let s = solve(&items, 10).unwrap();
    assert_eq!(s.value, 12);
    assert_eq!(s.choices, [Choice::Compressed, Choice::Compressed]);
}

#[test]
fn the_optimum_beats_greedy_where_greedy_is_short_sighted() {
    // Greedy takes the most valuable item (weight 6) and then nothing else fits.
    let items = [
        Item {
            full: Some((6, 10)),
            compressed: None,
            mandatory: false,
        },
        Item {
            full: Some((5, 7)),
            compressed: None,
            mandatory: false,
        },
        Item {
            full: Some((5, 7)),
            compressed: None,
            mandatory: false,
        },
    ];
    assert_eq!(greedy(&items, 10).unwrap().value, 10);
    assert_eq!(solve(&items, 10).unwrap().value, 14);
}

#[test]
fn large_instances_are_reduced_and_solved_exactly() {
    // 10,000 pseudo-random items into 8,000 tokens: the reduction leaves the DP small.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let items: Vec<Item> = (0..10_000)
        .map(|_| {
            let w = 50 + (next() % 300) as usize;
            let v = (next() % 1_000_000) as i64;
            Item {
                full: Some((w, v)),
                compressed: Some((w / 3 + 1, v / 2)),
                mandatory: false,
            }
        })
        .collect();
    let s = solve(&items, 8_000).unwrap();
    assert!(s.exact);
    assert!(s.weight <= 8_000);
    assert!(s.value >= greedy(&items, 8_000).unwrap().value);
}
