//! C++ in Objective-C++ (`.mm`) and in headers, blanked so the grammar (which reads no C++)
//! reads the Objective-C around it, without moving a byte.
//!
//! - At file level: `namespace X {` and its `}` are blanked (what is inside is read as file
//!   level); `namespace a = b;`, `using ...;`, `template ...`, `class ...`, and any
//!   declaration or definition whose head is C++ (`Type Ns::Name(...)`, `const T&`,
//!   `operator`) are blanked whole; so are `struct`s with C++ members.
//! - Between the members of an `@interface`/`@implementation`: qualifiers (`api::`) are
//!   blanked and references (`T&`) read as pointers, so `- (id)initWithQuery:(api::Query&&)q`
//!   and `@property core::Filter::Operator op;` are read.
//! - In bodies: a statement with C++ in its own text (`::`, `auto`, a lambda, a range
//!   `for`, a braced initialiser) is blanked, keeping the blocks and lambdas nested in it,
//!   which are read as plain blocks (`dispatch([&] { [s invalidate]; });` keeps the send).
//!   A C++ condition of `if`/`while`/`switch`/`for` is read as `1` (`for (;;)`).

use super::neutralize::{block_comment_end, is_word_byte};

/// Blanks the C++ of `text` in place (the neutralised text, directives already resolved).
pub fn blank_cplusplus(text: &mut [u8]) {
    let code = Code::read(text);
    let mut edits = Edits::default();
    let mut walker = Walker {
        text,
        code: &code,
        edits: &mut edits,
    };
    walker.level(0, code.bytes.len(), Level::File);
    edits.apply(text);
}

/// The code bytes of the text (comments, literals' insides and directives out), in order,
/// with the offsets of their matching brackets.
pub(super) struct Code {
    /// Offsets of code bytes; a literal is its first byte.
    pub bytes: Vec<usize>,
    /// For a bracket at code index `i`, the code index of its partner (`usize::MAX` if none).
    pub partner: Vec<usize>,
}

impl Code {
    pub fn read(text: &[u8]) -> Code {
        let mut bytes = Vec::new();
        let mut line_start = true;
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            match b {
                b'\n' => {
                    line_start = true;
                    i += 1;
                    continue;
                }
                _ if b.is_ascii_whitespace() => {
                    i += 1;
                    continue;
                }
                b'/' if text.get(i + 1) == Some(&b'/') => {
                    i = memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |n| i + n);
                    continue;
                }
                b'/' if text.get(i + 1) == Some(&b'*') => {
                    i = block_comment_end(text, i);
                    continue;
                }
                b'#' if line_start => {
                    while i < text.len() && text[i] != b'\n' {
                        i += if text[i] == b'\\' { 2 } else { 1 };
                    }
                    continue;
                }
                b'"' | b'\'' => {
                    bytes.push(i);
                    i += 1;
                    while i < text.len() && text[i] != b && text[i] != b'\n' {
                        i += if text[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                    line_start = false;
                    continue;
                }
                _ => {}
            }
            line_start = false;
            bytes.push(i);
            i += 1;
        }
        bytes.retain(|&i| i < text.len());
        let mut partner = vec![usize::MAX; bytes.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (k, &at) in bytes.iter().enumerate() {
            match text[at] {
                b'(' | b'[' | b'{' => stack.push(k),
                b')' | b']' | b'}' => {
                    let want = match text[at] {
                        b')' => b'(',
                        b']' => b'[',
                        _ => b'{',
                    };
                    // An unmatched closer leaves the stack as it is.
                    if let Some(pos) = stack.iter().rposition(|&o| text[bytes[o]] == want) {
                        if pos + 1 == stack.len() || want == b'{' {
                            let open = stack[pos];
                            stack.truncate(pos);
                            partner[open] = k;
                            partner[k] = open;
                        }
                    }
                }
                _ => {}
            }
        }
        Code { bytes, partner }
    }
}

/// Byte ranges to blank and single bytes to write.
#[derive(Default)]
struct Edits {
    blank: Vec<(usize, usize)>,
    write: Vec<(usize, u8)>,
}

impl Edits {
    /// Blanks `[start, end)` (bytes), dropping the writes planned inside it.
    fn blank_over(&mut self, start: usize, end: usize) {
        self.write.retain(|&(at, _)| at < start || at >= end);
        self.blank.push((start, end));
    }

    fn apply(self, text: &mut [u8]) {
        for (s, e) in self.blank {
            let e = e.min(text.len());
            for b in &mut text[s..e] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
        }
        for (at, b) in self.write {
            text[at] = b;
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// File level (or inside `namespace`/`extern "C"`).
    File,
    /// Between the members of an ObjC container.
    Members,
}

struct Walker<'a> {
    text: &'a [u8],
    code: &'a Code,
    edits: &'a mut Edits,
}

const STATEMENT_KEYWORDS: &[&[u8]] = &[
    b"if", b"else", b"for", b"while", b"do", b"switch", b"return", b"case", b"default",
];

impl Walker<'_> {
    fn at(&self, k: usize) -> u8 {
        self.text[self.code.bytes[k]]
    }

    /// The word starting at code index `k` (empty if none).
    fn word(&self, k: usize) -> &[u8] {
        let Some(&start) = self.code.bytes.get(k) else {
            return b"";
        };
        let len = self.text[start..]
            .iter()
            .take_while(|&&b| is_word_byte(b))
            .count();
        &self.text[start..start + len]
    }

