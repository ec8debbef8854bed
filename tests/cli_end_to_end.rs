//! End to end over small projects in `tests/data/`: real findings through every stage.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn copy_project(name: &str) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&from, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn sessionlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("json on stdout")
}

/// (rule, path, line, column) of each diagnostic.
fn diagnostics(out: &Output) -> Vec<(String, String, u64, u64)> {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn sl001(line: u64, column: u64) -> (String, String, u64, u64) {
    ("SL001".into(), "Sources/Client.swift".into(), line, column)
}

#[test]
fn findings_are_reported_and_suppressions_respected() {
    let dir = copy_project("cli_project");
    let out = sessionlint(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(diagnostics(&out), vec![sl001(4, 19)]);

    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--report-unused-suppressions"],
    );
    let found = diagnostics(&out);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        found[1].0, "SL000",
        "the suppression above the shared session is unused"
    );
    assert_eq!(found[1].2, 15);

    let out = sessionlint(dir.path(), &["check", "--exit-zero"]);
    assert_eq!(out.status.code(), Some(0));
    let out = sessionlint(
        dir.path(),
        &["check", "--fail-level", "error", "--ignore", "SL001"],
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn every_format_reports_the_finding() {
    let dir = copy_project("cli_project");
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let out = sessionlint(&root, &["check", "--format", "xcode"]);
    let expected = format!(
        "{}:4:19: error: ",
        root.join("Sources/Client.swift").display()
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&expected));
    let out = sessionlint(&root, &["check", "--format", "github"]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("::error file=Sources/Client.swift,line=4,col=19,"));
    let out = sessionlint(&root, &["check", "--format", "human", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[SL001]"), "{text}");
    assert!(text.contains("Sources/Client.swift:4:19"), "{text}");
    assert!(text.contains("= help: "), "{text}");

    let out = sessionlint(&root, &["check", "--format", "sarif"]);
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(validator.is_valid(&sarif));
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "SL001");
}

#[test]
fn a_baseline_survives_code_moving_down() {
    let dir = copy_project("cli_project");
    let out = sessionlint(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    let file = dir.path().join("Sources/Client.swift");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("// moved\n\n{text}")).unwrap();
    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--baseline", "baseline.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{:?}", diagnostics(&out));

    std::fs::write(
        &file,
        format!("{text}\nfunc more(_ url: URL) {{\n    let s = URLSession(configuration: .default)\n    s.dataTask(with: url).resume()\n}}\n"),
    )
    .unwrap();
    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--baseline", "baseline.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(diagnostics(&out), vec![sl001(20, 13)]);
}

#[test]
fn named_files_use_the_project_for_owner_context() {
    let dir = copy_project("cli_owner_project");
    // Alone, Owner.swift looks like a stored session nobody invalidates.
    let out = sessionlint(dir.path(), &["check", "--format", "json", "Owner.swift"]);
    assert_eq!(diagnostics(&out).len(), 1, "without context: SL003");
    // With the project root (what the pre-commit hook passes), the extension is seen.
    let out = sessionlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--project-root",
            ".",
            "Owner.swift",
        ],
    );
    assert_eq!(diagnostics(&out), vec![]);

    // The same for an editor buffer on stdin.
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "Owner.swift",
            "-",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(dir.path().join("Owner.swift")).unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(diagnostics(&out), vec![]);
}

#[test]
fn colours_follow_the_flag_and_no_color() {
    let dir = copy_project("cli_project");
    let run = |args: &[&str], no_color: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sessionlint"));
        command
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::null());
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    assert!(run(&["check", "--color", "always"], true).contains("\u{1b}["));
    assert!(!run(&["check", "--color", "never"], false).contains("\u{1b}["));
    // `auto` into a pipe: plain text.
    assert!(!run(&["check"], false).contains("\u{1b}["));
}

#[test]
fn the_bundled_example_gives_schema_valid_sarif() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let out = sessionlint(&demo, &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(uri["uriBaseId"], "%SRCROOT%");
        let relative = uri["uri"].as_str().unwrap();
        assert!(
            !relative.starts_with('/') && demo.join(relative).is_file(),
            "{uri}"
        );
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}
