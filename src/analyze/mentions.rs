//! What each function mentions, gathered once while its facts are fresh in memory (in the
//! parallel per-file phase). The project-wide passes (relevance, the caller index,
//! process-lifetime storage) read these instead of walking every body again: on a large
//! tree those walks touch every fact long after it left the cache.

use super::walk;
use crate::facts::{
    api::Api, Block, Expr, ExprKind, FileFacts, Function, FunctionKind, Name, StmtKind,
};
use aho_corasick::{AhoCorasick, AhoCorasickKind};

#[derive(Clone, Debug, Default)]
pub struct Mentions {
    /// Creates a session, reads the shared one, or calls a session API.
    pub session_api: bool,
    /// Names the body calls or reads (calls, members, bare names), closures included;
    /// sorted, each once.
    pub names: NameList,
    /// Has a `static` local or calls a once-initialiser (`dispatch_once`-style storage).
    pub static_storage: bool,
    /// How deep the body nests, in blocks and expressions (as [`walk::depth_within`] counts).
    pub depth: usize,
}

impl Mentions {
    pub fn of(f: &Function) -> Mentions {
        enum Item<'a> {
            Block(&'a Block),
            Expr(&'a Expr),
        }
        let mut session_api = false;
        let mut static_storage = false;
        let mut names: Vec<&Name> = Vec::new();
        let mut deepest = 0;
        // One pass over the body, closures included: each item with its depth (counted as
        // `walk::depth_within` counts it) and whether it sits inside a closure.
        let mut stack = vec![(Item::Block(&f.body), 0usize, false)];
        let (mut blocks, mut exprs) = (Vec::new(), Vec::new());
        while let Some((item, depth, in_closure)) = stack.pop() {
            deepest = deepest.max(depth);
            let mut closure_body = None;
            match item {
                Item::Block(block) => {
                    for stmt in block {
                        // A closure's `static` is its own business, not the function's storage.
                        static_storage |= !in_closure
                            && matches!(
                                stmt.kind,
                                StmtKind::Let {
                                    is_static: true,
                                    ..
                                }
                            );
                        walk::stmt_parts(&stmt.kind, &mut blocks, &mut exprs);
                    }
                }
                Item::Expr(e) => {
                    match &e.kind {
                        ExprKind::NewSession(_) | ExprKind::SharedSession => session_api = true,
                        ExprKind::Call { api, method, .. } => {
                            session_api |= *api != Api::Other;
                            static_storage |= crate::project::lifetime::is_once_init(method);
                            names.push(method);
                        }
                        ExprKind::Member { name, .. } | ExprKind::Name(name) => names.push(name),
                        // Which types a body instantiates (singleton checks look it up).
                        ExprKind::Construct { type_name, .. } | ExprKind::TypeRef(type_name) => {
                            names.push(type_name)
                        }
                        ExprKind::Closure(c) => closure_body = Some(&c.body),
                        _ => {}
                    }
                    walk::push_children(e, &mut exprs);
                }
            }
            stack.extend(
                blocks
                    .drain(..)
                    .map(|b| (Item::Block(b), depth + 1, in_closure)),
            );
            stack.extend(closure_body.map(|b| (Item::Block(b), depth + 1, true)));
            stack.extend(
                exprs
                    .drain(..)
                    .map(|e| (Item::Expr(e), depth + 1, in_closure)),
            );
        }
        names.sort_unstable();
        names.dedup();
        Mentions {
            session_api,
            names: NameList::new(&names),
            static_storage,
            depth: deepest,
        }
    }

    /// Can analysing the function find anything, given which names' calls matter? (A body
    /// that neither touches the session API nor names such a function has nothing to say.)
    pub fn relevant(&self, interesting: &NameSearch) -> bool {
        self.session_api || interesting.any_in(&self.names)
    }
}

/// Names in one allocation: every function keeps its list until the project-wide passes,
/// and one allocation per name was most of the memory left once bodies are packed.
#[derive(Clone, Debug, Default)]
pub struct NameList(Box<str>);

impl NameList {
    /// No name contains it: names are identifiers and selectors, which no grammar lets a NUL into.
    const SEPARATOR: char = '\0';

