//! Query-efficiency scoring: a bundled workload runs against an in-memory SQLite shop database,
//! every statement goes through a `QueryTracker`, and the demo prints the top fingerprints, the
//! slow ones and the advice.

use std::time::Instant;

use cognition_core::query::{QueryTracker, SuggestConfig, TrackerConfig};
use rusqlite::{params, Connection, StatementStatus};

const WORKLOAD: &str = include_str!("../../data/samples/query/workload.txt");

const CUSTOMERS: i64 = 5_000;
const ORDERS: i64 = 60_000;
const EVENTS: i64 = 120_000;
const PRODUCTS: i64 = 300;

/// A small deterministic generator (SplitMix64), so every run sends the same statements.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 8] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
];

fn shop(rng: &mut Rng) -> rusqlite::Result<Connection> {
    let db = Connection::open_in_memory()?;
    db.execute_batch(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, plan TEXT, last_seen INTEGER);
         CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT,
                              amount_cents INTEGER, created_at INTEGER);
         CREATE TABLE events (id INTEGER PRIMARY KEY, customer_id INTEGER, kind TEXT,
                              created_at INTEGER);
         CREATE TABLE products (id INTEGER PRIMARY KEY, active INTEGER);",
    )?;
    let tx = db.unchecked_transaction()?;
    {
        let mut add = tx.prepare("INSERT INTO customers VALUES (?1, ?2, ?3, 0)")?;
        for id in 1..=CUSTOMERS {
            let word = WORDS[rng.below(WORDS.len() as u64) as usize];
            add.execute(params![id, format!("{word}{id}@example.com"), "pro"])?;
        }
        let mut add = tx.prepare("INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for id in 1..=ORDERS {
            let status = ["paid", "paid", "paid", "refunded", "open"][rng.below(5) as usize];
            let customer = 1 + rng.below(CUSTOMERS as u64) as i64;
            add.execute(params![
                id,
                customer,
                status,
                rng.below(50_000) as i64,
                id * 60
            ])?;
        }
        let mut add = tx.prepare("INSERT INTO events VALUES (?1, ?2, ?3, ?4)")?;
        for id in 1..=EVENTS {
            let kind = ["login", "click", "click", "view"][rng.below(4) as usize];
            let customer = 1 + rng.below(CUSTOMERS as u64) as i64;
            add.execute(params![id, customer, kind, id * 30])?;
        }
        let mut add = tx.prepare("INSERT INTO products VALUES (?1, ?2)")?;
        for id in 1..=PRODUCTS {
            add.execute(params![id, (rng.below(3) > 0) as i64])?;
        }
    }
    tx.commit()?;
    Ok(db)
}

/// The workload file's templates, each repeated by its weight, in a shuffled order.
fn statements(rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::new();
    for line in WORKLOAD.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((weight, template)) = line.split_once('|') else {
            continue;
        };
        for _ in 0..weight.trim().parse::<usize>().unwrap_or(0) {
            let mut sql = template.trim().to_owned();
            while sql.contains("{n}") {
                let n = 1 + rng.below(CUSTOMERS as u64);
                sql = sql.replacen("{n}", &n.to_string(), 1);
            }
            let word = WORDS[rng.below(WORDS.len() as u64) as usize];
            out.push(sql.replace("{w}", word));
        }
    }
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i as u64 + 1) as usize);
    }
    out
}

/// Run `sql`, reading every row. SQLite does not report rows examined; the statement's
/// full-scan steps (rows stepped through in table scans) are the closest figure it has, and at
/// least the rows returned.
fn run(db: &Connection, sql: &str) -> rusqlite::Result<(f64, u64, u64)> {
    let started = Instant::now();
    let mut stmt = db.prepare_cached(sql)?;
    stmt.reset_status(StatementStatus::FullscanStep);
    let mut returned = 0u64;
    if stmt.readonly() {
        let mut rows = stmt.query([])?;
        while rows.next()?.is_some() {
            returned += 1;
        }
    } else {
        returned = stmt.execute([])? as u64;
    }
    let scanned = stmt.get_status(StatementStatus::FullscanStep).max(0) as u64;
    let ms = started.elapsed().as_secs_f64() * 1_000.0;
    Ok((ms, scanned.max(returned), returned))
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

pub fn show() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng(2024);
    let db = shop(&mut rng)?;
    // The shop's tables are small, so the thresholds are scaled down with them.
    let advice = SuggestConfig::default()
        .cache_min_calls(200)
        .aggregate_min_calls(20)
        .aggregate_min_rows(100_000)
        .aggregate_min_mean_ms(1.0)
        .large_scan_rows(1_000_000);
    let tracker = QueryTracker::new(
        TrackerConfig::default()
            .slow_ms(2.0)
            .slow_min_calls(10)
            .suggest_config(advice),
    );
    let workload = statements(&mut rng);
    let started = Instant::now();
    for (i, sql) in workload.iter().enumerate() {
        let (ms, examined, returned) = run(&db, sql)?;
        tracker.record(sql, ms, examined, returned, None, i as i64)?;
    }
    println!(
        "  ran {} statements against SQLite ({CUSTOMERS} customers, {ORDERS} orders, {EVENTS} events) in {:.0} ms",
        workload.len(),
        started.elapsed().as_secs_f64() * 1_000.0
    );
    println!("  {} fingerprints; top by total time:", tracker.len());
    println!(
        "    {:<16} {:>5} {:>8} {:>8} {:>9} {:>6}  statement",
        "fingerprint", "calls", "mean ms", "p95 ms", "rows/call", "eff."
    );
    for s in tracker.stats().iter().take(6) {
        println!(
            "    {:<16} {:>5} {:>8.3} {:>8.3} {:>9} {:>6.3}  {}",
            s.hex_id(),
            s.calls(),
            s.mean_ms(),
            s.p95_ms(),
            s.rows_examined() / s.calls().max(1),
            s.efficiency(),
            clip(s.normalized(), 60)
        );
    }
    let slow = tracker.slow_queries();
    println!("  slow (mean over 2 ms across 10+ calls): {}", slow.len());
    for s in &slow {
        println!(
            "    {} {:.2} ms  {}",
            s.hex_id(),
            s.mean_ms(),
            clip(s.normalized(), 70)
        );
    }
    println!("  suggestions:");
    for s in tracker.suggestions() {
        let what = s.statement.clone().unwrap_or_else(|| clip(&s.reason, 90));
        println!(
            "    {:<18} {:016x} (confidence {:.2})  {}",
            s.strategy.as_str(),
            s.fingerprint,
            s.confidence,
            what
        );
    }
    Ok(())
}
