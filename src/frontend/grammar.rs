//! Node kind names and field ids of a tree-sitter grammar, resolved once per grammar.
//!
//! `Node::kind` measures the name and validates it as UTF-8 on every call, and a field
//! looked up by name is compared against every field name of the grammar; both show in
//! profiles of whole-tree lowering.

use std::collections::HashMap;
use std::num::NonZeroU16;
use tree_sitter::{Language, Node, TreeCursor};

pub struct Grammar {
    kinds: Vec<&'static str>,
    fields: HashMap<&'static str, NonZeroU16>,
}

impl Grammar {
    pub fn new(language: Language) -> Grammar {
        let kinds = (0..language.node_kind_count())
            .map(|id| language.node_kind_for_id(id as u16).unwrap_or(""))
            .collect();
        let fields = (1..=language.field_count() as u16)
            .filter_map(|id| Some((language.field_name_for_id(id)?, NonZeroU16::new(id)?)))
            .collect();
        Grammar { kinds, fields }
    }

    /// The node's kind, as [`Node::kind`] gives it.
    pub fn kind(&self, node: Node) -> &'static str {
        match self.kinds.get(node.kind_id() as usize) {
            Some(name) if !name.is_empty() => name,
            _ => node.kind(),
        }
    }

    /// For each kind id, the value `names` pairs with its kind name (`other` for the rest).
    pub fn kind_table<K: Copy>(&self, names: &[(&str, K)], other: K) -> Vec<K> {
        self.kinds
            .iter()
            .map(|kind| {
                names
                    .iter()
                    .find(|(name, _)| name == kind)
                    .map_or(other, |&(_, k)| k)
            })
            .collect()
    }

    /// The names the grammar has no node kind for (a typo in a front-end's kind table).
    /// `ERROR` is every grammar's, outside its table of kinds.
    #[cfg(test)]
    pub fn missing_kinds<'n>(&self, names: &[&'n str]) -> Vec<&'n str> {
        names
            .iter()
            .copied()
            .filter(|name| *name != "ERROR" && !self.kinds.contains(name))
            .collect()
    }

    /// The names the grammar has no field for (a typo in a front-end's field table).
    #[cfg(test)]
    pub fn missing_fields<'n>(&self, names: &[&'n str]) -> Vec<&'n str> {
        names
            .iter()
            .copied()
            .filter(|name| self.field_id(name).is_none())
            .collect()
    }

    /// The field's id, if the grammar has that field.
    pub fn field_id(&self, name: &str) -> Option<NonZeroU16> {
        self.fields.get(name).copied()
    }
}

