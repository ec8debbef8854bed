//! The prefilter: skip parsing files that cannot contribute to any finding.
//!
//! Every file is read once. A file whose bytes mention a session API name where it may make
//! or end a session (or a configured factory, releaser or type) is parsed at once; every
//! other file leaves behind only the
//! identifiers it contains ([`Identifiers`], a few hashes a name with the positions they
//! occur in) and its bytes are dropped. The parsed files are then analysed, and the
//! analysis itself says what in another file could change its answer
//! ([`crate::analyze::relevance::Demand`]); the files whose identifiers meet that demand
//! are parsed and the analysis asked again, until nothing new is wanted. Each round is a
//! lookup of a few hundred names in in-memory sets: no file is read or scanned twice, and
//! no automaton is rebuilt. The result is the same as parsing everything
//! (`--no-prefilter`; `tests/prefilter_equivalence.rs` and the fixture harness check both
//! ways), because the demand covers every way the analysis reads another file.

use crate::analyze::relevance::Demand;
use aho_corasick::AhoCorasick;
use memchr::memmem;
use std::collections::HashMap;

/// The fixed words that make a file worth parsing on sight: API and configured names. They
/// match anywhere, as they also occur inside longer names (`NSURLSession`, objc2's
/// `sessionWithConfiguration_delegate_delegateQueue`); the session class's name only where
/// a name ends with it ([`crate::facts::api::ends_session_word`]) and it may make a session
/// ([`crate::facts::api::session_word_may_create`]).
pub struct Seeds {
    /// The session class's name.
    session: memmem::Finder<'static>,
    /// The other words, one vectorised search each (an automaton over all of them scanned a
    /// real tree at a tenth of the speed).
    words: Vec<memmem::Finder<'static>>,
    /// Configured names when there are many of them: one automaton.
    many: Option<AhoCorasick>,
    /// Too many names even for that: every file is a seed.
    all: bool,
}

/// Up to this many configured words are searched one by one.
const FEW_WORDS: usize = 16;

impl Seeds {
    pub fn new(config: &crate::config::Config) -> Seeds {
        let session = crate::facts::api::SESSION_WORD;
        let mut words: Vec<String> = crate::facts::api::API_WORDS
            .iter()
            .filter(|w| **w != session)
            .map(|w| w.to_string())
            .collect();
        // Suppression comments are read (and misspelt ones reported) wherever they are.
        words.push("sessionlint".into());
        let mut configured: Vec<String> = Vec::new();
        for entry in config
            .factories
            .iter()
            .chain(&config.releasers)
            .chain(&config.process_lifetime_types)
        {
            configured.extend(
                entry
                    .split('.')
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
        configured.sort();
        configured.dedup();
        // Building the automaton grows quadratically with some large name sets (200,000
        // `Type.makeN` factories: minutes). Past this many words every file is parsed on
        // sight: the results are the same, the prefilter only saves time.
        const MAX_SEED_WORDS: usize = 5_000;
        let all = configured.len() > MAX_SEED_WORDS;
        let many = (configured.len() > FEW_WORDS && !all).then(|| {
            AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&configured)
                .expect("a few thousand words make an automaton")
        });
        if many.is_none() && !all {
            words.append(&mut configured);
        }
        let finder = |w: &str| memmem::Finder::new(w.as_bytes()).into_owned();
        Seeds {
            session: finder(session),
            words: words.iter().map(|w| finder(w)).collect(),
            many,
            all,
        }
    }

    /// Does a file of `language` with these bytes have a seed: a word, or the session
    /// class's name where it may make a session?
    pub fn matches(&self, bytes: &[u8], language: crate::facts::Language) -> bool {
        use crate::facts::api::{ends_session_word, session_word_may_create};
        let end = self.session.needle().len();
        self.all
            || self.words.iter().any(|w| w.find(bytes).is_some())
            || self.many.as_ref().is_some_and(|ac| ac.is_match(bytes))
            || self.session.find_iter(bytes).any(|at| {
                let rest = &bytes[at + end..];
                ends_session_word(rest) && session_word_may_create(language, &bytes[..at], rest)
            })
    }
}

/// Where an identifier occurs, as flag bits.
mod at {
    /// Anywhere (a bare name, a member, a parameter, a comment).
    pub const ANY: u8 = 1;
    /// Called or declared: followed by `(`, `:` (an ObjC selector part), `]` (`[obj
    /// reset]`), `{` (a trailing closure, an ObjC method body) or `<` (generics).
    pub const CALL: u8 = 2;
    /// Declared as a type (after `class`, `struct`, `enum`, `actor`, `extension`,
    /// `protocol`, `@interface`, `@implementation`, `impl`, `for`, `trait`, `union`) or
    /// constructed (`T(`, `T {`, `T<`, `T.init`, `T::new`, `[T alloc]`, `[T new]`).
    pub const TYPE: u8 = 4;
    /// Maybe declared as a function: after `func` or `fn`; in Objective-C also after a
    /// method's return type (`- (void)name`) or `-`/`+`, after `*` (a C function returning
    /// a pointer), or after another name and before `(` (a C function). Generous: it only
    /// narrows `CALL`.
    pub const DECL: u8 = 8;
    /// Maybe declared as a computed property (a getter): `var name: Type {`, the brace on
    /// that line or the next. A stored `var name: Type = x` is no function.
    pub const GETTER: u8 = 16;
    /// Declared or extended as a type (the declarations of `TYPE`, without constructions).
    pub const TYPE_DECL: u8 = 32;
    /// Where something may be constructed into process-lifetime storage: in a Swift
    /// `static` property's declaration (every name there), a Swift construction outside
    /// every body, a construction in an Objective-C body that declares a `static` local.
    /// A construction there that does not name its type (`Self()`, `[self new]`) marks the
    /// whole file instead ([`STATIC_CONTEXT`]).
    pub const STATIC: u8 = 64;
}

/// Keywords after which the next identifier names a function being declared.
const DECL_KEYWORDS: &[&[u8]] = &[b"func", b"fn"];

/// What a language declares without a keyword the scan can see.
#[derive(Clone, Copy)]
struct Dialect {
    /// Globals and top-level code (Swift): a construction outside every body may be into
    /// process-lifetime storage.
    keywordless_globals: bool,
    /// Functions and methods (Objective-C and C: `void f(`, `- (void)name`, `T *f(`).
    /// Swift and Rust declare every function after `func` / `fn`.
    keywordless_functions: bool,
    /// `static` storage is a declaration's initializer (Swift: no static locals, and a
    /// `static func` body is no storage); elsewhere it marks the whole file.
    static_declarations: bool,
    /// A `/*` inside a block comment opens another (Swift, Rust; not C).
    nested_comments: bool,
    /// Static storage is a function's `static` local (Objective-C: no globals are
    /// analysed): a body that declares one, not the whole file.
    static_locals: bool,
}

/// The identifiers of one file, sorted, each one `u32`: a 25-bit hash above the 7 bits of
/// where it occurs (one word a name: this is most of what a run keeps of a skipped file).
/// A hash collision only makes a file look wanted when it is not: it is parsed for
/// nothing, never skipped wrongly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identifiers {
    entries: Box<[u32]>,
}

