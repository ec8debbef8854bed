//! The prefilter: skip parsing files that cannot contribute to any finding.
//!
//! A file matters when its bytes mention a session API name, or a name the files already
//! parsed make interesting: a callable function that can have a non-empty summary (it
//! creates or invalidates a session, or calls one that can: calling it is a creation or
//! an invalidation, and a namesake elsewhere changes how calls resolve), or a type that
//! owns a session or such a function (an extension, a singleton declaration or a `Drop` of
//! it elsewhere changes the verdict). Functions that only make tasks or use the shared
//! session do not spread: a call of a function with an empty summary, resolved or not,
//! only lets its arguments escape (the contract with `analyze::flow`'s call handling).
//! Rounds repeat until no new name appears, so the result is the same as parsing
//! everything (`--no-prefilter`; the fixture harness checks both ways).

use crate::analyze::walk;
use crate::facts::api::{self, Api};
use crate::facts::{ExprKind, FileFacts, FunctionKind};
use crate::project::resolve;
use aho_corasick::AhoCorasick;
use std::collections::{BTreeMap, BTreeSet};

/// The words that make a file worth parsing.
pub struct Words {
    /// API and configured names: they match anywhere, as they also occur inside longer
    /// names (`NSURLSession`, objc2's `sessionWithConfiguration_delegate_delegateQueue`).
    seeds: BTreeSet<String>,
    seed_matcher: AhoCorasick,
    /// Names the project's own code made interesting: they match whole identifiers only, so
    /// a method `start` does not pull in every file that says `restart` or `startOfDay`
    /// (a different identifier is never a call or declaration of that name).
    names: BTreeSet<String>,
    name_matcher: Option<NameMatcher>,
    /// The names that came from functions, with the arities those functions take.
    arities: BTreeMap<String, BTreeSet<usize>>,
    /// The names that came from types (owners of sessions or of session code).
    types: BTreeSet<String>,
    /// The names that came from getters (reached by a bare name or a member access).
    getters: BTreeSet<String>,
}

/// Names too common to be worth chasing (they are never factories or owner types alone).
const TOO_COMMON: &[&str] = &[
    "init", "deinit", "dealloc", "drop", "new", "main", "self", "Self",
];

