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

crate::frontend::grammar::kind_table! {
    pub, grammar();
    AlignofExpression => "alignof_expression",
    AssignmentExpression => "assignment_expression",
    AtExpression => "at_expression",
    AttributedStatement => "attributed_statement",
    AvailableExpression => "available_expression",
    BinaryExpression => "binary_expression",
    BlockLiteral => "block_literal",
    BreakStatement => "break_statement",
    CallExpression => "call_expression",
    CaseStatement => "case_statement",
    CastExpression => "cast_expression",
    CharLiteral => "char_literal",
    CompoundStatement => "compound_statement",
    ConcatenatedString => "concatenated_string",
    ConditionalExpression => "conditional_expression",
    ContinueStatement => "continue_statement",
    Declaration => "declaration",
    DoStatement => "do_statement",
    EncodeExpression => "encode_expression",
    Error => "ERROR",
    ExpressionStatement => "expression_statement",
    False => "false",
    FieldExpression => "field_expression",
    ForStatement => "for_statement",
    FunctionDefinition => "function_definition",
    GotoStatement => "goto_statement",
    Identifier => "identifier",
    IfStatement => "if_statement",
    LabeledStatement => "labeled_statement",
    MessageExpression => "message_expression",
    Null => "null",
    NumberLiteral => "number_literal",
    OffsetofExpression => "offsetof_expression",
    ParenthesizedExpression => "parenthesized_expression",
    PreprocIf => "preproc_if",
    PreprocIfdef => "preproc_ifdef",
    ReturnStatement => "return_statement",
    SelectorExpression => "selector_expression",
    SizeofExpression => "sizeof_expression",
    StringLiteral => "string_literal",
    SwitchStatement => "switch_statement",
    SynchronizedStatement => "synchronized_statement",
    ThrowStatement => "throw_statement",
    True => "true",
    TryStatement => "try_statement",
    UnaryExpression => "unary_expression",
    UpdateExpression => "update_expression",
    WhileStatement => "while_statement",
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
    use super::{grammar, FIELD_NAMES, KINDS};

    #[test]
    fn every_field_the_lowering_reads_is_in_the_grammar() {
        assert_eq!(grammar().missing_fields(FIELD_NAMES), Vec::<&str>::new());
    }

    #[test]
    fn every_kind_the_lowering_tells_apart_is_in_the_grammar() {
        let names: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
        assert_eq!(grammar().missing_kinds(&names), Vec::<&str>::new());
    }
}
