//! Macro neutraliser: one pass over the bytes that makes macro-heavy Objective-C readable
//! to the grammar without moving a single byte.
//!
//! Attribute-like macros (`NS_ASSUME_NONNULL_BEGIN`, `API_AVAILABLE(ios(10.0))`,
//! `XX_EXTERN`, `__attribute__((...))`) are overwritten with spaces of the same length,
//! `NS_ENUM(T, Name)` is rewritten to `enum Name : T` padded with spaces, and the lines
//! of conditional groups that the compiler never reads are blanked: `#if 0` groups, and
//! the groups that depend on `__cplusplus` the other way from the file's dialect
//! (C++ under `#ifdef __cplusplus` is dead in Objective-C, and the grammar, which reads
//! no C++, would spend most of a C++-heavy header's parse recovering from errors in it).
//! Newlines are always kept, so every byte offset, line and column of the result is the
//! one of the input. The same pass collects the comments.

use crate::facts::{Comment, Span};

/// The neutralised text (same length as the input) and the input's comments.
pub struct Neutralized {
    pub text: Vec<u8>,
    pub comments: Vec<Comment>,
}

/// Longest argument list of a macro we blank; longer ones are left alone (not an attribute).
const MAX_MACRO_ARGS: usize = 4096;

/// Macros (with or without an argument list) that only carry attributes.
const ATTRIBUTE_MACROS: &[&str] = &[
    "__attribute__",
    "__attribute",
    "__deprecated",
    "__deprecated_msg",
    "__unused",
    "__used",
    "__printflike",
    "__dead2",
    "__BEGIN_DECLS",
    "__END_DECLS",
    "__API_AVAILABLE",
    "__API_UNAVAILABLE",
    "__API_DEPRECATED",
    "__IOS_AVAILABLE",
    "__OSX_AVAILABLE",
    "__OSX_AVAILABLE_STARTING",
    "__OSX_AVAILABLE_BUT_DEPRECATED",
    "__TVOS_PROHIBITED",
    "__WATCHOS_PROHIBITED",
    "API_AVAILABLE",
    "API_UNAVAILABLE",
    "API_DEPRECATED",
    "API_DEPRECATED_WITH_REPLACEMENT",
    "NS_ASSUME_NONNULL_BEGIN",
    "NS_ASSUME_NONNULL_END",
    "NS_HEADER_AUDIT_BEGIN",
    "NS_HEADER_AUDIT_END",
    "NS_DESIGNATED_INITIALIZER",
    "NS_REFINED_FOR_SWIFT",
    "NS_UNAVAILABLE",
    "NS_NOESCAPE",
    "NS_REQUIRES_SUPER",
    "NS_RETURNS_RETAINED",
    "NS_RETURNS_NOT_RETAINED",
    "NS_RETURNS_INNER_POINTER",
    "NS_FORMAT_FUNCTION",
    "NS_FORMAT_ARGUMENT",
    "NS_REQUIRES_NIL_TERMINATION",
    "NS_WARN_UNUSED_RESULT",
    "NS_STRING_ENUM",
    "NS_EXTENSIBLE_STRING_ENUM",
    "NS_TYPED_ENUM",
    "NS_TYPED_EXTENSIBLE_ENUM",
    "NS_AUTOMATED_REFCOUNT_UNAVAILABLE",
    "NS_VALID_UNTIL_END_OF_SCOPE",
    "NS_SWIFT_NAME",
    "NS_SWIFT_UNAVAILABLE",
    "NS_SWIFT_NOTHROW",
    "NS_SWIFT_SENDABLE",
    "NS_SWIFT_UI_ACTOR",
    "NS_ROOT_CLASS",
    "CF_SWIFT_NAME",
    "CF_RETURNS_RETAINED",
    "CF_RETURNS_NOT_RETAINED",
    "CF_FORMAT_FUNCTION",
    "DEPRECATED_ATTRIBUTE",
    "DEPRECATED_MSG_ATTRIBUTE",
    "UNAVAILABLE_ATTRIBUTE",
    "IB_DESIGNABLE",
    "OBJC_ROOT_CLASS",
    "OBJC_EXPORT",
    "FOUNDATION_EXPORT",
    "FOUNDATION_EXTERN",
    "UIKIT_EXTERN",
];

