//! `sessionlint explain` and `sessionlint rules` print the rules' own words.

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn explain_accepts_an_id_or_a_name() {
    let (code, by_id, _) = run(&["explain", "SL004"]);
    assert_eq!(code, Some(0));
    let rule = sessionlint::rules::registry::get("SL004");
    assert!(by_id.starts_with("# SL004 `invalidate-in-deinit-with-delegate-cycle`\n"));
    assert!(by_id.contains(rule.explanation.trim()));
    assert!(by_id.contains(&format!("## Fix\n{}", rule.help)));
    // Objective-C and Rust users get examples in their language, without the test marker.
    assert!(by_id.contains("## In Objective-C\nReported:\n```objc\n@interface StreamReader"));
    assert!(by_id.contains("## In Rust\nReported:\n```rust\npub struct Downloader"));
    assert!(by_id.contains("- (void)dealloc {"), "{by_id}");
    assert!(!by_id.contains('↓'));
    let (_, by_name, _) = run(&["explain", "invalidate-in-deinit-with-delegate-cycle"]);
    assert_eq!(by_id, by_name);
    let (code, _, err) = run(&["explain", "SL999"]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: unknown rule `SL999`; valid rules: SL001"));
}

#[test]
fn rules_lists_every_rule_in_a_table() {
    let (code, table, _) = run(&["rules"]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID     NAME"));
    let all = sessionlint::rules::registry::all();
    assert_eq!(lines.len(), all.len() + 1);
    for (line, rule) in lines[1..].iter().zip(all) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            &cells[..3],
            &[rule.id.as_str(), rule.name.as_str(), rule.severity.as_str()]
        );
        assert!(line.ends_with(&rule.summary));
    }
}
