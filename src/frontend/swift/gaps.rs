//! Valid Swift that tree-sitter-swift misreads, rewritten before parsing without moving a
//! byte (so every span stays the one of the input):
//!
//! - `()` as a value (`.success(())`, `completion(())`, `{ _ in () }`, `case .x: ()`) is
//!   written `0 `, which the grammar reads as an expression, and no rule looks at;
//! - a trailing comma before `]` (in a multi-line array type the grammar refuses it) is blanked;
//! - `associatedtype A: P, Q` is written `A: P & Q` (the same constraint);
//! - `sending` before a type, and the `__owned`/`__shared` parameter modifiers, are blanked;
//! - an implicitly unwrapped type in a closure's parameter list (`{ (a: T!, b: U) in`) is
//!   written `T?`;
//! - `#if ... #endif` around attributes only (`#if !CI @available(...) #endif @objc func`)
//!   keeps the attributes and loses its two directive lines; `#error(...)` lines
//!   are blanked;
//! - a parenthesised type used as a value, `(@convention(c) (A) -> B).self`,
//!   `(() throws -> T).self`, is written `(Any ...).self`;
//! - in the head of an `if`/`while`/`switch`/`for ... in` whose expression ends in a name
//!   right before its `{` (`for m in try plan.modules {`, `if await x.ready {`), `try`,
//!   `try?` and `await` are blanked: the grammar reads that `{` as a trailing closure;
//! - `0...` before a `{`, the second `!` of `x!!`, the commas of `catch A, B {`, a
//!   multiple-trailing-closure label on its own line (`}\nheader: {`),
//!   `nonisolated(unsafe)`, `nonisolated` before a conformance, `_const`, attributes
//!   before `#Preview`, and a custom `~` operator (read as `+`) are rewritten;
//! - a regex literal (`/<a\s+(?<n>["'])/`) is written as a string literal of its length;
//! - `/*` inside a line comment (`///*Name* doc`) loses its `*`.
//!
//! The pass reads comments and string literals as such and never rewrites inside them.

use std::borrow::Cow;

/// `text` with the known grammar gaps bridged (borrowed when there is nothing to do).
pub(super) fn bridge(text: &str) -> Cow<'_, str> {
    let mut pass = Pass {
        src: text.as_bytes(),
        out: None,
        code: Vec::new(),
        regexes: Vec::new(),
    };
    pass.mark_code();
    pass.values_and_commas();
    pass.words();
    pass.closure_signatures();
    pass.directives();
    pass.regexes();
    pass.heads_and_operators();
    pass.types_as_values();
    pass.trailing_closure_labels();
    match pass.out {
        // Only ASCII bytes were written over ASCII bytes: still valid UTF-8.
        Some(out) => Cow::Owned(
            String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into()),
        ),
        None => Cow::Borrowed(text),
    }
}

struct Pass<'a> {
    src: &'a [u8],
    /// The rewritten bytes, made on the first rewrite.
    out: Option<Vec<u8>>,
    /// The offsets of code bytes (outside comments and literals), in order.
    code: Vec<usize>,
    /// Regex literals, `[start, end]` (their slashes).
    regexes: Vec<(usize, usize)>,
}

