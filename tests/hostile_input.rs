//! Bad bytes through `check_inputs` (in-memory inputs): decoding, sizes, line endings, and a
//! panicking front-end. The stand-in front-end of `hostile_support` places a finding at every
//! `URLSession(`, so each test asserts where the finding after the bad region is reported.
//! The same inputs through the real front-ends are in `hostile_frontends.rs`.

mod hostile_support;

use hostile_support::*;
use sessionlint::run::{check_inputs_with, ErrorKind, Input, Outcome, Settings};

fn input(name: &str, bytes: impl Into<Vec<u8>>) -> Input {
    Input {
        path: name.into(),
        content: Some(bytes.into()),
    }
}

/// Lints `hostile` beside a good file.
fn lint_with(hostile: Input, settings: &Settings) -> Outcome {
    let good = input("good.swift", LEAK_SWIFT);
    check_inputs_with(vec![good, hostile], settings, &toy_lower)
}

fn lint(hostile: Input) -> Outcome {
    lint_with(hostile, &settings())
}

fn good_and(hostile: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    let mut all = vec![("good.swift".to_string(), 2, 13)];
    all.extend(hostile.iter().map(|(f, l, c)| (f.to_string(), *l, *c)));
    all.sort();
    all
}

fn sorted(mut v: Vec<(String, u32, u32)>) -> Vec<(String, u32, u32)> {
    v.sort();
    v
}

#[test]
fn invalid_utf8_says_where_and_the_rest_is_linted() {
    let mut bytes = b"// caf\xE9 \xFF\xFE\n".to_vec();
    bytes.extend_from_slice(LEAK_SWIFT.as_bytes());
    let outcome = lint(input("latin1.swift", bytes));
    assert_eq!(
        sorted(located(&outcome, "SL001")),
        good_and(&[("latin1.swift", 3, 13)])
    );
    let e = &outcome.errors[0];
    assert_eq!(outcome.errors.len(), 1);
    assert_eq!(e.kind, ErrorKind::Parse);
    assert_eq!((e.line, e.column), (Some(1), Some(7)));
    assert!(
        e.message.contains("invalid UTF-8 at byte 6"),
        "{}",
        e.message
    );
}

#[test]
fn bom_is_not_a_column_and_byte_offsets_count_it() {
    let mut bytes = b"\xEF\xBB\xBFx\xFF\n".to_vec();
    bytes.extend_from_slice(LEAK_SWIFT.as_bytes());
    let outcome = lint(input("bom.swift", bytes));
    assert_eq!(
        sorted(located(&outcome, "SL001")),
        good_and(&[("bom.swift", 3, 13)])
    );
    let e = &outcome.errors[0];
    assert_eq!((e.line, e.column), (Some(1), Some(2)));
    // The invalid byte is the 5th byte of the file (after the 3-byte BOM and `x`).
    assert!(e.message.contains("at byte 4"), "{}", e.message);
}

#[test]
fn bom_on_the_leaking_line_does_not_shift_columns() {
    let mut bytes = b"\xEF\xBB\xBFlet s = URLSession(configuration: .default)\n".to_vec();
    bytes.extend_from_slice(b"\n");
    let outcome = lint(input("bom_first.swift", bytes));
    assert_eq!(
        sorted(located(&outcome, "SL001")),
        good_and(&[("bom_first.swift", 1, 9)])
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
}

#[test]
fn binary_file_with_a_source_extension_is_linted_as_far_as_it_reads() {
    // Deterministic noise (an LCG), with a session creation in the middle of it.
    let mut state: u32 = 0x1234_5678;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .filter(|b| *b != b'\n' && *b != b'\r')
            .collect()
    };
    let mut bytes = noise(4096);
    bytes.extend_from_slice(b"\nURLSession(\n");
    bytes.extend(noise(4096));
    let outcome = lint(input("image.swift", bytes));
    assert_eq!(
        sorted(located(&outcome, "SL001")),
        good_and(&[("image.swift", 2, 1)])
    );
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "image.swift");
    assert_eq!(errs[0].1, ErrorKind::Parse);
    assert!(
        errs[0].2.starts_with("invalid UTF-8 at byte "),
        "{}",
        errs[0].2
    );
}

#[test]
fn empty_file_is_fine_and_silent() {
    let outcome = lint(input("empty.swift", Vec::new()));
    assert_eq!(sorted(located(&outcome, "SL001")), good_and(&[]));
    assert!(outcome.errors.is_empty());
    // Without the prefilter the empty file is parsed too, with the same result.
    let no_prefilter = Settings {
        prefilter: false,
        ..settings()
    };
    let outcome = lint_with(input("empty.swift", Vec::new()), &no_prefilter);
    assert_eq!(sorted(located(&outcome, "SL001")), good_and(&[]));
    assert_eq!(outcome.files.len(), 2);
    assert!(outcome.errors.is_empty());
}

#[test]
fn one_ten_megabyte_line() {
    let filler = "x = 1; ".repeat(10 * 1024 * 1024 / 7);
    let line = format!("{filler}let s = URLSession(configuration: .default)");
    let column = filler.len() as u32 + 9;
    let outcome = lint(input("long_line.swift", line));
    assert_eq!(
        sorted(located(&outcome, "SL001")),
        good_and(&[("long_line.swift", 1, column)])
    );
}

fn generated(megabytes: usize) -> (String, u32) {
    let block = "let value = compute(42) // generated\n";
    let lines = megabytes * 1024 * 1024 / block.len();
    let mut text = block.repeat(lines);
    text.push_str("let s = URLSession(configuration: .default)\n");
    (text, lines as u32 + 1)
}

