//! `query::analyze`: statement structure from sqlparser, and the token fallback.

use cognition_core::query::analyze::{
    analyze, Comparison, Direction, Obstacle, SqlDialect, MAX_PARSE_BYTES,
};
use cognition_core::query::QueryKind;

fn cmp(sql: &str) -> Vec<(Option<String>, String, Comparison)> {
    analyze(sql)
        .filters
        .into_iter()
        .map(|f| (f.table, f.column, f.comparison))
        .collect()
}

fn t(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[test]
fn equality_and_range_comparisons_are_classified() {
    let got = cmp(
        "SELECT id FROM t WHERE a = ? AND b > 3 AND c BETWEEN 1 AND 2 AND d IS NULL \
                   AND e IN (1, 2) AND f LIKE 'ab%' AND g <= $1",
    );
    let want = [
        ("a", Comparison::Equality),
        ("b", Comparison::Range),
        ("c", Comparison::Range),
        ("d", Comparison::Equality),
        ("e", Comparison::Equality),
        ("f", Comparison::Range),
        ("g", Comparison::Range),
    ];
    assert_eq!(got.len(), want.len());
    for ((table, col, c), (wc, wcmp)) in got.iter().zip(want) {
        assert_eq!(table.as_deref(), Some("t"));
        assert_eq!((col.as_str(), c), (wc, &wcmp));
    }
}

#[test]
fn constant_on_the_left_is_flipped() {
    assert_eq!(
        cmp("SELECT 1 FROM t WHERE 5 < a"),
        [(t("t"), "a".into(), Comparison::Range)]
    );
}

#[test]
fn not_sargable_comparisons_name_their_obstacle() {
    let got = cmp(
        "SELECT 1 FROM t WHERE lower(email) = ? AND name LIKE '%x' AND s <> 1 \
                   AND k NOT IN (1, 2)",
    );
    assert_eq!(
        got,
        [
            (
                t("t"),
                "email".into(),
                Comparison::NotSargable(Obstacle::Function("lower".into()))
            ),
            (
                t("t"),
                "name".into(),
                Comparison::NotSargable(Obstacle::LeadingWildcard)
            ),
            (
                t("t"),
                "s".into(),
                Comparison::NotSargable(Obstacle::Negation)
            ),
            (
                t("t"),
                "k".into(),
                Comparison::NotSargable(Obstacle::Negation)
            ),
        ]
    );
}

#[test]
fn or_across_columns_is_not_sargable_but_or_on_one_column_is_equality() {
    assert_eq!(
        cmp("SELECT 1 FROM t WHERE a = 1 OR b = 2"),
        [
            (t("t"), "a".into(), Comparison::NotSargable(Obstacle::Or)),
            (t("t"), "b".into(), Comparison::NotSargable(Obstacle::Or)),
        ]
    );
    assert_eq!(
        cmp("SELECT 1 FROM t WHERE (a = 1 OR a = 2)"),
        [(t("t"), "a".into(), Comparison::Equality)]
    );
}

#[test]
fn aliases_resolve_to_tables() {
    let a =
        analyze("SELECT u.id FROM users AS u JOIN orders o ON o.user_id = u.id WHERE u.email = ?");
    assert_eq!(a.tables.len(), 2);
    assert_eq!(a.tables[0].alias.as_deref(), Some("u"));
    assert_eq!(a.filters[0].table.as_deref(), Some("users"));
    assert_eq!(a.join_keys.len(), 1);
    assert_eq!(a.join_keys[0].table.as_deref(), Some("orders"));
    assert_eq!(a.join_keys[0].column, "user_id");
    assert_eq!(a.kind, QueryKind::Join);
}

#[test]
fn order_group_limit_offset_star_and_aggregates_are_read() {
    let a = analyze("SELECT * FROM t WHERE a = 1 ORDER BY b DESC, c LIMIT 10 OFFSET 20");
    assert!(a.select_star);
    assert_eq!(a.limit, Some(10));
    assert_eq!(a.offset, Some(20));
    let dirs: Vec<_> = a
        .order_by
        .iter()
        .map(|o| (o.column.column.as_str(), o.direction))
        .collect();
    assert_eq!(dirs, [("b", Direction::Desc), ("c", Direction::Asc)]);
    let g = analyze("SELECT status, count(*) FROM t GROUP BY status");
    assert!(g.aggregates);
    assert_eq!(g.group_by[0].column, "status");
    assert_eq!(g.kind, QueryKind::Aggregate);
}

#[test]
fn mysql_limit_offset_comma_form() {
    let a = analyze("SELECT id FROM t LIMIT 40, 20");
    assert!(a.parsed);
    assert_eq!((a.limit, a.offset), (Some(20), Some(40)));
}

#[test]
fn not_in_subquery_is_recorded() {
    let a = analyze("SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM bans)");
    assert_eq!(a.not_in_subqueries[0].column, "id");
    assert_eq!(a.not_in_subqueries[0].table.as_deref(), Some("users"));
    assert_eq!(a.subqueries, 1);
    assert!(a.tables.iter().any(|t| t.name == "bans"));
}

#[test]
fn comma_join_without_predicate_is_a_cross_join() {
    assert_eq!(
        analyze("SELECT * FROM a, b WHERE a.x = 1").cross_joins,
        ["b"]
    );
    assert!(analyze("SELECT * FROM a, b WHERE a.id = b.a_id")
        .cross_joins
        .is_empty());
}

#[test]
fn dialect_is_recorded() {
    assert_eq!(analyze("SELECT 1").dialect, Some(SqlDialect::Postgresql));
    // Backtick-quoted identifiers parse only in MySQL (and later dialects).
    let a = analyze("SELECT `id` FROM `users` WHERE `id` = 1");
    assert!(a.parsed);
    assert_ne!(a.dialect, Some(SqlDialect::Postgresql));
    assert_eq!(a.tables[0].name, "users");
}

#[test]
fn statements_that_do_not_parse_use_the_token_fallback() {
    let a = analyze("SELECT * FROM users u JOIN orders ON WHERE LIMIT 10 OFFSET 5000 ((");
    assert!(!a.parsed);
    assert!(a.parse_error.is_some());
    let names: Vec<_> = a.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["users", "orders"]);
    assert_eq!(a.tables[0].alias.as_deref(), Some("u"));
    assert!(a.select_star);
    assert_eq!((a.limit, a.offset), (Some(10), Some(5000)));
    assert!(a.filters.is_empty());
}

