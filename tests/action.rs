//! The GitHub Action's shell logic (`scripts/action/*.sh`, called by `action.yml`), run here
//! on sample trees as the action's steps run it: with the built binary on PATH and a
//! `GITHUB_OUTPUT` file; the install script with a stand-in `cargo` that records its call.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn path_with(dir: &Path) -> String {
    format!("{}:/usr/bin:/bin", dir.display())
}

/// Runs `scripts/action/run.sh` in `dir` with the real binary first on PATH.
fn run_script(dir: &Path, env: &[(&str, &str)]) -> (Output, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_sessionlint"))
        .parent()
        .unwrap();
    let outputs = dir.join("github_output");
    std::fs::write(&outputs, "").unwrap();
    let out = Command::new(repo().join("scripts/action/run.sh"))
        .current_dir(dir)
        .env("PATH", path_with(bin))
        .env("GITHUB_OUTPUT", &outputs)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (out, std::fs::read_to_string(&outputs).unwrap())
}

fn sample_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("Sources/App")).unwrap();
    std::fs::write(
        dir.path().join("Sources/App/Net.swift"),
        "import Foundation\n\nfunc ping(_ url: URL) {\n    let session = URLSession(configuration: .default)\n    session.dataTask(with: url).resume()\n}\n\nfunc signOut() {\n    URLSession.shared.invalidateAndCancel()\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Sources/App/Clean.swift"),
        "func add(_ a: Int, _ b: Int) -> Int { a + b }\n",
    )
    .unwrap();
    dir
}

#[test]
fn annotations_for_the_pull_request_and_the_exit_code_as_output() {
    let dir = sample_tree();
    let (out, outputs) = run_script(dir.path(), &[("SESSIONLINT_FORMAT", "github")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "findings do not stop the step");
    assert_eq!(outputs, "exit-code=1\n");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("::error file=Sources/App/Net.swift,line=4,col=19,"),
        "{stdout}"
    );
    assert!(lines[0].contains("title=SL001 session-not-invalidated::"));
    assert!(lines[1].starts_with("::notice file=Sources/App/Net.swift,line=9,"));
}

#[test]
fn a_sarif_log_for_code_scanning_with_paths_and_options_passed_through() {
    let dir = sample_tree();
    let (out, outputs) = run_script(
        dir.path(),
        &[
            ("SESSIONLINT_FORMAT", "sarif"),
            ("SESSIONLINT_SARIF_FILE", "out/results.sarif"),
            (
                "SESSIONLINT_PATHS",
                "Sources/App/Net.swift Sources/App/Clean.swift",
            ),
            ("SESSIONLINT_ARGS", "--ignore SL006"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outputs, "exit-code=1\n");
    let log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/results.sarif")).unwrap())
            .unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["SL001"], "--ignore SL006 was passed through");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Sources/App/Net.swift"
    );
}

#[test]
fn a_clean_tree_outputs_zero_and_a_bad_input_fails_the_step() {
    let dir = sample_tree();
    std::fs::remove_file(dir.path().join("Sources/App/Net.swift")).unwrap();
    let (out, outputs) = run_script(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(outputs, "exit-code=0\n");
    assert!(out.stdout.is_empty());

    let (out, _) = run_script(dir.path(), &[("SESSIONLINT_FORMAT", "json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("::error title=sessionlint action::"));

    // A usage error (an unknown rule) fails the step at once, with its exit code.
    let (out, outputs) = run_script(dir.path(), &[("SESSIONLINT_ARGS", "--select SL999")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(outputs, "exit-code=2\n");
}

/// A `cargo` that records its arguments and "installs" a sessionlint that prints a version.
fn fake_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" >> {log}\nprintf '#!/bin/sh\\necho sessionlint 0.1.0\\n' > {bin}/sessionlint\nchmod +x {bin}/sessionlint\n",
            log = dir.join("cargo.log").display(),
            bin = bin.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn install(dir: &Path, bin: &Path, version: &str) -> String {
    let out = Command::new(repo().join("scripts/action/install.sh"))
        .env("PATH", path_with(bin))
        .env("SESSIONLINT_VERSION", version)
        .env("GITHUB_ACTION_PATH", "/actions/sessionlint")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(dir.join("cargo.log")).unwrap_or_default()
}

#[test]
fn install_builds_the_tag_or_the_action_checkout_and_keeps_a_cached_binary() {
    let dir = tempfile::tempdir().unwrap();
    let bin = fake_cargo(dir.path());
    assert_eq!(
        install(dir.path(), &bin, "v0.2.0"),
        "install --locked --git https://github.com/sessionlint/sessionlint --tag v0.2.0 sessionlint\n"
    );
    // The binary now on PATH says 0.1.0: asking for v0.1.0 installs nothing.
    std::fs::remove_file(dir.path().join("cargo.log")).unwrap();
    assert_eq!(install(dir.path(), &bin, "v0.1.0"), "");
    assert_eq!(
        install(dir.path(), &bin, ""),
        "install --locked --path /actions/sessionlint\n"
    );
}

#[test]
fn the_action_calls_the_scripts_and_passes_every_input_it_declares() {
    let action = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    for script in ["scripts/action/install.sh", "scripts/action/run.sh"] {
        assert!(action.contains(&format!("$GITHUB_ACTION_PATH/{script}")));
        let mode = std::fs::metadata(repo().join(script)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert!(
            mode.permissions().mode() & 0o111 != 0,
            "{script} is executable"
        );
    }
    for input in [
        "version",
        "paths",
        "format",
        "sarif-file",
        "upload-sarif",
        "args",
        "fail-on-findings",
        "working-directory",
    ] {
        assert!(
            action.contains(&format!("\n  {input}:\n")),
            "{input} declared"
        );
        assert!(
            action.contains(&format!("inputs.{input}")),
            "{input} is used"
        );
    }
    assert!(action.contains("uses: github/codeql-action/upload-sarif@v3"));
}