    /// Blanks code indices `[from, to)` and drops the writes planned there.
    fn blank_over(&mut self, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let start = self.code.bytes[from];
        let last = self.code.bytes[to - 1];
        // A literal is one code byte: its end is its closing quote's.
        let end = if matches!(self.text[last], b'"' | b'\'') {
            literal_end(self.text, last)
        } else {
            last + 1
        };
        self.edits.blank_over(start, end);
    }

    fn blank(&mut self, from: usize, to: usize) {
        // Code indices `[from, to)` → bytes from the first's start to the last's end.
        if from >= to {
            return;
        }
        let start = self.code.bytes[from];
        let last = self.code.bytes[to - 1];
        let end = if matches!(self.text[last], b'"' | b'\'') {
            literal_end(self.text, last)
        } else {
            last + 1
        };
        self.edits.blank.push((start, end));
    }

    /// Walks items at file level or between members, from code index `k` to `end`.
    fn level(&mut self, mut k: usize, end: usize, level: Level) {
        while k < end {
            let b = self.at(k);
            if b == b'@' {
                k = self.objc_keyword(k, end, level);
                continue;
            }
            if b == b';' || b == b'}' {
                k += 1;
                continue;
            }
            k = self.item(k, end, level);
        }
    }

    /// An `@` at item start: containers are walked as members, `@end` ends nothing here.
    fn objc_keyword(&mut self, k: usize, end: usize, level: Level) -> usize {
        let word = self.word(k + 1).to_vec();
        let container = matches!(word.as_slice(), b"interface" | b"implementation")
            || (word == b"protocol" && !self.forward_protocol(k));
        if !container || level == Level::Members {
            // `@end`, `@class A;`, `@property ...;` (as a member), `@synthesize`: to its end.
            return self.item(k, end, level);
        }
        // The container's head up to its first member; an ivar block `{ ... }` is a body.
        let mut j = k + 1;
        while j < end {
            match self.at(j) {
                b'{' => {
                    let close = self.code.partner[j].min(end);
                    self.ivars(j + 1, close);
                    j = close + 1;
                    break;
                }
                b'-' | b'+' | b'@' if j > k + 1 && self.line_start(j) => break,
                _ => j += 1,
            }
        }
        let close = self.container_end(j, end);
        self.level(j, close, Level::Members);
        // Past `@end` (four code bytes).
        (close + 4).min(end)
    }

    fn line_start(&self, k: usize) -> bool {
        let at = self.code.bytes[k];
        self.text[..at]
            .iter()
            .rev()
            .take_while(|&&b| b != b'\n')
            .all(|b| b.is_ascii_whitespace())
    }

    /// The code index of the `@end` that closes a container whose members start at `k`.
    fn container_end(&self, mut k: usize, end: usize) -> usize {
        while k < end {
            match self.at(k) {
                b'{' | b'(' | b'[' if self.code.partner[k] != usize::MAX => {
                    k = self.code.partner[k] + 1
                }
                b'@' if self.word(k + 1) == b"end" => return k,
                _ => k += 1,
            }
        }
        end
    }

    fn forward_protocol(&self, k: usize) -> bool {
        let mut j = k + 1;
        while j < self.code.bytes.len() {
            match self.at(j) {
                b';' => return true,
                b'<' | b'{' | b'@' | b'-' | b'+' | b'(' => return false,
                _ => j += 1,
            }
            if !self.same_line(k, j) {
                return false;
            }
        }
        false
    }

    fn same_line(&self, a: usize, b: usize) -> bool {
        let (a, b) = (self.code.bytes[a], self.code.bytes[b]);
        memchr::memchr(b'\n', &self.text[a..b]).is_none()
    }

