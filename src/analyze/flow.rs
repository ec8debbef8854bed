//! The session dataflow over one body's CFG.
//!
//! A forward may-analysis. The state maps locals to the session *sources* they may hold
//! (a creation in this body, the shared session, a member of `self`, a parameter, a captured
//! outer local), and tracks which creations are still live (not invalidated, not handed to
//! an owner), which sources were invalidated, and what each session member holds. After the
//! fixpoint, one more pass over every node records the events the rules ask about.

use super::cfg::{self, Cfg, NodeId, NodeKind};
use super::reason::Reason;
use super::summary::{Callee, Summaries};
use super::walk;
use crate::facts::{
    api::Api, Block, Closure, Creation, Expr, ExprKind, Function, FunctionKind, Name, Span,
    StmtKind,
};
use crate::project::{resolve, FnId, Project};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Where a session value may come from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Src {
    /// A creation in this body (index into [`BodyAnalysis::creations`]).
    New(usize),
    Shared,
    /// A stored member of `self`.
    Member(Name),
    /// The n-th parameter.
    Param(usize),
    /// A local of the enclosing body, captured by this closure.
    Outer(Name),
}

type Value = BTreeSet<Src>;

/// Where a session a value may hold comes from, as the prefilter's demand sees it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The body's own: made, shared, a member holding one.
    Own,
    /// A local of the enclosing body, captured by this closure: once the enclosing body is
    /// analysed, its own if that local ever holds anything, else nothing.
    Captured(Name),
    /// What the body's parameter holds.
    Param(usize),
    /// What a closure's parameter holds, bound by calls the analysis does not see. Such a
    /// value is only ever invalidated, used or handed on: where it is stored or kept makes
    /// no finding (no creation, no summary), so it matters only to a callee that
    /// invalidates it.
    ClosureParam,
}

/// What a member of `self` may hold at a point (a set of possibilities).
mod hold {
    pub const VALID: u8 = 1;
    pub const INVALIDATED: u8 = 2;
    pub const NIL: u8 = 4;
    pub const UNKNOWN: u8 = 8;
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct State {
    /// Shared between states until one changes it: most nodes bind no local, and each
    /// visit of a node copied every local of the body.
    env: Rc<BTreeMap<Name, Value>>,
    /// Live creations, with the last early exit taken since (for the diagnostic's label).
    live: BTreeMap<usize, Option<Span>>,
    /// Sources invalidated on some path here, with where.
    invalidated: BTreeMap<Src, Span>,
    /// Session members of `self` and what they may hold.
    members: BTreeMap<Name, u8>,
    /// Captured outer locals (closures only) not yet invalidated on some path here, with the
    /// last early exit taken since, like `live`.
    outer_live: BTreeMap<Name, Option<Span>>,
}

/// Joins an early exit into a live entry (the later one wins); true if it changed.
fn join_exit<K: Ord + Clone>(
    map: &mut BTreeMap<K, Option<Span>>,
    key: &K,
    via: Option<Span>,
) -> bool {
    match map.get_mut(key) {
        Some(mine) => {
            let joined = later_exit(*mine, via);
            let changed = joined != *mine;
            *mine = joined;
            changed
        }
        None => {
            map.insert(key.clone(), via);
            true
        }
    }
}

impl State {
    /// Joins `other` into `self`; true if `self` changed. (Comparing against a copy taken
    /// before was a sixth of the analysis: every join cloned the whole state.)
    fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        if !Rc::ptr_eq(&self.env, &other.env) {
            for (k, v) in other.env.iter() {
                let grows = self.env.get(k).is_none_or(|mine| !v.is_subset(mine));
                if grows {
                    let env = Rc::make_mut(&mut self.env);
                    match env.get_mut(k) {
                        Some(mine) => mine.extend(v.iter().cloned()),
                        None => {
                            env.insert(k.clone(), v.clone());
                        }
                    }
                    changed = true;
                }
            }
        }
        for (id, via) in &other.live {
            changed |= join_exit(&mut self.live, id, *via);
        }
        for (src, span) in &other.invalidated {
            match self.invalidated.get_mut(src) {
                Some(mine) if *span < *mine => {
                    *mine = *span;
                    changed = true;
                }
                Some(_) => {}
                None => {
                    self.invalidated.insert(src.clone(), *span);
                    changed = true;
                }
            }
        }
        for (m, flags) in &other.members {
            match self.members.get_mut(m) {
                Some(mine) => {
                    changed |= *mine | flags != *mine;
                    *mine |= flags;
                }
                None => {
                    self.members.insert(m.clone(), *flags);
                    changed = true;
                }
            }
        }
        for (n, via) in &other.outer_live {
            changed |= join_exit(&mut self.outer_live, n, *via);
        }
        changed
    }
}

/// Prefers an explicit early exit, then the earliest one: a total order, so joins terminate.
fn later_exit(a: Option<Span>, b: Option<Span>) -> Option<Span> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) | (None, x) => x,
    }
}

/// A creation site: a session constructor, or a call of a factory.
#[derive(Clone, Debug)]
pub struct CreationSite {
    pub span: Span,
    /// `None` when created by a factory call.
    pub creation: Option<Creation>,
    /// The factory's name, when created by one.
    pub factory: Option<Name>,
    pub in_loop: bool,
    /// The first local it was bound to, for messages.
    pub binding: Option<Name>,
}

/// A path on which a creation is lost without invalidation.
#[derive(Clone, Debug)]
pub struct Leak {
    pub creation: usize,
    /// The early exit the path took, if any.
    pub via: Option<Span>,
    /// The creation ran again while the previous one was live (a loop).
    pub per_iteration: bool,
}

#[derive(Clone, Debug)]
pub struct MemberStore {
    pub owner: Name,
    pub member: Name,
    /// The assignment (or the value, for constructor fields).
    pub span: Span,
    /// Creations stored.
    pub creations: Vec<usize>,
    /// The member was known to hold a valid session that this store replaces.
    pub replaces_valid: bool,
}

/// Everything the rules need to know about one body.
#[derive(Clone, Debug, Default)]
pub struct BodyAnalysis {
    pub creations: Vec<CreationSite>,
    pub leaks: Vec<Leak>,
    /// Per creation: invalidated on some path.
    pub invalidated_somewhere: Vec<bool>,
    /// Per creation: handed to an owner or to unknown code on some path.
    pub escaped_somewhere: Vec<bool>,
    /// `invalidate...` calls on the shared session.
    pub shared_invalidations: Vec<Span>,
    /// (task call, earlier invalidation) pairs.
    pub tasks_after_invalidation: Vec<(Span, Span)>,
    pub member_stores: Vec<MemberStore>,
    /// Members of `self` invalidated here (directly, by alias or by a releaser call).
    pub member_invalidations: Vec<(Name, Span)>,
    /// Members of `self` handed to unknown code.
    pub member_escapes: BTreeSet<Name>,
    /// Members of `self` whose session visible code also stores into another object's
    /// member: (own member, that owner, that member). The owner still holds it.
    pub member_shares: BTreeSet<(Name, Name, Name)>,
    pub returns_new: bool,
    pub invalidates_params: BTreeSet<usize>,
    /// Parameters handed to code the analysis cannot follow (the caller's session escapes).
    pub escapes_params: BTreeSet<usize>,
    /// Parameters stored into a member: (parameter, owning type, member).
    pub stores_params: BTreeSet<(usize, Name, Name)>,
    /// Captured outer locals stored into another object's member: (local, owner, member, at).
    pub outer_stored: Vec<(Name, Name, Name, Span)>,
    pub outer_invalidated: BTreeSet<Name>,
    /// Where each of `outer_invalidated` is first invalidated.
    pub outer_invalidated_at: BTreeMap<Name, Span>,
    pub outer_escaped: BTreeSet<Name>,
    /// Functions this body calls (resolved).
    pub callees: BTreeSet<FnId>,
    /// Types whose declarations this body looked up: for a store of what may be a session
    /// into another object (`params.session = s`), or the supertypes a `super.init(...)`
    /// resolves in. The prefilter's demand.
    pub types_read: BTreeSet<Name>,
    /// Like `types_read`, for a store of what only a parameter may hold: (parameter, type).
    /// It matters only if some call hands that parameter a session (`passes`).
    pub types_read_params: BTreeSet<(usize, Name)>,
    /// Like `types_read`, for a store of what only a captured local may hold: (local,
    /// type), resolved with the enclosing body.
    pub types_read_captured: BTreeSet<(Name, Name)>,
    /// Calls the analysis could not resolve, handed what may be a session: (where that may
    /// come from, the type whose function it would be, the function). One declared in a
    /// file not parsed yet would be followed, so such declarations are part of the
    /// prefilter's demand (not the type's constructions elsewhere). No type: a call that
    /// resolves by name alone (a free function, a receiver of unknown type), declared
    /// anywhere. The flag: the function is named (a method), not a construction's labels.
    pub declarations_read: BTreeSet<(Origin, Option<Name>, Name, bool)>,
    /// What this body hands to the functions it calls: (callee, argument, where what it
    /// hands may come from, whether the call resolved by name alone). Who can hand a
    /// function a session is the fixpoint of these (`relevance::reached`).
    pub passes: BTreeSet<(FnId, usize, Origin, bool)>,
    /// Functions whose summary this body read (not its closures'): its analysis can change
    /// only when one of these summaries grows.
    pub summaries_read: BTreeSet<FnId>,
    /// The closures directly inside this body, each analysed as a body of its own.
    pub closures: Vec<BodyAnalysis>,
    /// Per creation: why it left this body without a leak (for `--explain`).
    pub reasons: Vec<Vec<Reason>>,
    /// Creations returned while still live (the body is a factory of these).
    pub returned_creations: BTreeSet<usize>,
    /// Captured outer locals invalidated on some paths of this closure but not on all, with
    /// the early exit of a path that skips it.
    pub outer_partly: BTreeMap<Name, Option<Span>>,
    /// Of a closure: where what each of its locals ever holds comes from. Read (and
    /// emptied) when the enclosing function settles what its closures hand on.
    pub local_origins: BTreeMap<Name, BTreeSet<Origin>>,
}

