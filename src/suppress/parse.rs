//! Reading `sessionlint:` directives out of comment text.

/// What a directive does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    DisableNextLine,
    DisableLine,
    Disable,
    Enable,
}

/// One directive: its kind and the rules it names (empty = all rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub kind: Kind,
    /// As written: ids (`SL001`) or names (`session-not-invalidated`).
    pub rules: Vec<String>,
}

const MARKER: &str = "sessionlint:";

/// Longest first, so `disable` does not swallow `disable-next-line`.
const KINDS: &[(&str, Kind)] = &[
    ("disable-next-line", Kind::DisableNextLine),
    ("disable-line", Kind::DisableLine),
    ("disable", Kind::Disable),
    ("enable", Kind::Enable),
];

/// Parses the directive in one comment, if it has one.
///
/// `// sessionlint:disable-next-line SL001, session-replaced-without-invalidate -- why`
/// Rule words run until the first word that is not a rule id or name (or `--`); what follows is
/// the reason, for people.
pub fn parse(comment: &str) -> Option<Directive> {
    let at = comment.find(MARKER)?;
    let rest = &comment[at + MARKER.len()..];
    let (word, kind) = KINDS.iter().find(|(word, _)| {
        rest.starts_with(word)
            && !rest[word.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })?;
    let mut rules = Vec::new();
    for token in rest[word.len()..].split(|c: char| c == ',' || c.is_whitespace()) {
        let token = token.trim_end_matches("*/");
        if token.is_empty() {
            continue;
        }
        if !looks_like_rule(token) {
            break;
        }
        rules.push(token.to_string());
    }
    Some(Directive { kind: *kind, rules })
}

/// A known id or name, or anything shaped like an id (`SL123`): a typo is then reported as an
/// unused suppression instead of silently widening to "all rules".
fn looks_like_rule(token: &str) -> bool {
    if crate::rules::registry::find(token).is_some() {
        return true;
    }
    let bytes = token.as_bytes();
    bytes.len() > 2
        && bytes[..2].eq_ignore_ascii_case(b"SL")
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(kind: Kind, rules: &[&str]) -> Option<Directive> {
        Some(Directive {
            kind,
            rules: rules.iter().map(|s| s.to_string()).collect(),
        })
    }

    #[test]
    fn reads_every_form() {
        assert_eq!(
            parse("// sessionlint:disable-next-line SL001"),
            d(Kind::DisableNextLine, &["SL001"])
        );
        assert_eq!(
            parse("/* sessionlint:disable-line SL001,SL002 */"),
            d(Kind::DisableLine, &["SL001", "SL002"])
        );
        assert_eq!(
            parse(
                "// sessionlint:disable session-not-invalidated, SL007 -- kept for the app's life"
            ),
            d(Kind::Disable, &["session-not-invalidated", "SL007"])
        );
        assert_eq!(parse("// sessionlint:enable"), d(Kind::Enable, &[]));
        assert_eq!(
            parse("// sessionlint:disable-next-line because the owner lives forever"),
            d(Kind::DisableNextLine, &[])
        );
        assert_eq!(
            parse("// sessionlint:disable SL99"),
            d(Kind::Disable, &["SL99"])
        );
    }

    #[test]
    fn ignores_other_comments() {
        assert_eq!(parse("// sessionlint is great"), None);
        assert_eq!(parse("// sessionlint:disabled SL001"), None);
        assert_eq!(parse("// disable-next-line SL001"), None);
    }
}
