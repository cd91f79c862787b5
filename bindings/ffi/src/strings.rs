//! Strings across the boundary: `cog_str` borrowed in, `cog_string` owned out.

use std::ffi::c_char;

use crate::error::Failure;
use crate::panic::cog_panic_boundary;

/// A borrowed byte string passed into the library: `len` bytes at `ptr`, not NUL-terminated.
/// `ptr` may be NULL only when `len` is 0. The library never keeps it past the call.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cog_str {
    /// First byte, or NULL for an empty string.
    pub ptr: *const u8,
    /// Length in bytes.
    pub len: usize,
}

/// A string returned by the library: `len` bytes of UTF-8 at `ptr`, followed by a NUL so it can
/// also be used as a C string. Owned by the caller until passed to `cog_string_free`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug)]
pub struct cog_string {
    /// The bytes, NUL-terminated; NULL after `cog_string_free`.
    pub ptr: *mut c_char,
    /// Length in bytes, not counting the NUL.
    pub len: usize,
}

impl cog_string {
    pub(crate) fn from_string(value: String) -> Self {
        let mut bytes = value.into_bytes();
        bytes.push(0);
        let boxed = bytes.into_boxed_slice();
        let len = boxed.len() - 1;
        cog_string {
            ptr: Box::into_raw(boxed).cast::<c_char>(),
            len,
        }
    }
}

/// Release a string the library returned, then set its `ptr` to NULL and `len` to 0. Passing NULL,
/// or a string already freed this way, does nothing.
///
/// # Safety
/// `string` is NULL or points to a `cog_string` filled in by this library and not modified since.
#[no_mangle]
pub unsafe extern "C" fn cog_string_free(string: *mut cog_string) {
    let _ = cog_panic_boundary! {
        if let Some(string) = unsafe { string.as_mut() } {
            if !string.ptr.is_null() {
                let slice = std::ptr::slice_from_raw_parts_mut(string.ptr.cast::<u8>(), string.len + 1);
                drop(unsafe { Box::from_raw(slice) });
            }
            string.ptr = std::ptr::null_mut();
            string.len = 0;
        }
        Ok(())
    };
}

/// Borrow `len` bytes at `ptr`; NULL is accepted only with `len == 0`.
///
/// # Safety
/// When non-NULL, `ptr` must be valid for reads of `len` bytes for the duration of the call.
pub(crate) unsafe fn bytes_in<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(name))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid_argument(format!(
            "`{name}` length is out of range"
        )));
    }
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrow `len` bytes at `ptr` as UTF-8 text.
///
/// # Safety
/// As [`bytes_in`].
pub(crate) unsafe fn str_in<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a str, Failure> {
    let bytes = unsafe { bytes_in(ptr, len, name) }?;
    std::str::from_utf8(bytes).map_err(|_| Failure::invalid_utf8(name))
}

/// Borrow an array of `cog_str` as byte strings.
///
/// # Safety
/// `items` valid for `count` elements, each as [`bytes_in`].
pub(crate) unsafe fn bytes_array_in<'a>(
    items: *const cog_str,
    count: usize,
    name: &str,
) -> Result<Vec<&'a [u8]>, Failure> {
    let items = unsafe { slice_in(items, count, name) }?;
    items
        .iter()
        .map(|item| unsafe { bytes_in(item.ptr, item.len, name) })
        .collect()
}

/// Borrow `count` elements at `ptr`; NULL is accepted only with `count == 0`.
///
/// # Safety
/// When non-NULL, `ptr` must be valid for reads of `count` elements.
pub(crate) unsafe fn slice_in<'a, T>(
    ptr: *const T,
    count: usize,
    name: &str,
) -> Result<&'a [T], Failure> {
    if ptr.is_null() {
        return if count == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(name))
        };
    }
    if count > (isize::MAX as usize) / std::mem::size_of::<T>().max(1) {
        return Err(Failure::invalid_argument(format!(
            "`{name}` count is out of range"
        )));
    }
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// Write `value` through `out`, which was checked for NULL before any work was done.
///
/// # Safety
/// `out` must be valid for writes.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    unsafe { out.write(value) };
}

/// Fail with `COG_STATUS_NULL_ARGUMENT` when an out-pointer is NULL.
pub(crate) fn check_out<T>(out: *mut T, name: &str) -> Result<(), Failure> {
    if out.is_null() {
        Err(Failure::null(name))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_returned_string_is_nul_terminated_and_freed_once() {
        let mut s = cog_string::from_string("héllo".into());
        assert_eq!(s.len, 6);
        assert_eq!(unsafe { *s.ptr.add(s.len) }, 0);
        unsafe { cog_string_free(&mut s) };
        assert!(s.ptr.is_null());
        unsafe { cog_string_free(&mut s) };
        unsafe { cog_string_free(std::ptr::null_mut()) };
    }

    #[test]
    fn null_is_empty_only_with_zero_length() {
        assert_eq!(unsafe { bytes_in(std::ptr::null(), 0, "x") }.unwrap(), b"");
        assert!(unsafe { bytes_in(std::ptr::null(), 1, "x") }.is_err());
    }
}
