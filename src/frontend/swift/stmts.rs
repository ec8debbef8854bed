//! Statements: bindings, control flow, exits, `defer`, `do`/`catch`.

use super::directives::active_items;
use super::lowerer::Lowerer;
use super::syntax::{
    child_of_kind, field, fielded_children, named_children, span, text, Field, KindName,
};
use crate::facts::{Block, Expr, ExprKind, Name, Span, Stmt, StmtKind};
use tree_sitter::Node;

/// Free functions that never return.
const ABORTS: &[&str] = &["fatalError", "preconditionFailure", "abort"];

/// Node kinds that are statements, not expressions (for implicit returns).
fn is_statement_kind(kind: &str) -> bool {
    matches!(
        kind,
        "property_declaration"
            | "assignment"
            | "if_statement"
            | "guard_statement"
            | "switch_statement"
            | "for_statement"
            | "while_statement"
            | "repeat_while_statement"
            | "do_statement"
            | "control_transfer_statement"
            | "function_declaration"
            | "class_declaration"
            | "protocol_declaration"
            | "typealias_declaration"
            | "import_declaration"
            | "statement_label"
            | "ERROR"
    )
}

/// A condition list's parts, in order.
enum Condition<'t> {
    Plain(Node<'t>),
    /// `let a = e` / `case .x(let a) = e` / `if let a` (value `None`: shorthand).
    Binding {
        names: Vec<(Name, Span)>,
        value: Option<Node<'t>>,
        is_case: bool,
    },
}

impl<'s> Lowerer<'s> {
    /// A function, closure or accessor body; a single expression is its implicit return value.
    pub fn lower_body(&mut self, statements: Option<Node>) -> Block {
        let Some(statements) = statements else {
            return Block::new();
        };
        let items = active_items(self.src, statements);
        if let [only] = items.as_slice() {
            if !is_statement_kind(only.kind_name()) && !self.is_statement_call(*only) {
                let value = self.lower_expr(*only);
                return vec![Stmt {
                    span: value.span,
                    kind: StmtKind::Return(Some(value)),
                }];
            }
        }
        self.lower_items(&items)
    }

    pub fn lower_block(&mut self, statements: Option<Node>) -> Block {
        match statements {
            Some(statements) => {
                let items = active_items(self.src, statements);
                self.lower_items(&items)
            }
            None => Block::new(),
        }
    }

    pub fn lower_items(&mut self, items: &[Node]) -> Block {
        let mut block = Block::new();
        let mut label: Option<Name> = None;
        for item in items {
            if item.kind_name() == "statement_label" {
                label = Some(self.text(*item).trim_end_matches(':').trim().to_string());
                continue;
            }
            let taken = label.take();
            let done = self.deeper(*item, |l| l.lower_stmt(*item, taken, &mut block));
            if done.is_none() {
                block.push(Stmt {
                    kind: StmtKind::Eval(Lowerer::opaque_leaf(*item)),
                    span: span(*item),
                });
            }
        }
        block
    }

    /// `defer { }` and never-returning calls parse as calls but are statements.
    fn is_statement_call(&self, node: Node) -> bool {
        if node.kind_name() != "call_expression" {
            return false;
        }
        match node.named_child(0) {
            Some(callee) if callee.kind_name() == "simple_identifier" => {
                let name = self.text(callee);
                name == "defer" || ABORTS.contains(&name)
            }
            _ => false,
        }
    }

