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

/// A comment that looks meant as a directive but is not one, and the spelling it likely meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// What was written, from `sessionlint` to the end of the verb.
    pub written: String,
    /// The closest valid directive: `sessionlint:disable-next-line`.
    pub suggestion: String,
}

/// Whether a comment holds a directive, well-formed or not (runs keep only these comments).
pub fn mentions_directive(comment: &str) -> bool {
    parse(comment).is_some() || malformed(comment).is_some()
}

/// `// sessionlint: disable-next-line` (a space), `// sessionlint:disabled` (an unknown verb),
/// `// sessionlint disable-line` (no colon): a typo that would otherwise silently suppress
/// nothing. Prose that merely names the tool (`// sessionlint is great`) is not one.
pub fn malformed(comment: &str) -> Option<Malformed> {
    if parse(comment).is_some() {
        return None;
    }
    let lower = comment.to_ascii_lowercase();
    let at = lower.find("sessionlint")?;
    let after = &comment[at + "sessionlint".len()..];
    let colon = after.trim_start().starts_with(':');
    let rest = after.trim_start().trim_start_matches(':').trim_start();
    let verb: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if verb.is_empty() {
        return None;
    }
    let (closest, distance) = KINDS
        .iter()
        .map(|(word, _)| (*word, edit_distance(&verb.to_ascii_lowercase(), word)))
        .min_by_key(|(_, d)| *d)?;
    // With a colon it is surely meant as a directive; without one, only a near-verb is.
    let meant = if colon {
        distance <= closest.len() / 2
    } else {
        distance <= 2
    };
    if !meant {
        return None;
    }
    let end = at + "sessionlint".len() + (after.len() - rest.len()) + verb.len();
    Some(Malformed {
        written: comment[at..end].to_string(),
        suggestion: format!("{MARKER}{closest}"),
    })
}

/// The id or name closest to an unknown rule word, if any is near.
pub fn closest_rule(word: &str) -> Option<String> {
    let word = word.to_ascii_lowercase();
    crate::rules::registry::all()
        .iter()
        .flat_map(|rule| {
            [
                (
                    rule.id.clone(),
                    edit_distance(&word, &rule.id.to_ascii_lowercase()),
                ),
                (rule.name.clone(), edit_distance(&word, &rule.name)),
            ]
        })
        .filter(|(candidate, d)| *d <= candidate.len().div_ceil(3).max(1))
        .min_by_key(|(_, d)| *d)
        .map(|(candidate, _)| candidate)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// A known id or name, or anything shaped like an id (`SL123`): a typo is then reported as an
/// unused suppression instead of silently widening to "all rules".
fn looks_like_rule(token: &str) -> bool {
    if crate::rules::registry::find(token).is_some() || closest_rule(token).is_some() {
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

    fn suggestion(comment: &str) -> Option<String> {
        malformed(comment).map(|m| m.suggestion)
    }

    #[test]
    fn typos_get_the_closest_valid_spelling() {
        let next = Some("sessionlint:disable-next-line".to_string());
        assert_eq!(suggestion("// sessionlint: disable-next-line SL001"), next);
        assert_eq!(suggestion("// sessionlint:disable-nextline SL001"), next);
        assert_eq!(suggestion("// sessionlint disable-next-line SL001"), next);
        assert_eq!(suggestion("// SessionLint:Disable-Next-Line"), next);
        assert_eq!(
            suggestion("/* sessionlint:disabled SL001 */"),
            Some("sessionlint:disable".to_string())
        );
        assert_eq!(
            suggestion("// sessionlint:enabel"),
            Some("sessionlint:enable".to_string())
        );
        assert_eq!(
            malformed("// sessionlint: disable-line").map(|m| m.written),
            Some("sessionlint: disable-line".to_string())
        );
        // Well-formed directives and prose are not typos.
        assert_eq!(malformed("// sessionlint:disable-next-line SL001"), None);
        assert_eq!(malformed("// sessionlint is great"), None);
        assert_eq!(malformed("// run sessionlint check before pushing"), None);
        assert_eq!(malformed("// see sessionlint: the README"), None);
    }

    #[test]
    fn unknown_rules_get_the_closest_id_or_name() {
        assert_eq!(closest_rule("SL01"), Some("SL001".to_string()));
        assert_eq!(closest_rule("sl0001"), Some("SL001".to_string()));
        assert_eq!(
            closest_rule("session-not-invalidate"),
            Some("session-not-invalidated".to_string())
        );
        assert_eq!(closest_rule("completely-different"), None);
    }

    #[test]
    fn ignores_other_comments() {
        assert_eq!(parse("// sessionlint is great"), None);
        assert_eq!(parse("// sessionlint:disabled SL001"), None);
        assert_eq!(parse("// disable-next-line SL001"), None);
    }
}
