//! File-system faults: each is reported with its path and a message, and every other file is
//! still linted (its finding is asserted, through the stand-in front-end of `hostile_support`).

mod hostile_support;

use hostile_support::*;
use sessionlint::run::{check_paths, check_paths_with, ErrorKind, Outcome, Settings};
use std::path::{Path, PathBuf};

fn check(paths: &[PathBuf], settings: &Settings) -> Outcome {
    check_paths_with(paths, settings, &toy_lower).expect("paths exist")
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.swift"), LEAK_SWIFT).expect("write");
    dir
}

const GOOD: (&str, u32, u32) = ("good.swift", 2, 13);

fn owned(v: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    v.iter().map(|(f, l, c)| (f.to_string(), *l, *c)).collect()
}

#[test]
fn unreadable_file_is_reported_and_the_rest_is_linted() {
    let dir = tree();
    let mut paths = vec![dir.path().to_path_buf()];
    let bad = dir.path().join("locked.swift");
    if reads_despite_permissions(dir.path()) {
        // Running as root: permissions do not stop a read. A symlink to a file whose read
        // fails (EIO) stands in for it; it is named explicitly because the walk does not
        // follow symlinks.
        std::os::unix::fs::symlink("/proc/self/mem", &bad).expect("symlink");
        paths.push(bad.clone());
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(&bad, LEAK_SWIFT).expect("write");
        std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    let outcome = check(&paths, &Settings::default());
    assert_eq!(located(&outcome, "SL001"), owned(&[GOOD]));
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "locked.swift");
    assert_eq!(errs[0].1, ErrorKind::Io);
    assert!(errs[0].2.starts_with("cannot read: "), "{}", errs[0].2);
    assert_eq!(outcome.errors[0].path, bad);
}

#[test]
fn file_deleted_between_walk_and_read_is_reported() {
    let dir = tree();
    // The largest file is read first; lowering it deletes the folder `z_gone/` and
    // truncates `b_`.
    std::fs::write(
        dir.path().join("a_saboteur.swift"),
        format!(
            "// SABOTEUR\nlet s = URLSession(configuration: .default)\n{}",
            "// padding, so that this file is the largest\n".repeat(100)
        ),
    )
    .expect("write");
    let gone = dir.path().join("z_gone");
    std::fs::create_dir(&gone).expect("mkdir");
    std::fs::write(gone.join("v.swift"), LEAK_SWIFT).expect("write");
    let truncated = dir.path().join("b_truncated.swift");
    std::fs::write(&truncated, format!("{LEAK_SWIFT}{LEAK_SWIFT}")).expect("write");
    let gone2 = gone.clone();
    let truncated2 = truncated.clone();
    let sabotage = move |language, text: &str, path: &Path| {
        if text.contains("SABOTEUR") {
            let _ = std::fs::remove_dir_all(&gone2);
            let f = std::fs::OpenOptions::new().write(true).open(&truncated2);
            let _ = f.and_then(|f| f.set_len(LEAK_SWIFT.len() as u64));
        }
        toy_lower(language, text, path)
    };
    // One worker so the saboteur is lowered before the others are read: with the prefilter
    // off, each file is parsed as it is read, largest first (with it on, every file is read
    // before any is parsed).
    let settings = Settings {
        jobs: Some(1),
        prefilter: false,
        ..Settings::default()
    };
    let outcome =
        check_paths_with(&[dir.path().to_path_buf()], &settings, &sabotage).expect("path exists");
    assert_eq!(
        located(&outcome, "SL001"),
        owned(&[
            ("a_saboteur.swift", 2, 9),
            ("b_truncated.swift", 2, 13),
            GOOD
        ])
    );
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "v.swift");
    assert_eq!(errs[0].1, ErrorKind::Io);
    assert!(
        errs[0].2.starts_with("cannot read: ") && errs[0].2.contains("No such file"),
        "{}",
        errs[0].2
    );
}

#[test]
fn input_that_no_longer_exists_is_an_error_not_a_silent_drop() {
    let dir = tree();
    let inputs = vec![
        sessionlint::run::Input::file(dir.path().join("good.swift")),
        sessionlint::run::Input::file(dir.path().join("deleted.swift")),
    ];
    let outcome = sessionlint::run::check_inputs_with(inputs, &Settings::default(), &toy_lower);
    assert_eq!(located(&outcome, "SL001"), owned(&[GOOD]));
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "deleted.swift");
    assert!(errs[0].2.contains("cannot read"), "{}", errs[0].2);
}

