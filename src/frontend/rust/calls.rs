//! Calls: free functions, `Type::function(..)` (objc2's `NSURLSession::sessionWithConfiguration`
//! and friends), method calls, and the wrappers that only pass a value on.

use super::context::{expr, opaque, Lowerer};
use crate::facts::{api, Arg, Block, ConfigKind, Creation, Expr, ExprKind, Span, StmtKind};
use syn::visit::Visit;

/// Methods that hand their receiver on unchanged (as far as the session is concerned).
const TRANSPARENT_METHODS: &[&str] = &[
    "clone",
    "unwrap",
    "unwrap_unchecked",
    "as_ref",
    "as_deref",
    "as_mut",
    "as_deref_mut",
    "borrow",
    "borrow_mut",
    "deref",
    "deref_mut",
    "take",
    "get",
    "lock",
    "read",
    "write",
    "retain",
    "into",
    "to_owned",
    "as_ptr",
    "as_super",
    "ivars",
    "iter",
];

/// `Type::function(x)` that returns `x` (or a handle to the same object).
const TRANSPARENT_CONSTRUCTORS: &[&str] = &[
    "Box",
    "Arc",
    "Rc",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "Retained",
    "Id",
    "Clone",
    "OnceCell",
    "ManuallyDrop",
];

impl Lowerer<'_> {
    pub fn lower_call(&mut self, c: &syn::ExprCall, span: Span, out: &mut Block) -> Expr {
        let syn::Expr::Path(path) = &*c.func else {
            let mut children = vec![self.lower_expr(&c.func, out)];
            children.extend(c.args.iter().map(|a| self.lower_expr(a, out)));
            return opaque(children, span);
        };
        let Some(last) = path.path.segments.last() else {
            return opaque(vec![], span);
        };
        let method = last.ident.to_string();
        let method_span = self.spans.span(last.ident.span());
        let args: Vec<&syn::Expr> = c.args.iter().collect();

        let type_name = if path.path.segments.len() > 1 || path.qself.is_some() {
            self.path_type(path.qself.as_ref(), &path.path)
        } else {
            None
        };
        let module = path
            .path
            .segments
            .iter()
            .rev()
            .nth(1)
            .map(|s| s.ident.to_string());

        match (type_name.as_deref(), method.as_str(), args.as_slice()) {
            (None, "Some" | "Ok", [value]) => return self.lower_expr(value, out),
            (None, "null" | "null_mut", []) => return expr(ExprKind::Nil, span),
            (None, "exit" | "abort", _) if module.as_deref().is_none_or(|m| m == "process") => {
                for arg in &args {
                    let value = self.lower_expr(arg, out);
                    super::stmts::push_eval(value, out);
                }
                out.push(crate::facts::Stmt {
                    kind: StmtKind::Abort,
                    span,
                });
                return opaque(vec![], span);
            }
            (Some(t), "new" | "from" | "clone" | "retain" | "new_cyclic", [value])
                if TRANSPARENT_CONSTRUCTORS.contains(&t) =>
            {
                return self.lower_expr(value, out)
            }
            (Some(t), _, _) if self.imports.is_session(t) => {
                if let Some(session) = self.session_class_call(&method, &args, span, out) {
                    return session;
                }
                // objc2 methods called in UFCS form: `NSURLSession::invalidateAndCancel(&session)`.
                if let Some((receiver, rest)) = args.split_first() {
                    let receiver = self.lower_expr(receiver, out);
                    let args = self.lower_args(rest.iter().copied(), out);
                    return call(Some(receiver), method, args, method_span, span);
                }
            }
            _ => {}
        }
        let receiver = type_name.map(|t| expr(ExprKind::TypeRef(t), span));
        let args = self.lower_args(args.iter().copied(), out);
        call(receiver, method, args, method_span, span)
    }

    /// A class method of `NSURLSession` that makes or returns a session.
    fn session_class_call(
        &mut self,
        method: &str,
        args: &[&syn::Expr],
        span: Span,
        out: &mut Block,
    ) -> Option<Expr> {
        let kind = match (method, args) {
            ("sharedSession", _) => ExprKind::SharedSession,
            ("new", []) => ExprKind::NewSession(Creation {
                config: ConfigKind::NoConfiguration,
                delegate_self: None,
                has_other_delegate: false,
            }),
            ("sessionWithConfiguration", [config, ..]) => {
                ExprKind::NewSession(self.creation(config, None, out))
            }
            ("sessionWithConfiguration_delegate_delegateQueue", [config, delegate, ..]) => {
                ExprKind::NewSession(self.creation(config, Some(delegate), out))
            }
            _ => return None,
        };
        Some(expr(kind, span))
    }

    /// What a creation's configuration and delegate arguments say.
    pub fn creation(
        &mut self,
        config: &syn::Expr,
        delegate: Option<&syn::Expr>,
        out: &mut Block,
    ) -> Creation {
        let mut creation = Creation {
            config: config_kind(config),
            delegate_self: None,
            has_other_delegate: false,
        };
        // The configuration's own evaluation matters to nothing but its effects.
        let lowered = self.lower_expr(config, out);
        if !matches!(lowered.kind, ExprKind::Call { .. } | ExprKind::Name(_)) {
            super::stmts::push_eval(lowered, out);
        }
        if let Some(delegate) = delegate {
            if !is_nil(delegate) {
                if mentions_self(delegate) {
                    creation.delegate_self = Some(self.span_of(delegate));
                } else {
                    creation.has_other_delegate = true;
                }
            }
        }
        creation
    }

    pub fn lower_method_call(
        &mut self,
        m: &syn::ExprMethodCall,
        span: Span,
        out: &mut Block,
    ) -> Expr {
        let method = m.method.to_string();
        let args: Vec<&syn::Expr> = m.args.iter().collect();
        match (method.as_str(), args.as_slice()) {
            (name, []) if TRANSPARENT_METHODS.contains(&name) => {
                return self.lower_expr(&m.receiver, out)
            }
            ("expect", [_message]) => return self.lower_expr(&m.receiver, out),
            ("unwrap_or" | "or", [other]) => {
                let first = self.lower_expr(&m.receiver, out);
                let second = self.lower_expr(other, out);
                return expr(ExprKind::Choice(vec![first, second]), span);
            }
            ("set" | "replace", [value]) => {
                // `self.session.set(Some(s))` on a `Cell`/`OnceCell`, `Option::replace`: a store.
                let target = self.lower_expr(&m.receiver, out);
                if matches!(target.kind, ExprKind::Member { .. } | ExprKind::Name(_)) {
                    let value = self.lower_expr(value, out);
                    return expr(
                        ExprKind::Assign {
                            target: Box::new(target),
                            value: Box::new(value),
                        },
                        span,
                    );
                }
                let args = self.lower_args([*value], out);
                return call(
                    Some(target),
                    method,
                    args,
                    self.spans.span(m.method.span()),
                    span,
                );
            }
            _ => {}
        }
        let receiver = self.lower_expr(&m.receiver, out);
        let args = self.lower_args(args.iter().copied(), out);
        call(
            Some(receiver),
            method,
            args,
            self.spans.span(m.method.span()),
            span,
        )
    }

    pub fn lower_args<'e>(
        &mut self,
        args: impl IntoIterator<Item = &'e syn::Expr>,
        out: &mut Block,
    ) -> Vec<Arg> {
        args.into_iter()
            .map(|a| Arg {
                label: None,
                value: self.lower_expr(a, out),
            })
            .collect()
    }
}