/// As little-endian bytes, one run: a cache writes thousands of these, and a number-by-number
/// encoding was most of the time it took.
impl serde::Serialize for Identifiers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = self.entries.iter().flat_map(|e| e.to_le_bytes()).collect();
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> serde::Deserialize<'de> for Identifiers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Identifiers, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Identifiers;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("identifiers as little-endian u32s")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Identifiers, E> {
                if bytes.len() % 4 != 0 {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                let entries = bytes
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                Ok(Identifiers { entries })
            }
        }
        deserializer.deserialize_bytes(Visitor)
    }
}

/// The bits of a packed entry that say where a name occurs.
const FLAG_BITS: u32 = 7;

/// Keywords after which the next identifier names a type being declared or extended.
const TYPE_KEYWORDS: &[&[u8]] = &[
    b"class",
    b"struct",
    b"enum",
    b"actor",
    b"extension",
    b"protocol",
    b"interface",
    b"implementation",
    b"impl",
    b"for",
    b"trait",
    b"union",
];

/// Methods that construct their receiver type (as `project::lifetime::construction` sees it).
const CONSTRUCTORS: &[&[u8]] = &[b"init", b"new", b"alloc", b"default"];

impl Identifiers {
    /// Text scanned with the widest readings (Swift's static storage, C's functions).
    #[cfg(test)]
    pub fn of(bytes: &[u8]) -> Identifiers {
        Identifiers::scan(
            bytes,
            Dialect {
                keywordless_globals: true,
                keywordless_functions: true,
                static_declarations: false,
                nested_comments: true,
                static_locals: false,
            },
        )
    }

    /// Scans a file's `bytes` once. Identifiers are runs of ASCII letters, digits, `_` and
    /// non-ASCII bytes (Swift allows Unicode letters); each is recorded whole and by its
    /// `_`-separated parts (an ObjC ivar `_session`, an objc2 selector `start_withURL`), in
    /// the positions it occurs in. Comments are skipped (nothing in one changes what the
    /// analysis reads) unless one holds a `"`, where a misread string could end; strings
    /// are scanned like code (a Swift string interpolates code).
    pub fn of_file(bytes: &[u8], language: crate::facts::Language) -> Identifiers {
        use crate::facts::Language;
        let dialect = Dialect {
            keywordless_globals: language == Language::Swift,
            keywordless_functions: language == Language::ObjC,
            static_declarations: language == Language::Swift,
            nested_comments: language != Language::ObjC,
            static_locals: language == Language::ObjC,
        };
        Identifiers::scan(bytes, dialect)
    }

    fn scan(bytes: &[u8], dialect: Dialect) -> Identifiers {
        let mut found: Vec<u32> = Vec::with_capacity(bytes.len() / 8);
        // `hashed`: the token's hash and whether it has a `_`, taken while finding its end.
        let record = |found: &mut Vec<u32>, token: &[u8], hashed: (u32, bool), flags: u8| {
            let (whole, underscore) = hashed;
            found.push(pack(whole, flags));
            if underscore {
                for part in token.split(|&b| b == b'_').filter(|p| !p.is_empty()) {
                    found.push(pack(hash(part), flags));
                }
            }
        };
        // Objective-C: the body (a function or method, from its `{` at the top level) being
        // scanned: where its entries start in `found`, and whether it declares a `static`
        // and constructs something without naming its type.
        let mut body: Option<Body> = None;
        // The next identifier is declared as a type (it follows a type keyword, or a type
        // name and `.`/`::` in a qualified declaration `extension Outer.Inner`).
        let mut type_next = false;
        // ... right after its keyword (only white space between: `for (NSString *k in d)`
        // is a loop, `impl Trait for X` a declaration), or after generics or a qualifier.
        let mut type_next_tight = false;
        // The last identifier, and where it ended.
        let mut last: (&[u8], usize) = (b"", 0);
        // The last byte before `i` that is not white space (kept while scanning forward:
        // looking back over each line's indentation was a tenth of the scan).
        let mut last_solid: Option<usize> = None;
        let mut nesting = Nesting::new(dialect.nested_comments);
        // Something here may construct into process-lifetime storage.
        let mut static_context = false;
        // Swift: inside a `static` property's declaration, opened at this brace depth.
        let mut static_declaration: Option<i64> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !is_ident(b) {
                if !b.is_ascii_whitespace() {
                    last_solid = Some(i);
                    let in_code = nesting.state == Lexing::Code;
                    let depth = nesting.depth;
                    nesting.step(bytes, i);
                    if dialect.static_locals && depth != nesting.depth {
                        match (depth, nesting.depth) {
                            (0, 1) => body = Some(Body::at(found.len())),
                            (1, 0) => {
                                if let Some(done) = body.take() {
                                    static_context |= done.close(&mut found);
                                }
                            }
                            _ => {}
                        }
                    }
                    // A quarter of the real corpus is comments: skipped in one search.
                    if in_code && nesting.in_comment() {
                        if let Some(end) = skippable_comment(bytes, i, dialect.nested_comments) {
                            let comment = &bytes[i..end];
                            last_solid = comment
                                .iter()
                                .rposition(|b| !b.is_ascii_whitespace())
                                .map(|at| i + at);
                            nesting.skipped(comment);
                            i = end;
                            continue;
                        }
                    }
                    let ends = static_declaration.is_some_and(|depth| {
                        nesting.depth < depth || b == b';' && nesting.depth == depth
                    });
                    if ends && nesting.state == Lexing::Code {
                        static_declaration = None;
                    }
                } else if b == b'\n' {
                    let ends = static_declaration.is_some_and(|depth| {
                        nesting.depth <= depth
                            && nesting.state == Lexing::Code
                            && !continues_on_next_line(bytes, last_solid, i)
                    });
                    if ends {
                        static_declaration = None;
                    }
                    nesting.end_line();
                } else {
                    // A run of blanks (indentation) in one tight loop.
                    while matches!(bytes.get(i + 1), Some(b' ' | b'\t')) {
                        i += 1;
                    }
                }
                i += 1;
                continue;
            }
            let start = i;
            nesting.line_start = false;
            let before = last_solid.map(|at| (at, bytes[at]));
            // Only white space since the last identifier: it is the word before this one.
            let word_before = match before {
                Some((at, _)) if at + 1 == last.1 && !last.0.is_empty() => Some(last.0),
                _ => None,
            };
            // The hash is taken in the same pass that finds the token's end (a second pass
            // over each token was a tenth of the scan).
            let mut fnv = Fnv::new();
            let mut underscore = false;
            while i < bytes.len() {
                let b = bytes[i];
                if !is_ident(b) {
                    break;
                }
                fnv.add(b);
                underscore |= b == b'_';
                i += 1;
            }
            last_solid = Some(i - 1);
            let token = &bytes[start..i];
            if !nesting.in_comment() {
                if dialect.static_declarations && token == b"static" {
                    // Only a stored property's initializer is storage (Swift has no static
                    // locals): not a `static func` body.
                    let next = skip_space(bytes, i);
                    let word = &bytes[next..next + ident_len(&bytes[next..])];
                    if !matches!(word, b"func" | b"subscript") {
                        let depth =
                            static_declaration.map_or(nesting.depth, |d| d.min(nesting.depth));
                        static_declaration = Some(depth);
                    }
                } else if dialect.static_locals && token == b"static" {
                    if let Some(body) = &mut body {
                        body.declares_static = true;
                    }
                } else if !(dialect.static_locals && token == b"const") {
                    static_context |= marks_static_storage(token, before, last, bytes);
                }
            }
            last = (token, i);
            if token[0].is_ascii_digit() {
                type_next = false;
                continue;
            }
            let next = skip_space(bytes, i);
            let after = bytes.get(next).copied();
            let mut flags = at::ANY;
            if static_declaration.is_some() && !nesting.in_comment() {
                flags |= at::STATIC;
            }
            if matches!(after, Some(b'(' | b':' | b']' | b'{' | b'<')) {
                flags |= at::CALL;
                let declared = word_before.is_some_and(|w| DECL_KEYWORDS.contains(&w))
                    || dialect.keywordless_functions
                        && (matches!(before, Some((_, b'-' | b'+' | b'*')))
                            || matches!(before, Some((at, b')')) if method_return_type(bytes, at))
                            || word_before.is_some() && after == Some(b'('));
                if declared {
                    flags |= at::DECL;
                }
                if word_before == Some(b"var") && after == Some(b':') && computed(bytes, next) {
                    flags |= at::GETTER;
                }
            }
            let declared = type_next;
            let receiver = matches!(before, Some((_, b'[')));
            if declared {
                flags |= at::TYPE;
            } else if constructs(bytes, next, receiver) {
                flags |= at::TYPE;
                // Outside every body: a Swift global's initializer or top-level code. Not a
                // declaration, an attribute (`@available(`), a `#if os(` condition, nor a
                // brace or generics after a supertype or return type (`: Base {`).
                let before_byte = before.map(|(_, b)| b);
                let global = dialect.keywordless_globals
                    && nesting.depth <= 0
                    && nesting.in_code_or_text()
                    && !nesting.directive
                    && flags & at::DECL == 0
                    && before_byte != Some(b'@')
                    && (!matches!(after, Some(b'{' | b'<'))
                        || matches!(before_byte, Some(b'=' | b'(')));
                let unnamed = matches!(token, b"Self" | b"self" | b"super" | b"init");
                if global || static_declaration.is_some() {
                    if unnamed {
                        static_context = true;
                    } else {
                        flags |= at::STATIC;
                    }
                }
                if let Some(body) = &mut body {
                    body.constructs_unnamed |= unnamed;
                }
            }
            if declared && (type_next_tight || word_before.is_some()) {
                flags |= at::TYPE_DECL;
            }
            record(&mut found, token, (fnv.finish(), underscore), flags);
            type_next_tight = false;
            type_next = if is_type_keyword(token) {
                if token == b"impl" && after == Some(b'<') {
                    // `impl<T: Bound> Name<T>`: the name follows the generic parameters.
                    i = skip_generics(bytes, next);
                    last_solid = bytes[..i].iter().rposition(|b| !b.is_ascii_whitespace());
                    type_next_tight = true;
                }
                true
            } else {
                let qualified = after == Some(b'.') || bytes[next..].starts_with(b"::");
                type_next_tight = declared && qualified;
                declared && qualified
            };
        }
        if static_context || !nesting.balanced() {
            found.push(pack(hash(STATIC_CONTEXT), at::ANY));
        }
        Identifiers {
            entries: merge(found).into_boxed_slice(),
        }
    }

    /// Does this file have something the analysis asks for?
    pub fn meets(&self, wanted: &Wanted) -> bool {
        let hits = wanted.index.hits(&self.entries);
        // A group is met only if each of its names is a hit; its groups are found from any
        // one of them.
        let flags = |h: u32| {
            let key = h >> FLAG_BITS;
            hits.binary_search_by_key(&key, |&(k, _)| wanted.index.keys[k as usize])
                .map_or(0, |at| hits[at].1)
        };
        hits.iter().any(|&(k, _)| {
            wanted.index.groups_of[k as usize].iter().any(|&g| {
                wanted.groups[g as usize]
                    .iter()
                    .all(|&(h, f)| flags(h) & f != 0)
            })
        })
    }

    /// Approximate heap bytes held (for the memory budget's tests).
    pub fn heap_bytes(&self) -> usize {
        self.entries.len() * std::mem::size_of::<u32>()
    }
}

