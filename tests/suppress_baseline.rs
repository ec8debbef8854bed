//! Suppression comments and baselines, over hand-made outcomes and one real run.

mod common;

use common::{finding, source};
use sessionlint::baseline::Baseline;
use sessionlint::facts::Language;
use sessionlint::report::Report;
use sessionlint::rules::registry::Severity;
use sessionlint::run::Outcome;
use std::path::Path;

const SUPPRESSED: &str = "func a() {
    // sessionlint:disable-next-line SL001
    let s1 = URLSession(configuration: .default)
    let s2 = URLSession(configuration: .default) // sessionlint:disable-line session-not-invalidated
    // sessionlint:disable SL002
    let s3 = URLSession(configuration: .default)
    // sessionlint:enable SL002
    let s4 = URLSession(configuration: .default)
    // sessionlint:disable-next-line SL007, SL042 -- stale
    let s5 = URLSession(configuration: .default)
    // sessionlint:disable-next-line -- every rule
    let s6 = URLSession(configuration: .default)
}
";

fn suppression_outcome() -> Outcome {
    let files = vec![source("/p/A.swift", Language::Swift, SUPPRESSED)];
    let f = |rule, needle| finding(&files, rule, Severity::Warning, 0, needle, "m", vec![]);
    let findings = vec![
        f("SL001", "s1 ="),
        f("SL001", "s2 ="),
        f("SL001", "s3 ="),
        f("SL002", "s3 ="),
        f("SL002", "s4 ="),
        f("SL001", "s5 ="),
        f("SL005", "s6 ="),
    ];
    Outcome {
        files,
        findings,
        errors: vec![],
        timings: Default::default(),
    }
}

/// (rule, line, message) of each finding left.
fn left(outcome: &Outcome) -> Vec<(&'static str, u32, String)> {
    let report = Report::new(outcome, Path::new("/p"));
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.finding.diagnostic.rule,
                f.location.start.line,
                f.message.to_string(),
            )
        })
        .collect()
}

#[test]
fn suppressions_hide_exactly_what_they_name() {
    let mut outcome = suppression_outcome();
    sessionlint::suppress::apply(&mut outcome, false, &|_| true);
    assert_eq!(
        left(&outcome),
        vec![
            ("SL001", 6, "m".to_string()),
            ("SL002", 8, "m".to_string()),
            // An unknown id is always reported (it suppresses nothing), with the nearest id.
            (
                "SL000",
                9,
                "unknown rule `SL042` in suppression comment: did you mean `SL002`?".to_string()
            ),
            ("SL001", 10, "m".to_string()),
        ]
    );
}

#[test]
fn unused_suppressions_are_reported_when_asked() {
    let mut outcome = suppression_outcome();
    sessionlint::suppress::apply(&mut outcome, true, &|_| true);
    let unused: Vec<_> = left(&outcome)
        .into_iter()
        .filter(|(rule, _, _)| *rule == "SL000")
        .collect();
    assert_eq!(
        unused,
        vec![
            (
                "SL000",
                9,
                "unknown rule `SL042` in suppression comment: did you mean `SL002`?".to_string()
            ),
            (
                "SL000",
                9,
                "unused suppression: `SL007` reports nothing here".to_string()
            ),
        ]
    );
    // A rule that is switched off is not "unused".
    let mut outcome = suppression_outcome();
    sessionlint::suppress::apply(&mut outcome, true, &|id| id != "SL007");
    let unused = left(&outcome)
        .into_iter()
        .filter(|(r, _, _)| *r == "SL000")
        .count();
    assert_eq!(unused, 1);
}

const CLIENT: &str = "func fetch() {
    _ = URLSession(configuration: .ephemeral)
    _ = URLSession(configuration: .ephemeral)
}
";

