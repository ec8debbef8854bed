//! The control-flow graph of one body, built from its structured facts.
//!
//! Nodes are statements (or markers); edges are explicit successor lists. `defer` bodies
//! are copied onto every path that leaves their scope, so the dataflow needs no special case
//! for them. A path that ends at an `Abort` simply has no successor: it never reaches `exit`.

use crate::facts::{Block, Expr, ExprKind, Name, Span, Stmt, StmtKind};
use std::collections::HashMap;

pub type NodeId = usize;

#[derive(Debug)]
pub struct Cfg<'a> {
    pub nodes: Vec<Node<'a>>,
    pub entry: NodeId,
    pub exit: NodeId,
}

#[derive(Debug)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    pub succs: Vec<NodeId>,
    /// How many loops enclose this node.
    pub loop_depth: u32,
}

#[derive(Debug)]
pub enum NodeKind<'a> {
    Entry,
    Exit,
    /// A join point or other no-op.
    Nop,
    Let {
        name: &'a Name,
        value: Option<&'a Expr>,
        is_static: bool,
    },
    Eval(&'a Expr),
    /// Evaluates the returned value (if any); the value leaves the function.
    Return(Option<&'a Expr>),
    /// An early exit taken here: `return`, `throw`, `break`, `continue`, `goto`, or the
    /// error path of a `try`/`?`. Only marks the path, for diagnostics.
    Jump(Span),
}

/// Builds the CFG of `body`.
pub fn build(body: &Block) -> Cfg<'_> {
    let mut b = Builder {
        nodes: Vec::new(),
        current: None,
        scopes: Vec::new(),
        loops: Vec::new(),
        catches: Vec::new(),
        labels: HashMap::new(),
        loop_depth: 0,
        reached: Vec::new(),
    };
    let entry = b.push_detached(NodeKind::Entry);
    let exit = b.push_detached(NodeKind::Exit);
    b.current = Some(entry);
    b.scopes.push(Vec::new());
    b.block_contents(body);
    b.leave_scope_normally();
    b.link_current(exit);
    Cfg {
        nodes: b.nodes,
        entry,
        exit,
    }
}

struct LoopCtx<'a> {
    label: Option<&'a Name>,
    break_to: NodeId,
    continue_to: NodeId,
    /// Scope depth outside the loop: jumps run the defers of deeper scopes.
    scope_depth: usize,
}

struct CatchCtx {
    handler: NodeId,
    scope_depth: usize,
}

struct Builder<'a> {
    nodes: Vec<Node<'a>>,
    /// The node control is at; `None` after a jump (dead code follows).
    current: Option<NodeId>,
    /// Pending `defer` bodies, one list per open scope.
    scopes: Vec<Vec<&'a Block>>,
    loops: Vec<LoopCtx<'a>>,
    catches: Vec<CatchCtx>,
    labels: HashMap<&'a str, NodeId>,
    loop_depth: u32,
    /// Whether each node has a predecessor yet (a join nobody reaches is dead).
    reached: Vec<bool>,
}

impl<'a> Builder<'a> {
    fn push_detached(&mut self, kind: NodeKind<'a>) -> NodeId {
        self.nodes.push(Node {
            kind,
            succs: Vec::new(),
            loop_depth: self.loop_depth,
        });
        self.reached.push(false);
        self.nodes.len() - 1
    }

    /// Adds a node after the current one. In dead code the node is unreachable but still
    /// built, so `goto` labels inside it work.
    fn push(&mut self, kind: NodeKind<'a>) -> NodeId {
        let id = self.push_detached(kind);
        self.link_current(id);
        self.current = Some(id);
        id
    }

    fn link_current(&mut self, to: NodeId) {
        if let Some(from) = self.current {
            self.edge(from, to);
        }
    }

    fn edge(&mut self, from: NodeId, to: NodeId) {
        if !self.nodes[from].succs.contains(&to) {
            self.nodes[from].succs.push(to);
            self.reached[to] = true;
        }
    }

    fn block_contents(&mut self, block: &'a Block) {
        for stmt in block {
            self.stmt(stmt);
        }
    }

    fn scoped_block(&mut self, block: &'a Block) {
        self.scopes.push(Vec::new());
        self.block_contents(block);
        self.leave_scope_normally();
    }

    /// Falls out of the innermost scope: its defers run in reverse order.
    fn leave_scope_normally(&mut self) {
        let defers = self.scopes.pop().unwrap_or_default();
        if self.current.is_some() {
            for body in defers.into_iter().rev() {
                self.defer_body(body);
            }
        }
    }