impl Words {
    pub fn initial(config: &crate::config::Config) -> Words {
        let mut words: BTreeSet<String> = api::API_WORDS.iter().map(|w| w.to_string()).collect();
        // Suppression comments are read (and misspelt ones reported) wherever they are.
        words.insert("sessionlint".into());
        for entry in config
            .factories
            .iter()
            .chain(&config.releasers)
            .chain(&config.process_lifetime_types)
        {
            words.extend(entry.split('.').map(str::to_string));
        }
        Words {
            seed_matcher: automaton(&words),
            seeds: words,
            names: BTreeSet::new(),
            name_matcher: None,
            arities: BTreeMap::new(),
            types: BTreeSet::new(),
            getters: BTreeSet::new(),
        }
    }

    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.seed_matcher.is_match(bytes)
            || self.name_matcher.as_ref().is_some_and(|m| m.matches(bytes))
    }

    /// A matcher for what `self` adds to `scanned` (names that are new, or that now match
    /// anywhere rather than only as calls): a file `scanned` rejected can only match `self`
    /// through those, so later rounds scan for them alone.
    pub fn added_since(&self, scanned: &Words) -> Option<NameMatcher> {
        let call_only = |w: &Words, n: &str| w.is_call_only(n);
        let fresh: Vec<(&String, bool)> = self
            .names
            .iter()
            .filter(|n| {
                !scanned.names.contains(*n) || (scanned.is_call_only(n) && !call_only(self, n))
            })
            .map(|n| (n, call_only(self, n)))
            .collect();
        NameMatcher::new(fresh)
    }

    fn is_call_only(&self, name: &str) -> bool {
        !self.types.contains(name) && !self.getters.contains(name)
    }

    /// Can a call of `method` with `arity` arguments reach a function that matters? A name
    /// only matters with the arity of the function it came from: the analysis resolves
    /// calls by name and arity, so `store.get(key)` never reaches `get(_:completion:)`.
    fn may_call(&self, method: &str, arity: usize) -> bool {
        let method = method.split(':').next().unwrap_or(method);
        self.seeds.contains(method) || self.arities.get(method).is_some_and(|a| a.contains(&arity))
    }

    /// Can `body` give its function a non-empty summary (a factory, a releaser, an
    /// invalidator of its type's members)? It must create or invalidate a session, or call
    /// (or, for a getter, name) a function that can. Making tasks on a session or using
    /// the shared one does not: a call of such a function, resolved or not, lets its
    /// arguments escape and nothing else, so its callers and namesakes do not matter.
    fn touches(&self, body: &crate::facts::Block) -> bool {
        let mut found = false;
        walk::each_expr(body, true, &mut |e| {
            if found {
                return;
            }
            found = match &e.kind {
                ExprKind::NewSession(_) => true,
                ExprKind::Call {
                    api: Api::Invalidate { .. },
                    ..
                } => true,
                ExprKind::Call { method, args, .. } => self.may_call(method, args.len()),
                // A bare name or member reaches a computed property (a getter) at most.
                ExprKind::Member { name, .. } | ExprKind::Name(name) => {
                    self.seeds.contains(name) || self.getters.contains(name)
                }
                _ => false,
            };
        });
        found
    }

    /// Adds the names `facts` make interesting; returns the grown set if any name was new.
    pub fn grow(&self, facts: &[&FileFacts]) -> Option<Words> {
        let mut arities = self.arities.clone();
        let mut types = self.types.clone();
        let mut getters = self.getters.clone();
        for ff in facts {
            for f in &ff.functions {
                if !self.touches(&f.body) {
                    continue;
                }
                // Only callable functions are reached by calls (initializers, deinits and
                // property initializers matter through their owner type).
                if let Some(word) = word(&f.name).filter(|_| crate::project::is_callable(f)) {
                    arities
                        .entry(word.to_string())
                        .or_default()
                        .insert(resolve::arity_of(f));
                    if f.kind == FunctionKind::Getter {
                        getters.insert(word.to_string());
                    }
                }
                if let Some(owner) = f.owner.as_deref().and_then(word) {
                    types.insert(owner.to_string());
                }
            }
            for t in &ff.types {
                if t.members.iter().any(|m| m.declared_session) {
                    if let Some(name) = word(&t.name) {
                        types.insert(name.to_string());
                    }
                }
            }
        }
        arities.retain(|w, _| !self.seeds.contains(w));
        types.retain(|w| !self.seeds.contains(w));
        let names: BTreeSet<String> = arities.keys().chain(&types).cloned().collect();
        getters.retain(|w| !self.seeds.contains(w));
        let grew = names.len() > self.names.len() || arities != self.arities;
        grew.then(|| {
            let mut grown = Words {
                seeds: self.seeds.clone(),
                seed_matcher: self.seed_matcher.clone(),
                name_matcher: None,
                names,
                arities,
                types,
                getters,
            };
            let all = grown
                .names
                .iter()
                .map(|n| (n, grown.is_call_only(n)))
                .collect();
            grown.name_matcher = NameMatcher::new(all);
            grown
        })
    }
}

/// Whole-identifier matching of the names the project's code made interesting.
pub struct NameMatcher {
    automaton: AhoCorasick,
    /// Per pattern: only a call or declaration of it matters, not `case reset` or a
    /// closure parameter `start` (the name came only from non-getter functions).
    call_only: Vec<bool>,
}

impl NameMatcher {
    fn new(names: Vec<(&String, bool)>) -> Option<NameMatcher> {
        if names.is_empty() {
            return None;
        }
        let call_only = names.iter().map(|(_, c)| *c).collect();
        let automaton = build(names.iter().map(|(n, _)| n.as_str()));
        Some(NameMatcher {
            automaton,
            call_only,
        })
    }

    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.automaton.find_overlapping_iter(bytes).any(|hit| {
            is_whole_identifier(bytes, hit.start(), hit.end())
                && (!self.call_only[hit.pattern().as_usize()]
                    || is_call_or_declaration(bytes, hit.end()))
        })
    }
}

