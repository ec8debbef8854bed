//! proc-macro2 spans (1-based line, 0-based column in chars, lines split at `\n` only)
//! to byte ranges in the text that was parsed.

use crate::facts::Span;

pub struct SpanMap<'a> {
    text: &'a str,
    /// Byte offset where each line starts (lines end at `\n`, as proc-macro2 counts them).
    line_starts: Vec<usize>,
    /// Whether each line is pure ASCII (then a column is a byte offset).
    ascii: Vec<bool>,
    /// Added to every offset: the parsed text's position in the whole file.
    base: usize,
}

impl<'a> SpanMap<'a> {
    /// `text` is the slice syn parsed; `base` its byte offset in the file.
    pub fn new(text: &'a str, base: usize) -> SpanMap<'a> {
        let mut line_starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            } else if b >= 0x80 {
                line_ascii = false;
            }
        }
        ascii.push(line_ascii);
        SpanMap {
            text,
            line_starts,
            ascii,
            base,
        }
    }

    fn offset(&self, at: proc_macro2::LineColumn) -> usize {
        let Some(line) = at.line.checked_sub(1) else {
            return self.base;
        };
        let Some(&start) = self.line_starts.get(line) else {
            return self.base + self.text.len();
        };
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let within = if self.ascii.get(line).copied().unwrap_or(false) {
            at.column.min(end - start)
        } else {
            self.text[start..end]
                .char_indices()
                .nth(at.column)
                .map_or(end - start, |(i, _)| i)
        };
        self.base + start + within
    }

    pub fn span(&self, span: proc_macro2::Span) -> Span {
        Span::new(self.offset(span.start()), self.offset(span.end()))
    }

    /// From the start of `first` to the end of `last`.
    pub fn join(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        Span::new(self.offset(first.start()), self.offset(last.end()))
    }
}
