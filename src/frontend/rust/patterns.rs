//! What a pattern binds, and whether it passes its scrutinee's value on unchanged.

use proc_macro2::Ident;

/// The names a pattern binds, in order (`Some((a, b))` → `a`, `b`).
/// Or-patterns bind the same names in every alternative: the first is taken.
pub fn bindings(pat: &syn::Pat) -> Vec<&Ident> {
    let mut names = Vec::new();
    collect(pat, &mut names, 0);
    names
}

/// Patterns nest only as deep as the text, which the pre-scan bounds; this is a backstop.
const MAX_PATTERN_DEPTH: usize = 256;

fn collect<'p>(pat: &'p syn::Pat, names: &mut Vec<&'p Ident>, depth: usize) {
    if depth > MAX_PATTERN_DEPTH {
        return;
    }
    let depth = depth + 1;
    match pat {
        syn::Pat::Ident(ident) => {
            if !is_constant_like(&ident.ident) {
                names.push(&ident.ident);
            }
            if let Some((_, sub)) = &ident.subpat {
                collect(sub, names, depth);
            }
        }
        syn::Pat::Or(or) => {
            if let Some(first) = or.cases.first() {
                collect(first, names, depth);
            }
        }
        syn::Pat::Paren(p) => collect(&p.pat, names, depth),
        syn::Pat::Reference(p) => collect(&p.pat, names, depth),
        syn::Pat::Type(p) => collect(&p.pat, names, depth),
        syn::Pat::Slice(p) => p.elems.iter().for_each(|e| collect(e, names, depth)),
        syn::Pat::Tuple(p) => p.elems.iter().for_each(|e| collect(e, names, depth)),
        syn::Pat::TupleStruct(p) => p.elems.iter().for_each(|e| collect(e, names, depth)),
        syn::Pat::Struct(p) => p.fields.iter().for_each(|f| collect(&f.pat, names, depth)),
        _ => {}
    }
}

/// `None` or an upper-case unit variant written bare is a path pattern, not a binding
/// (syn cannot tell them apart without name resolution).
fn is_constant_like(ident: &Ident) -> bool {
    let name = ident.to_string();
    name == "None" || name.chars().next().is_some_and(|c| c.is_uppercase())
}

/// The single name a pattern binds to its whole scrutinee, looking through the wrappers
/// that hand the value on (`x`, `ref x`, `&x`, `Some(x)`, `Ok(x)`, `x: T`).
pub fn alias_binding(pat: &syn::Pat) -> Option<&Ident> {
    let mut pat = pat;
    for _ in 0..MAX_PATTERN_DEPTH {
        pat = match pat {
            syn::Pat::Ident(ident) if ident.subpat.is_none() && !is_constant_like(&ident.ident) => {
                return Some(&ident.ident)
            }
            syn::Pat::Paren(p) => &p.pat,
            syn::Pat::Reference(p) => &p.pat,
            syn::Pat::Type(p) => &p.pat,
            syn::Pat::TupleStruct(p) if p.elems.len() == 1 && is_wrapper(&p.path) => &p.elems[0],
            _ => return None,
        };
    }
    None
}

fn is_wrapper(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Some" || s.ident == "Ok")
}

/// Does a match arm with this pattern receive the scrutinee's value? `None`, `Err(..)`,
/// `_` and literals do not: a session made by the scrutinee does not exist in that arm.
pub fn carries_value(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Wild(_) | syn::Pat::Lit(_) | syn::Pat::Range(_) => false,
        syn::Pat::Ident(ident) => ident.ident != "None",
        syn::Pat::Path(path) => !path.path.is_ident("None"),
        syn::Pat::TupleStruct(p) => p.path.segments.last().is_none_or(|s| s.ident != "Err"),
        syn::Pat::Paren(p) => carries_value(&p.pat),
        syn::Pat::Reference(p) => carries_value(&p.pat),
        _ => true,
    }
}
