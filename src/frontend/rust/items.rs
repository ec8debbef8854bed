//! Items: functions, `impl` blocks (methods, associated functions, `Drop`), structs and
//! their fields, traits, `static`/`const` items and the macros that declare statics
//! (`thread_local!`, `lazy_static!`), modules, and objc2 class-declaring macros.

use super::context::{expr, Lowerer};
use super::stmts::Tail;
use crate::facts::{
    Block, ExprKind, Function, FunctionKind, MemberDecl, Span, Stmt, StmtKind, TypeDecl, TypeKind,
    Visibility,
};
use proc_macro2::Ident;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;

/// Wrappers a field's type is looked through to find what it holds.
const HOLDERS: &[&str] = &[
    "Retained",
    "Id",
    "Arc",
    "Rc",
    "Box",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "OnceCell",
    "OnceLock",
    "ManuallyDrop",
    "IvarDrop",
    "Ivar",
    "UnsafeCell",
];

impl Lowerer<'_> {
    pub fn lower_items(&mut self, items: &[syn::Item]) {
        for item in items {
            self.lower_item(item);
        }
    }

    pub fn lower_item(&mut self, item: &syn::Item) {
        let saved_owner = self.owner.take();
        match item {
            syn::Item::Fn(f) if !is_disabled(&f.attrs) => {
                let mut function = self.lower_fn(&f.sig, &f.block, FunctionKind::Free, None);
                function.visibility = visibility(&f.vis);
                self.functions.push(function);
            }
            syn::Item::Impl(i) if !is_disabled(&i.attrs) => self.lower_impl(i),
            syn::Item::Struct(s) if !is_disabled(&s.attrs) => self.lower_struct(s),
            syn::Item::Enum(e) if !is_disabled(&e.attrs) => self.types.push(TypeDecl {
                name: e.ident.to_string(),
                kind: TypeKind::Struct,
                span: self.spans.span(e.ident.span()),
                members: Vec::new(),
                info: crate::facts::TypeDeclInfo::default(),
            }),
            syn::Item::Trait(t) if !is_disabled(&t.attrs) => self.lower_trait(t),
            syn::Item::Static(s) if !is_disabled(&s.attrs) => {
                self.lower_global(&s.ident, &s.expr, self.span_of(s), None)
            }
            syn::Item::Const(c) if !is_disabled(&c.attrs) => {
                self.lower_global(&c.ident, &c.expr, self.span_of(c), None)
            }
            syn::Item::Mod(m) if !is_disabled(&m.attrs) => {
                if let Some((_, items)) = &m.content {
                    self.lower_items(items);
                }
            }
            syn::Item::Macro(m) if !is_disabled(&m.attrs) => self.lower_item_macro(&m.mac),
            _ => {}
        }
        self.owner = saved_owner;
    }

    fn lower_fn(
        &mut self,
        sig: &syn::Signature,
        block: &syn::Block,
        kind: FunctionKind,
        owner: Option<String>,
    ) -> Function {
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => Some(super::patterns::bindings(&typed.pat)),
                syn::FnArg::Receiver(_) => None,
            })
            .flatten()
            .map(|name| name.to_string())
            .collect();
        let tail = if returns_value(&sig.output) {
            Tail::Return
        } else {
            Tail::Eval
        };
        let body = self.lower_block(block, &tail);
        Function {
            name: sig.ident.to_string(),
            kind,
            owner,
            params,
            span: self.spans.join(
                super::edges::signature_start(sig),
                block.brace_token.span.close(),
            ),
            name_span: self.spans.span(sig.ident.span()),
            body: body.into(),
            visibility: crate::facts::Visibility::default(),
        }
    }

    fn lower_impl(&mut self, i: &syn::ItemImpl) {
        let Some(owner) = super::imports::last_type_name(&i.self_ty) else {
            return;
        };
        let is_drop = i
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Drop");
        let trait_name = i
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .map(|s| s.ident.to_string());
        self.types.push(TypeDecl {
            name: owner.clone(),
            kind: TypeKind::Extension,
            span: self.span_of(&i.self_ty),
            members: Vec::new(),
            info: crate::facts::TypeDeclInfo {
                supertypes: trait_name.iter().cloned().collect(),
                ..crate::facts::TypeDeclInfo::default()
            },
        });
        for item in &i.items {
            self.owner = Some(owner.clone());
            match item {
                syn::ImplItem::Fn(f) if !is_disabled(&f.attrs) => {
                    let kind = if is_drop && f.sig.ident == "drop" {
                        FunctionKind::Deinit
                    } else if f.sig.receiver().is_some() {
                        FunctionKind::Method
                    } else {
                        FunctionKind::StaticMethod
                    };
                    let mut function = self.lower_fn(&f.sig, &f.block, kind, Some(owner.clone()));
                    // A trait method is as callable as the trait.
                    function.visibility = match trait_name {
                        Some(_) => Visibility::Public,
                        None => visibility(&f.vis),
                    };
                    self.functions.push(function);
                }
                syn::ImplItem::Const(c) if !is_disabled(&c.attrs) => {
                    self.lower_global(&c.ident, &c.expr, self.span_of(c), Some(owner.clone()))
                }
                _ => {}
            }
        }
    }

    fn lower_trait(&mut self, t: &syn::ItemTrait) {
        let owner = t.ident.to_string();
        self.types.push(TypeDecl {
            name: owner.clone(),
            kind: TypeKind::Protocol,
            span: self.spans.span(t.ident.span()),
            members: Vec::new(),
            info: crate::facts::TypeDeclInfo::default(),
        });
        for item in &t.items {
            self.owner = Some(owner.clone());
            if let syn::TraitItem::Fn(f) = item {
                if let (Some(block), false) = (&f.default, is_disabled(&f.attrs)) {
                    let kind = if f.sig.receiver().is_some() {
                        FunctionKind::Method
                    } else {
                        FunctionKind::StaticMethod
                    };
                    let function = self.lower_fn(&f.sig, block, kind, Some(owner.clone()));
                    self.functions.push(function);
                }
            }
        }
    }

    fn lower_struct(&mut self, s: &syn::ItemStruct) {
        let members = s
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| !is_disabled(&field.attrs))
            .map(|(index, field)| {
                let (name, span) = match &field.ident {
                    Some(ident) => (ident.to_string(), self.spans.span(ident.span())),
                    None => (index.to_string(), self.span_of(&field.ty)),
                };
                let held = self.held_type(&field.ty);
                MemberDecl {
                    name,
                    span,
                    is_static: false,
                    is_lazy: false,
                    is_optional: held.optional,
                    is_weak: held.weak,
                    is_computed: false,
                    declared_session: self.type_mentions_session(&field.ty),
                    declared_type: held.name,
                }
            })
            .collect();
        self.types.push(TypeDecl {
            name: s.ident.to_string(),
            kind: TypeKind::Struct,
            span: self.spans.span(s.ident.span()),
            members,
            info: crate::facts::TypeDeclInfo {
                visibility: visibility(&s.vis),
                ..crate::facts::TypeDeclInfo::default()
            },
        });
    }

    /// `static NAME: T = init;` → a global initializer `NAME = init` (process lifetime).
    fn lower_global(&mut self, name: &Ident, init: &syn::Expr, span: Span, owner: Option<String>) {
        let name_span = self.spans.span(name.span());
        let mut body: Block = Vec::new();
        let value = self.lower_expr(init, &mut body);
        let value_span = value.span;
        let target = expr(ExprKind::Name(name.to_string()), name_span);
        body.push(Stmt {
            kind: StmtKind::Eval(expr(
                ExprKind::Assign {
                    target: Box::new(target),
                    value: Box::new(value),
                },
                value_span,
            )),
            span,
        });
        self.functions.push(Function {
            name: name.to_string(),
            kind: FunctionKind::GlobalInitializer,
            owner,
            params: Vec::new(),
            span,
            name_span,
            body: body.into(),
            visibility: crate::facts::Visibility::default(),
        });
    }

    fn lower_item_macro(&mut self, mac: &syn::Macro) {
        let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        match name.as_str() {
            "thread_local" | "lazy_static" => {
                if let Ok(statics) = parse_statics.parse2(mac.tokens.clone()) {
                    for (ident, init) in &statics {
                        let span = self.spans.join(ident.span(), init.span());
                        self.lower_global(ident, init, span, None);
                    }
                }
            }
            // objc2's class declarations hold ordinary items (`struct`, `impl` blocks).
            "define_class" | "declare_class" => {
                if let Ok(items) = parse_items.parse2(mac.tokens.clone()) {
                    self.lower_items(&items);
                }
            }
            _ => {}
        }
    }

    fn type_mentions_session(&self, ty: &syn::Type) -> bool {
        struct Finder<'a> {
            imports: &'a super::imports::Imports,
            found: bool,
        }
        impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
            fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
                let name = segment.ident.to_string();
                if self.imports.is_session(&name)
                    || crate::facts::api::mentions_session_type(self.imports.resolve(&name))
                {
                    self.found = true;
                }
                syn::visit::visit_path_segment(self, segment);
            }
        }
        let mut finder = Finder {
            imports: self.imports,
            found: false,
        };
        syn::visit::Visit::visit_type(&mut finder, ty);
        finder.found
    }

    /// Looks through `Option`, `Weak` and holders (`Retained`, `Arc`, `RefCell`, ...) to the
    /// named type a field holds.
    fn held_type(&self, ty: &syn::Type) -> HeldType {
        let mut held = HeldType::default();
        let mut ty = ty;
        for _ in 0..16 {
            let path = match ty {
                syn::Type::Path(p) => &p.path,
                syn::Type::Reference(r) => {
                    ty = &r.elem;
                    continue;
                }
                syn::Type::Paren(p) => {
                    ty = &p.elem;
                    continue;
                }
                _ => break,
            };
            let Some(last) = path.segments.last() else {
                break;
            };
            let name = self.type_name(&last.ident);
            let inner = first_type_argument(last);
            match (name.as_str(), inner) {
                ("Option", Some(_)) => held.optional = true,
                ("Weak" | "WeakId", Some(_)) => held.weak = true,
                (holder, Some(_)) if HOLDERS.contains(&holder) => {}
                _ => {
                    held.name = Some(name);
                    break;
                }
            }
            if let Some(inner) = inner {
                ty = inner;
            }
        }
        held
    }
}

