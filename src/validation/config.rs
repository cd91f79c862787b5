//! Validation levels and the configuration builder with the documented defaults.

use std::fmt;
use std::str::FromStr;

use super::error::ValidationError;

/// The largest source [`crate::validation::validate`] accepts: 16 MiB.
///
/// Python files in the wild stay far below it (the standard library's largest is under 1 MiB);
/// the limit keeps one hostile input from holding a worker for long.
pub const MAX_SOURCE_LEN: usize = 16 * 1024 * 1024;

/// How much to check; each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    /// Syntax only: does CPython compile it?
    Basic,
    /// Plus style (E501, W291, W293, W292, W191) and type annotations (ANN001, ANN201).
    #[default]
    Standard,
    /// Plus security and complexity/performance rules.
    Strict,
    /// Plus running the code's tests through a [`crate::validation::TestRunner`].
    Paranoid,
}

impl Level {
    /// Return the lower-case name (`"standard"`).
    pub const fn name(self) -> &'static str {
        match self {
            Level::Basic => "basic",
            Level::Standard => "standard",
            Level::Strict => "strict",
            Level::Paranoid => "paranoid",
        }
    }

    /// Return the lowest score that passes at this level (see [`crate::validation::score`]).
    ///
    /// BASIC passes on any score without a syntax error; the others also need no CRITICAL or HIGH
    /// finding.
    pub const fn pass_score(self) -> u32 {
        match self {
            Level::Basic => 0,
            Level::Standard => 60,
            Level::Strict | Level::Paranoid => 75,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = ValidationError;

    /// Parse a level name, case-insensitively (`"STRICT"`, `"strict"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "basic" => Ok(Level::Basic),
            "standard" => Ok(Level::Standard),
            "strict" => Ok(Level::Strict),
            "paranoid" => Ok(Level::Paranoid),
            _ => Err(ValidationError::UnknownLevel(s.chars().take(40).collect())),
        }
    }
}

/// What to check and the thresholds, built from the documented defaults.
///
/// # Example
/// ```
/// use cognition_core::validation::{Level, ValidationConfig};
///
/// let config = ValidationConfig::new(Level::Strict).max_line_length(100);
/// assert_eq!(config.level(), Level::Strict);
/// assert_eq!(config.complexity_threshold_value(), 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationConfig {
    level: Level,
    max_line_length: usize,
    complexity_threshold: u32,
    max_nested_blocks: u32,
    max_statements: u32,
    max_arguments: u32,
    filename: String,
}

impl Default for ValidationConfig {
    fn default() -> Self {
        ValidationConfig::new(Level::Standard)
    }
}

impl ValidationConfig {
    /// Defaults: line length 88 (Ruff/Black), complexity 10 (mccabe), nested blocks 5, statements
    /// 50, arguments 5 (Pylint's, as Ruff's PLR rules), filename `<string>`.
    pub fn new(level: Level) -> Self {
        ValidationConfig {
            level,
            max_line_length: 88,
            complexity_threshold: 10,
            max_nested_blocks: 5,
            max_statements: 50,
            max_arguments: 5,
            filename: "<string>".to_string(),
        }
    }

    /// Set the E501 limit in characters.
    pub fn max_line_length(mut self, n: usize) -> Self {
        self.max_line_length = n;
        self
    }

    /// Set the C901 threshold: a function is reported when its complexity exceeds it.
    pub fn complexity_threshold(mut self, n: u32) -> Self {
        self.complexity_threshold = n;
        self
    }

    /// Set the PLR1702 limit on nested compound statements in a function.
    pub fn max_nested_blocks(mut self, n: u32) -> Self {
        self.max_nested_blocks = n;
        self
    }

    /// Set the PLR0915 limit on statements in a function.
    pub fn max_statements(mut self, n: u32) -> Self {
        self.max_statements = n;
        self
    }

    /// Set the PLR0913 limit on a function's arguments.
    pub fn max_arguments(mut self, n: u32) -> Self {
        self.max_arguments = n;
        self
    }

    /// Set the file name used in text and SARIF output.
    pub fn filename(mut self, name: impl Into<String>) -> Self {
        self.filename = name.into();
        self
    }

    /// Return the level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Return the E501 limit.
    pub fn max_line_length_value(&self) -> usize {
        self.max_line_length
    }

    /// Return the C901 threshold.
    pub fn complexity_threshold_value(&self) -> u32 {
        self.complexity_threshold
    }

    /// Return the PLR1702 limit.
    pub fn max_nested_blocks_value(&self) -> u32 {
        self.max_nested_blocks
    }

    /// Return the PLR0915 limit.
    pub fn max_statements_value(&self) -> u32 {
        self.max_statements
    }

    /// Return the PLR0913 limit.
    pub fn max_arguments_value(&self) -> u32 {
        self.max_arguments
    }

    /// Return the file name.
    pub fn filename_value(&self) -> &str {
        &self.filename
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_case_insensitively_and_reject_unknown_names() {
        assert_eq!("STRICT".parse::<Level>().unwrap(), Level::Strict);
        assert_eq!("basic".parse::<Level>().unwrap(), Level::Basic);
        assert!("extreme".parse::<Level>().is_err());
    }

    #[test]
    fn levels_are_ordered_by_how_much_they_check() {
        assert!(Level::Basic < Level::Standard);
        assert!(Level::Strict < Level::Paranoid);
    }
}
