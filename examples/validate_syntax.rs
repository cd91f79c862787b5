//! Print the syntax errors of Python files as JSON lines, for `tests/validation/cpython_agreement.py`.
//!
//! Usage: `cargo run --example validate_syntax -- FILE...` or, with no arguments, one path per
//! line on standard input. Each output line is
//! `{"path": str, "ok": bool, "errors": [{"line": n, "column": n, "message": str}]}`; a file that
//! cannot be read or is not UTF-8 gets `"ok": false` and the error as its message.
//!
//! `--text LEVEL FILE...` prints every finding at that level in `path:line:col: CODE` form instead.

use std::io::{BufRead, Write};

use cognition_core::validation::{validate_bytes, Level, Rule, ValidationConfig};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--text") {
        let level: Level = args
            .get(1)
            .and_then(|l| l.parse().ok())
            .unwrap_or(Level::Strict);
        for path in &args[2..] {
            let config = ValidationConfig::new(level).filename(path.clone());
            match std::fs::read(path).map(|b| validate_bytes(&b, &config)) {
                Ok(Ok(report)) => print!("{}", report.to_text()),
                Ok(Err(e)) => println!("{path}: {e}"),
                Err(e) => println!("{path}: {e}"),
            }
        }
        return;
    }
    let paths: Vec<String> = if args.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect()
    } else {
        args
    };
    let config = ValidationConfig::new(Level::Basic);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in paths {
        let errors: Vec<serde_json::Value> = match std::fs::read(&path) {
            Err(e) => vec![serde_json::json!({"line": 0, "column": 0, "message": e.to_string()})],
            Ok(bytes) => match validate_bytes(&bytes, &config) {
                Err(e) => vec![serde_json::json!({"line": 0, "column": 0, "message": e.to_string()})],
                Ok(report) => report
                    .issues
                    .iter()
                    .filter(|i| i.rule == Rule::SyntaxError)
                    .map(|i| serde_json::json!({"line": i.line, "column": i.column, "message": i.message}))
                    .collect(),
            },
        };
        let line = serde_json::json!({"path": path, "ok": errors.is_empty(), "errors": errors});
        let _ = writeln!(out, "{line}");
    }
}