impl BodyAnalysis {
    /// This body and every closure nested in it.
    pub fn all(&self) -> Vec<&BodyAnalysis> {
        let mut out = vec![self];
        let mut i = 0;
        while i < out.len() {
            out.extend(out[i].closures.iter());
            i += 1;
        }
        out
    }
}

/// The context a body is analysed in.
pub struct Body<'a> {
    pub function: &'a Function,
    pub block: &'a Block,
    pub params: &'a [Name],
    /// For closures: the enclosing body's locals, which this body captures.
    pub outer: BTreeSet<Name>,
    /// A closure (whose parameters no call the analysis sees binds).
    pub is_closure: bool,
}

/// Entry state of a member of `self` (see [`hold`]); `None` for members not holding sessions.
pub type MemberEntry<'a> = &'a dyn Fn(&str) -> Option<u8>;

pub fn analyze(
    project: &Project,
    summaries: &Summaries,
    body: &Body<'_>,
    member_entry: MemberEntry<'_>,
) -> BodyAnalysis {
    let cfg = cfg::build(body.block);
    let locals = declared_locals(body.block, body.params);
    let (closures, closure_analyses) =
        analyze_closures(project, summaries, body, &locals, member_entry);
    let mut cx = Cx {
        project,
        summaries,
        body,
        locals: &locals,
        local_types: local_types(body.function),
        closures: &closures,
        cfg: &cfg,
        out: BodyAnalysis::default(),
        record: false,
        creation_ids: BTreeMap::new(),
    };

    let mut entry = State::default();
    let env = Rc::make_mut(&mut entry.env);
    for (i, p) in body.params.iter().enumerate() {
        env.insert(p.clone(), Value::from([Src::Param(i)]));
    }
    for o in &body.outer {
        env.insert(o.clone(), Value::from([Src::Outer(o.clone())]));
        entry.outer_live.insert(o.clone(), None);
    }
    if let Some(owner) = &body.function.owner {
        for m in project.members_of(owner) {
            if m.is_static {
                continue;
            }
            if let Some(flags) = member_entry(&m.name) {
                entry.members.insert(m.name.clone(), flags);
            }
        }
    }
    // A delegate callback's first parameter is the session that calls it: one the owner
    // stores (`urlSession(_:task:didCompleteWithError:)` invalidating `session` ends it).
    if body.outer.is_empty() && crate::facts::api::is_delegate_callback(&body.function.name) {
        if let Some(first) = body.params.first() {
            let stored = entry.members.keys().map(|m| Src::Member(m.clone()));
            Rc::make_mut(&mut entry.env)
                .entry(first.clone())
                .or_default()
                .extend(stored);
        }
    }

    let states = cx.fixpoint(entry);
    // What the closures hand on of a captured local comes from what that local ever
    // holds where it is declared: here, or in an enclosing closure.
    let mut closure_analyses = closure_analyses;
    let mut locals: BTreeMap<Name, BTreeSet<Origin>> = BTreeMap::new();
    for st in states.iter().flatten() {
        for (n, v) in st.env.iter() {
            match locals.get_mut(n) {
                Some(origins) => origins.extend(cx.origins_iter(v, st)),
                None => {
                    locals.insert(n.clone(), cx.origins_iter(v, st).collect());
                }
            }
        }
    }
    let exit_outer_live = states[cfg.exit]
        .as_ref()
        .map(|exit| exit.outer_live.clone());
    // The final pass takes each state as the fixpoint left it.
    cx.record = true;
    for (id, state) in states.into_iter().enumerate() {
        if let Some(state) = state {
            if id == cfg.exit {
                for (&c, &via) in &state.live {
                    cx.out.leaks.push(Leak {
                        creation: c,
                        via,
                        per_iteration: false,
                    });
                }
            }
            cx.transfer(id, state);
        }
    }
    if let Some(outer_live) = exit_outer_live {
        // After the whole pass: `outer_invalidated` is complete only now.
        cx.out.outer_partly = outer_live
            .into_iter()
            .filter(|(n, _)| cx.out.outer_invalidated.contains(n))
            .collect();
    }
    if body.is_closure {
        // A local no state holds a value in holds nothing.
        for n in declared_locals(body.block, body.params) {
            locals.entry(n).or_default();
        }
        cx.out.local_origins = locals;
    } else {
        // A closure's own locals resolve through its `local_origins` (`resolve_captures`).
        for c in &mut closure_analyses {
            resolve_captures(c, &locals);
        }
    }
    let mut out = cx.out;
    out.closures = closure_analyses;
    out.leaks
        .sort_by_key(|l| (l.creation, l.via, l.per_iteration));
    out.leaks
        .dedup_by_key(|l| (l.creation, l.via, l.per_iteration));
    out.tasks_after_invalidation.sort();
    out.tasks_after_invalidation.dedup();
    out.shared_invalidations.sort();
    out.shared_invalidations.dedup();
    out.member_invalidations.sort();
    out.member_invalidations.dedup();
    for reasons in &mut out.reasons {
        reasons.sort();
        reasons.dedup();
    }
    out
}

/// Settles what a closure (and the closures in it) hands on or stores of captured locals:
/// where what the local holds in the function comes from (`captured`), or nothing.
fn resolve_captures(a: &mut BodyAnalysis, captured: &BTreeMap<Name, BTreeSet<Origin>>) {
    let of = |n: &Name| captured.get(n).into_iter().flatten().cloned();
    let mut passes = BTreeSet::new();
    for (callee, arg, from, by_name) in std::mem::take(&mut a.passes) {
        match from {
            Origin::Captured(n) => {
                passes.extend(of(&n).map(|from| (callee, arg, from, by_name)));
            }
            from => {
                passes.insert((callee, arg, from, by_name));
            }
        }
    }
    a.passes = passes;
    for (from, ty, f, named) in std::mem::take(&mut a.declarations_read) {
        match from {
            Origin::Captured(n) => a
                .declarations_read
                .extend(of(&n).map(|from| (from, ty.clone(), f.clone(), named))),
            from => {
                a.declarations_read.insert((from, ty, f, named));
            }
        }
    }
    for (n, ty) in std::mem::take(&mut a.types_read_captured) {
        for from in of(&n) {
            match from {
                Origin::Param(p) => {
                    a.types_read_params.insert((p, ty.clone()));
                }
                Origin::Own | Origin::Captured(_) => {
                    a.types_read.insert(ty.clone());
                }
                Origin::ClosureParam => {}
            }
        }
    }
    // Its closures capture its own locals too: those resolve to what they hold here.
    let own = std::mem::take(&mut a.local_origins);
    if own.is_empty() {
        for c in &mut a.closures {
            resolve_captures(c, captured);
        }
        return;
    }
    let mut inner = captured.clone();
    for (n, origins) in own {
        let resolved = origins
            .into_iter()
            .flat_map(|from| match from {
                Origin::Captured(m) => of(&m).collect::<Vec<_>>(),
                from => vec![from],
            })
            .collect();
        inner.insert(n, resolved);
    }
    for c in &mut a.closures {
        resolve_captures(c, &inner);
    }
}

