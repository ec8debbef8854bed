//! Declarations: types and their stored members, and every function-like body
//! (functions, initializers, `deinit`, accessors, observers, property initializers,
//! top-level code).

use super::directives::active_items;
use super::exprs::param_name;
use super::lowerer::{Context, Lowerer};
use super::session;
use super::stmts::{pattern_names, property_bindings, Binding};
use super::syntax::{
    child_of_kind, field, has_token, is_type_like, modifier_words, named_children, span, Field,
    KindName,
};
use crate::facts::{
    api, Block, Expr, ExprKind, Function, FunctionKind, MemberDecl, Name, Span, Stmt, StmtKind,
    TypeDecl, TypeDeclInfo, TypeKind, Visibility,
};
use tree_sitter::Node;

/// Name of the function that holds a file's top-level statements.
pub(super) const TOP_LEVEL_CODE: &str = "main";

impl<'s> Lowerer<'s> {
    pub fn lower_file(&mut self, root: Node) {
        let mut top_level: Vec<Node> = Vec::new();
        self.lower_file_items(root, &mut top_level);
        if let (Some(first), Some(last)) = (top_level.first(), top_level.last()) {
            let whole = Span::new(first.start_byte(), last.end_byte());
            let body = self.lower_items(&top_level);
            self.functions.push(Function {
                name: TOP_LEVEL_CODE.to_string(),
                kind: FunctionKind::GlobalInitializer,
                owner: None,
                params: Vec::new(),
                span: whole,
                name_span: span(*first),
                body: body.into(),
                visibility: crate::facts::Visibility::default(),
            });
        }
    }

