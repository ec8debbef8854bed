//! One lexical pass over the text, before syn sees it: collects the comments (syn drops
//! them) and measures how deeply the code nests, so pathological input is refused before
//! the recursive parser can overflow the stack.

use crate::facts::{Comment, Span};

/// What the pre-scan learned about a file.
#[derive(Debug, Default)]
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Deepest `(`/`[`/`{` nesting outside comments and literals.
    pub max_depth: usize,
    /// Byte offset where `max_depth` was first reached.
    pub deepest_at: usize,
    /// Longest run of nesting-prone tokens (operators, `.`, `as`, `else`, closures' `|`, ...)
    /// in one comma/semicolon-separated segment of one bracket level. syn builds a tree as
    /// deep as such a run (`!!!!x`, `a + b + ...`, `|| || x`, `if .. else if ..`).
    pub max_run: usize,
    pub longest_run_at: usize,
    /// Deepest nesting along one path: open brackets plus the runs of every level on the
    /// way (`(|| (|| !!x))`), which is how deep syn's tree (and its recursion) gets.
    pub max_nesting: usize,
    pub most_nested_at: usize,
    /// Byte offsets just after each top-level `;` or closing `}`: where items can end.
    /// Used to parse the items of a broken file one by one.
    pub item_ends: Vec<usize>,
}

/// Scans `text` once. Never fails: unterminated literals and comments end at the end of text.
pub fn scan(text: &str) -> Scan {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        out: Scan::default(),
        runs: vec![0],
        runs_total: 0,
    };
    scanner.run();
    scanner.out
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Scan,
    /// The run counter of each open bracket level (index = depth).
    runs: Vec<usize>,
    /// Sum of `runs`.
    runs_total: usize,
}

