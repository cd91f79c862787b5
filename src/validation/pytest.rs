//! `PytestRunner`: a [`TestRunner`] that runs `python -m pytest` in a sandboxed subprocess.
//!
//! Behind the `pytest-runner` cargo feature, because it is the one place the crate spawns a
//! process. Isolation, in layers:
//! - a fresh temporary directory holds the module (`solution.py`), the tests
//!   (`test_solution.py`), a temporary `HOME` and `TMPDIR`; it is deleted afterwards;
//! - the environment is scrubbed: only `PATH`, `HOME`, `TMPDIR`, `LANG` and
//!   `PYTHONDONTWRITEBYTECODE` are passed;
//! - a small Python supervisor (`sandbox.py`, embedded) forks pytest into its own session and sets
//!   `resource.setrlimit` limits before `exec`: CPU seconds, address space, file size, no core
//!   files, and process count. Setting limits from Python keeps `unsafe` (`pre_exec`) out of the
//!   core crate and needs no extra crate;
//! - the supervisor enforces the wall-clock timeout and counts the session's processes, killing
//!   the whole process group on either limit and always once pytest has exited. Counting matters
//!   because Linux does not apply `RLIMIT_NPROC` to root; a fork bomb is stopped either way;
//! - a backstop timeout in Rust kills the supervisor if it ever hangs.
//!
//! What it does not do: network isolation, or containment of code that deliberately leaves its
//! process group (`setsid`) or the filesystem permissions of the user running it. For hostile
//! code at scale, run the runner inside a container or VM.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::error::ValidationError;
use super::runner::{TestOutcome, TestResult, TestRunner, TestStatus};

const SANDBOX: &str = include_str!("sandbox.py");

/// Runs tests with pytest under limits; see the module docs for the isolation it gives.
///
/// # Example
/// ```no_run
/// use std::time::Duration;
/// use cognition_core::validation::{validate_with_tests, Level, PytestRunner, ValidationConfig};
///
/// let runner = PytestRunner::new("python3").timeout(Duration::from_secs(10));
/// let report = validate_with_tests(
///     "def add(a: int, b: int) -> int:\n    return a + b\n",
///     "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
///     &ValidationConfig::new(Level::Paranoid),
///     &runner,
/// )?;
/// assert!(report.passed);
/// # Ok::<(), cognition_core::validation::ValidationError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PytestRunner {
    python: PathBuf,
    timeout: Duration,
    cpu_seconds: u64,
    memory_bytes: u64,
    max_processes: u64,
    max_file_bytes: u64,
}

impl PytestRunner {
    /// A runner using `python` (a path or a name on `PATH`), with the defaults: 30 s wall clock,
    /// 20 s CPU, 1 GiB address space, 64 processes, 64 MiB per written file.
    pub fn new(python: impl Into<PathBuf>) -> Self {
        PytestRunner {
            python: python.into(),
            timeout: Duration::from_secs(30),
            cpu_seconds: 20,
            memory_bytes: 1 << 30,
            max_processes: 64,
            max_file_bytes: 64 << 20,
        }
    }

    /// Set the wall-clock limit of the whole run.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Set the CPU-seconds limit (RLIMIT_CPU).
    pub fn cpu_seconds(mut self, seconds: u64) -> Self {
        self.cpu_seconds = seconds.max(1);
        self
    }

    /// Set the address-space limit in bytes (RLIMIT_AS).
    pub fn memory_bytes(mut self, bytes: u64) -> Self {
        self.memory_bytes = bytes;
        self
    }

    /// Set the most processes the run may have at once.
    pub fn max_processes(mut self, n: u64) -> Self {
        self.max_processes = n.max(1);
        self
    }
}

fn runner_error(what: &str, e: impl std::fmt::Display) -> ValidationError {
    ValidationError::TestRunner(format!("{what}: {e}"))
}

