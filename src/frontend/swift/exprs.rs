//! Expressions: sessions, calls, members, closures and the few forms that route values
//! (`??`, ternaries, `try`); everything else is opaque with its children kept in order.

use super::lowerer::Lowerer;
use super::session;
use super::syntax::{
    child_of_kind, field, fielded_children, fields, is_comment, is_type_like, named_children, span,
    Field, KindName,
};
use crate::facts::{api, Arg, Closure, Expr, ExprKind, Name};
use tree_sitter::Node;

/// How far down a postfix chain we look for a leading `try`/`await` (see [`Lowerer::lower_expr`]).
const CHAIN_LOOKUP: usize = 64;

impl<'s> Lowerer<'s> {
    pub fn lower_expr(&mut self, node: Node) -> Expr {
        self.deeper(node, |l| l.lower_expr_here(node))
            .unwrap_or_else(|| Lowerer::opaque_leaf(node))
    }

    fn lower_expr_here(&mut self, node: Node) -> Expr {
        if self.hoisted_prefix == Some(node.id()) {
            // The chain above already wrapped itself in this `try`: lower what it covers.
            self.hoisted_prefix = None;
            let inner = peel_prefixes(node).0;
            return self.lower_expr(inner);
        }
        let kind = match node.kind_name() {
            "simple_identifier" => ExprKind::Name(self.text(node).to_string()),
            "self_expression" => ExprKind::SelfRef,
            "nil_literal" => ExprKind::Nil,
            "integer_literal"
            | "real_literal"
            | "boolean_literal"
            | "hex_literal"
            | "oct_literal"
            | "bin_literal"
            | "key_path_expression"
            | "key_path_string_expression"
            | "selector_expression"
            | "special_literal"
            | "regex_literal" => ExprKind::Literal,
            "line_string_literal" | "multi_line_string_literal" | "raw_string_literal" => {
                self.string_literal(node)
            }
            "navigation_expression" | "call_expression" => return self.postfix_chain(node),
            "constructor_expression" => self.constructor(node),
            "try_expression" | "await_expression" => return self.prefixed(node),
            "postfix_expression" => self.postfix(node),
            "prefix_expression" => self.prefix(node),
            "as_expression" => match field(node, Field::Expr) {
                Some(inner) => return self.lower_expr(inner),
                None => ExprKind::Opaque(Vec::new()),
            },
            "directly_assignable_expression" => match named_children(node).first() {
                Some(inner) => return self.lower_expr(*inner),
                None => ExprKind::Opaque(Vec::new()),
            },
            "tuple_expression" => self.tuple(node),
            "nil_coalescing_expression" => {
                ExprKind::Choice(self.fields(node, &[Field::Value, Field::IfNil]))
            }
            "ternary_expression" => {
                ExprKind::Choice(self.fields(node, &[Field::IfTrue, Field::IfFalse]))
            }
            "if_statement" | "switch_statement" => ExprKind::Choice(self.arm_values(node)),
            "assignment" => self.assignment(node),
            // A test reads its operands: `session == nil` neither keeps nor hands on `session`.
            "equality_expression"
            | "comparison_expression"
            | "conjunction_expression"
            | "disjunction_expression" => self.test(node),
            "lambda_literal" => ExprKind::Closure(Box::new(self.closure(node))),
            "super_expression" => ExprKind::SuperRef,
            _ => ExprKind::Opaque(self.children_in_order(node)),
        };
        Expr {
            kind,
            span: span(node),
        }
    }

    /// Named children lowered in order (the generic shape of unknown code).
    pub fn children_in_order(&mut self, node: Node) -> Vec<Expr> {
        named_children(node)
            .into_iter()
            .map(|c| self.lower_expr(c))
            .collect()
    }

    fn fields(&mut self, node: Node, names: &[Field]) -> Vec<Expr> {
        names
            .iter()
            .filter_map(|f| field(node, *f))
            .map(|c| self.lower_expr(c))
            .collect()
    }

