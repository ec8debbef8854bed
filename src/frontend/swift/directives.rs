//! `#if` / `#elseif` / `#else` / `#endif`: which items of a list are compiled.
//!
//! The grammar leaves directives as flat siblings of the items they guard. A branch whose
//! condition is plainly false (`#if false`, `#if DEBUG && false`, `#if 0`) is skipped;
//! every other branch is lowered, since we cannot know the build settings.

use super::syntax::{named_children, text, KindName};
use tree_sitter::Node;

/// The items of a list (a body, a block, the file) that are not comments, directives
/// or inside a plainly-false `#if` branch.
pub(super) fn active_items<'t>(src: &str, list: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    // One entry per open `#if`: is the current branch of it skipped?
    let mut skipping: Vec<bool> = Vec::new();
    for child in named_children(list) {
        if child.kind_name() == "directive" {
            apply_directive(text(src, child), &mut skipping);
            continue;
        }
        if !skipping.iter().any(|&s| s) {
            out.push(child);
        }
    }
    out
}

fn apply_directive(directive: &str, skipping: &mut Vec<bool>) {
    let directive = directive.trim_start();
    if let Some(cond) = directive.strip_prefix("#if") {
        skipping.push(plainly_false(cond));
    } else if let Some(cond) = directive.strip_prefix("#elseif") {
        if let Some(top) = skipping.last_mut() {
            *top = plainly_false(cond);
        }
    } else if directive.starts_with("#else") {
        if let Some(top) = skipping.last_mut() {
            *top = false;
        }
    } else if directive.starts_with("#endif") {
        skipping.pop();
    }
}

/// `false`, `0`, or a conjunction with such a term, in every disjunct.
fn plainly_false(cond: &str) -> bool {
    cond.split("||").all(|disjunct| {
        disjunct.split("&&").any(|term| {
            let term = term.trim().trim_matches(|c| c == '(' || c == ')').trim();
            term == "false" || term == "0"
        })
    })
}

#[cfg(test)]
mod tests {
    use super::plainly_false;

    #[test]
    fn only_plainly_false_conditions_are_skipped() {
        assert!(plainly_false(" false"));
        assert!(plainly_false(" DEBUG && false"));
        assert!(plainly_false(" (false) && os(iOS)"));
        assert!(plainly_false(" 0"));
        assert!(!plainly_false(" DEBUG"));
        assert!(!plainly_false(" DEBUG || false"));
        assert!(!plainly_false(" os(iOS)"));
    }
}
