//! Importing what services already have: MySQL slow query logs and `pg_stat_statements` CSV
//! exports (`tests/fixtures/query/`), with malformed entries reported by line.

use cognition_core::query::import::{
    parse_mysql_slow_log, read_mysql_slow_log, read_pg_stat_statements_csv, ImportReport,
    MAX_STATEMENT_BYTES,
};
use cognition_core::ErrorCode;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/query/");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).expect("fixture")
}

fn slow_log() -> ImportReport {
    let bytes = fixture("mysql-slow.log");
    read_mysql_slow_log(std::io::BufReader::new(&bytes[..])).expect("read")
}

fn lines(report: &ImportReport) -> Vec<usize> {
    report.errors.iter().map(|e| e.line).collect()
}

const ENTRY: &str = "# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 10\n";

#[test]
fn slow_log_fixture_entries_and_numbers() {
    let report = slow_log();
    let starts: Vec<usize> = report.queries.iter().map(|q| q.line).collect();
    assert_eq!(starts, [4, 10, 21, 26, 48, 54], "{}", report.summary());

    let q = &report.queries[0];
    assert_eq!(
        q.sql,
        "SELECT id, total FROM orders WHERE customer_id = 17 ORDER BY created_at DESC LIMIT 10"
    );
    assert_eq!(
        q.fingerprint.normalized,
        "select id, total from orders where customer_id = ? order by created_at desc limit ?"
    );
    assert_eq!(q.calls, 1);
    assert_eq!(q.total_ms, 1500.0);
    assert_eq!(q.mean_ms, 1500.0);
    assert_eq!(
        (q.min_ms, q.max_ms, q.stddev_ms),
        (Some(1500.0), Some(1500.0), Some(0.0))
    );
    assert_eq!(q.rows_returned, 10);
    assert_eq!(q.rows_examined, Some(1000));
    assert_eq!((q.cache_hits, q.cache_misses), (None, None));
    assert_eq!(q.timestamp_ms, Some(1_709_633_742_000));
    assert_eq!(q.database.as_deref(), Some("shop"));

    // `use` is context that carries over to later entries until the next `use`.
    assert_eq!(report.queries[1].database.as_deref(), Some("shop"));
    assert_eq!(report.queries[3].database.as_deref(), Some("analytics"));
    assert_eq!(
        report.queries[3].sql,
        "SELECT COUNT(*) FROM events WHERE kind = 'signup'"
    );
    assert_eq!(report.queries[3].rows_examined, Some(98_000));
    assert_eq!(report.queries[3].total_ms, 750.0);

    // After the restart banner.
    assert_eq!(report.queries[4].total_ms, 3100.0);
    assert_eq!(report.queries[4].timestamp_ms, Some(1_709_634_001_000));
    assert_eq!(report.queries[4].database.as_deref(), Some("shop"));
    assert_eq!(report.total_calls(), 6);
}

#[test]
fn slow_log_fixture_malformed_entries_are_reported_by_line() {
    let report = slow_log();
    assert_eq!(lines(&report), [34, 37, 41], "{}", report.summary());
    assert!(report.errors[0].message.contains("`Query_time` is `1.2s`"));
    assert!(report.errors[1].message.contains("no statement"));
    assert!(report.errors[2].message.contains("no `# Query_time:` line"));
    assert!(report
        .summary()
        .starts_with("6 queries imported (6 calls, 8500.015 ms), 3 errors: line 34: "));
}

#[test]
fn administrator_command_is_imported_as_its_name() {
    let q = &slow_log().queries[2];
    assert_eq!(q.sql, "administrator command: Ping");
    assert_eq!(q.total_ms, 0.015);
    assert_eq!(q.timestamp_ms, Some(1_709_633_744_000));
}

#[test]
fn multi_line_statement_keeps_its_lines_and_comments() {
    let report = slow_log();
    let q = &report.queries[1];
    assert_eq!(
        q.sql,
        "SELECT c.name, SUM(o.total) AS revenue\n  FROM customers c\n  JOIN orders o ON o.customer_id = c.id\n\
         # top customers this year\n WHERE o.created_at >= '2024-01-01'\n GROUP BY c.name\n ORDER BY revenue DESC"
    );
    assert_eq!(q.rows_examined, Some(250_000));
    let insert = &report.queries[5];
    assert_eq!(
        insert.fingerprint.normalized,
        "insert into audit_log(order_id, action, at) values(?+)"
    );
}

