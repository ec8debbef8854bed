//! One lexical pass over the text, before syn sees it: collects the comments (syn drops
//! them) and measures how deeply the code nests, so pathological input is refused before
//! the recursive parser can overflow the stack.
//!
//! The measure is a conservative estimate of how deep syn's tree gets: brackets, plus every
//! token that can make the next thing a child of the current one (prefix and binary
//! operators, `.`, `as`, `else`, `@`, `#`, closure bars, postfix calls and indexing). Commas
//! end a run only inside a level that is really a list: a bracket, generic arguments
//! (`<...>`) or closure parameters (`|...|`), which are levels of their own here, so
//! `|a, b| |a, b| ...` and `A<u8, A<u8, ...>>` are measured as deep as they are.

use crate::facts::{Comment, Span};

/// What the pre-scan learned about a file.
#[derive(Debug, Default)]
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Deepest nesting of levels (brackets, `<...>`, `|...|`) outside comments and literals.
    pub max_depth: usize,
    /// Byte offset where `max_depth` was first reached.
    pub deepest_at: usize,
    /// Longest run of nesting-prone tokens (operators, `.`, `as`, `else`, closures' `|`, ...)
    /// in one list element of one level. syn builds a tree as deep as such a run (`!!!!x`,
    /// `a + b + ...`, `|| || x`, `if .. else if ..`).
    pub max_run: usize,
    pub longest_run_at: usize,
    /// Deepest nesting along one path: open levels plus the runs of every level on the
    /// way (`(|| (|| !!x))`), which bounds how deep syn's tree (and its recursion) gets.
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
        levels: vec![Level::Bracket],
        runs: vec![0],
        runs_total: 0,
        after_closer: false,
    };
    scanner.run();
    scanner.out
}

/// What opened a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// `(`, `[`, `{` (and the file itself).
    Bracket,
    /// `<`: generic arguments, or a comparison (then closed at the end of the statement).
    Angle,
    /// `|`: closure parameters, or a binary/pattern `|` (closed by the next one).
    Bar,
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Scan,
    /// The kind of each open level (index = depth).
    levels: Vec<Level>,
    /// The run counter of each open level.
    runs: Vec<usize>,
    /// Sum of `runs`.
    runs_total: usize,
    /// The last token is `)` or `]`: a `(` or `[` now is a postfix call or index.
    after_closer: bool,
}