#[test]
fn symlink_loop_is_reported_when_following_and_never_walked_twice() {
    let dir = tree();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(sub.join("inner.swift"), LEAK_SWIFT).expect("write");
    std::os::unix::fs::symlink("..", sub.join("up")).expect("symlink");
    std::os::unix::fs::symlink("self.swift", dir.path().join("self.swift")).expect("symlink");

    // Not following (the default): the loop is never entered, nothing is linted twice.
    let outcome = check(&[dir.path().to_path_buf()], &Settings::default());
    assert_eq!(
        located(&outcome, "SL001"),
        owned(&[GOOD, ("inner.swift", 2, 13)])
    );
    assert_eq!(errors(&outcome), vec![]);

    // Following: the loop is reported once, with its path; each file is still linted once.
    let follow = Settings {
        follow_symlinks: true,
        ..Settings::default()
    };
    let outcome = check(&[dir.path().to_path_buf()], &follow);
    assert_eq!(
        located(&outcome, "SL001"),
        owned(&[GOOD, ("inner.swift", 2, 13)])
    );
    let errs = errors(&outcome);
    assert!(
        errs.iter()
            .any(|(f, k, m)| f == "up" && *k == ErrorKind::Io && m.contains("loop")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|(f, _, _)| f == "self.swift"),
        "a self-referencing symlink is reported: {errs:?}"
    );
}

#[test]
fn symlinks_out_of_the_tree_are_not_followed_unless_asked() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.swift"), LEAK_SWIFT).expect("write");
    let dir = tree();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked_dir")).expect("symlink");
    std::os::unix::fs::symlink(
        outside.path().join("secret.swift"),
        dir.path().join("linked.swift"),
    )
    .expect("symlink");

    let outcome = check(&[dir.path().to_path_buf()], &Settings::default());
    assert_eq!(located(&outcome, "SL001"), owned(&[GOOD]));
    assert_eq!(outcome.files.len(), 1);
    assert_eq!(errors(&outcome), vec![]);

    let follow = Settings {
        follow_symlinks: true,
        ..Settings::default()
    };
    let outcome = check(&[dir.path().to_path_buf()], &follow);
    assert_eq!(
        located(&outcome, "SL001"),
        owned(&[GOOD, ("linked.swift", 2, 13), ("secret.swift", 2, 13)])
    );
    assert!(outcome
        .files
        .iter()
        .any(|f| f.path == dir.path().join("linked_dir").join("secret.swift")));
}

#[test]
fn path_that_is_not_utf8_is_linted_and_displayed_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree();
    let name = std::ffi::OsStr::from_bytes(b"caf\xE9.swift");
    let folder = dir.path().join(std::ffi::OsStr::from_bytes(b"d\xFFir"));
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join(name), LEAK_SWIFT).expect("write");
    let outcome = check(&[dir.path().to_path_buf()], &Settings::default());
    assert_eq!(
        located(&outcome, "SL001"),
        owned(&[("caf\u{FFFD}.swift", 2, 13), GOOD])
    );
    assert_eq!(outcome.files[0].path, folder.join(name));
    let mut json = Vec::new();
    sessionlint::report::json::write(
        &sessionlint::report::position::Report::new(&outcome, dir.path()),
        &mut json,
    )
    .expect("json");
    let json: serde_json::Value = serde_json::from_slice(&json).expect("valid json");
    assert_eq!(
        json["diagnostics"][0]["path"],
        "d\u{FFFD}ir/caf\u{FFFD}.swift"
    );
}

#[test]
fn named_path_that_does_not_exist_is_missing_path() {
    let dir = tree();
    let missing = dir.path().join("nope");
    let result = check_paths(
        &[dir.path().to_path_buf(), missing.clone()],
        &Settings::default(),
    );
    match result {
        Err(sessionlint::discover::MissingPath(p)) => assert_eq!(p, missing),
        Ok(_) => panic!("a missing named path must be an error"),
    }
}

#[test]
fn named_path_that_does_not_exist_exits_2() {
    let dir = tree();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .arg("check")
        .arg(dir.path().join("nope"))
        .output()
        .expect("run binary");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nope"), "stderr names the path: {stderr}");
}

#[test]
fn folder_named_like_a_source_file_and_a_fifo_do_not_stop_the_run() {
    let dir = tree();
    std::fs::create_dir(dir.path().join("dir.swift")).expect("mkdir");
    std::fs::write(dir.path().join("dir.swift").join("in.swift"), LEAK_SWIFT).expect("write");
    let fifo = dir.path().join("pipe.swift");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(made, "mkfifo is needed for this test");
    // Walked: the FIFO is not a regular file and is never opened (a read would block forever).
    let outcome = check(&[dir.path().to_path_buf()], &Settings::default());
    assert_eq!(
        located(&outcome, "SL001"),
        owned(&[("in.swift", 2, 13), GOOD])
    );
    assert_eq!(errors(&outcome), vec![]);
    // Named explicitly: reported as not lintable rather than silently dropped or read.
    let outcome = check(&[dir.path().join("good.swift"), fifo.clone()], &settings());
    assert_eq!(located(&outcome, "SL001"), owned(&[GOOD]));
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "pipe.swift");
    assert!(errs[0].2.contains("not a regular file"), "{}", errs[0].2);
}

