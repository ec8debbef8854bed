//! Hostile command lines and file names through the real binary: unbounded reads are capped
//! with a clear error (exit 2), odd options are refused, and a file name cannot forge output.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const LEAK_SWIFT: &str = "func leak() {\n    let s = URLSession(configuration: .default)\n    s.dataTask(with: URL(string: \"https://example.com\")!).resume()\n}\n";

fn sessionlint(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sessionlint");
    let mut input = child.stdin.take().expect("stdin");
    let bytes = stdin.unwrap_or_default().to_vec();
    // The binary may stop reading early (that is the point): ignore a broken pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn stdin_larger_than_max_file_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sessionlint.toml"),
        "max-file-size = 1000\n",
    )
    .unwrap();
    let big = vec![b' '; 5000];
    let out = sessionlint(
        dir.path(),
        &["check", "--stdin-filename", "x.swift", "-"],
        Some(&big),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("stdin is larger than max-file-size (1000 bytes)"));
    // Within the limit it is linted.
    let out = sessionlint(
        dir.path(),
        &["check", "--stdin-filename", "x.swift", "-"],
        Some(LEAK_SWIFT.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn config_and_baseline_from_a_device_are_refused() {
    if !Path::new("/dev/zero").exists() {
        return; // not a Unix system
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.swift"), LEAK_SWIFT).unwrap();
    let out = sessionlint(
        dir.path(),
        &["check", "--config", "/dev/zero", "a.swift"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("config file is not a regular file: /dev/zero"),
        "{}",
        stderr(&out)
    );
    let started = Instant::now();
    let out = sessionlint(
        dir.path(),
        &["check", "--baseline", "/dev/zero", "a.swift"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/dev/zero: larger than 64 MiB: not a sessionlint baseline"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn huge_config_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.swift"), LEAK_SWIFT).unwrap();
    let mut text = String::from("# padding\n");
    while text.len() <= 16 << 20 {
        text.push_str(&"#".repeat(1023));
        text.push('\n');
    }
    std::fs::write(dir.path().join("sessionlint.toml"), text).unwrap();
    let out = sessionlint(dir.path(), &["check", "a.swift"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("config file is larger than 16 MiB"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdin_filename_without_a_language_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for name in [".", "notes.txt", "src"] {
        let out = sessionlint(
            dir.path(),
            &["check", "--stdin-filename", name, "-"],
            Some(LEAK_SWIFT.as_bytes()),
        );
        assert_eq!(out.status.code(), Some(2), "{name:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("does not name a Swift, Objective-C or Rust file"),
            "{name:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn too_many_jobs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.swift"), LEAK_SWIFT).unwrap();
    let out = sessionlint(dir.path(), &["check", "-j", "65535", "a.swift"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("65535 is not in 1..=256"),
        "{}",
        stderr(&out)
    );
    let out = sessionlint(dir.path(), &["check", "-j", "256", "a.swift"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_long_factories_list_stays_fast() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.swift"), LEAK_SWIFT).unwrap();
    let names: Vec<String> = (0..200_000).map(|i| format!("\"T{i}.make{i}\"")).collect();
    std::fs::write(
        dir.path().join("sessionlint.toml"),
        format!("factories = [{}]\n", names.join(",")),
    )
    .unwrap();
    let started = Instant::now();
    let out = sessionlint(dir.path(), &["check", "a.swift"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Quadratic, this took minutes; linear, a few seconds in a debug build.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

/// A file name with a newline and a fake diagnostic in it, and one with a backslash.
#[cfg(unix)]
#[test]
fn file_names_cannot_forge_output_and_keep_their_backslashes() {
    let dir = tempfile::tempdir().unwrap();
    let forged = "x\nForged.swift:1:1: error: forged finding (SL001)\ny.swift";
    std::fs::write(dir.path().join(forged), LEAK_SWIFT).unwrap();
    std::fs::write(dir.path().join("back\\slash.swift"), LEAK_SWIFT).unwrap();
    for format in ["xcode", "human"] {
        let out = sessionlint(dir.path(), &["check", "--format", format, "."], None);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.lines().any(|l| l.starts_with("Forged.swift")),
            "{format}: a forged line:\n{text}"
        );
        assert!(
            text.contains("x\\nForged.swift:1:1: error: forged finding (SL001)\\ny.swift"),
            "{format}: the name is not shown escaped:\n{text}"
        );
    }
    let out = sessionlint(dir.path(), &["check", "--format", "json", "."], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert!(paths.contains(&"back\\slash.swift"), "{paths:?}");
    assert!(paths.contains(&forged), "{paths:?}");
    let out = sessionlint(dir.path(), &["check", "--format", "sarif", "."], None);
    let sarif = String::from_utf8_lossy(&out.stdout);
    assert!(sarif.contains("back%5Cslash.swift"), "{sarif}");
    let out = sessionlint(dir.path(), &["check", "--format", "github", "."], None);
    let github = String::from_utf8_lossy(&out.stdout);
    assert!(github.contains("file=back\\slash.swift"), "{github}");
    assert!(
        !github.lines().any(|l| l.starts_with("Forged.swift")),
        "{github}"
    );
}
