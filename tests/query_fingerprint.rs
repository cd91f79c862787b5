//! Runs `tests/vectors/query_fingerprint.json`: pins our fingerprints, checks the pt-fingerprint
//! port and Query IDs against the real tool's output, and measures grouping agreement with it.
//!
//! `QUERY_VECTORS_BLESS=1 cargo test --test query_fingerprint` rewrites our pinned fields.

use cognition_core::query::{self, fingerprint, QueryKind};
use proptest::prelude::*;
use serde_json::Value;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/query_fingerprint.json"
);

fn vectors() -> Value {
    serde_json::from_str(&std::fs::read_to_string(PATH).expect("vectors file")).expect("JSON")
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[test]
fn pinned_fingerprints() {
    let mut doc = vectors();
    let bless = std::env::var_os("QUERY_VECTORS_BLESS").is_some();
    let cases = doc["cases"].as_array_mut().expect("cases");
    assert!(cases.len() >= 300, "corpus has {} statements", cases.len());
    let mut failures = Vec::new();
    for case in cases.iter_mut() {
        let fp = fingerprint(s(&case["sql"]));
        if bless {
            case["normalized"] = fp.normalized.clone().into();
            case["id"] = fp.hex_id().into();
            case["kind"] = fp.kind.as_str().into();
            continue;
        }
        let got = (fp.normalized.as_str(), fp.hex_id(), fp.kind.as_str());
        let want = (
            s(&case["normalized"]),
            s(&case["id"]).to_owned(),
            s(&case["kind"]),
        );
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", case["name"]));
        }
    }
    if bless {
        let text = serde_json::to_string_pretty(&doc).expect("JSON") + "\n";
        std::fs::write(PATH, text).expect("write vectors");
        return;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pt_port_and_query_ids_match_the_real_tool() {
    let doc = vectors();
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().expect("cases") {
        let sql = s(&case["sql"]);
        if sql.trim().is_empty() {
            continue;
        }
        let ours = query::pt_fingerprint(sql);
        if ours != s(&case["pt_fingerprint"]) {
            failures.push(format!(
                "{}: {ours:?} vs pt {:?}",
                case["name"], case["pt_fingerprint"]
            ));
        }
        assert_eq!(
            query::query_id(sql),
            s(&case["pt_query_id"]),
            "{}",
            case["name"]
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn grouping_agrees_with_pt_fingerprint() {
    let doc = vectors();
    let reasons = doc["intended_differences"].as_object().expect("reasons");
    let cases: Vec<(String, String, bool)> = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            if let Some(d) = c.get("intended_difference") {
                assert!(reasons.contains_key(s(d)), "{} has no reason", s(d));
            }
            (
                fingerprint(s(&c["sql"])).normalized,
                s(&c["pt_fingerprint"]).to_owned(),
                c.get("intended_difference").is_some(),
            )
        })
        .collect();
    let (mut pairs, mut agree, mut all_pairs, mut all_agree) = (0u64, 0u64, 0u64, 0u64);
    let (mut grouped, mut grouped_agree) = (0u64, 0u64);
    let mut disagreements = Vec::new();
    for i in 0..cases.len() {
        for j in i + 1..cases.len() {
            let ours = cases[i].0 == cases[j].0;
            let pt = cases[i].1 == cases[j].1;
            all_pairs += 1;
            all_agree += u64::from(ours == pt);
            if cases[i].2 || cases[j].2 {
                continue;
            }
            pairs += 1;
            agree += u64::from(ours == pt);
            if ours || pt {
                grouped += 1;
                grouped_agree += u64::from(ours == pt);
            }
            if ours != pt && disagreements.len() < 20 {
                disagreements.push(format!("{:?} / {:?}", cases[i].1, cases[j].1));
            }
        }
    }
    let rate = agree as f64 / pairs as f64;
    println!(
        "agreement with pt-fingerprint: {agree}/{pairs} pairs = {:.4}% (intended differences \
         excluded); {all_agree}/{all_pairs} = {:.4}% over all pairs; {grouped_agree}/{grouped} = \
         {:.2}% over pairs either side groups",
        100.0 * rate,
        100.0 * all_agree as f64 / all_pairs as f64,
        100.0 * grouped_agree as f64 / grouped.max(1) as f64
    );
    for d in &disagreements {
        println!("  disagree: {d}");
    }
    assert!(rate >= 0.99, "agreement {rate:.4} is under 0.99");
}

#[test]
fn a_megabyte_statement_fingerprints() {
    let mut sql = String::from("SELECT * FROM t WHERE id IN (");
    while sql.len() < 1 << 20 {
        sql.push_str("12345, 'abc', ");
    }
    sql.push_str("1) AND name = 'x");
    let fp = fingerprint(&sql);
    assert!(fp.normalized.starts_with("select * from t where id in("));
    let junk = "'/*\"`$$-- ".repeat(100_000);
    let _ = fingerprint(&junk);
    let _ = query::pt_fingerprint(&junk);
    let unions = "select 1 union ".repeat(70_000);
    let _ = query::pt_fingerprint(&unions);
}

#[test]
fn kinds_cover_every_variant() {
    let cases = [
        ("select a from t", QueryKind::Select),
        ("select a from t, u", QueryKind::Join),
        ("select max(a) from t", QueryKind::Aggregate),
        ("insert into t values (1)", QueryKind::Insert),
        ("update t set a = 1", QueryKind::Update),
        ("delete from t", QueryKind::Delete),
        ("drop table t", QueryKind::Ddl),
        ("vacuum", QueryKind::Other),
        ("with x as (select 1) delete from t", QueryKind::Delete),
    ];
    for (sql, kind) in cases {
        assert_eq!(fingerprint(sql).kind, kind, "{sql}");
    }
}

fn case_and_space_variant(sql: &str, seed: u64) -> String {
    // Change the case of letters outside quotes and widen spaces; literals keep their bytes.
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in sql.chars().enumerate() {
        // `%s` / `%(name)s` placeholders are case-sensitive in every driver.
        let placeholder = prev == '%' || prev == ')';
        prev = c;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' || c == '`' => quote = Some(c),
            None => {}
        }
        if quote.is_none() && c == ' ' && (seed >> (i % 64)) & 1 == 1 {
            out.push_str("  \t ");
        } else if quote.is_none()
            && !placeholder
            && c.is_ascii_alphabetic()
            && (seed >> (i % 61)) & 1 == 1
        {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

proptest! {
    #[test]
    fn any_string_fingerprints(sql in ".{0,200}") {
        let fp = fingerprint(&sql);
        prop_assert_eq!(fp.hex_id().len(), 16);
        let _ = query::query_id(&sql);
    }

    #[test]
    fn sqlish_strings_fingerprint_idempotently(
        sql in "[a-zA-Z0-9_ ,.()=<>'\"`$:?%*+/-]{0,120}"
    ) {
        let fp = fingerprint(&sql);
        prop_assert_eq!(fingerprint(&fp.normalized).normalized, fp.normalized);
    }

    #[test]
    fn corpus_is_idempotent_and_case_space_insensitive(index in 0usize..320, seed in any::<u64>()) {
        let doc = vectors();
        let cases = doc["cases"].as_array().expect("cases");
        let sql = s(&cases[index % cases.len()]["sql"]);
        let fp = fingerprint(sql);
        prop_assert_eq!(&fingerprint(&fp.normalized).normalized, &fp.normalized);
        let variant = case_and_space_variant(&sql.to_ascii_lowercase(), seed);
        prop_assert_eq!(fingerprint(&variant).id, fingerprint(&sql.to_ascii_lowercase()).id);
    }
}