#[test]
fn huge_sparse_file_is_skipped_by_size_without_reading_it() {
    let dir = tree();
    let huge = dir.path().join("huge.swift");
    let f = std::fs::File::create(&huge).expect("create");
    // 16 GiB of holes: reading it would take minutes and all the memory.
    f.set_len(16 << 30).expect("sparse file");
    std::fs::write(dir.path().join("zz.swift"), LEAK_SWIFT).expect("write");
    let start = std::time::Instant::now();
    let outcome = check(&[dir.path().to_path_buf()], &Settings::default());
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    assert_eq!(
        located(&outcome, "SL001"),
        owned(&[GOOD, ("zz.swift", 2, 13)])
    );
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "huge.swift");
    assert_eq!(errs[0].1, ErrorKind::Skipped);
    assert!(
        errs[0].2.contains("max-file-size") && errs[0].2.contains("17179869184"),
        "{}",
        errs[0].2
    );
}

#[test]
fn text_is_kept_only_for_files_with_findings_or_suppressions() {
    let dir = tree();
    std::fs::write(dir.path().join("quiet.swift"), "func f() {}\n").expect("write");
    std::fs::write(
        dir.path().join("noted.swift"),
        "// sessionlint:disable SL001\nfunc g() {}\n",
    )
    .expect("write");
    // With the prefilter off every file is lowered, so every file is in the outcome.
    let settings = Settings {
        prefilter: false,
        ..Settings::default()
    };
    let outcome = check_paths(&[dir.path().to_path_buf()], &settings).expect("path exists");
    assert_eq!(located(&outcome, "SL001"), owned(&[GOOD]));
    let text_of = |name: &str| {
        let file = outcome
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .expect("linted");
        file.text.to_string()
    };
    // Read again for its finding, byte for byte.
    assert_eq!(text_of("good.swift"), LEAK_SWIFT);
    assert_eq!(text_of("noted.swift").lines().count(), 2);
    assert_eq!(text_of("quiet.swift"), "");
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
}

/// Lints `tree()` with the prefilter off on one worker, running `act` on `good.swift` while
/// the last file is lowered: after `good.swift` was read, before its finding is shown. (The
/// smallest file is lowered last: largest first.)
fn lint_then_meddle(act: impl Fn(&Path) + Sync) -> Outcome {
    let dir = tree();
    let good = dir.path().join("good.swift");
    std::fs::write(dir.path().join("a.swift"), "// LAST\n").expect("write");
    let meddle = |language, text: &str, path: &Path| {
        if text.contains("LAST") {
            act(&good);
        }
        toy_lower(language, text, path)
    };
    let settings = Settings {
        jobs: Some(1),
        prefilter: false,
        ..Settings::default()
    };
    check_paths_with(&[dir.path().to_path_buf()], &settings, &meddle).expect("path exists")
}

#[test]
fn file_changed_before_its_finding_is_shown_is_reported() {
    let outcome = lint_then_meddle(|good| {
        let _ = std::fs::write(good, format!("// edited\n{LEAK_SWIFT}"));
    });
    // Where the analysed text had it, not where the edit moved it.
    assert_eq!(located(&outcome, "SL001"), owned(&[GOOD]));
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "good.swift");
    assert_eq!(errs[0].1, ErrorKind::Io);
    assert!(
        errs[0].2.starts_with("changed while it was being linted"),
        "{}",
        errs[0].2
    );
    // Every report format can still show it: the lost text is blank, with its lines.
    let good_file = outcome
        .files
        .iter()
        .find(|f| f.path.ends_with("good.swift"))
        .expect("linted");
    assert_eq!(good_file.text.len(), LEAK_SWIFT.len());
    assert_eq!(good_file.text.lines().count(), LEAK_SWIFT.lines().count());
    assert!(good_file.text.trim().is_empty());
}

#[test]
fn file_deleted_before_its_finding_is_shown_is_reported_and_still_rendered() {
    let outcome = lint_then_meddle(|good| {
        let _ = std::fs::remove_file(good);
    });
    assert_eq!(located(&outcome, "SL001"), owned(&[GOOD]));
    let errs = errors(&outcome);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "good.swift");
    assert!(
        errs[0]
            .2
            .contains("its findings are shown without source lines"),
        "{}",
        errs[0].2
    );
    let report = sessionlint::report::position::Report::new(&outcome, Path::new("/"));
    let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    sessionlint::report::human::write(&report, &mut out).expect("rendered");
    let text = String::from_utf8(out.into_inner()).expect("utf-8");
    assert!(text.contains("good.swift:2:13"), "{text}");
    assert!(text.contains("SL001"), "{text}");
}
