//! `query::suggest`: the index rule, each rewrite rule, the evidence-driven strategies, and the
//! shared vectors in `tests/vectors/query_suggestions.json`.

use cognition_core::query::analyze::analyze;
use cognition_core::query::fingerprint;
use cognition_core::query::suggest::{suggest, Evidence, Strategy, SuggestConfig, Suggestion};
use serde_json::Value;

/// A frequent, inefficient statement: 500 calls, 100,000 rows examined for 10 returned per call.
fn slow() -> Evidence {
    Evidence {
        calls: 500,
        mean_ms: 80.0,
        p95_ms: 150.0,
        rows_examined: 50_000_000,
        rows_returned: 5_000,
        efficiency: 0.0001,
    }
}

/// An efficient statement: every row examined is returned.
fn healthy() -> Evidence {
    Evidence {
        calls: 50,
        mean_ms: 2.0,
        p95_ms: 4.0,
        rows_examined: 5_000,
        rows_returned: 5_000,
        efficiency: 0.98,
    }
}

fn advise(sql: &str, evidence: Evidence) -> Vec<Suggestion> {
    suggest(
        &analyze(sql),
        &fingerprint(sql),
        &evidence,
        &SuggestConfig::default(),
    )
}

fn indexes(sql: &str) -> Vec<String> {
    advise(sql, slow())
        .into_iter()
        .filter(|s| s.strategy == Strategy::IndexHint)
        .filter_map(|s| s.statement)
        .collect()
}

fn rewrites(sql: &str) -> Vec<String> {
    advise(sql, healthy())
        .into_iter()
        .filter(|s| s.strategy == Strategy::QueryRewrite)
        .map(|s| s.reason)
        .collect()
}

#[test]
fn equality_then_range_column() {
    assert_eq!(
        indexes("SELECT id FROM t WHERE a = ? AND b > ?"),
        ["CREATE INDEX idx_t_a_b ON t (a, b)"]
    );
}

#[test]
fn order_by_appended_after_equality() {
    assert_eq!(
        indexes("SELECT id FROM t WHERE a = ? ORDER BY c"),
        ["CREATE INDEX idx_t_a_c ON t (a, c)"]
    );
}

#[test]
fn range_filter_stops_before_order_by() {
    assert_eq!(
        indexes("SELECT id FROM t WHERE a > ? ORDER BY c"),
        ["CREATE INDEX idx_t_a ON t (a)"]
    );
}

#[test]
fn only_one_range_column() {
    assert_eq!(
        indexes("SELECT id FROM t WHERE a > ? AND b < ? AND c = ?"),
        ["CREATE INDEX idx_t_c_a ON t (c, a)"]
    );
}

#[test]
fn or_across_columns_gives_no_index_hint() {
    assert!(indexes("SELECT id FROM t WHERE a = ? OR b = ?").is_empty());
}

#[test]
fn function_on_column_gives_rewrite_not_index() {
    let advice = advise("SELECT id FROM users WHERE lower(email) = ?", slow());
    assert_eq!(advice.len(), 1);
    assert_eq!(advice[0].strategy, Strategy::QueryRewrite);
    assert!(advice[0]
        .reason
        .contains("lower is applied to the filtered column users.email"));
}

#[test]
fn join_key_indexed_on_the_joined_table() {
    assert_eq!(
        indexes("SELECT u.id FROM users u JOIN orders o ON o.user_id = u.id WHERE u.email = ?"),
        [
            "CREATE INDEX idx_orders_user_id ON orders (user_id)",
            "CREATE INDEX idx_users_email ON users (email)"
        ]
    );
}

#[test]
fn in_list_counts_as_equality() {
    assert_eq!(
        indexes("SELECT id FROM t WHERE a IN (1, 2, 3) AND b > ? "),
        ["CREATE INDEX idx_t_a_b ON t (a, b)"]
    );
}

#[test]
fn mixed_order_by_directions_not_appended() {
    assert_eq!(
        indexes("SELECT id FROM t WHERE a = ? ORDER BY b ASC, c DESC"),
        ["CREATE INDEX idx_t_a ON t (a)"]
    );
}

