//! Every output format over a hand-made outcome: snapshots, plus checks on the values that
//! matter to the tools reading them (GitHub, Xcode, SARIF consumers).

mod common;

use common::{awkward_outcome, cwd};
use sessionlint::report::{self, Format, Report};

fn render(format: Format) -> String {
    let outcome = awkward_outcome();
    let report = Report::new(&outcome, cwd());
    let mut out = Vec::new();
    report::write_invoked(&report, format, false, Some(&invocation()), &mut out).expect("write");
    String::from_utf8(out).expect("utf-8")
}

/// A run that exits 1 (findings) from a folder with a space, started and ended at fixed times.
fn invocation() -> report::Invocation {
    let at = |secs| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    report::Invocation {
        command_line: [
            "sessionlint",
            "check",
            "--format",
            "sarif",
            "Sources/Net, Core",
        ]
        .map(String::from)
        .to_vec(),
        working_directory: cwd().to_path_buf(),
        started: at(1_709_210_096),
        finished: at(1_709_210_098),
        exit_code: 1,
    }
}

#[test]
fn human_snapshot() {
    insta::assert_snapshot!("human", render(Format::Human));
}

#[test]
fn human_in_colour_uses_ansi_escapes() {
    let outcome = awkward_outcome();
    let report = Report::new(&outcome, cwd());
    let mut out = Vec::new();
    report::write(&report, Format::Human, true, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\u{1b}["), "no colour escapes in {text}");
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", render(Format::Json));
}

#[test]
fn json_values_follow_the_contract() {
    let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
    let first = &json["diagnostics"][0];
    assert_eq!(first["path"], "Sources/Net, Core/Café Client.swift");
    assert_eq!(first["rule"], "SL002");
    assert_eq!(first["name"], "session-invalidated-on-some-paths");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(5), Some(23))
    );
    assert_eq!(first["related"][0]["line"], 6);
    // Columns count characters: `é` and `ü` before the call are one column each.
    let objc = &json["diagnostics"][1];
    assert_eq!(objc["path"], "Sources/Ünï/Fetcher.m");
    assert_eq!(
        (objc["line"].as_u64(), objc["column"].as_u64()),
        (Some(3), Some(43))
    );
    assert_eq!(json["diagnostics"][2]["path"], "/elsewhere/vendor/stop.rs");
    assert_eq!(json["errors"][0]["path"], "Sources/Broken, 1.swift");
    assert_eq!(json["errors"][0]["line"], 3);
    assert_eq!(json["files_scanned"], 3);
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", render(Format::Github));
}

#[test]
fn github_lines_are_escaped_commands() {
    let text = render(Format::Github);
    let first = text.lines().next().unwrap();
    let help = &sessionlint::rules::registry::get("SL002").help;
    assert_eq!(
        first,
        format!(
            "::warning file=Sources/Net%2C Core/Café Client.swift,line=5,col=23,endLine=5,endColumn=60,\
             title=SL002 session-invalidated-on-some-paths::`session` is not invalidated when the \
             `guard` exits: 100%25 of those paths leak,%0Asee line 6%0Ahelp: {help}"
        )
    );
    assert!(text
        .lines()
        .any(|l| l.starts_with("::error file=Sources/Ünï/Fetcher.m,line=3,col=43,")));
    assert!(text
        .lines()
        .any(|l| l.starts_with("::notice file=/elsewhere/vendor/stop.rs,line=2,")));
    // One command a line: no raw newline inside a message.
    assert!(text.lines().all(|l| l.starts_with("::")));
}

#[test]
fn xcode_snapshot() {
    insta::assert_snapshot!("xcode", render(Format::Xcode));
}

#[test]
fn xcode_lines_have_absolute_paths() {
    let text = render(Format::Xcode);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with(
        "/work/my app/Sources/Net, Core/Café Client.swift:5:23: warning: `session` is not invalidated"
    ));
    assert!(lines[0].ends_with("see line 6 (SL002)"), "{}", lines[0]);
    assert_eq!(
        lines[1],
        "/work/my app/Sources/Net, Core/Café Client.swift:6:42: note: this exit skips `session.finishTasksAndInvalidate()`"
    );
    assert_eq!(
        lines[2],
        // Column 43 in characters, 45 in UTF-8 bytes (`é` and `ü` take two), as clang counts.
        "/work/my app/Sources/Ünï/Fetcher.m:3:45: error: `s` is never invalidated (SL001)"
    );
    // Unreadable files are warnings (a bare note would nest under the finding before it);
    // parse trouble stays out of the build log.
    assert!(lines
        .iter()
        .any(|l| l.starts_with("/work/my app/Sources/Locked.swift: warning: sessionlint:")));
    assert!(!lines
        .iter()
        .any(|l| l.contains(": note:") && !l.contains("this exit skips")));
    assert!(!text.contains("Broken"));
}