pub fn call(
    receiver: Option<Expr>,
    method: String,
    args: Vec<Arg>,
    method_span: Span,
    span: Span,
) -> Expr {
    let api = api::classify_method(&method);
    expr(
        ExprKind::Call {
            receiver: receiver.map(Box::new),
            method,
            args,
            api,
            method_span,
        },
        span,
    )
}

/// `NSURLSessionConfiguration::ephemeralSessionConfiguration()` written inline, through `&`,
/// parentheses and `unsafe { }`; a variable or anything else is `Other`.
pub fn config_kind(e: &syn::Expr) -> ConfigKind {
    let mut e = e;
    for _ in 0..32 {
        e = match e {
            syn::Expr::Reference(r) => &r.expr,
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &u.expr,
            syn::Expr::Unsafe(u) => match u.block.stmts.as_slice() {
                [syn::Stmt::Expr(tail, None)] => tail,
                _ => return ConfigKind::Other,
            },
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = &*c.func else {
                    return ConfigKind::Other;
                };
                let name = p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                return config_from_name(&name);
            }
            syn::Expr::Macro(m) => {
                return super::macros::message_selector(&m.mac)
                    .map_or(ConfigKind::Other, |sel| config_from_name(&sel));
            }
            _ => return ConfigKind::Other,
        };
    }
    ConfigKind::Other
}

pub fn config_from_name(name: &str) -> ConfigKind {
    match name {
        "defaultSessionConfiguration" => ConfigKind::Default,
        "ephemeralSessionConfiguration" => ConfigKind::Ephemeral,
        n if n.starts_with("backgroundSessionConfiguration") => ConfigKind::Background,
        _ => ConfigKind::Other,
    }
}

/// `None`, `std::ptr::null()`, `nil` (through `&` and parentheses).
pub fn is_nil(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Path(p) => p.path.is_ident("None") || p.path.is_ident("nil"),
        syn::Expr::Reference(r) => is_nil(&r.expr),
        syn::Expr::Paren(p) => is_nil(&p.expr),
        syn::Expr::Cast(c) => is_nil(&c.expr),
        syn::Expr::Call(c) => matches!(&*c.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "null" || s.ident == "null_mut")),
        _ => false,
    }
}

/// Does the expression use `self` anywhere (`self`, `&*self`, `ProtocolObject::from_ref(self)`,
/// `self.delegate_obj()`, or `self` inside a macro's tokens)?
pub fn mentions_self(e: &syn::Expr) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if path.segments.first().is_some_and(|s| s.ident == "self") {
                self.0 = true;
            }
            syn::visit::visit_path(self, path);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if tokens_mention_self(mac.tokens.clone(), 0) {
                self.0 = true;
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(e);
    finder.0
}

pub fn tokens_mention_self(tokens: proc_macro2::TokenStream, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    tokens.into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(ident) => ident == "self",
        proc_macro2::TokenTree::Group(group) => tokens_mention_self(group.stream(), depth + 1),
        _ => false,
    })
}