    fn lower_stmt(&mut self, node: Node, label: Option<Name>, out: &mut Block) {
        let here = span(node);
        let stmt = |kind| Stmt { kind, span: here };
        match node.kind_name() {
            "property_declaration" => self.local_bindings(node, out),
            "if_statement" => self.if_statement(node, out),
            "guard_statement" => self.guard_statement(node, out),
            "switch_statement" => self.switch_statement(node, out),
            "for_statement" => out.push(stmt(self.for_statement(node, label))),
            "while_statement" => out.push(stmt(self.while_statement(node, label, false))),
            "repeat_while_statement" => out.push(stmt(self.while_statement(node, label, true))),
            "do_statement" => out.push(stmt(self.do_statement(node))),
            "control_transfer_statement" => out.push(stmt(self.control_transfer(node))),
            "function_declaration"
            | "class_declaration"
            | "protocol_declaration"
            | "init_declaration"
            | "deinit_declaration" => self.lower_nested_decl(node),
            "typealias_declaration"
            | "import_declaration"
            | "operator_declaration"
            | "precedence_group_declaration"
            | "associatedtype_declaration" => {}
            "ERROR" => {
                // Keep whatever well-formed statements the parser found inside.
                let inner = self.lower_items(&named_children(node));
                out.extend(inner);
            }
            "call_expression" if self.is_statement_call(node) => {
                let callee = node.named_child(0).map(|c| self.text(c)).unwrap_or("");
                if callee == "defer" {
                    let body = child_of_kind_in_suffix(node, "lambda_literal")
                        .map(|closure| self.lower_block(child_of_kind(closure, "statements")))
                        .unwrap_or_default();
                    out.push(stmt(StmtKind::Defer(body)));
                } else {
                    out.push(stmt(StmtKind::Abort));
                }
            }
            _ => out.push(stmt(StmtKind::Eval(self.lower_expr(node)))),
        }
    }

    /// `let x = e`, `var (a, b) = e`, `let x: T` in a body.
    fn local_bindings(&mut self, node: Node, out: &mut Block) {
        for binding in property_bindings(node) {
            let names = pattern_names(self.src, binding.pattern, true);
            let value = binding.value.map(|v| self.lower_expr(v));
            if field(binding.pattern, Field::BoundIdentifier).is_some() {
                self.push_binding(names, value, span(node), out);
            } else {
                // A tuple or other pattern: no name is an alias of the whole value.
                if let Some(value) = value {
                    out.push(Stmt {
                        span: value.span,
                        kind: StmtKind::Eval(value),
                    });
                }
                self.push_binding_without_value(names, span(node), out);
            }
        }
    }

    /// One `Let` for a simple name; for patterns, the value is evaluated and each name bound
    /// without a known value.
    fn push_binding(
        &mut self,
        names: Vec<(Name, Span)>,
        value: Option<Expr>,
        here: Span,
        out: &mut Block,
    ) {
        if names.len() == 1 {
            if let Some((name, name_span)) = names.into_iter().next() {
                out.push(Stmt {
                    kind: StmtKind::Let {
                        name,
                        name_span,
                        value,
                        is_static: false,
                    },
                    span: here,
                });
            }
            return;
        }
        if let Some(value) = value {
            out.push(Stmt {
                span: value.span,
                kind: StmtKind::Eval(value),
            });
        }
        for (name, name_span) in names {
            out.push(Stmt {
                kind: StmtKind::Let {
                    name,
                    name_span,
                    value: None,
                    is_static: false,
                },
                span: here,
            });
        }
    }

