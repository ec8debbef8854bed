//! Small helpers over tree-sitter nodes: text, spans and child iteration without recursion.

use crate::facts::Span;
use tree_sitter::Node;

/// The source text a node covers ("" if the range is not valid UTF-8 boundaries).
pub(super) fn text<'s>(src: &'s str, node: Node) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

pub(super) fn span(node: Node) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

/// Every child with its field name, in source order (anonymous tokens included).
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
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !is_comment(*c))
        .collect()
}

/// The first named child of the given kind.
pub(super) fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|c| c.kind() == kind);
    found
}

/// Does the node have an anonymous child token with this text (e.g. `class` in `class func`)?
pub(super) fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == token);
    found
}

pub(super) fn is_comment(node: Node) -> bool {
    matches!(node.kind(), "comment" | "multiline_comment")
}

/// Modifier words of a declaration (`static`, `lazy`, `weak`, `class`, ...), from its
/// `modifiers` child and, for the tokens the grammar leaves loose, its direct children.
pub(super) fn modifier_words<'s>(src: &'s str, decl: Node) -> Vec<&'s str> {
    let mut words = Vec::new();
    let mut cursor = decl.walk();
    for child in decl.children(&mut cursor) {
        match child.kind() {
            "modifiers" => {
                let mut inner = child.walk();
                for m in child.named_children(&mut inner) {
                    if m.kind() != "attribute" {
                        words.push(text(src, m));
                    }
                }
            }
            "ownership_modifier" | "property_behavior_modifier" | "inheritance_modifier" => {
                words.push(text(src, child))
            }
            "class" if !child.is_named() => words.push("class"),
            _ => {}
        }
    }
    words
}

/// Starts with an upper-case letter: a type name by Swift convention.
pub(super) fn is_type_like(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_uppercase())
}
