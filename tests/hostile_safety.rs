//! Safety of the tool itself: it never runs anything from the linted tree (build scripts,
//! package manifests, config values), and report paths never escape the project root as
//! written.

mod hostile_support;

use hostile_support::*;
use sessionlint::report::json::display_path;
use std::path::Path;

#[test]
fn nothing_in_the_linted_tree_is_executed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("EXECUTED");
    let touch = format!("touch {}", marker.display());
    std::fs::write(dir.path().join("good.swift"), LEAK_SWIFT).expect("write");
    // Things a careless tool might run: a build script, a package manifest, a Makefile, git
    // hooks, shell snippets in config values and in a file name.
    std::fs::write(
        dir.path().join("build.rs"),
        format!("fn main() {{ std::process::Command::new(\"sh\").arg(\"-c\").arg({touch:?}).status().ok(); }}"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("Package.swift"),
        format!("import Foundation\nlet _ = try? Process.run(URL(fileURLWithPath: \"/bin/sh\"), arguments: [\"-c\", {touch:?}])\n"),
    )
    .expect("write");
    std::fs::write(dir.path().join("Makefile"), format!("all:\n\t{touch}\n")).expect("write");
    std::fs::create_dir_all(dir.path().join(".git/hooks")).expect("mkdir");
    std::fs::write(
        dir.path().join(".git/hooks/pre-commit"),
        format!("#!/bin/sh\n{touch}\n"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("sessionlint.toml"),
        format!("factories = [\"$({touch})\", \"`{touch}`\"]\nreleasers = [\";{touch}\"]\n"),
    )
    .expect("write");
    // (Relative: the binary runs in `dir`, so this would create the same marker.)
    std::fs::write(dir.path().join("$(touch EXECUTED).swift"), LEAK_SWIFT).expect("write");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .arg("check")
        .arg(".")
        .current_dir(dir.path())
        .output()
        .expect("run binary");
    assert!(!marker.exists(), "something from the tree was executed");
    // It did lint: the leaks (including the oddly named file) are reported.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("good.swift"), "{stdout}");
}

#[test]
fn paths_under_the_root_are_relative() {
    let cwd = Path::new("/work/app");
    assert_eq!(
        display_path(Path::new("/work/app/Sources/A.swift"), cwd),
        "Sources/A.swift"
    );
    assert_eq!(
        display_path(Path::new("./Sources/A.swift"), cwd),
        "Sources/A.swift"
    );
    assert_eq!(
        display_path(Path::new("Sources/A.swift"), cwd),
        "Sources/A.swift"
    );
}

#[test]
fn paths_never_escape_the_root_as_written() {
    let cwd = Path::new("/work/app");
    // Inside the root after normalisation: relative, without `..`.
    assert_eq!(
        display_path(Path::new("Sources/../Tests/B.swift"), cwd),
        "Tests/B.swift"
    );
    // Outside the root: absolute, never a relative path that climbs out of it.
    assert_eq!(
        display_path(Path::new("/work/app/Sources/../../other/C.swift"), cwd),
        "/work/other/C.swift"
    );
    assert_eq!(
        display_path(Path::new("../other/C.swift"), cwd),
        "/work/other/C.swift"
    );
}
