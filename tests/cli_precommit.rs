//! The published pre-commit hook, run by a real pre-commit (`pre-commit try-repo`) in a
//! temporary git repository: it must lint every kind of file `check` lints (`.mm` and `.h`
//! included), honour the config's `exclude` for the files pre-commit names, and report what
//! a plain `sessionlint check` reports on the same tree.
//!
//! The hook is `language: rust` (pre-commit builds the crate: minutes). The test runs the same
//! hook definition, `files` and `args` as published, with the built binary as a
//! `language: system` entry (the published `sessionlint-system` hook is exactly that).
//! Skips, saying so, when pre-commit is not installed (`.ci/run` installs it with pip).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const HOOKS: &str = include_str!("../.pre-commit-hooks.yaml");

fn pre_commit_available() -> bool {
    Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.email=test@example.com", "-c", "user.name=test"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const SWIFT_LEAK: &str = "func fetch(_ url: URL) {
    let session = URLSession(configuration: .ephemeral)
    session.dataTask(with: url).resume()
}
";

const OBJCXX_LEAK: &str = "@implementation Fetcher
- (void)fetch:(NSURL *)url {
    NSURLSession *session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];
    [[session dataTaskWithURL:url] resume];
}
@end
";

/// A repository with a leak in Swift and in Objective-C++, a header, a vendored leak the
/// config excludes, and a file sessionlint does not lint.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "App/Leak.swift", SWIFT_LEAK);
    write(root, "App/Leak.mm", OBJCXX_LEAK);
    write(
        root,
        "App/Fetcher.h",
        "@interface Fetcher : NSObject\n- (void)fetch:(NSURL *)url;\n@end\n",
    );
    write(root, "Vendor/Leak.swift", SWIFT_LEAK);
    write(root, "README.md", "# app\n");
    write(root, "sessionlint.toml", "exclude = [\"Vendor/**\"]\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "init"]);
    dir
}

/// `path:line:col` of each finding in human output (`┌─ App/Leak.mm:3:29`).
fn findings(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("┌─ "))
        .map(str::to_string)
        .collect()
}

/// A hook repository holding the published hooks file, with the `sessionlint` hook turned into
/// a `language: system` hook whose entry logs the files pre-commit passes, then runs the
/// built binary with the published arguments.
fn hook_repo(log: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let wrapper = dir.path().join("sessionlint-wrapper");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_sessionlint")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let published = "  language: rust\n  entry: sessionlint check --force-exclude\n";
    assert!(
        HOOKS.contains(published),
        "the published hook is `language: rust` with entry `sessionlint check --force-exclude`"
    );
    let local = HOOKS.replacen(
        published,
        &format!(
            "  language: system\n  entry: {} check --force-exclude\n",
            wrapper.display()
        ),
        1,
    );
    std::fs::write(dir.path().join(".pre-commit-hooks.yaml"), local).unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "hooks"]);
    dir
}

fn try_repo(project: &Path, hooks: &Path, home: &Path, hook: &str) -> Output {
    Command::new("pre-commit")
        .args([
            "try-repo",
            &hooks.display().to_string(),
            hook,
            "--all-files",
        ])
        .args(["--color", "never", "--verbose"])
        .current_dir(project)
        .env("PRE_COMMIT_HOME", home)
        .env("CI", "true")
        .env_remove("NO_COLOR")
        .output()
        .expect("pre-commit runs")
}

#[test]
fn the_hook_reports_what_check_reports() {
    if !pre_commit_available() {
        eprintln!("skipped: pre-commit is not installed (pip install pre-commit)");
        return;
    }
    let project = project();
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("argv.log");
    let hooks = hook_repo(&log);
    let out = try_repo(project.path(), hooks.path(), home.path(), "sessionlint");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the hook fails on leaks: {text}");

    // pre-commit named every kind of source file, and only those.
    let argv = std::fs::read_to_string(&log).expect("the hook ran");
    let passed: BTreeSet<&str> = argv.lines().filter(|a| a.contains('.')).collect();
    for file in [
        "App/Leak.swift",
        "App/Leak.mm",
        "App/Fetcher.h",
        "Vendor/Leak.swift",
    ] {
        assert!(passed.contains(file), "{file} not passed: {argv}");
    }
    assert!(!passed.contains("README.md"), "{argv}");
    assert!(argv.lines().any(|a| a == "--force-exclude"), "{argv}");

    // The same findings as a full run: the .mm leak is there, the excluded vendored one not.
    let hook_findings = findings(&text);
    assert!(
        hook_findings.contains("App/Leak.mm:3:29"),
        "{hook_findings:?}\n{text}"
    );
    assert!(hook_findings.contains("App/Leak.swift:2:19"), "{text}");
    let check = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .arg("check")
        .current_dir(project.path())
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        hook_findings,
        findings(&String::from_utf8_lossy(&check.stdout))
    );
}

/// pre-commit's own file classifier (identify) and the published `files`/`types`: every
/// extension sessionlint lints is matched by both published hooks, and nothing else.
#[test]
fn pre_commit_matches_every_extension_sessionlint_lints() {
    if !pre_commit_available() {
        eprintln!("skipped: pre-commit is not installed (pip install pre-commit)");
        return;
    }
    let script = r#"
import sys
from types import SimpleNamespace
from pre_commit.clientlib import load_manifest
from pre_commit.commands.run import Classifier
hooks = load_manifest(sys.argv[1])
names = ["A.swift", "B.m", "C.mm", "D.h", "e.rs", "README.md", "f.c", "g.cpp", "Makefile"]
classifier = Classifier(names)
for hook in hooks:
    matched = classifier.filenames_for_hook(SimpleNamespace(**hook))
    print(hook["id"], " ".join(sorted(matched)))
"#;
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "A.swift",
        "B.m",
        "C.mm",
        "D.h",
        "e.rs",
        "README.md",
        "f.c",
        "g.cpp",
        "Makefile",
    ] {
        std::fs::write(dir.path().join(name), "x\n").unwrap();
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let out = Command::new("python3")
        .args(["-c", script, &manifest.display().to_string()])
        .current_dir(dir.path())
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        // pre-commit installed outside this python (pipx): the try-repo test covers matching.
        eprintln!(
            "skipped: pre-commit's library is not importable from python3: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "sessionlint A.swift B.m C.mm D.h e.rs",
            "sessionlint-system A.swift B.m C.mm D.h e.rs",
        ],
        "{text}"
    );
}
