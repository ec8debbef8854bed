//! Kind names and fields of tree-sitter-objc nodes, through the grammar's tables.

use crate::frontend::grammar::Grammar;
use std::num::NonZeroU16;
use std::sync::OnceLock;
use tree_sitter::Node;

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::new(tree_sitter_objc::LANGUAGE.into()))
}

/// The grammar fields the lowering reads, resolved to ids once (looking a field up by
/// name hashes the name on every call).
#[derive(Clone, Copy)]
pub enum Field {
    Alternative,
    Argument,
    Arguments,
    Body,
    Condition,
    Consequence,
    Declarator,
    /// `field`: the member of a field expression (`a.b`).
    Member,
    Function,
    Initializer,
    Label,
    Left,
    Method,
    Name,
    Operator,
    Parameters,
    Receiver,
    Right,
    Update,
    Value,
}

const FIELD_NAMES: [&str; 20] = [
    "alternative",
    "argument",
    "arguments",
    "body",
    "condition",
    "consequence",
    "declarator",
    "field",
    "function",
    "initializer",
    "label",
    "left",
    "method",
    "name",
    "operator",
    "parameters",
    "receiver",
    "right",
    "update",
    "value",
];

/// The grammar's id for a field (`None` if the grammar has no such field).
pub fn field_id(field: Field) -> Option<NonZeroU16> {
    static IDS: OnceLock<[Option<NonZeroU16>; 20]> = OnceLock::new();
    IDS.get_or_init(|| FIELD_NAMES.map(|name| grammar().field_id(name)))[field as usize]
}

pub trait Syntax<'t> {
    /// [`Node::kind`], from a table.
    fn kind_name(&self) -> &'static str;
    /// [`Node::child_by_field_name`], with the field's id from a table.
    fn field(&self, field: Field) -> Option<Node<'t>>;
}

impl<'t> Syntax<'t> for Node<'t> {
    fn kind_name(&self) -> &'static str {
        grammar().kind(*self)
    }

    fn field(&self, field: Field) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(field)?.get())
    }
}

#[cfg(test)]
mod tests {
    use super::{grammar, FIELD_NAMES};

    #[test]
    fn every_field_the_lowering_reads_is_in_the_grammar() {
        assert_eq!(grammar().missing_fields(&FIELD_NAMES), Vec::<&str>::new());
    }
}
