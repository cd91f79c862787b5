//! Validating files and directories in parallel.
//!
//! Plain `std::thread::scope` workers pulling file indices from an atomic counter: each file is
//! independent and costs about the same, so a work-stealing pool (rayon) would add a dependency
//! and a global thread pool without making this faster.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::config::ValidationConfig;
use super::error::ValidationError;
use super::report::ValidationReport;

/// One file's result from [`validate_paths`].
#[derive(Debug, Clone)]
pub struct PathReport {
    /// The file.
    pub path: PathBuf,
    /// Its report, or why it could not be validated (unreadable, not UTF-8, too large).
    pub result: Result<ValidationReport, ValidationError>,
}

/// Validate files and every `*.py` file under directories, on all cores.
///
/// Directories are walked iteratively, skipping hidden entries (`.git`, `.venv`) and not
/// following symbolic links to directories. Results come in sorted path order; each report's
/// `filename` is its path. A file that cannot be read gets its error in its [`PathReport`]; a
/// path given that does not exist fails the whole call.
///
/// # Errors
/// [`ValidationError::PathIo`] when a given path or a directory cannot be read.
///
/// # Example
/// ```
/// use cognition_core::validation::{validate_paths, Level, ValidationConfig};
///
/// let dir = std::env::temp_dir().join(format!("cg-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a.py"), "eval(x)\n").unwrap();
/// let reports = validate_paths(&[&dir], &ValidationConfig::new(Level::Strict))?;
/// assert_eq!(reports.len(), 1);
/// assert_eq!(reports[0].result.as_ref().unwrap().issues[0].rule.code(), "S307");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), cognition_core::validation::ValidationError>(())
/// ```
pub fn validate_paths<P: AsRef<Path>>(
    paths: &[P],
    config: &ValidationConfig,
) -> Result<Vec<PathReport>, ValidationError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p.as_ref(), &mut files)?;
    }
    files.sort();
    files.dedup();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<PathReport>>> = files.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let report = validate_file(path, config);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(report);
                }
            });
        }
    });
    Ok(slots
        .into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect())
}

fn io_error(path: &Path, e: &std::io::Error) -> ValidationError {
    ValidationError::PathIo {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

fn validate_file(path: &Path, config: &ValidationConfig) -> PathReport {
    let config = config.clone().filename(path.display().to_string());
    let result = match std::fs::metadata(path) {
        Err(e) => Err(io_error(path, &e)),
        // A FIFO or device named `*.py` would block the read forever or never end.
        Ok(meta) if !meta.is_file() => Err(ValidationError::PathIo {
            path: path.display().to_string(),
            reason: "not a regular file".to_string(),
        }),
        Ok(meta) if meta.len() > super::MAX_SOURCE_LEN as u64 => {
            Err(ValidationError::InputTooLarge {
                len: usize::try_from(meta.len()).unwrap_or(usize::MAX),
                limit: super::MAX_SOURCE_LEN,
            })
        }
        Ok(_) => std::fs::read(path)
            .map_err(|e| io_error(path, &e))
            .and_then(|bytes| super::validate_bytes(&bytes, &config)),
    };
    PathReport {
        path: path.to_path_buf(),
        result,
    }
}

/// Add `path` (a file) or the `*.py` files under it (a directory) to `files`, iteratively.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), ValidationError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if !meta.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| io_error(&dir, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&dir, &e))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let p = entry.path();
            if kind.is_dir() {
                pending.push(p);
            } else if p.extension().is_some_and(|e| e == "py")
                && (!kind.is_symlink() || p.is_file())
            {
                files.push(p);
            }
        }
    }
    Ok(())
}
