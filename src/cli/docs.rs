//! `sessionlint explain` and `sessionlint rules`: the rules' own words from `rules/*.toml`.

use super::{exit, UsageError};
use crate::rules::registry::{self, RuleMeta};
use std::io::Write;

pub fn explain(key: &str) -> Result<u8, UsageError> {
    let rule = registry::find(key)
        .or_else(|| {
            let own = crate::suppress::unused_suppression_meta();
            (own.id.eq_ignore_ascii_case(key) || own.name == key).then_some(own)
        })
        .ok_or_else(|| {
            UsageError(format!(
                "unknown rule `{key}`; valid rules: {}",
                crate::config::valid_rules()
            ))
        })?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(explanation(rule).as_bytes());
    Ok(exit::CLEAN)
}

/// The rule's full documentation, as `explain` prints it.
pub fn explanation(rule: &RuleMeta) -> String {
    format!(
        "# {} `{}`\n\nDefault severity: {}. Languages: {}.\n\n{}\n\n{}\n\n## Fix\n{}\n{}",
        rule.id,
        rule.name,
        rule.severity.as_str(),
        rule.languages.join(", "),
        rule.summary,
        rule.explanation.trim(),
        rule.help,
        other_languages(rule)
    )
}

/// The Objective-C and Rust examples (the explanation's own are Swift), reported and not.
fn other_languages(rule: &RuleMeta) -> String {
    let mut text = String::new();
    for (language, title, fence) in [
        ("objective-c", "Objective-C", "objc"),
        ("rust", "Rust", "rust"),
    ] {
        let pick = |examples: &[crate::rules::registry::Example]| {
            examples
                .iter()
                .find(|e| e.language == language)
                .map(|e| e.code.replace('↓', ""))
        };
        let (Some(bad), Some(good)) = (
            pick(&rule.examples.triggering),
            pick(&rule.examples.non_triggering),
        ) else {
            continue;
        };
        text.push_str(&format!(
            "\n## In {title}\nReported:\n```{fence}\n{}\n```\nNot reported:\n```{fence}\n{}\n```\n",
            bad.trim_end(),
            good.trim_end()
        ));
    }
    text
}

pub fn rules_table() -> Result<u8, UsageError> {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(table(registry::all()).as_bytes());
    Ok(exit::CLEAN)
}

/// id, name, default severity, languages, summary: aligned columns.
pub fn table(rules: &[RuleMeta]) -> String {
    let rows: Vec<[String; 5]> =
        std::iter::once(["ID", "NAME", "SEVERITY", "LANGUAGES", "SUMMARY"].map(String::from))
            .chain(rules.iter().map(|r| {
                [
                    r.id.clone(),
                    r.name.clone(),
                    r.severity.as_str().to_string(),
                    r.languages.join(","),
                    r.summary.clone(),
                ]
            }))
            .collect();
    let mut widths = [0usize; 4];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in &rows {
        for (w, cell) in widths.iter().zip(row) {
            text.push_str(&format!("{cell:<w$}  "));
        }
        text.push_str(&row[4]);
        text.push('\n');
    }
    text
}
