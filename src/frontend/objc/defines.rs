//! The object-like macros a file `#define`s, and the conditions they decide.
//!
//! `#define USE_CUSTOM_SESSION 0` followed by `#if USE_CUSTOM_SESSION` is code the compiler
//! never reads. Only what the file itself defines outside undecided groups is known; a name it
//! never defines may come from a header or the build, so a test of it stays undecided.

use super::neutralize::is_word_byte;
use std::collections::HashMap;

/// What the file says about a macro.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    /// Defined with this integer value (an empty definition counts as defined, value unknown).
    Value(Option<i64>),
    /// `#undef`ined.
    Undefined,
    /// Defined or undefined inside a group whose branch is not known: could be either.
    Undecided,
}

#[derive(Debug, Default)]
pub struct Defines {
    names: HashMap<Vec<u8>, Known>,
}

impl Defines {
    /// Records `#define NAME ...` / `#undef NAME` (`directive` is `define` or `undef`).
    /// `decided`: every enclosing conditional branch is known to be read.
    pub fn record(&mut self, directive: &[u8], rest: &[u8], decided: bool) {
        let rest = trim(rest);
        let name_len = rest
            .iter()
            .position(|&b| !is_word_byte(b))
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_len);
        // Function-like macros are never tested by `#if NAME`.
        if name.is_empty() || after.first() == Some(&b'(') {
            return;
        }
        let known = match (decided, directive) {
            (false, _) => Known::Undecided,
            (true, b"undef") => Known::Undefined,
            (true, _) => Known::Value(integer(strip_comment(after))),
        };
        self.names.insert(name.to_vec(), known);
    }

    /// The value of `#if`/`#ifdef`/`#ifndef`/`#elif` `rest` when the file's own defines
    /// decide it.
    pub fn condition(&self, directive: &[u8], rest: &[u8]) -> Option<bool> {
        let cond = strip_comment(rest);
        match directive {
            b"ifdef" | b"elifdef" => self.is_defined(trim(cond)),
            b"ifndef" | b"elifndef" => self.is_defined(trim(cond)).map(|d| !d),
            _ => {
                let tokens = tokenize(cond)?;
                let mut parser = Parser {
                    tokens: &tokens,
                    at: 0,
                    defines: self,
                };
                let value = parser.or()?;
                (parser.at == tokens.len()).then_some(())?;
                value.map(|v| v != 0)
            }
        }
    }

    fn is_defined(&self, name: &[u8]) -> Option<bool> {
        match self.names.get(name)? {
            Known::Value(_) => Some(true),
            Known::Undefined => Some(false),
            Known::Undecided => None,
        }
    }

    /// A name's value in `#if`: `None` when not known.
    fn value(&self, name: &[u8]) -> Option<i64> {
        match self.names.get(name)? {
            Known::Value(v) => *v,
            // An undefined name is 0 in `#if`.
            Known::Undefined => Some(0),
            Known::Undecided => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(Vec<u8>),
    Number(i64),
    Op(&'static str),
}

/// The tokens of a simple condition; `None` for anything the evaluator does not read.
fn tokenize(text: &[u8]) -> Option<Vec<Token>> {
    const OPS: &[&str] = &["&&", "||", "==", "!=", "!", "(", ")"];
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b.is_ascii_whitespace() || b == b'\\' {
            i += 1;
        } else if b.is_ascii_digit() {
            let len = text[i..]
                .iter()
                .position(|&b| !is_word_byte(b))
                .unwrap_or(text.len() - i);
            out.push(Token::Number(integer(&text[i..i + len])?));
            i += len;
        } else if is_word_byte(b) {
            let len = text[i..]
                .iter()
                .position(|&b| !is_word_byte(b))
                .unwrap_or(text.len() - i);
            out.push(Token::Word(text[i..i + len].to_vec()));
            i += len;
        } else {
            let op = OPS.iter().find(|op| text[i..].starts_with(op.as_bytes()))?;
            out.push(Token::Op(op));
            i += op.len();
        }
    }
    Some(out)
}

/// Recursive descent over `||`, `&&`, `==`/`!=`, `!`, `defined`, parentheses. Values are
/// `Some(n)` when known; `None` (undecided) short-circuits like the preprocessor would.
struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
    defines: &'t Defines,
}

/// `Option<Option<i64>>`: outer `None` = not understood, inner `None` = not known.
type Parsed = Option<Option<i64>>;