    /// One file-level item or member from `k`: its end (exclusive).
    fn item(&mut self, k: usize, end: usize, level: Level) -> usize {
        let first = self.word(k).to_vec();
        if first == b"extern" && k + 8 < end && self.at(k + 6) == b'"' && self.at(k + 7) != b'{' {
            // `extern "C" T f(...) { ... }`: the linkage goes, the definition is read.
            self.blank(k, k + 7);
            return self.item(k + 7, end, level);
        }
        if level == Level::File && (first == b"namespace" || self.extern_block(k)) {
            // `namespace a {` / `extern "C" {`: read the inside as file level.
            let mut j = k;
            while j < end && !matches!(self.at(j), b'{' | b';') {
                j += 1;
            }
            if j < end && self.at(j) == b'{' {
                let close = self.code.partner[j];
                if close != usize::MAX && close < end {
                    if first == b"namespace" {
                        self.blank(k, j + 1);
                        self.blank(close, close + 1);
                    }
                    self.level(j + 1, close, Level::File);
                    return close + 1;
                }
            }
            // `namespace a = b::c;`
            self.blank(k, (j + 1).min(end));
            return (j + 1).min(end);
        }
        // The head: up to `;` or the first `{` outside brackets.
        let mut j = k;
        let mut body = None;
        while j < end {
            match self.at(j) {
                b';' => break,
                // `X::X() : a_{b}, c_{d} {`: a member's braced initialiser is no body.
                b'{' if j > k
                    && (is_word_byte(self.at(j - 1)) || self.at(j - 1) == b'>')
                    && !matches!(
                        self.word_ending_at(j - 1),
                        b"const" | b"override" | b"noexcept" | b"final" | b"mutable"
                    )
                    && self.code.partner[j] != usize::MAX
                    && self.code.partner[j] < end
                    && level == Level::File
                    && (k..j).any(|c| self.double_colon(c))
                    && (k..j).any(|c| self.at(c) == b':' && !self.double_colon(c)) =>
                {
                    j = self.code.partner[j];
                }
                b'{' => {
                    body = Some(j);
                    break;
                }
                b'(' | b'[' if self.code.partner[j] != usize::MAX && self.code.partner[j] < end => {
                    j = self.code.partner[j];
                }
                b'@' if j > k && level == Level::File && self.line_start(j) => {
                    // A head that runs into an `@interface`: a macro without `;`.
                    return j;
                }
                _ => {}
            }
            j += 1;
        }
        let head_end = j.min(end);
        let cplusplus_head = self.is_cplusplus_head(k, head_end, &first)
            || (level == Level::File && body.is_some() && self.test_macro(k, head_end));
        let Some(open) = body else {
            // A declaration.
            if cplusplus_head {
                if level == Level::Members {
                    self.read_as_objc(k, head_end);
                } else {
                    self.blank(k, (head_end + 1).min(end));
                }
            }
            return (head_end + 1).min(end);
        };
        let close = self.code.partner[open];
        if close == usize::MAX || close >= end {
            return end;
        }
        // After the body: `} name;` or `};` ends a type definition.
        let mut after = close + 1;
        let is_type = matches!(
            first.as_slice(),
            b"struct" | b"union" | b"enum" | b"typedef" | b"class"
        );
        if is_type {
            while after < end
                && self.at(after) != b';'
                && self.at(after) != b'}'
                && self.at(after) != b'@'
            {
                after += 1;
            }
            if after < end && self.at(after) == b';' {
                after += 1;
            }
        }
        // Between an `@implementation`'s methods the grammar reads no type definition.
        let cplusplus_type =
            is_type && (level == Level::Members || self.has_cplusplus_members(open + 1, close));
        if cplusplus_head && level == Level::Members {
            self.read_as_objc(k, open);
            self.body(open + 1, close);
        } else if cplusplus_head || cplusplus_type {
            self.blank(k, after);
        } else if !is_type && self.at(open.saturating_sub(1)) != b'=' {
            self.body(open + 1, close);
        }
        after
    }

    /// `TEST(Suite, Name) {`: a C++ test framework's macro heading a body.
    fn test_macro(&self, k: usize, end: usize) -> bool {
        let name = self.word(k);
        let shouty = name.len() >= 3 && name.iter().all(|b| b.is_ascii_uppercase() || *b == b'_');
        let call = k + name.len();
        shouty && call < end && self.at(call) == b'(' && self.code.partner[call] + 1 == end
    }

    /// The word that ends at code index `j`.
    fn word_ending_at(&self, j: usize) -> &[u8] {
        let end = self.code.bytes[j] + 1;
        let mut start = end;
        while start > 0 && is_word_byte(self.text[start - 1]) {
            start -= 1;
        }
        &self.text[start..end]
    }

    /// `extern "C" {` / `extern "C++" {`.
    fn extern_block(&self, k: usize) -> bool {
        self.word(k) == b"extern"
            && self
                .code
                .bytes
                .get(k + 6)
                .is_some_and(|&at| self.text[at] == b'"')
            && self
                .code
                .bytes
                .get(k + 7)
                .is_some_and(|&at| self.text[at] == b'{')
    }

    /// Is the head `[k, end)` of a file-level item or member C++?
    fn is_cplusplus_head(&self, k: usize, end: usize, first: &[u8]) -> bool {
        if matches!(
            first,
            b"using" | b"template" | b"class" | b"typename" | b"static_assert"
        ) || (first == b"enum" && matches!(self.word(k + 4), b"class" | b"struct"))
        {
            return true;
        }
        if first == b"@" || self.at(k) == b'@' && self.word(k + 1) != b"property" {
            return false;
        }
        (k..end).any(|j| self.cplusplus_at(j, k, true))
    }

    /// C++ at code index `j` of a stretch starting at `start`.
    fn cplusplus_at(&self, j: usize, start: usize, head: bool) -> bool {
        let b = self.at(j);
        let next = self.code.bytes.get(j + 1).map(|&n| self.text[n]);
        let adjacent = self.code.bytes.get(j + 1) == Some(&(self.code.bytes[j] + 1));
        match b {
            b':' => next == Some(b':') && adjacent,
            // `T& name`, `T&& name`, `(const T&)` in a head: a reference.
            b'&' if head => {
                j > start && {
                    let before = self.text[self.code.bytes[j - 1]];
                    (is_word_byte(before) || before == b'>' || before == b'&')
                        && next
                            .is_some_and(|n| is_word_byte(n) || n == b')' || n == b'&' || n == b',')
                }
            }
            // A word (not `@private`, `@try`: their words are ObjC).
            _ if is_word_byte(b)
                && (j == 0 || {
                    let before = self.text[self.code.bytes[j] - 1];
                    !is_word_byte(before) && before != b'@'
                }) =>
            {
                matches!(
                    self.word(j),
                    b"auto"
                        | b"nullptr"
                        | b"static_cast"
                        | b"dynamic_cast"
                        | b"reinterpret_cast"
                        | b"const_cast"
                        | b"decltype"
                        | b"template"
                        | b"typename"
                        | b"constexpr"
                        | b"noexcept"
                        | b"operator"
                        | b"this"
                        | b"override"
                        | b"virtual"
                        | b"explicit"
                        | b"public"
                        | b"private"
                        | b"protected"
                        | b"try"
                        | b"catch"
                        | b"throw"
                ) || (matches!(self.word(j), b"new" | b"delete") && {
                    // `new T(a)`, `delete p` (not `[Foo new]`, `[s delete:x]`).
                    let after = j + self.word(j).len();
                    self.code.bytes.get(after).is_some_and(|&a| {
                        self.text[a] == b'['
                            || (is_word_byte(self.text[a]) && a > self.code.bytes[after - 1] + 1)
                    })
                })
            }
            _ => false,
        }
    }

