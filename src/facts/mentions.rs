//! What each function mentions, gathered once while its facts are fresh in memory (in the
//! parallel per-file phase). The project-wide passes (relevance, the caller index,
//! process-lifetime storage) read these instead of walking every body again: on a large
//! tree those walks touch every fact long after it left the cache.

use super::walk;
use super::{api::Api, Block, Expr, ExprKind, FileFacts, Function, FunctionKind, Name, StmtKind};

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
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
                            static_storage |= super::api::is_once_init(method);
                            names.push(method);
                        }
                        ExprKind::Member { name, .. } | ExprKind::Name(name) => names.push(name),
                        // Which types a body instantiates (singleton checks look it up).
                        ExprKind::Construct { type_name, .. } | ExprKind::TypeRef(type_name) => {
                            names.push(type_name)
                        }
                        ExprKind::Closure(c) => closure_body = Some(&c.body),
                        // `@selector(invalidateAndCancel)`: the session API, named.
                        ExprKind::Selector(method) => {
                            session_api |= super::api::classify_method(method) != Api::Other;
                        }
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
}

/// Names in one allocation: every function keeps its list until the project-wide passes,
/// and one allocation per name was most of the memory left once bodies are packed.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct NameList(Box<str>);

impl NameList {
    /// No name contains it: names are identifiers and selectors, which no grammar lets a NUL into.
    pub const SEPARATOR: char = '\0';

    pub fn new(names: &[&Name]) -> NameList {
        let mut joined =
            String::with_capacity(names.iter().map(|n| n.len() + 1).sum::<usize>() + 1);
        for n in names {
            // Each name follows a separator, so an empty name still counts as one.
            joined.push(Self::SEPARATOR);
            joined.push_str(n);
        }
        if !names.is_empty() {
            // ... and is followed by one: a whole name is one match of `\0name\0`.
            joined.push(Self::SEPARATOR);
        }
        NameList(joined.into_boxed_str())
    }

    /// The names joined, each between two separators (what
    /// [`crate::analyze::mentions::NameSearch`] scans).
    pub fn joined(&self) -> &str {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        // A byte loop: names are short, and a searcher's setup per name showed in profiles.
        let mut rest: &str = &self.0;
        std::iter::from_fn(move || {
            // The last separator closes the last name.
            let tail = rest
                .strip_prefix(Self::SEPARATOR)
                .filter(|t| !t.is_empty())?;
            let end = tail.bytes().position(|b| b == 0).unwrap_or(tail.len());
            let (name, after) = tail.split_at(end);
            rest = after;
            Some(name)
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
