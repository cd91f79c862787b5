//! PARANOID with the real `PytestRunner`: results, and hostile tests that must not hang or harm.
//!
//! Needs a Python with pytest: `COGNITION_PYTHON` (the Makefile points it at `.venv/bin/python`),
//! default `python3`. Nothing is skipped: without pytest these tests fail.

use std::time::{Duration, Instant};

use cognition_core::validation::{
    validate_with_tests, Level, PytestRunner, Rule, TestRunner, TestStatus, ValidationConfig,
};

const SOURCE: &str = "def add(a: int, b: int) -> int:\n    return a + b\n";

fn python() -> String {
    std::env::var("COGNITION_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn runner() -> PytestRunner {
    PytestRunner::new(python())
        .timeout(Duration::from_secs(8))
        .cpu_seconds(5)
        .memory_bytes(512 << 20)
        .max_processes(32)
}

#[test]
fn passing_tests_pass_paranoid() {
    let tests = "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n";
    let report = validate_with_tests(
        SOURCE,
        tests,
        &ValidationConfig::new(Level::Paranoid),
        &runner(),
    )
    .unwrap();
    assert!(report.passed, "{:?}", report.issues);
    assert!(report.issues.is_empty());
}

#[test]
fn a_failing_test_is_a_high_issue_with_its_name() {
    let tests = "from solution import add\n\ndef test_add_is_wrong():\n    assert add(1, 2) == 4\n";
    let report = validate_with_tests(
        SOURCE,
        tests,
        &ValidationConfig::new(Level::Paranoid),
        &runner(),
    )
    .unwrap();
    let failed: Vec<_> = report
        .issues
        .iter()
        .filter(|i| i.rule == Rule::TestFailed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].message.contains("test_add_is_wrong"),
        "{}",
        failed[0].message
    );
    assert!(!report.passed);
}

#[test]
fn an_infinite_loop_times_out_instead_of_hanging() {
    let tests = "def test_spin():\n    while True:\n        pass\n";
    let started = Instant::now();
    let outcome = runner().run(SOURCE, tests).unwrap();
    assert!(outcome.timed_out);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_fork_bomb_is_stopped() {
    let tests = "import os\n\ndef test_bomb():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n";
    let started = Instant::now();
    let outcome = runner().run(SOURCE, tests).unwrap();
    assert!(
        outcome.aborted.is_some() || outcome.timed_out,
        "{outcome:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // No process of the bomb survives: the group was killed. A survivor would be a pytest
    // process whose working directory (the run's deleted temp dir) is gone.
    std::thread::sleep(Duration::from_millis(200));
    let survivors = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let cmdline = std::fs::read_to_string(e.path().join("cmdline")).unwrap_or_default();
            let cwd = std::fs::read_link(e.path().join("cwd")).unwrap_or_default();
            cmdline.contains("pytest") && cwd.to_string_lossy().ends_with("(deleted)")
        })
        .count();
    assert_eq!(survivors, 0);
}

#[test]
fn a_huge_allocation_fails_inside_the_sandbox() {
    let tests = "def test_alloc():\n    x = bytearray(8 * 1024 ** 3)\n    assert len(x) > 0\n";
    let outcome = runner().run(SOURCE, tests).unwrap();
    assert_eq!(outcome.results.len(), 1, "{outcome:?}");
    assert_eq!(outcome.results[0].status, TestStatus::Failed);
    assert!(
        outcome.results[0].message.contains("MemoryError"),
        "{outcome:?}"
    );
}

#[test]
fn rm_rf_home_only_reaches_the_temporary_home() {
    let canary_dir = tempfile::tempdir().unwrap();
    let canary = canary_dir.path().join("canary");
    std::fs::write(&canary, "alive").unwrap();
    // The guard keeps the host safe even if the environment were not scrubbed.
    let tests = "import os, tempfile\n\ndef test_wipe():\n    home = os.path.expanduser('~')\n    print('HOME=' + home)\n    assert home.startswith(tempfile.gettempdir()) or '/tmp' in home\n    os.system('rm -rf ~')\n    assert not os.path.exists(home)\n";
    let outcome = runner().run(SOURCE, tests).unwrap();
    assert_eq!(outcome.results.len(), 1, "{outcome:?}");
    assert_eq!(outcome.results[0].status, TestStatus::Passed, "{outcome:?}");
    assert_eq!(std::fs::read_to_string(&canary).unwrap(), "alive");
    assert!(std::path::Path::new(&std::env::var("HOME").unwrap_or_else(|_| "/".into())).exists());
}

#[test]
fn the_environment_is_scrubbed() {
    let tests = "import os\n\ndef test_env():\n    assert 'CARGO' not in os.environ\n    assert set(os.environ) <= {'PATH', 'HOME', 'TMPDIR', 'LANG', 'PYTHONDONTWRITEBYTECODE', 'LC_CTYPE', 'PYTEST_CURRENT_TEST', 'PYTEST_VERSION'}\n";
    let outcome = runner().run(SOURCE, tests).unwrap();
    assert_eq!(outcome.results[0].status, TestStatus::Passed, "{outcome:?}");
}

#[test]
fn a_missing_interpreter_is_a_runner_error() {
    let err = PytestRunner::new("/nonexistent/python")
        .run(SOURCE, "def test_x(): pass\n")
        .unwrap_err();
    assert_eq!(err.code(), cognition_core::ErrorCode::ValidationTestRunner);
}