impl Scanner<'_> {
    fn run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            let closer = std::mem::take(&mut self.after_closer);
            match b {
                b'/' if self.peek(1) == Some(b'/') => {
                    self.line_comment();
                    self.after_closer = closer;
                }
                b'/' if self.peek(1) == Some(b'*') => {
                    self.block_comment();
                    self.after_closer = closer;
                }
                b' ' | b'\t' | b'\n' | b'\r' => {
                    self.pos += 1;
                    self.after_closer = closer;
                }
                b'"' => self.quoted(self.pos + 1),
                b'\'' => self.quote_or_lifetime(),
                b'(' | b'[' => {
                    if closer {
                        self.count_run(); // `f()()`, `a[0][0]`: a chain of postfix nodes
                    }
                    self.open(Level::Bracket);
                }
                b'{' => {
                    self.pop_pseudo(Level::Angle);
                    self.open(Level::Bracket);
                }
                b')' | b']' | b'}' => {
                    self.close();
                    self.after_closer = b != b'}';
                }
                b',' => self.reset_run(),
                b';' => {
                    self.pop_pseudo(Level::Bar);
                    self.reset_run();
                }
                b'=' if self.peek(1) == Some(b'>') => {
                    self.pop_pseudo(Level::Bar);
                    self.reset_run();
                    self.pos += 1;
                }
                b'-' if self.peek(1) == Some(b'>') => {
                    // Twice: `fn() -> fn() -> ..` costs syn the most stack per token.
                    self.count_run();
                    self.count_run();
                    self.pos += 2;
                }
                b'<' if !matches!(self.peek(1), Some(b'=' | b'<')) => {
                    self.count_run();
                    self.open(Level::Angle);
                }
                b'>' if self.levels.last() == Some(&Level::Angle) => {
                    self.pop_level();
                    self.pos += 1;
                }
                b'|' if matches!(self.peek(1), Some(b'|' | b'=')) => {
                    self.count_run(); // `||` (an empty closure or `or`), `|=`
                    self.pos += 2;
                }
                b'|' => {
                    if self.levels.last() == Some(&Level::Bar) {
                        self.pop_level();
                        self.count_run();
                        self.pos += 1;
                    } else {
                        self.count_run();
                        self.open(Level::Bar);
                    }
                }
                b'!' | b'-' | b'*' | b'&' | b'+' | b'/' | b'%' | b'^' | b'<' | b'>' | b'.'
                | b'?' | b'=' | b'@' | b'#' => {
                    self.count_run();
                    self.pos += 1;
                }
                b if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 => self.word(),
                _ => self.pos += 1,
            }
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Opens a level at `pos` (its opening token) and steps over it.
    fn open(&mut self, level: Level) {
        self.levels.push(level);
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

    /// Pops the innermost level (never the file's own).
    fn pop_level(&mut self) {
        if self.runs.len() > 1 {
            let run = self.runs.pop().unwrap_or(0);
            self.levels.pop();
            self.runs_total -= run;
        }
    }

    /// Pops the `<` levels (and the `|` levels too when `also` is [`Level::Bar`]) left open
    /// on top of the innermost bracket: comparisons and binary `|` seen as openers.
    fn pop_pseudo(&mut self, also: Level) {
        while let Some(&top) = self.levels.last() {
            if top == Level::Angle || (top == Level::Bar && also == Level::Bar) {
                self.pop_level();
            } else {
                break;
            }
        }
    }

    fn close(&mut self) {
        self.pop_pseudo(Level::Bar);
        self.pop_level();
        self.pos += 1;
        if self.bytes[self.pos - 1] == b'}' {
            if self.runs.len() == 1 {
                self.out.item_ends.push(self.pos);
            }
            // A block followed by a word starts a new statement: the run ends here.
            if starts_statement(&self.bytes[self.pos..]) {
                self.clear_run();
            }
        }
    }

    fn reset_run(&mut self) {
        if self.runs.len() == 1 && self.bytes[self.pos] == b';' {
            self.out.item_ends.push(self.pos + 1);
        }
        self.clear_run();
        self.pos += 1;
    }

    fn clear_run(&mut self) {
        if let Some(run) = self.runs.last_mut() {
            self.runs_total -= *run;
            *run = 0;
        }
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
            // Keywords after which syn parses a child expression or type: `as u8 as u8`,
            // `return return`, and conditions (`if if if x {} ..`), whose braces come last.
            (
                b"as" | b"else" | b"return" | b"break" | b"move" | b"async" | b"yield" | b"if"
                | b"match" | b"while" | b"in",
                _,
            ) => {
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

/// Whether the text after a `}` starts a new statement or item (a word other than `as` or
/// `else`, or an attribute): then no expression continues across the `}`.
fn starts_statement(rest: &[u8]) -> bool {
    let rest = rest.trim_ascii_start();
    match rest.first() {
        Some(b'#') => true,
        Some(&b) if b.is_ascii_alphabetic() || b == b'_' => {
            let len = rest
                .iter()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
                .count();
            !matches!(&rest[..len], b"as" | b"else")
        }
        _ => false,
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
        assert_eq!(scan_closures.max_run, 100, "one per empty closure");
        let separated = scan("fn f() { a + b; c + d; e(f + g, h + i) }");
        assert_eq!(separated.max_run, 1);
        let mixed = scan(&format!(
            "fn f() {{ {}x{} }}",
            "(|| !".repeat(10),
            ")".repeat(10)
        ));
        assert_eq!(
            mixed.max_nesting,
            1 + 10 * 3,
            "each level: a bracket, `||` and `!`"
        );
    }

    /// Shapes syn recurses on with no bracket and commas that do not end the nesting: each
    /// must measure at least one unit per level.
    #[test]
    fn bracketless_recursion_is_measured_per_level() {
        let n = 1000;
        let shapes = [
            format!("fn f() {{ let c = {}0; }}", "|a, b| ".repeat(n)),
            format!("type T = {}u8{};", "A<u8, ".repeat(n), ", u8>".repeat(n)),
            format!("fn f() {{ let {}_ = x; }}", "a @ ".repeat(n)),
            format!("fn f() {{ f{}; }}", "()".repeat(n)),
            format!("fn f() {{ a{}; }}", "[0]".repeat(n)),
            format!("fn f() {{ {}x{}; }}", "if ".repeat(n), " {}".repeat(n)),
            format!("fn f() {{ {}x; }}", "#[a] ".repeat(n)),
        ];
        for shape in &shapes {
            let scan = scan(shape);
            assert!(
                scan.max_nesting >= n,
                "{}: {}",
                &shape[..40],
                scan.max_nesting
            );
        }
    }

    #[test]
    fn statements_and_comparisons_do_not_accumulate() {
        let many_ifs = "if a < b { c(); }\n".repeat(5000);
        let scan = scan(&format!("fn f() {{ {many_ifs} let x = a < b; }}"));
        assert!(scan.max_nesting < 10, "{}", scan.max_nesting);
        let items = "#[derive(Debug)]\nfn f() -> u8 { 0 }\n".repeat(5000);
        assert!(super::scan(&items).max_nesting < 10);
    }

    #[test]
    fn brackets_in_literals_and_comments_do_not_count() {
        let scan = scan("fn f() { \"((((\"; '('; /* (((( */ // ((((\n }");
        assert_eq!(scan.max_depth, 1);
    }
}