impl Pass<'_> {
    fn write(&mut self, at: usize, byte: u8) {
        let src = self.src;
        self.out.get_or_insert_with(|| src.to_vec())[at] = byte;
    }

    fn blank(&mut self, start: usize, end: usize) {
        for i in start..end {
            if !matches!(self.src[i], b'\n' | b'\r') {
                self.write(i, b' ');
            }
        }
    }

    /// Which bytes are code: skips comments (nested block comments too) and string
    /// literals (`"..."`, `"""..."""`, raw `#"..."#`). Whitespace is left out as well.
    fn mark_code(&mut self) {
        let s = self.src;
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'/' if s.get(i + 1) == Some(&b'/') => {
                    let start = i;
                    i = memchr::memchr(b'\n', &s[i..]).map_or(s.len(), |n| i + n);
                    // `///*Name* doc`: the grammar opens a block comment at that `/*`.
                    for at in memchr::memmem::find_iter(&s[start + 2..i], b"/*") {
                        self.write(start + 2 + at + 1, b' ');
                    }
                }
                b'/' if s.get(i + 1) == Some(&b'*') => {
                    let mut depth = 0usize;
                    while i < s.len() {
                        if s[i..].starts_with(b"/*") {
                            depth += 1;
                            i += 2;
                        } else if s[i..].starts_with(b"*/") {
                            depth -= 1;
                            i += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            i += 1;
                        }
                    }
                }
                b'#' if s.get(i + 1) == Some(&b'"') || s[i..].starts_with(b"##\"") => {
                    // A literal is one code byte (its first), so that `, "a"]` has no
                    // trailing comma and `("")` is no `()`.
                    self.code.push(i);
                    let hashes = s[i..].iter().take_while(|&&b| b == b'#').count();
                    let mut close = vec![b'"'];
                    close.extend(std::iter::repeat_n(b'#', hashes));
                    let body = i + hashes + 1;
                    i = memchr::memmem::find(&s[body..], &close)
                        .map_or(s.len(), |n| body + n + close.len());
                }
                b'"' if s[i..].starts_with(b"\"\"\"") => {
                    self.code.push(i);
                    let body = i + 3;
                    i = memchr::memmem::find(&s[body..], b"\"\"\"")
                        .map_or(s.len(), |n| body + n + 3);
                }
                b'"' => {
                    self.code.push(i);
                    i += 1;
                    while i < s.len() && s[i] != b'"' && s[i] != b'\n' {
                        i += if s[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b if b.is_ascii_whitespace() => i += 1,
                b'/' if self.regex_can_start(i) => {
                    if let Some(end) = regex_end(s, i) {
                        self.code.push(i);
                        self.regexes.push((i, end));
                        i = end + 1;
                    } else {
                        self.code.push(i);
                        i += 1;
                    }
                }
                _ => {
                    self.code.push(i);
                    i += 1;
                }
            }
        }
        self.code.retain(|&i| i < s.len());
    }

    /// A `/` where an expression starts (after `=`, `(`, `,`, `:`, `[`, `{`, `return`)
    /// and not before a space: a regex literal, not a division.
    fn regex_can_start(&self, i: usize) -> bool {
        let next = self.src.get(i + 1).copied().unwrap_or(b' ');
        if next.is_ascii_whitespace() || next == b'/' || next == b'*' || next == b'=' {
            return false;
        }
        let Some(&prev) = self.code.last() else {
            return false;
        };
        match self.src[prev] {
            b'=' | b'(' | b',' | b':' | b'[' | b'{' => {
                // Not the end of an operator (`a == /x/` is fine, `a +/ b` is none).
                prev == 0 || !matches!(self.src[prev - 1], b'<' | b'>' | b'!')
            }
            b if is_word(b) => self.word_ending_at(self.code.len() - 1) == b"return",
            _ => false,
        }
    }

    /// Regex literals are written `"..."` (the same length, the inside blanked).
    fn regexes(&mut self) {
        for (start, end) in std::mem::take(&mut self.regexes) {
            self.write(start, b'"');
            self.blank(start + 1, end);
            self.write(end, b'"');
        }
    }

    /// For each code index, the code index of its partner parenthesis (`usize::MAX` if none).
    fn paren_partners(&self) -> Vec<usize> {
        let mut partner = vec![usize::MAX; self.code.len()];
        let mut open = Vec::new();
        for (k, &at) in self.code.iter().enumerate() {
            match self.src[at] {
                b'(' => open.push(k),
                b')' => {
                    if let Some(o) = open.pop() {
                        partner[o] = k;
                        partner[k] = o;
                    }
                }
                _ => {}
            }
        }
        partner
    }

    /// `(@convention(c) (A) -> B).self`, `(() throws -> T).self`: `(Any ...).self`.
    fn types_as_values(&mut self) {
        if memchr::memmem::find(self.src, b").self").is_none() {
            return;
        }
        let partners = self.paren_partners();
        let mut k = 0;
        while k < self.code.len() {
            let at = self.code[k];
            if self.src[at] != b'(' || !self.is_value_position(k) {
                k += 1;
                continue;
            }
            let close = partners[k];
            if close == usize::MAX {
                k += 1;
                continue;
            }
            let end = self.code[close];
            let metatype = self.src[end + 1..].starts_with(b".self")
                && !self.src.get(end + 6).copied().is_some_and(is_word);
            let function_or_tuple = || {
                (k + 1..close).any(|j| {
                    let b = self.src[self.code[j]];
                    b == b'@' || b == b',' || (b == b'-' && self.src[self.code[j] + 1] == b'>')
                })
            };
            if metatype && end - at > 3 && function_or_tuple() {
                self.blank(at + 1, end);
                for (i, &b) in b"Any".iter().enumerate() {
                    self.write(at + 1 + i, b);
                }
                k = close + 1;
            } else {
                k += 1;
            }
        }
    }

    /// Words and operators the grammar misreads in statement heads and elsewhere.
    fn heads_and_operators(&mut self) {
        let mut k = 0;
        while k < self.code.len() {
            let at = self.code[k];
            let b = self.src[at];
            let starts_word = is_word(b) && (at == 0 || !is_word(self.src[at - 1]));
            if starts_word {
                let word = self.word_starting_at(k).to_vec();
                let len = word.len();
                let next = self.code.get(k + len).map(|&n| self.src[n]);
                match word.as_slice() {
                    b"nonisolated" if self.src[at + len..].starts_with(b"(unsafe)") => {
                        self.blank(at, at + len + b"(unsafe)".len());
                    }
                    // `class C: nonisolated Equatable`.
                    b"nonisolated"
                        if next.is_some_and(|n| n.is_ascii_uppercase())
                            && k > 0
                            && matches!(self.src[self.code[k - 1]], b':' | b',' | b'&') =>
                    {
                        self.blank(at, at + len);
                    }
                    b"_const" if next.is_some_and(is_word) => self.blank(at, at + len),
                    b"if" | b"while" | b"switch" | b"for" => self.head(k + len, &word),
                    b"catch" => self.catch_patterns(k + len),
                    _ => {}
                }
                k += len;
                continue;
            }
            let next = self.code.get(k + 1).map(|&n| self.src[n]);
            match b {
                // `x!!`: one `!`.
                b'!' if next == Some(b'!')
                    && self.code[k + 1] == at + 1
                    && k > 0
                    && self.code[k - 1] + 1 == at
                    && (matches!(self.src[at - 1], b')' | b']') || is_word(self.src[at - 1]))
                    && !matches!(self.src.get(at + 2), Some(b'=' | b'!')) =>
                {
                    self.write(at + 1, b' ');
                    k += 2;
                    continue;
                }
                // `for i in 0... {`: an open range before a body.
                b'.' if self.src[at..].starts_with(b"...")
                    && self.code.get(k + 3).is_some_and(|&n| self.src[n] == b'{')
                    && k > 0
                    && (is_word(self.src[self.code[k - 1]])
                        || self.src[self.code[k - 1]] == b')') =>
                {
                    self.blank(at, at + 3);
                    k += 3;
                    continue;
                }
                // A custom infix `~` (`a ~ b`), which the grammar reads only as a prefix.
                b'~' if at > 0
                    && self.src[at - 1] == b' '
                    && self.src.get(at + 1) == Some(&b' ')
                    && k > 0
                    && (is_word(self.src[self.code[k - 1]])
                        || matches!(self.src[self.code[k - 1]], b')' | b']')) =>
                {
                    self.write(at, b'+');
                }
                _ => {}
            }
            k += 1;
        }
    }

    /// The head of an `if`/`while`/`switch`/`for` from code index `k` to its `{`: when a name
    /// ends it, `try`, `try?` and `await` in it are blanked.
    fn head(&mut self, k: usize, keyword: &[u8]) {
        let mut depth = 0usize;
        let mut j = k;
        let mut effects = Vec::new();
        let mut seen_in = keyword != b"for";
        while j < self.code.len() {
            let at = self.code[j];
            match self.src[at] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                b'{' if depth == 0 => break,
                b'}' | b';' => return,
                b if is_word(b) && !is_word(self.src[at - 1]) => {
                    let word = self.word_starting_at(j);
                    let len = word.len();
                    match word {
                        b"in" => seen_in = true,
                        b"try" | b"await" if depth == 0 && seen_in => {
                            let question = self.src.get(at + len) == Some(&b'?');
                            effects.push((at, at + len + usize::from(question)));
                        }
                        // A closure's `in`, a nested statement: not a plain head.
                        b"guard" | b"return" | b"let" if depth > 0 => return,
                        _ => {}
                    }
                    j += len;
                    continue;
                }
                _ => {}
            }
            j += 1;
        }
        let ends_in_name = j < self.code.len() && j > k && is_word(self.src[self.code[j - 1]]);
        if ends_in_name {
            for (start, end) in effects {
                self.blank(start, end);
            }
        }
    }

    /// `catch A.b, A.c {`: the patterns after the first are blanked.
    fn catch_patterns(&mut self, k: usize) {
        let mut depth = 0usize;
        let mut comma = None;
        for j in k..self.code.len() {
            let at = self.code[j];
            match self.src[at] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                b',' if depth == 0 && comma.is_none() => comma = Some(at),
                b'{' if depth == 0 => {
                    if let Some(c) = comma {
                        self.blank(c, at);
                    }
                    return;
                }
                b'}' | b';' => return,
                _ => {}
            }
        }
    }

    /// `}\nheader: {`: a multiple trailing closure's label on its own line is blanked (the
    /// closure stays, read as one more trailing closure). So are attributes before `#Preview`.
    fn trailing_closure_labels(&mut self) {
        for k in 1..self.code.len() {
            let at = self.code[k];
            let starts_word = is_word(self.src[at]) && !is_word(self.src[at - 1]);
            if !starts_word || self.src[self.code[k - 1]] != b'}' {
                continue;
            }
            let line_start = self.src[..at]
                .iter()
                .rev()
                .take_while(|&&b| b != b'\n')
                .all(u8::is_ascii_whitespace);
            let word = self.word_starting_at(k);
            let len = word.len();
            let labelled = line_start
                && !matches!(word, b"default" | b"case")
                && self.src.get(at + len) == Some(&b':')
                && self
                    .code
                    .get(k + len + 1)
                    .is_some_and(|&n| self.src[n] == b'{');
            if labelled {
                self.blank(at, at + len + 1);
            }
        }
        let mut search = 0;
        while let Some(found) = memchr::memmem::find(&self.src[search..], b"#Preview") {
            let at = search + found;
            search = at + 1;
            if self.code.binary_search(&at).is_err() {
                continue;
            }
            // The attribute lines right above it.
            let mut line_end = self.src[..at].iter().rposition(|&b| b == b'\n');
            while let Some(end) = line_end {
                let start = self.src[..end]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let line = self.src[start..end].trim_ascii();
                if !line.starts_with(b"@") {
                    break;
                }
                self.blank(start, end);
                line_end = start.checked_sub(1);
            }
        }
    }

    /// The word (identifier or keyword) that ends at code index `k` (inclusive), if any.
    fn word_ending_at(&self, k: usize) -> &[u8] {
        let end = self.code[k] + 1;
        let mut start = end;
        while start > 0 && is_word(self.src[start - 1]) {
            start -= 1;
        }
        &self.src[start..end]
    }

    fn word_starting_at(&self, k: usize) -> &[u8] {
        let start = self.code[k];
        let len = self.src[start..]
            .iter()
            .take_while(|&&b| is_word(b))
            .count();
        &self.src[start..start + len]
    }

    /// `()` used as a value, and trailing commas before `]`.
    fn values_and_commas(&mut self) {
        for k in 0..self.code.len() {
            let at = self.code[k];
            match self.src[at] {
                b'(' if self.code.get(k + 1).is_some_and(|&n| self.src[n] == b')')
                    && self.is_value_position(k)
                    && !self.is_type_after(k + 2) =>
                {
                    let close = self.code[k + 1];
                    self.write(at, b'0');
                    self.blank(at + 1, close + 1);
                }
                b',' if self.code.get(k + 1).is_some_and(|&n| self.src[n] == b']') => {
                    self.write(at, b' ');
                }
                _ => {}
            }
        }
    }

    /// Is the `(` at code index `k` where an expression starts (not a call, not a type)?
    fn is_value_position(&self, k: usize) -> bool {
        let Some(prev) = k.checked_sub(1) else {
            return false;
        };
        match self.src[self.code[prev]] {
            b'(' | b',' | b':' | b'=' | b'{' | b'[' => true,
            b if is_word(b) => matches!(self.word_ending_at(prev), b"return" | b"in"),
            _ => false,
        }
    }

    /// Does a type continue at code index `k` (`() -> T`, `() throws`, `() in`)?
    fn is_type_after(&self, k: usize) -> bool {
        let Some(&at) = self.code.get(k) else {
            return false;
        };
        // `-> T`, and `let x: () = ...` (a type annotation).
        if self.src[at..].starts_with(b"->") || self.src[at..].starts_with(b"= ") {
            return true;
        }
        matches!(
            self.word_starting_at(k),
            b"throws" | b"rethrows" | b"async" | b"in"
        )
    }

    /// `sending`, `__owned`, `__shared` and the commas of `associatedtype`'s constraints.
    fn words(&mut self) {
        let mut k = 0;
        while k < self.code.len() {
            let at = self.code[k];
            let starts_word = is_word(self.src[at]) && (at == 0 || !is_word(self.src[at - 1]));
            if !starts_word {
                k += 1;
                continue;
            }
            let word = self.word_starting_at(k).to_vec();
            let len = word.len();
            match word.as_slice() {
                b"__owned" | b"__shared" => self.blank(at, at + len),
                b"sending" if self.sending_is_a_modifier(k, len) => self.blank(at, at + len),
                b"associatedtype" => self.associated_type(k),
                _ => {}
            }
            k += len;
        }
    }

    /// `-> sending T`, `: sending T`, `inout sending T`, `(sending T)`.
    fn sending_is_a_modifier(&self, k: usize, len: usize) -> bool {
        let next = self.code.get(k + len).map(|&n| self.src[n]);
        let before_type = next.is_some_and(|b| is_word(b) || b == b'(' || b == b'[');
        let after = k.checked_sub(1).map(|p| self.code[p]);
        let after_ok = after.is_some_and(|p| match self.src[p] {
            b'>' => p > 0 && self.src[p - 1] == b'-',
            b':' | b'(' | b',' => true,
            b if is_word(b) => self.word_ending_at(k - 1) == b"inout",
            _ => false,
        });
        before_type
            && after_ok
            && self.code[k] + len < self.src.len()
            && !is_word(self.src[self.code[k] + len])
    }

    /// `associatedtype A: P, Q where ...` → `A: P & Q`.
    fn associated_type(&mut self, k: usize) {
        let start = self.code[k];
        let line_end =
            memchr::memchr(b'\n', &self.src[start..]).map_or(self.src.len(), |n| start + n);
        let line = &self.src[start..line_end];
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return;
        };
        let stop = [&b" where "[..], b"=", b"//"]
            .iter()
            .filter_map(|w| memchr::memmem::find(line, w))
            .min()
            .unwrap_or(line.len());
        let commas: Vec<usize> = (colon..stop).filter(|&i| line[i] == b',').collect();
        for c in commas {
            self.write(start + c, b'&');
        }
    }

    /// `{ (a: T!, b: U) in`: the `!` of implicitly unwrapped types become `?`.
    fn closure_signatures(&mut self) {
        for k in 0..self.code.len().saturating_sub(1) {
            if self.src[self.code[k]] != b'{' || self.src[self.code[k + 1]] != b'(' {
                continue;
            }
            let mut depth = 0usize;
            let mut close = None;
            for j in k + 1..self.code.len() {
                match self.src[self.code[j]] {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            close = Some(j);
                            break;
                        }
                    }
                    b'{' | b'}' => break,
                    _ => {}
                }
            }
            let Some(close) = close else { continue };
            let signature = self.code.get(close + 1).is_some_and(|_| {
                matches!(
                    self.word_starting_at(close + 1),
                    b"in" | b"throws" | b"async"
                ) || self.src[self.code[close + 1]..].starts_with(b"->")
            });
            if !signature {
                continue;
            }
            for j in k + 2..close {
                let at = self.code[j];
                let unwrapped = self.src[at] == b'!'
                    && is_word(self.src[at - 1])
                    && matches!(self.src[self.code[j + 1]], b',' | b')');
                if unwrapped {
                    self.write(at, b'?');
                }
            }
        }
    }

    /// `#error` lines, and `#if` groups that only hold attributes.
    fn directives(&mut self) {
        let lines: Vec<(usize, usize)> = line_spans(self.src);
        let trimmed = |(s, e): (usize, usize)| {
            let line = &self.src[s..e];
            let first = line
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(line.len());
            &line[first..]
        };
        let mut i = 0;
        while i < lines.len() {
            let line = trimmed(lines[i]);
            if line.starts_with(b"#error") {
                let (s, e) = lines[i];
                self.blank(s, e);
            } else if line.starts_with(b"#if") && self.code_starts(lines[i]) {
                if let Some(end) = attributes_only_group(&lines, i, &trimmed) {
                    let (s, e) = lines[i];
                    self.blank(s, e);
                    let (s, e) = lines[end];
                    self.blank(s, e);
                    i = end;
                }
            }
            i += 1;
        }
    }

    /// Is the first non-blank byte of the line code (not inside a comment or a literal)?
    fn code_starts(&self, (s, e): (usize, usize)) -> bool {
        let first = (s..e).find(|&i| !self.src[i].is_ascii_whitespace());
        first.is_some_and(|f| self.code.binary_search(&f).is_ok())
    }
}

