//! Every input under `fuzz/regressions/<target>/` (past fuzzer crashes, minimised) goes through
//! the pipeline as its fuzz target sends it: no internal error, and the file is linted.

use sessionlint::run::{check_inputs, ErrorKind, Input, Settings};
use std::path::Path;

/// The file name a fuzz target gives its input (see `fuzz/fuzz_targets/`).
fn as_target_sends(target: &str, bytes: &[u8]) -> Option<(&'static str, Vec<u8>)> {
    const PIPELINE: &[&str] = &["fuzz.swift", "fuzz.m", "fuzz.mm", "fuzz.h", "fuzz.rs"];
    match target {
        "swift" => Some(("fuzz.swift", bytes.to_vec())),
        "objc" => Some(("fuzz.m", bytes.to_vec())),
        "rust" => Some(("fuzz.rs", bytes.to_vec())),
        "pipeline" => {
            let (&first, rest) = bytes.split_first()?;
            Some((PIPELINE[first as usize % PIPELINE.len()], rest.to_vec()))
        }
        _ => None,
    }
}

#[test]
fn fuzz_regressions_lint_without_internal_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let Ok(targets) = std::fs::read_dir(&root) else {
        return; // no regression recorded yet
    };
    let settings = Settings {
        prefilter: false,
        jobs: Some(1),
        ..Settings::default()
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for target in targets.flatten() {
        let name = target.file_name().to_string_lossy().into_owned();
        // `open/` holds reproducers of bugs not fixed yet (each has an ignored test).
        if as_target_sends(&name, b"x").is_none() {
            continue;
        }
        for file in std::fs::read_dir(target.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let bytes = std::fs::read(file.path()).expect("read regression");
            let Some((path, content)) = as_target_sends(&name, &bytes) else {
                continue;
            };
            count += 1;
            let outcome = check_inputs(
                vec![Input {
                    path: path.into(),
                    content: Some(content),
                }],
                &settings,
            );
            if let Some(e) = outcome
                .errors
                .iter()
                .find(|e| e.kind == ErrorKind::Internal)
            {
                failures.push(format!("{}: {}", file.path().display(), e.message));
            } else if outcome.files.len() != 1 {
                failures.push(format!("{}: not linted", file.path().display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{count} regressions:\n{}",
        failures.join("\n")
    );
}
