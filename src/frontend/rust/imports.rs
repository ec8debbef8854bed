//! `use` imports, renames and type aliases, so `Session::sharedSession()` after
//! `use objc2_foundation::NSURLSession as Session;` is recognised as the shared session.
//!
//! One map per file: renames in nested modules are rare and never conflict in practice.

use std::collections::HashMap;
use syn::visit::Visit;

#[derive(Debug, Default)]
pub struct Imports {
    /// Local name → the imported item's own name.
    renames: HashMap<String, String>,
}

impl Imports {
    pub fn collect(file: &syn::File) -> Imports {
        let mut imports = Imports::default();
        let mut collector = Collector {
            imports: &mut imports,
        };
        collector.visit_file(file);
        imports
    }

    pub fn extend(&mut self, other: Imports) {
        self.renames.extend(other.renames);
    }

    /// The name a local type name stands for (`Session` → `NSURLSession`); itself if unknown.
    pub fn resolve<'s>(&'s self, name: &'s str) -> &'s str {
        let mut name = name;
        // Follow a short chain (`type A = B; use x::C as B;`), never looping.
        for _ in 0..4 {
            match self.renames.get(name) {
                Some(target) if target != name => name = target,
                _ => break,
            }
        }
        name
    }

    pub fn is_session(&self, name: &str) -> bool {
        matches!(self.resolve(name), "NSURLSession" | "URLSession")
    }

    fn add_use_tree(&mut self, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => self.add_use_tree(&path.tree),
            syn::UseTree::Rename(rename) => {
                self.renames
                    .insert(rename.rename.to_string(), rename.ident.to_string());
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.add_use_tree(tree);
                }
            }
            syn::UseTree::Name(_) | syn::UseTree::Glob(_) => {}
        }
    }
}

struct Collector<'i> {
    imports: &'i mut Imports,
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.imports.add_use_tree(&item.tree);
    }

    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        if let Some(target) = last_type_name(&item.ty) {
            self.imports.renames.insert(item.ident.to_string(), target);
        }
    }

    // Expressions hold no imports worth a walk (and may nest deeply).
    fn visit_expr(&mut self, _: &'ast syn::Expr) {}

    fn visit_block(&mut self, block: &'ast syn::Block) {
        for stmt in &block.stmts {
            if let syn::Stmt::Item(item) = stmt {
                self.visit_item(item);
            }
        }
    }
}

/// `objc2_foundation::NSURLSession` → `NSURLSession` (generic arguments dropped).
pub fn last_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Paren(inner) => last_type_name(&inner.elem),
        syn::Type::Group(inner) => last_type_name(&inner.elem),
        _ => None,
    }
}