    fn string_literal(&mut self, node: Node) -> ExprKind {
        // An interpolation starts with a backslash (`\(`, or `\#(` in raw strings): a
        // literal without one has nothing to lower, and its pieces need not be walked.
        if !self.text(node).contains('\\') {
            return ExprKind::Literal;
        }
        let mut parts = Vec::new();
        for (field_name, child) in fielded_children(node) {
            if field_name != Some("interpolation") {
                continue;
            }
            // Raw strings wrap the interpolation once more.
            let interpolation = if child.kind_name() == "raw_str_interpolation" {
                field(child, Field::Interpolation)
            } else {
                Some(child)
            };
            if let Some(value) = interpolation.and_then(|i| field(i, Field::Value)) {
                parts.push(self.lower_expr(value));
            }
        }
        if parts.is_empty() {
            ExprKind::Literal
        } else {
            ExprKind::Opaque(parts)
        }
    }

    /// `a.b.c()` chains. Swift's `try`/`await` cover the whole chain to their right, but the
    /// grammar binds them to the leftmost operand; wrap the chain instead.
    ///
    /// Finding the chain's left end walks down the whole chain, so it is done once per
    /// chain: the links below are lowered knowing the answer (see [`Lowerer::lower_link`]).
    fn postfix_chain(&mut self, node: Node) -> Expr {
        let settled = self.settled_link == Some(node.id());
        if !settled {
            match leading_prefix(node) {
                ChainStart::Prefix(prefix) if self.hoisted_prefix != Some(prefix.id()) => {
                    let saved = self.hoisted_prefix.replace(prefix.id());
                    let inner = self.chain_link(node, true);
                    self.hoisted_prefix = saved;
                    return wrap_prefixes(prefix, inner);
                }
                // Too long to look at whole: the links below look for themselves.
                ChainStart::Unknown => return self.chain_link(node, false),
                // No prefix, or the one a link above has already wrapped the chain in.
                ChainStart::Prefix(_) | ChainStart::Plain => {}
            }
        }
        self.chain_link(node, true)
    }

    /// One link of a postfix chain; `settled`: the chain's leading prefix is dealt with.
    fn chain_link(&mut self, node: Node, settled: bool) -> Expr {
        match node.kind_name() {
            "call_expression" => self.call(node, settled),
            _ => self.navigation(node, settled),
        }
    }

    /// The next link down a chain (a receiver), telling it whether the chain's leading
    /// prefix is already dealt with.
    fn lower_link(&mut self, link: Node, settled: bool) -> Expr {
        let saved = self.settled_link;
        self.settled_link = settled.then(|| link.id());
        let lowered = self.receiver(link);
        self.settled_link = saved;
        lowered
    }

    fn navigation(&mut self, node: Node, settled: bool) -> Expr {
        let here = span(node);
        let Some(target) = field(node, Field::Target) else {
            return Expr {
                kind: ExprKind::Opaque(self.children_in_order(node)),
                span: here,
            };
        };
        let name = session::suffix_name(self.src, node).unwrap_or("");
        if name == "shared" && session::names_session_type(self.src, target) {
            return Expr {
                kind: ExprKind::SharedSession,
                span: here,
            };
        }
        let base = self.lower_link(target, settled);
        Expr {
            kind: ExprKind::Member {
                base: Box::new(base),
                name: name.to_string(),
            },
            span: here,
        }
    }

    /// A receiver: capitalised bare names are types (`Foo.bar`), the rest are values.
    fn receiver(&mut self, target: Node) -> Expr {
        if target.kind_name() == "simple_identifier" {
            let name = self.text(target);
            if is_type_like(name) {
                return Expr {
                    kind: ExprKind::TypeRef(name.to_string()),
                    span: span(target),
                };
            }
        }
        self.lower_expr(target)
    }

