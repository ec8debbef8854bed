//! Junk next to a real leak (git merge-conflict markers, a stray `{`, an unterminated
//! string), before or after it: the function whose own text is intact is still analysed,
//! in every language.

use std::process::Command;

const RUST_LEAK: &str = "fn leak() {\n    let session = NSURLSession::sessionWithConfiguration(&config);\n    session.dataTaskWithURL(&url).resume();\n}\n";
const OBJC_LEAK: &str = "- (void)fetch:(NSURL *)url {\n    NSURLSession *session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];\n    [[session dataTaskWithURL:url] resume];\n}\n";
const SWIFT_LEAK: &str = "func leak() {\n    let session = URLSession(configuration: .default)\n    session.dataTask(with: url).resume()\n}\n";

const CONFLICT: &str = "<<<<<<< HEAD\nFIRST\n=======\nSECOND\n>>>>>>> topic\n";

/// The junk shapes, each as it would sit between top-level members (`{}` = an empty body).
fn junks(member: &str) -> Vec<(&'static str, String)> {
    let body = |name: &str| member.replace("NAME", name);
    vec![
        (
            "conflict",
            CONFLICT
                .replace("FIRST", &body("a"))
                .replace("SECOND", &body("b")),
        ),
        (
            "stray-brace",
            member
                .replace("NAME", "broken")
                .replace("{}", "{\n    {\n}"),
        ),
        (
            "open-string",
            member
                .replace("NAME", "broken")
                .replace("{}", "{ let s = \"open; }"),
        ),
    ]
}

/// Lints `text` as `name` and returns the SL001 lines.
fn sl001_lines(name: &str, text: &str) -> Vec<u64> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", name])
        .output()
        .expect("run sessionlint");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "SL001")
        .map(|d| d["line"].as_u64().unwrap())
        .collect()
}

/// Line (1-based) of the session's creation in `text`.
fn creation_line(text: &str) -> u64 {
    let at = text
        .find("let session")
        .or_else(|| text.find("NSURLSession *session"));
    1 + text[..at.unwrap()].matches('\n').count() as u64
}

/// `known_gap`: a (shape, leak first?) case the language does not recover yet; the test
/// fails once it does, so the gap is closed here too.
fn check_language(
    file: &str,
    [header, member, leak, footer]: [&str; 4],
    known_gap: Option<(&str, bool)>,
) {
    let mut failures = Vec::new();
    for (shape, junk) in junks(member) {
        for leak_first in [true, false] {
            let body = if leak_first {
                format!("{leak}\n{junk}\n")
            } else {
                format!("{junk}\n{leak}")
            };
            let text = format!("{header}{body}{footer}");
            let lines = sl001_lines(file, &text);
            let want = creation_line(&text);
            if known_gap == Some((shape, leak_first)) {
                assert!(lines.is_empty(), "{shape} now recovers: drop the known gap");
                continue;
            }
            if lines != [want] {
                let place = if leak_first { "before" } else { "after" };
                failures.push(format!(
                    "{shape}, leak {place} it: SL001 at {lines:?}, want [{want}]\n{text}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn rust_leak_next_to_junk_is_found() {
    let header = "use objc2_foundation::NSURLSession;\n\n";
    check_language("lib.rs", [header, "fn NAME() {}\n", RUST_LEAK, ""], None);
}

#[test]
fn objc_leak_next_to_junk_is_found() {
    let parts = [
        "@implementation Fetcher\n",
        "- (void)NAME {}\n",
        OBJC_LEAK,
        "@end\n",
    ];
    check_language("Fetcher.m", parts, None);
}

#[test]
fn swift_leak_next_to_junk_is_found() {
    let parts = ["import Foundation\n\n", "func NAME() {}\n", SWIFT_LEAK, ""];
    // Known gap: after a stray `{` the whole Swift file is one error node ("could not
    // parse this code"), so a leak after it is lost.
    check_language("Fetcher.swift", parts, Some(("stray-brace", false)));
}
