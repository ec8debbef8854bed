//! A guard against pathological nesting, for the tree-sitter front-ends.
//!
//! tree-sitter's error recovery grows super-linearly with unclosed nesting (100,000
//! unclosed braces take half a minute), and no real source nests thousands of levels deep.
//! Before parsing, every stretch of text nested deeper than the limit is blanked (ASCII
//! spaces over the same bytes, line ends kept, so spans stay exact) and recorded as a
//! problem: the code around it is still parsed and linted.

use crate::facts::{ParseProblem, Span};
use std::borrow::Cow;

/// Bracket nesting beyond which text is not parsed.
pub const MAX_NESTING: usize = 2_048;

/// `text` with over-deep stretches blanked, and a problem for each stretch.
pub fn flatten_deep(text: &str, limit: usize) -> (Cow<'_, str>, Vec<ParseProblem>) {
    let bytes = text.as_bytes();
    // Fast path (a vectorised count): too few openings to ever get that deep.
    let openings = bytes.iter().filter(|&&b| is_opening(b)).count();
    if openings <= limit {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut stretches: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (at, chunk) in bytes.chunks(CHUNK).enumerate() {
        // A chunk that cannot pass the limit and cannot close more than is open moves the
        // depth by its count of openings less closings: counted, not stepped through.
        if start.is_none() {
            let (opens, closes) = brackets(chunk);
            if depth + opens <= limit && closes <= depth {
                depth = depth + opens - closes;
                continue;
            }
        }
        for (offset, &b) in chunk.iter().enumerate() {
            let i = at * CHUNK + offset;
            match b {
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > limit && start.is_none() {
                        start = Some(i);
                    }
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth <= limit {
                        if let Some(s) = start.take() {
                            stretches.push((s, i + 1));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(s) = start {
        stretches.push((s, bytes.len()));
    }
    if stretches.is_empty() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = bytes.to_vec();
    let mut problems = Vec::with_capacity(stretches.len());
    for &(s, e) in &stretches {
        for b in &mut out[s..e] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
        problems.push(ParseProblem {
            span: Span::new(s, e),
            message: format!("nesting too deep (over {limit} levels): this part was not analysed"),
        });
    }
    // Whole UTF-8 sequences sit inside a stretch (brackets are ASCII), so only ASCII
    // spaces replaced them: still valid UTF-8.
    let blanked = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (Cow::Owned(blanked), problems)
}

// Without short-circuiting (`|`, not `||`), so that the counts vectorise.
fn is_opening(b: u8) -> bool {
    (b == b'(') | (b == b'[') | (b == b'{')
}

fn is_closing(b: u8) -> bool {
    (b == b')') | (b == b']') | (b == b'}')
}

/// Bytes per step of the depth count (small enough that a count fits in a byte).
const CHUNK: usize = 64;

/// Openings and closings in a chunk (a loop the compiler vectorises).
fn brackets(chunk: &[u8]) -> (usize, usize) {
    let opens: u8 = chunk.iter().map(|&b| u8::from(is_opening(b))).sum();
    let closes: u8 = chunk.iter().map(|&b| u8::from(is_closing(b))).sum();
    (opens.into(), closes.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_stretches_are_blanked_in_place_and_the_rest_is_kept() {
        let text = "a(((b)))é\n(((\n";
        let (flat, problems) = flatten_deep(text, 2);
        assert_eq!(flat.len(), text.len());
        assert_eq!(flat, "a((   ))é\n(( \n");
        assert_eq!(problems.len(), 2);
        assert_eq!(&text[problems[0].span.range()], "(b)");
        assert_eq!(&text[problems[1].span.range()], "(\n");
    }

    #[test]
    fn counted_chunks_find_the_same_stretches_as_a_byte_walk() {
        // Depth rises and falls across chunk edges, and closings outnumber openings early.
        let text = format!(
            "{}{}{}{}",
            ")".repeat(70),
            "(".repeat(100),
            "x".repeat(50),
            ")".repeat(100),
        );
        for limit in [1, 30, 63, 64, 65, 99, 100] {
            let (flat, problems) = flatten_deep(&text, limit);
            let first_deep = 70 + limit;
            let last_deep = 70 + 100 + 50 + (100 - limit);
            let expected: String = text
                .char_indices()
                .map(|(i, c)| {
                    let deep = limit < 100 && (first_deep..last_deep).contains(&i);
                    if deep {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            assert_eq!(flat, expected, "limit {limit}");
            let spans: Vec<(usize, usize)> = problems
                .iter()
                .map(|p| (p.span.start as usize, p.span.end as usize))
                .collect();
            let want = if limit < 100 {
                vec![(first_deep, last_deep)]
            } else {
                vec![]
            };
            assert_eq!(spans, want, "limit {limit}");
        }
    }

    #[test]
    fn shallow_text_is_borrowed() {
        let (flat, problems) = flatten_deep("f(x) { [1] }", 8);
        assert!(matches!(flat, Cow::Borrowed(_)));
        assert!(problems.is_empty());
    }
}