    fn call(&mut self, node: Node, settled: bool) -> Expr {
        let here = span(node);
        let children = named_children(node);
        let (Some(callee), Some(suffix)) = (children.first().copied(), children.last().copied())
        else {
            return Expr {
                kind: ExprKind::Opaque(self.children_in_order(node)),
                span: here,
            };
        };
        if suffix.kind_name() != "call_suffix" || callee.id() == suffix.id() {
            return Expr {
                kind: ExprKind::Opaque(self.children_in_order(node)),
                span: here,
            };
        }
        let parts = named_children(suffix);
        let arguments = parts
            .iter()
            .find(|p| p.kind_name() == "value_arguments")
            .copied();
        let is_subscript = arguments
            .and_then(|a| a.child(0))
            .is_some_and(|open| open.kind_name() == "[");

        let is_session_constructor = session::names_session_type(self.src, callee)
            || callee.kind_name() == "navigation_expression"
                && session::suffix_name(self.src, callee) == Some("init")
                && field(callee, Field::Target)
                    .is_some_and(|t| session::names_session_type(self.src, t));
        if is_session_constructor && !is_subscript {
            return Expr {
                kind: ExprKind::NewSession(session::creation(self, arguments)),
                span: here,
            };
        }

        let args = self.args_of(&parts);
        let (receiver, method, method_span) = match callee.kind_name() {
            _ if is_subscript => {
                let mut children = vec![self.lower_expr(callee)];
                children.extend(args.into_iter().map(|a| a.value));
                return Expr {
                    kind: ExprKind::Opaque(children),
                    span: here,
                };
            }
            "simple_identifier" => (None, self.text(callee), span(callee)),
            "navigation_expression" => {
                let name_node = field(callee, Field::Suffix).and_then(|s| field(s, Field::Suffix));
                match (field(callee, Field::Target), name_node) {
                    (Some(target), Some(name_node)) => (
                        Some(Box::new(self.lower_link(target, settled))),
                        self.text(name_node),
                        span(name_node),
                    ),
                    _ => return self.opaque_call(callee, args, here),
                }
            }
            _ => return self.opaque_call(callee, args, here),
        };
        Expr {
            kind: ExprKind::Call {
                receiver,
                method: method.to_string(),
                args,
                api: api::classify_method(method),
                method_span,
            },
            span: here,
        }
    }

    /// A call of something that is not a name (`.success(x)`, `f()()`, `{ ... }()`).
    fn opaque_call(&mut self, callee: Node, args: Vec<Arg>, here: crate::facts::Span) -> Expr {
        if callee.kind_name() == "lambda_literal" {
            // `{ ... }()`: the closure runs here, once, and its result is the value.
            return Expr {
                kind: ExprKind::Call {
                    receiver: Some(Box::new(self.lower_expr(callee))),
                    method: api::INVOKE_CLOSURE.to_string(),
                    args,
                    api: api::Api::Other,
                    method_span: span(callee),
                },
                span: here,
            };
        }
        let mut children = Vec::with_capacity(args.len() + 1);
        if callee.kind_name() != "prefix_expression" {
            children.push(self.lower_expr(callee));
        }
        children.extend(args.into_iter().map(|a| a.value));
        Expr {
            kind: ExprKind::Opaque(children),
            span: here,
        }
    }

    /// Arguments in order; trailing closures come last, unlabelled.
    pub fn call_args(&mut self, suffix: Node) -> Vec<Arg> {
        self.args_of(&named_children(suffix))
    }

    /// Arguments from the named children of a call's suffix.
    fn args_of(&mut self, parts: &[Node]) -> Vec<Arg> {
        let mut args = Vec::new();
        for &part in parts {
            match part.kind_name() {
                "value_arguments" => {
                    for arg in named_children(part) {
                        if arg.kind_name() != "value_argument" {
                            continue;
                        }
                        let [label, value] = fields(arg, [Field::Name, Field::Value]);
                        let label = label
                            .and_then(|l| child_of_kind(l, "simple_identifier"))
                            .map(|l| self.text(l).to_string());
                        if let Some(value) = value {
                            let value = self.lower_expr(value);
                            args.push(Arg { label, value });
                        }
                    }
                }
                "lambda_literal" => {
                    let value = self.lower_expr(part);
                    args.push(Arg { label: None, value });
                }
                _ => {}
            }
        }
        args
    }

