//! Statements: declarations, control flow, `@try`, `@autoreleasepool`, `#if` inside bodies.

use super::lowerer::{
    all_children, code_children, declared_name, has_weak_qualifier, BreakTarget, Lowerer,
};
use super::syntax::{field_id, kind_of, Field, Kind, Syntax};
use crate::facts::{Block, Closure, Expr, ExprKind, Stmt, StmtKind};
use tree_sitter::Node;

/// C functions that never return.
const NO_RETURN: &[&str] = &[
    "abort",
    "exit",
    "_exit",
    "__builtin_trap",
    "__builtin_unreachable",
];

impl Lowerer<'_> {
    /// The statements of a `{ ... }` (or of a single statement used as a body).
    pub fn block(&mut self, node: Node) -> Block {
        let mut out = Vec::new();
        if node.kind_name() == "compound_statement" {
            for child in code_children(node) {
                self.stmt_into(child, &mut out);
            }
        } else {
            self.stmt_into(node, &mut out);
        }
        out
    }

    fn push(&self, out: &mut Block, node: Node, kind: StmtKind) {
        out.push(Stmt {
            kind,
            span: self.span(node),
        });
    }

    pub fn stmt_into(&mut self, node: Node, out: &mut Block) {
        if !self.enter(node) {
            let span = self.span(node);
            out.push(Stmt {
                kind: StmtKind::Eval(Expr {
                    kind: ExprKind::Opaque(Vec::new()),
                    span,
                }),
                span,
            });
            return;
        }
        self.stmt_kind_into(node, out);
        self.leave();
    }

    fn stmt_kind_into(&mut self, node: Node, out: &mut Block) {
        // A simple statement the parser only half read (C++ in `.mm`, unknown macros) yields
        // no facts: the names it mentions are handed to unknown code instead.
        if node.has_error() && !is_structured(node.kind_name()) {
            let uses = self.error_uses(node);
            let span = self.span(node);
            self.push(out, node, StmtKind::Eval(Expr { kind: uses, span }));
            return;
        }
        match kind_of(node) {
            Kind::CompoundStatement => {
                let inner = self.block(node);
                self.push(out, node, StmtKind::Scope(inner));
            }
            Kind::ExpressionStatement => self.expression_statement(node, out),
            Kind::Declaration => self.declaration(node, out),
            Kind::IfStatement => self.if_statement(node, out),
            Kind::SwitchStatement => self.switch_statement(node, out),
            Kind::ForStatement => self.for_statement(node, out),
            Kind::WhileStatement => self.conditional_loop(node, false, out),
            Kind::DoStatement => self.conditional_loop(node, true, out),
            Kind::ReturnStatement => {
                let value = code_children(node).first().map(|v| self.expr(*v));
                self.push(out, node, StmtKind::Return(value));
            }
            Kind::ThrowStatement => {
                let value = code_children(node).first().map(|v| self.expr(*v));
                self.push(out, node, StmtKind::Throw(value));
            }
            Kind::BreakStatement => {
                let kind = match self.function.break_targets.last() {
                    Some(BreakTarget::Switch(label)) => StmtKind::Goto(label.clone()),
                    _ => StmtKind::Break(None),
                };
                self.push(out, node, kind);
            }
            Kind::ContinueStatement => self.push(out, node, StmtKind::Continue(None)),
            Kind::GotoStatement => {
                let label = node
                    .field(Field::Label)
                    .map(|l| self.text(l).to_owned())
                    .unwrap_or_default();
                self.push(out, node, StmtKind::Goto(label));
            }
            Kind::LabeledStatement => {
                let label = node
                    .field(Field::Label)
                    .map(|l| self.text(l).to_owned())
                    .unwrap_or_default();
                self.push(out, node, StmtKind::Label(label));
                for child in code_children(node) {
                    if Some(child) != node.field(Field::Label) {
                        self.stmt_into(child, out);
                    }
                }
            }
            Kind::TryStatement => self.try_statement(node, out),
            Kind::SynchronizedStatement => {
                for child in code_children(node) {
                    if child.kind_name() == "compound_statement" {
                        let body = self.block(child);
                        self.push(out, node, StmtKind::Scope(body));
                    } else if let Some(e) = self.effects(child) {
                        self.push(out, child, StmtKind::Eval(e));
                    }
                }
            }
            Kind::PreprocIf | Kind::PreprocIfdef => self.preproc_branch(node, out),
            Kind::AttributedStatement | Kind::CaseStatement => {
                for child in code_children(node) {
                    if child.kind_name() != "attribute_declaration"
                        && Some(child) != node.field(Field::Value)
                    {
                        self.stmt_into(child, out);
                    }
                }
            }
            // Not valid ObjC inside a body: a C++ lambda read as a nested function. Its body
            // runs later, if at all, like a block's.
            Kind::FunctionDefinition => {
                if let Some(body) = node.field(Field::Body) {
                    self.function.captures.push(Vec::new());
                    let saved = std::mem::take(&mut self.function.break_targets);
                    let body = self.block(body);
                    self.function.break_targets = saved;
                    let used = self.function.captures.pop().unwrap_or_default();
                    used.iter().for_each(|n| self.note_use(n));
                    let span = self.span(node);
                    let closure = ExprKind::Closure(Box::new(Closure {
                        params: Vec::new(),
                        body,
                        weak_captures: Vec::new(),
                    }));
                    self.push(
                        out,
                        node,
                        StmtKind::Eval(Expr {
                            kind: closure,
                            span,
                        }),
                    );
                }
            }
            Kind::Other if is_declaration_only(node.kind_name()) => {}
            _ => {
                if let Some(e) = self.effects(node) {
                    self.push(out, node, StmtKind::Eval(e));
                }
            }
        }
    }

    fn expression_statement(&mut self, node: Node, out: &mut Block) {
        let Some(inner) = code_children(node).into_iter().next() else {
            return;
        };
        if inner.kind_name() == "call_expression" {
            let callee = inner.field(Field::Function).map(|f| self.text(f));
            if callee.is_some_and(|c| NO_RETURN.contains(&c)) {
                self.push(out, node, StmtKind::Abort);
                return;
            }
        }
        if let Some(e) = self.effects(inner) {
            self.push(out, node, StmtKind::Eval(e));
        }
    }

    /// `NSURLSession *s = ..., *t;` → one `Let` per declarator.
    pub fn declaration(&mut self, node: Node, out: &mut Block) {
        let declarators: Vec<Node> = match field_id(Field::Declarator) {
            Some(id) => node.children_by_field_id(id, &mut node.walk()).collect(),
            None => Vec::new(),
        };
        // A lone declarator's statement is the whole declaration.
        let single = declarators.len() <= 1;
        let specifiers_end = declarators
            .first()
            .map_or(node.end_byte(), |d| d.start_byte());
        let specifiers = self
            .src()
            .get(node.start_byte()..specifiers_end)
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let is_static = specifiers.split_whitespace().any(|w| w == "static");
        let weak_declaration = has_weak_qualifier(&specifiers);
        for declarator in declarators {
            let (target, value) = if declarator.kind_name() == "init_declarator" {
                (
                    declarator.field(Field::Declarator),
                    declarator.field(Field::Value),
                )
            } else {
                (Some(declarator), None)
            };
            let Some(target) = target else { continue };
            if is_function_declarator(target) {
                continue;
            }
            let Some(name_node) = declared_name(target) else {
                continue;
            };
            let name = self.text(name_node).to_owned();
            let weak = weak_declaration || has_weak_qualifier(self.text(target));
            // The name is in scope in its own initialiser (blocks may refer to themselves).
            self.declare_local(&name, weak);
            let value = value.map(|v| self.expr(v));
            let span = if single {
                self.span(node)
            } else {
                self.span(declarator)
            };
            out.push(Stmt {
                kind: StmtKind::Let {
                    name,
                    name_span: self.span(name_node),
                    value,
                    is_static,
                },
                span,
            });
        }
    }

    fn condition_into(&mut self, condition: Option<Node>, out: &mut Block) {
        if let Some(c) = condition {
            if let Some(e) = self.effects(c) {
                self.push(out, c, StmtKind::Eval(e));
            }
        }
    }

    fn if_statement(&mut self, node: Node, out: &mut Block) {
        self.condition_into(node.field(Field::Condition), out);
        let mut arms = Vec::new();
        if let Some(then) = node.field(Field::Consequence) {
            arms.push(self.block(then));
        }
        let alternative = node.field(Field::Alternative);
        if let Some(otherwise) = alternative {
            let mut arm = Vec::new();
            for child in code_children(otherwise) {
                arm.extend(self.block(child));
            }
            arms.push(arm);
        }
        self.push(
            out,
            node,
            StmtKind::Branch {
                arms,
                exhaustive: alternative.is_some(),
            },
        );
    }

    /// `switch`: one arm per `case`; `break` jumps to a label placed after the branch.
    fn switch_statement(&mut self, node: Node, out: &mut Block) {
        self.condition_into(node.field(Field::Condition), out);
        let label = self.fresh_label("switch");
        self.function
            .break_targets
            .push(BreakTarget::Switch(label.clone()));
        let mut arms = Vec::new();
        let mut exhaustive = false;
        let cases = node
            .field(Field::Body)
            .map(code_children)
            .unwrap_or_default();
        for case in cases {
            if case.kind_name() != "case_statement" {
                if let Some(last) = arms.last_mut() {
                    self.stmt_into(case, last);
                }
                continue;
            }
            exhaustive |= all_children(case)
                .first()
                .is_some_and(|t| t.kind_name() == "default");
            let mut arm = Vec::new();
            self.stmt_into(case, &mut arm);
            if matches!(arm.last(), Some(Stmt { kind: StmtKind::Goto(l), .. }) if *l == label) {
                arm.pop();
            }
            arms.push(arm);
        }
        self.function.break_targets.pop();
        self.push(out, node, StmtKind::Branch { arms, exhaustive });
        self.push(out, node, StmtKind::Label(label));
    }

    fn loop_body(&mut self, body: Option<Node>) -> Block {
        self.function.break_targets.push(BreakTarget::Loop);
        let block = body.map(|b| self.block(b)).unwrap_or_default();
        self.function.break_targets.pop();
        block
    }

    fn for_statement(&mut self, node: Node, out: &mut Block) {
        let children = all_children(node);
        if let Some(in_index) = children.iter().position(|c| c.kind_name() == "in") {
            return self.for_in(node, &children, in_index, out);
        }
        if let Some(init) = node.field(Field::Initializer) {
            if init.kind_name() == "declaration" {
                self.declaration(init, out);
            } else if let Some(e) = self.effects(init) {
                self.push(out, init, StmtKind::Eval(e));
            }
        }
        let condition = node.field(Field::Condition);
        let mut header = Vec::new();
        self.condition_into(condition, &mut header);
        let mut body = self.loop_body(node.field(Field::Body));
        if let Some(update) = node.field(Field::Update) {
            if let Some(e) = self.effects(update) {
                body.push(Stmt {
                    kind: StmtKind::Eval(e),
                    span: self.span(update),
                });
            }
        }
        self.push(
            out,
            node,
            StmtKind::Loop {
                label: None,
                header,
                body,
                at_least_once: false,
                infinite: condition.is_none_or(|c| self.is_always_true(c)),
            },
        );
    }

    /// `for (NSURLSessionTask *t in tasks) { ... }`.
    fn for_in(&mut self, node: Node, children: &[Node], in_index: usize, out: &mut Block) {
        let collection = children[in_index + 1..].iter().find(|c| c.is_named());
        if let Some(e) = collection.and_then(|c| self.effects(*c)) {
            self.push(out, node, StmtKind::Eval(e));
        }
        let mut header = Vec::new();
        // The collection iterated, as Swift's and Rust's loops carry it: what the loop body
        // does to each element is done to the collection's elements.
        if let Some(c) = collection {
            let e = self.expr(*c);
            if e.is_plain_read() {
                header.push(Stmt {
                    span: e.span,
                    kind: StmtKind::Eval(e),
                });
            }
        }
        let variable = children[..in_index]
            .iter()
            .rev()
            .find(|c| c.is_named())
            .and_then(|c| declared_name(*c));
        if let Some(var) = variable {
            let name = self.text(var).to_owned();
            self.declare_local(&name, false);
            header.push(Stmt {
                kind: StmtKind::Let {
                    name,
                    name_span: self.span(var),
                    value: None,
                    is_static: false,
                },
                span: self.span(var),
            });
        }
        let body_node = children
            .iter()
            .rev()
            .find(|c| c.is_named() && Some(**c) != collection.copied());
        let body = self.loop_body(body_node.copied());
        self.push(
            out,
            node,
            StmtKind::Loop {
                label: None,
                header,
                body,
                at_least_once: false,
                infinite: false,
            },
        );
    }

    /// `while (c) body` and `do body while (c)` (`at_least_once`).
    fn conditional_loop(&mut self, node: Node, at_least_once: bool, out: &mut Block) {
        let condition = node.field(Field::Condition);
        let mut header = Vec::new();
        self.condition_into(condition, &mut header);
        let body = self.loop_body(node.field(Field::Body));
        self.push(
            out,
            node,
            StmtKind::Loop {
                label: None,
                header,
                body,
                at_least_once,
                infinite: condition.is_some_and(|c| self.is_always_true(c)),
            },
        );
    }

    fn is_always_true(&self, condition: Node) -> bool {
        let text = self.text(condition);
        let trimmed = text.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
        matches!(trimmed, "1" | "YES" | "true" | "TRUE")
    }

    /// `@try {} @catch (...) {} @finally {}` → `Scope([Defer(finally), Try{...}])`.
    fn try_statement(&mut self, node: Node, out: &mut Block) {
        let mut body = Vec::new();
        let mut handlers = Vec::new();
        let mut catch_all = false;
        let mut finally = None;
        for child in code_children(node) {
            match child.kind_name() {
                "compound_statement" => body = self.block(child),
                "catch_clause" => {
                    let caught = code_children(child);
                    let mut handler = Vec::new();
                    for part in caught {
                        if part.kind_name() == "compound_statement" {
                            handler = self.block(part);
                        } else {
                            let written = self.text(part);
                            catch_all |= written.starts_with("id")
                                || written.starts_with("NSException")
                                || written.contains("...");
                            if let Some(name) = declared_name(part) {
                                let name = self.text(name).to_owned();
                                self.declare_local(&name, false);
                            }
                        }
                    }
                    catch_all |= all_children(child).iter().any(|c| c.kind_name() == "...");
                    handlers.push(handler);
                }
                "finally_clause" => {
                    finally = code_children(child)
                        .into_iter()
                        .find(|c| c.kind_name() == "compound_statement")
                        .map(|b| self.block(b));
                }
                _ => {}
            }
        }
        let attempt = Stmt {
            kind: StmtKind::Try {
                body,
                handlers,
                catch_all,
            },
            span: self.span(node),
        };
        match finally {
            Some(finally) => {
                let defer = Stmt {
                    kind: StmtKind::Defer(finally),
                    span: self.span(node),
                };
                self.push(out, node, StmtKind::Scope(vec![defer, attempt]));
            }
            None => out.push(attempt),
        }
    }

    /// `#if A ... #elif B ... #else ... #endif` inside a body: one arm per group.
    fn preproc_branch(&mut self, node: Node, out: &mut Block) {
        let mut arms = Vec::new();
        let mut exhaustive = false;
        let mut group = Some(node);
        let mut guard = 0;
        while let Some(current) = group {
            guard += 1;
            if guard > 256 {
                break;
            }
            let alternative = current.field(Field::Alternative);
            let skip = [
                current.field(Field::Condition),
                current.field(Field::Name),
                alternative,
            ];
            let mut arm = Vec::new();
            for child in code_children(current) {
                if !skip.contains(&Some(child)) {
                    self.stmt_into(child, &mut arm);
                }
            }
            arms.push(arm);
            if current.kind_name() == "preproc_else" {
                exhaustive = true;
            }
            group = alternative;
        }
        self.push(out, node, StmtKind::Branch { arms, exhaustive });
    }
}

/// Statements whose parts are lowered one by one (an error inside stays local to its part).
fn is_structured(kind: &str) -> bool {
    matches!(
        kind,
        "compound_statement"
            | "if_statement"
            | "switch_statement"
            | "for_statement"
            | "while_statement"
            | "do_statement"
            | "try_statement"
            | "synchronized_statement"
            | "preproc_if"
            | "preproc_ifdef"
            | "case_statement"
    )
}

fn is_function_declarator(node: Node) -> bool {
    let mut current = node;
    for _ in 0..16 {
        match current.kind_name() {
            "function_declarator" => return true,
            "pointer_declarator" | "attributed_declarator" => {
                match current.field(Field::Declarator) {
                    Some(next) => current = next,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    false
}

fn is_declaration_only(kind: &str) -> bool {
    matches!(
        kind,
        "type_definition"
            | "struct_specifier"
            | "enum_specifier"
            | "union_specifier"
            | "preproc_def"
            | "preproc_function_def"
            | "preproc_call"
            | "preproc_include"
            | ";"
    )
}