    fn has_cplusplus_members(&self, from: usize, to: usize) -> bool {
        (from..to).any(|j| self.cplusplus_at(j, from, true))
            // A member function: `f(...) const;`, `T f(...);` inside a struct.
            || (from..to).any(|j| self.at(j) == b'(' && self.code.partner[j] != usize::MAX && {
                let close = self.code.partner[j];
                close + 1 < to && (self.at(close + 1) == b';' || self.word(close + 1) == b"const")
                    && j > from && is_word_byte(self.at(j - 1))
            })
    }

    /// A member with C++ types: qualifiers blanked, references read as pointers.
    fn read_as_objc(&mut self, from: usize, to: usize) {
        let mut j = from;
        while j < to {
            let b = self.at(j);
            if b == b':'
                && j + 1 < to
                && self.at(j + 1) == b':'
                && self.code.bytes[j + 1] == self.code.bytes[j] + 1
            {
                // Blank `name::` (the name and both colons).
                let mut s = j;
                while s > from
                    && is_word_byte(self.at(s - 1))
                    && self.code.bytes[s - 1] + 1 == self.code.bytes[s]
                {
                    s -= 1;
                }
                self.blank(s, j + 2);
                j += 2;
                continue;
            }
            if b == b'&' && self.cplusplus_at(j, from, true) {
                self.edits.write.push((self.code.bytes[j], b'*'));
            }
            j += 1;
        }
    }

    /// An ivar block `[from, to)`: a declaration with C++ goes whole, `;` included (the
    /// grammar refuses an empty one there).
    fn ivars(&mut self, from: usize, to: usize) {
        let mut k = from;
        while k < to {
            let mut end = k;
            while end < to && self.at(end) != b';' {
                end += 1;
            }
            if (k..end).any(|j| self.cplusplus_at(j, k, true)) {
                self.blank_over(k, (end + 1).min(to));
            }
            k = end + 1;
        }
    }

    /// The statements of a body `[from, to)` (code indices inside its braces).
    fn body(&mut self, from: usize, to: usize) {
        let mut k = from;
        while k < to {
            k = self.statement(k, to);
        }
    }

