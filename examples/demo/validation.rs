//! Code validation: a bundled generated snippet (`data/samples/validation/solution.py`: an SQL
//! injection, an `eval`, style slips, missing annotations) is checked at every level, fixed,
//! and written as SARIF; PARANOID runs its tests (`test_solution.py`, one of them failing) with
//! pytest in the sandbox.
//!
//! PARANOID needs a Python with pytest: `COGNITION_PYTHON` (the Makefile points it at
//! `.venv/bin/python`), else `python3`. Without one the level is skipped with a note, so the demo
//! still runs on a machine without pytest.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cognition_core::validation::{
    fix, to_sarif, validate, validate_with_tests, Level, PytestRunner, ValidationConfig,
    ValidationError, ValidationReport,
};

const SOURCE: &str = include_str!("../../data/samples/validation/solution.py");
const TESTS: &str = include_str!("../../data/samples/validation/test_solution.py");
const FILENAME: &str = "data/samples/validation/solution.py";

fn python() -> String {
    std::env::var("COGNITION_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn show(report: &ValidationReport) {
    print!("{}", indent(&report.to_text()));
    println!(
        "    -> score {}/100, {} at {} ({} issues, annotations {:.1}%)",
        report.score,
        if report.passed { "PASS" } else { "FAIL" },
        report.level,
        report.issues.len(),
        report.annotation_coverage
    );
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// Print the validation section: every level, the fixes, and the SARIF file's path.
pub fn show_all() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "  {FILENAME}: {} lines, tests in test_solution.py",
        SOURCE.lines().count()
    );
    let mut last = None;
    for level in [Level::Basic, Level::Standard, Level::Strict] {
        println!("  {}:", level.name().to_uppercase());
        let report = validate(SOURCE, &ValidationConfig::new(level).filename(FILENAME))?;
        show(&report);
        last = Some(report);
    }

    println!("  PARANOID (+ the tests, sandboxed pytest):");
    let python = python();
    let runner = PytestRunner::new(&python).timeout(Duration::from_secs(30));
    let config = ValidationConfig::new(Level::Paranoid).filename(FILENAME);
    match validate_with_tests(SOURCE, TESTS, &config, &runner) {
        Ok(report) => {
            show(&report);
            last = Some(report);
        }
        Err(ValidationError::TestRunner(why)) => println!(
            "    skipped: no usable pytest ({why}); set COGNITION_PYTHON to a Python with \
             pytest, or run `make demo`, which uses .venv"
        ),
        Err(e) => return Err(e.into()),
    }

    println!("  safe fixes (whitespace only), then STRICT again:");
    let fixed = fix(
        SOURCE,
        &ValidationConfig::new(Level::Strict).filename(FILENAME),
    )?;
    for i in &fixed.applied {
        println!(
            "    fixed {FILENAME}:{}:{}: {} {}",
            i.line, i.column, i.rule, i.message
        );
    }
    println!(
        "    -> {} fixes applied; score {} -> {}, {} issues left (none fixable: {})",
        fixed.applied.len(),
        validate(SOURCE, &ValidationConfig::new(Level::Strict))?.score,
        fixed.report.score,
        fixed.report.issues.len(),
        fixed.report.issues.iter().all(|i| !i.fixable)
    );

    if let Some(report) = last {
        let path = sarif_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, to_sarif(std::slice::from_ref(&report)))?;
        println!(
            "  SARIF 2.1.0 log of the {} run ({} results) written to {}",
            report.level.name().to_uppercase(),
            report.issues.len(),
            path.display()
        );
    }
    Ok(())
}

/// `target/demo/validation.sarif` in the workspace (honouring `CARGO_TARGET_DIR`).
fn sarif_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("demo").join("validation.sarif")
}