    pub fn new(names: &[&Name]) -> NameList {
        let mut joined = String::with_capacity(names.iter().map(|n| n.len() + 1).sum());
        for n in names {
            // Each name follows a separator, so an empty name still counts as one.
            joined.push(Self::SEPARATOR);
            joined.push_str(n);
        }
        NameList(joined.into_boxed_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        // A byte loop: names are short, and a searcher's setup per name showed in profiles.
        let mut rest: &str = &self.0;
        std::iter::from_fn(move || {
            let tail = rest.strip_prefix(Self::SEPARATOR)?;
            let end = tail.bytes().position(|b| b == 0).unwrap_or(tail.len());
            let (name, after) = tail.split_at(end);
            rest = after;
            Some(name)
        })
    }
}

/// A set of names to look for in every function's [`NameList`]: one pass of an automaton
/// over each list's bytes. A project-wide pass asks this of every function of the tree,
/// several times, and a set lookup per mentioned name was most of the analysis time of a
/// whole-tree run with the prefilter off.
pub struct NameSearch {
    /// Each name after the separator, as it appears in a list; `None` for no names.
    automaton: Option<AhoCorasick>,
}

impl NameSearch {
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> NameSearch {
        let patterns: Vec<String> = names
            .into_iter()
            .map(|n| format!("{}{n}", NameList::SEPARATOR))
            .collect();
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&patterns)
                .expect("a few names make a small automaton")
        });
        NameSearch { automaton }
    }

    /// Does the list hold one of the names (whole, not a prefix of a longer name)?
    pub fn any_in(&self, list: &NameList) -> bool {
        let Some(automaton) = &self.automaton else {
            return false;
        };
        let bytes = list.0.as_bytes();
        automaton.find_overlapping_iter(bytes).any(|m| {
            bytes
                .get(m.end())
                .is_none_or(|&b| b as char == NameList::SEPARATOR)
        })
    }
}

/// The mentions of every function of a file, in order.
pub fn index(facts: &FileFacts) -> Vec<Mentions> {
    facts.functions.iter().map(Mentions::of).collect()
}

/// Bodies nested deeper than this stay live: packing and unpacking recurse once per level.
const PACK_DEPTH: usize = 512;