/// `#if` at line `i` whose lines up to its `#endif` all belong to attributes (start with
/// `@`, or continue one's parentheses), followed by an attribute or a declaration: the
/// index of the `#endif` line.
fn attributes_only_group<'s>(
    lines: &[(usize, usize)],
    i: usize,
    trimmed: &dyn Fn((usize, usize)) -> &'s [u8],
) -> Option<usize> {
    let mut depth = 0i32;
    let mut j = i + 1;
    while j < lines.len() {
        let line = trimmed(lines[j]);
        if line.starts_with(b"#endif") {
            break;
        }
        if line.starts_with(b"#") || (depth == 0 && !line.is_empty() && line[0] != b'@') {
            return None;
        }
        for &b in line {
            match b {
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'{' | b'}' => return None,
                _ => {}
            }
        }
        j += 1;
    }
    let has_attribute = (i + 1..j).any(|k| trimmed(lines[k]).starts_with(b"@"));
    if j >= lines.len() || depth != 0 || !has_attribute {
        return None;
    }
    let next = (j + 1..lines.len())
        .map(|k| trimmed(lines[k]))
        .find(|l| !l.is_empty() && !l.starts_with(b"//"))?;
    let declares = next.starts_with(b"@")
        || [
            &b"func "[..],
            b"open ",
            b"public ",
            b"internal ",
            b"private ",
            b"fileprivate ",
            b"final ",
            b"class ",
            b"struct ",
            b"enum ",
            b"extension ",
            b"var ",
            b"let ",
            b"init",
            b"static ",
            b"override ",
            b"convenience ",
            b"protocol ",
        ]
        .iter()
        .any(|k| next.starts_with(k));
    declares.then_some(j)
}