/// A name no source can spell, recorded for a file that may construct anything into
/// process-lifetime storage, where the scan cannot tell what: a Rust `static`, `const` or
/// once-cell (`get_or_init`, `KEY.with`), a construction there that does not name its type
/// (`static let shared = Self()`, `[[self alloc] init]` in a body with a `static`), or
/// braces the scan could not follow. Elsewhere the constructions are marked one by one
/// ([`at::STATIC`]). As `project::lifetime` reads storage, with room to spare.
const STATIC_CONTEXT: &[u8] = b"#static";

/// Does `token` (after `before`, the identifier `last`) mark static storage?
fn marks_static_storage(
    token: &[u8],
    before: Option<(usize, u8)>,
    last: (&[u8], usize),
    bytes: &[u8],
) -> bool {
    match token {
        b"static"
        | b"const"
        | b"get_or_init"
        | b"get_or_try_init"
        | b"get_or_insert_with"
        | b"call_once" => true,
        // `KEY.with(...)` on a thread-local's SCREAMING_CASE key.
        b"with" => before.is_some_and(|(dot, b)| {
            b == b'.'
                && bytes[..dot]
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace())
                    .map(|at| at + 1)
                    == Some(last.1)
                && last.0.iter().any(u8::is_ascii_uppercase)
                && !last.0.iter().any(u8::is_ascii_lowercase)
        }),
        _ => false,
    }
}

/// An Objective-C body being scanned (see [`Dialect::static_locals`]).
struct Body {
    /// Where its entries start in the file's.
    start: usize,
    declares_static: bool,
    /// `[self new]`, `[[self alloc] init]`: a construction of the owner, unnamed.
    constructs_unnamed: bool,
}

impl Body {
    fn at(start: usize) -> Body {
        Body {
            start,
            declares_static: false,
            constructs_unnamed: false,
        }
    }

    /// At the body's end: with a `static` local, its constructions may be into it. Marks
    /// them; says whether the whole file must be marked (an unnamed construction).
    fn close(self, found: &mut [u32]) -> bool {
        if !self.declares_static {
            return false;
        }
        for entry in &mut found[self.start..] {
            if *entry & u32::from(at::TYPE) != 0 {
                *entry |= u32::from(at::STATIC);
            }
        }
        self.constructs_unnamed
    }
}

/// How deep in braces the scan is, skipping those in comments and string literals; told
/// every byte that is neither part of a name nor white space (the scan ends a line
/// comment). Nested block comments are followed where the language nests them (Swift,
/// Rust); a file whose braces do not balance counts as having constructions outside every
/// body.
struct Nesting {
    depth: i64,
    /// Below zero at some point: a brace was misread.
    underflow: bool,
    state: Lexing,
    /// Nothing but white space yet on this line.
    line_start: bool,
    /// On a line that starts with `#` (`#if os(iOS)`, `#import`, Rust's `#[cfg(...)]`).
    directive: bool,
    /// See [`Dialect::nested_comments`].
    nested_comments: bool,
}

impl Nesting {
    fn new(nested_comments: bool) -> Nesting {
        Nesting {
            depth: 0,
            underflow: false,
            state: Lexing::Code,
            line_start: true,
            directive: false,
            nested_comments,
        }
    }
}

