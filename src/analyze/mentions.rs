//! What each function mentions, gathered once while its facts are fresh in memory (in the
//! parallel per-file phase). The project-wide passes (relevance, the caller index,
//! process-lifetime storage) read these instead of walking every body again: on a large
//! tree those walks touch every fact long after it left the cache.

use super::walk;
use crate::facts::{api::Api, ExprKind, FileFacts, Function, Name, StmtKind};

#[derive(Clone, Debug, Default)]
pub struct Mentions {
    /// Creates a session, reads the shared one, or calls a session API.
    pub session_api: bool,
    /// Names the body calls or reads (calls, members, bare names), closures included;
    /// sorted, each once.
    pub names: Box<[Name]>,
    /// Has a `static` local or calls a once-initialiser (`dispatch_once`-style storage).
    pub static_storage: bool,
}

impl Mentions {
    pub fn of(f: &Function) -> Mentions {
        let mut session_api = false;
        let mut static_storage = false;
        let mut names: Vec<&Name> = Vec::new();
        walk::each_expr(&f.body, true, &mut |e| match &e.kind {
            ExprKind::NewSession(_) | ExprKind::SharedSession => session_api = true,
            ExprKind::Call { api, method, .. } => {
                session_api |= *api != Api::Other;
                static_storage |= crate::project::lifetime::is_once_init(method);
                names.push(method);
            }
            ExprKind::Member { name, .. } | ExprKind::Name(name) => names.push(name),
            _ => {}
        });
        walk::each_stmt(&f.body, &mut |stmt| {
            static_storage |= matches!(
                stmt.kind,
                StmtKind::Let {
                    is_static: true,
                    ..
                }
            );
        });
        names.sort_unstable();
        names.dedup();
        Mentions {
            session_api,
            names: names.into_iter().cloned().collect(),
            static_storage,
        }
    }

    /// Can analysing the function find anything, given which names' calls matter? (A body
    /// that neither touches the session API nor names such a function has nothing to say.)
    pub fn relevant(&self, interesting: impl Fn(&str) -> bool) -> bool {
        self.session_api || self.names.iter().any(|n| interesting(n))
    }
}

/// The mentions of every function of a file, in order.
pub fn index(facts: &FileFacts) -> Vec<Mentions> {
    facts.functions.iter().map(Mentions::of).collect()
}