impl Parser<'_> {
    fn eat(&mut self, op: &'static str) -> bool {
        let found = self.tokens.get(self.at) == Some(&Token::Op(op));
        self.at += usize::from(found);
        found
    }

    fn or(&mut self) -> Parsed {
        let mut left = self.and()?;
        while self.eat("||") {
            let right = self.and()?;
            left = match (left, right) {
                (Some(a), _) if a != 0 => Some(1),
                (_, Some(b)) if b != 0 => Some(1),
                (Some(_), Some(_)) => Some(0),
                _ => None,
            };
        }
        Some(left)
    }

    fn and(&mut self) -> Parsed {
        let mut left = self.equality()?;
        while self.eat("&&") {
            let right = self.equality()?;
            left = match (left, right) {
                (Some(0), _) | (_, Some(0)) => Some(0),
                (Some(_), Some(_)) => Some(1),
                _ => None,
            };
        }
        Some(left)
    }

    fn equality(&mut self) -> Parsed {
        let left = self.unary()?;
        for (op, equal) in [("==", true), ("!=", false)] {
            if self.eat(op) {
                let right = self.unary()?;
                return Some(left.zip(right).map(|(a, b)| i64::from((a == b) == equal)));
            }
        }
        Some(left)
    }

    fn unary(&mut self) -> Parsed {
        if self.eat("!") {
            return Some(self.unary()?.map(|v| i64::from(v == 0)));
        }
        if self.eat("(") {
            let v = self.or()?;
            return self.eat(")").then_some(v);
        }
        match self.tokens.get(self.at)?.clone() {
            Token::Number(n) => {
                self.at += 1;
                Some(Some(n))
            }
            Token::Word(w) if w == b"defined" => {
                self.at += 1;
                let paren = self.eat("(");
                let Some(Token::Word(name)) = self.tokens.get(self.at).cloned() else {
                    return None;
                };
                self.at += 1;
                if paren && !self.eat(")") {
                    return None;
                }
                Some(self.defines.is_defined(&name).map(i64::from))
            }
            Token::Word(w) => {
                self.at += 1;
                Some(self.defines.value(&w))
            }
            Token::Op(_) => None,
        }
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

fn strip_comment(s: &[u8]) -> &[u8] {
    let cut = [&b"//"[..], &b"/*"[..]]
        .iter()
        .filter_map(|m| memchr::memmem::find(s, m))
        .min()
        .unwrap_or(s.len());
    &s[..cut]
}

/// `0`, `1`, `(1)`, `10L`, `0x1`: an integer literal, possibly parenthesised.
fn integer(s: &[u8]) -> Option<i64> {
    let s = trim(s);
    let s = s
        .strip_prefix(b"(")
        .and_then(|s| s.strip_suffix(b")"))
        .map_or(s, trim);
    let text = std::str::from_utf8(s).ok()?;
    let digits = text.trim_end_matches(['u', 'U', 'l', 'L']);
    match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => digits.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(defines: &[(&str, &str)]) -> Defines {
        let mut d = Defines::default();
        for (name, value) in defines {
            d.record(b"define", format!(" {name} {value}").as_bytes(), true);
        }
        d
    }

    #[test]
    fn the_files_own_defines_decide_conditions() {
        let d = with(&[
            ("OFF", "0"),
            ("ON", "1"),
            ("FLAG", ""),
            ("LEVEL", "(2) // two"),
        ]);
        let cases: &[(&[u8], &str, Option<bool>)] = &[
            (b"if", " OFF", Some(false)),
            (b"if", " ON", Some(true)),
            (b"if", " !OFF", Some(true)),
            (b"if", " OFF && OTHER", Some(false)),
            (b"if", " ON || OTHER", Some(true)),
            (b"if", " ON && OTHER", None),
            (b"if", " LEVEL == 2", Some(true)),
            (b"if", " defined(FLAG) && !defined(OFF)", Some(false)),
            (b"if", " OTHER", None),
            (b"if", " FLAG", None),
            (b"if", " ON + 1", None),
            (b"ifdef", " FLAG /* x */", Some(true)),
            (b"ifndef", " FLAG", Some(false)),
            (b"ifdef", " OTHER", None),
            (b"elif", " (OFF)", Some(false)),
        ];
        for (directive, rest, want) in cases {
            assert_eq!(d.condition(directive, rest.as_bytes()), *want, "#{rest}");
        }
    }

    #[test]
    fn undef_and_undecided_groups_change_what_is_known() {
        let mut d = with(&[("A", "1"), ("B", "1")]);
        d.record(b"undef", b" A", true);
        d.record(b"define", b" B 0", false);
        d.record(b"define", b" F(x) x", true);
        assert_eq!(d.condition(b"if", b" A"), Some(false));
        assert_eq!(d.condition(b"ifdef", b" A"), Some(false));
        assert_eq!(d.condition(b"if", b" B"), None);
        assert_eq!(d.condition(b"ifdef", b" F"), None);
    }
}