#[derive(Default, PartialEq, Eq)]
enum Lexing {
    #[default]
    Code,
    LineComment,
    BlockComment(u32),
    Text,
}

impl Nesting {
    fn end_line(&mut self) {
        if self.state == Lexing::LineComment {
            self.state = Lexing::Code;
        }
        self.line_start = true;
        self.directive = false;
    }

    fn step(&mut self, bytes: &[u8], i: usize) {
        if std::mem::take(&mut self.line_start) && bytes[i] == b'#' {
            self.directive = true;
        }
        let next = bytes.get(i + 1).copied();
        match (&mut self.state, bytes[i]) {
            (Lexing::Code, b'{') => self.depth += 1,
            (Lexing::Code, b'}') => {
                self.depth -= 1;
                self.underflow |= self.depth < 0;
            }
            (Lexing::Code, b'"') => self.state = Lexing::Text,
            (Lexing::Code, b'/') if next == Some(b'/') => self.state = Lexing::LineComment,
            (Lexing::Code, b'/') if next == Some(b'*') => self.state = Lexing::BlockComment(0),
            (Lexing::Text, b'"') if !escaped(bytes, i) => self.state = Lexing::Code,
            (Lexing::BlockComment(open), b'/')
                if self.nested_comments && next == Some(b'*') && i > 0 =>
            {
                *open += 1
            }
            (Lexing::BlockComment(open), b'/') if i > 0 && bytes[i - 1] == b'*' => {
                if *open == 0 {
                    self.state = Lexing::Code;
                } else {
                    *open -= 1;
                }
            }
            _ => {}
        }
    }

    /// The scan went past `comment` (from its opening `/`): a block comment is over; a line
    /// comment ends at the newline the scan reads next.
    fn skipped(&mut self, comment: &[u8]) {
        if comment.get(1) == Some(&b'*') {
            self.state = Lexing::Code;
            if memchr::memchr(b'\n', comment).is_some() {
                self.directive = false;
            }
        }
    }

    fn in_comment(&self) -> bool {
        matches!(self.state, Lexing::LineComment | Lexing::BlockComment(_))
    }

    /// Not in a comment (a string's interpolations are code).
    fn in_code_or_text(&self) -> bool {
        matches!(self.state, Lexing::Code | Lexing::Text)
    }

    fn balanced(&self) -> bool {
        self.depth == 0
            && !self.underflow
            && matches!(self.state, Lexing::Code | Lexing::LineComment)
    }
}

/// Where the comment opening at `at` ends, if the scan may skip it: past a block comment's
/// `*/`, at a line comment's newline. Not one that holds a `"`: the scan may have misread a
/// string (a char literal `'"'`, a raw or multi-line string), and then that `"` ends it and
/// code follows. Not a block comment that never ends.
fn skippable_comment(bytes: &[u8], at: usize, nested: bool) -> Option<usize> {
    let rest = &bytes[at..];
    let len = if rest.get(1) == Some(&b'/') {
        memchr::memchr(b'\n', rest).unwrap_or(rest.len())
    } else {
        block_comment_len(rest, nested)?
    };
    memchr::memchr(b'"', &rest[..len])
        .is_none()
        .then_some(at + len)
}

/// The length of the block comment `comment` starts with (`/*`), if it ends.
fn block_comment_len(comment: &[u8], nested: bool) -> Option<usize> {
    let mut open = 0usize;
    let mut i = 2;
    loop {
        let at = i + memchr::memchr2(b'*', b'/', comment.get(i..)?)?;
        let next = comment.get(at + 1).copied();
        match (comment[at], next) {
            (b'*', Some(b'/')) if open == 0 => return Some(at + 2),
            (b'*', Some(b'/')) => {
                open -= 1;
                i = at + 2;
            }
            (b'/', Some(b'*')) if nested => {
                open += 1;
                i = at + 2;
            }
            _ => i = at + 1,
        }
    }
}

/// Does the statement on the line that ends at `newline` go on past it (Swift)? The line
/// ends in an operator or an open bracket, or the next one starts with an operator or `.`.
fn continues_on_next_line(bytes: &[u8], last_solid: Option<usize>, newline: usize) -> bool {
    const JOINERS: &[u8] = b"=([{,.:?+-*/&|<>!^%~\\";
    let ends_open = last_solid.is_some_and(|at| JOINERS.contains(&bytes[at]));
    let next = skip_space(bytes, newline + 1);
    ends_open
        || bytes
            .get(next)
            .is_some_and(|b| JOINERS.contains(b) && *b != b'(')
}

/// The length of the identifier at the start of `bytes`.
fn ident_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !is_ident(b))
        .unwrap_or(bytes.len())
}