/// Declares a front-end's `Field` enum and its `field_id` lookup from one list of
/// `Variant => "grammar_name"` pairs, so that a variant and its name cannot drift apart;
/// the ids are resolved from the grammar once.
macro_rules! field_table {
    ($vis:vis, $grammar:expr; $($(#[$doc:meta])* $variant:ident => $name:literal,)+) => {
        /// The grammar fields the lowering reads (looking one up by name would hash or
        /// compare the name on every call).
        #[derive(Clone, Copy, Debug)]
        $vis enum Field {
            $($(#[$doc])* $variant,)+
        }

        const FIELD_NAMES: &[&str] = &[$($name,)+];

        /// The grammar's id for a field (`None` if the grammar has no such field).
        $vis fn field_id(field: Field) -> Option<std::num::NonZeroU16> {
            static IDS: std::sync::OnceLock<Vec<Option<std::num::NonZeroU16>>> =
                std::sync::OnceLock::new();
            IDS.get_or_init(|| FIELD_NAMES.iter().map(|name| $grammar.field_id(name)).collect())
                [field as usize]
        }
    };
}
pub(crate) use field_table;

/// Declares a front-end's `Kind` enum from one list of `Variant => "grammar_name"` pairs:
/// the node kinds its dispatches tell apart. `kind_of` reads a node's kind from a table
/// indexed by kind id, resolved from the grammar once, so a dispatch is a jump on an enum
/// instead of a chain of string comparisons (the hottest matches of a lowering).
macro_rules! kind_table {
    ($vis:vis, $grammar:expr; $($variant:ident => $name:literal,)+) => {
        /// The node kinds the lowering's dispatches tell apart.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum Kind {
            $($variant,)+
            /// Any other kind.
            Other,
        }

        const KINDS: &[(&str, Kind)] = &[$(($name, Kind::$variant),)+];

        /// The node's kind, as [`Kind`] tells it apart.
        $vis fn kind_of(node: tree_sitter::Node) -> Kind {
            static TABLE: std::sync::OnceLock<Vec<Kind>> = std::sync::OnceLock::new();
            let table = TABLE.get_or_init(|| $grammar.kind_table(KINDS, Kind::Other));
            match table.get(node.kind_id() as usize) {
                Some(kind) => *kind,
                // `ERROR` has an id outside the table: found by name.
                None => KINDS
                    .iter()
                    .find(|(name, _)| *name == node.kind())
                    .map_or(Kind::Other, |&(_, kind)| kind),
            }
        }
    };
}
pub(crate) use kind_table;

/// Child lists up to this long are read by index, longer ones with a cursor.
///
/// A cursor step keeps a stack and re-reads the parent's alias sequence on every move; on
/// our grammars it costs about twice what `Node::child(i)` does for a short list, even though
/// `child(i)` starts again from the first child (so reading a list by index is quadratic).
/// Past a few dozen children the quadratic term wins, and a statement list of a generated
/// file can have thousands.
const READ_BY_INDEX_UP_TO: usize = 32;

/// Every child of `node`, anonymous tokens included, in source order.
pub fn children(node: Node<'_>) -> Children<'_> {
    let count = node.child_count();
    if count <= READ_BY_INDEX_UP_TO {
        Children::ByIndex {
            node,
            next: 0,
            count,
        }
    } else {
        let mut cursor = node.walk();
        let more = cursor.goto_first_child();
        Children::ByCursor { cursor, more }
    }
}

/// The iterator of [`children`].
pub enum Children<'t> {
    ByIndex {
        node: Node<'t>,
        next: usize,
        count: usize,
    },
    ByCursor {
        cursor: TreeCursor<'t>,
        more: bool,
    },
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match self {
            Children::ByIndex { node, next, count } => {
                while *next < *count {
                    *next += 1;
                    // `None` only if the count were wrong; skip rather than stop early.
                    if let Some(child) = node.child(*next - 1) {
                        return Some(child);
                    }
                }
                None
            }
            Children::ByCursor { cursor, more } => {
                if !*more {
                    return None;
                }
                let child = cursor.node();
                *more = cursor.goto_next_sibling();
                Some(child)
            }
        }
    }
}

/// The named children of `node` that `keep` accepts, in source order. (Front-ends list
/// children for most nodes they lower; `Node::named_children` counts the named children first
/// and reads the cursor's node twice per child.)
pub fn named_children_where<'t>(node: Node<'t>, keep: impl Fn(Node<'t>) -> bool) -> Vec<Node<'t>> {
    let named = node.named_child_count();
    // The count is stored on the node: one allocation instead of a vector grown by doubling.
    let mut out = Vec::with_capacity(named);
    if node.child_count() <= READ_BY_INDEX_UP_TO {
        // By named index: the anonymous tokens between them are skipped inside tree-sitter.
        out.extend(
            (0..named)
                .filter_map(|i| node.named_child(i))
                .filter(|&c| keep(c)),
        );
    } else {
        out.extend(children(node).filter(|c| c.is_named() && keep(*c)));
    }
    out
}

/// The first named child of `node` that `keep` accepts.
pub fn first_named_child_where<'t>(
    node: Node<'t>,
    keep: impl Fn(Node<'t>) -> bool,
) -> Option<Node<'t>> {
    if node.child_count() <= READ_BY_INDEX_UP_TO {
        (0..node.named_child_count())
            .filter_map(|i| node.named_child(i))
            .find(|&c| keep(c))
    } else {
        children(node).find(|c| c.is_named() && keep(*c))
    }
}

#[cfg(test)]
mod tests {
    use super::{children, first_named_child_where, named_children_where};
    use tree_sitter::{Node, Parser};

    /// Every node's named children, as `Node::named_children` lists them.
    fn each_node<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
        visit(node);
        let mut cursor = node.walk();
        for child in node.children(&mut cursor).collect::<Vec<_>>() {
            each_node(child, visit);
        }
    }

    /// Lists the children of every node of `source` both ways and compares them, in a
    /// sample that keeps an ERROR node and a list too long to be read by index.
    fn assert_listings_agree(language: tree_sitter::Language, source: &str, kinds: &[&str]) {
        let mut parser = Parser::new();
        parser.set_language(&language).unwrap();
        let tree = parser.parse(source, None).unwrap();
        let mut compared = 0;
        let mut longest = 0;
        each_node(tree.root_node(), &mut |node| {
            let mut cursor = node.walk();
            let all: Vec<Node> = node.children(&mut cursor).collect();
            assert_eq!(children(node).collect::<Vec<_>>(), all);
            longest = longest.max(all.len());
            let not_comment = |c: Node| !c.kind().contains("comment");
            let expected: Vec<Node> = node
                .named_children(&mut cursor)
                .filter(|c| not_comment(*c))
                .collect();
            assert_eq!(named_children_where(node, not_comment), expected);
            for kind in kinds.iter().chain(&["ERROR"]) {
                let mut cursor = node.walk();
                let first = node.named_children(&mut cursor).find(|c| c.kind() == *kind);
                assert_eq!(first_named_child_where(node, |c| c.kind() == *kind), first);
            }
            compared += 1;
        });
        assert!(
            tree.root_node().has_error(),
            "the sample keeps an ERROR node"
        );
        assert!(compared > 20, "compared {compared} nodes");
        assert!(
            longest > super::READ_BY_INDEX_UP_TO,
            "a list read by cursor was compared"
        );
    }

    #[test]
    fn objc_child_listings_agree_with_the_cursor_listings() {
        let long_body = "x++; /* c */ ".repeat(super::READ_BY_INDEX_UP_TO);
        let source = format!(
            "@implementation A\n- (void)f {{ /* c */ [s invalidateAndCancel]; int x = (1 + ; }}\n\
             - (void)g {{ {long_body} }}\n@end\n"
        );
        assert_listings_agree(
            tree_sitter_objc::LANGUAGE.into(),
            &source,
            &["identifier", "comment", "message_expression"],
        );
    }

    #[test]
    fn swift_child_listings_agree_with_the_cursor_listings() {
        let long_body = "x += 1 // c\n".repeat(super::READ_BY_INDEX_UP_TO);
        let source = format!(
            "final class A: NSObject {{\n  private lazy var s: URLSession = {{ URLSession(configuration: .default) }}()\n\
             var a = 1, b: Int = 2 {{ didSet {{ print(\"\\(b)\") }} }}\n\
             func f() async throws {{ defer {{ s.invalidateAndCancel() }}; guard let x = y else {{ return }}; let _ = (1 + ; }}\n\
             func g() {{\n{long_body}}}\n}}\n"
        );
        assert_listings_agree(
            tree_sitter_swift::LANGUAGE.into(),
            &source,
            &["simple_identifier", "comment", "call_expression", "pattern"],
        );
    }
}