/// What a closure does with the locals it captures.
#[derive(Debug, Default)]
struct ClosureEffect {
    invalidates: BTreeSet<Name>,
    escapes: BTreeSet<Name>,
    /// Where the closure invalidates each of `invalidates`.
    invalidated_at: BTreeMap<Name, Span>,
    /// Of `invalidates`, those some path of the closure leaves without invalidating.
    partly: BTreeMap<Name, Option<Span>>,
    /// Sessions the closure creates and returns: (creation span, creation).
    returns: Vec<(Span, Option<Creation>)>,
    /// Captured locals it stores into another object's member: (local, owner, member, at).
    stores: Vec<(Name, Name, Name, Span)>,
}

fn analyze_closures(
    project: &Project,
    summaries: &Summaries,
    body: &Body<'_>,
    locals: &BTreeSet<Name>,
    member_entry: MemberEntry<'_>,
) -> (BTreeMap<Span, ClosureEffect>, Vec<BodyAnalysis>) {
    let mut out = BTreeMap::new();
    let mut analyses = Vec::new();
    for closure in walk::direct_closures(body.block) {
        let span = closure_span(closure);
        let outer: BTreeSet<Name> = locals.union(&body.outer).cloned().collect();
        let inner = Body {
            function: body.function,
            block: &closure.body,
            params: &closure.params,
            outer,
            is_closure: true,
        };
        let a = analyze(project, summaries, &inner, member_entry);
        out.insert(
            span,
            ClosureEffect {
                invalidates: a.outer_invalidated.clone(),
                escapes: a.outer_escaped.clone(),
                invalidated_at: a.outer_invalidated_at.clone(),
                partly: a.outer_partly.clone(),
                returns: a
                    .returned_creations
                    .iter()
                    .map(|&c| (a.creations[c].span, a.creations[c].creation.clone()))
                    .collect(),
                stores: a.outer_stored.clone(),
            },
        );
        analyses.push(a);
    }
    (out, analyses)
}

/// Where a closure's effect is said to happen: its first statement (its whole span when empty).
fn effect_span(c: &Closure, whole: Span) -> Span {
    c.body.first().map_or(whole, |s| s.span)
}

/// Closures are keyed by the span of their body's first statement (stable and unique enough).
fn closure_span(c: &Closure) -> Span {
    match (c.body.first(), c.body.last()) {
        (Some(a), Some(b)) => Span {
            start: a.span.start,
            end: b.span.end,
        },
        _ => Span::default(),
    }
}

fn declared_locals(block: &Block, params: &[Name]) -> BTreeSet<Name> {
    let mut names: BTreeSet<Name> = params.iter().cloned().collect();
    walk::each_stmt(block, &mut |stmt| {
        // A function-level `static` is process-lifetime storage, not a local: what is
        // assigned to it is kept for the process, and a getter returning it is no factory.
        if let StmtKind::Let {
            name,
            is_static: false,
            ..
        } = &stmt.kind
        {
            names.insert(name.clone());
        }
    });
    names
}

/// The locals of `f` (closures included) bound to a new instance of a named type:
/// `let p = Params()`, `Params *p = [[Params alloc] init]`. A name bound to two types is left
/// out.
fn local_types(f: &Function) -> BTreeMap<Name, Name> {
    let mut found: BTreeMap<Name, Option<Name>> = BTreeMap::new();
    let mut blocks: Vec<&Block> = vec![&f.body];
    walk::each_expr(&f.body, true, &mut |e| {
        if let ExprKind::Closure(c) = &e.kind {
            blocks.push(&c.body);
        }
    });
    for block in blocks {
        walk::each_stmt(block, &mut |stmt| {
            if let StmtKind::Let {
                name,
                value: Some(value),
                is_static: false,
                ..
            } = &stmt.kind
            {
                let ty = constructed_type(value);
                let slot = found.entry(name.clone()).or_insert_with(|| ty.clone());
                if *slot != ty {
                    *slot = None;
                }
            }
        });
    }
    found
        .into_iter()
        .filter_map(|(name, ty)| Some((name, ty?)))
        .collect()
}

/// The project type a value is a new instance of, if it visibly is one.
fn constructed_type(e: &Expr) -> Option<Name> {
    let ty = match &e.kind {
        ExprKind::Construct { type_name, .. } => type_name,
        ExprKind::Call {
            receiver: None,
            method,
            ..
        } => method,
        ExprKind::Call {
            receiver: Some(r),
            method,
            ..
        } if method == "init" => match &r.kind {
            ExprKind::TypeRef(t) => t,
            _ => return None,
        },
        ExprKind::Try { inner, .. } => return constructed_type(inner),
        _ => return None,
    };
    // Types are capitalised: `make()` is a function, `Params()` a construction.
    ty.starts_with(|c: char| c.is_ascii_uppercase())
        .then(|| ty.clone())
}

/// The member a setter selector sets: `setSession:` sets `session`.
fn setter_member(selector: &str) -> Option<Name> {
    let rest = selector.strip_prefix("set")?.strip_suffix(':')?;
    let mut chars = rest.chars();
    let first = chars.next().filter(char::is_ascii_uppercase)?;
    (!rest.contains(':')).then(|| first.to_ascii_lowercase().to_string() + chars.as_str())
}

struct Cx<'p, 'b> {
    project: &'p Project,
    summaries: &'p Summaries,
    body: &'b Body<'b>,
    locals: &'b BTreeSet<Name>,
    /// Locals bound to a new instance of a project type (`let p = Params()`), by name.
    local_types: BTreeMap<Name, Name>,
    closures: &'b BTreeMap<Span, ClosureEffect>,
    cfg: &'b Cfg<'b>,
    out: BodyAnalysis,
    /// Events are recorded only in the final pass.
    record: bool,
    creation_ids: BTreeMap<Span, usize>,
}

/// How a value is used by its context.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Bound, stored or received by an API that does not keep it.
    Kept,
    /// Passed to or stored by code that may keep it: the analysis cannot follow.
    Escapes,
}