/// Endings of project macros that are attributes (`XX_EXTERN`, `AF_API_AVAILABLE(...)`).
const ATTRIBUTE_SUFFIXES: &[&str] = &[
    "_EXTERN",
    "_EXPORT",
    "_AVAILABLE",
    "_UNAVAILABLE",
    "_DEPRECATED",
    "_ATTRIBUTE",
    "_SWIFT_NAME",
    "_DESIGNATED_INITIALIZER",
    "_REQUIRES_SUPER",
    "_NONNULL_BEGIN",
    "_NONNULL_END",
    "_NOESCAPE",
    "_REFINED_FOR_SWIFT",
    "_WARN_UNUSED_RESULT",
    "_SUBCLASSING_RESTRICTED",
    "_UNUSED",
];

/// Infixes of project macros that are attributes (`XX_DEPRECATED_MSG(...)`, `NS_AVAILABLE_IOS(8_0)`).
const ATTRIBUTE_INFIXES: &[&str] = &[
    "_API_AVAILABLE",
    "_AVAILABLE_",
    "_DEPRECATED_",
    "_UNAVAILABLE_",
    "_SWIFT_",
];

/// Enum-declaring macros rewritten to `enum Name : Type`.
const ENUM_MACROS: &[&str] = &[
    "NS_ENUM",
    "NS_OPTIONS",
    "NS_CLOSED_ENUM",
    "NS_ERROR_ENUM",
    "CF_ENUM",
    "CF_OPTIONS",
    "CF_CLOSED_ENUM",
];

/// The `[objc] macros` of the config (the top config's, like `parse-timeout`): names
/// blanked with their argument list wherever they appear.
static CONFIGURED: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// Sets the configured macros for the files lowered from now on.
pub fn set_configured_macros(names: &[String]) {
    let mut configured = CONFIGURED.write().unwrap_or_else(|e| e.into_inner());
    configured.clear();
    configured.extend(names.iter().cloned());
    configured.sort();
    configured.dedup();
}

fn configured_macros() -> Vec<String> {
    CONFIGURED
        .read()
        .map_or_else(|e| e.into_inner().clone(), |c| c.clone())
}

/// Which compiler reads the file: it decides which `__cplusplus` groups are dead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `.m`, and `.h` (a header is read as Objective-C: the grammar reads no C++).
    ObjC,
    /// `.mm`: `__cplusplus` is defined.
    ObjCpp,
}

pub fn neutralize(input: &str, dialect: Dialect) -> Neutralized {
    neutralize_with(input, dialect, configured_macros())
}

/// [`neutralize`] with these `[objc] macros` (sorted).
fn neutralize_with(input: &str, dialect: Dialect, configured: Vec<String>) -> Neutralized {
    let mut pass = Pass {
        src: input.as_bytes(),
        out: input.as_bytes().to_vec(),
        comments: Vec::new(),
        pos: 0,
        line_start: true,
        cplusplus: dialect == Dialect::ObjCpp,
        groups: Vec::new(),
        defines: Default::default(),
        configured,
    };
    pass.run();
    Neutralized {
        text: pass.out,
        comments: pass.comments,
    }
}

/// Is this identifier an attribute-like macro we may overwrite?
pub fn is_attribute_macro(word: &str) -> bool {
    // Every listed macro and every shouty one has an underscore: most words stop here.
    if !word.as_bytes().contains(&b'_') {
        return false;
    }
    if ATTRIBUTE_MACROS.contains(&word) {
        return true;
    }
    let shouty = word.len() >= 4
        && word.contains('_')
        && word.as_bytes()[0].is_ascii_uppercase()
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    shouty
        && !ENUM_MACROS.contains(&word)
        && (ATTRIBUTE_SUFFIXES.iter().any(|s| word.ends_with(s))
            || ATTRIBUTE_INFIXES.iter().any(|s| word.contains(s)))
}

/// Byte classes of the main loop, from one table lookup per byte (a chain of comparisons
/// per byte was most of the pass).
const OTHER: u8 = 0;
const SPACE: u8 = 1;
const NEWLINE: u8 = 2;
/// Letters, digits and `_`. A number is read as a word too: no macro starts with a digit.
const WORD: u8 = 3;
const SLASH: u8 = 4;
const HASH: u8 = 5;
const QUOTE: u8 = 6;

static CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        class[b] = match c {
            b'\n' => NEWLINE,
            b' ' | b'\t' | b'\r' | b'\x0c' => SPACE,
            b'/' => SLASH,
            b'#' => HASH,
            b'"' | b'\'' => QUOTE,
            _ if c == b'_' || c.is_ascii_alphanumeric() => WORD,
            _ => OTHER,
        };
        b += 1;
    }
    class
};

