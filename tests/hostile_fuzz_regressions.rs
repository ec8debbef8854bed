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

/// Regressions whose findings are known (file under `fuzz/regressions/`, rule, line): the
/// session each creates is never invalidated, whatever the `defer` did to the analysis.
const EXPECTED: &[(&str, &str, usize)] = &[
    ("swift/defer_return_recursion.swift", "SL001", 2),
    ("swift/defer_try_recursion.swift", "SL001", 2),
];

#[test]
fn fuzz_regressions_lint_without_internal_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let targets = std::fs::read_dir(&root).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the regressions folder is missing)",
            root.display()
        )
    });
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
                    content: Some(content.clone()),
                }],
                &settings,
            );
            let key = format!("{name}/{}", file.file_name().to_string_lossy());
            let found: Vec<(&str, usize)> = outcome
                .findings
                .iter()
                .map(|f| {
                    let start = f.diagnostic.span.start as usize;
                    let line = 1 + content[..start].iter().filter(|&&b| b == b'\n').count();
                    (f.diagnostic.rule, line)
                })
                .collect();
            for &(_, rule, line) in EXPECTED.iter().filter(|(k, _, _)| *k == key) {
                if !found.contains(&(rule, line)) {
                    failures.push(format!("{key}: {rule} at line {line} not in {found:?}"));
                }
            }
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
    assert!(count > 0, "no regression file under {}", root.display());
    for (key, _, _) in EXPECTED {
        assert!(root.join(key).is_file(), "{key} is expected but missing");
    }
    assert!(
        failures.is_empty(),
        "{count} regressions:\n{}",
        failures.join("\n")
    );
}
