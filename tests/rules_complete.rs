//! A rule is a triple: its `rules/` file, its code, and fixtures in every language it
//! claims. These tests fail when one part is missing, and hold every rule to one style.

use sessionlint::rules::{registry, CHECKS};
use std::path::Path;

#[test]
fn every_rule_has_words_and_code() {
    let ids: Vec<&str> = registry::all().iter().map(|r| r.id.as_str()).collect();
    let coded: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
    assert_eq!(
        ids, coded,
        "rules/*.toml and src/rules must list the same rules"
    );
    for rule in registry::all() {
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(
                rule.explanation.contains(section),
                "{} lacks `{section}`",
                rule.id
            );
        }
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: names are kebab-case",
            rule.id
        );
        let help = &rule.help;
        assert!(
            help.starts_with(|c: char| c.is_lowercase()) && !help.ends_with('.'),
            "{}: help starts lowercase and has no trailing period",
            rule.id
        );
    }
}

/// Every fixture file under `dir`: (path, rule ids its `expect:` markers name).
fn fixture_markers(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<String>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            fixture_markers(&p, out);
        } else if let Ok(t) = std::fs::read_to_string(&p) {
            let ids = t
                .lines()
                .filter_map(|l| l.split_once("expect:").map(|(_, ids)| ids))
                .flat_map(|ids| {
                    ids.split(',')
                        .map(|id| id.trim().trim_end_matches("*/").trim().to_string())
                })
                .collect();
            out.push((p, ids));
        }
    }
}

#[test]
fn every_rule_has_a_fixture_in_every_language_it_claims() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    fixture_markers(&root, &mut files);
    let mut missing = Vec::new();
    for rule in registry::all() {
        for lang in &rule.languages {
            let exts: &[&str] = match lang.as_str() {
                "swift" => &["swift"],
                "objective-c" => &["m", "mm"],
                "rust" => &["rs"],
                other => panic!("{}: unknown language {other}", rule.id),
            };
            let covered = files.iter().any(|(p, ids)| {
                p.extension().is_some_and(|e| exts.iter().any(|x| e == *x))
                    && ids.contains(&rule.id)
            });
            if !covered {
                missing.push(format!("{} has no {lang} fixture", rule.id));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
