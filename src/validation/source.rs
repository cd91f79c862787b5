//! Positions in the source: byte offsets to Ruff's 1-based line and 1-based character column.

/// Line starts of a source text, for converting byte offsets to `(line, column)`.
///
/// Lines are split at `\n` (a `\r\n` ends a line too; the `\r` belongs to the line's end).
/// Columns count characters (Unicode scalar values), not bytes, like Ruff: a line made only of
/// ASCII takes the fast path.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, b) in text.bytes().enumerate() {
            if b >= 0x80 {
                line_ascii = false;
            }
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            }
        }
        ascii.push(line_ascii);
        LineIndex {
            text,
            starts,
            ascii,
        }
    }

    /// Return the number of lines (a trailing newline does not start a counted line).
    pub(crate) fn line_count(&self) -> usize {
        if self.text.is_empty() {
            0
        } else if self.text.ends_with('\n') {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }

    /// Return the 1-based character column of byte `col` on 0-based `row`.
    pub(crate) fn column(&self, row: usize, byte_col: usize) -> u32 {
        let Some(&start) = self.starts.get(row) else {
            return 1;
        };
        if self.ascii.get(row).copied().unwrap_or(true) {
            return saturate(byte_col + 1);
        }
        let end = (start + byte_col).min(self.text.len());
        let mut end_clamped = end;
        while !self.text.is_char_boundary(end_clamped) {
            end_clamped -= 1;
        }
        saturate(self.text[start..end_clamped].chars().count() + 1)
    }

    /// Return the 1-based `(line, column)` of byte offset `offset`.
    pub(crate) fn position(&self, offset: usize) -> (u32, u32) {
        let row = match self.starts.binary_search(&offset) {
            Ok(r) => r,
            Err(r) => r - 1,
        };
        (
            saturate(row + 1),
            self.column(row, offset - self.starts[row]),
        )
    }
}

/// Clamp a count into `u32` (a 4 GiB line cannot get past the input limit anyway).
pub(crate) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let idx = LineIndex::new("ab\né = x\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(1), (1, 2));
        assert_eq!(idx.position(3), (2, 1));
        // `é` is two bytes: the `=` at byte 3 of line 2 is character 3.
        assert_eq!(idx.position(6), (2, 3));
        assert_eq!(idx.line_count(), 2);
    }

    #[test]
    fn a_column_inside_a_character_rounds_down() {
        let idx = LineIndex::new("é");
        assert_eq!(idx.column(0, 1), 1);
    }
}