impl TestRunner for PytestRunner {
    fn run(&self, source: &str, tests: &str) -> Result<TestOutcome, ValidationError> {
        let dir = tempfile::tempdir().map_err(|e| runner_error("cannot create a temp dir", e))?;
        let root = dir.path();
        let home = root.join("home");
        let tmp = root.join("tmp");
        for d in [&home, &tmp] {
            std::fs::create_dir(d).map_err(|e| runner_error("cannot create a temp dir", e))?;
        }
        let write = |name: &str, text: &str| {
            std::fs::write(root.join(name), text).map_err(|e| runner_error("cannot write", e))
        };
        write("solution.py", source)?;
        write("test_solution.py", tests)?;
        write("sandbox.py", SANDBOX)?;
        let config = serde_json::json!({
            "workdir": root,
            "timeout": self.timeout.as_secs_f64(),
            "cpu": self.cpu_seconds,
            "memory": self.memory_bytes,
            "processes": self.max_processes,
            "fsize": self.max_file_bytes,
            "pytest_args": ["-q", "-rA", "-p", "no:cacheprovider", "--color=no",
                            "test_solution.py"],
        });
        write("sandbox.json", &config.to_string())?;
        // Output goes to files, not pipes: a straggler holding a pipe open cannot block us.
        let out_path = root.join("pytest.out");
        let err_path = root.join("pytest.err");
        let file = |p: &PathBuf| {
            std::fs::File::create(p).map_err(|e| runner_error("cannot create an output file", e))
        };
        let mut child = Command::new(&self.python)
            .arg(root.join("sandbox.py"))
            .arg(root.join("sandbox.json"))
            .current_dir(root)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &home)
            .env("TMPDIR", &tmp)
            .env("LANG", "C.UTF-8")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(file(&out_path)?)
            .stderr(file(&err_path)?)
            .spawn()
            .map_err(|e| runner_error(&format!("cannot start `{}`", self.python.display()), e))?;
        // Backstop: the supervisor enforces the timeout itself; this only catches a hung one.
        let backstop = Instant::now() + self.timeout + Duration::from_secs(10);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() > backstop => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(runner_error("cannot wait for the test run", e)),
            }
        }
        let stdout = read_capped(&out_path);
        let stderr = read_capped(&err_path);
        let status: serde_json::Value = std::fs::read_to_string(root.join("supervisor.json"))
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(serde_json::Value::Null);
        if status.is_null() {
            return Err(ValidationError::TestRunner(format!(
                "the sandbox supervisor did not finish: {}",
                last_line(&stderr)
            )));
        }
        if stderr.contains("No module named pytest") {
            return Err(ValidationError::TestRunner(format!(
                "pytest is not installed for `{}`",
                self.python.display()
            )));
        }
        Ok(outcome(&stdout, &stderr, &status))
    }
}

/// Read at most 1 MiB of an output file, lossily decoded.
fn read_capped(path: &std::path::Path) -> String {
    let mut buf = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(1 << 20).read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

/// Read pytest's `-rA` short summary (`PASSED id`, `FAILED id - reason`) and the supervisor's
/// status into an outcome.
fn outcome(stdout: &str, stderr: &str, status: &serde_json::Value) -> TestOutcome {
    let mut results = Vec::new();
    for line in stdout.lines() {
        let Some((word, rest)) = line.split_once(' ') else {
            continue;
        };
        let status = match word {
            "PASSED" | "XFAIL" => TestStatus::Passed,
            "FAILED" | "XPASS" => TestStatus::Failed,
            "ERROR" => TestStatus::Error,
            "SKIPPED" => TestStatus::Skipped,
            _ => continue,
        };
        let (name, message) = match rest.split_once(" - ") {
            Some((n, m)) => (n.trim(), m.trim()),
            None => (rest.trim(), ""),
        };
        results.push(TestResult {
            name: name.to_string(),
            status,
            message: message.chars().take(300).collect(),
        });
    }
    let flag = |k: &str| status.get(k).and_then(serde_json::Value::as_bool) == Some(true);
    let exit = status.get("exit").and_then(serde_json::Value::as_i64);
    let signal = status.get("signal").and_then(serde_json::Value::as_i64);
    // SIGXCPU (24) or SIGKILL (9) after RLIMIT_CPU: the CPU limit is a timeout too.
    let timed_out = flag("timed_out") || matches!(signal, Some(24 | 9));
    let aborted = if flag("process_limit") {
        Some("the tests started more processes than allowed".to_string())
    } else if timed_out {
        None
    } else if let Some(sig) = signal {
        Some(format!("pytest was killed by signal {sig}"))
    } else {
        match exit {
            Some(0 | 1) => None,
            Some(5) => Some("no tests were collected".to_string()),
            Some(code) => Some(format!(
                "pytest exited with status {code}: {}",
                last_line(if stderr.trim().is_empty() {
                    stdout
                } else {
                    stderr
                })
            )),
            None => Some("pytest did not report an exit status".to_string()),
        }
    };
    TestOutcome {
        results,
        timed_out,
        aborted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_summary_becomes_results() {
        let out =
            "PASSED test_solution.py::test_a\nFAILED test_solution.py::test_b - assert 1 == 2\n";
        let status = serde_json::json!({"exit": 1, "signal": null, "timed_out": false});
        let o = outcome(out, "", &status);
        assert_eq!(o.results.len(), 2);
        assert_eq!(o.results[1].status, TestStatus::Failed);
        assert_eq!(o.results[1].message, "assert 1 == 2");
        assert_eq!(o.aborted, None);
    }

    #[test]
    fn no_tests_collected_is_an_aborted_run() {
        let status = serde_json::json!({"exit": 5, "signal": null, "timed_out": false});
        assert_eq!(
            outcome("", "", &status).aborted.as_deref(),
            Some("no tests were collected")
        );
    }
}