/// Is the byte at `i` escaped by an odd run of backslashes?
fn escaped(bytes: &[u8], i: usize) -> bool {
    bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

thread_local! {
    /// [`merge`]'s table, kept empty between files.
    static MERGE: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The entries of `found` merged by name (their flags or-ed), sorted. A file names each of
/// its names about four times: merging in a table first leaves a quarter to sort (sorting
/// them all was a fifth of the scan).
fn merge(found: Vec<u32>) -> Vec<u32> {
    // A huge file sorts: a table for it would stay with the thread.
    if found.len() > 1 << 18 {
        merge_sorting(found)
    } else {
        merge_in_table(found)
    }
}

fn merge_sorting(mut found: Vec<u32>) -> Vec<u32> {
    found.sort_unstable();
    found.dedup_by(|next, kept| {
        let same = *next >> FLAG_BITS == *kept >> FLAG_BITS;
        if same {
            *kept |= *next;
        }
        same
    });
    found
}

fn merge_in_table(found: Vec<u32>) -> Vec<u32> {
    let size = (found.len() * 2).next_power_of_two().max(16);
    let mask = size - 1;
    MERGE.with_borrow_mut(|table| {
        if table.len() < size {
            table.resize(size, 0);
        }
        // Where each name sits: every entry has a flag, so no slot in use holds 0.
        let mut slots: Vec<u32> = Vec::with_capacity(found.len() / 2);
        for entry in found {
            let mut at = (entry >> FLAG_BITS) as usize & mask;
            loop {
                let slot = &mut table[at];
                if *slot == 0 {
                    *slot = entry;
                    slots.push(at as u32);
                    break;
                }
                if *slot >> FLAG_BITS == entry >> FLAG_BITS {
                    *slot |= entry;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        let mut entries: Vec<u32> = slots
            .into_iter()
            .map(|at| std::mem::take(&mut table[at as usize]))
            .collect();
        entries.sort_unstable();
        entries
    })
}

/// A [`Demand`] as hashes, each with the positions that count: a file is wanted when it
/// has every name of one group (sorted: a cache stores them).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(from = "Groups", into = "Groups")]
pub struct Wanted {
    groups: Groups,
    index: Index,
}

type Groups = Vec<Vec<(u32, u8)>>;

impl From<Groups> for Wanted {
    fn from(groups: Groups) -> Wanted {
        let index = Index::new(&groups);
        Wanted { groups, index }
    }
}

impl From<Wanted> for Groups {
    fn from(wanted: Wanted) -> Groups {
        wanted.groups
    }
}

/// The groups' names as a file's entries are keyed, for [`Identifiers::meets`]: each file
/// is matched against every group, and most files have none of the names. So the file's
/// few entries are looked up in the demand (a bitmap rejects nearly all of them at once),
/// not every group's names in the file.
#[derive(Clone, Debug)]
struct Index {
    /// One bit per key's low [`Index::BITS`] bits.
    bloom: Box<[u64]>,
    /// Every group's keys, sorted, once.
    keys: Box<[u32]>,
    /// By position in `keys`: the groups that name it.
    groups_of: Box<[Box<[u32]>]>,
}

impl Index {
    const BITS: u32 = 16;

    fn new(groups: &Groups) -> Index {
        let mut keys: Vec<u32> = groups
            .iter()
            .flatten()
            .map(|&(h, _)| h >> FLAG_BITS)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut bloom = vec![0u64; (1 << Self::BITS) / 64].into_boxed_slice();
        for &key in &keys {
            let bit = key & ((1 << Self::BITS) - 1);
            bloom[(bit / 64) as usize] |= 1 << (bit % 64);
        }
        let mut groups_of: Vec<Vec<u32>> = vec![Vec::new(); keys.len()];
        for (g, group) in groups.iter().enumerate() {
            for &(h, _) in group {
                if let Ok(k) = keys.binary_search(&(h >> FLAG_BITS)) {
                    let of = &mut groups_of[k];
                    if of.last() != Some(&(g as u32)) {
                        of.push(g as u32);
                    }
                }
            }
        }
        Index {
            bloom,
            keys: keys.into_boxed_slice(),
            groups_of: groups_of.into_iter().map(Vec::into_boxed_slice).collect(),
        }
    }

    /// Of `entries` (sorted by key), those the demand names: (position in `keys`, flags).
    fn hits(&self, entries: &[u32]) -> Vec<(u32, u8)> {
        let mut hits = Vec::new();
        for &entry in entries {
            let key = entry >> FLAG_BITS;
            let bit = key & ((1 << Self::BITS) - 1);
            if self.bloom[(bit / 64) as usize] & (1 << (bit % 64)) == 0 {
                continue;
            }
            if let Ok(k) = self.keys.binary_search(&key) {
                hits.push((k as u32, (entry & ((1 << FLAG_BITS) - 1)) as u8));
            }
        }
        hits
    }
}

impl Wanted {
    pub fn new(demand: &Demand) -> Wanted {
        let mut wanted: HashMap<u32, u8> = HashMap::new();
        let mut want = |name: &str, flags: u8| {
            if !name.is_empty() {
                *wanted.entry(hash(name.as_bytes())).or_default() |= flags;
            }
        };
        let mut groups: Vec<Vec<(u32, u8)>> = Vec::new();
        for name in &demand.calls {
            groups.push(function(name, at::CALL));
        }
        // A getter is a namesake only of a function without parameters.
        let declared = |name: &str| {
            if demand.nullary.contains(name) {
                at::DECL | at::GETTER
            } else {
                at::DECL
            }
        };
        for name in demand.declared.iter().chain(&demand.declared_anywhere) {
            groups.push(function(name, declared(name)));
        }
        for (owner, name) in &demand.self_calls {
            let mut group = function(name, at::CALL);
            group.push((hash(owner.as_bytes()), at::ANY));
            groups.push(group);
        }
        for (owner, name) in &demand.declared_in {
            let mut group = function(name, declared(name));
            group.push((hash(owner.as_bytes()), at::ANY));
            groups.push(group);
        }
        // An empty group would want every file; an empty name wants none.
        groups.retain(|group| !group.is_empty());
        for group in &mut groups {
            group.sort_unstable();
            group.dedup();
        }
        for name in &demand.reads {
            want(name, at::ANY);
        }
        for name in &demand.types {
            want(name, at::TYPE_DECL);
            if !name.is_empty() {
                let mut group = vec![(hash(name.as_bytes()), at::TYPE)];
                group.push((hash(STATIC_CONTEXT), at::ANY));
                groups.push(group);
                groups.push(vec![(hash(name.as_bytes()), at::STATIC)]);
            }
        }
        for name in &demand.constructed {
            want(name, at::TYPE);
        }
        for (owner, name, named) in &demand.declared_types {
            // Every part of the name, anywhere: a Swift `init(` or a Rust struct's field has
            // nothing before it that marks a declaration. An ObjC method other than an
            // initializer is declared after its `+`/`-`: its first part where declared (a
            // category that only calls `[NSString stringWithFormat:...]` is no namesake).
            let marked = *named && name.contains(':') && !name.starts_with("init");
            let mut group: Vec<(u32, u8)> = name
                .split(':')
                .filter(|part| !part.is_empty())
                .enumerate()
                .map(|(n, part)| {
                    let flags = if marked && n == 0 { at::DECL } else { at::ANY };
                    (hash(part.as_bytes()), flags)
                })
                .collect();
            group.push((hash(owner.as_bytes()), at::TYPE_DECL));
            group.sort_unstable();
            group.dedup();
            groups.push(group);
        }
        for name in &demand.owners {
            want(name, at::ANY);
        }
        groups.extend(wanted.into_iter().map(|one| vec![one]));
        groups.sort_unstable();
        groups.dedup();
        Wanted::from(groups)
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// A function's name as its calls or declarations spell it: a selector of several parts
/// only where every part is (calls resolve by the whole name), its first part with
/// `first`'s flags and the others as called.
fn function(name: &str, first: u8) -> Vec<(u32, u8)> {
    let mut parts = name.split(':').filter(|p| !p.is_empty());
    let mut group: Vec<(u32, u8)> = parts
        .next()
        .map(|p| (hash(p.as_bytes()), first))
        .into_iter()
        .collect();
    group.extend(parts.map(|p| (hash(p.as_bytes()), at::CALL)));
    group
}

/// A hash's top bits with the flags below them.
fn pack(hash: u32, flags: u8) -> u32 {
    (hash >> FLAG_BITS << FLAG_BITS) | u32::from(flags)
}

fn is_ident(b: u8) -> bool {
    IDENT[usize::from(b)]
}

/// [`is_ident`] as a table: the scan asks it of every byte.
static IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        b += 1;
    }
    table
};

fn is_type_keyword(token: &[u8]) -> bool {
    // Most names are no keyword of these lengths: one comparison of a length.
    matches!(token.len(), 3..=9 | 14) && TYPE_KEYWORDS.contains(&token)
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Does the code at `next` (just after a name) construct the named type: `(`, `{`, `<`,
/// `.init`/`.new`, `::new`/`::default`, or (`receiver`: the name opens an ObjC message) an
/// `alloc`/`new` message to it?
fn constructs(bytes: &[u8], next: usize, receiver: bool) -> bool {
    let rest = &bytes[next.min(bytes.len())..];
    let word_at = |from: usize| {
        let from = skip_space(rest, from).min(rest.len());
        &rest[from..from + ident_len(&rest[from..])]
    };
    match rest.first() {
        Some(b'(' | b'{' | b'<') => true,
        Some(b'.') => CONSTRUCTORS.contains(&word_at(1)),
        Some(b':') if rest.starts_with(b"::") => CONSTRUCTORS.contains(&word_at(2)),
        Some(&b) if receiver && is_ident(b) => matches!(word_at(0), b"alloc" | b"new"),
        _ => false,
    }
}

/// Does the `)` at `close` end an ObjC method's return type (`- (void)`, `+ (instancetype)`)
/// rather than a parameter's type (`:(NSData *)data`) or a cast? Past a long type it says
/// yes: it only narrows what counts as a declaration.
fn method_return_type(bytes: &[u8], close: usize) -> bool {
    const LONGEST: usize = 256;
    let mut depth = 0usize;
    let mut i = close;
    loop {
        match bytes[i] {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    let sign = bytes[..i].iter().rposition(|b| !b.is_ascii_whitespace());
                    return sign.is_some_and(|at| matches!(bytes[at], b'-' | b'+'));
                }
            }
            _ => {}
        }
        if i == 0 || close - i > LONGEST {
            return true;
        }
        i -= 1;
    }
}

/// Does the type after a property's `:` at `colon` open a body (`{` before a `=` or `;`, on
/// its line or first on the next)?
fn computed(bytes: &[u8], colon: usize) -> bool {
    let mut i = colon + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'{' => return true,
            b'=' | b';' | b'}' => return false,
            b'\n' => return bytes.get(skip_space(bytes, i)) == Some(&b'{'),
            _ => i += 1,
        }
    }
    false
}

/// The index just past the `>` that closes the `<` at `open` (an arrow's `>` is not one).
fn skip_generics(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] == b'-' => {}
            b'>' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b'{' | b';' => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

/// FNV-1a, folded to 32 bits: fast on short names, and stable across runs (the cache
/// stores these hashes).
fn hash(bytes: &[u8]) -> u32 {
    let mut fnv = Fnv::new();
    for &b in bytes {
        fnv.add(b);
    }
    fnv.finish()
}

/// [`hash`] a byte at a time.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }

    fn finish(&self) -> u32 {
        (self.0 ^ (self.0 >> 32)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn demand(calls: &[&str], reads: &[&str], types: &[&str]) -> Wanted {
        let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
        Wanted::new(&Demand {
            calls: set(calls),
            reads: set(reads),
            types: set(types),
            ..Default::default()
        })
    }

    fn meets(src: &str, wanted: &Wanted) -> bool {
        Identifiers::of(src.as_bytes()).meets(wanted)
    }

    #[test]
    fn api_names_match_anywhere_and_plain_code_does_not() {
        use crate::facts::Language::{ObjC, Rust, Swift};
        let seeds = Seeds::new(&crate::config::Config::default());
        let seed = |text: &str, language| seeds.matches(text.as_bytes(), language);
        assert!(seed("let s = URLSession(configuration: .default)", Swift));
        assert!(seed(
            "let s = Foundation.URLSession (configuration: c)",
            Swift
        ));
        assert!(seed("let s = URLSession.init(configuration: c)", Swift));
        assert!(seed("[NSURLSession sessionWithConfiguration:c]", ObjC));
        assert!(seed("[[NSURLSession alloc] init]", ObjC));
        assert!(seed("[NSURLSession new]", ObjC));
        assert!(seed("NSURLSession.new", ObjC));
        assert!(seed("s.invalidateAndCancel()", Swift));
        assert!(seed("[s finishTasksAndInvalidate];", ObjC));
        assert!(seed("// sessionlint: ignore SL001", Swift));
        // Rust may rename the class in a `use`: every mention is a seed.
        assert!(seed("use objc2_foundation::NSURLSession as S;", Rust));
        assert!(seed(
            "fn URLSession_didBecomeInvalidWithError(&self) {}",
            Rust
        ));
        assert!(!seed("struct Point { var x: Int }", Swift));
        // The class's name where it only types something, or names the shared session.
        assert!(!seed(
            "func urlSession(_ s: URLSession, task: URLSessionTask) {}",
            Swift
        ));
        assert!(!seed("var s: Foundation.URLSession?", Swift));
        assert!(!seed("let s = URLSession.shared", Swift));
        assert!(!seed("extension URLSession {\n}", Swift));
        assert!(!seed("@property (nonatomic) NSURLSession *session;", ObjC));
        assert!(!seed("@class NSURLSession;", ObjC));
        assert!(!seed("[NSURLSession sharedSession]", ObjC));
        assert!(!seed("id mock = OCMClassMock([NSURLSession class]);", ObjC));
        assert!(!seed("NSArray<NSURLSession *> *all;", ObjC));
        // Objective-C makes one only in a message to the class.
        assert!(seed("[ /* why */\n NSURLSession  new]", ObjC));
        assert!(seed("id s = NSURLSession . new;", ObjC));
        assert!(!seed("// The NSURLSession needs to be made again.", ObjC));
        assert!(!seed("/** Uses NSURLSession. If you want another */", ObjC));
        assert!(!seed(
            "- (instancetype)initWithURLSession:(NSURLSession *)URLSession\n  key:(id)k;",
            ObjC
        ));
        assert!(!seed("self.mockURLSession = OCMClassMock(c);", ObjC));
        // Task, configuration and delegate types name no session.
        assert!(!seed("var task: URLSessionDataTask?", Swift));
        assert!(!seed(
            "@interface A : NSObject <NSURLSessionDelegate>",
            ObjC
        ));
        assert!(!seed("let c = URLSessionConfiguration.default", Swift));
        assert!(!seed(
            "let c: URLSessionDataTask = s.dataTask(with: u)",
            Rust
        ));
    }

    #[test]
    fn configured_names_are_seeds() {
        let config = crate::config::Config {
            factories: vec!["NetworkStack.makeSession".into()],
            ..Default::default()
        };
        assert!(Seeds::new(&config).matches(
            b"let s = stack.makeSession()",
            crate::facts::Language::Swift
        ));
        // A configured name that starts inside a longer `URLSession...` name.
        let config = crate::config::Config {
            factories: vec!["SessionFactory.make".into()],
            ..Default::default()
        };
        assert!(Seeds::new(&config).matches(
            b"let f = URLSessionFactory()",
            crate::facts::Language::Swift
        ));
    }

    #[test]
    fn called_names_match_where_called_or_declared() {
        let wanted = demand(&["reset", "start"], &[], &[]);
        for called in [
            "holder.reset()",
            "[holder reset];",
            "- (void)reset {",
            "func reset<T>(x: T) {}",
            "[holder reset:YES]",
            "holder.reset { done() }",
            "fn reset (&mut self) {}",
            "unsafe { obj.start_withURL(url) }",
            "[self _reset]",
        ] {
            assert!(meets(called, &wanted), "{called}");
        }
        for mentioned in [
            "case (_, .reset): break",
            "case start, reset, finish",
            "let reset = 1",
            "let day = date.startOfDay; restart()",
            "func start\u{e9}() {}",
        ] {
            assert!(!meets(mentioned, &wanted), "{mentioned}");
        }
    }

    #[test]
    fn a_selector_is_wanted_only_where_all_its_parts_are() {
        let wanted = demand(&["setValue:forKey:"], &[], &[]);
        assert!(meets("[d setValue:v forKey:k];", &wanted));
        assert!(meets(
            "- (void)setValue:(id)v forKey:(NSString *)k {",
            &wanted
        ));
        assert!(!meets("[d setValue:v];", &wanted));
        assert!(!meets("[d setValue:v forHTTPHeaderField:k];", &wanted));
    }

    #[test]
    fn declared_names_match_declarations_only() {
        let wanted = Wanted::new(&Demand {
            declared: ["reset".to_string(), "close:now:".to_string()].into(),
            nullary: ["reset".to_string()].into(),
            ..Default::default()
        });
        for declared in [
            "func reset() {}",
            "static func reset<T>(x: T) {}",
            "fn reset(&mut self) {}",
            "var reset: Bool { true }",
            "var reset: [String: Int] {\n  [:]\n}",
            "var reset: Bool\n{\n  true\n}",
            "- (void)reset {",
            "-(void) reset:(BOOL)hard {",
            "+ (void (^)(BOOL))reset {",
            "static void reset(void) {",
            "NSString *reset(int x) {",
            "- (void)close:(id)s now:(BOOL)n {",
        ] {
            assert!(meets(declared, &wanted), "{declared}");
        }
        for called in [
            "holder.reset()",
            "[holder reset];",
            "reset()",
            "let r = reset(x)",
            "[s close:x now:YES];",
            "- (void)close:(id)s {",
            "- (BOOL)canReset:(NSData *)reset {",
            "x = (id)reset(y);",
            "var reset: Bool = true",
            "var reset: Bool\nfunc other() {}",
        ] {
            assert!(!meets(called, &wanted), "{called}");
        }
        // A getter is no namesake of a function with parameters.
        let with_params = Wanted::new(&Demand {
            declared: ["reset".to_string()].into(),
            ..Default::default()
        });
        assert!(!meets("var reset: Bool { true }", &with_params));
        assert!(meets("func reset(_ x: Int) {}", &with_params));
    }

    #[test]
    fn only_objective_c_declares_functions_without_a_keyword() {
        use crate::facts::Language;
        let wanted = Wanted::new(&Demand {
            declared_anywhere: ["check".to_string()].into(),
            ..Default::default()
        });
        let meets_as =
            |text: &str, language| Identifiers::of_file(text.as_bytes(), language).meets(&wanted);
        assert!(meets_as("func check(_ v: T) {}", Language::Swift));
        assert!(!meets_as(
            "let v = make()\nreturn check(v)",
            Language::Swift
        ));
        assert!(!meets_as("let v = a - check(b)", Language::Swift));
        assert!(meets_as("pub fn check(v: T) {}", Language::Rust));
        assert!(!meets_as(
            "let v = make();\nreturn check(v)",
            Language::Rust
        ));
        assert!(meets_as("static void check(id v) {}", Language::ObjC));
        assert!(meets_as("NSString *check(id v);", Language::ObjC));
        assert!(meets_as("- (void)check:(id)v {", Language::ObjC));
    }

    #[test]
    fn self_calls_are_wanted_where_the_owner_is_named() {
        let wanted = Wanted::new(&Demand {
            self_calls: [("Client".to_string(), "reset".to_string())].into(),
            ..Default::default()
        });
        assert!(meets("extension Client { func f() { reset() } }", &wanted));
        assert!(meets(
            "class Sub: Client { func f() { self.reset() } }",
            &wanted
        ));
        assert!(!meets("extension Other { func f() { reset() } }", &wanted));
        assert!(!meets("let c = Client()", &wanted));
    }

    #[test]
    fn read_names_match_anywhere_as_whole_identifiers() {
        let wanted = demand(&[], &["session"], &[]);
        assert!(meets("let s = self.session", &wanted));
        assert!(meets("foo(_session);", &wanted));
        assert!(!meets("let s = self.sessions", &wanted));
    }

    #[test]
    fn types_match_where_declared_or_constructed_into_static_storage() {
        let wanted = demand(&[], &[], &["Client"]);
        for declared_or_static in [
            "final class Client: NSObject {",
            "extension Client {",
            "extension Module.Client {",
            "@interface Client ()",
            "@implementation Client (Teardown)",
            "impl Drop for Client {",
            "impl<T: Fn() -> u8> Client<T> {",
            "impl<'a> Client<'a> {",
            "struct Client;",
            "static let shared = Client()",
            "final class Hub {\n    static let shared = Client.init()\n}",
            "const DEFAULT: Client = Client { session };",
            "static X: LazyLock<Client> = LazyLock::new(Client::new);",
            "fn f() { CLIENT.with(|c| c.set(Client::new())) }",
            "fn f() { ONCE.get_or_init(Client::new) }",
            "+ (id)shared { static Client *s; s = [[Client alloc] init]; return s; }",
            // A Swift global or top-level code.
            "let shared = Client()",
            "#if DEBUG\n  let shared = Client<Int>()\n#endif",
            "run(Client())",
            // Braces it cannot follow.
            "func f() {\n  let c = Client()\n",
        ] {
            assert!(meets(declared_or_static, &wanted), "{declared_or_static}");
        }
        for elsewhere in [
            "let c: Client = x",
            "Client.shared.fetch()",
            "(Client *)delegate",
            "fn f(c: &Client) {}",
            "let clients = 1",
            "// a Client new to this file",
            ".with(Client.self)",
            // Constructions in a body, with no static storage in the file.
            "final class ClientTests: XCTestCase {\n    func test() {\n        let c = Client()\n        let s = \"}\" // }\n    }\n}\n",
            "//  Copyright (c) 2024\n@available(iOS 13, *)\nfinal class A: Client {\n  func f() -> Client { Client() }\n}\n",
            "#if os(iOS) || os(tvOS)\nfunc make() -> Client {\n    Client()\n}\n#endif\n",
        ] {
            assert!(!meets(elsewhere, &wanted), "{elsewhere}");
        }
        // Swift's static storage is a `static` property's initializer, to the end of its
        // declaration; a `static func` body, a comment or another declaration is not.
        let swift = |text: &str| {
            Identifiers::of_file(text.as_bytes(), crate::facts::Language::Swift).meets(&wanted)
        };
        for stored in [
            "class A {\n  static let shared = Client()\n}\n",
            "class A {\n  static let shared: Client = {\n    let c = Client(); c.x = 1\n    return c\n  }()\n}\n",
            "class A {\n  static let shared =\n    Client()\n}\n",
            "class A {\n  static let shared = Hub\n    .make(Client())\n}\n",
            "class A {\n  private nonisolated(unsafe) static var all: [Client] = [Client()]\n}\n",
            "class A {\n  static let n = 1\n  static var c = Client()\n}\n",
        ] {
            assert!(swift(stored), "{stored}");
        }
        for not_stored in [
            "class A {\n  static func make() -> Client { Client() }\n}\n",
            "class A {\n  static let n = 1\n  func f() { let c = Client() }\n}\n",
            "class A {\n  // a static value\n  func f() { let c = Client() }\n}\n",
            "class A {\n  static let n = 1; func f() { let c = Client() }\n}\n",
        ] {
            assert!(!swift(not_stored), "{not_stored}");
        }
        // Static storage of another type does not make this one's constructions wanted;
        // one that does not name its type (the enclosing one) makes every one wanted.
        for other in [
            "class A {\n  static let shared = Hub()\n  func f() { let c = Client() }\n}\n",
            "let hub = Hub()\nfunc f() { let c = Client() }\n",
        ] {
            assert!(!swift(other), "{other}");
        }
        for unnamed in [
            "class A {\n  static let shared = Self()\n  func f() { let c = Client() }\n}\n",
            "class A {\n  static let shared: A = .init()\n  func f() { let c = Client() }\n}\n",
        ] {
            assert!(swift(unnamed), "{unnamed}");
        }
        // Objective-C's static storage is a function's `static` local: a construction in a
        // body that declares one, or anywhere once one constructs its owner unnamed.
        let objc = |text: &str| {
            Identifiers::of_file(text.as_bytes(), crate::facts::Language::ObjC).meets(&wanted)
        };
        for stored in [
            "+ (instancetype)shared {\n  static Client *c;\n  static dispatch_once_t once;\n  dispatch_once(&once, ^{ c = [[Client alloc] init]; });\n  return c;\n}\n",
            "Client *shared(void) {\n  static Client *c = nil;\n  if (!c) { c = [Client new]; }\n  return c;\n}\n",
            "+ (instancetype)shared {\n  static id s;\n  s = [[self alloc] init];\n  return s;\n}\n- (void)f {\n  Client *c = [[Client alloc] init];\n}\n",
        ] {
            assert!(objc(stored), "{stored}");
        }
        for not_stored in [
            "static NSString *const kName = @\"n\";\n- (void)f {\n  Client *c = [[Client alloc] init];\n}\n",
            "+ (instancetype)shared {\n  static Hub *h;\n  h = [[Hub alloc] init];\n  return h;\n}\n- (void)f {\n  Client *c = [[Client alloc] init];\n}\n",
            "- (void)f {\n  const int n = 1;\n  Client *c = [[Client alloc] init];\n}\n",
        ] {
            assert!(!objc(not_stored), "{not_stored}");
        }
        // An ObjC or Rust file has no global without a keyword.
        let objc = b"void f(void) { Client *c = [[Client alloc] init]; }\nClient *make(void);";
        let names = Identifiers::of_file(objc, crate::facts::Language::ObjC);
        assert!(!names.meets(&wanted));
        let rust = b"fn make() -> Client {\n    Client { session }\n}\n";
        let names = Identifiers::of_file(rust, crate::facts::Language::Rust);
        assert!(!names.meets(&wanted));
        // Once a static instance is known and others would change the verdict, any
        // construction is wanted.
        let counted = Wanted::new(&Demand {
            types: BTreeSet::from(["Client".to_string()]),
            constructed: BTreeSet::from(["Client".to_string()]),
            ..Default::default()
        });
        assert!(meets("func test() {\n    let c = Client()\n}\n", &counted));
    }

    #[test]
    fn a_type_s_own_function_is_wanted_where_the_type_is_declared() {
        let wanted = Wanted::new(&Demand {
            declared_types: [
                ("Keeper".to_string(), "init".to_string(), false),
                ("Store".to_string(), "initWithTransport:".to_string(), true),
                (
                    "NSString".to_string(),
                    "stringWithSession:".to_string(),
                    true,
                ),
            ]
            .into(),
            ..Default::default()
        });
        for declared in [
            "final class Keeper {\n    init(transport: AnyObject) {}\n}",
            "extension Keeper {\n    convenience init(x: Int) { self.init() }\n}",
            "impl<T> Keeper<T> {\n    fn init() {}\n}",
            "@implementation Store\n- (instancetype)initWithTransport:(id)t { return self; }\n@end",
            "@interface Store (Extra)\n- (instancetype)initWithTransport:(id)t;\n@end",
            "@interface NSString (Sessions)\n+ (instancetype)stringWithSession:(id)s;\n@end",
        ] {
            assert!(meets(declared, &wanted), "{declared}");
        }
        for used in [
            "let k = Keeper(transport: s) // init",
            "@implementation NSString (Log)\n- (id)log { return [NSString stringWithSession:self]; }\n@end",
            "for (Store *s in all) { [s initWithTransport:t]; }",
            "final class Other {\n    init() { _ = Keeper.self }\n}",
        ] {
            assert!(!meets(used, &wanted), "{used}");
        }
    }

    #[test]
    fn both_merges_give_each_name_once_with_all_its_flags() {
        // Names that share their table slot's low bits, repeated with other flags.
        let found: Vec<u32> = (0..5_000u32)
            .map(|i| pack((i % 701).wrapping_mul(0x9e37_79b1) << 3, 1 << (i % 7)))
            .collect();
        let sorted = merge_sorting(found.clone());
        assert_eq!(merge_in_table(found), sorted);
        assert_eq!(sorted.len(), 701);
        assert!(sorted.iter().all(|e| e & 0x7f == 0x7f), "every flag kept");
        // The table is left empty for the next file.
        assert_eq!(merge_in_table(vec![pack(7 << FLAG_BITS, 1)]).len(), 1);
    }

    #[test]
    fn identifiers_come_back_from_their_bytes_as_they_were() {
        let names = Identifiers::of(b"final class Client { func start(_ s: URLSession) {} }");
        let bytes = postcard::to_allocvec(&names).unwrap();
        assert_eq!(postcard::from_bytes::<Identifiers>(&bytes).unwrap(), names);
        assert!(postcard::from_bytes::<Identifiers>(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn names_in_comments_are_not_wanted_but_code_around_them_is() {
        use crate::facts::Language::{ObjC, Rust, Swift};
        let wanted = demand(&["reset"], &[], &[]);
        let of = |src: &str, language| Identifiers::of_file(src.as_bytes(), language);
        for language in [Swift, ObjC, Rust] {
            for quiet in [
                "// call reset() when done\nlet a = 1",
                "/* reset() */ x = 1",
                "/**\n * reset()\n */\nx = 1",
                "x = 1 // then reset()",
                "/* reset() never ends",
            ] {
                let quiet_here = !quiet.contains("never ends");
                assert_eq!(
                    !of(quiet, language).meets(&wanted),
                    quiet_here,
                    "{language:?}: {quiet}"
                );
            }
            for heard in [
                "/* a */ reset()",
                "// a\nreset()",
                "x = 1 /* a\n b */ + 2; reset()",
                // A comment with a quote is read: the quote may end a misread string.
                "let c = '\"'; s = \"a /* b\"; reset() /* \" */",
                "// say \"reset()\"",
            ] {
                assert!(of(heard, language).meets(&wanted), "{language:?}: {heard}");
            }
        }
        // A block comment nests in Swift and Rust, not in Objective-C.
        let nested = "/* a /* b */ reset() */";
        assert!(!of(nested, Swift).meets(&wanted));
        assert!(!of(nested, Rust).meets(&wanted));
        assert!(of(nested, ObjC).meets(&wanted));
    }

    #[test]
    fn a_demand_wants_the_same_files_after_a_cache_round_trip() {
        let wanted = Wanted::new(&Demand {
            calls: ["setValue:forKey:".to_string(), "reset".to_string()].into(),
            types: ["Client".to_string()].into(),
            ..Default::default()
        });
        let bytes = postcard::to_allocvec(&wanted).unwrap();
        let back: Wanted = postcard::from_bytes(&bytes).unwrap();
        for src in [
            "[d setValue:v forKey:k];",
            "[d setValue:v];",
            "x.reset()",
            "class Client {}",
            "let c = Client()",
            "static let c = Client()",
        ] {
            assert_eq!(meets(src, &back), meets(src, &wanted), "{src}");
        }
        assert!(meets("[d setValue:v forKey:k];", &back));
        assert!(!meets("[d setValue:v];", &back));
    }

    #[test]
    fn an_empty_demand_wants_nothing() {
        let wanted = demand(&[], &[], &[]);
        assert!(wanted.is_empty());
        assert!(!meets("class A { func f() { g() } }", &wanted));
    }
}