fn baseline_outcome(prefix: &str, extra: bool) -> Outcome {
    let text = format!(
        "{prefix}{CLIENT}{}",
        if extra {
            "func more() {\n    let added = URLSession(configuration: .default)\n}\n"
        } else {
            ""
        }
    );
    let files = vec![source("/p/Sources/Client.swift", Language::Swift, &text)];
    let msg = "the session is never invalidated";
    let mut findings = vec![
        finding(
            &files,
            "SL001",
            Severity::Error,
            0,
            "URLSession(configuration: .ephemeral)",
            msg,
            vec![],
        ),
        finding(
            &files,
            "SL001",
            Severity::Error,
            0,
            "URLSession(configuration: .ephemeral)\n}",
            msg,
            vec![],
        ),
    ];
    if extra {
        findings.push(finding(
            &files,
            "SL001",
            Severity::Error,
            0,
            "URLSession(configuration: .default)",
            msg,
            vec![],
        ));
    }
    Outcome {
        files,
        findings,
        errors: vec![],
        timings: Default::default(),
    }
}

#[test]
fn fingerprints_survive_lines_added_above_and_count_repeats() {
    let before = baseline_outcome("", false);
    let after = baseline_outcome("import Foundation\n\n// a comment\n", false);
    let fp = |o: &Outcome| -> Vec<String> {
        Report::new(o, Path::new("/p"))
            .findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect()
    };
    let (a, b) = (fp(&before), fp(&after));
    assert_eq!(a, b);
    // Identical lines and messages differ only by their occurrence index.
    assert_ne!(a[0], a[1]);
    assert_eq!(a[0].split(':').next(), a[1].split(':').next());
    assert!(a[0].ends_with(":0") && a[1].ends_with(":1"));
}

#[test]
fn a_baseline_hides_known_findings_and_keeps_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("baseline.json");
    let before = baseline_outcome("", false);
    Baseline::from_report(&Report::new(&before, Path::new("/p")))
        .write(&file)
        .unwrap();
    let baseline = Baseline::read(&file).unwrap();
    assert_eq!(baseline.findings.len(), 2);
    assert_eq!(baseline.findings[0].path, "Sources/Client.swift");

    let after = baseline_outcome("import Foundation\n\n", true);
    let report = Report::new(&after, Path::new("/p"));
    let known = baseline.known(&report);
    let new: Vec<u32> = (0..report.findings.len())
        .filter(|i| !known.contains(i))
        .map(|i| report.findings[i].location.start.line)
        .collect();
    assert_eq!(new, vec![8], "only the added session is new");
}

#[test]
fn a_bad_baseline_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("baseline.json");
    std::fs::write(&file, "{\"version\": 9, \"findings\": []}").unwrap();
    let err = Baseline::read(&file).err().unwrap();
    assert!(err.contains("format version 9 is not supported"), "{err}");
    std::fs::write(&file, "[]").unwrap();
    assert!(Baseline::read(&file)
        .err()
        .unwrap()
        .contains("not a sessionlint baseline"));
}

/// A run keeps the comments that carry a directive, for suppressions, and frees the rest;
/// suppressions read from a real run still apply.
#[test]
fn a_run_keeps_only_the_comments_with_a_directive() {
    let source = "/// Makes a session.\nfunc a() {\n    /* setup */\n    // sessionlint:disable-next-line SL001 -- owned elsewhere\n    let s1 = URLSession(configuration: .default)\n    let s2 = URLSession(configuration: .default) // keeps the connections\n}\n";
    let input = sessionlint::run::Input {
        path: "A.swift".into(),
        content: Some(source.as_bytes().to_vec()),
    };
    let mut outcome = sessionlint::run::check_inputs(vec![input], &Default::default());
    let kept: Vec<&str> = outcome.files[0]
        .comments
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(
        kept,
        ["// sessionlint:disable-next-line SL001 -- owned elsewhere"]
    );
    sessionlint::suppress::apply(&mut outcome, true, &|_| true);
    let lines: Vec<(u32, &str)> = outcome
        .findings
        .iter()
        .map(|f| {
            let file = &outcome.files[f.diagnostic.file];
            let at = file.lines.line_col(&file.text, f.diagnostic.span.start);
            (at.line, f.diagnostic.rule)
        })
        .collect();
    assert_eq!(lines, [(6, "SL001")], "s1 suppressed, s2 reported");
}
