//! Every rule's examples (in `rules/*.toml`) are test data, SwiftLint-style: triggering
//! examples must report the rule where `↓` points, non-triggering ones must stay silent,
//! and simple mutations must not change that (commented out → silent; a multi-byte prefix
//! on the line → the column moves by exactly that many characters).

use sessionlint::rules::registry::{self, Example};
use sessionlint::run::{check_inputs, Input, Settings};

const MARK: char = '↓';

fn file_name(language: &str) -> &'static str {
    match language {
        "swift" => "Example.swift",
        "objective-c" => "Example.m",
        "rust" => "example.rs",
        other => panic!("unknown example language {other}"),
    }
}

/// (rule, line, column) of every finding.
fn lint(language: &str, code: &str) -> Vec<(String, u32, u32)> {
    let input = Input {
        path: file_name(language).into(),
        content: Some(code.as_bytes().to_vec()),
    };
    let outcome = check_inputs(vec![input], &Settings::default());
    outcome
        .findings
        .iter()
        .map(|f| {
            let file = &outcome.files[f.diagnostic.file];
            let pos = file.lines.line_col(&file.text, f.diagnostic.span.start);
            (f.diagnostic.rule.to_string(), pos.line, pos.column)
        })
        .collect()
}

/// The code without the marker, and the marker's (line, column).
fn unmark(example: &Example) -> (String, Option<(u32, u32)>) {
    let mut at = None;
    for (i, line) in example.code.lines().enumerate() {
        if let Some(byte) = line.find(MARK) {
            at = Some((i as u32 + 1, line[..byte].chars().count() as u32 + 1));
        }
    }
    (example.code.replace(MARK, ""), at)
}

#[test]
fn every_language_a_rule_covers_has_examples_both_ways() {
    for rule in registry::all() {
        for language in &rule.languages {
            for (kind, examples) in [
                ("triggering", &rule.examples.triggering),
                ("non-triggering", &rule.examples.non_triggering),
            ] {
                assert!(
                    examples.iter().any(|e| e.language == *language),
                    "{} has no {kind} {language} example",
                    rule.id
                );
            }
        }
    }
}

#[test]
fn triggering_examples_report_where_the_arrow_points() {
    for rule in registry::all() {
        assert!(
            !rule.examples.triggering.is_empty(),
            "{} has no triggering example",
            rule.id
        );
        for example in &rule.examples.triggering {
            let (code, at) = unmark(example);
            let (line, column) = at.unwrap_or_else(|| panic!("{}: example without ↓", rule.id));
            let found = lint(&example.language, &code);
            assert!(
                found.contains(&(rule.id.clone(), line, column)),
                "{}: expected at {line}:{column}, found {found:?}\n{code}",
                rule.id
            );
        }
    }
}

#[test]
fn non_triggering_examples_stay_silent() {
    for rule in registry::all() {
        assert!(
            !rule.examples.non_triggering.is_empty(),
            "{} has no non-triggering example",
            rule.id
        );
        for example in &rule.examples.non_triggering {
            let found = lint(&example.language, &example.code);
            assert!(
                !found.iter().any(|(r, _, _)| *r == rule.id),
                "{}: non-triggering example reported: {found:?}\n{}",
                rule.id,
                example.code
            );
        }
    }
}

#[test]
fn commented_out_examples_stay_silent() {
    for rule in registry::all() {
        for example in &rule.examples.triggering {
            let (code, _) = unmark(example);
            let commented: String = code.lines().map(|l| format!("// {l}\n")).collect();
            assert_eq!(lint(&example.language, &commented), vec![], "{}", rule.id);
        }
    }
}

#[test]
fn columns_count_characters_after_a_multibyte_prefix() {
    let prefix = "/* ñandú 🚀 */ ";
    let shift = prefix.chars().count() as u32;
    for rule in registry::all() {
        for example in &rule.examples.triggering {
            let (code, at) = unmark(example);
            let (line, column) = at.expect("marker");
            let shifted: String = code
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i as u32 + 1 == line {
                        format!("{prefix}{l}\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            let found = lint(&example.language, &shifted);
            assert!(
                found.contains(&(rule.id.clone(), line, column + shift)),
                "{}: expected at {line}:{}, found {found:?}",
                rule.id,
                column + shift
            );
        }
    }
}
