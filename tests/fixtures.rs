//! The fixture harness: every file under `fixtures/` carries its expectations inline.
//!
//! - `fixtures/{swift,objc,rust}/*`: each file is linted as its own project.
//! - `fixtures/projects/<case>/` and `fixtures/demo/`: each folder is linted as one project.
//! - `// expect: SL001, SL002` on the line where a diagnostic's primary location starts;
//!   `// expect: none` in a file that must stay silent. Every marker must fire, nothing
//!   unmarked may fire, and a fixture without any marker is an error.
//!
//! Each project is also linted with the prefilter off: the results must be identical.

use sessionlint::run::{check_inputs, Input, Outcome, Settings};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type Expectations = BTreeSet<(PathBuf, u32, String)>;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn is_source(p: &Path) -> bool {
    sessionlint::facts::Language::from_path(p).is_some()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if is_source(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every project: (name, files).
fn projects() -> Vec<(String, Vec<PathBuf>)> {
    let root = fixtures_root();
    let mut out = Vec::new();
    for lang in ["swift", "objc", "rust"] {
        for f in files_under(&root.join(lang)) {
            out.push((f.display().to_string(), vec![f]));
        }
    }
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root.join("projects"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    folders.push(root.join("demo"));
    folders.sort();
    for dir in folders {
        let files = files_under(&dir);
        if !files.is_empty() {
            out.push((dir.display().to_string(), files));
        }
    }
    out
}

/// Reads the `expect:` markers. Returns an error for a file without any.
fn expectations(file: &Path, text: &str) -> Result<Expectations, String> {
    let mut out = Expectations::new();
    let mut marked = false;
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find("expect:") else {
            continue;
        };
        marked = true;
        for id in line[pos + "expect:".len()..].split(',') {
            let id = id.trim().trim_end_matches("*/").trim();
            let id = id.split_whitespace().next().unwrap_or("");
            if id == "none" || id.is_empty() {
                continue;
            }
            out.insert((file.to_path_buf(), i as u32 + 1, id.to_string()));
        }
    }
    if marked {
        Ok(out)
    } else {
        Err(format!(
            "{}: fixture has no `expect:` marker",
            file.display()
        ))
    }
}

fn found(outcome: &Outcome) -> Expectations {
    outcome
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let file = &outcome.files[d.file];
            let pos = file.lines.line_col(&file.text, d.span.start);
            (file.path.clone(), pos.line, d.rule.to_string())
        })
        .collect()
}

fn lint(files: &[PathBuf], prefilter: bool) -> Outcome {
    let settings = Settings {
        prefilter,
        jobs: Some(2),
        ..Settings::default()
    };
    check_inputs(
        files.iter().map(|f| Input::file(f.clone())).collect(),
        &settings,
    )
}

#[test]
fn every_fixture_meets_its_expectations() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, files) in projects() {
        let mut expected = Expectations::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            match expectations(f, &text) {
                Ok(e) => expected.extend(e),
                Err(e) => failures.push(e),
            }
            count += 1;
        }
        let outcome = lint(&files, true);
        let got = found(&outcome);
        for (file, line, rule) in expected.difference(&got) {
            failures.push(format!(
                "{}:{line}: expected {rule}, not reported",
                file.display()
            ));
        }
        for (file, line, rule) in got.difference(&expected) {
            let message = outcome
                .findings
                .iter()
                .find(|f| {
                    f.diagnostic.rule == rule && outcome.files[f.diagnostic.file].path == *file
                })
                .map(|f| f.diagnostic.message.clone())
                .unwrap_or_default();
            failures.push(format!(
                "{}:{line}: unexpected {rule}: {message}",
                file.display()
            ));
        }
        for f in &outcome.findings {
            let m = &f.diagnostic.message;
            if !m.starts_with(|c: char| !c.is_uppercase()) || m.ends_with('.') {
                failures.push(format!(
                    "{name}: message style (lowercase, no final period): {m}"
                ));
            }
        }
        let unfiltered = found(&lint(&files, false));
        if unfiltered != got {
            failures.push(format!("{name}: results differ with the prefilter off"));
        }
    }
    assert!(count > 0, "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} fixture problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A header's `#ifdef __cplusplus` half is C++, which an Objective-C compile never reads and
/// the grammar cannot: the project lints with no file reported as partly unreadable.
#[test]
fn a_header_with_a_cplusplus_half_reads_without_parse_errors() {
    let files = files_under(&fixtures_root().join("projects/objc_cxx_header"));
    assert_eq!(files.len(), 2);
    let outcome = lint(&files, false);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.findings.len(), 1);
}
