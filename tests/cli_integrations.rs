//! Integrations agree with `check`, through the real binary: config discovery per path,
//! project-root paths, baselines from a subfolder, the command-line conventions (`-q`,
//! `--statistics`, `--show-settings`, ...), exit messages, parse-problem summaries, misspelt
//! suppressions, and the Xcode format against clang's own diagnostics.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

fn sessionlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("CI", "true")
        .output()
        .expect("run sessionlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// (path, rule, line) of each diagnostic in json output.
fn diagnostics(o: &Output) -> Vec<(String, String, u64)> {
    json(o)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const LEAK: &str = "func fetch(_ url: URL) {
    let session = URLSession(configuration: .ephemeral)
    session.dataTask(with: url).resume()
}
";

/// A shared-session invalidation: SL006, a warning by default.
const SHARED: &str = "func stop() {
    URLSession.shared.invalidateAndCancel()
}
";

/// `outer/proj` with a config that ignores SL006 and excludes `Vendor/`; `outer` itself holds
/// no config.
fn nested() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("outer/proj");
    write(&proj, "Sources/App/Leak.swift", LEAK);
    write(&proj, "Sources/App/Stop.swift", SHARED);
    write(&proj, "Vendor/Leak.swift", LEAK);
    write(
        &proj,
        "sessionlint.toml",
        "ignore = [\"SL006\"]\nexclude = [\"Vendor/**\"]\n",
    );
    dir
}

#[test]
fn each_path_uses_its_own_config_whatever_the_current_folder() {
    let dir = nested();
    let outer = dir.path().join("outer");
    let expected = vec![("Sources/App/Leak.swift".to_string(), "SL001".to_string(), 2)];
    // From above the project: its config is found (SL006 ignored, Vendor excluded) and paths
    // are relative to the project root.
    let out = sessionlint(&outer, &["check", "--format", "json", "proj"]);
    assert_eq!(diagnostics(&out), expected, "{}", stdout(&out));
    // From inside a subfolder: the same report.
    let sub = outer.join("proj/Sources/App");
    let out = sessionlint(&sub, &["check", "--format", "json"]);
    assert_eq!(diagnostics(&out), expected);
    // `--config` overrides discovery: an empty config brings SL006 and Vendor back.
    write(&outer, "empty.toml", "");
    let out = sessionlint(
        &outer,
        &[
            "check",
            "--format",
            "json",
            "--config",
            "empty.toml",
            "proj",
        ],
    );
    let found: BTreeSet<_> = diagnostics(&out).into_iter().collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.contains(&("proj/Vendor/Leak.swift".into(), "SL001".into(), 2)));
    assert!(found.contains(&("proj/Sources/App/Stop.swift".into(), "SL006".into(), 2)));
    // A nested config governs the files under it, its parent's the rest.
    write(
        &outer,
        "proj/Sources/App/.sessionlint.toml",
        "[severity]\nSL001 = \"note\"\n",
    );
    let out = sessionlint(&outer, &["check", "--format", "json", "proj"]);
    let json = json(&out);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{json}");
    assert!(diags
        .iter()
        .any(|d| d["rule"] == "SL001" && d["severity"] == "note"));
    assert!(diags.iter().any(|d| d["rule"] == "SL006"));
}

