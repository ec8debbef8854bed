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
//!   are blanked.
//!
//! The pass reads comments and string literals as such and never rewrites inside them.

use std::borrow::Cow;

/// `text` with the known grammar gaps bridged (borrowed when there is nothing to do).
pub(super) fn bridge(text: &str) -> Cow<'_, str> {
    let mut pass = Pass {
        src: text.as_bytes(),
        out: None,
        code: Vec::new(),
    };
    pass.mark_code();
    pass.values_and_commas();
    pass.words();
    pass.closure_signatures();
    pass.directives();
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
                    i = memchr::memchr(b'\n', &s[i..]).map_or(s.len(), |n| i + n);
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
                _ => {
                    self.code.push(i);
                    i += 1;
                }
            }
        }
        self.code.retain(|&i| i < s.len());
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
        .find(|l| !l.is_empty())?;
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
        assert_eq!(run(types), types);
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
}
