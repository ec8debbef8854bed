//! Ignore rules a user can predict (issue 19 item 8): git's own reading of `.gitignore`
//! (inside the file's repository only, up to its root), `.git/info/exclude`, nothing from
//! above the repository, no `.ignore` files, no global excludes; `--no-ignore`; `--verbose`
//! counts what was hidden and by which kind of rule.

mod hostile_support;

use hostile_support::LEAK_SWIFT;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// ```text
/// outer/.gitignore            *.swift          (above the repository: not read)
/// outer/home/.gitconfig       core.excludesFile = outer/home/global-ignore (not read)
/// outer/home/global-ignore    Kept*.swift
/// outer/repo/.git             (git init)
/// outer/repo/.git/info/exclude Excluded.swift
/// outer/repo/.gitignore       Generated/ and Sources/Draft*.swift
/// outer/repo/.ignore          Sources/         (not git's: not read)
/// outer/repo/Sources/{Kept,Draft}.swift, Generated/Gen.swift, Excluded.swift: each leaks
/// ```
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let outer = dir.path();
    let repo = outer.join("repo");
    fs::create_dir_all(repo.join("Sources")).unwrap();
    fs::create_dir_all(repo.join("Generated")).unwrap();
    fs::create_dir_all(outer.join("home")).unwrap();
    let initialised = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&repo)
        .env("HOME", outer.join("home"))
        .status()
        .is_ok_and(|s| s.success());
    if !initialised {
        // What the walker looks for, where git itself is missing.
        fs::create_dir_all(repo.join(".git/info")).unwrap();
    }
    fs::create_dir_all(repo.join(".git/info")).unwrap();
    fs::write(repo.join(".git/info/exclude"), "Excluded.swift\n").unwrap();
    fs::write(outer.join(".gitignore"), "*.swift\n").unwrap();
    fs::write(
        repo.join(".gitignore"),
        "Generated/\nSources/Draft*.swift\n",
    )
    .unwrap();
    fs::write(repo.join(".ignore"), "Sources/\n").unwrap();
    let global = outer.join("home/global-ignore");
    fs::write(&global, "Kept*.swift\n").unwrap();
    fs::write(
        outer.join("home/.gitconfig"),
        format!("[core]\n\texcludesFile = {}\n", global.display()),
    )
    .unwrap();
    for file in [
        "Sources/Kept.swift",
        "Sources/Draft.swift",
        "Generated/Gen.swift",
        "Excluded.swift",
    ] {
        fs::write(repo.join(file), LEAK_SWIFT).unwrap();
    }
    dir
}

fn sessionlint(outer: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .arg("check")
        .args(args)
        .current_dir(outer)
        // The global excludes a careless setup would read.
        .env("HOME", outer.join("home"))
        .env("XDG_CONFIG_HOME", outer.join("home"))
        .env_remove("GIT_DIR")
        .output()
        .unwrap()
}

/// The files SL001 was reported in, by name, sorted.
fn leaking_files(outer: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = sessionlint(outer, &all);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut files: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "SL001")
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            path.rsplit('/').next().unwrap().to_string()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_gitignore_above_the_repository_hides_nothing_inside_it() {
    let dir = tree();
    assert_eq!(leaking_files(dir.path(), &["repo"]), ["Kept.swift"]);
    // Named from inside the repository too, and from outside the scanned folder's parents.
    assert_eq!(leaking_files(dir.path(), &["repo/Sources"]), ["Kept.swift"]);
}

#[test]
fn the_repository_gitignore_and_info_exclude_hide_files_even_from_a_subfolder() {
    let dir = tree();
    let all = leaking_files(dir.path(), &["repo"]);
    for hidden in ["Gen.swift", "Draft.swift", "Excluded.swift"] {
        assert!(!all.contains(&hidden.to_string()), "{hidden} in {all:?}");
    }
    // `Sources/Draft*.swift` is read from the repository root, above the scanned folder.
    assert!(!leaking_files(dir.path(), &["repo/Sources"]).contains(&"Draft.swift".to_string()));
}

#[test]
fn no_ignore_lints_what_git_hides() {
    let dir = tree();
    assert_eq!(
        leaking_files(dir.path(), &["--no-ignore", "repo"]),
        ["Draft.swift", "Excluded.swift", "Gen.swift", "Kept.swift"]
    );
}

#[test]
fn a_file_named_on_the_command_line_is_linted_even_if_ignored() {
    let dir = tree();
    assert_eq!(
        leaking_files(dir.path(), &["repo/Generated/Gen.swift"]),
        ["Gen.swift"]
    );
}

#[test]
fn verbose_counts_the_ignored_files_by_kind_of_rule() {
    let dir = tree();
    let out = sessionlint(dir.path(), &["--verbose", "repo"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "note: 3 source files ignored (2 by .gitignore, 1 by .git/info/exclude); --no-ignore lints them"
        ),
        "{stderr}"
    );
    let out = sessionlint(dir.path(), &["--verbose", "--no-ignore", "repo"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: no source file ignored by .gitignore or .git/info/exclude"),
        "{stderr}"
    );
    // Not without --verbose.
    let out = sessionlint(dir.path(), &["repo"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ignored"));
}

#[test]
fn outside_any_repository_no_gitignore_is_read() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("home")).unwrap();
    fs::create_dir_all(dir.path().join("plain")).unwrap();
    fs::write(dir.path().join("plain/.gitignore"), "*.swift\n").unwrap();
    fs::write(dir.path().join("plain/Leak.swift"), LEAK_SWIFT).unwrap();
    assert_eq!(leaking_files(dir.path(), &["plain"]), ["Leak.swift"]);
}