fn automaton(words: &BTreeSet<String>) -> AhoCorasick {
    build(words.iter().map(String::as_str))
}

/// A DFA: the word sets are small (tens to a few hundred names) and every byte of every
/// file passes through it, overlapping search included.
fn build<'a>(words: impl IntoIterator<Item = &'a str>) -> AhoCorasick {
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(words)
        .expect("prefilter words build an automaton")
}

/// Is `bytes[start..end]` a whole identifier (or an `_`-separated part of one: an ObjC
/// ivar `_session`, an objc2 selector `start_withURL`)? Non-ASCII bytes count as
/// identifier characters (Swift allows Unicode letters in names).
fn is_whole_identifier(bytes: &[u8], start: usize, end: usize) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    let before = start.checked_sub(1).and_then(|i| bytes.get(i));
    !before.is_some_and(|&b| ident(b)) && !bytes.get(end).is_some_and(|&b| ident(b))
}

/// Is the identifier ending at `end` called or declared: followed by `(` (Swift, Rust, C;
/// also `func f(` and `fn f(`), `:` (an ObjC selector part), `]` (`[obj reset]`), `{` (a
/// Swift trailing closure, an ObjC method body `- (void)reset {`) or `<` (generics)?
fn is_call_or_declaration(bytes: &[u8], end: usize) -> bool {
    let next = bytes[end.min(bytes.len())..]
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    matches!(next, Some(b'(' | b':' | b']' | b'{' | b'<'))
}

/// A name as it appears at call sites (an ObjC selector by its first part), unless it is
/// too short or too common to be worth chasing.
fn word(name: &str) -> Option<&str> {
    let word = name.split(':').next().unwrap_or(name);
    (word.len() >= 3 && !TOO_COMMON.contains(&word)).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names_match_and_plain_code_does_not() {
        let w = Words::initial(&crate::config::Config::default());
        assert!(w.matches(b"let s = URLSession(configuration: .default)"));
        assert!(w.matches(b"[NSURLSession sharedSession]"));
        assert!(!w.matches(b"struct Point { var x: Int }"));
    }

    #[test]
    fn project_names_match_whole_identifiers_only() {
        let w = Words::initial(&crate::config::Config::default());
        let mut names = BTreeSet::new();
        names.insert("start".to_string());
        let w = Words {
            name_matcher: NameMatcher::new(vec![(&"start".to_string(), false)]),
            names,
            ..w
        };
        assert!(w.matches(b"manager.start(url)"));
        assert!(w.matches(b"[self start];"));
        assert!(w.matches(b"unsafe { obj.start_withURL(url) }"));
        assert!(w.matches(b"- (void)start;"));
        assert!(w.matches(b"start"));
        assert!(!w.matches(b"let day = date.startOfDay; restart()"));
        assert!(!w.matches(b"func start\xC3\xA9() {}"));
        // A miss next to a hit must not hide it (overlapping matches are all checked).
        assert!(w.matches(b"restart(); start()"));
    }

    #[test]
    fn function_names_match_where_called_or_declared() {
        let w = Words::initial(&crate::config::Config::default());
        let mut names = BTreeSet::new();
        names.insert("reset".to_string());
        let w = Words {
            name_matcher: NameMatcher::new(vec![(&"reset".to_string(), true)]),
            names,
            ..w
        };
        for called in [
            "holder.reset()",
            "[holder reset];",
            "- (void)reset {",
            "func reset<T>(x: T) {}",
            "[holder reset:YES]",
            "holder.reset { done() }",
            "fn reset (&mut self) {}",
        ] {
            assert!(w.matches(called.as_bytes()), "{called}");
        }
        for mentioned in [
            "case (_, .reset): break",
            "case start, reset, finish",
            "let reset = 1",
        ] {
            assert!(!w.matches(mentioned.as_bytes()), "{mentioned}");
        }
    }

    #[test]
    fn configured_names_are_words_from_the_start() {
        let config = crate::config::Config {
            factories: vec!["NetworkStack.makeSession".into()],
            ..Default::default()
        };
        let w = Words::initial(&config);
        assert!(w.matches(b"let s = stack.makeSession()"));
    }
}