    /// Runs the defers of every scope deeper than `depth`, innermost first (for a jump).
    fn run_defers_down_to(&mut self, depth: usize) {
        let pending: Vec<&'a Block> = self.scopes[depth.min(self.scopes.len())..]
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev().copied())
            .collect();
        for body in pending {
            self.defer_body(body);
        }
    }

    fn defer_body(&mut self, body: &'a Block) {
        // A defer body cannot jump out (Swift rejects it); if the facts say it does, the jump
        // leaves the function without running the defers pending outside, this one
        // included: otherwise the copy would contain itself without end.
        let saved_scopes = std::mem::take(&mut self.scopes);
        let saved_loops = std::mem::take(&mut self.loops);
        let saved_catches = std::mem::take(&mut self.catches);
        self.scoped_block(body);
        self.scopes = saved_scopes;
        self.loops = saved_loops;
        self.catches = saved_catches;
        if self.current.is_none() {
            self.current = Some(self.push_detached(NodeKind::Nop));
        }
    }

    /// Leaves the function by `return`/`throw` at `span`: defers run, then exit.
    fn jump_to_exit(&mut self, span: Span) {
        self.push(NodeKind::Jump(span));
        self.run_defers_down_to(0);
        self.link_current(1);
        self.current = None;
    }

    /// Leaves by a thrown error: to the innermost handler, or out of the function.
    fn throw_from_here(&mut self, span: Span) {
        match self.catches.last() {
            Some(c) => {
                let (handler, depth) = (c.handler, c.scope_depth);
                self.push(NodeKind::Jump(span));
                self.run_defers_down_to(depth);
                self.link_current(handler);
                self.current = None;
            }
            None => self.jump_to_exit(span),
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        if self.current.is_none() && !matches!(stmt.kind, StmtKind::Label(_)) {
            // Dead code: still build it detached so labels and spans exist.
            self.current = Some(self.push_detached(NodeKind::Nop));
        }
        match &stmt.kind {
            StmtKind::Let {
                name,
                value,
                is_static,
                ..
            } => {
                self.may_throw(value.as_ref());
                self.push(NodeKind::Let {
                    name,
                    value: value.as_ref(),
                    is_static: *is_static,
                });
            }
            StmtKind::Eval(expr) => {
                self.may_throw(Some(expr));
                self.push(NodeKind::Eval(expr));
            }
            StmtKind::Branch { arms, exhaustive } => {
                let fork = self.current;
                let join = self.push_detached(NodeKind::Nop);
                for arm in arms {
                    self.current = fork;
                    self.scoped_block(arm);
                    self.link_current(join);
                }
                if !exhaustive || arms.is_empty() {
                    if let Some(f) = fork {
                        self.edge(f, join);
                    }
                }
                self.current = self.reached[join].then_some(join);
            }
            StmtKind::Loop {
                label,
                header,
                body,
                at_least_once,
                infinite,
            } => self.loop_stmt(label.as_ref(), header, body, *at_least_once, *infinite),
            StmtKind::Return(value) => {
                self.may_throw(value.as_ref());
                self.push(NodeKind::Return(value.as_ref()));
                self.jump_to_exit(stmt.span);
            }
            StmtKind::Throw(value) => {
                if let Some(v) = value {
                    self.push(NodeKind::Eval(v));
                }
                self.throw_from_here(stmt.span);
            }
            StmtKind::Break(label) | StmtKind::Continue(label) => {
                let is_break = matches!(stmt.kind, StmtKind::Break(_));
                let target = self
                    .loops
                    .iter()
                    .rev()
                    .find(|l| label.is_none() || l.label == label.as_ref())
                    .map(|l| {
                        let to = if is_break { l.break_to } else { l.continue_to };
                        (to, l.scope_depth)
                    });
                self.push(NodeKind::Jump(stmt.span));
                match target {
                    Some((to, depth)) => {
                        self.run_defers_down_to(depth);
                        self.link_current(to);
                    }
                    // `break` out of a `switch` (no loop): continues after it, which the
                    // enclosing branch's join models well enough by falling through.
                    None => return,
                }
                self.current = None;
            }
            StmtKind::Label(name) => {
                let id = self.label_node(name);
                self.link_current(id);
                self.current = Some(id);
            }
            StmtKind::Goto(name) => {
                self.push(NodeKind::Jump(stmt.span));
                let id = self.label_node(name);
                self.link_current(id);
                self.current = None;
            }
            StmtKind::Defer(body) => {
                if let Some(scope) = self.scopes.last_mut() {
                    scope.push(body);
                }
            }
            StmtKind::Try {
                body,
                handlers,
                catch_all,
            } => self.try_stmt(body, handlers, *catch_all, stmt.span),
            StmtKind::Scope(body) => self.scoped_block(body),
            StmtKind::Abort => {
                self.push(NodeKind::Nop);
                self.current = None;
            }
        }
    }

    fn label_node(&mut self, name: &'a str) -> NodeId {
        if let Some(&id) = self.labels.get(name) {
            return id;
        }
        let id = self.push_detached(NodeKind::Nop);
        self.labels.insert(name, id);
        id
    }

    /// A statement whose expression contains a propagating `try`/`?` may leave before it
    /// completes: an edge from before it to the throw target.
    fn may_throw(&mut self, expr: Option<&'a Expr>) {
        if let Some(span) = expr.and_then(first_propagating_try) {
            let here = self.current;
            self.throw_from_here(span);
            self.current = here;
        }
    }

    fn loop_stmt(
        &mut self,
        label: Option<&'a Name>,
        header: &'a Block,
        body: &'a Block,
        at_least_once: bool,
        infinite: bool,
    ) {
        self.loop_depth += 1;
        let head = self.push(NodeKind::Nop);
        let after = self.push_detached(NodeKind::Nop);
        self.nodes[after].loop_depth -= 1;
        let body_start = self.push_detached(NodeKind::Nop);
        self.loops.push(LoopCtx {
            label,
            break_to: after,
            continue_to: head,
            scope_depth: self.scopes.len(),
        });
        if at_least_once {
            // repeat { body } while header
            self.current = Some(head);
            self.link_current(body_start);
            self.current = Some(body_start);
            self.scoped_block(body);
            self.scoped_block(header);
            self.link_current(head);
            if !infinite {
                self.link_current(after);
            }
        } else {
            self.current = Some(head);
            self.scoped_block(header);
            if !infinite {
                self.link_current(after);
            }
            self.link_current(body_start);
            self.current = Some(body_start);
            self.scoped_block(body);
            self.link_current(head);
        }
        self.loops.pop();
        self.loop_depth -= 1;
        self.current = self.reached[after].then_some(after);
    }

    fn try_stmt(&mut self, body: &'a Block, handlers: &'a [Block], catch_all: bool, span: Span) {
        let handler = self.push_detached(NodeKind::Nop);
        let join = self.push_detached(NodeKind::Nop);
        self.catches.push(CatchCtx {
            handler,
            scope_depth: self.scopes.len(),
        });
        self.scoped_block(body);
        self.catches.pop();
        self.link_current(join);
        for h in handlers {
            self.current = Some(handler);
            self.scoped_block(h);
            self.link_current(join);
        }
        if !catch_all || handlers.is_empty() {
            // An error no handler matches goes on outward.
            self.current = Some(handler);
            self.throw_from_here(span);
        }
        self.current = self.reached[join].then_some(join);
    }
}

