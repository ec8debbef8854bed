//! A guard against one huge function, for every front-end.
//!
//! Parse trees, facts and the analysis of a body all grow with its length: one generated
//! Swift function of 8 MB took 1.6 GB to lint. Real code never puts that much at one level
//! of one block: across the 26 mirrored repositories the most any `{ }` block holds outside
//! its nested blocks is 252 KB (an enum of generated types, whose members are blocks of their
//! own). Before parsing, the inside of a block holding more than [`MAX_BLOCK_BYTES`] outside
//! its nested blocks is blanked (ASCII spaces over the same bytes, line ends kept, so spans
//! stay exact) and recorded as a problem naming its header: the rest of the file is parsed
//! and linted, and nothing is reported from inside it.

use crate::facts::{ParseProblem, Span};
use std::borrow::Cow;

/// Bytes a block may hold outside its nested blocks before it is skipped (4x the most seen
/// in real code).
pub const MAX_BLOCK_BYTES: usize = 1024 * 1024;

/// `text` with the inside of every oversized block blanked, and a problem for each.
pub fn blank_huge_blocks(text: &str, limit: usize) -> (Cow<'_, str>, Vec<ParseProblem>) {
    let bytes = text.as_bytes();
    if bytes.len() <= limit {
        return (Cow::Borrowed(text), Vec::new());
    }
    // Open blocks: where each starts and how many of its bytes are in nested blocks.
    let mut open: Vec<(usize, usize)> = Vec::new();
    // Oversized blocks: the inside's start and end, and its bytes at its own level.
    let mut huge: Vec<(usize, usize, usize)> = Vec::new();
    for at in memchr::memchr2_iter(b'{', b'}', bytes) {
        if bytes[at] == b'{' {
            open.push((at, 0));
            continue;
        }
        let Some((start, nested)) = open.pop() else {
            continue;
        };
        let inside = at - start - 1;
        if inside - nested > limit {
            // A block inside it that was too large is part of this one now.
            while huge.last().is_some_and(|&(s, _, _)| s > start) {
                huge.pop();
            }
            huge.push((start + 1, at, inside - nested));
        }
        if let Some(parent) = open.last_mut() {
            parent.1 += inside + 2;
        }
    }
    if huge.is_empty() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = bytes.to_vec();
    let mut problems = Vec::with_capacity(huge.len());
    for &(s, e, own) in &huge {
        for b in &mut out[s..e] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
        problems.push(ParseProblem {
            span: Span::new(s, e),
            message: format!(
                "`{}`: its body is too large to analyse ({own} bytes at its own level, over the {limit}-byte limit); skipped, the rest of the file is linted",
                header(text, s - 1),
            ),
        });
    }
    // Braces are ASCII and the blanked stretches lie between two of them: whole UTF-8
    // sequences were replaced by spaces, so the text is still valid UTF-8.
    let blanked = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (Cow::Owned(blanked), problems)
}

/// What names the block opening at `brace`: the text before it on its line (or on the line
/// before, for a brace alone on its line), trimmed and shortened.
fn header(text: &str, brace: usize) -> String {
    let before = &text[..brace];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut line = before[line_start..].trim();
    if line.is_empty() && line_start > 0 {
        let previous = &before[..line_start - 1];
        line = previous[previous.rfind('\n').map_or(0, |i| i + 1)..].trim();
    }
    const MAX_CHARS: usize = 80;
    match line.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_with_too_much_at_one_level_is_blanked_and_named() {
        let text =
            "func small() { a() }\nfunc huge() {\n  x(); y(); z();\n}\nfunc after() { b() }\n";
        let (flat, problems) = blank_huge_blocks(text, 10);
        assert_eq!(flat.len(), text.len());
        let blank = " ".repeat("  x(); y(); z();".len());
        assert_eq!(
            flat,
            format!(
                "func small() {{ a() }}\nfunc huge() {{\n{blank}\n}}\nfunc after() {{ b() }}\n"
            )
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(&text[problems[0].span.range()], "\n  x(); y(); z();\n");
        assert!(
            problems[0]
                .message
                .starts_with("`func huge()`: its body is too large"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn nested_blocks_do_not_count_towards_their_parent() {
        // The enum holds 89 bytes, but only 21 of them outside its members' blocks (32 each).
        let text = "enum E {\n struct A { let a = 1; let b = 2; let c = 3 }\n struct B { let d = 4; let e = 5; let f = 6 }\n}";
        let (flat, problems) = blank_huge_blocks(text, 40);
        assert!(matches!(flat, Cow::Borrowed(_)), "{flat}");
        assert!(problems.is_empty());
        // With a lower limit the members go, not the enum.
        let (flat, problems) = blank_huge_blocks(text, 24);
        assert_eq!(problems.len(), 2);
        assert!(flat.starts_with("enum E {\n struct A {     "), "{flat}");
        assert!(problems[0].message.starts_with("`struct A`"));
    }

    #[test]
    fn an_oversized_block_inside_an_oversized_block_is_one_problem() {
        let text = format!("f {{ {} g {{ {} }} }}", "a".repeat(20), "b".repeat(20));
        let (flat, problems) = blank_huge_blocks(&text, 10);
        assert_eq!(problems.len(), 1);
        assert_eq!(flat, format!("f {{{}}}", " ".repeat(text.len() - 4)));
        assert_eq!(problems[0].span.start, 3);
    }

    #[test]
    fn a_brace_alone_on_its_line_is_named_by_the_line_before() {
        let text = format!("- (void)huge:(int)x\n{{{}}}", "s;".repeat(20));
        let (_, problems) = blank_huge_blocks(&text, 10);
        assert!(problems[0].message.starts_with("`- (void)huge:(int)x`"));
    }
}
