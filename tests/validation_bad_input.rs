//! Bad input: every entry point answers with a report or a typed error, never a panic or hang.

use cognition_core::validation::{
    fix, validate, validate_bytes, validate_paths, Level, Rule, ValidationConfig, ValidationError,
    MAX_SOURCE_LEN,
};
use cognition_core::ErrorCode;

fn strict() -> ValidationConfig {
    ValidationConfig::new(Level::Strict)
}

#[test]
fn an_empty_file_is_clean_and_scores_100() {
    let report = validate("", &strict()).unwrap();
    assert!(report.issues.is_empty());
    assert_eq!(report.score, 100);
    assert!(report.passed);
    assert_eq!(report.lines, 0);
}

#[test]
fn invalid_utf8_is_a_typed_error_with_the_offset() {
    let err = validate_bytes(b"x = 1\n\xff\xfe = 2\n", &strict()).unwrap_err();
    assert_eq!(err, ValidationError::InvalidUtf8 { valid_up_to: 6 });
    assert_eq!(err.code(), ErrorCode::ValidationInvalidUtf8);
}

#[test]
fn binary_garbage_is_rejected_or_reported_without_panicking() {
    // A deterministic byte soup: mostly not UTF-8.
    let mut state = 0x2545_f491_u32;
    let bytes: Vec<u8> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    assert!(matches!(
        validate_bytes(&bytes, &strict()),
        Err(ValidationError::InvalidUtf8 { .. })
    ));
    // The same soup squeezed into valid UTF-8: control characters, NULs, odd symbols.
    let text: String = bytes.iter().map(|b| char::from(*b)).collect();
    let report = validate(&text, &strict()).unwrap();
    assert!(report.has_syntax_errors());
}

#[test]
fn a_nul_byte_is_a_syntax_error() {
    let report = validate("x = 1\0\n", &strict()).unwrap();
    assert!(report.has_syntax_errors());
}

#[test]
fn a_10_mb_single_line_is_validated() {
    let line = format!("x = \"{}\"\n", "a".repeat(10 * 1024 * 1024));
    let report = validate(&line, &strict()).unwrap();
    let codes: Vec<_> = report.issues.iter().map(|i| i.rule).collect();
    assert_eq!(codes, [Rule::LineTooLong]);
    let width = line.len() - 1;
    assert!(report.issues[0]
        .message
        .contains(&format!("({width} > 88)")));
}

#[test]
fn a_1_mb_line_of_chained_operators_is_validated() {
    // Half a million nested binary operators: deep, so it also proves the walk is iterative.
    let line = format!("x = {}1\n", "a+".repeat(512 * 1024));
    let report = validate(&line, &strict()).unwrap();
    assert!(!report.has_syntax_errors());
    assert!(report.issues.iter().any(|i| i.rule == Rule::LineTooLong));
}

#[test]
fn ten_thousand_nested_parentheses_do_not_overflow_the_stack() {
    let src = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
    let report = validate(&src, &strict()).unwrap();
    assert!(!report.has_syntax_errors(), "{:?}", report.issues.first());
    let unbalanced = format!("x = {}1\n", "(".repeat(10_000));
    assert!(validate(&unbalanced, &strict())
        .unwrap()
        .has_syntax_errors());
}

#[test]
fn deeply_nested_blocks_and_lists_are_validated() {
    let mut src = String::new();
    for depth in 0..500 {
        src.push_str(&"    ".repeat(depth));
        src.push_str("if x:\n");
    }
    src.push_str(&"    ".repeat(500));
    src.push_str("pass\n");
    let report = validate(&src, &strict()).unwrap();
    assert!(!report.has_syntax_errors());
    assert!(report.issues.iter().any(|i| i.rule == Rule::LineTooLong));
    let lists = format!("x = {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    assert!(!validate(&lists, &strict()).unwrap().has_syntax_errors());
}

#[test]
fn input_over_the_limit_is_a_typed_error() {
    let big = "#".repeat(MAX_SOURCE_LEN + 1);
    let err = validate(&big, &strict()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationInputTooLarge);
    assert_eq!(
        fix(&big, &strict()).unwrap_err().code(),
        ErrorCode::ValidationInputTooLarge
    );
}

#[test]
fn unknown_levels_are_a_typed_error() {
    let err = "ultra".parse::<Level>().unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationUnknownLevel);
}

#[test]
fn a_missing_path_is_a_path_error() {
    let err = validate_paths(&["/nonexistent/cognition/x.py"], &strict()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationPathIo);
}

#[test]
fn unreadable_files_in_a_directory_get_their_own_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.py"), "x = 1\n").unwrap();
    std::fs::write(dir.path().join("bad.py"), b"\xff\n").unwrap();
    std::fs::create_dir(dir.path().join(".hidden")).unwrap();
    std::fs::write(dir.path().join(".hidden/skipped.py"), "eval(x)\n").unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/mod.py"), "eval(x)\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "eval(x)\n").unwrap();
    let reports = validate_paths(&[dir.path()], &strict()).unwrap();
    let names: Vec<_> = reports
        .iter()
        .map(|r| {
            r.path
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["bad.py", "good.py", "pkg/mod.py"]);
    assert_eq!(
        reports[0].result.as_ref().unwrap_err().code(),
        ErrorCode::ValidationInvalidUtf8
    );
    assert!(reports[1].result.as_ref().unwrap().issues.is_empty());
    let pkg = reports[2].result.as_ref().unwrap();
    assert_eq!(pkg.issues[0].rule, Rule::Eval);
    assert!(pkg.filename.ends_with("pkg/mod.py"));
}

#[test]
fn a_named_pipe_that_looks_like_python_gets_an_error_instead_of_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::write(dir.path().join("good.py"), "x = 1\n").unwrap();
    let reports = validate_paths(&[dir.path()], &strict()).unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports[0].result.is_ok());
    let err = reports[1].result.as_ref().unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationPathIo);
    assert!(err.to_string().contains("not a regular file"));
}
