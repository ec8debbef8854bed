//! Recognising Foundation's session: `URLSession(...)`, `Foundation.URLSession(...)`,
//! `URLSession.init(...)` and `URLSession.shared`.

use super::lowerer::Lowerer;
use super::syntax::{child_of_kind, fielded_children, span, text};
use crate::facts::{ConfigKind, Creation};
use tree_sitter::Node;

/// Is `node` an expression naming the session type (`URLSession`, `Foundation.URLSession`)?
pub(super) fn names_session_type(src: &str, node: Node) -> bool {
    match node.kind() {
        "simple_identifier" => matches!(text(src, node), "URLSession" | "NSURLSession"),
        "navigation_expression" => {
            let Some(target) = node.child_by_field_name("target") else {
                return false;
            };
            target.kind() == "simple_identifier"
                && text(src, target) == "Foundation"
                && suffix_name(src, node) == Some("URLSession")
        }
        _ => false,
    }
}

/// The member name of a navigation expression (`shared` in `URLSession.shared`).
pub(super) fn suffix_name<'s>(src: &'s str, nav: Node) -> Option<&'s str> {
    let suffix = nav.child_by_field_name("suffix")?;
    let name = suffix.child_by_field_name("suffix")?;
    Some(text(src, name))
}

/// Reads the arguments of a session constructor call.
pub(super) fn creation(lowerer: &Lowerer, arguments: Option<Node>) -> Creation {
    let src = lowerer.src;
    let mut creation = Creation {
        config: ConfigKind::NoConfiguration,
        delegate_self: None,
        has_other_delegate: false,
    };
    let Some(arguments) = arguments else {
        return creation;
    };
    for (_, arg) in fielded_children(arguments) {
        if arg.kind() != "value_argument" {
            continue;
        }
        let label = arg
            .child_by_field_name("name")
            .and_then(|l| child_of_kind(l, "simple_identifier"))
            .map(|l| text(src, l));
        let Some(value) = arg.child_by_field_name("value") else {
            continue;
        };
        match label {
            Some("configuration") => creation.config = config_kind(src, value),
            Some("delegate") => match value.kind() {
                "self_expression" => creation.delegate_self = Some(span(arg)),
                "nil_literal" => {}
                _ => creation.has_other_delegate = true,
            },
            _ => {}
        }
    }
    creation
}

/// `.default`, `.ephemeral`, `URLSessionConfiguration.default`, `.background(withIdentifier:)`, ...
fn config_kind(src: &str, value: Node) -> ConfigKind {
    let value = strip_parens(value);
    match value.kind() {
        "prefix_expression" | "navigation_expression" => member_config(src, value),
        "call_expression" => match value.named_child(0) {
            Some(callee) if member_config(src, callee) == ConfigKind::Background => {
                ConfigKind::Background
            }
            _ => ConfigKind::Other,
        },
        _ => ConfigKind::Other,
    }
}

/// The configuration named by `.x` or `URLSessionConfiguration.x`.
fn member_config(src: &str, node: Node) -> ConfigKind {
    let name = match node.kind() {
        "prefix_expression" if node.child(0).is_some_and(|op| op.kind() == ".") => {
            node.child_by_field_name("target").map(|t| text(src, t))
        }
        "navigation_expression" => {
            let is_config_type = node
                .child_by_field_name("target")
                .is_some_and(|t| text(src, t).ends_with("URLSessionConfiguration"));
            if is_config_type {
                suffix_name(src, node)
            } else {
                None
            }
        }
        _ => None,
    };
    match name {
        Some("default") => ConfigKind::Default,
        Some("ephemeral") => ConfigKind::Ephemeral,
        Some("background") => ConfigKind::Background,
        _ => ConfigKind::Other,
    }
}

fn strip_parens(mut node: Node) -> Node {
    // Bounded: a handful of parentheses around a configuration is already unusual.
    for _ in 0..8 {
        if node.kind() == "tuple_expression" && node.named_child_count() == 1 {
            if let Some(inner) = node.named_child(0) {
                node = inner;
                continue;
            }
        }
        break;
    }
    node
}