    /// Declarations are lowered now; top-level statements are collected (in order).
    fn lower_file_items<'t>(&mut self, list: Node<'t>, top_level: &mut Vec<Node<'t>>) {
        for item in active_items(self.src, list) {
            match item.kind_name() {
                "property_declaration" => self.global_property(item),
                "ERROR" => {
                    // Recover what the parser could structure inside the broken region.
                    let _ = self.deeper(item, |l| l.lower_file_items(item, top_level));
                }
                kind if is_declaration(kind) => self.lower_decl(item),
                "statement_label" | "shebang_line" | "diagnostic" => {}
                _ => top_level.push(item),
            }
        }
    }

    /// A declaration met inside a body (nested `func`, local type).
    pub fn lower_nested_decl(&mut self, node: Node) {
        let _ = self.deeper(node, |l| l.lower_decl(node));
    }

    fn lower_decl(&mut self, node: Node) {
        match node.kind_name() {
            "class_declaration" => self.type_decl(node),
            "protocol_declaration" => self.protocol_decl(node),
            "function_declaration" => {
                let kind = if self.context.owner.is_some() && is_static_decl(self.src, node) {
                    FunctionKind::StaticMethod
                } else {
                    self.nested_function_kind()
                };
                let name = field(node, Field::Name);
                let fallback = span(node);
                let (name, name_span) = match name {
                    Some(n) => (self.text(n).to_string(), span(n)),
                    None => (String::new(), fallback),
                };
                let is_static = kind == FunctionKind::StaticMethod;
                self.function(node, name, name_span, kind, is_static);
            }
            "init_declaration" => {
                let name_span = field(node, Field::Name)
                    .map(span)
                    .unwrap_or_else(|| span(node));
                self.function(
                    node,
                    "init".to_string(),
                    name_span,
                    FunctionKind::Initializer,
                    false,
                );
            }
            "deinit_declaration" => {
                let name_span = node
                    .child(0)
                    .filter(|k| k.kind_name() == "deinit")
                    .map(span)
                    .unwrap_or_else(|| span(node));
                self.function(
                    node,
                    "deinit".to_string(),
                    name_span,
                    FunctionKind::Deinit,
                    false,
                );
            }
            "subscript_declaration" => {
                if let Some(computed) = child_of_kind(node, "computed_property") {
                    let params = self.params(node);
                    self.accessors(node, computed, "subscript", span(node), params);
                }
            }
            _ => {}
        }
    }

    fn function(
        &mut self,
        node: Node,
        name: Name,
        name_span: Span,
        kind: FunctionKind,
        is_static: bool,
    ) {
        let params = self.params(node);
        let context = Context {
            owner: self.context.owner.clone(),
            is_static,
        };
        let statements = field(node, Field::Body).and_then(|b| child_of_kind(b, "statements"));
        let (defaults, mut body) = self.with_context(context, |l| {
            let defaults = l.default_arguments(node);
            (defaults, l.lower_body(statements))
        });
        if field(node, Field::ReturnType).is_none() {
            // `func f() { URLSession(...) }` returns nothing: its one expression is a statement.
            super::stmts::implicit_return_to_statement(&mut body);
        }
        if !defaults.is_empty() {
            body.splice(0..0, defaults);
        }
        self.functions.push(Function {
            name,
            kind,
            owner: self.context.owner.clone(),
            params,
            span: span(node),
            name_span,
            body: body.into(),
            visibility: visibility(self.src, node),
        });
    }

    /// `p: T = value` parameters, each lowered as "the caller may have left it out":
    /// `if <unknown> { p = value }` before the body, so a session made there is a creation
    /// of this function that the parameter carries.
    fn default_arguments(&mut self, node: Node) -> Block {
        let mut out = Block::new();
        let mut last_param: Option<Name> = None;
        for (field_name, child) in super::syntax::fielded_children(node) {
            if child.kind_name() == "parameter" {
                last_param = param_name(self, child);
                continue;
            }
            if field_name != Some("default_value") {
                continue;
            }
            let Some(param) = last_param.take() else {
                continue;
            };
            let value = self.lower_expr(child);
            let at = span(child);
            let assign = Expr {
                kind: ExprKind::Assign {
                    target: Box::new(Expr {
                        kind: ExprKind::Name(param),
                        span: at,
                    }),
                    value: Box::new(value),
                },
                span: at,
            };
            out.push(Stmt {
                span: at,
                kind: StmtKind::Branch {
                    arms: vec![vec![Stmt {
                        span: at,
                        kind: StmtKind::Eval(assign),
                    }]],
                    exhaustive: false,
                },
            });
        }
        out
    }

    fn params(&self, node: Node) -> Vec<Name> {
        named_children(node)
            .into_iter()
            .filter(|c| c.kind_name() == "parameter")
            .filter_map(|p| param_name(self, p))
            .collect()
    }

    fn type_decl(&mut self, node: Node) {
        let keyword = field(node, Field::DeclarationKind)
            .map(|k| k.kind_name())
            .unwrap_or("class");
        let kind = match keyword {
            "struct" | "enum" => TypeKind::Struct,
            "extension" => TypeKind::Extension,
            _ => TypeKind::Class,
        };
        let Some(name) = field(node, Field::Name).map(|n| self.type_name(n)) else {
            return;
        };
        let body = field(node, Field::Body);
        let context = Context {
            owner: Some(name.clone()),
            is_static: false,
        };
        let members = match body {
            Some(body) => self.with_context(context, |l| l.type_body(body)),
            None => Vec::new(),
        };
        let info = self.type_decl_info(node);
        self.push_type(TypeDecl {
            name,
            kind,
            span: span(node),
            members,
            info,
        });
    }

    /// Visibility, attributes and inheritance clause of a type declaration or extension.
    fn type_decl_info(&self, node: Node) -> TypeDeclInfo {
        let mut info = TypeDeclInfo {
            visibility: visibility(self.src, node),
            ..TypeDeclInfo::default()
        };
        for child in named_children(node) {
            match child.kind_name() {
                "modifiers" => {
                    for attribute in named_children(child) {
                        if attribute.kind_name() != "attribute" {
                            continue;
                        }
                        if let Some(name) = named_children(attribute).first() {
                            info.attributes.push(self.type_name(*name));
                        }
                    }
                }
                "inheritance_specifier" => {
                    for parent in named_children(child) {
                        info.supertypes.push(self.type_name(parent));
                    }
                }
                _ => {}
            }
        }
        info
    }

    /// The declared or extended type's own name: `Bar` for `Foo.Bar`, `Array` for `Array<Int>`.
    fn type_name(&self, node: Node) -> Name {
        if node.kind_name() == "type_identifier" {
            return self.text(node).to_string();
        }
        named_children(node)
            .into_iter()
            .rfind(|c| c.kind_name() == "type_identifier")
            .map(|c| self.text(c).to_string())
            .unwrap_or_else(|| self.text(node).to_string())
    }

    fn type_body(&mut self, body: Node) -> Vec<MemberDecl> {
        let mut members = Vec::new();
        for item in active_items(self.src, body) {
            match item.kind_name() {
                "property_declaration" => members.extend(self.member_property(item)),
                "ERROR" => {
                    let inner = self.deeper(item, |l| l.type_body(item)).unwrap_or_default();
                    members.extend(inner);
                }
                _ => self.lower_nested_decl(item),
            }
        }
        members
    }

    fn protocol_decl(&mut self, node: Node) {
        let Some(name) = field(node, Field::Name).map(|n| self.type_name(n)) else {
            return;
        };
        let mut members = Vec::new();
        if let Some(body) = field(node, Field::Body) {
            for item in active_items(self.src, body) {
                if item.kind_name() != "protocol_property_declaration" {
                    continue;
                }
                let Some(pattern) = field(item, Field::Name) else {
                    continue;
                };
                for (member, member_span) in pattern_names(self.src, pattern, true) {
                    let mut decl = self.member_decl(
                        member,
                        member_span,
                        item,
                        child_of_kind(item, "type_annotation"),
                        None,
                    );
                    decl.is_computed = true;
                    members.push(decl);
                }
            }
        }
        let info = self.type_decl_info(node);
        self.push_type(TypeDecl {
            name,
            kind: TypeKind::Protocol,
            span: span(node),
            members,
            info,
        });
    }

    /// A property of a type: its member declaration(s) and the bodies that belong to it.
    fn member_property(&mut self, node: Node) -> Vec<MemberDecl> {
        let is_static = is_static_decl(self.src, node);
        let owner = self.context.owner.clone().unwrap_or_default();
        let mut members = Vec::new();
        for binding in property_bindings(node) {
            for (name, name_span) in pattern_names(self.src, binding.pattern, true) {
                let mut decl = self.member_decl(
                    name.clone(),
                    name_span,
                    node,
                    binding.annotation,
                    binding.value,
                );
                decl.is_static = is_static;
                decl.is_computed = binding.computed.is_some();
                members.push(decl);
                let target = if is_static {
                    ExprKind::TypeRef(owner.clone())
                } else {
                    ExprKind::SelfRef
                };
                self.property_bodies(node, &binding, &name, name_span, Some(target));
            }
        }
        members
    }

    /// A top-level `let`/`var`: process-lifetime storage.
    fn global_property(&mut self, node: Node) {
        for binding in property_bindings(node) {
            for (name, name_span) in pattern_names(self.src, binding.pattern, true) {
                self.property_bodies(node, &binding, &name, name_span, None);
            }
        }
    }

    /// Initializer, getter/setter and observers of one property binding. `base` is the
    /// member's base (`self` or the type); `None` for globals (assigned by name).
    fn property_bodies(
        &mut self,
        node: Node,
        binding: &Binding,
        name: &str,
        name_span: Span,
        base: Option<ExprKind>,
    ) {
        let is_static = base
            .as_ref()
            .is_some_and(|b| matches!(b, ExprKind::TypeRef(_)));
        let context = Context {
            owner: self.context.owner.clone(),
            is_static,
        };
        if let Some(value_node) = binding.value {
            let value = self.with_context(context.clone(), |l| l.lower_expr(value_node));
            let target_kind = match base {
                Some(base) => ExprKind::Member {
                    base: Box::new(Expr {
                        kind: base,
                        span: name_span,
                    }),
                    name: name.to_string(),
                },
                None => ExprKind::Name(name.to_string()),
            };
            let assign = Expr {
                kind: ExprKind::Assign {
                    target: Box::new(Expr {
                        kind: target_kind,
                        span: name_span,
                    }),
                    value: Box::new(value),
                },
                span: span(node),
            };
            let kind = if self.context.owner.is_none() || is_static {
                FunctionKind::GlobalInitializer
            } else {
                FunctionKind::PropertyInitializer
            };
            self.functions.push(Function {
                name: name.to_string(),
                kind,
                owner: self.context.owner.clone(),
                params: Vec::new(),
                span: span(node),
                name_span,
                body: vec![Stmt {
                    span: assign.span,
                    kind: StmtKind::Eval(assign),
                }]
                .into(),
                visibility: crate::facts::Visibility::default(),
            });
        }
        if let Some(computed) = binding.computed {
            self.with_context(context.clone(), |l| {
                l.accessors(node, computed, name, name_span, Vec::new())
            });
        }
        if let Some(observers) = binding.observers {
            for clause in named_children(observers) {
                let default_param = match clause.kind_name() {
                    "willset_clause" => "newValue",
                    "didset_clause" => "oldValue",
                    _ => continue,
                };
                let param = child_of_kind(clause, "simple_identifier")
                    .map(|p| self.text(p).to_string())
                    .unwrap_or_else(|| default_param.to_string());
                let body = self.with_context(context.clone(), |l| {
                    l.lower_body(child_of_kind(clause, "statements"))
                });
                self.push_accessor(
                    name,
                    FunctionKind::Observer,
                    clause,
                    name_span,
                    vec![param],
                    body,
                );
            }
        }
    }

    /// `{ expr }`, `get { }`, `set { }` of a computed property or subscript.
    fn accessors(
        &mut self,
        decl: Node,
        computed: Node,
        name: &str,
        name_span: Span,
        params: Vec<Name>,
    ) {
        let parts = named_children(computed);
        if let Some(statements) = parts.iter().find(|p| p.kind_name() == "statements") {
            let body = self.lower_body(Some(*statements));
            self.push_accessor(name, FunctionKind::Getter, decl, name_span, params, body);
            return;
        }
        for part in parts {
            let (kind, mut accessor_params) = match part.kind_name() {
                "computed_getter" => (FunctionKind::Getter, params.clone()),
                "computed_setter" => {
                    let value = child_of_kind(part, "simple_identifier")
                        .map(|p| self.text(p).to_string())
                        .unwrap_or_else(|| "newValue".to_string());
                    (FunctionKind::Observer, vec![value])
                }
                _ => continue,
            };
            if kind == FunctionKind::Observer {
                accessor_params.extend(params.iter().cloned());
            }
            let body = self.lower_body(child_of_kind(part, "statements"));
            self.push_accessor(name, kind, part, name_span, accessor_params, body);
        }
    }

    fn push_accessor(
        &mut self,
        name: &str,
        kind: FunctionKind,
        node: Node,
        name_span: Span,
        params: Vec<Name>,
        body: Block,
    ) {
        self.functions.push(Function {
            name: name.to_string(),
            kind,
            owner: self.context.owner.clone(),
            params,
            span: span(node),
            name_span,
            body: body.into(),
            visibility: crate::facts::Visibility::default(),
        });
    }

    fn member_decl(
        &self,
        name: Name,
        name_span: Span,
        decl: Node,
        annotation: Option<Node>,
        value: Option<Node>,
    ) -> MemberDecl {
        let words = modifier_words(self.src, decl);
        let mut member = MemberDecl {
            name,
            span: name_span,
            is_static: false,
            is_lazy: words.contains(&"lazy"),
            is_optional: false,
            is_weak: words
                .iter()
                .any(|w| w.starts_with("weak") || w.starts_with("unowned")),
            is_computed: false,
            declared_session: false,
            declared_type: None,
        };
        if let Some(annotation) = annotation {
            let written = field(annotation, Field::Name);
            member.is_optional = written.is_some_and(|t| t.kind_name() == "optional_type")
                || has_token(annotation, "!");
            member.declared_session =
                written.is_some_and(|t| api::mentions_session_type(self.text(t)));
            member.declared_type = written.and_then(|t| self.plain_type_name(t));
        } else if let Some(value) = value {
            member.declared_type = self.inferred_type(value);
            member.declared_session = member
                .declared_type
                .as_deref()
                .is_some_and(api::mentions_session_type);
        }
        member
    }

    /// `Foo`, `Foo?`, `Foo!` → `Foo`; generic, function and collection types → `None`.
    fn plain_type_name(&self, ty: Node) -> Option<Name> {
        let ty = if ty.kind_name() == "optional_type" {
            field(ty, Field::Wrapped)?
        } else {
            ty
        };
        if ty.kind_name() != "user_type" {
            return None;
        }
        match named_children(ty).as_slice() {
            [only] if only.kind_name() == "type_identifier" => Some(self.text(*only).to_string()),
            _ => None,
        }
    }

    /// The type of `Foo(...)`, `URLSession(...)`, `URLSession.shared`, when that is plain.
    fn inferred_type(&self, value: Node) -> Option<Name> {
        match value.kind_name() {
            "call_expression" => {
                let callee = value.named_child(0)?;
                if session::names_session_type(self.src, callee) {
                    return Some("URLSession".to_string());
                }
                let name = self.text(callee);
                (callee.kind_name() == "simple_identifier" && is_type_like(name))
                    .then(|| name.to_string())
            }
            "navigation_expression" => {
                let target = field(value, Field::Target)?;
                let is_shared = session::suffix_name(self.src, value) == Some("shared");
                (is_shared && session::names_session_type(self.src, target))
                    .then(|| "URLSession".to_string())
            }
            _ => None,
        }
    }
}

fn is_declaration(kind: &str) -> bool {
    matches!(
        kind,
        "class_declaration"
            | "protocol_declaration"
            | "function_declaration"
            | "init_declaration"
            | "deinit_declaration"
            | "subscript_declaration"
            | "typealias_declaration"
            | "import_declaration"
            | "operator_declaration"
            | "precedence_group_declaration"
            | "macro_declaration"
            | "associatedtype_declaration"
    )
}

/// Who may call or instantiate a declaration, from its access modifier.
fn visibility(src: &str, node: Node) -> Visibility {
    let words = modifier_words(src, node);
    if words.iter().any(|w| matches!(*w, "public" | "open")) {
        Visibility::Public
    } else if words
        .iter()
        .any(|w| matches!(*w, "private" | "fileprivate"))
    {
        Visibility::Private
    } else {
        Visibility::Internal
    }
}

/// `static` / `class` members belong to the type, not an instance.
fn is_static_decl(src: &str, node: Node) -> bool {
    modifier_words(src, node)
        .iter()
        .any(|w| *w == "static" || *w == "class")
}
