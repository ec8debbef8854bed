//! Node kind names and field ids of a tree-sitter grammar, resolved once per grammar.
//!
//! `Node::kind` measures the name and validates it as UTF-8 on every call, and a field
//! looked up by name is compared against every field name of the grammar; both show in
//! profiles of whole-tree lowering.

use std::collections::HashMap;
use std::num::NonZeroU16;
use tree_sitter::{Language, Node};

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