#[test]
fn show_settings_names_the_config_and_every_resolved_setting() {
    let dir = nested();
    let outer = dir.path().join("outer");
    let out = sessionlint(
        &outer,
        &["check", "--show-settings", "--ignore", "SL002", "proj"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let config = outer.join("proj/sessionlint.toml");
    assert!(
        text.starts_with(&format!("config file: {}\n", config.display())),
        "{text}"
    );
    assert!(text.contains(&format!("project root: {}\n", outer.join("proj").display())));
    assert!(text.contains("ignore = [\"SL006\", \"SL002\"]\n"), "{text}");
    assert!(text.contains("exclude = [\"Vendor/**\"]\n"), "{text}");
    assert!(text.contains("SL006 = \"off\""), "{text}");
    assert!(text.contains("SL001 = \"error\""), "{text}");
    // No config anywhere above: the defaults, said so.
    let out = sessionlint(&outer, &["check", "--show-settings"]);
    assert!(stdout(&out).starts_with("config file: (none: defaults)\n"));
}

#[test]
fn show_files_lists_what_would_be_linted() {
    let dir = nested();
    let outer = dir.path().join("outer");
    let out = sessionlint(
        &outer,
        &[
            "check",
            "--show-files",
            "proj",
            "--exclude",
            "**/Stop.swift",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "Sources/App/Leak.swift\n");
}

#[test]
fn conventions_quiet_statistics_and_rule_selection() {
    let dir = nested();
    let proj = dir.path().join("outer/proj");
    std::fs::write(
        proj.join("Sources/App/Latin1.swift"),
        b"let a = \"\xfe\"\nfunc f(s: URLSession) { s.finishTasksAndInvalidate() }\n",
    )
    .unwrap();
    // -q: the findings and nothing else (no parse note, no summary, no count line).
    let out = sessionlint(&proj, &["check", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    assert!(text.contains("error[SL001]"), "{text}");
    assert!(!text.contains("found 1 problem"), "{text}");
    // Without -q the counts are printed once: on stdout, not again on stderr.
    let out = sessionlint(&proj, &["check"]);
    assert!(stdout(&out).ends_with("found 1 problem: 1 error\n"));
    let err = stderr(&out);
    assert!(!err.contains("error"), "{err}");
    assert!(err.lines().any(|l| l.starts_with("checked ")), "{err}");
    // --statistics: a count per rule; --extend-select adds to the config's select.
    write(
        &proj,
        "sessionlint.toml",
        "select = [\"SL006\"]\nexclude = [\"Vendor/**\"]\n",
    );
    let out = sessionlint(
        &proj,
        &["check", "--statistics", "-q", "--extend-select", "SL001"],
    );
    assert_eq!(
        stdout(&out)
            .lines()
            .filter(|l| l.contains('\t'))
            .collect::<Vec<_>>(),
        [
            "1\tSL001\tsession-not-invalidated",
            "1\tSL006\tinvalidate-shared-session"
        ]
    );
    let out = sessionlint(
        &proj,
        &[
            "check",
            "--output-format",
            "json",
            "--exclude",
            "Sources/**,Vendor/**",
        ],
    );
    assert_eq!(json(&out)["files_scanned"], 0);
    for args in [
        &["check", "--extend-select", "SL042"][..],
        &["check", "--exclude", "a/[b"],
    ] {
        let out = sessionlint(&proj, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn parse_problems_are_one_line_in_every_line_format_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    // Invalid UTF-8 *and* a syntax error in one file: one file, counted once.
    std::fs::write(
        dir.path().join("Both.swift"),
        b"let a = \"\xfe\"\nfunc f( { s.finishTasksAndInvalidate() }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Utf8.swift"),
        b"let a = \"\xfe\"\nfunc f(s: URLSession) { s.finishTasksAndInvalidate() }\n",
    )
    .unwrap();
    let note = "note: 2 files could not be fully parsed";
    for format in ["human", "github", "xcode"] {
        let out = sessionlint(dir.path(), &["check", "--format", format]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(all.matches(note).count(), 1, "{format}: {all}");
        assert!(!all.contains("invalid UTF-8"), "{format} lists them: {all}");
        let out = sessionlint(dir.path(), &["check", "--format", format, "--verbose"]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(all.contains("Utf8.swift"), "{format} --verbose: {all}");
        let out = sessionlint(dir.path(), &["check", "--format", format, "-q"]);
        assert!(
            !stderr(&out).contains("could not be fully parsed"),
            "{format} -q"
        );
        assert!(
            !stdout(&out).contains("could not be fully parsed"),
            "{format} -q"
        );
    }
    // Machine formats keep the full list.
    let out = sessionlint(dir.path(), &["check", "--format", "json"]);
    assert!(json(&out)["errors"].as_array().unwrap().len() >= 2);
}

#[test]
fn exit_messages_say_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/README.md", "# docs\n");
    // A folder without source files: exit 0, and said so.
    let out = sessionlint(dir.path(), &["check", "docs"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "no source files found (.swift, .m, .mm, .h, .rs)\n"
    );
    // Naming a file sessionlint does not lint: a usage error.
    let out = sessionlint(dir.path(), &["check", "docs/README.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: docs/README.md is not a source file sessionlint lints (.swift, .m, .mm, .h, .rs)\n"
    );
    // --strict with only a parse problem: exit 1, and not "no problems found".
    std::fs::write(
        dir.path().join("Bad.swift"),
        b"let a = \"\xfe\"\nfunc f(s: URLSession) { s.finishTasksAndInvalidate() }\n",
    )
    .unwrap();
    let out = sessionlint(dir.path(), &["check", "--strict", "Bad.swift"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "no findings, but 1 file could not be fully read or parsed\n"
    );
}

#[test]
fn misspelt_suppressions_are_always_reported_with_the_right_spelling() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "A.swift",
        "func fetch(_ url: URL) {\n    // sessionlint: disable-next-line SL001\n    let session = URLSession(configuration: .ephemeral)\n    session.dataTask(with: url).resume()\n}\n",
    );
    write(
        dir.path(),
        "B.m",
        "void f(NSURL *u) {\n    [[NSURLSession.sharedSession dataTaskWithURL:u] resume]; // sessionlint:disable-line SL0001\n}\n",
    );
    let out = sessionlint(dir.path(), &["check", "--format", "json"]);
    let json = json(&out);
    let diags = json["diagnostics"].as_array().unwrap();
    let messages: Vec<(&str, &str, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The misspelt directive suppresses nothing, so the leak is still reported.
    assert!(
        messages.iter().any(|m| m.0 == "SL001" && m.2 == 3),
        "{json}"
    );
    assert!(messages.contains(&(
        "SL000",
        "`sessionlint: disable-next-line` is not a suppression directive and suppresses nothing: did you mean `sessionlint:disable-next-line`?",
        2
    )), "{json}");
    assert!(
        messages.contains(&(
            "SL000",
            "unknown rule `SL0001` in suppression comment: did you mean `SL001`?",
            2
        )),
        "{json}"
    );
    assert!(diags
        .iter()
        .filter(|d| d["rule"] == "SL000")
        .all(|d| d["severity"] == "warning"));
}

#[test]
fn a_baseline_matches_from_a_subfolder_and_keeps_identical_lines_apart() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "sessionlint.toml", "");
    write(
        root,
        "Sources/Client.swift",
        &format!(
            "func a(_ url: URL) {{\n{}",
            &LEAK[LEAK.find('\n').unwrap() + 1..]
        ),
    );
    let out = sessionlint(root, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let baseline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["findings"][0]["path"], "Sources/Client.swift");
    // From a subfolder, the baselined finding stays hidden.
    let out = sessionlint(
        &root.join("Sources"),
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "../baseline.json",
        ],
    );
    assert_eq!(diagnostics(&out), vec![], "{}", stdout(&out));
    // A new function with the identical line above `a`: the new one is reported, not `a`'s.
    let old = std::fs::read_to_string(root.join("Sources/Client.swift")).unwrap();
    let new = format!(
        "func b(_ url: URL) {{\n{}\n{old}",
        &LEAK[LEAK.find('\n').unwrap() + 1..]
    );
    write(root, "Sources/Client.swift", &new);
    let out = sessionlint(
        root,
        &["check", "--format", "json", "--baseline", "baseline.json"],
    );
    assert_eq!(
        diagnostics(&out),
        vec![("Sources/Client.swift".to_string(), "SL001".to_string(), 2)]
    );
}

/// The xcode line format against clang's own: the same path:line:col shape, and a column in
/// UTF-8 bytes after non-ASCII text (clang counts bytes; a character count would be lower).
#[test]
fn xcode_columns_are_bytes_as_clang_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = "    NSString *é = @\"ü 🚀\"; ";
    let line = format!("{prefix}NSURLSession *s = [NSURLSession sessionWithConfiguration:c];");
    write(
        dir.path(),
        "Fetcher.m",
        &format!("void f(NSURLSessionConfiguration *c, NSURL *u) {{\n{line}\n    [[s dataTaskWithURL:u] resume];\n}}\n"),
    );
    let out = sessionlint(dir.path(), &["check", "--format", "xcode"]);
    let text = stdout(&out);
    let file = dir.path().join("Fetcher.m");
    let expected_column = prefix.len() + "NSURLSession *s = ".len() + 1;
    assert!(expected_column > prefix.chars().count() + "NSURLSession *s = ".len() + 1);
    let ours = format!("{}:2:{expected_column}: error: ", file.display());
    assert!(text.starts_with(&ours), "{text}");

    let Ok(clang) = Command::new("clang").arg("--version").output() else {
        eprintln!("clang not installed: compared with the byte count only");
        return;
    };
    assert!(clang.status.success());
    // The same bytes before the same column in C: the prefix's first four bytes (spaces)
    // become `/*` `*/` around the rest, and an undeclared identifier stands where the session
    // is created.
    let c_line = format!(
        "/*{}*/zz;",
        &line[4..prefix.len() + "NSURLSession *s = ".len()]
    );
    write(
        dir.path(),
        "same.c",
        &format!("void f(void) {{\n{c_line}\n}}\n"),
    );
    let clang = Command::new("clang")
        .args(["-fsyntax-only", "-fno-color-diagnostics", "same.c"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let diagnostics = String::from_utf8_lossy(&clang.stderr);
    let first = diagnostics.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("same.c:2:{expected_column}: error: ")),
        "clang: {diagnostics}"
    );
}

/// The README's Xcode Run Script, run as Xcode runs it: a minimal PATH without cargo's or
/// Homebrew's folders, `SRCROOT` set, sessionlint installed in `~/.cargo/bin`.
#[test]
fn the_readme_run_script_finds_sessionlint_without_xcodes_path() {
    let readme = include_str!("../README.md");
    let section = &readme[readme
        .find("#### Xcode Run Script build phase")
        .expect("section")..];
    let start = section.find("```sh\n").expect("script") + "```sh\n".len();
    let script = &section[start..start + section[start..].find("```").unwrap()];
    assert!(script.contains("--format xcode"), "{script}");

    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join(".cargo/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sessionlint"), bin.join("sessionlint")).unwrap();
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "App/Leak.swift", LEAK);
    let out = Command::new("/bin/sh")
        .args(["-c", script])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("SRCROOT", project.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let expected = format!(
        "{}:2:19: error: ",
        project.path().join("App/Leak.swift").display()
    );
    assert!(stdout(&out).starts_with(&expected), "{}", stdout(&out));

    // Not installed anywhere: a build-log warning that says how to install it.
    let out = Command::new("/bin/sh")
        .args(["-c", script])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", project.path())
        .env("SRCROOT", project.path())
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("warning: sessionlint is not installed"));
}