#[test]
fn malformed_query_time_line_is_reported_with_its_line_number() {
    let log = format!("{ENTRY}SELECT 1;\n# User@Host: a[a] @ h []\n# Query_time: 0.5  Lock_time: 0.0 Rows_sent: x  Rows_examined: 1\nSELECT 2;\n{ENTRY}SELECT 3;\n");
    let report = parse_mysql_slow_log(&log);
    assert_eq!(lines(&report), [4]);
    assert!(report.errors[0]
        .message
        .contains("`Rows_sent` is `x`: expected a non-negative integer"));
    let sql: Vec<&str> = report.queries.iter().map(|q| q.sql.as_str()).collect();
    assert_eq!(sql, ["SELECT 1", "SELECT 3"]);
}

#[test]
fn query_time_line_missing_a_field_is_reported() {
    let report =
        parse_mysql_slow_log("# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 1\nSELECT 1;\n");
    assert_eq!(lines(&report), [1]);
    assert!(report.errors[0].message.contains("no `Rows_examined`"));
}

#[test]
fn entry_without_statement_is_reported() {
    let log = format!(
        "# Time: 2024-03-05T10:15:42Z\n{ENTRY}SET timestamp=1709633742;\n{ENTRY}SELECT 1;\n"
    );
    let report = parse_mysql_slow_log(&log);
    assert_eq!(lines(&report), [1]);
    assert!(report.errors[0].message.contains("no statement"));
    assert_eq!(report.queries.len(), 1);
    assert_eq!(report.queries[0].line, 4);
}

#[test]
fn truncated_file_is_reported_at_both_ends() {
    // Cut at the front: the tail of a statement with no header.
    let report = parse_mysql_slow_log(&format!("  WHERE id = 3;\n{ENTRY}SELECT 1;\n"));
    assert_eq!(lines(&report), [1]);
    assert!(report.errors[0].message.contains("outside any entry"));
    assert_eq!(report.queries.len(), 1);

    // Cut inside the last statement.
    let report = parse_mysql_slow_log(&format!(
        "{ENTRY}SELECT 1;\n{ENTRY}SELECT name FROM users\n WHERE"
    ));
    assert_eq!(lines(&report), [3]);
    assert!(report.errors[0].message.contains("cut at the end"));
    assert_eq!(report.queries.len(), 1);

    // Cut inside the `# Query_time:` line.
    let report = parse_mysql_slow_log(&format!("{ENTRY}SELECT 1;\n# Query_time: 0.5  Lock_ti"));
    assert_eq!(lines(&report), [3]);

    // Cut right after the header lines.
    let report = parse_mysql_slow_log(&format!(
        "{ENTRY}SELECT 1;\n# Time: 2024-03-05T10:15:42Z\n{ENTRY}"
    ));
    assert_eq!(lines(&report), [3]);
    assert!(report.errors[0].message.contains("ends after its header"));
}

#[test]
fn empty_input_gives_an_empty_report() {
    for text in ["", "\n\n", "   \r\n"] {
        let report = parse_mysql_slow_log(text);
        assert_eq!(report, ImportReport::default(), "{text:?}");
        assert!(report.is_clean());
    }
    assert_eq!(
        read_pg_stat_statements_csv(&b""[..]).expect("read"),
        ImportReport::default()
    );
    let header_only = fixture("pg_stat_statements.csv");
    let first_line = header_only.split(|&b| b == b'\n').next().expect("header");
    let report = read_pg_stat_statements_csv(first_line).expect("read");
    assert_eq!(report, ImportReport::default());
}

#[test]
fn invalid_utf8_is_read_lossily() {
    let mut log = ENTRY.as_bytes().to_vec();
    log.extend_from_slice(b"SELECT * FROM t WHERE name = 'caf\xe9';\r\n");
    let report = read_mysql_slow_log(&log[..]).expect("read");
    assert!(report.is_clean(), "{}", report.summary());
    assert_eq!(
        report.queries[0].sql,
        "SELECT * FROM t WHERE name = 'caf\u{fffd}'"
    );
    assert_eq!(
        report.queries[0].fingerprint.normalized,
        "select * from t where name = ?"
    );
}

