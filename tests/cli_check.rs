//! `sessionlint check` through the real binary: exit codes, config errors, stdin, baselines.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn sessionlint(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("CI", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sessionlint");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A small project: one clean Swift file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("Sources/App")).unwrap();
    std::fs::write(
        dir.path().join("Sources/App/Client.swift"),
        "func fetch(_ url: URL, on session: URLSession) {\n    session.dataTask(with: url).resume()\n    session.finishTasksAndInvalidate()\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_missing_path_exits_2() {
    let dir = project();
    let out = sessionlint(dir.path(), &["check", "Sources", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: path does not exist: nope\n");
}

#[test]
fn an_unknown_rule_exits_2_and_lists_the_valid_ones() {
    let dir = project();
    for flag in ["--select", "--ignore"] {
        let out = sessionlint(dir.path(), &["check", flag, "SL001,SL042"], None);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.starts_with(&format!("error: unknown rule `SL042` in {flag}; valid rules: SL001 (session-not-invalidated), SL002")), "{err}");
        assert!(err.contains("SL007 (task-on-invalidated-session)"));
    }
    // Names work as well as ids.
    let out = sessionlint(
        dir.path(),
        &["check", "--select", "session-not-invalidated"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn config_errors_name_the_file_line_column_and_choices() {
    let dir = project();
    std::fs::write(
        dir.path().join("sessionlint.toml"),
        "select = [\"SL001\"]\nfail_level = \"error\"\n",
    )
    .unwrap();
    let out = sessionlint(dir.path(), &["check"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains("sessionlint.toml:2:1: unknown field `fail_level`, expected one of"),
        "{err}"
    );
    assert!(err.contains("`fail-level`"), "{err}");

    std::fs::write(
        dir.path().join("sessionlint.toml"),
        "[severity]\nSL003 = \"loud\"\n",
    )
    .unwrap();
    // Found from a subfolder too (the nearest config upward).
    let out = sessionlint(&dir.path().join("Sources"), &["check"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(
        "sessionlint.toml:2:9: invalid severity `loud` for `SL003`; valid values: error, warning, note, off"
    ), "{}", stderr(&out));
}

#[test]
fn a_missing_config_file_exits_2() {
    let dir = project();
    let out = sessionlint(dir.path(), &["check", "--config", "other.toml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: config file does not exist: other.toml\n"
    );
}

#[test]
fn a_clean_project_exits_0_with_a_summary_on_stderr() {
    let dir = project();
    let out = sessionlint(dir.path(), &["check"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "no problems found\n");
    let err = stderr(&out);
    // The counts are printed once, on stdout; stderr says what was checked and how fast.
    assert!(err.starts_with("checked 1 file in "), "{err}");
    assert!(err.ends_with("s\n") && err.lines().count() == 1, "{err}");
}

#[test]
fn json_goes_to_stdout_or_to_the_output_file() {
    let dir = project();
    let out = sessionlint(dir.path(), &["check", "--format", "json"], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files_scanned"], 1);
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert!(
        stderr(&out).is_empty(),
        "json keeps stderr quiet: {}",
        stderr(&out)
    );

    let out = sessionlint(
        dir.path(),
        &["check", "--format", "sarif", "--output", "out.sarif"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn stdin_is_linted_as_the_named_file() {
    let dir = project();
    // Invalid UTF-8 is a parse problem reported at its position, under the stdin file's name.
    // (It invalidates a session, so the prefilter does not skip it.)
    let text =
        b"func f(session: URLSession) {\n    let s = \"\xff\"\n    session.finishTasksAndInvalidate()\n}\n";
    let args = [
        "check",
        "--format",
        "json",
        "--stdin-filename",
        "Sources/App/Editor.swift",
        "-",
    ];
    let out = sessionlint(dir.path(), &args, Some(text));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json}");
    assert_eq!(errors[0]["path"], "Sources/App/Editor.swift");
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_u64()),
        (Some(2), Some(14))
    );
    // The project's other file was loaded for context.
    assert_eq!(json["files_scanned"], 2);

    let mut strict = args.to_vec();
    strict.insert(1, "--strict");
    let out = sessionlint(dir.path(), &strict, Some(text));
    assert_eq!(out.status.code(), Some(1));

    let out = sessionlint(dir.path(), &["check", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("needs --stdin-filename"));
}

#[test]
fn parse_problems_take_one_line_unless_verbose() {
    let dir = project();
    for name in ["A.swift", "B.swift"] {
        let text = b"let a = \"\xfe\"\nfunc f(s: URLSession) { s.finishTasksAndInvalidate() }\n";
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = sessionlint(dir.path(), &["check"], None);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.starts_with("note: 2 files could not be fully parsed"),
        "{err}"
    );

    let out = sessionlint(dir.path(), &["check", "--verbose"], None);
    let err = stderr(&out);
    assert!(
        err.contains("parse problem: A.swift:1:10: invalid UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("parse problem: B.swift:1:10: invalid UTF-8"),
        "{err}"
    );
}

#[test]
fn timings_list_every_phase() {
    let dir = project();
    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--timings", "--no-prefilter"],
        None,
    );
    let err = stderr(&out);
    for phase in [
        "walk ",
        "read+lower ",
        "merge ",
        "analyze ",
        "report ",
        "1 file parsed",
        " bytes",
    ] {
        assert!(err.contains(phase), "{phase} missing from {err}");
    }
    // With the prefilter, a file that cannot matter is read but not parsed.
    std::fs::write(dir.path().join("Plain.swift"), "let x = 1\n").unwrap();
    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--timings"],
        None,
    );
    let err = stderr(&out);
    assert!(err.contains("1 file parsed ("), "{err}");
    assert!(
        err.contains("1 skipped by the prefilter (10 bytes)"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files_scanned"], 2);
}

#[test]
fn config_excludes_walked_files_but_not_named_ones() {
    let dir = project();
    std::fs::write(
        dir.path().join("sessionlint.toml"),
        "exclude = [\"Sources/**\"]\n",
    )
    .unwrap();
    let out = sessionlint(dir.path(), &["check", "--format", "json"], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files_scanned"], 0);
    let named = "Sources/App/Client.swift";
    let out = sessionlint(dir.path(), &["check", "--format", "json", named], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files_scanned"], 1);
    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--force-exclude", named],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files_scanned"], 0);
}

#[test]
fn baseline_files_are_written_and_checked() {
    let dir = project();
    let out = sessionlint(
        dir.path(),
        &["check", "--write-baseline", "baseline.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        "sessionlint: wrote 0 findings to baseline.json\n"
    );
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("baseline.json")).unwrap()).unwrap();
    assert_eq!(written, serde_json::json!({"version": 2, "findings": []}));
    let out = sessionlint(dir.path(), &["check", "--baseline", "baseline.json"], None);
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(dir.path().join("bad.json"), "not json").unwrap();
    let out = sessionlint(dir.path(), &["check", "--baseline", "bad.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.json: not a sessionlint baseline"));
}

#[test]
fn bad_flag_values_exit_2() {
    let dir = project();
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--jobs", "0"],
        &["check", "--fail-level", "off"],
        &["check", "--color", "sometimes"],
    ] {
        let out = sessionlint(dir.path(), args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn objc_macros_from_the_config_are_read_past() {
    let dir = project();
    std::fs::write(
        dir.path().join("Sources/App/Loader.m"),
        "@implementation Loader\n- (void)load {\n    NSURLSession *session = [NSURLSession sessionWithConfiguration:c];\n\
         [[session dataTaskWithURL:u] resume];\n}\n@end\n\
         static CGImageRef Copy(CGImageRef my_nullable image) {\n    return image;\n}\n",
    )
    .unwrap();
    let run = |dir: &Path| {
        let out = sessionlint(dir, &["check", "--format", "json", "--no-cache"], None);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = json["errors"].as_array().unwrap().len();
        let leaks = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"].as_str().unwrap_or("").ends_with("Loader.m"))
            .count();
        (errors, leaks)
    };
    assert_eq!(run(dir.path()), (1, 1), "without configuration");
    std::fs::write(
        dir.path().join("sessionlint.toml"),
        "[objc]\nmacros = [\"my_nullable\"]\n",
    )
    .unwrap();
    assert_eq!(run(dir.path()), (0, 1), "with `[objc] macros`");
}

#[test]
fn listings_to_a_reader_that_went_away_end_quietly() {
    use std::os::fd::FromRawFd;
    let dir = project();
    for flag in ["--show-files", "--show-settings"] {
        // A pipe whose reading end is already closed: every write fails (EPIPE), as when
        // `| head` has read what it wanted.
        let mut fds = [0; 2];
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        unsafe { libc::close(fds[0]) };
        let writer = unsafe { std::fs::File::from_raw_fd(fds[1]) };
        let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
            .current_dir(dir.path())
            .args(["check", flag, "."])
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("panicked"),
            "{flag}: {}",
            stderr(&out)
        );
    }
}