    /// Reads the condition list of an `if`/`guard`/`while`.
    fn conditions<'t>(&self, node: Node<'t>) -> Vec<Condition<'t>> {
        let mut out = Vec::new();
        let mut pending: Option<Condition<'t>> = None;
        let mut expecting_value = false;
        for (field, child) in fielded_children(node) {
            match field {
                Some("bound_identifier") => {
                    if let Some(Condition::Binding { names, .. }) = pending.as_mut() {
                        names.push((self.text(child).to_string(), span(child)));
                    }
                }
                Some("condition") => match child.kind_name() {
                    "value_binding_pattern" if pending.is_none() || expecting_value => {
                        out.extend(pending.take());
                        expecting_value = false;
                        pending = Some(Condition::Binding {
                            names: Vec::new(),
                            value: None,
                            is_case: false,
                        });
                    }
                    "case" if !child.is_named() => {
                        out.extend(pending.take());
                        expecting_value = false;
                        pending = Some(Condition::Binding {
                            names: Vec::new(),
                            value: None,
                            is_case: true,
                        });
                    }
                    "=" if !child.is_named() => expecting_value = true,
                    _ if !child.is_named() => {}
                    "availability_condition" => {}
                    _ if expecting_value => {
                        if let Some(Condition::Binding { value, .. }) = pending.as_mut() {
                            *value = Some(child);
                        }
                        out.extend(pending.take());
                        expecting_value = false;
                    }
                    "pattern"
                        if matches!(pending, Some(Condition::Binding { is_case: true, .. })) =>
                    {
                        if let Some(Condition::Binding { names, .. }) = pending.as_mut() {
                            names.extend(pattern_names(self.src, child, false));
                        }
                    }
                    _ if matches!(pending, Some(Condition::Binding { is_case: true, .. })) => {}
                    _ => {
                        out.extend(pending.take());
                        out.push(Condition::Plain(child));
                    }
                },
                _ => {}
            }
        }
        out.extend(pending);
        out
    }

    /// Lowers conditions; with `split`, everything from the first binding on goes to the
    /// second block (the first arm of an `if`, where the bound names live).
    fn lower_conditions(&mut self, node: Node, split: bool) -> (Block, Block) {
        let mut before = Block::new();
        let mut inside = Block::new();
        let mut bound = false;
        for condition in self.conditions(node) {
            let is_binding = matches!(condition, Condition::Binding { .. });
            bound |= split && is_binding;
            let out = if bound { &mut inside } else { &mut before };
            match condition {
                Condition::Plain(expr) => {
                    let value = self.lower_expr(expr);
                    out.push(Stmt {
                        span: value.span,
                        kind: StmtKind::Eval(value),
                    });
                }
                Condition::Binding {
                    names,
                    value,
                    is_case,
                } => {
                    let here = match (names.first(), value) {
                        (Some((_, first)), Some(v)) => {
                            Span::new(first.start as usize, v.end_byte())
                        }
                        (Some((_, first)), None) => *first,
                        (None, Some(v)) => span(v),
                        (None, None) => span(node),
                    };
                    let value = match value {
                        Some(v) => Some(self.lower_expr(v)),
                        // `if let x`: rebinds the outer `x`.
                        None => names.first().map(|(name, s)| Expr {
                            kind: ExprKind::Name(name.clone()),
                            span: *s,
                        }),
                    };
                    if is_case {
                        if let Some(value) = value {
                            out.push(Stmt {
                                span: value.span,
                                kind: StmtKind::Eval(value),
                            });
                        }
                        let mut lets = Block::new();
                        self.push_binding(names, None, here, &mut lets);
                        // A single case-bound name is not an alias of the value.
                        for stmt in lets.iter_mut() {
                            if let StmtKind::Let { value, .. } = &mut stmt.kind {
                                *value = None;
                            }
                        }
                        out.extend(lets);
                    } else {
                        self.push_binding(names, value, here, out);
                    }
                }
            }
        }
        (before, inside)
    }

    fn if_statement(&mut self, node: Node, out: &mut Block) {
        let (before, first_arm_prefix) = self.lower_conditions(node, true);
        out.extend(before);
        let mut then_arm = first_arm_prefix;
        let mut else_arm: Option<Block> = None;
        for child in named_children(node) {
            match child.kind_name() {
                "else" => else_arm = Some(Block::new()),
                "statements" if else_arm.is_none() => {
                    then_arm.extend(self.lower_block(Some(child)))
                }
                "statements" => else_arm = Some(self.lower_block(Some(child))),
                "if_statement" if else_arm.is_some() => {
                    let mut nested = Block::new();
                    if self
                        .deeper(child, |l| l.if_statement(child, &mut nested))
                        .is_none()
                    {
                        nested.push(Stmt {
                            kind: StmtKind::Eval(Lowerer::opaque_leaf(child)),
                            span: span(child),
                        });
                    }
                    else_arm = Some(nested);
                }
                _ => {}
            }
        }
        let exhaustive = else_arm.is_some();
        let mut arms = vec![then_arm];
        arms.extend(else_arm);
        out.push(Stmt {
            kind: StmtKind::Branch { arms, exhaustive },
            span: span(node),
        });
    }

    fn guard_statement(&mut self, node: Node, out: &mut Block) {
        let (before, _) = self.lower_conditions(node, false);
        out.extend(before);
        let else_arm = self.lower_block(child_of_kind(node, "statements"));
        out.push(Stmt {
            kind: StmtKind::Branch {
                arms: vec![else_arm],
                exhaustive: false,
            },
            span: span(node),
        });
    }

    fn switch_statement(&mut self, node: Node, out: &mut Block) {
        if let Some(subject) = field(node, Field::Expr) {
            let value = self.lower_expr(subject);
            out.push(Stmt {
                span: value.span,
                kind: StmtKind::Eval(value),
            });
        }
        let mut arms = Vec::new();
        for entry in active_items(self.src, node) {
            if entry.kind_name() != "switch_entry" {
                continue;
            }
            let mut arm = Block::new();
            for part in named_children(entry) {
                match part.kind_name() {
                    "switch_pattern" => {
                        let names = pattern_names(self.src, part, false);
                        self.push_binding_without_value(names, span(part), &mut arm);
                    }
                    "where_clause" => arm.extend(self.where_clause(part)),
                    "statements" => arm.extend(self.lower_block(Some(part))),
                    _ => {}
                }
            }
            arms.push(arm);
        }
        out.push(Stmt {
            kind: StmtKind::Branch {
                arms,
                exhaustive: true,
            },
            span: span(node),
        });
    }

    fn push_binding_without_value(
        &mut self,
        names: Vec<(Name, Span)>,
        here: Span,
        out: &mut Block,
    ) {
        for (name, name_span) in names {
            out.push(Stmt {
                kind: StmtKind::Let {
                    name,
                    name_span,
                    value: None,
                    is_static: false,
                },
                span: here,
            });
        }
    }

    fn where_clause(&mut self, clause: Node) -> Block {
        named_children(clause)
            .into_iter()
            .filter(|c| c.kind_name() != "where_keyword")
            .map(|c| {
                let value = self.lower_expr(c);
                Stmt {
                    span: value.span,
                    kind: StmtKind::Eval(value),
                }
            })
            .collect()
    }

    fn for_statement(&mut self, node: Node, label: Option<Name>) -> StmtKind {
        let mut header = Block::new();
        if let Some(collection) = field(node, Field::Collection) {
            let value = self.lower_expr(collection);
            header.push(Stmt {
                span: value.span,
                kind: StmtKind::Eval(value),
            });
        }
        let mut body = Block::new();
        if let Some(item) = field(node, Field::Item) {
            let names = pattern_names(self.src, item, true);
            self.push_binding_without_value(names, span(item), &mut body);
        }
        if let Some(clause) = child_of_kind(node, "where_clause") {
            body.extend(self.where_clause(clause));
        }
        body.extend(self.lower_block(child_of_kind(node, "statements")));
        StmtKind::Loop {
            label,
            header,
            body,
            at_least_once: false,
            infinite: false,
        }
    }

    fn while_statement(&mut self, node: Node, label: Option<Name>, repeat: bool) -> StmtKind {
        let infinite = {
            let conditions: Vec<Node> = fielded_children(node)
                .into_iter()
                .filter(|(f, c)| *f == Some("condition") && c.is_named())
                .map(|(_, c)| c)
                .collect();
            matches!(conditions.as_slice(), [only] if only.kind_name() == "boolean_literal" && text(self.src, *only) == "true")
        };
        let (header, _) = self.lower_conditions(node, false);
        let body = self.lower_block(child_of_kind(node, "statements"));
        StmtKind::Loop {
            label,
            header,
            body,
            at_least_once: repeat,
            infinite,
        }
    }

    fn do_statement(&mut self, node: Node) -> StmtKind {
        let body = self.lower_block(child_of_kind(node, "statements"));
        let mut handlers = Vec::new();
        let mut catch_all = false;
        for block in named_children(node) {
            if block.kind_name() != "catch_block" {
                continue;
            }
            let mut handler = Block::new();
            match field(block, Field::Error) {
                Some(pattern) => {
                    let names = pattern_names(self.src, pattern, true);
                    catch_all |= is_plain_binding(self.src, pattern)
                        && child_of_kind(block, "where_clause").is_none();
                    self.push_binding_without_value(names, span(pattern), &mut handler);
                }
                None => {
                    catch_all |= child_of_kind(block, "where_clause").is_none();
                    let keyword = child_of_kind(block, "catch_keyword").unwrap_or(block);
                    self.push_binding_without_value(
                        vec![("error".to_string(), span(keyword))],
                        span(keyword),
                        &mut handler,
                    );
                }
            }
            if let Some(clause) = child_of_kind(block, "where_clause") {
                handler.extend(self.where_clause(clause));
            }
            handler.extend(self.lower_block(child_of_kind(block, "statements")));
            handlers.push(handler);
        }
        if handlers.is_empty() {
            return StmtKind::Scope(body);
        }
        StmtKind::Try {
            body,
            handlers,
            catch_all,
        }
    }

    fn control_transfer(&mut self, node: Node) -> StmtKind {
        let keyword = node.child(0).map(|k| k.kind_name()).unwrap_or("");
        let operand = field(node, Field::Result).or_else(|| {
            named_children(node)
                .into_iter()
                .find(|c| c.kind_name() != "throw_keyword")
        });
        match keyword {
            "throw_keyword" => StmtKind::Throw(operand.map(|o| self.lower_expr(o))),
            "break" => StmtKind::Break(operand.map(|o| self.text(o).to_string())),
            "continue" => StmtKind::Continue(operand.map(|o| self.text(o).to_string())),
            _ => StmtKind::Return(operand.map(|o| self.lower_expr(o))),
        }
    }
}

