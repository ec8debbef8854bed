//! Kind names and fields of tree-sitter-objc nodes, through the grammar's tables.

use crate::frontend::grammar::Grammar;
use std::sync::OnceLock;
use tree_sitter::Node;

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::new(tree_sitter_objc::LANGUAGE.into()))
}

/// The grammar's id for a field name (`None` if the grammar has no such field).
pub fn field_id(name: &str) -> Option<std::num::NonZeroU16> {
    grammar().field_id(name)
}

pub trait Syntax<'t> {
    /// [`Node::kind`], from a table.
    fn kind_name(&self) -> &'static str;
    /// [`Node::child_by_field_name`], with the field's id from a table.
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Syntax<'t> for Node<'t> {
    fn kind_name(&self) -> &'static str {
        grammar().kind(*self)
    }

    fn field(&self, name: &str) -> Option<Node<'t>> {
        grammar().field(*self, name)
    }
}