    /// `Foo<T>(...)`, `[Int](...)`: a call of the type's name.
    fn constructor(&mut self, node: Node) -> ExprKind {
        let type_name = field(node, Field::ConstructedType)
            .and_then(|t| child_of_kind(t, "type_identifier"))
            .map(|t| self.text(t).to_string());
        let suffix = child_of_kind(node, "constructor_suffix");
        let args = suffix.map(|s| self.call_args(s)).unwrap_or_default();
        match type_name {
            Some(method) => ExprKind::Call {
                receiver: None,
                api: api::classify_method(&method),
                method_span: span(node),
                method,
                args,
            },
            None => ExprKind::Opaque(args.into_iter().map(|a| a.value).collect()),
        }
    }

    /// `try e`, `try? e`, `await e` (transparent), in any nesting.
    fn prefixed(&mut self, node: Node) -> Expr {
        let (inner, _) = peel_prefixes(node);
        let inner = self.lower_expr(inner);
        wrap_prefixes(node, inner)
    }

    fn postfix(&mut self, node: Node) -> ExprKind {
        let target = field(node, Field::Target);
        let is_unwrap = field(node, Field::Operation).is_some_and(|op| op.kind_name() == "bang");
        match target {
            Some(target) if is_unwrap => self.lower_expr(target).kind,
            Some(target) => ExprKind::Opaque(vec![self.lower_expr(target)]),
            None => ExprKind::Opaque(Vec::new()),
        }
    }

    fn prefix(&mut self, node: Node) -> ExprKind {
        let implicit_member = node.child(0).is_some_and(|op| op.kind_name() == ".");
        let negation = node.child(0).is_some_and(|op| op.kind_name() == "!");
        match field(node, Field::Target) {
            _ if implicit_member => ExprKind::Literal,
            Some(target) if negation => self.test_of(&[target]),
            Some(target) => ExprKind::Opaque(vec![self.lower_expr(target)]),
            None => ExprKind::Opaque(Vec::new()),
        }
    }

    /// A comparison or logical operator: only operands with effects of their own are kept.
    fn test(&mut self, node: Node) -> ExprKind {
        let operands: Vec<Node> = fielded_children(node)
            .into_iter()
            .filter(|(f, _)| matches!(f, Some("lhs" | "rhs")))
            .map(|(_, c)| c)
            .collect();
        self.test_of(&operands)
    }

    fn test_of(&mut self, operands: &[Node]) -> ExprKind {
        let effects: Vec<Expr> = operands
            .iter()
            .map(|o| self.lower_expr(*o))
            .filter(|e| !e.is_plain_read())
            .collect();
        if effects.is_empty() {
            ExprKind::Literal
        } else {
            ExprKind::Opaque(effects)
        }
    }

    fn tuple(&mut self, node: Node) -> ExprKind {
        let values: Vec<(Option<&str>, Node)> = fielded_children(node)
            .into_iter()
            .filter(|(_, c)| c.is_named() && !is_comment(*c))
            .collect();
        match values.as_slice() {
            [(Some("value"), only)] => self.lower_expr(*only).kind,
            _ => ExprKind::Opaque(
                values
                    .into_iter()
                    .filter(|(f, _)| *f == Some("value"))
                    .map(|(_, c)| self.lower_expr(c))
                    .collect(),
            ),
        }
    }

    fn assignment(&mut self, node: Node) -> ExprKind {
        let target = field(node, Field::Target);
        let value = field(node, Field::Result);
        match (target, value) {
            (Some(target), Some(value)) => ExprKind::Assign {
                target: Box::new(self.lower_expr(target)),
                value: Box::new(self.lower_expr(value)),
            },
            _ => ExprKind::Opaque(self.children_in_order(node)),
        }
    }

    pub fn closure(&mut self, node: Node) -> Closure {
        let mut params = Vec::new();
        let mut weak_captures = Vec::new();
        if let Some(captures) = field(node, Field::Captures) {
            for item in named_children(captures) {
                let weak = child_of_kind(item, "ownership_modifier").is_some();
                if let Some(name) = field(item, Field::Name) {
                    if weak {
                        weak_captures.push(self.text(name).to_string());
                    }
                }
            }
        }
        if let Some(kind) = field(node, Field::Type) {
            if let Some(list) = child_of_kind(kind, "lambda_function_type_parameters") {
                for param in named_children(list) {
                    params.extend(param_name(self, param));
                }
            }
        }
        let body = self.lower_body(child_of_kind(node, "statements"));
        Closure {
            params,
            body,
            weak_captures,
        }
    }

