//! Validation errors: input the validator refuses to look at, and failures around it.
//!
//! Findings in the code are never errors: they are [`super::Issue`]s in the report. An error
//! means no report could be made (too large, not UTF-8, unknown level, unreadable path, test
//! runner unusable).

use crate::error::ErrorCode;

/// Why validation could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The source is larger than [`super::MAX_SOURCE_LEN`].
    #[error("source is {len} bytes, over the limit of {limit} bytes")]
    InputTooLarge {
        /// The source's length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The source bytes are not UTF-8 (Python 3 source is UTF-8 unless declared otherwise).
    #[error("source is not valid UTF-8 (first invalid byte at offset {valid_up_to})")]
    InvalidUtf8 {
        /// Length of the longest valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// A level name other than basic, standard, strict or paranoid.
    #[error("unknown validation level `{0}`: expected basic, standard, strict or paranoid")]
    UnknownLevel(String),
    /// A path could not be read or listed.
    #[error("cannot read `{path}`: {reason}")]
    PathIo {
        /// The path.
        path: String,
        /// The operating system's message.
        reason: String,
    },
    /// The test runner could not run the tests at all (not: a test failed).
    #[error("test runner failed: {0}")]
    TestRunner(String),
}

impl ValidationError {
    /// Return the stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ValidationError::InputTooLarge { .. } => ErrorCode::ValidationInputTooLarge,
            ValidationError::InvalidUtf8 { .. } => ErrorCode::ValidationInvalidUtf8,
            ValidationError::UnknownLevel(_) => ErrorCode::ValidationUnknownLevel,
            ValidationError::PathIo { .. } => ErrorCode::ValidationPathIo,
            ValidationError::TestRunner(_) => ErrorCode::ValidationTestRunner,
        }
    }
}
