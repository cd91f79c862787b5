//! A line reader that keeps at most a bounded number of bytes of each line.

use std::io::{self, BufRead};

/// Read one line (without its `\n`) into `buf`, keeping at most `limit` bytes of it.
///
/// Returns `None` at the end of input, else whether the line was longer than `limit`.
pub(super) fn read_line(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut overlong = false;
    let mut any = false;
    loop {
        let (used, done) = {
            let available = match r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(any.then_some(overlong));
            }
            let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            let room = limit.saturating_sub(buf.len());
            if chunk.len() > room {
                overlong = true;
                buf.extend_from_slice(&chunk[..room]);
            } else {
                buf.extend_from_slice(chunk);
            }
            (used, done)
        };
        any = true;
        r.consume(used);
        if done {
            return Ok(Some(overlong));
        }
    }
}
