//! Conditional groups the grammar cannot read, resolved to one branch without moving a byte.
//!
//! tree-sitter-objc reads an `#if` group well only where each of its branches is a run of
//! whole statements or declarations. Real code splits statements across branches
//! (`#if A \n if (x) \n #else \n if (y) \n #endif { ... }`, `#ifndef X @try { #endif`, two
//! branches each opening a block that one shared `}` closes), and puts groups between the
//! methods or properties of an `@implementation`/`@interface`, where the grammar expects
//! none. For each such group one branch is kept (the first whose condition is not known to
//! be false, as most tools do, or the one known to be true) and the other branches and the
//! group's directive lines are blanked. A group whose every branch stands on its own is left
//! to the grammar (its branches become alternatives in the lowered code), except between
//! members of an Objective-C container, where only its directive lines are blanked.

use super::neutralize::{block_comment_end, directive_words, is_word_byte};

/// The known value of a directive's condition (`#if 0` → false), from its name and the
/// rest of its line; `None` when it depends on the build.
pub type Condition = dyn Fn(&[u8], &[u8]) -> Option<bool>;

/// Which branch of a conditional group to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// Every branch stands on its own: the grammar reads the group.
    Grammar,
    /// Between members of an ObjC container: every branch is kept, the directives blanked.
    AllBranches,
    /// Only this branch (by index) is read; `None` when every branch is known false.
    One(Option<usize>),
}

/// One `#if`/`#ifdef`/`#ifndef` group.
#[derive(Debug, Default)]
struct Group {
    /// Every directive line of the group (`#if`, `#elif`s, `#else`, `#endif`), `[start, end)`.
    directives: Vec<(usize, usize)>,
    /// Each branch's content, `[start, end)`, and its known condition value.
    branches: Vec<Branch>,
    /// Groups nested directly in this one's branches, as indices into the group list.
    children: Vec<usize>,
    /// Inside an Objective-C container, between its members (brace depth 0).
    between_members: bool,
}

#[derive(Debug)]
struct Branch {
    start: usize,
    end: usize,
    /// `Some(false)` for a branch known dead, `Some(true)` known taken.
    known: Option<bool>,
}

/// What the grammar sees of a stretch of code: its bracket pairs and its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Open(u8),
    Close(u8),
}

