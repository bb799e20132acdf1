//! Positions for JavaScript: the engine counts bytes (offsets) and Unicode characters (columns);
//! JavaScript strings and editors (CodeMirror, Monaco) count UTF-16 code units. Everything the
//! API returns is in UTF-16 code units, so `sql.slice(offset, offset + length)` is the statement.

use serde::Serialize;

/// A 1-based line and column and a 0-based offset, in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

/// Converts byte offsets and character columns of one text to UTF-16 positions.
pub struct TextIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// `(byte offset, UTF-16 offset)` just after each non-ASCII character, in order; between
    /// two of them every byte is one ASCII character, so one UTF-16 unit.
    checkpoints: Vec<(usize, usize)>,
}

impl<'a> TextIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        let mut checkpoints = Vec::new();
        let mut utf16 = 0;
        for (i, c) in text.char_indices() {
            utf16 += c.len_utf16();
            if c == '\n' {
                line_starts.push(i + 1);
            } else if !c.is_ascii() {
                checkpoints.push((i + c.len_utf8(), utf16));
            }
        }
        TextIndex { text, line_starts, checkpoints }
    }

    /// The UTF-16 offset of a byte offset (clamped to the text; a byte inside a character gives
    /// a nearby offset, never a panic).
    pub fn utf16(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let i = self.checkpoints.partition_point(|&(b, _)| b <= byte);
        match i.checked_sub(1).map(|i| self.checkpoints[i]) {
            Some((b, u)) => u + (byte - b),
            None => byte,
        }
    }

    /// The position of a byte offset.
    pub fn position(&self, byte: usize) -> Position {
        let byte = byte.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= byte);
        let start = self.line_starts[line - 1];
        let offset = self.utf16(byte);
        Position { line: line as u32, column: (offset - self.utf16(start) + 1) as u32, offset }
    }

    /// The position of the engine's 1-based line and character column.
    pub fn position_of_line_column(&self, line: u32, column: u32) -> Position {
        let index = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[index];
        let rest = &self.text[start..];
        let byte = start + rest.char_indices().nth(column.max(1) as usize - 1).map_or(rest.len(), |(i, _)| i);
        self.position(byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_positions_are_byte_positions() {
        let t = TextIndex::new("ab\ncd\n");
        assert_eq!(t.position(0), Position { line: 1, column: 1, offset: 0 });
        assert_eq!(t.position(4), Position { line: 2, column: 2, offset: 4 });
        assert_eq!(t.position(6), Position { line: 3, column: 1, offset: 6 });
        assert_eq!(t.position(99), Position { line: 3, column: 1, offset: 6 });
        assert_eq!(t.position_of_line_column(2, 2), t.position(4));
    }

    #[test]
    fn non_ascii_counts_utf16_units() {
        // é: 2 bytes, 1 unit; 😀: 4 bytes, 2 units.
        let text = "é😀x\n😀y";
        let t = TextIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(t.position(x), Position { line: 1, column: 4, offset: 3 });
        let y = text.find('y').unwrap();
        assert_eq!(t.position(y), Position { line: 2, column: 3, offset: 7 });
        // The engine's columns count characters.
        assert_eq!(t.position_of_line_column(1, 3), t.position(x));
        assert_eq!(t.position_of_line_column(2, 2), t.position(y));
        // Out of range never panics.
        assert_eq!(t.position_of_line_column(9, 99).offset, 8);
        assert!(t.utf16(1) <= 1);
    }
}
