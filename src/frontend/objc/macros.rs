//! Vendor macros used as statements, which the grammar cannot read, blanked without
//! moving a byte:
//!
//! - a macro call with no `;` after it (`MXLogDebug(@"x")` on its own line,
//!   `WEAKIFY(self) void (^b)(void) = ...`): a call followed by a name, `[`, `@` or `}`
//!   on a later line, or by a name on the same line, is no expression;
//! - an empty last macro argument (`XCTAssertEqual(a, b, )`): its comma is blanked.
//!
//! Attribute-like macros (`XX_API_AVAILABLE(...)`) are the neutraliser's.

use super::cplusplus::Code;
use super::neutralize::is_word_byte;

/// Blanks statement macros and empty last arguments in `text` (neutralised) in place.
pub fn blank_statement_macros(text: &mut [u8]) {
    if memchr::memchr(b'(', text).is_none() {
        return;
    }
    let code = Code::read(text);
    let at = |k: usize| text[code.bytes[k]];
    let mut blanks: Vec<(usize, usize)> = Vec::new();
    let mut commas: Vec<usize> = Vec::new();
    // The `)` of the last macro blanked: a statement may start right after it.
    let mut after_macro = usize::MAX;
    let mut k = 0;
    while k < code.bytes.len() {
        let b = at(k);
        if b == b',' && code.bytes.get(k + 1).is_some_and(|&n| text[n] == b')') {
            commas.push(code.bytes[k]);
        }
        let starts_word =
            is_word_byte(b) && (code.bytes[k] == 0 || !is_word_byte(text[code.bytes[k] - 1]));
        let statement_start =
            k == 0 || matches!(at(k - 1), b';' | b'{' | b'}') || after_macro == k - 1;
        if !(starts_word && statement_start) || b.is_ascii_digit() {
            k += 1;
            continue;
        }
        let start = code.bytes[k];
        let len = text[start..]
            .iter()
            .take_while(|&&c| is_word_byte(c))
            .count();
        let name = &text[start..start + len];
        let open = code.bytes[k..].partition_point(|&o| o < start + len) + k;
        let is_call =
            open < code.bytes.len() && at(open) == b'(' && code.partner[open] != usize::MAX;
        if !is_call || KEYWORDS.contains(&name) || !looks_like_a_macro(name) {
            k += 1;
            continue;
        }
        let close = code.partner[open];
        let Some(&next_at) = code.bytes.get(close + 1) else {
            break;
        };
        let next = text[next_at];
        let later_line = memchr::memchr(b'\n', &text[code.bytes[close]..next_at]).is_some();
        let new_statement =
            is_word_byte(next) || (later_line && matches!(next, b'[' | b'@' | b'}'));
        if new_statement {
            blanks.push((start, code.bytes[close] + 1));
            after_macro = close;
            k = close + 1;
        } else {
            k += 1;
        }
    }
    blanks.extend(lone_shouty_lines(text, &code));
    blanks.extend(joined_receivers(text, &code));
    let arguments = super::macro_args::find(text, &code);
    blanks.extend(arguments.blank);
    for (s, e) in blanks {
        for b in &mut text[s..e] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    for c in commas {
        text[c] = b' ';
    }
    for (at, b) in arguments.write {
        text[at] = b;
    }
}

/// Lines holding nothing but a shouty name (`SENTRY_NO_INIT` between an `@interface`'s
/// members, `SKIP_IF_ON_CI` atop a method body), after a finished statement, declaration
/// or name: an attribute or statement macro, not part of an expression.
fn lone_shouty_lines(text: &[u8], code: &Code) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut k = 0;
    while k < code.bytes.len() {
        let start = code.bytes[k];
        let len = text[start..]
            .iter()
            .take_while(|&&c| is_word_byte(c))
            .count();
        let name = &text[start..start + len];
        let shouty = len >= 4
            && name.contains(&b'_')
            && name[0].is_ascii_uppercase()
            && name
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
        let line_start = text[..start]
            .iter()
            .rev()
            .take_while(|&&b| b != b'\n')
            .all(u8::is_ascii_whitespace);
        let line_end = text[start + len..]
            .iter()
            .take_while(|&&b| b != b'\n')
            .all(u8::is_ascii_whitespace);
        let after_statement = k == 0 || {
            let prev = text[code.bytes[k - 1]];
            is_word_byte(prev) || matches!(prev, b';' | b'{' | b'}' | b'>' | b')')
        };
        if shouty && line_start && line_end && after_statement && !KEYWORDS.contains(&name) {
            found.push((start, start + len));
        }
        // Past the name: a step at a time (a search of the rest for each name was most of
        // this pass).
        let end = start + len.max(1);
        while code.bytes.get(k).is_some_and(|&o| o < end) {
            k += 1;
        }
    }
    found
}

