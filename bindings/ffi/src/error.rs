//! Failures and the calling thread's last error message.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use crate::status::cog_status;

/// A failed call: the status to return and the message `cog_last_error_message` will show.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: cog_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn null(argument: &str) -> Self {
        Failure {
            status: cog_status::NullArgument,
            message: format!("`{argument}` must not be NULL"),
        }
    }

    pub(crate) fn invalid_utf8(argument: &str) -> Self {
        Failure {
            status: cog_status::InvalidUtf8,
            message: format!("`{argument}` is not valid UTF-8"),
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Failure {
            status: cog_status::InvalidArgument,
            message: message.into(),
        }
    }
}

impl<E: Into<cognition_core::Error>> From<E> for Failure {
    fn from(error: E) -> Self {
        let error: cognition_core::Error = error.into();
        Failure {
            status: error.code().into(),
            message: error.to_string(),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

pub(crate) fn set_last_error(message: &str) {
    let message = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = message);
}

/// The message of the calling thread's most recent failed call, NUL-terminated UTF-8; `""` if no
/// call on this thread has failed yet. Messages never contain secrets.
///
/// The pointer stays valid until the next failing call on the same thread; copy it to keep it.
/// Never free it. Each thread has its own message.
#[no_mangle]
pub extern "C" fn cog_last_error_message() -> *const c_char {
    LAST_ERROR.with(|last| last.borrow().as_ptr())
}
