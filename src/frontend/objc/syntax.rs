//! Kind names and fields of tree-sitter-objc nodes, through the grammar's tables.

use crate::frontend::grammar::Grammar;
use std::sync::OnceLock;
use tree_sitter::Node;

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::new(tree_sitter_objc::LANGUAGE.into()))
}

crate::frontend::grammar::field_table! {
    pub, grammar();
    Alternative => "alternative",
    Argument => "argument",
    Arguments => "arguments",
    Body => "body",
    Condition => "condition",
    Consequence => "consequence",
    Declarator => "declarator",
    /// `field`: the member of a field expression (`a.b`).
    Member => "field",
    Function => "function",
    Initializer => "initializer",
    Label => "label",
    Left => "left",
    Method => "method",
    Name => "name",
    Operator => "operator",
    Parameters => "parameters",
    Receiver => "receiver",
    Right => "right",
    Update => "update",
    Value => "value",
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
        assert_eq!(grammar().missing_fields(FIELD_NAMES), Vec::<&str>::new());
    }
}