fn child_of_kind_in_suffix<'t>(call: Node<'t>, kind: &str) -> Option<Node<'t>> {
    child_of_kind(call, "call_suffix").and_then(|s| child_of_kind(s, kind))
}

/// `catch let e`, `catch var e`, `catch _`: no type or case to match, so it catches everything.
fn is_plain_binding(src: &str, pattern: Node) -> bool {
    let written = text(src, pattern);
    let rest = written
        .trim()
        .trim_start_matches("let ")
        .trim_start_matches("var ")
        .trim();
    !rest.is_empty() && rest.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// One binding of a `let`/`var` declaration: `a = 1` in `let a = 1, b = 2`.
pub(super) struct Binding<'t> {
    pub pattern: Node<'t>,
    pub annotation: Option<Node<'t>>,
    pub value: Option<Node<'t>>,
    pub computed: Option<Node<'t>>,
    pub observers: Option<Node<'t>>,
}

pub(super) fn property_bindings(node: Node) -> Vec<Binding> {
    let mut out: Vec<Binding> = Vec::new();
    for (field, child) in fielded_children(node) {
        if field == Some("name") && child.kind_name() == "pattern" {
            out.push(Binding {
                pattern: child,
                annotation: None,
                value: None,
                computed: None,
                observers: None,
            });
            continue;
        }
        let Some(last) = out.last_mut() else { continue };
        match (field, child.kind_name()) {
            (Some("value"), _) => last.value = Some(child),
            (Some("computed_value"), _) => last.computed = Some(child),
            (_, "type_annotation") => last.annotation = Some(child),
            (_, "willset_didset_block") => last.observers = Some(child),
            _ => {}
        }
    }
    out
}

