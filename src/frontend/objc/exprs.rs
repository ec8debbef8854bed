//! Expressions: identifiers, member access, calls, assignments, blocks, literals.

use super::lowerer::{code_children, ivar_member_name, Lowerer};
use super::sends::unwrap_parens;
use super::syntax::{kind_of, Field, Kind, Syntax};
use crate::facts::api::Api;
use crate::facts::{Arg, Closure, Expr, ExprKind, Name};
use tree_sitter::Node;

/// Most identifiers one ERROR region may contribute as opaque uses.
const MAX_ERROR_REFS: usize = 256;

impl Lowerer<'_> {
    /// `@selector(invalidateAndCancel)`: the method it names.
    fn selector_expression(&mut self, node: Node) -> ExprKind {
        match selector_name(self.text(node)) {
            Some(name) => ExprKind::Selector(name),
            None => ExprKind::Literal,
        }
    }

    pub fn expr(&mut self, node: Node) -> Expr {
        let span = self.span(node);
        if !self.enter(node) {
            return Expr {
                kind: ExprKind::Opaque(Vec::new()),
                span,
            };
        }
        let kind = self.expr_kind(node);
        self.leave();
        Expr { kind, span }
    }

    fn expr_kind(&mut self, node: Node) -> ExprKind {
        match kind_of(node) {
            Kind::Identifier => self.identifier(node),
            Kind::Null => ExprKind::Nil,
            Kind::True
            | Kind::False
            | Kind::NumberLiteral
            | Kind::StringLiteral
            | Kind::ConcatenatedString
            | Kind::CharLiteral
            | Kind::EncodeExpression
            | Kind::SizeofExpression
            | Kind::AlignofExpression
            | Kind::OffsetofExpression
            | Kind::AvailableExpression
            | Kind::AtExpression => ExprKind::Literal,
            Kind::SelectorExpression => self.selector_expression(node),
            Kind::ParenthesizedExpression => match code_children(node).as_slice() {
                [inner] => self.expr(*inner).kind,
                children => ExprKind::Opaque(self.exprs(children)),
            },
            Kind::CastExpression => match node.field(Field::Value) {
                Some(value) => self.expr(value).kind,
                None => ExprKind::Opaque(Vec::new()),
            },
            Kind::MessageExpression => self.message(node),
            Kind::CallExpression => self.c_call(node),
            Kind::FieldExpression => self.member(node),
            Kind::AssignmentExpression => self.assignment(node),
            Kind::ConditionalExpression => self.conditional(node),
            Kind::BlockLiteral => self.block_literal(node),
            Kind::UnaryExpression | Kind::BinaryExpression | Kind::UpdateExpression => {
                self.scalar(&code_children(node))
            }
            Kind::Error => self.error_uses(node),
            _ => ExprKind::Opaque(self.exprs(&code_children(node))),
        }
    }

    fn exprs(&mut self, nodes: &[Node]) -> Vec<Expr> {
        nodes.iter().map(|n| self.expr(*n)).collect()
    }

    fn identifier(&mut self, node: Node) -> ExprKind {
        let name = self.text(node);
        match name {
            "self" => ExprKind::SelfRef,
            "super" => ExprKind::Opaque(Vec::new()),
            "nil" | "Nil" | "NULL" | "nullptr" => ExprKind::Nil,
            "YES" | "NO" | "TRUE" | "FALSE" => ExprKind::Literal,
            _ if ivar_member_name(name) != name && !self.is_local(name) => ExprKind::Member {
                base: Box::new(Expr {
                    kind: ExprKind::SelfRef,
                    span: self.span(node),
                }),
                name: ivar_member_name(name).to_owned(),
            },
            _ => {
                self.note_use(name);
                ExprKind::Name(name.to_owned())
            }
        }
    }

    /// `a.b` (property) and `a->_b` (ivar, normalised); `NSURLSession.sharedSession`.
    fn member(&mut self, node: Node) -> ExprKind {
        let (Some(base), Some(field)) = (node.field(Field::Argument), node.field(Field::Member))
        else {
            return ExprKind::Opaque(self.exprs(&code_children(node)));
        };
        let field_name = self.text(field);
        let is_arrow = node
            .field(Field::Operator)
            .is_some_and(|op| self.text(op) == "->");
        let base_class = self.class_name(base);
        if base_class.as_deref() == Some("NSURLSession") && !is_arrow {
            match field_name {
                "sharedSession" => return ExprKind::SharedSession,
                // Dot syntax for `[NSURLSession new]`.
                "new" => return ExprKind::NewSession(super::sends::no_configuration()),
                _ => {}
            }
        }
        let name = if is_arrow {
            ivar_member_name(field_name)
        } else {
            field_name
        };
        ExprKind::Member {
            base: Box::new(self.receiver(base)),
            name: name.to_owned(),
        }
    }

    /// A C call `f(x)`; calls through anything but a plain name are opaque.
    fn c_call(&mut self, node: Node) -> ExprKind {
        let args: Vec<Node> = node
            .field(Field::Arguments)
            .map(code_children)
            .unwrap_or_default();
        let Some(function) = node.field(Field::Function) else {
            return ExprKind::Opaque(self.exprs(&args));
        };
        if function.kind_name() != "identifier" || self.is_local(self.text(function)) {
            let mut children = vec![self.expr(function)];
            children.extend(self.exprs(&args));
            return ExprKind::Opaque(children);
        }
        ExprKind::Call {
            receiver: None,
            method: self.text(function).to_owned(),
            args: args
                .iter()
                .map(|a| Arg {
                    label: None,
                    value: self.expr(*a),
                })
                .collect(),
            api: Api::Other,
            method_span: self.span(function),
        }
    }

    fn assignment(&mut self, node: Node) -> ExprKind {
        let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
            return ExprKind::Opaque(self.exprs(&code_children(node)));
        };
        ExprKind::Assign {
            target: Box::new(self.expr(left)),
            value: Box::new(self.expr(right)),
        }
    }

    /// `c ? a : b` is one of its arms (`a ?: b` too).
    fn conditional(&mut self, node: Node) -> ExprKind {
        let condition = node.field(Field::Condition);
        let arms: Vec<Node> = match node.field(Field::Consequence) {
            Some(consequence) => vec![consequence],
            None => condition.into_iter().collect(),
        }
        .into_iter()
        .chain(node.field(Field::Alternative))
        .collect();
        ExprKind::Choice(self.exprs(&arms))
    }

    /// An operator that yields a number or a boolean: keeps only operands with effects.
    fn scalar(&mut self, operands: &[Node]) -> ExprKind {
        let effects: Vec<Expr> = self
            .exprs(operands)
            .into_iter()
            .filter(|e| !is_pure(e))
            .collect();
        if effects.is_empty() {
            ExprKind::Literal
        } else {
            ExprKind::Opaque(effects)
        }
    }

    /// `^(NSData *d, NSError *e) { ... }`.
    fn block_literal(&mut self, node: Node) -> ExprKind {
        let mut params = Vec::new();
        let mut body_node = None;
        for child in code_children(node) {
            match child.kind_name() {
                "parameter_list" => {
                    for p in code_children(child) {
                        if let Some(name) = p
                            .field(Field::Declarator)
                            .and_then(super::lowerer::declared_name)
                        {
                            params.push(self.text(name).to_owned());
                        }
                    }
                }
                "compound_statement" => body_node = Some(child),
                _ => {}
            }
        }
        for p in &params {
            self.declare_local(p, false);
        }
        self.function.captures.push(Vec::new());
        let saved_targets = std::mem::take(&mut self.function.break_targets);
        let body = body_node.map(|b| self.block(b)).unwrap_or_default();
        self.function.break_targets = saved_targets;
        let used = self.function.captures.pop().unwrap_or_default();
        let weak_captures = used
            .iter()
            .filter(|n| self.function.weak_locals.contains(*n))
            .cloned()
            .collect();
        for name in used {
            if !params.contains(&name) {
                self.note_use(&name);
            }
        }
        ExprKind::Closure(Box::new(Closure {
            params,
            body,
            weak_captures,
        }))
    }

    /// An unparsed region inside code: no facts from it, but the names it mentions are
    /// handed to unknown code (so a session used there is never reported as leaked).
    pub fn error_uses(&mut self, node: Node) -> ExprKind {
        let mut uses: Vec<Expr> = Vec::new();
        let mut cursor = node.walk();
        let mut seen = std::collections::HashSet::new();
        'walk: loop {
            let current = cursor.node();
            if current.kind_name() == "identifier" || current.kind_name() == "field_identifier" {
                let text = self.text(current);
                if seen.insert(text) {
                    let kind = match text {
                        "self" => ExprKind::SelfRef,
                        _ if ivar_member_name(text) != text
                            || current.kind_name() == "field_identifier" =>
                        {
                            ExprKind::Member {
                                base: Box::new(Expr {
                                    kind: ExprKind::SelfRef,
                                    span: self.span(current),
                                }),
                                name: ivar_member_name(text).to_owned(),
                            }
                        }
                        _ => ExprKind::Name(text.to_owned()),
                    };
                    uses.push(Expr {
                        kind,
                        span: self.span(current),
                    });
                    if uses.len() >= MAX_ERROR_REFS {
                        break;
                    }
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.node() == node {
                    break 'walk;
                }
                if cursor.goto_next_sibling() {
                    continue 'walk;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        ExprKind::Opaque(uses)
    }

    /// A condition or discarded value: only worth a statement when it has effects.
    pub fn effects(&mut self, node: Node) -> Option<Expr> {
        let node = unwrap_parens(node);
        let expr = self.expr(node);
        (!is_pure(&expr)).then_some(expr)
    }
}

/// The selector `@selector(...)` spells, without spaces (`URLSession:task:`).
fn selector_name(text: &str) -> Option<Name> {
    let inner = text.split_once('(')?.1.rsplit_once(')')?.0;
    let name: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    (!name.is_empty()).then_some(name)
}

/// Reads that cannot create, invalidate or hand off anything.
pub fn is_pure(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Name(_)
        | ExprKind::SelfRef
        | ExprKind::TypeRef(_)
        | ExprKind::Literal
        | ExprKind::Selector(_)
        | ExprKind::Nil
        | ExprKind::SharedSession => true,
        ExprKind::Member { base, .. } => is_pure(base),
        _ => false,
    }
}
