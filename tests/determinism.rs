//! The same tree gives byte-identical json with 1 and 8 workers, run after run.

mod hostile_support;

use hostile_support::*;
use sessionlint::run::{check_paths, check_paths_with, Settings};
use std::path::{Path, PathBuf};

/// A tree with findings, parse errors, internal errors and unreadable entries, in many files
/// and folders (so the parallel walk and the parallel lowering both interleave).
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for folder in 0..8 {
        let sub = dir.path().join(format!("m{}", (folder * 5) % 8));
        std::fs::create_dir_all(&sub).expect("mkdir");
        for i in 0..25 {
            let mut text = String::new();
            for _ in 0..(i % 4) {
                text.push_str("// padding\n");
            }
            for _ in 0..(1 + i % 3) {
                text.push_str(LEAK_SWIFT);
            }
            let mut bytes = text.into_bytes();
            match i % 7 {
                0 => bytes.extend_from_slice(b"\xFF\xFE invalid\n"),
                1 => bytes.extend_from_slice(b"// PANIC_HERE\n"),
                _ => {}
            }
            let ext = ["swift", "m", "rs", "h", "mm"][i % 5];
            std::fs::write(sub.join(format!("f{i}.{ext}")), bytes).expect("write");
        }
    }
    std::os::unix::fs::symlink(".", dir.path().join("m1/loop")).expect("symlink");
    std::fs::write(dir.path().join("README.md"), "not source").expect("write");
    dir
}

fn json(outcome: &sessionlint::run::Outcome, cwd: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    sessionlint::report::json::write(
        &sessionlint::report::position::Report::new(outcome, cwd),
        &mut out,
    )
    .expect("json");
    out
}

fn run(paths: &[PathBuf], cwd: &Path, jobs: usize, real: bool) -> Vec<u8> {
    let settings = Settings {
        jobs: Some(jobs),
        follow_symlinks: true,
        ..Settings::default()
    };
    let outcome = if real {
        check_paths(paths, &settings)
    } else {
        check_paths_with(paths, &settings, &toy_lower)
    };
    json(&outcome.expect("paths exist"), cwd)
}

#[test]
fn same_json_with_one_and_eight_workers_run_after_run() {
    let dir = hostile_tree();
    let paths = vec![dir.path().to_path_buf()];
    let first = run(&paths, dir.path(), 1, false);
    let report: serde_json::Value = serde_json::from_slice(&first).expect("json");
    // The tree is what it claims: findings and errors of every kind are in the report.
    assert!(report["diagnostics"].as_array().expect("array").len() > 300);
    let errors = report["errors"].as_array().expect("array");
    assert!(errors.iter().any(|e| e["message"]
        .as_str()
        .is_some_and(|m| m.contains("invalid UTF-8"))));
    assert!(errors.iter().any(|e| e["message"]
        .as_str()
        .is_some_and(|m| m.contains("injected fault"))));
    assert!(errors
        .iter()
        .any(|e| e["message"].as_str().is_some_and(|m| m.contains("loop"))));
    for round in 0..3 {
        for jobs in [8, 1, 3] {
            let again = run(&paths, dir.path(), jobs, false);
            assert!(
                again == first,
                "round {round}, {jobs} jobs: the json differs:\n{}\n---\n{}",
                String::from_utf8_lossy(&first),
                String::from_utf8_lossy(&again)
            );
        }
    }
}

#[test]
fn same_json_for_the_fixtures_with_the_real_front_ends() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures");
    assert!(
        fixtures.is_dir(),
        "fixtures/ is missing: nothing to compare"
    );
    let paths = vec![fixtures];
    let first = run(&paths, root, 1, true);
    let report: serde_json::Value = serde_json::from_slice(&first).expect("json");
    let found = report["diagnostics"].as_array().expect("array").len();
    // The fixtures carry dozens of expected findings: a run with few compares nothing.
    assert!(found > 20, "only {found} findings in fixtures/");
    for _ in 0..2 {
        assert!(
            run(&paths, root, 8, true) == first,
            "jobs 8 differs from jobs 1"
        );
        assert!(
            run(&paths, root, 1, true) == first,
            "jobs 1 differs run to run"
        );
    }
}

/// The binary, as CI runs it: `--jobs 1` and `--jobs 8` print the same bytes, run after run,
/// in every machine-readable format.
#[test]
fn the_binary_prints_the_same_bytes_with_one_and_eight_jobs() {
    let dir = hostile_tree();
    std::fs::write(dir.path().join("good.swift"), LEAK_SWIFT).expect("write");
    let run = |jobs: &str, format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"))
            .args([
                "check",
                "--follow-symlinks",
                "--format",
                format,
                "--jobs",
                jobs,
                ".",
            ])
            .current_dir(dir.path())
            .output()
            .expect("run binary");
        assert_eq!(out.status.code(), Some(1), "{format}: {out:?}");
        if format != "sarif" {
            return out.stdout;
        }
        // SARIF records the command line and the run's times: everything else must match.
        let mut log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
        let invocation = &mut log["runs"][0]["invocations"][0];
        for key in ["commandLine", "arguments", "startTimeUtc", "endTimeUtc"] {
            assert!(
                invocation.get(key).is_some(),
                "sarif invocation lacks {key}"
            );
            invocation[key] = serde_json::Value::Null;
        }
        serde_json::to_vec(&log).expect("json")
    };
    for format in ["json", "sarif", "github", "xcode"] {
        let first = run("1", format);
        assert!(!first.is_empty());
        for _ in 0..2 {
            assert!(
                run("8", format) == first,
                "{format}: --jobs 8 differs from --jobs 1"
            );
            assert!(
                run("1", format) == first,
                "{format}: --jobs 1 differs run to run"
            );
        }
    }
    let json: serde_json::Value = serde_json::from_slice(&run("8", "json")).expect("json");
    assert!(json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .any(|d| d["path"] == "good.swift" && d["line"] == 2 && d["rule"] == "SL001"));
}