/// The `/` closing a regex literal that opens at `start`, on the same line (escapes and
/// character classes honoured), if any.
fn regex_end(src: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    let mut class = false;
    while i < src.len() {
        match src[i] {
            b'\n' => return None,
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                // `a /b/ c` reads as two divisions; a literal is not followed by a word.
                let after = src.get(i + 1).copied().unwrap_or(b' ');
                return (!is_word(after)).then_some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `[start, end)` of every line, line breaks excluded.
fn line_spans(src: &[u8]) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', src) {
        lines.push((start, nl));
        start = nl + 1;
    }
    lines.push((start, src.len()));
    lines
}

fn is_word(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::bridge;

    /// Bridges `src`, checks nothing moved, and returns the result.
    fn run(src: &str) -> String {
        let out = bridge(src).into_owned();
        assert_eq!(out.len(), src.len());
        let lines = |s: &str| s.match_indices('\n').map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(lines(&out), lines(src), "line ends moved");
        out
    }

    /// The file lowers with no parse problem.
    fn reads_cleanly(src: &str) {
        let facts = super::super::lower(src);
        assert!(facts.problems.is_empty(), "{:?}\n{src}", facts.problems);
    }

    #[test]
    fn unit_values_become_an_expression_and_unit_types_stay() {
        let src = "func f(completion: @escaping (Result<(), Error>) -> ()) {\n\
                   completion(.success(()))\n  let p = Just(( ))\n  let m = xs.map { _ in () }\n\
                   switch r { case .success(()): break\n case .failure: ()\n }\n\
                   let g: () -> Void = { () in return () }\n  foo()\n}\n";
        let out = run(src);
        assert!(out.contains("completion(.success(0 ))"), "{out}");
        assert!(out.contains("Just(0  )"));
        assert!(out.contains("{ _ in 0  }"));
        assert!(out.contains("case .success(0 ):"));
        assert!(out.contains("case .failure: 0 \n"));
        assert!(out.contains("return 0  }"));
        for kept in [
            "Result<(), Error>",
            "-> ())",
            "let g: () -> Void",
            "{ () in",
            "foo()",
        ] {
            assert!(out.contains(kept), "{kept} rewritten:\n{out}");
        }
        reads_cleanly(src);
        let types = "let t = (() throws -> Int).self\nlet u: () = v\n";
        assert_eq!(
            run(types),
            "let t = (Any             ).self\nlet u: () = v\n",
            "a type stays a type (a metatype value is `(Any).self`)"
        );
    }

    #[test]
    fn literals_and_comments_are_never_rewritten() {
        let src = "let a = [\"x\", \"y\"]\nlet s = \"ok(())\" // .success(())\n/* x(()) /* y(()) */ */ let t = #\"a(())\"#\n";
        assert_eq!(run(src), src);
    }

    #[test]
    fn trailing_comma_of_a_multi_line_array_type() {
        let src = "@objc(fetch:) public static func fetch(completion: @escaping (_ r: [\n  Any,\n]?,\n _ e: Error?) -> Void) {}\n";
        let out = run(src);
        assert!(out.contains("Any \n]"));
        reads_cleanly(src);
    }

    #[test]
    fn associatedtype_constraints_are_joined_with_and() {
        let src = "protocol R: Sendable {\n  associatedtype Response: Sendable, Decodable where Response: Equatable\n}\n";
        let out = run(src);
        assert!(out.contains("Response: Sendable& Decodable where"));
        reads_cleanly(src);
    }

    #[test]
    fn sending_and_ownership_modifiers_are_blanked() {
        let src = "func w<R>(_ body: (inout sending V) throws\n  -> sending R) rethrows -> sending R { try body(&v) }\n\
                   func p(container: __owned NSObject) { let sending = 1; use(sending) }\n";
        let out = run(src);
        assert_eq!(out.matches("sending").count(), 2, "{out}");
        assert!(!out.contains("__owned"));
        reads_cleanly(src);
    }

    #[test]
    fn implicitly_unwrapped_closure_parameters() {
        let src = "func t() {\n  let b = { (f: Fetcher!,\n             r: Response) in\n    print(f)\n  }\n  g(x: a!, y: b)\n}\n";
        let out = run(src);
        assert!(out.contains("(f: Fetcher?,"));
        assert!(out.contains("g(x: a!, y: b)"));
        reads_cleanly(src);
    }

    #[test]
    fn conditional_attributes_keep_the_attributes() {
        let src = "class U {\n  #if !FIREBASE_CI\n    @available(*, deprecated, message: \"x\"\n    )\n  #endif // !CI\n  @objc(e:)\n  open func e() {}\n\
                   #if DEBUG\n  var x = 1\n  #endif\n}\n#if os(Linux)\nlet l = 1\n#else\n#error(\"This platform needs a lock\")\n#endif\n";
        let out = run(src);
        assert!(!out.contains("FIREBASE_CI"));
        assert!(out.contains("@available(*, deprecated"));
        assert!(out.contains("#if DEBUG"), "a group of code stays");
        assert!(!out.contains("#error"));
        reads_cleanly(src);
    }

    #[test]
    fn parenthesised_types_used_as_values() {
        let src = "func f() {\n  let c = unsafeBitCast(g, to: (@convention(c) (AnyObject, Selector) -> Void).self)\n\
                   let t = (() throws -> T).self\n  let p = withTaskGroup(of: (P, (any C)?).self) { g in }\n\
                   let v = (x).self\n  call(a).self\n}\n";
        let out = run(src);
        assert!(out.contains("to: (Any  "), "{out}");
        assert!(out.contains("let t = (Any     "), "{out}");
        assert!(out.contains("of: (Any        ).self"), "{out}");
        assert!(out.contains("let v = (x).self") && out.contains("call(a).self"));
        reads_cleanly(src);
    }

    #[test]
    fn effects_in_statement_heads_ending_in_a_name() {
        let src = "func f() async throws {\n  for m in try plan.modules {\n    use(m)\n  }\n\
                   if await c.value > limit {\n  }\n  if try !self.o.isEmpty {\n  }\n\
                   if let x = try? foo.bar, await y.z {\n  }\n  for try await l in s.lines {\n  }\n\
                   if let v = try await load() {\n  }\n}\n";
        let out = run(src);
        assert!(out.contains("for m in     plan.modules {"), "{out}");
        assert!(out.contains("if       c.value > limit {"));
        assert!(out.contains("if     !self.o.isEmpty {"));
        assert!(
            out.contains("if let x =      foo.bar,       y.z {"),
            "{out}"
        );
        assert!(
            out.contains("for try await l in s.lines {"),
            "before `in` it stays"
        );
        assert!(
            out.contains("if let v = try await load() {"),
            "a call ends it: it stays"
        );
        reads_cleanly(src);
    }

    #[test]
    fn ranges_unwraps_catches_and_modifiers() {
        let src = "func f() throws {\n  for a in 0...\n  {\n    use(a)\n  }\n  let x = a.first!!\n  let y = a != b\n\
                   do { try g() } catch E.a, E.b {\n  }\n  nonisolated(unsafe) var count = 0\n\
                   return login ~ query\n}\nclass C: nonisolated Equatable {}\nfunc h(_ i: _const String) {}\n";
        let out = run(src);
        assert!(out.contains("for a in 0   \n  {"));
        assert!(out.contains("a.first! \n"));
        assert!(out.contains("a != b"));
        assert!(out.contains("catch E.a      {"), "{out}");
        assert!(out.contains("                    var count"));
        assert!(out.contains("login + query"));
        assert!(out.contains("class C:             Equatable"));
        assert!(out.contains("(_ i:        String)"));
        reads_cleanly(src);
    }

    #[test]
    fn block_comment_openers_inside_line_comments() {
        let src =
            "class A {\n  ///*A* x.\n  lazy var a = B()\n\n  ///*R* y.\n  lazy var r = R()\n}\n";
        let out = run(src);
        assert!(
            out.contains("/// A* x.") && out.contains("/// R* y."),
            "{out}"
        );
        reads_cleanly(src);
    }

    #[test]
    fn regex_literals_become_strings() {
        let src = "func f(s: String) {\n  let r = /<S\\s+name\\s*=\\s*[\"'](?<n>[^\"']+)[\"']/\n  let h = a / b / c\n\
                   let m = s.matches(of: /a[/]b/)\n}\n";
        let out = run(src);
        assert!(out.contains("let r = \"  "), "{out}");
        assert!(!out.contains("?<n>"));
        assert!(out.contains("let h = a / b / c"));
        assert!(out.contains("of: \"     \")"), "{out}");
        reads_cleanly(src);
    }

    #[test]
    fn trailing_closure_labels_previews_and_commented_conditional_attributes() {
        let src = "var body: some View {\n  Section {\n    Text(\"a\")\n  }\n  header: {\n    Text(\"b\")\n  }\n}\n\
                   @available(iOS 17.0, *)\n#Preview {\n  A()\n}\nclass U {\n  #if !V10\n  @objc\n  #endif\n\
                   // swiftlint:disable:next missing_docs\n  public func f() {}\n}\n";
        let out = run(src);
        assert!(out.contains("  }\n          {\n    Text(\"b\")"), "{out}");
        assert!(!out.contains("@available"));
        assert!(!out.contains("#if !V10"));
        reads_cleanly(src);
    }
}