#[test]
fn group_by_appended_after_equality() {
    assert_eq!(
        indexes("SELECT b, count(*) FROM t WHERE a = ? GROUP BY b"),
        ["CREATE INDEX idx_t_a_b ON t (a, b)"]
    );
}

#[test]
fn efficient_statements_get_no_index_hint() {
    assert!(advise("SELECT id FROM t WHERE a = ?", healthy()).is_empty());
}

#[test]
fn index_hint_carries_evidence_and_confidence() {
    let advice = advise("SELECT id FROM t WHERE a = ?", slow());
    let s = &advice[0];
    assert_eq!(
        s.fingerprint,
        fingerprint("SELECT id FROM t WHERE a = ?").id
    );
    assert_eq!(s.evidence, slow());
    assert_eq!(s.columns, ["a"]);
    assert!(
        s.reason.contains("500 calls") && s.reason.contains("efficiency 0.000"),
        "{}",
        s.reason
    );
    // 0.5 + 0.4 × (1 − 0.0001 / 0.2), rounded to 2 decimals.
    assert_eq!(s.confidence, 0.9);
}

#[test]
fn rewrite_select_star() {
    let r = rewrites("SELECT * FROM users WHERE id = ?");
    assert_eq!(r.len(), 1);
    assert!(r[0].starts_with("SELECT * reads every column of users"));
}

#[test]
fn rewrite_leading_wildcard_like() {
    let r = rewrites("SELECT id FROM products WHERE name LIKE '%phone'");
    assert_eq!(r.len(), 1);
    assert!(r[0].starts_with("products.name is matched with LIKE '%…'"));
}

#[test]
fn rewrite_function_on_filtered_column() {
    let r = rewrites("SELECT id FROM events WHERE date(created_at) = '2024-01-01'");
    assert_eq!(r.len(), 1);
    assert!(r[0].starts_with("date is applied to the filtered column events.created_at"));
}

#[test]
fn rewrite_or_across_columns() {
    let r = rewrites("SELECT id FROM users WHERE email = ? OR phone = ?");
    assert_eq!(r.len(), 1);
    assert!(r[0].contains("(users.email, users.phone)"), "{}", r[0]);
}

#[test]
fn rewrite_not_in_subquery() {
    let r = rewrites("SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM bans)");
    assert_eq!(r.len(), 1);
    assert!(r[0].starts_with("users.id NOT IN (subquery)"));
}

#[test]
fn rewrite_large_offset() {
    let r = rewrites("SELECT id FROM posts ORDER BY id LIMIT 20 OFFSET 5000");
    assert_eq!(r.len(), 1);
    assert!(r[0].starts_with("OFFSET 5000 reads and throws away 5000 rows"));
    let small = SuggestConfig::default().large_offset(10_000);
    let sql = "SELECT id FROM posts ORDER BY id LIMIT 20 OFFSET 5000";
    assert!(suggest(&analyze(sql), &fingerprint(sql), &healthy(), &small).is_empty());
}

#[test]
fn rewrite_implicit_cross_join() {
    let r = rewrites("SELECT a.x, b.y FROM a, b WHERE a.k = 1");
    assert_eq!(r.len(), 1);
    assert!(r[0].starts_with("b is joined with a comma and no join condition"));
}

#[test]
fn heavy_frequent_aggregate_gets_materialized_view_and_parallel_execution() {
    let sql = "SELECT region, sum(amount) FROM sales GROUP BY region";
    let e = Evidence {
        calls: 200,
        mean_ms: 2500.0,
        p95_ms: 4000.0,
        rows_examined: 400_000_000,
        rows_returned: 2_400,
        efficiency: 0.00001,
    };
    let kinds: Vec<_> = advise(sql, e).into_iter().map(|s| s.strategy).collect();
    assert_eq!(
        kinds,
        [Strategy::MaterializedView, Strategy::ParallelExecution]
    );
}