#[test]
fn sarif_snapshot() {
    let sarif = render(Format::Sarif);
    // `.ci/validate-sarif` feeds this log (real results, awkward paths) to Microsoft's validator.
    if let Some(dir) = std::env::var_os("SESSIONLINT_SARIF_OUT") {
        std::fs::write(std::path::Path::new(&dir).join("handmade.sarif"), &sarif).unwrap();
    }
    insta::assert_snapshot!("sarif", sarif);
}

#[test]
fn sarif_results_carry_what_code_scanning_needs() {
    let sarif: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///work/my%20app/"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], result["ruleId"]);
    assert_eq!(rules[index]["id"], "SL002");
    assert_eq!(
        rules[index]["helpUri"],
        "https://github.com/sessionlint/sessionlint/blob/main/README.md#sl002-session-invalidated-on-some-paths"
    );
    assert_eq!(rules[index]["defaultConfiguration"]["level"], "warning");
    assert_eq!(result["level"], "warning");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "Sources/Net%2C%20Core/Caf%C3%A9%20Client.swift"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 5);
    assert_eq!(location["region"]["startColumn"], 23);
    assert_eq!(
        result["relatedLocations"][0]["message"]["text"],
        "this exit skips `session.finishTasksAndInvalidate()`"
    );
    assert!(result["partialFingerprints"]["sessionlint/v2"].is_string());
    // A file outside the source root gets an absolute URI and no base id.
    let outside = &run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(outside["uri"], "file:///elsewhere/vendor/stop.rs");
    assert!(outside.get("uriBaseId").is_none());
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 2);
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(invocation["exitCode"], 1);
    assert_eq!(
        invocation["commandLine"],
        "sessionlint check --format sarif 'Sources/Net, Core'"
    );
    assert_eq!(invocation["arguments"][3], "Sources/Net, Core");
    assert_eq!(
        invocation["workingDirectory"]["uri"],
        "file:///work/my%20app/"
    );
    assert_eq!(invocation["startTimeUtc"], "2024-02-29T12:34:56.000Z");
    assert_eq!(invocation["endTimeUtc"], "2024-02-29T12:34:58.000Z");
    // What code scanning ranks and filters by.
    let sl001 = rules.iter().find(|r| r["id"] == "SL001").unwrap();
    assert_eq!(sl001["properties"]["precision"], "high");
    assert_eq!(sl001["properties"]["problem.severity"], "error");
    let tags = sl001["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&"resource-leak".into()) && tags.contains(&"rust".into()));
    assert!(rules
        .iter()
        .all(|r| r["properties"].get("security-severity").is_none()));
    let sl000 = rules.iter().find(|r| r["id"] == "SL000").unwrap();
    assert_eq!(sl000["properties"]["problem.severity"], "warning");
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Sources/Broken%2C%201.swift"
    );
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let outcome = awkward_outcome();
    let empty = sessionlint::run::Outcome {
        files: Vec::new(),
        findings: Vec::new(),
        errors: Vec::new(),
        timings: Default::default(),
    };
    for outcome in [&outcome, &empty] {
        let report = Report::new(outcome, cwd());
        let mut out = Vec::new();
        report::write_invoked(&report, Format::Sarif, false, Some(&invocation()), &mut out)
            .unwrap();
        let instance: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "schema errors: {errors:#?}");
    }
}

/// Every rule's SARIF `helpUri` points at a heading the README has (GitHub's anchor slugs).
#[test]
fn sarif_help_links_point_at_readme_headings() {
    let readme = include_str!("../README.md");
    let anchors: std::collections::HashSet<String> = readme
        .lines()
        .filter(|l| l.starts_with('#') && l.trim_start_matches('#').starts_with(' '))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect();
    for rule in report::position::all_rules() {
        let uri = report::sarif::help_uri(rule);
        let anchor = uri.split_once('#').map(|(_, a)| a).unwrap_or_default();
        assert!(
            anchors.contains(anchor),
            "{}: no README heading for #{anchor}",
            rule.id
        );
    }
}