/// Names a pattern binds, with their spans. Without `binding` (case patterns), only
/// patterns that contain `let`/`var` bind anything. Iterative: patterns can nest deeply.
pub(super) fn pattern_names(src: &str, pattern: Node, binding: bool) -> Vec<(Name, Span)> {
    let mut names = Vec::new();
    let mut binds = binding;
    let mut stack = vec![pattern];
    let mut candidates = Vec::new();
    while let Some(node) = stack.pop() {
        if node.kind_name() == "value_binding_pattern" {
            binds = true;
        }
        let mut named = fielded_children(node);
        named.retain(|(_, child)| child.is_named());
        let sole = named.len() == 1;
        for (field, child) in named.iter().rev() {
            match child.kind_name() {
                "simple_identifier"
                    if *field == Some("bound_identifier")
                        || sole && node.kind_name() == "pattern" =>
                {
                    candidates.push(*child)
                }
                "pattern" | "switch_pattern" | "value_binding_pattern" | "tuple_expression" => {
                    stack.push(*child)
                }
                _ => {}
            }
        }
    }
    if binds {
        for c in candidates {
            let name = text(src, c);
            if name != "_" {
                names.push((name.to_string(), span(c)));
            }
        }
    }
    names
}

/// Turns a body lowered as one implicit `return e` back into the statement `e` (for a
/// function whose declaration returns nothing).
pub(super) fn implicit_return_to_statement(body: &mut Block) {
    if let [only] = body.as_mut_slice() {
        if let StmtKind::Return(value) = &mut only.kind {
            if let Some(value) = value.take() {
                only.kind = StmtKind::Eval(value);
            }
        }
    }
}