/// The span of the first `try`/`?` in `expr` that can leave the function (not inside closures).
pub fn first_propagating_try(expr: &Expr) -> Option<Span> {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Try {
                propagates: true, ..
            } => return Some(e.span),
            ExprKind::Closure(_) => {}
            _ => crate::analyze::walk::push_children(e, &mut stack),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::*;

    fn stmt(kind: StmtKind, at: usize) -> Stmt {
        Stmt {
            kind,
            span: Span::new(at, at + 1),
        }
    }

    fn eval(at: usize) -> Stmt {
        stmt(
            StmtKind::Eval(Expr {
                kind: ExprKind::Literal,
                span: Span::new(at, at + 1),
            }),
            at,
        )
    }

    fn reaches_exit(cfg: &Cfg, from: NodeId) -> bool {
        let mut seen = vec![false; cfg.nodes.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == cfg.exit {
                return true;
            }
            if !std::mem::replace(&mut seen[n], true) {
                stack.extend(&cfg.nodes[n].succs);
            }
        }
        false
    }

    #[test]
    fn defer_runs_on_return_and_on_fallthrough() {
        let body = vec![
            stmt(StmtKind::Defer(vec![eval(100)]), 0),
            stmt(
                StmtKind::Branch {
                    arms: vec![vec![stmt(StmtKind::Return(None), 10)]],
                    exhaustive: false,
                },
                5,
            ),
            eval(20),
        ];
        let cfg = build(&body);
        let deferred: Vec<_> = cfg
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Eval(e) if e.span.start == 100))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(deferred.len(), 2, "one copy per way out");
        assert!(deferred.iter().all(|&d| cfg.nodes[d].succs.len() == 1));
        assert!(deferred.iter().all(|&d| reaches_exit(&cfg, d)));
    }

    #[test]
    fn infinite_loop_leaves_only_through_break_and_abort_never_exits() {
        let body = vec![stmt(
            StmtKind::Loop {
                label: None,
                header: vec![],
                body: vec![stmt(StmtKind::Abort, 3)],
                at_least_once: false,
                infinite: true,
            },
            0,
        )];
        let cfg = build(&body);
        assert!(!reaches_exit(&cfg, cfg.entry));
    }

    #[test]
    fn goto_backwards_makes_a_cycle_and_terminates() {
        let body = vec![
            stmt(StmtKind::Label("again".into()), 0),
            eval(5),
            stmt(
                StmtKind::Branch {
                    arms: vec![vec![stmt(StmtKind::Goto("again".into()), 8)]],
                    exhaustive: false,
                },
                7,
            ),
        ];
        let cfg = build(&body);
        assert!(reaches_exit(&cfg, cfg.entry));
        let label = cfg.nodes[cfg.entry].succs[0];
        assert!(
            cfg.nodes
                .iter()
                .filter(|n| n.succs.contains(&label))
                .count()
                >= 2
        );
    }
}