#[test]
fn fallback_reads_comma_lists_update_and_insert_targets() {
    let names = |sql: &str| -> Vec<String> {
        let a = analyze(sql);
        assert!(!a.parsed, "{sql}");
        a.tables.into_iter().map(|t| t.name).collect()
    };
    assert_eq!(names("SELECT x FROM a, s.b WHERE ))"), ["a", "s.b"]);
    assert_eq!(names("UPDATE accounts SET = 1"), ["accounts"]);
    assert_eq!(names("INSERT INTO log VALUES ((("), ["log"]);
}

#[test]
fn ten_thousand_nested_parentheses_are_a_parse_error_not_a_crash() {
    let sql = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let a = analyze(&sql);
    assert!(!a.parsed);
    assert!(
        a.parse_error.as_deref().unwrap_or("").contains("recursion"),
        "{:?}",
        a.parse_error
    );
    let where_nested = format!(
        "SELECT * FROM t WHERE {}a = 1{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert!(!analyze(&where_nested).parsed);
}

#[test]
fn long_and_chains_are_walked_without_recursion() {
    let conds: Vec<String> = (0..5_000).map(|i| format!("c{i} = {i}")).collect();
    let sql = format!("SELECT id FROM t WHERE {}", conds.join(" AND "));
    assert!(sql.len() < MAX_PARSE_BYTES);
    let a = analyze(&sql);
    assert!(a.parsed);
    assert_eq!(a.filters.len(), 5_000);
}

#[test]
fn one_megabyte_statement_skips_the_parser() {
    let list: Vec<String> = (0..200_000).map(|i| i.to_string()).collect();
    let sql = format!("SELECT * FROM big WHERE id IN ({}) LIMIT 5", list.join(","));
    assert!(sql.len() > 1_000_000);
    let a = analyze(&sql);
    assert!(!a.parsed);
    assert!(a
        .parse_error
        .as_deref()
        .unwrap_or("")
        .contains("parse limit"));
    assert_eq!(a.tables[0].name, "big");
    assert!(a.select_star);
    assert_eq!(a.limit, Some(5));
}

#[test]
fn garbage_input_never_panics() {
    let inputs = [
        "",
        ";",
        "\u{0}\u{1}\u{2}",
        "((((",
        "))))",
        "SELECT",
        "FROM",
        "FROM ,",
        "LIMIT",
        "LIMIT 99999999999999999999999",
        "'unterminated",
        "/* open comment",
        "é€𝄞 FROM 𝄞",
        "SELECT * FROM t WHERE a = (SELECT (SELECT (SELECT 1)))",
        "DELETE FROM t WHERE NOT NOT NOT a",
        "UPDATE t SET a = 1 WHERE b = ANY($1)",
    ];
    for sql in inputs {
        let _ = analyze(sql);
    }
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let _ = analyze(&String::from_utf8_lossy(&bytes));
}

#[test]
fn update_and_delete_filters_are_read() {
    let a = analyze("UPDATE accounts SET balance = 0 WHERE owner_id = 7 AND closed_at < now()");
    assert_eq!(a.kind, QueryKind::Update);
    assert_eq!(a.tables[0].name, "accounts");
    assert_eq!(a.filters.len(), 2);
    let d = analyze("DELETE FROM sessions WHERE expires_at < $1");
    assert_eq!(d.filters[0].comparison, Comparison::Range);
    assert_eq!(d.filters[0].table.as_deref(), Some("sessions"));
}
