//! Small helpers over tree-sitter nodes: text, spans and child iteration without recursion.

use crate::facts::Span;
use crate::frontend::grammar::{children, named_children_where, Grammar};
use tree_sitter::Node;

/// The source text a node covers ("" if the range is not valid UTF-8 boundaries).
pub(super) fn text<'s>(src: &'s str, node: Node) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

pub(super) fn span(node: Node) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

/// Every child with its field name, in source order (anonymous tokens included). By cursor:
/// `Node::field_name_for_child` costs more than a cursor step.
pub(super) fn fielded_children(node: Node) -> Vec<(Option<&'static str>, Node)> {
    let mut out = Vec::with_capacity(node.child_count());
    let mut cursor = node.walk();
    if cursor.goto_first_child() {
        loop {
            out.push((cursor.field_name(), cursor.node()));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

/// Named children in source order, comments left out.
pub(super) fn named_children(node: Node) -> Vec<Node> {
    named_children_where(node, |c| !is_comment(c))
}

/// The first named child of the given kind.
pub(super) fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    crate::frontend::grammar::first_named_child_where(node, |c| c.kind_name() == kind)
}

/// Does the node have an anonymous child token with this text (e.g. `class` in `class func`)?
pub(super) fn has_token(node: Node, token: &str) -> bool {
    children(node).any(|c| !c.is_named() && c.kind_name() == token)
}

pub(super) fn is_comment(node: Node) -> bool {
    // Comments are extras: checking that first spares a name lookup for most nodes.
    node.is_extra() && matches!(node.kind_name(), "comment" | "multiline_comment")
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: std::sync::OnceLock<Grammar> = std::sync::OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::new(tree_sitter_swift::LANGUAGE.into()))
}

/// [`Node::kind`], from the grammar's table.
pub(super) trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for Node<'_> {
    fn kind_name(&self) -> &'static str {
        grammar().kind(*self)
    }
}

/// Modifier words of a declaration (`static`, `lazy`, `weak`, `class`, ...), from its
/// `modifiers` child and the loose modifier tokens the grammar leaves before the keyword.
/// Stops at the first other child: modifiers always come first.
pub(super) fn modifier_words<'s>(src: &'s str, decl: Node) -> Vec<&'s str> {
    let mut words = Vec::new();
    for child in children(decl) {
        match child.kind_name() {
            "modifiers" => {
                let modifiers = named_children_where(child, |m| m.kind_name() != "attribute");
                words.extend(modifiers.into_iter().map(|m| text(src, m)));
            }
            "ownership_modifier" | "property_behavior_modifier" | "inheritance_modifier" => {
                words.push(text(src, child))
            }
            "attribute" => {}
            "class" if !child.is_named() => words.push("class"),
            _ => break,
        }
    }
    words
}

/// Starts with an upper-case letter: a type name by Swift convention.
pub(super) fn is_type_like(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_uppercase())
}

crate::frontend::grammar::field_table! {
    pub(super), grammar();
    BoundIdentifier => "bound_identifier",
    Body => "body",
    Captures => "captures",
    Collection => "collection",
    ConstructedType => "constructed_type",
    DeclarationKind => "declaration_kind",
    Error => "error",
    Expr => "expr",
    IfFalse => "if_false",
    IfNil => "if_nil",
    IfTrue => "if_true",
    Interpolation => "interpolation",
    Item => "item",
    Name => "name",
    Operation => "operation",
    Result => "result",
    ReturnType => "return_type",
    Suffix => "suffix",
    Target => "target",
    Type => "type",
    Value => "value",
    Wrapped => "wrapped",
}

/// The first child in `field`.
pub(super) fn field<'t>(node: Node<'t>, field: Field) -> Option<Node<'t>> {
    node.child_by_field_id(field_id(field)?.get())
}

/// The first child in each of `wanted`, in one pass over the children (each
/// [`field`] lookup is a pass of its own).
pub(super) fn fields<'t, const N: usize>(
    node: Node<'t>,
    wanted: [Field; N],
) -> [Option<Node<'t>>; N] {
    let ids = wanted.map(field_id);
    let mut found = [None; N];
    let mut cursor = node.walk();
    let mut more = cursor.goto_first_child();
    while more {
        if let Some(id) = cursor.field_id() {
            for (slot, want) in found.iter_mut().zip(ids) {
                if slot.is_none() && want == Some(id) {
                    *slot = Some(cursor.node());
                }
            }
        }
        more = cursor.goto_next_sibling();
    }
    found
}

/// Visits `root` and its descendants in document order without recursion; `f` returns
/// whether to descend into the node it is given.
pub(super) fn visit<'t>(root: Node<'t>, f: &mut dyn FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    loop {
        let descend = f(cursor.node());
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() || cursor.node() == root {
                return;
            }
        }
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