impl<'p> Cx<'p, '_> {
    fn fixpoint(&mut self, entry: State) -> Vec<Option<State>> {
        let n = self.cfg.nodes.len();
        let mut input: Vec<Option<State>> = vec![None; n];
        input[self.cfg.entry] = Some(entry);
        let mut queued = vec![false; n];
        let mut work = std::collections::VecDeque::from([self.cfg.entry]);
        queued[self.cfg.entry] = true;
        while let Some(id) = work.pop_front() {
            queued[id] = false;
            let Some(state) = input[id].clone() else {
                continue;
            };
            let mut out = Some(self.transfer(id, state));
            let succs = &self.cfg.nodes[id].succs;
            for (k, &s) in succs.iter().enumerate() {
                let Some(state) = &out else { break };
                let changed = match &mut input[s] {
                    Some(existing) => existing.join(state),
                    // The last successor seen for the first time takes the state itself,
                    // not a copy that the next visit would drop.
                    slot @ None if k + 1 == succs.len() => {
                        *slot = out.take();
                        true
                    }
                    slot @ None => {
                        *slot = Some(state.clone());
                        true
                    }
                };
                if changed && !queued[s] {
                    queued[s] = true;
                    work.push_back(s);
                }
            }
        }
        input
    }

    fn transfer(&mut self, id: NodeId, mut st: State) -> State {
        let node = &self.cfg.nodes[id];
        match &node.kind {
            NodeKind::Entry | NodeKind::Exit | NodeKind::Nop => {}
            NodeKind::Jump(span) => {
                for via in st.live.values_mut() {
                    *via = Some(*span);
                }
                for via in st.outer_live.values_mut() {
                    *via = Some(*span);
                }
            }
            NodeKind::Let {
                name,
                value,
                is_static,
            } => {
                let v = match value {
                    Some(e) => {
                        let u = if *is_static { Use::Escapes } else { Use::Kept };
                        let mut v = self.eval(e, &mut st, u, node.loop_depth);
                        if let ExprKind::Closure(c) = &e.kind {
                            // A local closure holds what it captures: passing it on or
                            // storing it hands those sessions on too.
                            v = self.captured_sessions(c, &st);
                        }
                        if *is_static {
                            self.escape(&v, &mut st, Reason::StaticStorage { at: e.span });
                        }
                        v
                    }
                    None => Value::new(),
                };
                for src in &v {
                    if let Src::New(c) = src {
                        self.out.creations[*c]
                            .binding
                            .get_or_insert_with(|| (*name).clone());
                    }
                }
                set_local(&mut st, name, v);
            }
            NodeKind::Eval(e) => {
                self.eval(e, &mut st, Use::Kept, node.loop_depth);
            }
            NodeKind::Return(value) => {
                if let Some(e) = value {
                    let v = self.eval(e, &mut st, Use::Escapes, node.loop_depth);
                    // A factory returns a session nobody else keeps: one already stored in a
                    // member is the owner's, handed out, not made for the caller.
                    let fresh: Vec<usize> = v
                        .iter()
                        .filter_map(|s| match s {
                            Src::New(c) if st.live.contains_key(c) => Some(*c),
                            _ => None,
                        })
                        .collect();
                    if !fresh.is_empty() && self.record {
                        self.out.returns_new = true;
                        self.out.returned_creations.extend(fresh);
                    }
                    // Handing out a member's session does not take it from its owner.
                    let handed: Value = v
                        .into_iter()
                        .filter(|s| !matches!(s, Src::Member(_)))
                        .collect();
                    self.escape(&handed, &mut st, Reason::Returned { at: e.span });
                }
            }
        }
        self.drop_unreachable(&mut st);
        st
    }

    /// A live creation no local refers to any more is lost: a leak on this path.
    fn drop_unreachable(&mut self, st: &mut State) {
        let held: BTreeSet<usize> = st
            .env
            .values()
            .flatten()
            .filter_map(|s| match s {
                Src::New(c) => Some(*c),
                _ => None,
            })
            .collect();
        let lost: Vec<(usize, Option<Span>)> = st
            .live
            .iter()
            .filter(|(c, _)| !held.contains(c))
            .map(|(&c, &v)| (c, v))
            .collect();
        for (c, via) in lost {
            st.live.remove(&c);
            if self.record {
                self.out.leaks.push(Leak {
                    creation: c,
                    via,
                    per_iteration: false,
                });
            }
        }
    }

    fn creation_id(
        &mut self,
        span: Span,
        creation: Option<&Creation>,
        factory: Option<&str>,
        loop_depth: u32,
    ) -> usize {
        if let Some(&id) = self.creation_ids.get(&span) {
            return id;
        }
        let id = self.out.creations.len();
        self.out.creations.push(CreationSite {
            span,
            creation: creation.cloned(),
            factory: factory.map(str::to_string),
            in_loop: loop_depth > 0,
            binding: None,
        });
        self.out.invalidated_somewhere.push(false);
        self.out.escaped_somewhere.push(false);
        self.out.reasons.push(Vec::new());
        self.creation_ids.insert(span, id);
        id
    }

    fn new_session(&mut self, id: usize, st: &mut State) -> Value {
        if let Some(via) = st.live.get(&id).copied() {
            if self.record {
                self.out.leaks.push(Leak {
                    creation: id,
                    via,
                    per_iteration: true,
                });
            }
        }
        st.live.insert(id, None);
        // A fresh session is not the invalidated one of a previous iteration.
        st.invalidated.remove(&Src::New(id));
        Value::from([Src::New(id)])
    }

    fn eval(&mut self, e: &Expr, st: &mut State, usage: Use, loop_depth: u32) -> Value {
        match &e.kind {
            ExprKind::NewSession(c) => {
                let id = self.creation_id(e.span, Some(c), None, loop_depth);
                let v = self.new_session(id, st);
                if c.delegate_self.is_some() {
                    if let Some(callback) = self.invalidating_delegate_callback() {
                        // The owner's callback invalidates the session that calls it.
                        self.invalidate(
                            &v,
                            e.span,
                            st,
                            false,
                            Reason::InvalidatedByDelegate { callback },
                        );
                    }
                }
                v
            }
            ExprKind::SharedSession => Value::from([Src::Shared]),
            ExprKind::Name(n) => self.read_name(n, e.span, st, loop_depth),
            ExprKind::SelfRef
            | ExprKind::SuperRef
            | ExprKind::TypeRef(_)
            | ExprKind::Nil
            | ExprKind::Literal
            | ExprKind::Selector(_) => Value::new(),
            ExprKind::Member { base, name } => match &base.kind {
                ExprKind::SelfRef => self.read_member(name, e.span, st, loop_depth),
                _ => {
                    self.eval(base, st, Use::Kept, loop_depth);
                    Value::new()
                }
            },
            ExprKind::Call {
                receiver,
                method,
                args,
                api,
                method_span,
            } => self.call(
                e,
                receiver.as_deref(),
                method,
                args,
                *api,
                *method_span,
                st,
                loop_depth,
            ),
            ExprKind::Construct { type_name, args } => {
                let own =
                    type_name == "Self" || Some(type_name) == self.body.function.owner.as_ref();
                if !own {
                    if let Some(v) = self.construct_other(e, type_name, args, st, loop_depth) {
                        return v;
                    }
                }
                let selector = (!own).then(|| resolve::construct_selector(args));
                for a in args {
                    let v = self.eval(&a.value, st, Use::Escapes, loop_depth);
                    if let Some(selector) = &selector {
                        let ty = Some(type_name.clone());
                        self.note_declarations_read(ty, selector, false, &v, st);
                    }
                    match (&a.label, own) {
                        (Some(field), true) => {
                            let owner = self.body.function.owner.clone().unwrap_or_default();
                            self.store_member(&owner, field, a.value.span, v, st, true);
                        }
                        _ => self.escape(
                            &v,
                            st,
                            Reason::HandedOff {
                                to: Some(type_name.clone()),
                                at: a.value.span,
                            },
                        ),
                    }
                }
                Value::new()
            }
            ExprKind::Assign { target, value } => self.assign(e, target, value, st, loop_depth),
            ExprKind::Closure(c) => {
                let effect = self.closures.get(&closure_span(c));
                if let Some(effect) = effect {
                    let invalidates: Vec<Name> = effect.invalidates.iter().cloned().collect();
                    let escapes: Vec<Name> = effect.escapes.iter().cloned().collect();
                    let partly = effect.partly.clone();
                    let invalidated_at = effect.invalidated_at.clone();
                    let at = effect_span(c, e.span);
                    for name in invalidates {
                        let at = invalidated_at.get(&name).copied().unwrap_or(at);
                        let v = self.read_name(&name, e.span, st, loop_depth);
                        match partly.get(&name) {
                            // Some path through the closure skips the call: invalidated
                            // somewhere, still live on that path.
                            Some(&via) => {
                                // Without an early exit, the path runs to the closure's end.
                                let end = Span {
                                    start: e.span.end.saturating_sub(1),
                                    end: e.span.end,
                                };
                                self.invalidate_partly(&v, at, via.or(Some(end)), st)
                            }
                            None => {
                                self.invalidate(&v, e.span, st, false, Reason::Invalidated { at })
                            }
                        }
                    }
                    for name in &escapes {
                        let v = self.read_name(name, e.span, st, loop_depth);
                        self.escape(&v, st, Reason::HandedOff { to: None, at });
                    }
                    for (name, owner, member, at) in effect.stores.clone() {
                        let v = self.read_name(&name, e.span, st, loop_depth);
                        self.store_foreign(&owner, &member, at, &v, st);
                    }
                    if usage == Use::Escapes {
                        // The closure is kept by unknown code: whatever it captures may be too.
                        let captured = self.captured_sessions(c, st);
                        self.escape(
                            &captured,
                            st,
                            Reason::HandedOff {
                                to: None,
                                at: e.span,
                            },
                        );
                    }
                }
                Value::new()
            }
            ExprKind::Try { inner, .. } => self.eval(inner, st, usage, loop_depth),
            ExprKind::Choice(items) => {
                let mut v = Value::new();
                for item in items {
                    v.extend(self.eval(item, st, usage, loop_depth));
                }
                v
            }
            ExprKind::Opaque(items) => {
                for item in items {
                    let v = self.eval(item, st, Use::Escapes, loop_depth);
                    self.escape(
                        &v,
                        st,
                        Reason::HandedOff {
                            to: None,
                            at: item.span,
                        },
                    );
                }
                Value::new()
            }
        }
    }

    /// Sessions in locals the closure mentions.
    fn captured_sessions(&self, c: &Closure, st: &State) -> Value {
        let mut v = Value::new();
        walk::each_expr(&c.body, true, &mut |e| {
            if let ExprKind::Name(n) = &e.kind {
                if let Some(val) = st.env.get(n) {
                    v.extend(val.iter().cloned());
                }
            }
        });
        v
    }

    fn read_name(&mut self, n: &Name, span: Span, st: &mut State, loop_depth: u32) -> Value {
        if self.locals.contains(n) || self.body.outer.contains(n) {
            return st.env.get(n).cloned().unwrap_or_default();
        }
        // Not a local: an implicit-`self` member (Swift) when the owner has one.
        match &self.body.function.owner {
            Some(owner) if self.project.member(owner, n).is_some() => {
                self.read_member(n, span, st, loop_depth)
            }
            _ => self.read_global(n, span, st, loop_depth),
        }
    }

    /// A global computed variable that builds a new session on each read is a factory.
    fn read_global(&mut self, n: &Name, span: Span, st: &mut State, loop_depth: u32) -> Value {
        let getter = self
            .project
            .functions_named(None, n)
            .find(|&id| self.project.function(id).kind == FunctionKind::Getter);
        match getter {
            Some(getter) if self.summary(getter).returns_new => {
                let id = self.creation_id(span, None, Some(n), loop_depth);
                if self.record {
                    self.out.callees.insert(getter);
                }
                self.new_session(id, st)
            }
            _ => Value::new(),
        }
    }

    /// A delegate callback of the body's owner that invalidates the session calling it.
    fn invalidating_delegate_callback(&mut self) -> Option<FnId> {
        let owner = self.body.function.owner.as_deref()?;
        let project = self.project;
        crate::facts::api::DELEGATE_CALLBACKS
            .iter()
            .flat_map(|name| project.functions_named(Some(owner), name))
            .find(|&id| self.summary(id).invalidates_params.contains(&0))
    }

    /// The summary of `id`, noted as read (a body is re-analysed only when one it read grows).
    fn summary(&mut self, id: FnId) -> &'p Callee {
        self.out.summaries_read.insert(id);
        self.summaries.get(id)
    }

    fn read_member(&mut self, name: &Name, span: Span, st: &mut State, loop_depth: u32) -> Value {
        if let Some(owner) = &self.body.function.owner {
            if let Some(getter) = resolve::getter(self.project, owner, name) {
                if self.summary(getter).returns_new {
                    let id = self.creation_id(span, None, Some(name), loop_depth);
                    self.out.callees.insert(getter);
                    return self.new_session(id, st);
                }
            }
        }
        Value::from([Src::Member(name.clone())])
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        e: &Expr,
        receiver: Option<&Expr>,
        method: &Name,
        args: &[crate::facts::Arg],
        api: Api,
        method_span: Span,
        st: &mut State,
        loop_depth: u32,
    ) -> Value {
        if let (
            Some(Expr {
                kind: ExprKind::Closure(c),
                span,
            }),
            true,
        ) = (receiver, method == crate::facts::api::INVOKE_CLOSURE)
        {
            return self.invoke_closure(c, *span, args, st, loop_depth);
        }
        if let Some(Expr {
            kind: ExprKind::Member { base, name },
            ..
        }) = receiver
        {
            if matches!(base.kind, ExprKind::SelfRef)
                && crate::facts::api::initializes_on_first_use(method)
            {
                return self.lazy_member_init(e, name, args, st, loop_depth);
            }
        }
        if let Some(collection) = self.own_member(receiver, st) {
            if crate::facts::api::adds_to_collection(method) {
                return self.add_to_collection(e, &collection, args, st, loop_depth);
            }
        }
        let recv = match receiver {
            Some(r) => self.eval(r, st, Use::Kept, loop_depth),
            None => Value::new(),
        };
        let on_session = !recv.is_empty();
        let super_init = matches!(receiver.map(|r| &r.kind), Some(ExprKind::SuperRef))
            && method.starts_with("init")
            && !args.is_empty();
        let callee = if on_session && api != Api::Other {
            None
        } else {
            resolve::resolve_call(
                self.project,
                self.body.function,
                receiver,
                method,
                args.len(),
            )
        };
        let initializer = match callee {
            Some(_) => None,
            None if known_api_call(on_session, api) => None,
            None => {
                let labels: Vec<Option<&str>> = args.iter().map(|a| a.label.as_deref()).collect();
                resolve::resolve_initializer(
                    self.project,
                    self.body.function,
                    receiver,
                    method,
                    &labels,
                )
            }
        };
        // A callee the analysis followed: what it does with each parameter is known.
        let followed = callee
            .filter(|&c| !resolve::is_ambiguous(self.project, c))
            .or(initializer)
            .filter(|&c| self.summaries.analysed(c));
        let callee = callee.or(initializer);
        let known_api = on_session && api != Api::Other;
        // A closure passed to a call only runs (now or later); one handed to an initializer
        // or a setter is stored, and what it captures goes with it.
        let stores_closures = callee
            .is_some_and(|c| self.project.function(c).kind == FunctionKind::Initializer)
            || crate::facts::api::stores_closure_argument(method);
        let summary = callee.map(|c| self.summary(c)).or_else(|| {
            self.summaries
                .configured(self.body.function, receiver, method)
        });
        if let ([arg], None, false) = (args, callee, known_api) {
            if let Some(v) = self.setter_store(e, receiver, method, arg, st, loop_depth) {
                return v;
            }
        }
        let mut arg_values = Vec::with_capacity(args.len());
        for a in args {
            let is_closure = matches!(a.value.kind, ExprKind::Closure(_));
            let usage = if known_api || (is_closure && !stores_closures) {
                Use::Kept
            } else {
                Use::Escapes
            };
            arg_values.push(self.eval(&a.value, st, usage, loop_depth));
        }
        if callee.is_none() && !known_api && self.record {
            // A call nothing resolved: one declared in a file not parsed yet would be
            // followed.
            let handed: Value = arg_values.iter().flatten().cloned().collect();
            if !handed.is_empty() {
                for (ty, f, named) in self.unresolved_declarations(receiver, method, args.len()) {
                    self.note_declarations_read(ty, &f, named, &handed, st);
                }
            }
        }
        if super_init {
            // `super.init(...)` resolves in the supertypes' declarations: they matter if
            // it can be handed a session.
            if let Some(owner) = self.body.function.owner.as_deref() {
                let handed: Value = arg_values.iter().flatten().cloned().collect();
                for t in self.project.supertypes_of(owner) {
                    self.note_type_read(&t, &handed, st);
                }
            }
        }
        if let Some(c) = callee {
            if self.record {
                self.out.callees.insert(c);
                let by_name = initializer.is_none() && self.by_name(receiver, c);
                self.record_passes(c, &arg_values, by_name, st);
            }
        }

        match api {
            Api::Invalidate { .. } if on_session => {
                if recv.contains(&Src::Shared) && self.record {
                    self.out.shared_invalidations.push(method_span);
                }
                self.invalidate(
                    &recv,
                    method_span,
                    st,
                    true,
                    Reason::Invalidated { at: method_span },
                );
                return Value::new();
            }
            Api::MakeTask if on_session => {
                for src in &recv {
                    if let Some(&at) = st.invalidated.get(src) {
                        if self.record {
                            self.out.tasks_after_invalidation.push((method_span, at));
                        }
                    }
                }
                return Value::new();
            }
            _ if known_api => return Value::new(),
            _ => {}
        }

        if let Some(c) = callee {
            self.delegated_init(c, receiver, st);
        }

        match summary {
            Some(summary) if followed.is_some() => {
                self.pass_to_callee(summary, method, &arg_values, e, st);
                let on_self = matches!(receiver.map(|r| &r.kind), None | Some(ExprKind::SelfRef));
                if on_self {
                    for m in &summary.invalidates_members {
                        let v = Value::from([Src::Member(m.clone())]);
                        let why = Reason::InvalidatedByCallee {
                            callee: method.clone(),
                            at: e.span,
                        };
                        self.invalidate(&v, e.span, st, false, why);
                    }
                }
                if summary.returns_new {
                    let id = self.creation_id(e.span, None, Some(method), loop_depth);
                    return self.new_session(id, st);
                }
            }
            Some(summary) => {
                for (i, v) in arg_values.iter().enumerate() {
                    if summary.releases_all_args || summary.invalidates_params.contains(&i) {
                        let why = Reason::InvalidatedByCallee {
                            callee: method.clone(),
                            at: e.span,
                        };
                        self.invalidate(v, e.span, st, false, why);
                    } else {
                        let why = Reason::HandedOff {
                            to: Some(method.clone()),
                            at: e.span,
                        };
                        self.escape(v, st, why);
                    }
                }
                let on_self = matches!(receiver.map(|r| &r.kind), None | Some(ExprKind::SelfRef));
                if on_self && callee.is_some() {
                    for m in &summary.invalidates_members {
                        let v = Value::from([Src::Member(m.clone())]);
                        let why = Reason::InvalidatedByCallee {
                            callee: method.clone(),
                            at: e.span,
                        };
                        self.invalidate(&v, e.span, st, false, why);
                    }
                }
                if summary.returns_new {
                    let id = self.creation_id(e.span, None, Some(method), loop_depth);
                    return self.new_session(id, st);
                }
            }
            // Whether or not the call resolved, a function without a summary may keep
            // what it is given (closures were judged when evaluated). The prefilter relies
            // on this: an unparsed namesake can never change a verdict.
            None => {
                for v in &arg_values {
                    let why = Reason::HandedOff {
                        to: Some(method.clone()),
                        at: e.span,
                    };
                    self.escape(v, st, why);
                }
            }
        }
        Value::new()
    }

    /// The type of an object expression, when visible: a local bound to a new instance, or
    /// a member of `self` with a declared type (the project may not declare it).
    fn type_of(&self, e: &Expr) -> Option<Name> {
        let owner = self.body.function.owner.as_deref();
        let member_type = |m: &str| {
            self.project
                .member(owner?, m)
                .and_then(|d| d.declared_type.clone())
        };
        match &e.kind {
            ExprKind::Name(n) if self.locals.contains(n) || self.body.outer.contains(n) => {
                self.local_types.get(n).cloned()
            }
            ExprKind::Name(n) => member_type(n),
            ExprKind::Member { base, name } if matches!(base.kind, ExprKind::SelfRef) => {
                member_type(name)
            }
            _ => None,
        }
    }

    /// `params.session` where `params` is visibly of a project type declaring an instance
    /// member `session`: (that type, the member).
    fn other_objects_member(
        &mut self,
        target: &Expr,
        v: &Value,
        st: &State,
    ) -> Option<(Name, Name)> {
        let ExprKind::Member { base, name } = &target.kind else {
            return None;
        };
        let ty = self.type_of(base)?;
        self.note_type_read(&ty, v, st);
        let decl = self.project.member(&ty, name)?;
        (!decl.is_static).then(|| (ty, name.clone()))
    }

    /// `[obj setSession:s]` / `[self setSession:s]` with no such method in the project: the
    /// property's synthesized setter stores `s` into the member.
    fn setter_store(
        &mut self,
        e: &Expr,
        receiver: Option<&Expr>,
        method: &str,
        arg: &crate::facts::Arg,
        st: &mut State,
        loop_depth: u32,
    ) -> Option<Value> {
        let member = setter_member(method)?;
        let on_self = matches!(receiver.map(|r| &r.kind), None | Some(ExprKind::SelfRef));
        let owner = if on_self {
            self.body.function.owner.clone()?
        } else {
            let ty = self.type_of(receiver?)?;
            if self.record {
                let stored = self.peek(&arg.value, st, loop_depth);
                self.note_type_read(&ty, &stored, st);
            }
            ty
        };
        if self.project.member(&owner, &member)?.is_static {
            return None;
        }
        let v = self.eval(&arg.value, st, Use::Kept, loop_depth);
        if on_self {
            let is_nil = matches!(arg.value.kind, ExprKind::Nil);
            self.store_member(&owner, &member, e.span, v, st, is_nil);
        } else {
            self.store_foreign(&owner, &member, e.span, &v, st);
        }
        Some(Value::new())
    }

    /// What a call of `callee` hands it, for [`BodyAnalysis::passes`].
    fn record_passes(&mut self, callee: FnId, args: &[Value], by_name: bool, st: &State) {
        for (i, v) in args.iter().enumerate() {
            for from in self.origins(v, st) {
                self.out.passes.insert((callee, i, from, by_name));
            }
        }
    }

    /// Did a call with this receiver resolve to `callee` by its name alone (a namesake
    /// anywhere could change that), rather than within a type the call names (`self`,
    /// `super`, `Type.`, a member of `self`, the caller's own type)?
    fn by_name(&self, receiver: Option<&Expr>, callee: FnId) -> bool {
        match receiver.map(|r| &r.kind) {
            None => {
                let own = self.body.function.owner.as_deref();
                own.is_none() || self.project.function(callee).owner.as_deref() != own
            }
            Some(ExprKind::SelfRef | ExprKind::SuperRef | ExprKind::TypeRef(_)) => false,
            Some(ExprKind::Member { base, .. }) => !matches!(base.kind, ExprKind::SelfRef),
            Some(_) => true,
        }
    }

    /// What an expression may hold, evaluated on a copy of the state and recording nothing:
    /// for a lookup that needs to know before the expression is evaluated for real.
    fn peek(&mut self, e: &Expr, st: &State, loop_depth: u32) -> Value {
        let record = std::mem::replace(&mut self.record, false);
        let v = self.eval(e, &mut st.clone(), Use::Kept, loop_depth);
        self.record = record;
        v
    }

    /// Where the sessions a value may hold come from. A member that holds no session here
    /// adds nothing.
    fn origins(&self, v: &Value, st: &State) -> BTreeSet<Origin> {
        self.origins_iter(v, st).collect()
    }

    fn origins_iter<'v>(&self, v: &'v Value, st: &'v State) -> impl Iterator<Item = Origin> + 'v {
        let is_closure = self.body.is_closure;
        v.iter().filter_map(move |s| match s {
            Src::Param(_) if is_closure => Some(Origin::ClosureParam),
            Src::Param(i) => Some(Origin::Param(*i)),
            Src::Member(m) if !st.members.contains_key(m) => None,
            Src::Outer(n) => Some(Origin::Captured(n.clone())),
            _ => Some(Origin::Own),
        })
    }

    /// `v` handed to a call of `ty`'s function `f` the analysis could not resolve: one
    /// declared elsewhere would be followed. Recorded in the final pass.
    fn note_declarations_read(
        &mut self,
        ty: Option<Name>,
        f: &str,
        named: bool,
        v: &Value,
        st: &State,
    ) {
        if !self.record {
            return;
        }
        for from in self.origins(v, st) {
            let read = (from, ty.clone(), f.to_string(), named);
            self.out.declarations_read.insert(read);
        }
    }

    /// Where a declaration of what an unresolved call names would be followed from, as
    /// `resolve::resolve_call` and `resolve_initializer` look for one: (type whose
    /// fragments, function, named). `T(...)`, `T.f(...)`, `T::f(...)`, `[T f...]` in `T`'s
    /// fragments; `f(...)` and `self.f(...)` in the owner's; `self.m.f(...)` in `m`'s
    /// declared type's (undeclared: the owner's fragments that name `m`); `super.f(...)`
    /// in the supertypes'; a free function or a receiver of unknown type (`[[T alloc]
    /// initWithX:]` too) by name alone, anywhere (no type), unless two analysed types
    /// already have such a method (no declaration elsewhere makes the call resolve).
    fn unresolved_declarations(
        &self,
        receiver: Option<&Expr>,
        method: &str,
        arity: usize,
    ) -> Vec<(Option<Name>, Name, bool)> {
        let owner = self.body.function.owner.as_ref();
        let named = |ty: Option<&Name>| (ty.cloned(), method.to_string(), true);
        match receiver.map(|r| &r.kind) {
            None => {
                let mut out = vec![named(None)];
                out.extend(owner.map(|o| named(Some(o))));
                if method.starts_with(|c: char| c.is_ascii_uppercase()) {
                    out.push((Some(method.to_string()), "init".to_string(), true));
                }
                out
            }
            Some(ExprKind::SelfRef) => owner.map(|o| named(Some(o))).into_iter().collect(),
            Some(ExprKind::SuperRef) => owner
                .map(|o| self.project.supertypes_of(o))
                .unwrap_or_default()
                .iter()
                .map(|t| named(Some(t)))
                .collect(),
            Some(ExprKind::TypeRef(t)) => vec![named(Some(t))],
            Some(ExprKind::Member { base, name }) if matches!(base.kind, ExprKind::SelfRef) => {
                let Some(owner) = owner else {
                    return Vec::new();
                };
                match self.project.member(owner, name) {
                    Some(m) => m.declared_type.iter().map(|t| named(Some(t))).collect(),
                    None => vec![(Some(owner.clone()), name.clone(), false)],
                }
            }
            Some(other) => {
                let mut out = Vec::new();
                if !resolve::never_unique(self.project, method, arity) {
                    out.push(named(None));
                }
                if let ExprKind::Call {
                    receiver: Some(inner),
                    method: alloc,
                    ..
                } = other
                {
                    if let (true, ExprKind::TypeRef(t)) = (alloc == "alloc", &inner.kind) {
                        out.push(named(Some(t)));
                    }
                }
                out
            }
        }
    }

    /// A store of `v` into a member of another object looks up `ty`'s declarations: they
    /// matter if a session can reach the store. Recorded in the final pass, which visits
    /// every state the fixpoint reached.
    fn note_type_read(&mut self, ty: &Name, v: &Value, st: &State) {
        if !self.record {
            return;
        }
        for from in self.origins(v, st) {
            match from {
                Origin::Own => {
                    self.out.types_read.insert(ty.clone());
                }
                Origin::Param(p) => {
                    self.out.types_read_params.insert((p, ty.clone()));
                }
                Origin::Captured(n) => {
                    self.out.types_read_captured.insert((n, ty.clone()));
                }
                Origin::ClosureParam => {}
            }
        }
    }

    /// The member of `self` an expression names (`self.m`, `_m`, a bare `m` that is no local).
    fn own_member(&self, e: Option<&Expr>, st: &State) -> Option<Name> {
        let owner = self.body.function.owner.as_ref()?;
        let name = match &e?.kind {
            ExprKind::Member { base, name } if matches!(base.kind, ExprKind::SelfRef) => name,
            ExprKind::Name(n) if !self.locals.contains(n) && !st.env.contains_key(n) => n,
            _ => return None,
        };
        let decl = self.project.member(owner, name)?;
        (!decl.is_static).then(|| name.clone())
    }

    /// `sessions.append(s)`, `[self.sessions addObject:s]`, `self.sessions.push(s)`: the
    /// owner keeps every session put in its collection (it must invalidate the elements).
    fn add_to_collection(
        &mut self,
        e: &Expr,
        collection: &Name,
        args: &[crate::facts::Arg],
        st: &mut State,
        loop_depth: u32,
    ) -> Value {
        let owner = self.body.function.owner.clone().unwrap_or_default();
        for a in args {
            let v = self.eval(&a.value, st, Use::Kept, loop_depth);
            if !v.is_empty() {
                self.store_foreign(&owner, collection, e.span, &v, st);
            }
        }
        Value::new()
    }

    /// `self.init()` / `[self init]` from another initializer of the same type: the
    /// sessions that initializer stores are held from here on (replacing them is SL005).
    fn delegated_init(&mut self, callee: FnId, receiver: Option<&Expr>, st: &mut State) {
        let f = self.project.function(callee);
        let own_type = f.owner.is_some() && f.owner == self.body.function.owner;
        let on_self = matches!(receiver.map(|r| &r.kind), None | Some(ExprKind::SelfRef));
        if f.kind != FunctionKind::Initializer || !own_type || !on_self {
            return;
        }
        for ((_, member), _) in super::owners::known_holds_of(f) {
            st.members.insert(member, hold::VALID);
        }
    }

    /// `[[Other alloc] initWithSession:s]` / Rust `Other { session: s }` of a project type:
    /// followed into its initializer, or its fields stored. `None`: not followed.
    fn construct_other(
        &mut self,
        e: &Expr,
        type_name: &Name,
        args: &[crate::facts::Arg],
        st: &mut State,
        loop_depth: u32,
    ) -> Option<Value> {
        if !self.project.is_type(type_name) {
            return None;
        }
        let selector = resolve::construct_selector(args);
        let init = resolve::initializer_of(self.project, type_name, &selector, args.len())
            .filter(|&c| self.summaries.analysed(c));
        let fields = init.is_none()
            && !args.is_empty()
            && args.iter().all(|a| {
                a.label
                    .as_ref()
                    .is_some_and(|l| self.project.member(type_name, l).is_some())
            });
        if init.is_none() && !fields {
            return None;
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(&a.value, st, Use::Kept, loop_depth));
        }
        match init {
            Some(c) => {
                if self.record {
                    self.out.callees.insert(c);
                    self.record_passes(c, &values, false, st);
                }
                let summary = self.summary(c).clone();
                self.pass_to_callee(&summary, &selector, &values, e, st);
            }
            None => {
                for (a, v) in args.iter().zip(&values) {
                    if let Some(field) = &a.label {
                        self.store_foreign(type_name, field, a.value.span, v, st);
                    }
                }
            }
        }
        Some(Value::new())
    }

    /// `self.session.get_or_insert_with(|| ...)`: what the argument makes (or the closure
    /// returns) is stored into the member, on first use.
    fn lazy_member_init(
        &mut self,
        e: &Expr,
        member: &Name,
        args: &[crate::facts::Arg],
        st: &mut State,
        loop_depth: u32,
    ) -> Value {
        let mut made = Value::new();
        for a in args {
            match &a.value.kind {
                ExprKind::Closure(c) => {
                    made.extend(self.invoke_closure(c, a.value.span, &[], st, loop_depth))
                }
                _ => made.extend(self.eval(&a.value, st, Use::Kept, loop_depth)),
            }
        }
        let owner = self.body.function.owner.clone().unwrap_or_default();
        self.store_member(&owner, member, e.span, made, st, false);
        Value::from([Src::Member(member.clone())])
    }

    /// `{ ... }()`: the closure runs here; the sessions it creates and returns are created
    /// here (a `lazy var s = { ...; return URLSession(...) }()` stores one into `s`).
    fn invoke_closure(
        &mut self,
        c: &Closure,
        span: Span,
        args: &[crate::facts::Arg],
        st: &mut State,
        loop_depth: u32,
    ) -> Value {
        self.eval(
            &Expr {
                kind: ExprKind::Closure(Box::new(c.clone())),
                span,
            },
            st,
            Use::Kept,
            loop_depth,
        );
        for a in args {
            let v = self.eval(&a.value, st, Use::Escapes, loop_depth);
            self.escape(
                &v,
                st,
                Reason::HandedOff {
                    to: None,
                    at: a.value.span,
                },
            );
        }
        let returns = self
            .closures
            .get(&closure_span(c))
            .map(|effect| effect.returns.clone())
            .unwrap_or_default();
        let mut v = Value::new();
        for (at, creation) in returns {
            let id = self.creation_id(at, creation.as_ref(), None, loop_depth);
            v.extend(self.new_session(id, st));
        }
        v
    }

    fn assign(
        &mut self,
        e: &Expr,
        target: &Expr,
        value: &Expr,
        st: &mut State,
        loop_depth: u32,
    ) -> Value {
        let (usage, member) = match &target.kind {
            ExprKind::Name(n) if self.locals.contains(n) => (Use::Kept, None),
            ExprKind::Name(n) => match &self.body.function.owner {
                Some(o) if self.project.member(o, n).is_some() => (Use::Kept, Some(n)),
                _ => (Use::Escapes, None),
            },
            ExprKind::Member { base, name } if matches!(base.kind, ExprKind::SelfRef) => {
                (Use::Kept, Some(name))
            }
            _ => (Use::Escapes, None),
        };
        if matches!(&target.kind, ExprKind::Name(n) if n == "_") {
            // `_ = e` discards the value: a session made here is held by nothing.
            return self.eval(value, st, Use::Kept, loop_depth);
        }
        let mut v = self.eval(value, st, usage, loop_depth);
        if let ExprKind::Closure(c) = &value.kind {
            // A closure holds what it captures: a local one passes it on where it goes, a
            // stored one keeps it where the analysis does not follow.
            let captured = self.captured_sessions(c, st);
            match &target.kind {
                ExprKind::Name(n) if self.locals.contains(n) => v = captured,
                _ => {
                    let to = match &target.kind {
                        ExprKind::Name(n) | ExprKind::Member { name: n, .. } => Some(n.clone()),
                        _ => None,
                    };
                    self.escape(&captured, st, Reason::HandedOff { to, at: e.span });
                }
            }
        }
        match (&target.kind, member) {
            (ExprKind::Name(n), None) if self.locals.contains(n) => {
                set_local(st, n, v.clone());
            }
            (_, Some(m)) => {
                let owner = self.body.function.owner.clone().unwrap_or_default();
                let is_nil = matches!(value.kind, ExprKind::Nil);
                self.store_member(&owner, m, e.span, v.clone(), st, is_nil);
            }
            _ => {
                // `sessions[key] = s`: an element of a member collection.
                if let ExprKind::Opaque(parts) = &target.kind {
                    if let Some(collection) = self.own_member(parts.first(), st) {
                        for key in &parts[1..] {
                            self.eval(key, st, Use::Kept, loop_depth);
                        }
                        let owner = self.body.function.owner.clone().unwrap_or_default();
                        self.store_foreign(&owner, &collection, e.span, &v, st);
                        return v;
                    }
                }
                if !matches!(target.kind, ExprKind::Name(_)) {
                    self.eval(target, st, Use::Kept, loop_depth);
                }
                // `params.session = s`: that object's type owns it now.
                let foreign = if v.is_empty() {
                    None
                } else {
                    self.other_objects_member(target, &v, st)
                };
                if let Some((owner, member)) = foreign {
                    self.store_foreign(&owner, &member, e.span, &v, st);
                    return v;
                }
                let to = match &target.kind {
                    ExprKind::Name(n) | ExprKind::Member { name: n, .. } => Some(n.clone()),
                    _ => None,
                };
                self.escape(&v, st, Reason::HandedOff { to, at: e.span });
            }
        }
        v
    }

    fn store_member(
        &mut self,
        owner: &Name,
        member: &Name,
        span: Span,
        v: Value,
        st: &mut State,
        nil_or_field: bool,
    ) {
        let creations: Vec<usize> = v
            .iter()
            .filter_map(|s| match s {
                Src::New(c) => Some(*c),
                _ => None,
            })
            .collect();
        let static_member = self
            .project
            .member(owner, member)
            .is_some_and(|m| m.is_static);
        let flags = st.members.get(member).copied().unwrap_or(0);
        // Whatever replaces a session the member is known to hold (an injected one, a
        // factory's, the shared one) drops it; only `nil` and the member's own value do not.
        let keeps_own = v.iter().any(|s| matches!(s, Src::Member(m) if m == member));
        let clears = nil_or_field && v.is_empty();
        if creations.is_empty()
            && !static_member
            && flags & hold::VALID != 0
            && !keeps_own
            && !clears
            && self.record
        {
            self.out.member_stores.push(MemberStore {
                owner: owner.clone(),
                member: member.clone(),
                span,
                creations: Vec::new(),
                replaces_valid: true,
            });
        }
        if !creations.is_empty() && !static_member {
            if self.record {
                self.out.member_stores.push(MemberStore {
                    owner: owner.clone(),
                    member: member.clone(),
                    span,
                    creations: creations.clone(),
                    replaces_valid: flags & hold::VALID != 0,
                });
            }
            st.members.insert(member.clone(), hold::VALID);
        } else if st.members.contains_key(member) {
            let state = if nil_or_field && v.is_empty() {
                hold::NIL
            } else {
                hold::UNKNOWN
            };
            st.members.insert(member.clone(), state);
        }
        // The owner now judges these creations (SL003-SL005).
        for c in creations {
            st.live.remove(&c);
            if self.record {
                self.out.escaped_somewhere[c] = true;
                self.out.reasons[c].push(Reason::StoredInMember {
                    owner: owner.clone(),
                    member: member.clone(),
                    at: span,
                });
            }
        }
        for src in &v {
            match src {
                Src::New(_) => {}
                // `session = session ?? URLSession(...)` keeps the member's own session.
                Src::Member(m) if m == member => {}
                Src::Param(i) => {
                    if self.record {
                        self.out
                            .stores_params
                            .insert((*i, owner.clone(), member.clone()));
                    }
                }
                _ => self.escape(
                    &Value::from([src.clone()]),
                    st,
                    Reason::HandedOff {
                        to: Some(member.clone()),
                        at: span,
                    },
                ),
            }
        }
    }

    /// `v` is invalidated at `span`. `direct`: a call here (not in a closure that runs later),
    /// so later tasks on it fail.
    fn invalidate(&mut self, v: &Value, span: Span, st: &mut State, direct: bool, why: Reason) {
        for src in v {
            match src {
                Src::New(c) => {
                    st.live.remove(c);
                    if self.record {
                        self.out.invalidated_somewhere[*c] = true;
                        self.out.reasons[*c].push(why.clone());
                    }
                }
                Src::Member(m) => {
                    if self.record {
                        self.out.member_invalidations.push((m.clone(), span));
                    }
                    if st.members.contains_key(m) {
                        st.members.insert(m.clone(), hold::INVALIDATED);
                    }
                }
                Src::Param(i) => {
                    if self.record {
                        self.out.invalidates_params.insert(*i);
                    }
                }
                Src::Outer(n) => {
                    st.outer_live.remove(n);
                    if self.record {
                        self.out.outer_invalidated.insert(n.clone());
                        if let Some(at) = why.span() {
                            self.out.outer_invalidated_at.entry(n.clone()).or_insert(at);
                        }
                    }
                }
                Src::Shared => {}
            }
            if direct {
                st.invalidated.insert(src.clone(), span);
            }
        }
    }

    /// A closure invalidates `v` on some of its paths only: the sessions count as
    /// invalidated somewhere but stay live, leaving by the closure's skipping exit `via`.
    fn invalidate_partly(&mut self, v: &Value, at: Span, via: Option<Span>, st: &mut State) {
        for src in v {
            match src {
                Src::New(c) => {
                    if let Some(mine) = st.live.get_mut(c) {
                        *mine = later_exit(*mine, via);
                    }
                    if self.record {
                        self.out.invalidated_somewhere[*c] = true;
                        self.out.reasons[*c].push(Reason::Invalidated { at });
                    }
                }
                Src::Outer(n) => {
                    if let Some(mine) = st.outer_live.get_mut(n) {
                        *mine = later_exit(*mine, via);
                    }
                    if self.record {
                        self.out.outer_invalidated.insert(n.clone());
                        self.out.outer_invalidated_at.entry(n.clone()).or_insert(at);
                    }
                }
                // Members are judged by their owner, path-insensitively.
                _ => self.invalidate(
                    &Value::from([src.clone()]),
                    at,
                    st,
                    false,
                    Reason::Invalidated { at },
                ),
            }
        }
    }

    /// `v` is handed to code the analysis cannot follow, or to an owner.
    fn escape(&mut self, v: &Value, st: &mut State, why: Reason) {
        for src in v {
            match src {
                Src::New(c) => {
                    st.live.remove(c);
                    if self.record {
                        self.out.escaped_somewhere[*c] = true;
                        self.out.reasons[*c].push(why.clone());
                    }
                }
                Src::Member(m) => {
                    if self.record {
                        self.out.member_escapes.insert(m.clone());
                    }
                }
                Src::Outer(n) => {
                    st.outer_live.remove(n);
                    if self.record {
                        self.out.outer_escaped.insert(n.clone());
                    }
                }
                Src::Param(i) => {
                    if self.record {
                        self.out.escapes_params.insert(*i);
                    }
                }
                Src::Shared => {}
            }
        }
    }

    /// `v` is stored into `member` of another object of type `owner` (a visible
    /// initializer or callee stores its parameter there): that type owns its sessions now.
    fn store_foreign(
        &mut self,
        owner: &Name,
        member: &Name,
        span: Span,
        v: &Value,
        st: &mut State,
    ) {
        let creations: Vec<usize> = v
            .iter()
            .filter_map(|s| match s {
                Src::New(c) => Some(*c),
                _ => None,
            })
            .collect();
        if !creations.is_empty() && self.record {
            self.out.member_stores.push(MemberStore {
                owner: owner.clone(),
                member: member.clone(),
                span,
                creations: creations.clone(),
                replaces_valid: false,
            });
        }
        for src in v {
            match src {
                Src::New(c) => {
                    st.live.remove(c);
                    if self.record {
                        self.out.escaped_somewhere[*c] = true;
                        self.out.reasons[*c].push(Reason::StoredInMember {
                            owner: owner.clone(),
                            member: member.clone(),
                            at: span,
                        });
                    }
                }
                Src::Param(i) => {
                    if self.record {
                        self.out
                            .stores_params
                            .insert((*i, owner.clone(), member.clone()));
                    }
                }
                // `self`'s own session, now held by another object too: `self` still
                // holds it, so it is still `self`'s to invalidate.
                Src::Member(m) => {
                    if self.record {
                        self.out
                            .member_shares
                            .insert((m.clone(), owner.clone(), member.clone()));
                    }
                }
                // The enclosing body stores it (the closure runs; a kept closure's captures
                // escape there anyway).
                Src::Outer(n) => {
                    st.outer_live.remove(n);
                    if self.record {
                        self.out.outer_stored.push((
                            n.clone(),
                            owner.clone(),
                            member.clone(),
                            span,
                        ));
                    }
                }
                _ => self.escape(
                    &Value::from([src.clone()]),
                    st,
                    Reason::HandedOff {
                        to: Some(member.clone()),
                        at: span,
                    },
                ),
            }
        }
    }

    /// Arguments of a call whose callee the analysis followed: each is invalidated, stored
    /// into a member, kept by code it cannot follow, or only used (then the caller still
    /// owns it).
    fn pass_to_callee(
        &mut self,
        summary: &Callee,
        method: &Name,
        arg_values: &[Value],
        e: &Expr,
        st: &mut State,
    ) {
        for (i, v) in arg_values.iter().enumerate() {
            if summary.releases_all_args || summary.invalidates_params.contains(&i) {
                let why = Reason::InvalidatedByCallee {
                    callee: method.clone(),
                    at: e.span,
                };
                self.invalidate(v, e.span, st, false, why);
                continue;
            }
            for (_, owner, member) in summary.stores_params.iter().filter(|p| p.0 == i) {
                self.store_foreign(owner, member, e.span, v, st);
            }
            if summary.keeps_params.contains(&i) {
                let why = Reason::HandedOff {
                    to: Some(method.clone()),
                    at: e.span,
                };
                self.escape(v, st, why);
            }
        }
    }
}

/// A call of the session API on a session (never a project function).
fn known_api_call(on_session: bool, api: Api) -> bool {
    on_session && api != Api::Other
}

fn set_local(st: &mut State, name: &Name, v: Value) {
    if v.is_empty() {
        if st.env.contains_key(name) {
            Rc::make_mut(&mut st.env).remove(name);
        }
    } else if st.env.get(name) != Some(&v) {
        Rc::make_mut(&mut st.env).insert(name.clone(), v);
    }
}

pub use hold::{INVALIDATED as HOLD_INVALIDATED, UNKNOWN as HOLD_UNKNOWN, VALID as HOLD_VALID};
