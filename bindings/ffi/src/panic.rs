//! The one panic boundary every exported function runs inside.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{set_last_error, Failure};
use crate::status::cog_status;

/// Run an exported function's body: a panic becomes `COG_STATUS_PANIC`, a failure its status code,
/// and either records the calling thread's last error message.
pub(crate) fn boundary<F>(body: F) -> cog_status
where
    F: FnOnce() -> Result<(), Failure>,
{
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => cog_status::Ok,
        Ok(Err(failure)) => {
            set_last_error(&failure.message);
            failure.status
        }
        Err(_) => {
            set_last_error("internal panic in cognition-core (a bug: please report it)");
            cog_status::Panic
        }
    }
}

/// Wrap an exported function body in [`boundary`]; the body evaluates to `Result<(), Failure>`.
macro_rules! cog_panic_boundary {
    ($($body:tt)*) => {
        $crate::panic::boundary(move || { $($body)* })
    };
}
pub(crate) use cog_panic_boundary;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status_not_an_abort() {
        let status = boundary(|| panic!("boom"));
        assert_eq!(status, cog_status::Panic);
    }
}