/// `[@"a" @"b" dataUsingEncoding:e]`: the grammar reads adjacent string literals
/// everywhere but as a message's receiver; the literals after the first are blanked there.
fn joined_receivers(text: &[u8], code: &Code) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let is_objc_string = |k: usize| {
        k + 1 < code.bytes.len()
            && text[code.bytes[k]] == b'@'
            && text[code.bytes[k + 1]] == b'"'
            && code.bytes[k + 1] == code.bytes[k] + 1
    };
    for open in memchr::memchr_iter(b'[', text) {
        let Ok(k) = code.bytes.binary_search(&open) else {
            continue;
        };
        if !is_objc_string(k + 1) {
            continue;
        }
        let mut next = k + 3;
        while is_objc_string(next) {
            let start = code.bytes[next];
            found.push((start, super::cplusplus::literal_end(text, start + 1)));
            next += 2;
        }
    }
    found
}

const KEYWORDS: &[&[u8]] = &[
    b"if",
    b"while",
    b"for",
    b"switch",
    b"return",
    b"sizeof",
    b"do",
    b"else",
    b"case",
    b"typeof",
    b"__typeof__",
    b"__typeof",
    b"defined",
    b"decltype",
    b"alignas",
];

/// A macro's name: `MXLogDebug`, `FIR_WEAKIFY`, `weakify`; not a reserved spelling
/// (`_Atomic(int) x;`, `__typeof(self) s = self;` declare).
fn looks_like_a_macro(name: &[u8]) -> bool {
    name.first().is_some_and(u8::is_ascii_alphabetic) && name.len() >= 3
}

#[cfg(test)]
mod tests {
    use super::blank_statement_macros;

    fn run(src: &str) -> String {
        let mut bytes = src.as_bytes().to_vec();
        blank_statement_macros(&mut bytes);
        let out = String::from_utf8(bytes).unwrap();
        assert_eq!(out.len(), src.len());
        out
    }

    #[test]
    fn macros_used_as_statements_without_a_semicolon() {
        let src = "- (void)f {\n  MXLogDebug(@\"[A] b: %@\", x)\n  MXLogDebug(@\"c\")\n  [self g];\n\
                   if (y) {\n    MXLogError(@\"d\")\n  }\n  WEAKIFY(self) void (^b)(void) = ^{\n    STRONGIFY(self) if (e) { [self h]; }\n  };\n}\n";
        let out = run(src);
        for gone in ["MXLogDebug", "MXLogError", "WEAKIFY", "STRONGIFY"] {
            assert!(!out.contains(gone), "{gone} kept:\n{out}");
        }
        for kept in ["[self g];", "void (^b)(void) = ^{", "if (e) { [self h]; }"] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
        let lower = "- (void)f {\n  weakify(self)\n  id h = ^(id x) { strongify(self)\n    [self g:x];\n  };\n\
                     strongify(self);\n  decltype(x) y = x;\n}\n";
        let out = run(lower);
        assert!(!out.contains("weakify") && !out.contains("strongify(self)\n"));
        assert!(out.contains("strongify(self);") && out.contains("decltype(x) y"));
    }

    #[test]
    fn lone_shouty_names_between_members_and_atop_bodies() {
        let src = "@interface A : NSObject\nSENTRY_NO_INIT\n- (void)f;\n@end\n- (void)t {\n  SKIP_IF_ON_CI\n  x = a +\n      MAX_VALUE\n      + 1;\n}\n";
        let out = run(src);
        assert!(
            !out.contains("SENTRY_NO_INIT") && !out.contains("SKIP_IF"),
            "{out}"
        );
        assert!(out.contains("MAX_VALUE"), "inside an expression it stays");
    }

    #[test]
    fn adjacent_string_literals_as_a_receiver() {
        let src = "- (void)f {\n  [o body:[@\"{\\\"n\\\":\"\n      @\"x\\\"}\" @\"y\" dataUsingEncoding:e] error:nil];\n  s = @\"a\" @\"b\";\n}\n";
        let out = run(src);
        assert!(out.contains("[@\"{\\\"n\\\":\"\n "), "{out}");
        assert!(!out.contains("@\"x") && !out.contains("@\"y"), "{out}");
        assert!(out.contains("  dataUsingEncoding:e] error:nil];"));
        assert!(out.contains("s = @\"a\" @\"b\";"), "elsewhere they stay");
    }

    #[test]
    fn calls_that_are_expressions_stay() {
        let src = "- (void)f {\n  NSLog(@\"a\");\n  CGRect r = CGRectMake(0, 0, 1, 1);\n  Foo(x).bar = 1;\n\
                   XCTAssertEqual(a, b, );\n  if (CGRectIsEmpty(r)) return;\n  MAX(a, b) + 1;\n}\n";
        let out = run(src);
        assert_eq!(out, src.replace("b, );", "b  );"));
    }
}