    /// One statement from `k`: blanks it if its own text is C++; returns its end.
    fn statement(&mut self, k: usize, to: usize) -> usize {
        let b = self.at(k);
        if b == b';' || b == b'}' {
            return k + 1;
        }
        if b == b'{' {
            let close = self.code.partner[k];
            if close == usize::MAX || close >= to {
                return to;
            }
            self.body(k + 1, close);
            return close + 1;
        }
        if b == b'@'
            && self.word(k + 1) == b"try"
            && self.code.bytes[k + 1] > self.code.bytes[k] + 1
            && matches!(self.text[self.code.bytes[k + 1] - 1], b' ' | b'\t')
        {
            // `@\n  try {`: one `@try`, the `@` written right before its word.
            self.edits
                .blank
                .push((self.code.bytes[k], self.code.bytes[k] + 1));
            self.edits.write.push((self.code.bytes[k + 1] - 1, b'@'));
            return k + 1 + 3;
        }
        let first = self.word(k).to_vec();
        // `case X:` and `default:` are labels of their own.
        if first == b"case" || first == b"default" {
            let mut j = k;
            while j < to && (self.at(j) != b':' || self.double_colon(j)) {
                j += 1;
            }
            // `case api::State::kDone:` → `case kDone:`.
            self.read_as_objc(k, j);
            return (j + 1).min(to);
        }
        // The statement's own text: up to `;` or a `{` that opens its body, with nested
        // brackets' blocks (ObjC blocks, lambdas) walked as bodies of their own. A lambda
        // is read as a block (`[&](int a) {` → `^(int a) {`), `auto` as `id`: both are
        // deferred code, which a block is too (read inline, its body would run at once).
        let mut own_cplusplus = false;
        let mut j = k;
        let mut nested: Vec<(usize, usize)> = Vec::new();
        let mut kept: Vec<(usize, usize)> = Vec::new();
        let mut depth = 0usize;
        while j < to {
            let c = self.at(j);
            if c == b'[' {
                if let Some(body) = self.lambda(j, to) {
                    let close = self.code.partner[body];
                    nested.push((body, close));
                    kept.push((j, close));
                    j = close + 1;
                    continue;
                }
            }
            if self.word(j) == b"auto" && self.starts_word(j) {
                self.edits.write.push((self.code.bytes[j], b'i'));
                self.edits.write.push((self.code.bytes[j] + 1, b'd'));
                self.blank(j + 2, j + 4);
                if j + 4 < to && self.at(j + 4) == b'&' {
                    self.edits.write.push((self.code.bytes[j + 4], b'*'));
                }
                j += 4;
                continue;
            }
            if c == b'{' && depth == 0 && self.braced_value(k, j, &first) {
                // `return T{a};`, `x = {a, b};`, `x->y = T{}`: a C++ braced initialiser.
                let close = self.code.partner[j];
                if close == usize::MAX || close >= to {
                    return to;
                }
                own_cplusplus = true;
                nested.push((j, close));
                j = close + 1;
                continue;
            }
            if c == b'&' && depth == 0 && self.reference_declarator(k, j) {
                // `const T &value = e;` → `const T *value = e;`.
                self.edits.write.push((self.code.bytes[j], b'*'));
            }
            match c {
                b';' if depth == 0 => break,
                b'{' if depth == 0 => break,
                b'}' if depth == 0 => break,
                b'{' => {
                    let close = self.code.partner[j];
                    if close == usize::MAX || close >= to {
                        return to;
                    }
                    nested.push((j, close));
                    if let Some(start) = self.block_start(k, j) {
                        kept.push((start, close));
                    } else if j > k && (is_word_byte(self.at(j - 1)) || self.at(j - 1) == b'>') {
                        // `Key{path}`: a braced initialiser.
                        own_cplusplus = true;
                    } else if j > k
                        && matches!(self.at(j - 1), b'(' | b',')
                        && !(j + 1..close).any(|c| self.at(c) == b';')
                    {
                        // `f({a}, b)`: a braced argument (a statement expression has `;`).
                        own_cplusplus = true;
                    }
                    j = close + 1;
                    continue;
                }
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            own_cplusplus |=
                self.cplusplus_at(j, k, false) || (j == k && self.cplusplus_at(j, k, true));
            j += 1;
        }
        own_cplusplus |= self.direct_initialisation(k, j.min(to));
        for &(open, close) in &nested {
            self.body(open + 1, close);
        }
        let end = j.min(to);
        let opens_body = end < to && self.at(end) == b'{';
        if opens_body {
            let close = self.code.partner[end];
            let range_for = first == b"for" && self.range_for(k, end);
            let braced_init = self.braced_init(k, end, &first);
            if braced_init
                && !STATEMENT_KEYWORDS.contains(&first.as_slice())
                && self.at(k) != b'@'
                && self.at(end - 1) != b')'
                && self.at(end - 1) != b'^'
            {
                // `Foo x{a, b};`: the whole initialiser.
                if close != usize::MAX && close < to {
                    let after = if close + 1 < to && self.at(close + 1) == b';' {
                        close + 2
                    } else {
                        close + 1
                    };
                    self.blank(k, after);
                    return after;
                }
            }
            if first == b"try" && end == k + 3 && self.objc_catch_after(end) {
                // `try { } @catch (NSException *e) { }`: read as `@try`, in the space before.
                self.edits.write.push((self.code.bytes[k] - 1, b'@'));
                return end;
            }
            if own_cplusplus || range_for {
                self.neutral_head(k, end, &first);
            }
            return end;
        }
        if own_cplusplus {
            self.blank_outside(k, end, &kept);
        }
        (end + 1).min(to.max(end + 1))
    }

    /// Is the `@catch` of an Objective-C `@try` after the body opening at code index `open`?
    fn objc_catch_after(&self, open: usize) -> bool {
        let close = self.code.partner[open];
        close != usize::MAX
            && close + 2 < self.code.bytes.len()
            && self.at(close + 1) == b'@'
            && self.word(close + 2) == b"catch"
            && matches!(self.text[self.code.bytes[open - 3] - 1], b' ' | b'\t')
    }

    /// A `{` at code index `j` of the statement starting at `k` that opens a braced value:
    /// after `T` in `return T{...}` or `= T{...}`, or right after the `=` of an assignment
    /// (`x->y = {}`; a declaration's `= {...}` is C's initialiser list).
    fn braced_value(&self, k: usize, j: usize, first: &[u8]) -> bool {
        if j == k || self.block_start(k, j).is_some() {
            return false;
        }
        let prev = self.at(j - 1);
        let equals = (k + 1..j).find(|&e| {
            self.at(e) == b'='
                && !matches!(self.at(e - 1), b'=' | b'!' | b'<' | b'>')
                && self.at(e + 1) != b'='
        });
        if is_word_byte(prev) || prev == b'>' {
            let word = self.word_ending_at(j - 1);
            if word == b"return" {
                // `return {a, b};`
                return first == b"return" && j == k + 6;
            }
            let returned = first == b"return" && j > k + 6;
            let keyword = matches!(word, b"else" | b"do" | b"try" | b"const");
            return !keyword && (returned || equals.is_some_and(|e| e + 1 < j));
        }
        if prev == b'=' && equals == Some(j - 1) {
            // An assignment: no declaration (`T x`, `T *x`, `x[]`) before the `=`.
            let declaration = (k..j - 1).any(|d| {
                matches!(self.at(d), b'*' | b'[' | b']')
                    || (is_word_byte(self.at(d))
                        && d + 1 < j
                        && is_word_byte(self.at(d + 1))
                        && self.code.bytes[d + 1] > self.code.bytes[d] + 1)
            });
            return !declaration;
        }
        false
    }

    /// `T &name =` at code index `j` (the `&`) of a statement starting at `k`: a reference.
    fn reference_declarator(&self, k: usize, j: usize) -> bool {
        if j == k || (k..j).any(|e| self.at(e) == b'=') {
            return false;
        }
        let prev = self.at(j - 1);
        let next = j + 1;
        if !(is_word_byte(prev) || prev == b'>') || next >= self.code.bytes.len() {
            return false;
        }
        let name = self.word(next);
        !name.is_empty()
            && self
                .code
                .bytes
                .get(next + name.len())
                .is_some_and(|&at| self.text[at] == b'=' && self.text.get(at + 1) != Some(&b'='))
    }

    /// `T name(a.b(), 1);`: a C++ object built with arguments (in C, a declaration of a
    /// function, whose parameters are no expressions).
    fn direct_initialisation(&self, k: usize, end: usize) -> bool {
        let first = self.word(k);
        if first.is_empty() || STATEMENT_KEYWORDS.contains(&first) || self.at(k) == b'@' {
            return false;
        }
        let second = k + first.len();
        if second >= end
            || !is_word_byte(self.at(second))
            || self.code.bytes[second] == self.code.bytes[second - 1] + 1
        {
            return false;
        }
        let open = second + self.word(second).len();
        if open >= end || self.at(open) != b'(' {
            return false;
        }
        let close = self.code.partner[open];
        if close == usize::MAX || close + 1 != end {
            return false;
        }
        (open + 1..close).any(|a| {
            matches!(self.at(a), b'.' | b'"' | b'[' | b'(' | b'\'')
                || self.at(a).is_ascii_digit()
                || (self.at(a) == b'-' && self.at(a + 1) == b'>')
        })
    }

    fn starts_word(&self, j: usize) -> bool {
        let at = self.code.bytes[j];
        at == 0 || !is_word_byte(self.text[at - 1])
    }

    /// A lambda at `[` (code index `j`): `[captures](params) mutable -> T {`. Rewrites it
    /// to a block's head (`^(params) {`) and returns the code index of its body's `{`.
    fn lambda(&mut self, j: usize, to: usize) -> Option<usize> {
        let close = self.code.partner[j];
        if close == usize::MAX || close + 1 >= to {
            return None;
        }
        // Not a subscript or a message: after an operator, and only names, `&`, `=`, `,`
        // and `*this` inside.
        if j > 0 && (is_word_byte(self.at(j - 1)) || matches!(self.at(j - 1), b')' | b']')) {
            return None;
        }
        let captures = (j + 1..close)
            .all(|c| is_word_byte(self.at(c)) || matches!(self.at(c), b'&' | b'=' | b',' | b'*'));
        let words = (j + 1..close)
            .filter(|&c| is_word_byte(self.at(c)) && self.starts_word(c))
            .count();
        let separated = (j + 1..close).filter(|&c| self.at(c) == b',').count();
        if !captures || words > separated + 1 {
            return None;
        }
        let mut after = close + 1;
        let params = (self.at(after) == b'(').then(|| self.code.partner[after]);
        let mut cplusplus_params = false;
        if let Some(p) = params {
            if p == usize::MAX || p >= to {
                return None;
            }
            // `(const StatusOr<T> &r)`, `(auto &b)`: a block without parameters.
            cplusplus_params = (after + 1..p).any(|c| {
                matches!(self.at(c), b'&' | b'<') || self.cplusplus_at(c, after + 1, true)
            });
            after = p + 1;
        }
        let body =
            (after..to.min(after + 24)).find(|&b| matches!(self.at(b), b'{' | b';' | b'}'))?;
        if self.at(body) != b'{'
            || self.code.partner[body] == usize::MAX
            || self.code.partner[body] >= to
        {
            return None;
        }
        if params.is_none() && body != close + 1 {
            return None;
        }
        self.edits.write.push((self.code.bytes[j], b'^'));
        self.blank(j + 1, close + 1);
        if cplusplus_params {
            self.blank(close + 2, after - 1);
        }
        self.blank(after, body);
        Some(body)
    }

    /// The start of an ObjC block whose body opens at `open`: `^{`, `^(id x) {`, `^T (id x) {`.
    fn block_start(&self, from: usize, open: usize) -> Option<usize> {
        let mut p = open.checked_sub(1)?;
        if p < from {
            return None;
        }
        if self.at(p) == b'^' {
            return Some(p);
        }
        if self.at(p) == b')' {
            p = self.code.partner[p];
            if p == usize::MAX || p == 0 {
                return None;
            }
            p -= 1;
        }
        // `^ReturnType (...)`: back over the type's words and `*`.
        while p > from && (is_word_byte(self.at(p)) || self.at(p) == b'*') {
            p -= 1;
        }
        (self.at(p) == b'^').then_some(p)
    }

    fn double_colon(&self, j: usize) -> bool {
        let adjacent = |a: usize, b: usize| {
            b < self.code.bytes.len()
                && self.code.bytes[b] == self.code.bytes[a] + 1
                && self.at(a) == b':'
                && self.at(b) == b':'
        };
        adjacent(j, j + 1) || (j > 0 && adjacent(j - 1, j))
    }

    /// `for (x : xs)` (no `;` inside the parentheses).
    fn range_for(&self, k: usize, end: usize) -> bool {
        let Some(open) = (k..end).find(|&j| self.at(j) == b'(') else {
            return false;
        };
        let close = self.code.partner[open].min(end);
        let inside = open + 1..close;
        !inside.clone().any(|j| self.at(j) == b';')
            && inside
                .clone()
                .any(|j| self.at(j) == b':' && !self.double_colon(j))
    }

    /// `Type name{` / `name{`: a braced initialiser (ends in a word right before `{`).
    fn braced_init(&self, k: usize, end: usize, first: &[u8]) -> bool {
        end > k
            && is_word_byte(self.at(end - 1))
            && !matches!(first, b"else" | b"do" | b"try" | b"@")
            && (k..end).all(|j| {
                is_word_byte(self.at(j)) || matches!(self.at(j), b'<' | b'>' | b'*' | b':')
            })
    }

    /// A C++ statement head before its body `{`: a condition becomes `1` (`for (;;)`), any
    /// other head (`auto f = [&]()`, `try`, `catch (...)`) is blanked, leaving a block.
    fn neutral_head(&mut self, k: usize, end: usize, first: &[u8]) {
        let paren = (k..end).find(|&j| self.at(j) == b'(');
        // `else if (C++) {` is an `if` (`else if (1) {`).
        let first = if first == b"else" && self.word(k + 4) == b"if" {
            &b"if"[..]
        } else {
            first
        };
        match (first, paren) {
            (b"if" | b"while" | b"switch" | b"for", Some(open))
                if self.code.partner[open] < end =>
            {
                let close = self.code.partner[open];
                self.blank_over(open + 1, close);
                let at = self.code.bytes[open] + 1;
                let fill: &[u8] = if first == b"for" { b";;" } else { b"1" };
                if self.code.bytes[close] - at >= fill.len() {
                    for (i, &f) in fill.iter().enumerate() {
                        self.edits.write.push((at + i, f));
                    }
                } else {
                    self.blank(k, close + 1);
                }
            }
            _ => self.blank_over(k, end),
        }
    }

    /// Blanks `[from, to)` except the blocks (and lambdas read as blocks) nested in it: a
    /// statement of its own, `^{ ... };`, which hands on what it captures.
    fn blank_outside(&mut self, from: usize, to: usize, nested: &[(usize, usize)]) {
        let mut at = from;
        for &(open, close) in nested {
            self.blank_over(at, open);
            at = close + 1;
        }
        self.blank_over(at, to);
    }
}

pub(super) fn literal_end(text: &[u8], start: usize) -> usize {
    let quote = text[start];
    let mut i = start + 1;
    while i < text.len() && text[i] != quote && text[i] != b'\n' {
        i += if text[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::blank_cplusplus;

    fn run(src: &str) -> String {
        let mut bytes = src.as_bytes().to_vec();
        blank_cplusplus(&mut bytes);
        let out = String::from_utf8(bytes).unwrap();
        assert_eq!(out.len(), src.len());
        let lines = |s: &str| s.match_indices('\n').map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(lines(&out), lines(src), "line ends moved");
        out
    }

    #[test]
    fn file_level_cplusplus_is_blanked_and_namespaces_are_opened() {
        let src = "namespace api = firebase::api;\nusing api::Settings;\nnamespace {\n\
                   static NSString *Name(void) { return @\"x\"; }\nvoid Helper(const Query& q) { q.Run(); }\n}  // anonymous\n\
                   template <typename T>\nclass Box {\n public:\n  T value;\n};\n\
                   Source Api::Make() { return Source::Default; }\n@interface A : NSObject\n@end\n";
        let out = run(src);
        for gone in [
            "namespace",
            "using",
            "Helper",
            "template",
            "class Box",
            "Api::Make",
        ] {
            assert!(!out.contains(gone), "{gone} kept:\n{out}");
        }
        assert!(out.contains("static NSString *Name(void) { return @\"x\"; }"));
        assert!(out.contains("@interface A : NSObject\n@end"));
    }

    #[test]
    fn members_with_cplusplus_types_are_read_as_objc() {
        let src = "@interface F : NSObject\n@property(nonatomic) core::Filter::Operator op;\n\
                   - (instancetype)initWithQuery:(api::Query &&)query;\n@end\n";
        let out = run(src);
        assert!(out.contains("              Operator op;"), "{out}");
        assert!(!out.contains("::"));
        assert!(out.contains("(     Query **)query;"), "{out}");
    }

    #[test]
    fn cplusplus_statements_are_blanked_and_their_blocks_kept() {
        let src = "@implementation A\n- (void)f {\n  auto x = std::make_shared<Foo>(1);\n\
                   dispatch([&](int a) { [s invalidateAndCancel]; });\n\
                   for (const auto& e : xs) { [e go]; }\n  if (std::isnan(v)) { [self g]; }\n\
                   switch (s) {\n    case A:\n      return Source::Default;\n  }\n  Foo r{a, b};\n  [self h];\n}\n@end\n";
        let out = run(src);
        for gone in ["auto", "make_shared", "isnan", "Source::", "Foo r"] {
            assert!(!out.contains(gone), "{gone} kept:\n{out}");
        }
        for kept in [
            // The lambda is read as a block: deferred, and handed what it captures.
            "dispatch(^  (int a) { [s invalidateAndCancel]; });",
            "for (;;",
            "{ [e go]; }",
            "if (1",
            "case A:",
            "[self h];",
            "switch (s)",
        ] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
        let lambda = "void f(void) {\n  auto done = [session]() { [session finishTasksAndInvalidate]; };\n}\n";
        assert_eq!(
            run(lambda),
            "void f(void) {\n  id   done = ^        () { [session finishTasksAndInvalidate]; };\n}\n"
        );
    }

    #[test]
    fn ivars_case_labels_initialisers_and_test_macros() {
        let src = "@implementation S {\n  std::shared_ptr<Store> _store;\n  NSURLSession *_session;\n}\n\
                   - (int)t {\n  switch (x) {\n    case api::State::kDone:\n      return 1;\n  }\n\
                   return [self initWithKey:Key{std::move(p)} db:d];\n}\n@end\n\
                   Monitor::Monitor(const Queue& q)\n    : Base{q}, state_{Make()} {\n  [self go];\n}\n\
                   TEST(Suite, Name) {\n  EXPECT_EQ(1, 1);\n}\n";
        let out = run(src);
        assert!(
            !out.contains("_store") && !out.contains(';')
                || out.contains("NSURLSession *_session;")
        );
        assert!(
            out.contains("{\n                                \n  NSURLSession *_session;"),
            "{out}"
        );
        assert!(out.contains("case             kDone:"), "{out}");
        for gone in ["Key{", "Monitor", "Base{", "state_", "TEST", "EXPECT_EQ"] {
            assert!(!out.contains(gone), "{gone} kept:\n{out}");
        }
    }

    #[test]
    fn braced_values_references_direct_initialisers_new_and_throw() {
        let src = "@implementation A\n- (K)f {\n  return K{};\n}\n- (void)g {\n  self.s = Settings{};\n\
                   _info = {Id{\"p\"}, \"h\", false};\n  r->map = {};\n  const Value &v = m.fields[i].value;\n\
                   Metadata meta(s.pending(), s.cache());\n  Defer d([r]() { [r remove]; });\n\
                   _s.reset(new Serializer(x));\n  int *h = new int;\n  delete h;\n  throw \"e\";\n  [self h:v];\n}\n@end\n";
        let out = run(src);
        for gone in [
            "K{",
            "Settings{",
            "Id{",
            "r->map",
            "Metadata",
            "Defer",
            "new",
            "delete",
            "throw",
            "\"e\"",
        ] {
            assert!(!out.contains(gone), "{gone} kept:\n{out}");
        }
        for kept in [
            "const Value *v = m.fields[i].value;",
            "^  () { [r remove]; }",
            "[self h:v];",
        ] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
    }

    #[test]
    fn lambda_parameters_try_catch_enum_class_and_extern_c() {
        let src = "enum class Target { kNone, kA };\nextern \"C\" NSArray *Data(Snapshot *docs) {\n  return @[];\n}\n\
                   void f(void) {\n  q->Get([self, c](const StatusOr<Value> &result) { c(result); });\n  try {\n    [s count];\n  } @catch (NSException *e) {\n  }\n}\n";
        let out = run(src);
        assert!(
            !out.contains("enum class") && !out.contains("extern"),
            "{out}"
        );
        assert!(out.contains("NSArray *Data(Snapshot *docs) {"));
        let params = " ".repeat("const StatusOr<Value> &result".len());
        assert!(
            out.contains(&format!("q->Get(^        ({params}) {{ c(result); }});")),
            "{out}"
        );
        assert!(out.contains(" @try {\n    [s count];\n  } @catch"), "{out}");
    }

    #[test]
    fn else_if_heads_braced_arguments_member_types_and_split_try() {
        let src = "@implementation A\n- (void)f {\n  if (a) {\n  } else if (auto s = std::cast<S>(b)) {\n    [s go];\n  }\n\
                   e->Write({m}, [self](Status s) { [self done]; });\n  @\n  try {\n    [s count];\n  } @catch (NSException *e) {\n  }\n}\n\
                   union Bits {\n  double d;\n};\nextern \"C\" NSArray *Data(id d) {\n  return @[];\n}\n@end\n";
        let out = run(src);
        assert!(out.contains("} else if (1"), "{out}");
        assert!(out.contains("[s go];"));
        assert!(
            !out.contains("{m}") && out.contains("{ [self done]; }"),
            "{out}"
        );
        assert!(out.contains("   \n @try {\n    [s count];"), "{out}");
        assert!(!out.contains("union") && !out.contains("double d;"));
        assert!(!out.contains("extern") && out.contains("NSArray *Data(id d) {"));
    }

    #[test]
    fn plain_objc_and_c_are_untouched() {
        let src = "#import <Foundation/Foundation.h>\nstatic int a[] = {1, 2};\ntypedef struct { int x; } P;\n\
                   @interface A () <NSURLSessionDelegate> {\n  NSURLSession *_s;\n}\n@end\n\
                   @implementation A\n- (void)f:(id<P>)p {\n  if (a && b) { x = y & z; }\n  void (^b)(void) = ^{ [p go]; };\n\
                   @try { [p x]; } @catch (NSException *e) { }\n  for (int i = 0; i < 2; i++) { }\n  NSArray<NSString *> *n = @[@\"a::b\"];\n\
                   CGRect r = {0, 0, 1, 1};\n  int a[] = {1};\n  id o = [Foo new];\n  [s delete:o];\n  x = a & b;\n\
                   BOOL (^t)(void) = ^BOOL { return YES; };\n  if (a) { } else { }\n}\n@end\n";
        assert_eq!(run(src), src);
    }
}