/// Packs the bodies that no project-wide pass reads unconditionally (see
/// [`crate::facts::Body`]): a body is read only if it touches the session API, has static
/// storage, is a global initializer, or names a function or member that the analysis finds
/// interesting; the last is rare, and such a body is unpacked when it is read.
pub fn pack_quiet_bodies(facts: &mut FileFacts) {
    for (f, m) in facts.functions.iter_mut().zip(&facts.mentions) {
        let always_read =
            m.session_api || m.static_storage || f.kind == FunctionKind::GlobalInitializer;
        if !always_read && m.depth <= PACK_DEPTH {
            f.body.pack();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Language;
    use std::path::Path;

    #[test]
    fn a_name_search_finds_whole_names_only() {
        let owned: Vec<Name> = vec!["fetch".into(), "make:with:".into(), "".into()];
        let list = NameList::new(&owned.iter().collect::<Vec<_>>());
        let found = |names: &[&str]| NameSearch::new(names.iter().copied()).any_in(&list);
        assert!(found(&["fetch"]));
        assert!(found(&["other", "make:with:"]));
        assert!(found(&[""]), "an empty name is a name");
        assert!(!found(&["fetchAll", "fetc", "etch", "make:", "with:"]));
        assert!(!found(&[]));
        let without_empty = NameList::new(&owned[..2].iter().collect::<Vec<_>>());
        assert!(!NameSearch::new([""]).any_in(&without_empty));
        assert!(!NameSearch::new(["x"]).any_in(&NameList::default()));
    }

    #[test]
    fn a_name_list_gives_back_its_names() {
        let names: Vec<Name> = vec!["".into(), "a".into(), "initWithConfiguration:".into()];
        for n in 0..=names.len() {
            let refs: Vec<&Name> = names[..n].iter().collect();
            let list = NameList::new(&refs);
            assert_eq!(list.iter().collect::<Vec<_>>(), names[..n], "{n} names");
        }
        assert_eq!(NameList::default().iter().count(), 0);
    }

    #[test]
    fn only_bodies_no_pass_reads_unconditionally_are_packed() {
        let src = r#"
let sharedClient = Client()

final class Client {
    func makeSession() -> URLSession {
        URLSession(configuration: .default)
    }
    func refresh() {
        let s = makeSession()
        keep(s)
    }
    func render() {
        label.text = "hello"
    }
}
"#;
        let mut facts = crate::frontend::lower(Language::Swift, src, Path::new("a.swift"));
        facts.mentions = index(&facts);
        let before: Vec<String> = facts
            .functions
            .iter()
            .map(|f| format!("{:?}", *f.body))
            .collect();
        pack_quiet_bodies(&mut facts);
        let packed: Vec<(&str, bool)> = facts
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.body.is_packed()))
            .collect();
        assert!(packed.contains(&("makeSession", false)), "{packed:?}");
        // `refresh` only names `makeSession`: whether that matters is known project-wide.
        assert!(packed.contains(&("refresh", true)), "{packed:?}");
        assert!(packed.contains(&("render", true)), "{packed:?}");
        assert!(
            facts
                .functions
                .iter()
                .any(|f| f.kind == FunctionKind::GlobalInitializer && !f.body.is_packed()),
            "{packed:?}"
        );
        let after: Vec<String> = facts
            .functions
            .iter()
            .map(|f| format!("{:?}", *f.body))
            .collect();
        assert_eq!(before, after);
    }

    /// The one-pass walk against the walks it replaced: the same names, flags and depth
    /// for every function of every fixture.
    #[test]
    fn one_walk_finds_what_the_separate_walks_found() {
        let mut checked = 0;
        let mut saw_static = false;
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let found = crate::discover::discover(&[fixtures], false).expect("fixtures");
        for entry in found.files {
            let Some(language) = Language::from_path(&entry) else {
                continue;
            };
            let text = std::fs::read_to_string(&entry).unwrap();
            let facts = crate::frontend::lower(language, &text, &entry);
            for f in &facts.functions {
                let m = Mentions::of(f);
                let mut names: Vec<&Name> = Vec::new();
                let (mut api, mut once) = (false, false);
                walk::each_expr(&f.body, true, &mut |e| match &e.kind {
                    ExprKind::NewSession(_) | ExprKind::SharedSession => api = true,
                    ExprKind::Call { api: a, method, .. } => {
                        api |= *a != Api::Other;
                        once |= crate::project::lifetime::is_once_init(method);
                        names.push(method);
                    }
                    ExprKind::Member { name, .. } | ExprKind::Name(name) => names.push(name),
                    ExprKind::Construct { type_name, .. } | ExprKind::TypeRef(type_name) => {
                        names.push(type_name)
                    }
                    _ => {}
                });
                let mut is_static = false;
                walk::each_stmt(&f.body, &mut |stmt| {
                    is_static |= matches!(
                        stmt.kind,
                        StmtKind::Let {
                            is_static: true,
                            ..
                        }
                    );
                });
                names.sort_unstable();
                names.dedup();
                let at = format!("{} in {}", f.name, entry.display());
                assert_eq!(m.names.iter().collect::<Vec<_>>(), names, "{at}");
                assert_eq!(m.session_api, api, "{at}");
                assert_eq!(m.static_storage, once || is_static, "{at}");
                assert_eq!(
                    Some(m.depth),
                    walk::depth_within(&f.body, usize::MAX),
                    "{at}"
                );
                saw_static |= is_static;
                checked += 1;
            }
        }
        assert!(checked > 200, "checked {checked} functions");
        assert!(saw_static, "no fixture has a static local");
    }

    #[test]
    fn a_static_inside_a_block_is_not_the_functions_storage() {
        let src = "void f(void) { dispatch_async(q, ^{ static int n; n++; }); }\nvoid g(void) { static int n; }\n";
        let facts = crate::frontend::lower(Language::ObjC, src, Path::new("a.m"));
        let storage: Vec<(&str, bool)> = facts
            .functions
            .iter()
            .map(|f| (f.name.as_str(), Mentions::of(f).static_storage))
            .collect();
        assert_eq!(storage, [("f", false), ("g", true)]);
    }
}