/// Resolves the conditional groups of `text` in place (the neutraliser's output, whose dead
/// groups are already blank). `value` is the known value of a condition, if any.
pub fn resolve(text: &mut [u8], value: &Condition) {
    if !may_have_groups(text) {
        return;
    }
    let lexed = Lexed::read(text, value);
    if lexed.groups.is_empty() {
        return;
    }
    let mut blanks = Vec::new();
    let roots: Vec<usize> = lexed.roots.clone();
    for g in roots {
        lexed.decide(g, &mut blanks);
    }
    for (start, end) in blanks {
        for b in &mut text[start..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
}

/// Whether `text` may hold a conditional group: a `#` followed, past blanks, by `if`
/// (`#if`, `#ifdef`, `#ifndef`: what [`directive_words`] opens a group with). Most files
/// have only `#import`s: 68 of the 92 Objective-C files the real corpus parsed.
fn may_have_groups(text: &[u8]) -> bool {
    memchr::memchr_iter(b'#', text).any(|at| {
        let after = &text[at + 1..];
        let blanks = after
            .iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t'))
            .count();
        after[blanks..].starts_with(b"if")
    })
}

/// The file read once: its groups and the tokens between them.
struct Lexed<'a> {
    text: &'a [u8],
    groups: Vec<Group>,
    roots: Vec<usize>,
    /// Bracket tokens with their offsets, in order.
    tokens: Vec<(usize, Token)>,
    /// Offsets of the first and last code byte of each line-run, for the ends of a branch:
    /// every code byte's offset, in order (comments, literals and directives out).
    code: Vec<usize>,
}

impl<'a> Lexed<'a> {
    fn read(text: &'a [u8], value: &Condition) -> Lexed<'a> {
        let mut lexed = Lexed {
            text,
            groups: Vec::new(),
            roots: Vec::new(),
            tokens: Vec::new(),
            code: Vec::new(),
        };
        let mut open: Vec<usize> = Vec::new();
        let mut depth = 0i64;
        let mut containers = 0i64;
        let mut line_start = true;
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            match b {
                b'\n' => {
                    line_start = true;
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' | b'\x0c' => {
                    i += 1;
                    continue;
                }
                b'/' if text.get(i + 1) == Some(&b'/') => {
                    i = memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |n| i + n);
                    continue;
                }
                b'/' if text.get(i + 1) == Some(&b'*') => {
                    i = block_comment_end(text, i);
                    continue;
                }
                b'#' if line_start => {
                    let end = directive_end(text, i);
                    lexed.directive(text, (i, end), depth, containers, &mut open, value);
                    i = end;
                    continue;
                }
                _ => {}
            }
            line_start = false;
            match b {
                b'"' | b'\'' => {
                    let start = i;
                    i += 1;
                    while i < text.len() && text[i] != b && text[i] != b'\n' {
                        i += if text[i] == b'\\' { 2 } else { 1 };
                    }
                    lexed.code.push(start);
                    i += 1;
                    continue;
                }
                b'{' | b'(' | b'[' => {
                    if b == b'{' {
                        depth += 1;
                    }
                    lexed.tokens.push((i, Token::Open(b)));
                }
                b'}' | b')' | b']' => {
                    if b == b'}' {
                        depth -= 1;
                    }
                    lexed.tokens.push((i, Token::Close(b)));
                }
                b'@' => {
                    let word_len = text[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .count();
                    let word = &text[i + 1..i + 1 + word_len];
                    let next = text[i + 1 + word_len..]
                        .iter()
                        .find(|c| !c.is_ascii_whitespace());
                    match word {
                        b"interface" | b"implementation" => {
                            containers += 1;
                            lexed.tokens.push((i, Token::Open(b'@')));
                        }
                        // `@protocol(Name)` is an expression, `@protocol Name;` a forward one.
                        b"protocol" if next != Some(&b'(') && !forward_protocol(&text[i..]) => {
                            containers += 1;
                            lexed.tokens.push((i, Token::Open(b'@')));
                        }
                        b"end" => {
                            containers -= 1;
                            lexed.tokens.push((i, Token::Close(b'@')));
                        }
                        _ => {}
                    }
                    for k in 0..=word_len {
                        lexed.code.push(i + k);
                    }
                    i += 1 + word_len;
                    continue;
                }
                _ => {}
            }
            lexed.code.push(i);
            i += 1;
        }
        // Unclosed groups end with the file.
        while let Some(g) = open.pop() {
            if let Some(last) = lexed.groups[g].branches.last_mut() {
                last.end = text.len();
            }
        }
        lexed
    }

    fn directive(
        &mut self,
        text: &[u8],
        (start, end): (usize, usize),
        depth: i64,
        containers: i64,
        open: &mut Vec<usize>,
        value: &Condition,
    ) {
        let Some((name, rest)) = directive_words(&text[start..end]) else {
            return;
        };
        match name {
            b"if" | b"ifdef" | b"ifndef" => {
                let id = self.groups.len();
                self.groups.push(Group {
                    directives: vec![(start, end)],
                    branches: vec![Branch {
                        start: end,
                        end,
                        known: value(name, rest),
                    }],
                    children: Vec::new(),
                    between_members: containers > 0 && depth == 0,
                });
                match open.last() {
                    Some(&parent) => self.groups[parent].children.push(id),
                    None => self.roots.push(id),
                }
                open.push(id);
            }
            b"elif" | b"elifdef" | b"elifndef" | b"else" => {
                let Some(&g) = open.last() else { return };
                let group = &mut self.groups[g];
                if let Some(last) = group.branches.last_mut() {
                    last.end = start;
                }
                group.directives.push((start, end));
                let known = if name == b"else" {
                    None
                } else {
                    value(name, rest)
                };
                group.branches.push(Branch {
                    start: end,
                    end,
                    known,
                });
            }
            b"endif" => {
                let Some(g) = open.pop() else { return };
                let group = &mut self.groups[g];
                if let Some(last) = group.branches.last_mut() {
                    last.end = start;
                }
                group.directives.push((start, end));
            }
            _ => {}
        }
    }

    /// Decides group `g` and its nested groups; pushes what to blank.
    fn decide(&self, g: usize, blanks: &mut Vec<(usize, usize)>) -> Choice {
        let group = &self.groups[g];
        let children: Vec<Choice> = group
            .children
            .iter()
            .map(|&c| self.decide(c, blanks))
            .collect();
        let chosen_of =
            |c: usize| children[group.children.iter().position(|&x| x == c).unwrap_or(0)];
        let stands_alone = group.branches.iter().all(|b| {
            b.known == Some(false) || self.stands_alone(b.start, b.end, &group.children, &chosen_of)
        });
        let choice = if stands_alone && !group.between_members {
            Choice::Grammar
        } else if stands_alone {
            Choice::AllBranches
        } else {
            let taken = group.branches.iter().position(|b| b.known == Some(true));
            Choice::One(
                taken.or_else(|| group.branches.iter().position(|b| b.known != Some(false))),
            )
        };
        match choice {
            Choice::Grammar => {}
            Choice::AllBranches => blanks.extend(group.directives.iter().copied()),
            Choice::One(keep) => {
                blanks.extend(group.directives.iter().copied());
                for (i, b) in group.branches.iter().enumerate() {
                    if Some(i) != keep {
                        blanks.push((b.start, b.end));
                    }
                }
            }
        }
        choice
    }

    /// Does `[start, end)` (with its nested groups read as decided) hold whole statements or
    /// declarations: brackets and containers balanced, ending with `;`, `}` or `@end`, and
    /// not starting with what continues a statement (`else`, `@catch`)?
    fn stands_alone(
        &self,
        start: usize,
        end: usize,
        children: &[usize],
        chosen_of: &dyn Fn(usize) -> Choice,
    ) -> bool {
        // The parts of the range that are read: nested groups read as one branch count as
        // that branch; groups the grammar reads stand alone and are skipped.
        let mut parts = vec![(start, end)];
        for &c in children {
            let child = &self.groups[c];
            let (Some(first), Some(last)) = (child.directives.first(), child.directives.last())
            else {
                continue;
            };
            if first.0 < start || last.1 > end {
                continue;
            }
            let keep: Vec<(usize, usize)> = match chosen_of(c) {
                Choice::One(Some(k)) => vec![(child.branches[k].start, child.branches[k].end)],
                _ => Vec::new(),
            };
            let mut next = Vec::new();
            for (s, e) in parts {
                if first.0 >= s && last.1 <= e {
                    next.push((s, first.0));
                    next.extend(keep.iter().copied());
                    next.push((last.1, e));
                } else {
                    next.push((s, e));
                }
            }
            parts = next;
        }
        let mut stack: Vec<u8> = Vec::new();
        for &(s, e) in &parts {
            let from = self.tokens.partition_point(|t| t.0 < s);
            for &(_, token) in self.tokens[from..].iter().take_while(|t| t.0 < e) {
                match token {
                    Token::Open(b) => stack.push(b),
                    Token::Close(b) => {
                        if stack.pop() != Some(opening(b)) {
                            return false;
                        }
                    }
                }
            }
        }
        if !stack.is_empty() {
            return false;
        }
        let code_in = |s: usize, e: usize| {
            let from = self.code.partition_point(|&c| c < s);
            self.code[from..]
                .iter()
                .copied()
                .take_while(move |&c| c < e)
        };
        let first = parts.iter().find_map(|&(s, e)| code_in(s, e).next());
        let last = parts
            .iter()
            .rev()
            .find_map(|&(s, e)| code_in(s, e).last().map(|at| (at, self.text[at])));
        let (Some(first), Some((last_at, last))) = (first, last) else {
            return true; // nothing but directives and comments
        };
        let continues = |word: &[u8]| {
            let from = self.code.partition_point(|&c| c < first);
            let code = &self.code[from..];
            let spelled = word.iter().enumerate().all(|(k, &w)| {
                code.get(k)
                    .is_some_and(|&c| c == first + k && self.text[c] == w)
            });
            // The next code byte is past a gap, or not a letter.
            let ends = code
                .get(word.len())
                .is_none_or(|&c| c != first + word.len() || !is_word_byte(self.text[c]));
            spelled && ends
        };
        let ends = last == b';' || last == b'}' || (last == b'd' && self.ends_with_at_end(last_at));
        ends && !["else", "@catch", "@finally"]
            .iter()
            .any(|w| continues(w.as_bytes()))
    }

    fn ends_with_at_end(&self, at: usize) -> bool {
        self.tokens
            .binary_search_by_key(&(at.saturating_sub(3)), |t| t.0)
            .is_ok_and(|i| self.tokens[i].1 == Token::Close(b'@'))
    }
}

fn opening(close: u8) -> u8 {
    match close {
        b'}' => b'{',
        b')' => b'(',
        b']' => b'[',
        other => other,
    }
}

/// `@protocol A, B;` declares names only.
fn forward_protocol(rest: &[u8]) -> bool {
    let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = &rest[..line_end];
    let semicolon = memchr::memchr(b';', line);
    let brace = line.iter().position(|&b| b == b'<' || b == b'{');
    semicolon.is_some_and(|s| brace.is_none_or(|b| s < b))
}

/// End of the directive at `start` (continuation lines joined), before its line break.
fn directive_end(text: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < text.len() {
        match text[i] {
            b'\\' if text.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if text.get(i + 1) == Some(&b'\r') && text.get(i + 2) == Some(&b'\n') => i += 3,
            b'\n' => break,
            b'/' if text.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(text, i);
            }
            _ => i += 1,
        }
    }
    i.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::{may_have_groups, resolve};

    #[test]
    fn only_a_file_with_an_if_directive_is_lexed() {
        assert!(!may_have_groups(
            b"#import <Foundation/Foundation.h>\n#define X 1\n"
        ));
        // A stray `#endif` or `#else` opens no group.
        assert!(!may_have_groups(b"#include \"a.h\"\n#else\n#endif\n"));
        assert!(may_have_groups(b"#if DEBUG\n"));
        assert!(may_have_groups(b"  #  ifdef X\n"));
        assert!(may_have_groups(b"x;\n#\tifndef Y\n"));
    }

    fn run(src: &str) -> String {
        let mut bytes = src.as_bytes().to_vec();
        resolve(&mut bytes, &|name, rest| {
            let cond = String::from_utf8_lossy(rest).trim().to_string();
            match (name, cond.as_str()) {
                (b"if", "0") => Some(false),
                (b"if", "1") => Some(true),
                _ => None,
            }
        });
        let out = String::from_utf8(bytes).unwrap();
        assert_eq!(out.len(), src.len());
        let lines = |s: &str| s.match_indices('\n').map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(lines(&out), lines(src), "line ends moved");
        out
    }

    #[test]
    fn a_statement_split_across_branches_keeps_the_first() {
        let src = "void f(void) {\n#if A\n    if (x)\n#else\n    if (y)\n#endif\n    {\n        g();\n    }\n}\n";
        let out = run(src);
        assert!(out.contains("if (x)"));
        assert!(!out.contains("if (y)"));
        assert!(!out.contains('#'), "{out}");
    }

    #[test]
    fn blocks_opened_in_branches_and_closed_after_keep_one_opening() {
        let src = "void f(void) {\n#ifndef X\n  @try {\n#endif\n    g();\n#ifndef X\n  } @catch (id e) {\n  }\n#endif\n\
                   #if A\n  if (a) {\n#else\n  if (b) {\n#endif\n    h();\n  }\n}\n";
        let out = run(src);
        assert!(out.contains("@try {") && out.contains("} @catch"));
        assert!(out.contains("if (a) {") && !out.contains("if (b)"));
        assert!(!out.contains('#'), "{out}");
    }

    #[test]
    fn groups_of_whole_statements_are_left_to_the_grammar() {
        let src = "void f(void) {\n#if DEBUG\n  a();\n#else\n  b();\n#endif\n}\n#ifndef GUARD_H\n#define GUARD_H\n@interface A\n@end\n#endif\n";
        assert_eq!(run(src), src);
    }

    #[test]
    fn an_else_that_continues_an_if_is_not_whole() {
        let src = "void f(void) {\n  if (a) {\n  }\n#if TARGET_OS_IPHONE\n  else if (b) {\n    c();\n  }\n#endif\n}\n";
        let out = run(src);
        assert!(out.contains("else if (b)"));
        assert!(!out.contains("#if") && !out.contains("#endif"));
    }

    #[test]
    fn groups_between_members_lose_their_directives_only() {
        let src = "@implementation A\n#ifdef COCOAPODS\n- (void)a {\n}\n#else\n- (void)b {\n}\n#endif\n- (void)c {\n#if X\n  d();\n#endif\n}\n@end\n";
        let out = run(src);
        assert!(out.contains("- (void)a") && out.contains("- (void)b"));
        assert!(!out.contains("COCOAPODS") && !out.contains("#else"));
        assert!(
            out.contains("#if X\n  d();\n#endif"),
            "a group inside a body stays"
        );
    }

    #[test]
    fn known_branches_are_honoured_and_nesting_counts_as_decided() {
        let src = "@interface A\n#if 0\n: B\n#elif 1\n: C\n#else\n: D\n#endif\n@end\n\
                   void f(void) {\n#if A\n#if B\n  if (x) {\n#else\n  if (y) {\n#endif\n#else\n  {\n#endif\n  }\n}\n";
        let out = run(src);
        assert!(out.contains(": C") && !out.contains(": B") && !out.contains(": D"));
        assert!(out.contains("if (x) {"));
        assert!(!out.contains("if (y)") && !out.contains("\n  {\n"));
    }

    #[test]
    fn unclosed_and_stray_directives_do_not_panic() {
        for src in [
            "#endif\n#else\n",
            "#if A\n{\n",
            "#if A\n#elif B\n",
            "#",
            "@end #if",
        ] {
            run(src);
        }
    }
}
