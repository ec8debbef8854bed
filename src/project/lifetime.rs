//! Which types live for the whole process: singletons and configured types.
//!
//! A type is process-lifetime when an instance of it is constructed into process-lifetime
//! storage: a global or `static` initializer (`static let shared = Client()`, Rust
//! `static X: LazyLock<Client>`), a function-level `static` (ObjC `dispatch_once`
//! singletons), or a `OnceLock`-style `get_or_init` on a static.

use super::Project;
use crate::analyze::walk::each_expr;
use crate::facts::{Block, Expr, ExprKind, Function, FunctionKind, StmtKind};
use rayon::prelude::*;
use std::collections::BTreeSet;

pub fn process_lifetime_types(project: &Project) -> BTreeSet<String> {
    let configured: BTreeSet<String> = project
        .config
        .process_lifetime_types
        .iter()
        .cloned()
        .collect();
    let ids: Vec<_> = project.function_ids().collect();
    ids.into_par_iter()
        .filter(|&id| {
            project.mentions(id).static_storage
                || project.function(id).kind == FunctionKind::GlobalInitializer
        })
        .map(|id| {
            let mut out = BTreeSet::new();
            constructed_into_statics(project, project.function(id), &mut out);
            out
        })
        .reduce(
            || configured.clone(),
            |mut a, mut b| {
                a.append(&mut b);
                a
            },
        )
}

/// The types `f` constructs into process-lifetime storage.
fn constructed_into_statics(project: &Project, f: &Function, out: &mut BTreeSet<String>) {
    if f.kind == FunctionKind::GlobalInitializer {
        constructed_types(project, f, &f.body, out);
        return;
    }
    let statics = static_locals(&f.body);
    each_expr(&f.body, true, &mut |e| match &e.kind {
        ExprKind::Assign { target, value } => {
            if matches!(&target.kind, ExprKind::Name(n) if statics.contains(n.as_str())) {
                constructions_in(project, f, value, out);
            }
        }
        ExprKind::Call {
            receiver: Some(r),
            method,
            args,
            ..
        } if is_once_init(method) && looks_static(r) => {
            for a in args {
                constructions_in(project, f, &a.value, out);
            }
        }
        _ => {}
    });
    crate::analyze::walk::each_stmt(&f.body, &mut |stmt| {
        if let StmtKind::Let {
            is_static: true,
            value: Some(v),
            ..
        } = &stmt.kind
        {
            constructions_in(project, f, v, out);
        }
    });
}

pub(crate) fn is_once_init(method: &str) -> bool {
    matches!(
        method,
        "get_or_init" | "get_or_try_init" | "get_or_insert_with" | "call_once" | "with"
    )
}

/// `SHARED` / `Self::SHARED` / `CLIENT`: Rust statics are SCREAMING_CASE by convention.
fn looks_static(e: &Expr) -> bool {
    let name = match &e.kind {
        ExprKind::Name(n) => n,
        ExprKind::Member { name, .. } => name,
        _ => return false,
    };
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

fn static_locals(body: &Block) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    crate::analyze::walk::each_stmt(body, &mut |stmt| {
        if let StmtKind::Let {
            name,
            is_static: true,
            ..
        } = &stmt.kind
        {
            names.insert(name.as_str());
        }
    });
    names
}

fn constructed_types(project: &Project, f: &Function, body: &Block, out: &mut BTreeSet<String>) {
    each_expr(body, true, &mut |e| {
        if let Some(t) = construction(project, f, e) {
            out.insert(t);
        }
    });
}

fn constructions_in(project: &Project, f: &Function, e: &Expr, out: &mut BTreeSet<String>) {
    crate::analyze::walk::each_in_expr(e, &mut |e| {
        if let Some(t) = construction(project, f, e) {
            out.insert(t);
        }
    });
}

/// The type an expression constructs, if it visibly constructs one.
pub fn construction(project: &Project, f: &Function, e: &Expr) -> Option<String> {
    let resolve = |t: &str| {
        if t == "Self" || t == "self" {
            f.owner.clone()
        } else {
            Some(t.to_string())
        }
    };
    match &e.kind {
        ExprKind::Construct { type_name, .. } => resolve(type_name),
        ExprKind::Call {
            receiver: None,
            method,
            ..
        } if project.is_type(method) => Some(method.clone()),
        ExprKind::Call {
            receiver: Some(r),
            method,
            ..
        } if matches!(method.as_str(), "new" | "init" | "default" | "alloc") => match &r.kind {
            ExprKind::TypeRef(t) => resolve(t),
            _ => None,
        },
        _ => None,
    }
}