#[test]
fn binary_garbage_is_one_error_not_a_panic() {
    let mut garbage: Vec<u8> = (0u32..20_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    garbage.retain(|&b| b != b'#' && b != b'\n');
    garbage.push(b'\n');
    let report = read_mysql_slow_log(&garbage[..]).expect("read");
    assert!(report.queries.is_empty());
    assert_eq!(lines(&report), [1]);

    // Garbage that looks like headers: errors, bounded, still no panic.
    let mut noisy = Vec::new();
    for i in 0..5_000u32 {
        noisy.extend_from_slice(format!("# Query_time: {i}").as_bytes());
        noisy.extend_from_slice(b"\xff\x00\nx\n");
    }
    let report = read_mysql_slow_log(&noisy[..]).expect("read");
    assert!(report.queries.is_empty());
    assert_eq!(
        report.errors.len(),
        cognition_core::query::import::MAX_ERRORS + 1
    );
    assert!(report
        .errors
        .last()
        .expect("stop")
        .message
        .contains("import stopped"));

    let report = read_pg_stat_statements_csv(&garbage[..]).expect("read");
    assert!(report.queries.is_empty());
    assert_eq!(lines(&report), [1]);
}

#[test]
fn huge_entry_over_the_bound_is_an_error() {
    let big = "x".repeat(MAX_STATEMENT_BYTES / 2);
    // Over the bound across lines, then a normal entry that still imports.
    let log = format!("{ENTRY}SELECT '{big}',\n'{big}';\n{ENTRY}SELECT 1;\n");
    let report = parse_mysql_slow_log(&log);
    assert_eq!(lines(&report), [1]);
    assert!(report.errors[0].message.contains("MAX_STATEMENT_BYTES"));
    assert_eq!(report.queries.len(), 1);
    assert_eq!(report.queries[0].line, 4);

    // One line far over the bound, read through a reader: not held in memory, reported.
    let log = format!(
        "{ENTRY}SELECT '{}';\n{ENTRY}SELECT 1;\n",
        "y".repeat(3 * MAX_STATEMENT_BYTES)
    );
    let report = read_mysql_slow_log(log.as_bytes()).expect("read");
    assert_eq!(lines(&report), [1]);
    assert_eq!(report.queries.len(), 1);

    // pg_stat_statements: a query over the bound is that row's error.
    let csv = format!(
        "query,calls,total_exec_time,rows\n\"SELECT '{big}{big}x'\",1,1.0,1\nSELECT 1,1,1.0,1\n"
    );
    let report = read_pg_stat_statements_csv(csv.as_bytes()).expect("read");
    assert_eq!(lines(&report), [2]);
    assert_eq!(report.queries.len(), 1);

    // A quoted field that never ends stops the import with an error instead of eating memory.
    let csv = format!(
        "query,calls,total_exec_time,rows\n\"{}",
        "z".repeat(4 * MAX_STATEMENT_BYTES)
    );
    let report = read_pg_stat_statements_csv(csv.as_bytes()).expect("read");
    assert_eq!(lines(&report), [2]);
    assert!(report.errors[0].message.contains("import stopped"));
}

#[test]
fn io_error_is_invalid_argument() {
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let err = read_mysql_slow_log(std::io::BufReader::new(Failing)).expect_err("fails");
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
    assert!(err.to_string().contains("disk on fire"));
    let err = read_pg_stat_statements_csv(Failing).expect_err("fails");
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
}

#[test]
fn pg_stat_statements_fixture_rows_and_numbers() {
    let report = read_pg_stat_statements_csv(&fixture("pg_stat_statements.csv")[..]).expect("read");
    assert!(report.is_clean(), "{}", report.summary());
    let starts: Vec<usize> = report.queries.iter().map(|q| q.line).collect();
    assert_eq!(starts, [2, 3, 9, 10]);

    let q = &report.queries[0];
    assert_eq!(q.sql, "SELECT * FROM orders WHERE customer_id = $1");
    assert_eq!(
        q.fingerprint.normalized,
        "select * from orders where customer_id = ?"
    );
    assert_eq!(q.calls, 1200);
    assert_eq!(q.total_ms, 5400.512345);
    assert_eq!((q.min_ms, q.max_ms), (Some(0.812), Some(210.233)));
    assert_eq!(q.mean_ms, 4.500426954166667);
    assert_eq!(q.stddev_ms, Some(12.104));
    assert_eq!(q.rows_returned, 36_000);
    assert_eq!(q.rows_examined, None);
    assert_eq!((q.cache_hits, q.cache_misses), (Some(98_000), Some(1_500)));
    assert_eq!(q.timestamp_ms, None);

    let multi = &report.queries[1];
    assert!(multi
        .sql
        .starts_with("SELECT c.name, sum(o.total) AS revenue\n  FROM customers c\n"));
    assert_eq!(multi.calls, 48);
    assert_eq!(
        report.queries[2].sql,
        "UPDATE accounts SET note = 'say \"hi\"', balance = balance - $1 WHERE id = $2"
    );
    assert_eq!(report.total_calls(), 1200 + 48 + 310 + 75);
}

#[test]
fn pg12_column_names_are_accepted() {
    let report =
        read_pg_stat_statements_csv(&fixture("pg_stat_statements_pg12.csv")[..]).expect("read");
    assert!(report.is_clean(), "{}", report.summary());
    assert_eq!(report.queries.len(), 2);
    let q = &report.queries[1];
    assert_eq!(
        q.fingerprint.normalized,
        "insert into audit_log(order_id, action) values(?+)"
    );
    assert_eq!((q.calls, q.total_ms, q.mean_ms), (5000, 1250.25, 0.25005));
    assert_eq!(
        (q.min_ms, q.max_ms, q.stddev_ms),
        (Some(0.1), Some(9.8), Some(0.3))
    );
    assert_eq!(
        (q.rows_returned, q.cache_hits, q.cache_misses),
        (5000, Some(25_000), Some(10))
    );
}

#[test]
fn csv_missing_column_is_a_single_error_naming_it() {
    let csv = "userid,dbid,queryid,query,total_exec_time,rows\n\
               10,1,1,SELECT 1,1.0,1\n10,1,2,SELECT 2,1.0,1\n10,1,3,SELECT 3,1.0,1\n";
    let report = read_pg_stat_statements_csv(csv.as_bytes()).expect("read");
    assert!(report.queries.is_empty());
    assert_eq!(lines(&report), [1]);
    assert!(
        report.errors[0].message.contains("missing column `calls`"),
        "{}",
        report.errors[0]
    );

    let report =
        read_pg_stat_statements_csv(&b"query,calls,rows\nSELECT 1,1,1\n"[..]).expect("read");
    assert_eq!(lines(&report), [1]);
    assert!(report.errors[0]
        .message
        .contains("`total_exec_time` (or, before PostgreSQL 13, `total_time`)"));
}

#[test]
fn csv_numeric_garbage_is_an_error_with_its_line() {
    let csv = "query,calls,total_exec_time,mean_exec_time,rows,shared_blks_hit\n\
               SELECT 1,10,5.0,0.5,10,3\n\
               \"SELECT 2\nFROM t\",ten,5.0,0.5,10,3\n\
               SELECT 3,10,-1,0.5,10,3\n\
               SELECT 4,10,5.0,NaN,10,3\n\
               SELECT 5,10,5.0,0.5,10,1e3\n\
               SELECT 6,10,5.0,,10,\n\
               SELECT 7,,5.0,0.5,10,3\n";
    let report = read_pg_stat_statements_csv(csv.as_bytes()).expect("read");
    assert_eq!(lines(&report), [3, 5, 6, 7, 9], "{}", report.summary());
    assert!(report.errors[0].message.contains("column `calls` is `ten`"));
    assert!(report.errors[1]
        .message
        .contains("column `total_exec_time` is `-1`"));
    assert!(report.errors[4].message.contains("column `calls` is empty"));
    let sql: Vec<&str> = report.queries.iter().map(|q| q.sql.as_str()).collect();
    assert_eq!(sql, ["SELECT 1", "SELECT 6"]);
    // An empty (NULL) optional cell is `None`; the mean falls back to total / calls.
    assert_eq!(
        (report.queries[1].mean_ms, report.queries[1].cache_hits),
        (0.5, None)
    );
}

#[test]
fn csv_row_cut_short_is_reported() {
    let mut bytes = fixture("pg_stat_statements.csv");
    bytes.truncate(bytes.len() - 40);
    let report = read_pg_stat_statements_csv(&bytes[..]).expect("read");
    assert_eq!(report.queries.len(), 3);
    assert_eq!(lines(&report), [10]);
    assert!(report.errors[0].message.contains("fields"));
}

#[test]
fn csv_hidden_query_text_is_one_error_with_a_count() {
    let csv = "query,calls,total_exec_time,rows\n<insufficient privilege>,1,1.0,1\n\
               SELECT 1,1,1.0,1\n<insufficient privilege>,2,1.0,1\n";
    let report = read_pg_stat_statements_csv(csv.as_bytes()).expect("read");
    assert_eq!(report.queries.len(), 1);
    assert_eq!(lines(&report), [2]);
    assert!(report.errors[0]
        .message
        .starts_with("2 row(s) have the query text"));
}