impl Scanner<'_> {
    fn run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'/' if self.peek(1) == Some(b'/') => self.line_comment(),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                b'"' => self.quoted(self.pos + 1),
                b'\'' => self.quote_or_lifetime(),
                b'(' | b'[' | b'{' => self.open(),
                b')' | b']' | b'}' => self.close(),
                b',' | b';' => self.reset_run(),
                b'=' if self.peek(1) == Some(b'>') => {
                    self.reset_run();
                    self.pos += 1;
                }
                b'!' | b'-' | b'*' | b'&' | b'|' | b'+' | b'/' | b'%' | b'^' | b'<' | b'>'
                | b'.' | b'?' | b'=' => {
                    self.count_run();
                    self.pos += 1;
                }
                b if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => self.word(),
                _ => self.pos += 1,
            }
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn open(&mut self) {
        self.runs.push(0);
        let depth = self.runs.len() - 1;
        if depth > self.out.max_depth {
            self.out.max_depth = depth;
            self.out.deepest_at = self.pos;
        }
        self.note_nesting();
        self.pos += 1;
    }

    fn note_nesting(&mut self) {
        let nesting = self.runs.len() - 1 + self.runs_total;
        if nesting > self.out.max_nesting {
            self.out.max_nesting = nesting;
            self.out.most_nested_at = self.pos;
        }
    }

    fn close(&mut self) {
        if self.runs.len() > 1 {
            let run = self.runs.pop().unwrap_or(0);
            self.runs_total -= run;
        }
        self.pos += 1;
        if self.runs.len() == 1 && self.bytes[self.pos - 1] == b'}' {
            self.out.item_ends.push(self.pos);
        }
    }

    fn reset_run(&mut self) {
        if self.runs.len() == 1 && self.bytes[self.pos] == b';' {
            self.out.item_ends.push(self.pos + 1);
        }
        if let Some(run) = self.runs.last_mut() {
            self.runs_total -= *run;
            *run = 0;
        }
        self.pos += 1;
    }

    fn count_run(&mut self) {
        if let Some(run) = self.runs.last_mut() {
            *run += 1;
            if *run > self.out.max_run {
                self.out.max_run = *run;
                self.out.longest_run_at = self.pos;
            }
            self.runs_total += 1;
        }
        self.note_nesting();
    }

    /// An identifier or keyword; string prefixes (`r"`, `br#"`, `b"`, `c"`, `b'`) start literals.
    fn word(&mut self) {
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        let word = &self.bytes[start..self.pos];
        match (word, self.bytes.get(self.pos)) {
            (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => self.raw_string(),
            (b"b" | b"c", Some(b'"')) => self.quoted(self.pos + 1),
            (b"b", Some(b'\'')) => self.char_literal(),
            (b"as" | b"else" | b"return" | b"break" | b"move" | b"async" | b"yield", _) => {
                // `count_run` looks at `pos` only for the error position.
                let end = self.pos;
                self.pos = start;
                self.count_run();
                self.pos = end;
            }
            _ => {}
        }
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let end = memchr_newline(self.bytes, start);
        self.push_comment(start, end);
        self.pos = end;
    }

    /// Rust block comments nest.
    fn block_comment(&mut self) {
        let start = self.pos;
        let mut depth = 0usize;
        let mut i = start;
        while i < self.bytes.len() {
            if self.bytes[i] == b'/' && self.bytes.get(i + 1) == Some(&b'*') {
                depth += 1;
                i += 2;
            } else if self.bytes[i] == b'*' && self.bytes.get(i + 1) == Some(&b'/') {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    break;
                }
            } else {
                i += 1;
            }
        }
        let end = i.min(self.bytes.len());
        self.push_comment(start, end);
        self.pos = end;
    }

    fn push_comment(&mut self, start: usize, end: usize) {
        let end = end.min(self.text.len());
        if let Some(text) = self.text.get(start..end) {
            self.out.comments.push(Comment {
                span: Span::new(start, end),
                text: text.trim_end_matches('\r').to_string(),
            });
        }
    }

    /// A `"..."` literal whose body starts at `body`, with backslash escapes.
    fn quoted(&mut self, body: usize) {
        let mut i = body;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    i += 1;
                    break;
                }
                _ => i += 1,
            }
        }
        self.pos = i.min(self.bytes.len());
    }

    /// `r"..."`, `r#"..."#`: `pos` is at the first `#` or `"`.
    fn raw_string(&mut self) {
        let mut hashes = 0;
        while self.peek(0) == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        if self.peek(0) != Some(b'"') {
            return; // `r#ident` (a raw identifier) or stray `#`
        }
        let mut i = self.pos + 1;
        while i < self.bytes.len() {
            if self.bytes[i] == b'"' {
                let closing = self.bytes[i + 1..]
                    .iter()
                    .take_while(|&&b| b == b'#')
                    .count();
                if closing >= hashes {
                    i += 1 + hashes;
                    break;
                }
            }
            i += 1;
        }
        self.pos = i.min(self.bytes.len());
    }

    /// `'a'`, `'\n'`, `'\u{1F600}'` are chars; `'a` and `'label` are lifetimes.
    fn quote_or_lifetime(&mut self) {
        let rest = &self.text[self.pos + 1..];
        let mut chars = rest.chars();
        match (chars.next(), chars.next()) {
            (Some('\\'), _) => self.char_literal(),
            (Some(c), Some('\'')) if c != '\'' => {
                self.pos += 1 + c.len_utf8() + 1;
            }
            _ => self.pos += 1,
        }
    }

    /// A char literal with an escape; `pos` is at the opening quote (or the `b` before it).
    fn char_literal(&mut self) {
        let mut i = self.pos;
        while i < self.bytes.len() && self.bytes[i] != b'\'' {
            i += 1;
        }
        i += 1;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'\'' => {
                    i += 1;
                    break;
                }
                b'\n' => break,
                _ => i += 1,
            }
        }
        self.pos = i.min(self.bytes.len());
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_skip_strings_chars_and_raw_strings() {
        let text = "let a = \"// no\"; let c = '\"'; let r = r#\"/* no \"# ; // yes\n/* a /* nested */ b */ x 'a: loop {}";
        let scan = scan(text);
        let texts: Vec<&str> = scan.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["// yes", "/* a /* nested */ b */"]);
        let first = &scan.comments[0];
        assert_eq!(&text[first.span.range()], "// yes");
    }

    #[test]
    fn measures_bracket_depth_and_operator_runs() {
        let scan_parens = scan(&format!(
            "fn f() {{ {}1{} }}",
            "(".repeat(40),
            ")".repeat(40)
        ));
        assert_eq!(scan_parens.max_depth, 41);
        let scan_nots = scan(&format!("fn f() {{ let x = {}y; }}", "!".repeat(300)));
        assert_eq!(scan_nots.max_run, 301, "300 `!` and the `=`");
        let scan_closures = scan(&format!("fn f() {{ {} 1 }}", "|| ".repeat(100)));
        assert_eq!(scan_closures.max_run, 200);
        let separated = scan("fn f() { a + b; c + d; e(f + g, h + i) }");
        assert_eq!(separated.max_run, 1);
        let mixed = scan(&format!(
            "fn f() {{ {}x{} }}",
            "(|| !".repeat(10),
            ")".repeat(10)
        ));
        assert_eq!(
            mixed.max_nesting,
            1 + 10 * 4,
            "each level: a bracket, `||` and `!`"
        );
    }

    #[test]
    fn brackets_in_literals_and_comments_do_not_count() {
        let scan = scan("fn f() { \"((((\"; '('; /* (((( */ // ((((\n }");
        assert_eq!(scan.max_depth, 1);
    }
}