struct Pass<'a> {
    src: &'a [u8],
    out: Vec<u8>,
    comments: Vec<Comment>,
    pos: usize,
    /// Only whitespace since the last newline (a `#` here starts a directive).
    line_start: bool,
    /// Whether `__cplusplus` is defined.
    cplusplus: bool,
    /// The open conditionals, innermost last: whether one of their branches so far was
    /// known to be taken (every later branch is then dead).
    groups: Vec<bool>,
    /// What the file `#define`s so far (decides `#if NAME` of its own macros).
    defines: super::defines::Defines,
    /// `[objc] macros`, sorted.
    configured: Vec<String>,
}

impl Pass<'_> {
    fn run(&mut self) {
        while let Some(&b) = self.src.get(self.pos) {
            match CLASS[b as usize] {
                NEWLINE => {
                    self.line_start = true;
                    self.pos += 1;
                }
                SPACE => self.pos += 1,
                WORD => {
                    self.line_start = false;
                    self.identifier();
                }
                SLASH if self.peek(1) == Some(b'/') => self.line_comment(),
                SLASH if self.peek(1) == Some(b'*') => self.block_comment(),
                HASH if self.line_start => self.directive(),
                QUOTE => {
                    self.line_start = false;
                    self.quoted(b);
                }
                _ => {
                    self.line_start = false;
                    self.pos += 1;
                }
            }
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        self.pos = memchr::memchr(b'\n', &self.src[start..]).map_or(self.src.len(), |n| start + n);
        self.push_comment(start, self.pos);
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        self.pos = memchr::memmem::find(&self.src[start + 2..], b"*/")
            .map_or(self.src.len(), |n| start + 2 + n + 2);
        self.push_comment(start, self.pos);
    }

    fn push_comment(&mut self, start: usize, end: usize) {
        self.comments.push(Comment {
            span: Span::new(start, end),
            text: String::from_utf8_lossy(&self.src[start..end]).into_owned(),
        });
    }

    /// Skips a string or character literal (escapes honoured, ends at the line's end).
    fn quoted(&mut self, quote: u8) {
        self.pos += 1;
        while self.pos < self.src.len() {
            match self.src[self.pos] {
                b'\\' => self.pos += 2,
                b'\n' => return,
                c if c == quote => {
                    self.pos += 1;
                    return;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.src.len());
    }

    /// A preprocessor line (with continuations). Left as is; a conditional whose branch is
    /// known to be dead blanks that branch.
    fn directive(&mut self) {
        let start = self.pos;
        let end = self.directive_end(start);
        self.pos = end;
        let Some((name, rest)) = directive_words(&self.src[start..end]) else {
            return;
        };
        let dead = match name {
            b"if" | b"ifdef" | b"ifndef" => {
                let known = condition(name, rest, self.cplusplus)
                    .or_else(|| self.defines.condition(name, rest));
                self.groups.push(known == Some(true));
                known == Some(false)
            }
            b"elif" | b"elifdef" | b"elifndef" => match self.groups.last_mut() {
                Some(true) => true,
                Some(taken) => {
                    let known = condition(name, rest, self.cplusplus)
                        .or_else(|| self.defines.condition(name, rest));
                    *taken = known == Some(true);
                    known == Some(false)
                }
                None => false,
            },
            b"else" => self.groups.last() == Some(&true),
            b"endif" => {
                self.groups.pop();
                false
            }
            b"define" | b"undef" => {
                // Known only when every enclosing branch is known to be read.
                let decided = self.groups.iter().all(|&taken| taken);
                self.defines.record(name, rest, decided);
                false
            }
            // A pragma says nothing about the code, and the grammar cannot read one
            // between ivars or inside an expression (`^(id r)\n#pragma ...\n{`).
            b"pragma" => {
                self.blank(start, end);
                false
            }
            _ => false,
        };
        if matches!(name, b"if" | b"elif") {
            self.blank_feature_tests(start, end);
        }
        if dead {
            self.blank_dead_group();
        }
    }

    /// The arguments of `__has_include("A.h")`, `__has_cpp_attribute(clang::x)` and the
    /// other feature tests in a condition: the grammar reads neither a string nor `<A/B.h>`
    /// nor `::` there (the condition's value is the neutraliser's, already taken).
    fn blank_feature_tests(&mut self, start: usize, end: usize) {
        let mut i = start;
        while let Some(at) = memchr::memmem::find(&self.src[i..end], b"__has_") {
            let word_end = (i + at..end)
                .find(|&j| !is_word_byte(self.src[j]))
                .unwrap_or(end);
            i = word_end;
            let Some(close) = self.argument_list_end(word_end).filter(|&c| c <= end) else {
                continue;
            };
            let open = (word_end..close).find(|&j| self.src[j] == b'(');
            if let Some(open) = open {
                self.blank(open + 1, close - 1);
            }
            i = close;
        }
    }

    /// End of the directive starting at `start` (before its newline), collecting its comments.
    fn directive_end(&mut self, start: usize) -> usize {
        let mut i = start;
        while i < self.src.len() {
            match self.src[i] {
                b'\\' if self.src.get(i + 1) == Some(&b'\n') => i += 2,
                b'\\' if self.src.get(i + 1) == Some(&b'\r') => i += 3,
                b'\n' => break,
                b'/' if self.src.get(i + 1) == Some(&b'/') => {
                    let c = i;
                    while i < self.src.len() && self.src[i] != b'\n' {
                        i += 1;
                    }
                    self.push_comment(c, i);
                }
                b'/' if self.src.get(i + 1) == Some(&b'*') => {
                    self.pos = i;
                    self.block_comment();
                    i = self.pos;
                }
                _ => i += 1,
            }
        }
        i.min(self.src.len())
    }

    /// Blanks the lines of a dead branch up to its group's next `#else`/`#elif`/`#endif`
    /// (nesting honoured), which the main pass then reads.
    fn blank_dead_group(&mut self) {
        let mut depth = 0usize;
        while self.pos < self.src.len() {
            let line_end = self.src[self.pos..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(self.src.len(), |p| self.pos + p);
            let line = &self.src[self.pos..line_end];
            let trimmed_start = line.iter().position(|b| !b.is_ascii_whitespace());
            if let Some((name, _)) = trimmed_start
                .filter(|&s| line[s] == b'#')
                .and_then(|s| directive_words(&line[s..]))
            {
                match name {
                    b"if" | b"ifdef" | b"ifndef" => depth += 1,
                    b"endif" if depth == 0 => return,
                    b"endif" => depth -= 1,
                    b"else" | b"elif" | b"elifdef" | b"elifndef" if depth == 0 => return,
                    _ => {}
                }
            }
            for i in self.pos..line_end {
                if self.out[i] != b'\n' && self.out[i] != b'\r' {
                    self.out[i] = b' ';
                }
            }
            self.pos = (line_end + 1).min(self.src.len());
            if line_end >= self.src.len() {
                self.pos = self.src.len();
            }
        }
    }

    fn identifier(&mut self) {
        let start = self.pos;
        let mut underscore = false;
        while let Some(&b) = self.src.get(self.pos) {
            if CLASS[b as usize] != WORD {
                break;
            }
            underscore |= b == b'_';
            self.pos += 1;
        }
        if !self.configured.is_empty() {
            let word = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("");
            if self
                .configured
                .binary_search_by(|c| c.as_str().cmp(word))
                .is_ok()
            {
                let end = self.argument_list_end(self.pos).unwrap_or(self.pos);
                self.blank(start, end);
                self.pos = end;
                return;
            }
        }
        // Every enum and attribute macro has an underscore; most identifiers stop here.
        if !underscore {
            return;
        }
        let word = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("");
        if word == "_Atomic" {
            // `_Atomic(int) x;`: the type stays.
            if let Some(end) = self.argument_list_end(self.pos) {
                let open = (self.pos..end)
                    .find(|&i| self.src[i] == b'(')
                    .unwrap_or(self.pos);
                self.blank(start, open + 1);
                self.blank(end - 1, end);
                self.pos = open + 1;
            }
        } else if ENUM_MACROS.contains(&word) {
            self.rewrite_enum_macro(start);
        } else if is_attribute_macro(word) && !self.is_a_name(start, word) {
            let end = self.argument_list_end(self.pos).unwrap_or(self.pos);
            if end > self.pos && self.wraps_a_type(start, word, end) {
                // `(XX_SWIFT_ID(T))`: the type stays (`macro_args` unwraps it).
                return;
            }
            self.blank(start, end);
            self.pos = end;
        }
    }

    /// A project macro with arguments that fills a method's type parentheses
    /// (`:(XX_SWIFT_ID(T))`) or a property's type (`@property (strong) XX_SWIFT_ID(T) t;`).
    fn wraps_a_type(&self, start: usize, word: &str, end: usize) -> bool {
        if ATTRIBUTE_MACROS.contains(&word) {
            return false;
        }
        let before = self.src[..start].trim_ascii_end();
        let after = self.src[end..].trim_ascii_start();
        match before.last() {
            Some(b'(') => {
                let outer = before[..before.len() - 1].trim_ascii_end();
                matches!(outer.last(), Some(b'-' | b'+' | b':')) && after.first() == Some(&b')')
            }
            Some(b')') => {
                let mut depth = 0usize;
                let open = before.iter().rposition(|&b| {
                    match b {
                        b')' => depth += 1,
                        b'(' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                });
                open.is_some_and(|o| before[..o].trim_ascii_end().ends_with(b"@property"))
            }
            _ => before.ends_with(b"@property"),
        }
    }

    /// A project macro's spelling used as a name: `x.TRACE_FIELD_UNUSED`, `p->X_UNUSED`,
    /// `NSString *DT_FIELD_UNUSED = @"";` (after `*` and before `;`, `=`, `,` or `)`).
    fn is_a_name(&self, start: usize, word: &str) -> bool {
        if ATTRIBUTE_MACROS.contains(&word) {
            return false;
        }
        // Only this line counts (the line before may end a comment with `.`).
        let before = self.src[..start]
            .iter()
            .rev()
            .take_while(|&&b| b != b'\n')
            .find(|b| !b.is_ascii_whitespace());
        let after = self.src[self.pos..]
            .iter()
            .take_while(|&&b| b != b'\n')
            .find(|b| !b.is_ascii_whitespace());
        let adjacent = start > 0 && !self.src[start - 1].is_ascii_whitespace();
        match before {
            Some(b'.') => adjacent,
            Some(b'>') => adjacent && self.src[..start].ends_with(b"->"),
            Some(b'*') => matches!(after, Some(b';' | b'=' | b',' | b')' | b'[')),
            // `x = X_UNUSED;`, `f(X_UNUSED, y)`: a value.
            Some(b'=' | b'(' | b',') => matches!(after, Some(b';' | b',' | b')')),
            _ => false,
        }
    }

    /// If an argument list `( ... )` follows `from` (after whitespace), the offset after its `)`.
    fn argument_list_end(&self, from: usize) -> Option<usize> {
        let mut i = from;
        while i < self.src.len() && self.src[i].is_ascii_whitespace() {
            i += 1;
        }
        if self.src.get(i) != Some(&b'(') {
            return None;
        }
        let mut depth = 0usize;
        let limit = (i + MAX_MACRO_ARGS).min(self.src.len());
        while i < limit {
            match self.src[i] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b'"' => {
                    i += 1;
                    while i < limit && self.src[i] != b'"' && self.src[i] != b'\n' {
                        i += if self.src[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b';' | b'{' | b'}' => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// `NS_ENUM(NSInteger, Name)` → `enum Name : NSInteger` (padded; same length).
    fn rewrite_enum_macro(&mut self, start: usize) {
        let Some(end) = self.argument_list_end(self.pos) else {
            return;
        };
        let region = &self.src[start..end];
        let Some(open) = region.iter().position(|&b| b == b'(') else {
            return;
        };
        let inner = String::from_utf8_lossy(&region[open + 1..region.len() - 1]).into_owned();
        let args: Vec<&str> = inner.split(',').map(str::trim).collect();
        let is_error_enum = region.starts_with(b"NS_ERROR_ENUM");
        let replacement = match args.as_slice() {
            [_, name] if is_error_enum => format!("enum {name}"),
            // The grammar reads one word after `:` (`unsigned long long` is not read).
            [ty, name] if ty.contains(char::is_whitespace) => format!("enum {name}"),
            [ty, name] => format!("enum {name} : {ty}"),
            [ty] => format!("enum : {ty}"),
            _ => return,
        };
        // On several lines, the replacement goes on the last one (line ends stay).
        let at = region
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(start, |n| start + n + 1);
        if replacement.len() > end - at {
            self.blank(start, self.pos);
            return;
        }
        self.blank_typedef_before(start);
        self.blank(start, end);
        self.out[at..at + replacement.len()].copy_from_slice(replacement.as_bytes());
        self.pos = end;
    }

    /// `typedef enum X : T { } ;` has no declarator: the grammar reads `enum X : T { };` only.
    fn blank_typedef_before(&mut self, start: usize) {
        let before = &self.src[..start];
        let Some(end) = before.iter().rposition(|b| !b.is_ascii_whitespace()) else {
            return;
        };
        let end = end + 1;
        let begins = end.checked_sub(b"typedef".len());
        if let Some(begin) = begins.filter(|&b| &self.src[b..end] == b"typedef") {
            let boundary = begin == 0 || !is_word_byte(self.src[begin - 1]);
            if boundary {
                self.blank(begin, end);
            }
        }
    }

    /// Overwrites `[start, end)` with spaces, keeping line breaks.
    fn blank(&mut self, start: usize, end: usize) {
        for b in &mut self.out[start..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
}

/// A byte of an identifier.
pub(super) fn is_word_byte(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

/// Where the `/* ... */` comment opening at `i` ends (the end of the text if unclosed).
pub(super) fn block_comment_end(text: &[u8], i: usize) -> usize {
    memchr::memmem::find(&text[i + 2..], b"*/").map_or(text.len(), |n| i + 4 + n)
}

/// The directive's name and the rest of its line: `#  if 0` → (`if`, ` 0`).
pub(super) fn directive_words(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = line.strip_prefix(b"#")?;
    let start = rest.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
    let rest = &rest[start..];
    let len = rest
        .iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    Some((&rest[..len], &rest[len..]))
}

/// The value of a conditional directive's condition when it is known: `0`, `1`, and the
/// tests of `__cplusplus` (an undefined macro is 0 in `#if`). `None` for everything else.
pub(super) fn condition(name: &[u8], rest: &[u8], cplusplus: bool) -> Option<bool> {
    let text = String::from_utf8_lossy(rest);
    let cond = text.split("//").next().unwrap_or("");
    let cond = cond.split("/*").next().unwrap_or("");
    let cond: String = cond
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && *c != '\\')
        .collect();
    let plus = cond == "__cplusplus";
    match name {
        b"ifdef" | b"elifdef" => return plus.then_some(cplusplus),
        b"ifndef" | b"elifndef" => return plus.then_some(!cplusplus),
        _ => {}
    }
    match cond.as_str() {
        "0" | "(0)" | "false" | "NO" => Some(false),
        "1" | "(1)" => Some(true),
        "__cplusplus" | "(__cplusplus)" | "defined(__cplusplus)" | "defined__cplusplus" => {
            Some(cplusplus)
        }
        "!__cplusplus" | "!defined(__cplusplus)" | "!defined__cplusplus" => Some(!cplusplus),
        // Without C++, `__cplusplus >= 201103L` and `defined(__cplusplus) && X` are false.
        _ if !cplusplus && is_cplusplus_test(&cond) => Some(false),
        _ => None,
    }
}

/// `__cplusplus >= N`, `__cplusplus > N`, `defined(__cplusplus) && X`, `__cplusplus && X`.
fn is_cplusplus_test(cond: &str) -> bool {
    let version = |rest: &str| {
        let digits = rest.trim_end_matches(['L', 'l']);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if let Some(rest) = cond.strip_prefix("__cplusplus>") {
        return version(rest.strip_prefix('=').unwrap_or(rest));
    }
    [
        "defined(__cplusplus)&&",
        "defined__cplusplus&&",
        "__cplusplus&&",
    ]
    .iter()
    .any(|p| cond.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_attribute_macro_has_an_underscore() {
        // `is_attribute_macro` returns early for words without one.
        for word in ATTRIBUTE_MACROS {
            assert!(word.contains('_'), "{word}");
            assert!(is_attribute_macro(word), "{word}");
        }
    }

    fn run(text: &str) -> String {
        run_as(text, Dialect::ObjC)
    }

    fn run_as(text: &str, dialect: Dialect) -> String {
        let out = String::from_utf8(neutralize(text, dialect).text).unwrap();
        assert_eq!(out.len(), text.len());
        let lines = |s: &str| s.match_indices('\n').map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(lines(&out), lines(text), "line ends moved");
        out
    }

    #[test]
    fn blanks_attribute_macros_keeping_every_offset() {
        let src = "NS_ASSUME_NONNULL_BEGIN\nXX_EXTERN NSString * const K;\n\
                   typedef void (^B)(NSURLSession *s) XX_API_AVAILABLE(ios(10),\n macosx(10.12));\n\
                   - (id)init NS_DESIGNATED_INITIALIZER __attribute__((unused));\nNS_ASSUME_NONNULL_END\n";
        let out = run(src);
        assert_eq!(out.len(), src.len());
        let newlines = |s: &str| -> Vec<usize> {
            s.char_indices()
                .filter(|c| c.1 == '\n')
                .map(|c| c.0)
                .collect()
        };
        assert_eq!(newlines(&out), newlines(src));
        assert!(!out.contains("NS_ASSUME"));
        assert!(!out.contains("XX_"));
        assert!(!out.contains("macosx"));
        assert!(!out.contains("__attribute__"));
        assert!(!out.contains("NS_DESIGNATED"));
        assert!(out.contains("NSString * const K;"));
        assert!(out.contains("typedef void (^B)(NSURLSession *s)"));
        let k = src.find("NSString * const K").unwrap();
        assert_eq!(out.find("NSString * const K").unwrap(), k);
    }

    #[test]
    fn enum_macros_on_two_lines_and_atomic_types() {
        let src = "typedef NS_ERROR_ENUM(\n    XXErrorDomain, XXError) {\n  XXErrorA,\n};\n@interface A () {\n  _Atomic(int) _status;\n}\n@end\n";
        let out = run(src);
        assert!(out.contains("\nenum XXError"), "{out}");
        assert!(!out.contains("typedef") && !out.contains("NS_ERROR_ENUM"));
        assert!(out.contains("         int  _status;"), "{out}");
        let wide =
            "typedef NS_OPTIONS(unsigned long long, F){\n  A = 1 << 1,\n};\n@class NSURLSession;\n";
        assert!(run(wide).starts_with("        enum F  "), "{}", run(wide));
        let names = "// revisit this in the future.\nXX_EXTERN NSString *const K;\nself.a = DT_FIELD_UNUSED;\n";
        let out = run(names);
        assert!(
            !out.contains("XX_EXTERN") && out.contains("self.a = DT_FIELD_UNUSED;"),
            "{out}"
        );
    }

    #[test]
    fn rewrites_ns_enum_to_the_same_length() {
        let src = "typedef NS_ENUM(NSInteger, XXState) {\n  A,\n};";
        let out = run(src);
        assert_eq!(out.len(), src.len());
        let words: Vec<&str> = out.split_whitespace().take(5).collect();
        assert_eq!(words, ["enum", "XXState", ":", "NSInteger", "{"]);
        assert_eq!(out.find('{'), src.find('{'));
    }

    #[test]
    fn leaves_strings_comments_directives_and_ordinary_words() {
        let src = "#define XX_EXTERN extern\nNSString *s = @\"API_AVAILABLE(x)\"; // NS_SWIFT_NAME(y)\nNSLog(NULL);";
        assert_eq!(run(src), src);
        let comments = neutralize(src, Dialect::ObjC).comments;
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].text, "// NS_SWIFT_NAME(y)");
    }

    #[test]
    fn blanks_if_zero_groups_up_to_else() {
        let src = "a;\n#if 0\n[s invalidateAndCancel];\n#if X\ny;\n#endif\n#else\nb;\n#endif\n";
        let out = run(src);
        assert_eq!(out.len(), src.len());
        assert!(!out.contains("invalidate"));
        assert!(!out.contains("y;"));
        assert!(out.contains("#else\nb;\n#endif"));
    }

    const CPP_GUARDED: &str =
        "#ifdef __cplusplus\nnamespace app { class A {}; }\n#else\nstruct A;\n#endif\n\
                               #ifndef __cplusplus\n@class B;\n#else\nclass B;\n#endif\n";

    #[test]
    fn objc_blanks_what_only_cplusplus_reads() {
        let out = run_as(CPP_GUARDED, Dialect::ObjC);
        assert!(!out.contains("namespace"));
        assert!(!out.contains("\nclass B;"));
        assert!(out.contains("struct A;"));
        assert!(out.contains("@class B;"));
        assert_eq!(out.matches("#endif").count(), 2);
    }

    #[test]
    fn objcpp_blanks_what_only_plain_objc_reads() {
        let out = run_as(CPP_GUARDED, Dialect::ObjCpp);
        assert!(out.contains("namespace app { class A {}; }"));
        assert!(out.contains("\nclass B;"));
        assert!(!out.contains("struct A;"));
        assert!(!out.contains("@class B;"));
    }

    #[test]
    fn reads_the_spellings_of_cplusplus_tests() {
        for (cond, objc, objcpp) in [
            ("#if defined(__cplusplus)", Some(false), Some(true)),
            ("#if defined __cplusplus // C++", Some(false), Some(true)),
            ("#if !defined(__cplusplus)", Some(true), Some(false)),
            ("#if __cplusplus >= 201103L", Some(false), None),
            ("#if __cplusplus > 199711L", Some(false), None),
            ("#if __cplusplus >= X", None, None),
            (
                "#if defined(__cplusplus) && __has_feature(x)",
                Some(false),
                None,
            ),
            ("#ifndef __cplusplus /* C */", Some(true), Some(false)),
            ("#ifdef __cplusplusX", None, None),
            ("#if __cplusplus_feature", None, None),
            ("#if 1", Some(true), Some(true)),
            ("#if FOO", None, None),
        ] {
            let (name, rest) = directive_words(cond.as_bytes()).unwrap();
            assert_eq!(condition(name, rest, false), objc, "{cond} in ObjC");
            assert_eq!(condition(name, rest, true), objcpp, "{cond} in ObjC++");
        }
    }

    #[test]
    fn branches_after_a_taken_one_are_dead_and_unknown_ones_stay() {
        let src = "#if FOO\nfoo;\n#elif !defined(__cplusplus)\nplain;\n#elif BAR\nbar;\n#else\nother;\n#endif\n\
                   #if FOO\nfoo2;\n#elif __cplusplus\ncpp;\n#else\nrest;\n#endif\nafter;\n";
        let out = run(src);
        for kept in ["foo;", "plain;", "foo2;", "rest;", "after;"] {
            assert!(out.contains(kept), "{kept} was blanked:\n{out}");
        }
        for dead in ["bar;", "other;", "cpp;"] {
            assert!(!out.contains(dead), "{dead} was kept:\n{out}");
        }
    }

    #[test]
    fn pragmas_and_feature_test_arguments_are_blanked() {
        let src = "#if __has_include(<A/A-Swift.h>)\n#import <A/A-Swift.h>\n#elif __has_include(\"A-Swift.h\") // x\n\
                   #elif __has_cpp_attribute(clang::fallthrough)\n#endif\n\
                   @implementation A {\n  id _a;\n#pragma clang diagnostic push\n  id _b;\n}\n@end\n";
        let out = run(src);
        assert!(out.contains("#if __has_include(             )\n#import <A/A-Swift.h>"));
        assert!(
            out.contains("#elif __has_include(           ) // x"),
            "{out}"
        );
        let blank = " ".repeat("clang::fallthrough".len());
        assert!(out.contains(&format!("#elif __has_cpp_attribute({blank})")));
        assert!(!out.contains("pragma"));
        let pragma = " ".repeat("#pragma clang diagnostic push".len());
        assert!(out.contains(&format!("id _a;\n{pragma}\n  id _b;")));
    }

    #[test]
    fn attribute_macro_spellings_used_as_names_stay() {
        let src = "@property (strong) NSString*   TRACE_FIELD_UNUSED;\nNSString *DT_FIELD_UNUSED = @\"\";\n\
                   f(t.TRACE_FIELD_UNUSED, p->X_UNUSED);\nXX_EXTERN NSString *K XX_UNAVAILABLE;\n\
                   __BEGIN_DECLS\n__used static void h(void) __printflike(1, 2);\n";
        let out = run(src);
        for kept in [
            "NSString*   TRACE_FIELD_UNUSED;",
            "*DT_FIELD_UNUSED =",
            "t.TRACE_FIELD_UNUSED,",
            "p->X_UNUSED",
        ] {
            assert!(out.contains(kept), "{kept} blanked:\n{out}");
        }
        for gone in ["XX_", "__BEGIN", "__used", "__printflike"] {
            assert!(!out.contains(gone), "{gone} kept:\n{out}");
        }
    }

    #[test]
    fn attribute_like_macros_wrapping_a_type_stay_for_macro_args() {
        let src = "+ (void)s:(XX_SWIFT_ID(Tracker))t;\n- (XX_SWIFT_ID(id<P>))g;\n\
                   @property (strong) XX_SWIFT_ID(Buffer)\n    buffer;\n- (void)h XX_SWIFT_NAME(h());\n";
        let out = run(src);
        assert_eq!(out.matches("XX_SWIFT_ID(").count(), 3, "{out}");
        assert!(!out.contains("XX_SWIFT_NAME"));
    }

    #[test]
    fn configured_macros_are_blanked_with_their_arguments() {
        let src = "static CGImageRef Copy(CGImageRef cg_nullable image) {\n  LOG_IT(@\"a\", b);\n  return nil;\n}\n";
        let configured = vec!["LOG_IT".to_string(), "cg_nullable".to_string()];
        let out = String::from_utf8(neutralize_with(src, Dialect::ObjC, configured).text).unwrap();
        assert_eq!(out.len(), src.len());
        assert!(out.contains("(CGImageRef             image)"), "{out}");
        assert!(out.contains("{\n                 ;\n"), "{out}");
        assert_eq!(run(src), src, "without configuration both stay");
    }

    #[test]
    fn nested_and_unbalanced_conditionals_stay_in_step() {
        let src = "#ifdef __cplusplus\n#if X\nx;\n#else\ny;\n#endif\n#else\nkept;\n#endif\n\
                   #endif\n#else\nalso_kept;\n#if FOO\n#else\nlast;\n#endif\n";
        let out = run(src);
        assert!(!out.contains("x;") && !out.contains("y;"));
        assert!(out.contains("kept;") && out.contains("also_kept;") && out.contains("last;"));
    }
}
