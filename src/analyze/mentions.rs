//! Which functions' mentions matter: [`NameSearch`] over the lists
//! [`crate::facts::mentions`] gathers per function while lowering.

pub use crate::facts::mentions::{index, pack_quiet_bodies, Mentions, NameList};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::collections::HashSet;

impl Mentions {
    /// Can analysing the function find anything, given which names' calls matter? (A body
    /// that neither touches the session API nor names such a function has nothing to say.)
    pub fn relevant(&self, interesting: &NameSearch) -> bool {
        self.session_api || interesting.any_in(&self.names)
    }
}

/// A set of names to look for in every function's [`NameList`]: one pass of an automaton
/// over each list's bytes. A project-wide pass asks this of every function of the tree,
/// several times, and a set lookup per mentioned name was most of the analysis time of a
/// whole-tree run with the prefilter off.
pub struct NameSearch {
    matcher: Matcher,
}

enum Matcher {
    None,
    /// Each name after the separator, as it appears in a list.
    Automaton(AhoCorasick),
    /// Many names (a config's `factories` list can hold any number): building an automaton
    /// over them is superlinear (aho-corasick's state shuffle took minutes for 200,000), a
    /// set is built in linear time and asked once per mentioned name.
    Set(HashSet<String>),
}

/// Names past which a set replaces the automaton. A project's interesting names (functions
/// with a summary, configured factories) number in the hundreds in the 1M-line corpus.
const MAX_AUTOMATON_NAMES: usize = 2_000;

impl NameSearch {
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> NameSearch {
        let names: Vec<&str> = names.into_iter().collect();
        let matcher = if names.is_empty() {
            Matcher::None
        } else if names.len() > MAX_AUTOMATON_NAMES {
            Matcher::Set(names.into_iter().map(str::to_owned).collect())
        } else {
            // Names hold no separator, so `\0name\0` matches only the whole name, and at most
            // one pattern matches at any one place: the first match answers (an overlapping
            // search, which a pattern without the closing separator needed, was slower).
            let patterns: Vec<String> = names
                .iter()
                .map(|n| format!("{0}{n}{0}", NameList::SEPARATOR))
                .collect();
            // A contiguous NFA: the fixpoint builds one per round, and building a DFA over
            // hundreds of names cost more than its faster search saved (analysis -10%).
            Matcher::Automaton(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .expect("a few names make a small automaton"),
            )
        };
        NameSearch { matcher }
    }

    /// Does the list hold one of the names (whole, not a prefix of a longer name)?
    pub fn any_in(&self, list: &NameList) -> bool {
        match &self.matcher {
            Matcher::None => false,
            Matcher::Set(names) => list.iter().any(|n| names.contains(n)),
            Matcher::Automaton(automaton) => automaton.is_match(list.joined()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::walk;
    use crate::facts::Language;
    use crate::facts::{api::Api, ExprKind, FunctionKind, Name, StmtKind};
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
    fn many_names_are_searched_as_a_set_with_the_same_answers() {
        let owned: Vec<Name> = vec!["fetch".into(), "make:with:".into(), "".into()];
        let list = NameList::new(&owned.iter().collect::<Vec<_>>());
        let filler: Vec<String> = (0..MAX_AUTOMATON_NAMES).map(|i| format!("f{i}")).collect();
        let found = |names: &[&str]| {
            let all = filler
                .iter()
                .map(String::as_str)
                .chain(names.iter().copied());
            let search = NameSearch::new(all);
            assert!(matches!(search.matcher, Matcher::Set(_)));
            search.any_in(&list)
        };
        assert!(found(&["fetch"]));
        assert!(found(&["other", "make:with:"]));
        assert!(found(&[""]));
        assert!(!found(&["fetchAll", "fetc", "etch", "make:", "with:"]));
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
        // An empty name last, too.
        let (a, empty): (Name, Name) = ("a".into(), "".into());
        let list = NameList::new(&[&a, &empty]);
        assert_eq!(list.iter().collect::<Vec<_>>(), ["a", ""]);
        assert!(NameSearch::new([""]).any_in(&list));
        assert!(NameSearch::new(["a"]).any_in(&list));
        assert!(!NameSearch::new(["b"]).any_in(&list));
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
                        once |= crate::facts::api::is_once_init(method);
                        names.push(method);
                    }
                    ExprKind::Member { name, .. } | ExprKind::Name(name) => names.push(name),
                    ExprKind::Construct { type_name, .. } | ExprKind::TypeRef(type_name) => {
                        names.push(type_name)
                    }
                    ExprKind::Selector(method) => {
                        api |= crate::facts::api::classify_method(method) != Api::Other;
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
