//! A per-file parse budget: a file whose tree-sitter error recovery runs away (60 KB of
//! broken Objective-C took 42 s) is skipped with a note naming it, and the run goes on.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The shape mutation fuzzing found: a broken method header, then `?.` 30,000 times. A
/// session name in a comment is enough for the prefilter to let it through.
fn runaway_objc() -> String {
    format!("// NSURLSession\na:(T *)b c *){}\n", "?.".repeat(30_000))
}

const LEAK_OBJC: &str = "@implementation Fetcher\n- (void)fetch:(NSURL *)url {\n    NSURLSession *session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];\n    [[session dataTaskWithURL:url] resume];\n}\n@end\n";

fn json(dir: &Path, args: &[&str]) -> (serde_json::Value, Output) {
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .arg(".")
        .output()
        .expect("run sessionlint");
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (value, out)
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runaway.m"), runaway_objc()).unwrap();
    std::fs::write(dir.path().join("good.m"), LEAK_OBJC).unwrap();
    dir
}

fn assert_leak_found(report: &serde_json::Value) {
    let found: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        found
            .iter()
            .any(|(rule, path, line)| rule == "SL001" && path.ends_with("good.m") && *line == 3),
        "the good file's leak was lost: {found:?}"
    );
}

fn budget_note(report: &serde_json::Value) -> Option<String> {
    report["errors"].as_array().unwrap().iter().find_map(|e| {
        let message = e["message"].as_str()?;
        (e["path"].as_str()?.ends_with("runaway.m") && message.contains("parse took longer"))
            .then(|| message.to_owned())
    })
}

#[test]
fn a_runaway_parse_is_cancelled_with_a_note_and_the_run_goes_on() {
    let dir = project();
    let start = Instant::now();
    let (report, _) = json(dir.path(), &["--parse-timeout", "0.5"]);
    let elapsed = start.elapsed();
    assert_leak_found(&report);
    let note = budget_note(&report).expect("a note naming the runaway file");
    assert!(note.contains("0.5 s") && note.contains("skipped"), "{note}");
    // Unbounded, this file's parse takes tens of seconds (debug build: longer still).
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
}

#[test]
fn the_budget_comes_from_the_config_and_the_flag_overrides_it() {
    let dir = project();
    std::fs::write(
        dir.path().join("sessionlint.toml"),
        "parse-timeout = 0.25\n",
    )
    .unwrap();
    let (report, _) = json(dir.path(), &[]);
    assert_leak_found(&report);
    let note = budget_note(&report).expect("the config's budget applies");
    assert!(note.contains("0.25 s"), "{note}");

    let (report, _) = json(dir.path(), &["--parse-timeout", "0.5"]);
    let note = budget_note(&report).expect("the flag's budget applies");
    assert!(note.contains("0.5 s"), "{note}");
}

#[test]
fn a_budget_that_is_not_a_duration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sessionlint.toml"), "parse-timeout = -1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir.path())
        .args(["check", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("parse-timeout"));

    let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir.path())
        .args([
            "check",
            "--parse-timeout",
            "soon",
            "--config",
            "/dev/null",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_run_where_a_parse_ran_out_of_time_is_not_cached() {
    let dir = project();
    let cache = dir.path().join(".sessionlint_cache");
    for _ in 0..2 {
        let (report, out) = json(dir.path(), &["--parse-timeout", "0.5", "-v"]);
        assert_leak_found(&report);
        assert!(budget_note(&report).is_some());
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Both runs lint: a quieter machine might read the file, so nothing is kept.
        assert!(stderr.contains("linted again"), "{stderr}");
        assert!(stderr.contains("ran out of time"), "{stderr}");
    }
    let entries = std::fs::read_dir(&cache)
        .map(|read| {
            read.filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "bin")
            })
            .count()
        })
        .unwrap_or(0);
    assert_eq!(entries, 0);
}
