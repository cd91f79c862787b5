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
fn brackets_nested_to_cpythons_limit_are_validated() {
    let src = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    let report = validate(&src, &strict()).unwrap();
    assert!(!report.has_syntax_errors(), "{:?}", report.issues.first());
    let lists = format!("x = {}{}\n", "[".repeat(200), "]".repeat(200));
    assert!(!validate(&lists, &strict()).unwrap().has_syntax_errors());
}

#[test]
fn brackets_nested_past_cpythons_limit_are_a_syntax_error_where_the_limit_is_passed() {
    // CPython's tokenizer refuses the 201st nested bracket ("too many nested parentheses").
    let src = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
    let report = validate(&src, &strict()).unwrap();
    let syntax: Vec<_> = report
        .issues
        .iter()
        .filter(|i| i.rule == Rule::SyntaxError)
        .collect();
    assert_eq!(syntax.len(), 1);
    assert_eq!((syntax[0].line, syntax[0].column), (1, 205));
    assert!(syntax[0].message.contains("too many nested parentheses"));
}

#[test]
fn a_hundred_thousand_nested_brackets_do_not_overflow_the_stack() {
    for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] {
        let balanced = format!("x = {}1{}\n", open.repeat(100_000), close.repeat(100_000));
        assert!(validate(&balanced, &strict()).unwrap().has_syntax_errors());
        let unbalanced = format!("x = {}1\n", open.repeat(100_000));
        assert!(validate(&unbalanced, &strict())
            .unwrap()
            .has_syntax_errors());
    }
}

#[test]
fn deeply_nested_blocks_are_validated() {
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
}

#[test]
fn long_chains_of_prefix_operators_attributes_and_calls_are_validated() {
    // Deep trees without brackets: unary operators, attribute and call chains.
    for src in [
        format!("x = {}1\n", "-".repeat(100_000)),
        format!("x = {}y\n", "not ".repeat(50_000)),
        format!("x = a{}\n", ".b".repeat(100_000)),
        format!("x = f{}\n", "()".repeat(100_000)),
    ] {
        let report = validate(&src, &strict()).unwrap();
        assert!(!report.has_syntax_errors(), "{:?}", report.issues.first());
    }
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

#[cfg(unix)]
#[test]
fn a_device_given_as_a_path_is_a_path_error_not_an_endless_read() {
    // /dev/zero never ends and a FIFO blocks until a writer appears: only regular files are read.
    let reports = validate_paths(&["/dev/zero"], &strict()).unwrap();
    let err = reports[0].result.as_ref().unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationPathIo);
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_walked_directory_skips_entries_that_are_not_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.py"), "x = 1\n").unwrap();
    std::fs::create_dir(dir.path().join("package.py")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.py")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("socket.py")).unwrap();
    let reports = validate_paths(&[dir.path()], &strict()).unwrap();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].path.ends_with("good.py"));
}