#[test]
fn fifty_megabyte_generated_file_is_linted_when_max_file_size_allows_it() {
    let (text, leak_line) = generated(50);
    let mut settings = settings();
    settings.config.max_file_size = 64 * 1024 * 1024;
    let outcome = lint_with(input("Generated.swift", text), &settings);
    assert_eq!(
        sorted(located(&outcome, "SL001")),
        good_and(&[("Generated.swift", leak_line, 9)])
    );
    assert!(outcome.errors.is_empty());
}

#[test]
fn file_over_max_file_size_is_skipped_with_a_note() {
    let (text, _) = generated(50);
    let len = text.len();
    let mut settings = settings();
    settings.config.max_file_size = 1024 * 1024;
    let outcome = lint_with(input("Generated.swift", text), &settings);
    assert_eq!(sorted(located(&outcome, "SL001")), good_and(&[]));
    let errs = errors(&outcome);
    assert_eq!(
        errs,
        vec![(
            "Generated.swift".to_string(),
            ErrorKind::Skipped,
            format!("skipped: {len} bytes is over max-file-size (1048576 bytes)")
        )]
    );
}

#[test]
fn nul_bytes_are_characters_like_any_other() {
    let text = format!("\0\0\0\n\0\0let s = URLSession(configuration: .default)\n{LEAK_SWIFT}");
    let outcome = lint(input("nul.swift", text));
    assert_eq!(
        sorted(located(&outcome, "SL001")),
        good_and(&[("nul.swift", 2, 11), ("nul.swift", 4, 13)])
    );
}

#[test]
fn crlf_and_lone_cr_line_endings_keep_lines_and_columns() {
    let crlf = LEAK_SWIFT.replace('\n', "\r\n");
    let cr = LEAK_SWIFT.replace('\n', "\r");
    let mixed = format!("// one\r// two\r\n// three\n{cr}");
    for (name, text, line) in [
        ("crlf.swift", crlf, 2),
        ("cr.swift", cr, 2),
        ("mixed.swift", mixed, 5),
    ] {
        let outcome = lint(input(name, text));
        assert_eq!(
            sorted(located(&outcome, "SL001")),
            good_and(&[(name, line, 13)]),
            "{name}"
        );
        // And the json report says the same.
        let mut json = Vec::new();
        let report =
            sessionlint::report::position::Report::new(&outcome, std::path::Path::new("/"));
        sessionlint::report::json::write(&report, &mut json).expect("json");
        let json: serde_json::Value = serde_json::from_slice(&json).expect("valid json");
        let d = json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["path"] == name)
            .expect("the hostile file's diagnostic");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(line as u64), Some(13))
        );
        assert_eq!(d["end_line"].as_u64(), Some(line as u64), "{name}");
    }
}

#[test]
fn a_panicking_front_end_fails_only_its_file() {
    let inputs = vec![
        input("a.swift", LEAK_SWIFT),
        input("boom.swift", format!("// PANIC_HERE\n{LEAK_SWIFT}")),
        input("c.swift", LEAK_SWIFT),
    ];
    for jobs in [1, 4] {
        let settings = Settings {
            jobs: Some(jobs),
            ..Settings::default()
        };
        let outcome = check_inputs_with(inputs.clone(), &settings, &toy_lower);
        assert_eq!(
            located(&outcome, "SL001"),
            vec![("a.swift".into(), 2, 13), ("c.swift".into(), 2, 13)]
        );
        let errs = errors(&outcome);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, "boom.swift");
        assert_eq!(errs[0].1, ErrorKind::Internal);
        assert!(
            errs[0].2.starts_with("internal error") && errs[0].2.contains("injected fault"),
            "{}",
            errs[0].2
        );
        // The failed file is not among the linted files: it has no findings to show.
        assert_eq!(outcome.files.len(), 2);
    }
}

#[test]
fn a_front_end_panic_with_a_non_string_payload_is_still_reported() {
    let lower = |language, text: &str, path: &std::path::Path| {
        if text.contains("PANIC_HERE") {
            std::panic::panic_any(42u32);
        }
        toy_lower(language, text, path)
    };
    let inputs = vec![
        input("a.swift", LEAK_SWIFT),
        input("boom.swift", "// PANIC_HERE URLSession(configuration: c)"),
    ];
    let outcome = check_inputs_with(inputs, &settings(), &lower);
    assert_eq!(located(&outcome, "SL001"), vec![("a.swift".into(), 2, 13)]);
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].1, ErrorKind::Internal);
    assert!(errs[0].2.contains("unknown panic"), "{}", errs[0].2);
}

#[test]
fn a_file_that_is_not_source_is_reported_not_linted() {
    let outcome = lint(input("notes.txt", "URLSession("));
    assert_eq!(sorted(located(&outcome, "SL001")), good_and(&[]));
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "notes.txt");
    assert_eq!(errs[0].1, ErrorKind::Io);
}

/// An editor sends a half-written, badly encoded buffer on stdin: still linted, error listed.
#[test]
fn hostile_bytes_on_stdin() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "Sources/Edit.swift",
            "-",
        ])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run binary");
    let mut bytes = b"// caf\xE9\0\n".to_vec();
    bytes.extend_from_slice(LEAK_SWIFT.as_bytes());
    bytes.extend_from_slice(b"func half(");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &json["diagnostics"][0];
    assert_eq!(
        (d["path"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("Sources/Edit.swift"), Some(3), Some(13))
    );
    let errors = json["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("invalid UTF-8 at byte 6"))),
        "{errors:?}"
    );
}
