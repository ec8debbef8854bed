//! The closing check: a folder mixing a real app (the demo fixtures), good files and
//! every kind of hostile file still reports every true finding of the good files, lists the
//! bad files under errors, and exits 1.

mod hostile_support;

use hostile_support::*;
use sessionlint::run::{check_paths, ErrorKind, Settings};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// (file name, line, column, rule) of every finding.
fn all(outcome: &sessionlint::run::Outcome) -> Vec<(String, u32, u32, &'static str)> {
    findings(outcome)
        .into_iter()
        .map(|(p, l, c, r)| (file_name(&p), l, c, r))
        .collect()
}

#[test]
fn hostile_files_beside_a_real_app_lose_no_finding() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");
    copy_dir(&demo, &app);
    std::fs::write(dir.path().join("good.swift"), LEAK_SWIFT).expect("write");

    // What the app and the good file report on their own.
    let settings = Settings::default();
    let clean = check_paths(&[dir.path().to_path_buf()], &settings).expect("exists");
    let expected = all(&clean);
    assert!(
        expected.iter().any(|f| f.0 == "good.swift"),
        "the good Swift file leaks: {expected:?}"
    );
    assert!(
        expected.len() >= 2,
        "the demo app has findings: {expected:?}"
    );

    // Now add the hostile files.
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).expect("mkdir");
    let mut latin1 = b"// caf\xE9\n".to_vec();
    latin1.extend_from_slice(LEAK_SWIFT.as_bytes());
    std::fs::write(bad.join("latin1.swift"), latin1).expect("write");
    // Binary noise that mentions a session API (without one the prefilter skips the file
    // unread, which is right: it cannot contribute a finding).
    let mut noise: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    noise.extend_from_slice(b" [NSURLSession new] ");
    noise.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_246_822_519) >> 11) as u8));
    std::fs::write(bad.join("image.m"), &noise).expect("write");
    std::fs::write(bad.join("image.rs"), &noise).expect("write");
    std::fs::write(bad.join("empty.swift"), "").expect("write");
    std::fs::write(
        bad.join("deep.swift"),
        format!(
            "func deep(x: Bool) {{ {}{} }}\n",
            "if x { ".repeat(100_000),
            "} ".repeat(100_000)
        ),
    )
    .expect("write");
    std::fs::write(
        bad.join("deep.m"),
        format!(
            "void deep(void) {{ {}{} }}\n",
            "{ ".repeat(100_000),
            "} ".repeat(100_000)
        ),
    )
    .expect("write");
    std::fs::write(
        bad.join("deep.rs"),
        format!(
            "fn deep() {{ {}{} }}\n",
            "{ ".repeat(100_000),
            "} ".repeat(100_000)
        ),
    )
    .expect("write");
    std::fs::write(
        bad.join("unterminated.swift"),
        "/* never closed\nlet x = \"",
    )
    .expect("write");
    let huge = std::fs::File::create(bad.join("huge.swift")).expect("create");
    huge.set_len(100 << 20).expect("sparse");
    std::os::unix::fs::symlink(".", bad.join("loop")).expect("symlink");
    std::os::unix::fs::symlink("/", bad.join("root")).expect("symlink");
    let made_fifo = std::process::Command::new("mkfifo")
        .arg(bad.join("pipe.swift"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(made_fifo);

    let start = std::time::Instant::now();
    let outcome = check_paths(&[dir.path().to_path_buf()], &settings).expect("exists");
    let took = start.elapsed();
    let mut found = all(&outcome);
    found.retain(|f| !f.0.starts_with("latin1"));
    assert_eq!(
        found, expected,
        "the good files' findings are all still there"
    );
    assert!(
        all(&outcome)
            .iter()
            .any(|f| f.0 == "latin1.swift" && f.1 == 3 && f.3 == "SL001"),
        "the leak after the invalid byte is still reported"
    );
    let errs = errors(&outcome);
    let listed = |name: &str, kind: ErrorKind| errs.iter().any(|e| e.0 == name && e.1 == kind);
    assert!(listed("latin1.swift", ErrorKind::Parse), "{errs:?}");
    assert!(listed("image.m", ErrorKind::Parse), "{errs:?}");
    assert!(listed("image.rs", ErrorKind::Parse), "{errs:?}");
    assert!(listed("huge.swift", ErrorKind::Skipped), "{errs:?}");
    assert!(
        !errs.iter().any(|e| e.1 == ErrorKind::Internal),
        "no internal error: {errs:?}"
    );
    assert!(took.as_secs() < 60, "took {took:?}");

    // And the binary exits 1 (findings), whatever the errors, and lists the bad files.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir.path())
        .output()
        .expect("run binary");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let error_paths: Vec<&str> = json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    for bad in [
        "bad/huge.swift",
        "bad/image.m",
        "bad/image.rs",
        "bad/latin1.swift",
    ] {
        assert!(error_paths.contains(&bad), "{bad} not in {error_paths:?}");
    }
    assert!(json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .any(|d| d["path"] == "good.swift" && d["line"] == 2));
}
