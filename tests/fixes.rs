//! Every fix, applied to every fixture with a fixable finding, removes its finding, adds no
//! finding and no parse problem; and the command line's `--fix` / `--diff` do what they say.

use sessionlint::fix::apply;
use sessionlint::report::Report;
use sessionlint::run::{check_inputs, Input, Outcome, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn sources_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if sessionlint::facts::Language::from_path(&p).is_some() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Each fixture project, as the fixture harness lints them: single files, project folders.
fn projects() -> Vec<Vec<PathBuf>> {
    let root = fixtures_root();
    let mut out: Vec<Vec<PathBuf>> = ["swift", "objc", "rust"]
        .iter()
        .flat_map(|lang| sources_under(&root.join(lang)))
        .map(|f| vec![f])
        .collect();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("projects"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.push(root.join("demo"));
    dirs.sort();
    out.extend(dirs.iter().map(|d| sources_under(d)));
    out
}

fn lint(files: &[PathBuf]) -> Outcome {
    let settings = Settings {
        jobs: Some(2),
        ..Settings::default()
    };
    check_inputs(
        files.iter().map(|f| Input::file(f.clone())).collect(),
        &settings,
    )
}

/// Findings counted by (file, rule): what a fix must take exactly one from.
type Census = BTreeMap<(PathBuf, String), usize>;

fn census(outcome: &Outcome) -> Census {
    let mut out = Census::new();
    for f in &outcome.findings {
        let path = outcome.files[f.diagnostic.file].path.clone();
        *out.entry((path, f.diagnostic.rule.to_string()))
            .or_default() += 1;
    }
    out
}

fn problems(outcome: &Outcome) -> BTreeMap<PathBuf, usize> {
    let mut out = BTreeMap::new();
    for e in &outcome.errors {
        *out.entry(e.path.clone()).or_default() += 1;
    }
    out
}

/// Copies `files` into `dir`, keeping their paths under the fixtures folder.
fn copy_into(dir: &Path, files: &[PathBuf]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|f| {
            let to = dir.join(f.strip_prefix(fixtures_root()).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(f, &to).unwrap();
            to
        })
        .collect()
}

#[test]
fn every_fix_removes_its_finding_and_adds_none() {
    let mut failures = Vec::new();
    // (rule, safe-only?) -> fixed count
    let mut fixed_by_rule: BTreeMap<(String, bool), usize> = BTreeMap::new();
    let mut sl006_total = 0;
    for unsafe_fixes in [false, true] {
        for project in projects() {
            let dir = tempfile::tempdir().unwrap();
            let files = copy_into(dir.path(), &project);
            let before = lint(&files);
            let report = Report::new(&before, dir.path());
            let fixes = apply::collect(&report, unsafe_fixes);
            if !unsafe_fixes {
                sl006_total += before
                    .findings
                    .iter()
                    .filter(|f| f.diagnostic.rule == "SL006")
                    .count();
            }
            if fixes.is_empty() {
                continue;
            }
            let mut expected = census(&before);
            for file_fixes in &fixes {
                let source = &before.files[file_fixes.file];
                let fixed = apply::apply(&source.text, &file_fixes.edits);
                apply::write_if_unchanged(&source.path, &source.text, &fixed).unwrap();
                for &i in &file_fixes.fixed {
                    let d = &report.findings[i].finding.diagnostic;
                    let key = (before.files[d.file].path.clone(), d.rule.to_string());
                    *expected.get_mut(&key).unwrap() -= 1;
                    *fixed_by_rule
                        .entry((d.rule.to_string(), unsafe_fixes))
                        .or_default() += 1;
                }
            }
            expected.retain(|_, n| *n > 0);
            let after = lint(&files);
            if census(&after) != expected {
                failures.push(format!(
                    "{:?} (unsafe fixes: {unsafe_fixes}): expected after fixing {expected:?}, got {:?}\n{}",
                    project,
                    census(&after),
                    files
                        .iter()
                        .map(|f| std::fs::read_to_string(f).unwrap())
                        .collect::<Vec<_>>()
                        .join("\n----\n")
                ));
            }
            if problems(&after) != problems(&before) {
                failures.push(format!(
                    "{project:?}: the fix made parse problems: {:?}",
                    after.errors
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Every SL006 in the fixtures is a call statement of its own: each gets its safe fix.
    assert!(sl006_total >= 10);
    assert_eq!(
        fixed_by_rule.get(&("SL006".into(), false)),
        Some(&sl006_total)
    );
    let safe_sl001 = fixed_by_rule.get(&("SL001".into(), false)).copied();
    let all_sl001 = fixed_by_rule.get(&("SL001".into(), true)).copied();
    assert!(safe_sl001 >= Some(10), "{fixed_by_rule:?}");
    assert!(
        all_sl001 > safe_sl001,
        "an unsafe SL001 fix exists: {fixed_by_rule:?}"
    );
}

fn sessionlint(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

const LEAKY: &str = "import Foundation

func ping(_ url: URL) {
    let session = URLSession(configuration: .default)
    session.dataTask(with: url).resume()
}

func signOut() {
    URLSession.shared.invalidateAndCancel()
}

func poll(_ url: URL) {
    let session = URLSession(configuration: .default)
    session.dataTask(with: url) { _, _, _ in
        session.dataTask(with: url).resume()
    }.resume()
}
";

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Net.swift"), LEAKY).unwrap();
    let out = sessionlint(dir.path(), &["check", "--diff", "."]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.starts_with("--- a/Net.swift\n+++ b/Net.swift\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n+    defer { session.finishTasksAndInvalidate() }\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-    URLSession.shared.invalidateAndCancel()\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("would fix 2 findings in 1 file (1 more with --unsafe-fixes)"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Net.swift")).unwrap(),
        LEAKY
    );
    // The human report says what --fix would do.
    let out = sessionlint(dir.path(), &["check", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with("2 findings can be fixed with --fix (1 more with --unsafe-fixes)\n"),
        "{stderr}"
    );
}

#[test]
fn fix_writes_the_safe_fixes_and_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Net.swift");
    std::fs::write(&path, LEAKY).unwrap();
    let out = sessionlint(dir.path(), &["check", "--fix", "--format", "json", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 2 findings in 1 file"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let left: Vec<(&str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    // The unsafe one (a closure uses the session) is left, at its line in the fixed file.
    assert_eq!(left, [("SL001", 13)]);
    assert_eq!(out.status.code(), Some(1));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(!fixed.contains("URLSession.shared.invalidateAndCancel()"));
    assert_eq!(fixed.matches("finishTasksAndInvalidate").count(), 1);

    // With --unsafe-fixes the last one goes too, and a second run has nothing left to do.
    let out = sessionlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed
            .matches("defer { session.finishTasksAndInvalidate() }")
            .count(),
        2
    );
    let out = sessionlint(dir.path(), &["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fix_refuses_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = sessionlint(
        dir.path(),
        &["check", "--fix", "--stdin-filename", "A.swift", "-"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--diff"));
}

#[test]
fn sarif_results_carry_the_safe_fixes_as_replacements() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Net.swift"), LEAKY).unwrap();
    let out = sessionlint(dir.path(), &["check", "--format", "sarif", "."]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let fixes: Vec<(u64, &serde_json::Value)> = results
        .iter()
        .filter_map(|r| {
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64()?;
            Some((line, r.get("fixes")?))
        })
        .collect();
    // Lines 4 (SL001, safe) and 9 (SL006, safe); line 13's fix is unsafe and not carried.
    assert_eq!(fixes.iter().map(|f| f.0).collect::<Vec<_>>(), [4, 9]);
    let insert = &fixes[0].1[0]["artifactChanges"][0];
    assert_eq!(insert["artifactLocation"]["uri"], "Net.swift");
    let r = &insert["replacements"][0];
    assert_eq!(r["deletedRegion"]["startLine"], 4);
    assert_eq!(
        r["deletedRegion"]["startColumn"],
        r["deletedRegion"]["endColumn"]
    );
    assert_eq!(
        r["insertedContent"]["text"],
        "\n    defer { session.finishTasksAndInvalidate() }"
    );
    let delete = &fixes[1].1[0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(delete["deletedRegion"]["startLine"], 9);
    assert_eq!(delete["deletedRegion"]["endLine"], 10);
    assert!(delete.get("insertedContent").is_none());
}

/// Lints one inline source; returns (rule, line, the fix's edits as text) per finding.
fn fixes_of(name: &str, text: &str) -> Vec<(String, u32, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let outcome = lint(&[path]);
    let report = Report::new(&outcome, dir.path());
    report
        .findings
        .iter()
        .map(|f| {
            let d = &f.finding.diagnostic;
            let file = &outcome.files[d.file];
            let fixed = d.fix.as_ref().and_then(|fix| {
                let edits = sessionlint::fix::resolve(fix, &file.text, file.language)?;
                Some(apply::apply(&file.text, &edits))
            });
            (d.rule.to_string(), f.location.start.line, fixed)
        })
        .collect()
}

#[test]
fn no_fix_where_removing_or_adding_a_statement_could_change_the_code_around_it() {
    // The only statement of a brace-less `if`, and a statement right after a label: removing
    // them would make the next statement the `if`'s body, or leave a label before `}`.
    let objc = "void Stop(BOOL now) {
    if (now) [[NSURLSession sharedSession] invalidateAndCancel];
    Log();
done:
    [[NSURLSession sharedSession] invalidateAndCancel];
}
";
    let found = fixes_of("Stop.m", objc);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found
        .iter()
        .all(|(rule, _, fix)| rule == "SL006" && fix.is_none()));

    // Code after the creation on its line (here: the closing brace): no line can be added.
    let swift = "func f(_ u: URL) { let s = URLSession(configuration: .default); s.dataTask(with: u).resume() }\n";
    let found = fixes_of("F.swift", swift);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].2, None);

    // An Objective-C scope that can be left early gets no call at its end; Rust gets no
    // SL001 fix at all.
    let early = "void Ping(NSURL *u, BOOL quick) {
    NSURLSession *s = [NSURLSession sessionWithConfiguration:c];
    if (quick) return;
    [[s dataTaskWithURL:u] resume];
}
";
    let found = fixes_of("Ping.m", early);
    assert_eq!((found[0].0.as_str(), &found[0].2), ("SL001", &None));
    let rust = "use objc2_foundation::{NSURLSession, NSURLSessionConfiguration};
pub fn ping() {
    let config = unsafe { NSURLSessionConfiguration::defaultSessionConfiguration() };
    let session = unsafe { NSURLSession::sessionWithConfiguration(&config) };
    let _ = session;
}
";
    let found = fixes_of("ping.rs", rust);
    assert!(
        found
            .iter()
            .any(|(rule, _, fix)| rule == "SL001" && fix.is_none()),
        "{found:?}"
    );
}

#[test]
fn an_optional_swift_session_is_invalidated_through_optional_chaining() {
    let swift = "func ping(_ url: URL) {
    var session: URLSession? = URLSession(configuration: .default)
    session?.dataTask(with: url).resume()
}
";
    let found = fixes_of("Ping.swift", swift);
    assert_eq!(
        found[0].2.as_deref(),
        Some(
            "func ping(_ url: URL) {
    var session: URLSession? = URLSession(configuration: .default)
    defer { session?.finishTasksAndInvalidate() }
    session?.dataTask(with: url).resume()
}
"
        )
    );
}