    /// The value of each arm of an `if`/`switch` expression (its single expression, if any).
    fn arm_values(&mut self, node: Node) -> Vec<Expr> {
        let mut arms = Vec::new();
        let mut pending = vec![node];
        // Else-if chains are iterated, not recursed.
        while let Some(current) = pending.pop() {
            for child in named_children(current) {
                match child.kind_name() {
                    "statements" => arms.push(self.arm_value(child)),
                    "switch_entry" => match child_of_kind(child, "statements") {
                        Some(statements) => arms.push(self.arm_value(statements)),
                        None => arms.push(Lowerer::opaque_leaf(child)),
                    },
                    "if_statement" => pending.push(child),
                    _ => {}
                }
            }
        }
        arms
    }

    fn arm_value(&mut self, statements: Node) -> Expr {
        match named_children(statements).as_slice() {
            [only] => self.lower_expr(*only),
            _ => Lowerer::opaque_leaf(statements),
        }
    }
}

/// The internal name of a parameter node (closure or function): the first `name` child
/// is the identifier (the second is the type).
pub(super) fn param_name(lowerer: &Lowerer, param: Node) -> Option<Name> {
    field(param, Field::Name)
        .filter(|n| n.kind_name() == "simple_identifier")
        .map(|n| lowerer.text(n).to_string())
}

/// What a postfix chain starts with.
enum ChainStart<'t> {
    /// A `try`/`await` at its left end.
    Prefix(Node<'t>),
    /// Anything else.
    Plain,
    /// The chain is longer than [`CHAIN_LOOKUP`] links.
    Unknown,
}

/// The `try`/`await` at the left end of a postfix chain, if there is one.
fn leading_prefix(node: Node) -> ChainStart {
    let mut current = node;
    for _ in 0..CHAIN_LOOKUP {
        let next = match current.kind_name() {
            "navigation_expression" | "postfix_expression" => field(current, Field::Target),
            "call_expression" => current.named_child(0),
            "try_expression" | "await_expression" => return ChainStart::Prefix(current),
            _ => None,
        };
        match next {
            Some(next) => current = next,
            None => return ChainStart::Plain,
        }
    }
    ChainStart::Unknown
}

/// Skips nested `try`/`await` prefixes: the covered expression and whether a `try` was seen.
fn peel_prefixes(node: Node) -> (Node, bool) {
    let mut current = node;
    let mut saw_try = false;
    for _ in 0..CHAIN_LOOKUP {
        match current.kind_name() {
            "try_expression" | "await_expression" => {
                saw_try |= current.kind_name() == "try_expression";
                match field(current, Field::Expr) {
                    Some(inner) => current = inner,
                    None => break,
                }
            }
            _ => break,
        }
    }
    (current, saw_try)
}

/// Wraps `inner` in the `try`s of the prefix chain starting at `prefix` (outermost first).
fn wrap_prefixes(prefix: Node, inner: Expr) -> Expr {
    let mut tries = Vec::new();
    let mut current = prefix;
    for _ in 0..CHAIN_LOOKUP {
        match current.kind_name() {
            "try_expression" => {
                let propagates =
                    child_of_kind(current, "try_operator").is_some_and(|op| op.child_count() <= 1);
                tries.push((span(current), propagates));
            }
            "await_expression" => {}
            _ => break,
        }
        match field(current, Field::Expr) {
            Some(next) => current = next,
            None => break,
        }
    }
    let whole = crate::facts::Span::new(prefix.start_byte(), inner.span.end as usize);
    tries
        .into_iter()
        .rev()
        .fold(inner, |inner, (_, propagates)| Expr {
            kind: ExprKind::Try {
                inner: Box::new(inner),
                propagates,
            },
            span: whole,
        })
}