#[test]
fn time_range_on_very_large_scan_gets_partition_pruning() {
    let sql = "SELECT id FROM logs WHERE logged_at >= ? AND level = ?";
    let e = Evidence {
        calls: 5,
        rows_examined: 50_000_000,
        rows_returned: 50,
        mean_ms: 900.0,
        p95_ms: 1200.0,
        efficiency: 0.5,
    };
    let advice = advise(sql, e);
    assert_eq!(advice.len(), 1);
    assert_eq!(advice[0].strategy, Strategy::PartitionPruning);
    assert_eq!(advice[0].columns, ["logged_at"]);
}

#[test]
fn frequent_cheap_read_gets_cache_result() {
    let e = Evidence {
        calls: 50_000,
        mean_ms: 1.5,
        p95_ms: 3.0,
        rows_examined: 50_000,
        rows_returned: 50_000,
        efficiency: 0.98,
    };
    let kinds: Vec<_> = advise("SELECT value FROM settings WHERE name = ?", e)
        .into_iter()
        .map(|s| s.strategy)
        .collect();
    assert_eq!(kinds, [Strategy::CacheResult]);
    assert!(advise("UPDATE settings SET value = ? WHERE name = ?", e).is_empty());
}

#[test]
fn unparsed_statements_get_no_index_hint_but_token_rewrites() {
    let kinds: Vec<_> = advise("SELECT * FROM users WHERE LIMIT 10 OFFSET 5000 ((", slow())
        .into_iter()
        .map(|s| s.strategy)
        .collect();
    assert_eq!(kinds, [Strategy::QueryRewrite, Strategy::QueryRewrite]);
}

#[test]
fn output_order_is_deterministic() {
    let sql = "SELECT * FROM a, b WHERE b.x = ? AND a.y = ? OFFSET 2000";
    let first = advise(sql, slow());
    assert_eq!(first, advise(sql, slow()));
    let mut sorted = first.clone();
    sorted.sort_by(|x, y| (x.strategy, &x.table).cmp(&(y.strategy, &y.table)));
    assert_eq!(first, sorted);
}

#[test]
fn suggestions_serialize_with_hex_fingerprint_and_strategy_names() {
    let advice = advise("SELECT id FROM t WHERE a = ?", slow());
    let json = serde_json::to_value(&advice[0]).expect("JSON");
    assert_eq!(json["strategy"], "INDEX_HINT");
    assert_eq!(
        json["fingerprint"],
        fingerprint("SELECT id FROM t WHERE a = ?").hex_id()
    );
}

#[test]
fn shared_vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/query_suggestions.json"
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("JSON");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let sql = case["sql"].as_str().expect("sql");
        let e = &doc["evidence"][case["evidence"].as_str().expect("evidence name")];
        let evidence = Evidence {
            calls: e["calls"].as_u64().expect("calls"),
            mean_ms: e["mean_ms"].as_f64().expect("mean_ms"),
            p95_ms: e["p95_ms"].as_f64().expect("p95_ms"),
            rows_examined: e["rows_examined"].as_u64().expect("rows_examined"),
            rows_returned: e["rows_returned"].as_u64().expect("rows_returned"),
            efficiency: e["efficiency"].as_f64().expect("efficiency"),
        };
        let advice = advise(sql, evidence);
        let strategies: Vec<&str> = advice.iter().map(|s| s.strategy.as_str()).collect();
        let statements: Vec<&str> = advice
            .iter()
            .filter_map(|s| s.statement.as_deref())
            .collect();
        let want_strategies: Vec<&str> = case["strategies"]
            .as_array()
            .expect("strategies")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let want_statements: Vec<&str> = case["statements"]
            .as_array()
            .expect("statements")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if strategies != want_strategies || statements != want_statements {
            failures.push(format!(
                "{}: got {strategies:?} {statements:?}, want {want_strategies:?} {want_statements:?}",
                case["name"]
            ));
        }
        for needle in case["reason_contains"]
            .as_array()
            .expect("reason_contains")
            .iter()
            .filter_map(Value::as_str)
        {
            if !advice.iter().any(|s| s.reason.contains(needle)) {
                failures.push(format!("{}: no reason contains {needle:?}", case["name"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