#[derive(Default)]
struct HeldType {
    optional: bool,
    weak: bool,
    name: Option<String>,
}

fn first_type_argument(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

fn returns_value(output: &syn::ReturnType) -> bool {
    match output {
        syn::ReturnType::Default => false,
        syn::ReturnType::Type(_, ty) => match &**ty {
            syn::Type::Tuple(t) => !t.elems.is_empty(),
            syn::Type::Never(_) => false,
            _ => true,
        },
    }
}

/// `#[cfg(any())]`: code compiled out on every target.
fn is_disabled(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && matches!(&attr.meta, syn::Meta::List(list)
                if list.tokens.to_string().split_whitespace().collect::<String>() == "any()")
    })
}

/// The bodies of `thread_local! { static A: T = e; }` and `lazy_static! { static ref A: T = e; }`.
fn parse_statics(input: ParseStream) -> syn::Result<Vec<(Ident, syn::Expr)>> {
    let mut statics = Vec::new();
    while !input.is_empty() {
        input.call(syn::Attribute::parse_outer)?;
        input.parse::<syn::Visibility>()?;
        input.parse::<syn::Token![static]>()?;
        if input.peek(syn::Token![ref]) {
            input.parse::<syn::Token![ref]>()?;
        }
        let name: Ident = input.parse()?;
        input.parse::<syn::Token![:]>()?;
        input.parse::<syn::Type>()?;
        input.parse::<syn::Token![=]>()?;
        if input.peek(syn::Token![const]) && input.peek2(syn::token::Brace) {
            input.parse::<syn::Token![const]>()?;
        }
        let init: syn::Expr = input.parse()?;
        if input.peek(syn::Token![;]) {
            input.parse::<syn::Token![;]>()?;
        }
        statics.push((name, init));
    }
    Ok(statics)
}

fn parse_items(input: ParseStream) -> syn::Result<Vec<syn::Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(input.parse()?);
    }
    Ok(items)
}

/// `pub` (any form but `pub(self)`) is callable outside the module.
fn visibility(vis: &syn::Visibility) -> Visibility {
    match vis {
        syn::Visibility::Public(_) => Visibility::Public,
        syn::Visibility::Restricted(_) | syn::Visibility::Inherited => Visibility::Internal,
    }
}
