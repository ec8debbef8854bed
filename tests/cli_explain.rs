//! `sessionlint check --explain FILE:LINE`: why a creation site is reported or silent.

use std::path::Path;
use std::process::{Command, Output};

fn sessionlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sessionlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const CLIENT: &str = r#"import Foundation

final class Client {
    var session: URLSession?
    func load(_ url: URL) {
        if session == nil {
            session = URLSession(configuration: .default)
        }
        session?.dataTask(with: url).resume()
    }
    func close() { session?.invalidateAndCancel() }
}

func leak(_ url: URL) {
    let s = URLSession(configuration: .ephemeral)
    s.dataTask(with: url).resume()
}

func handedOn(_ url: URL) {
    let s = URLSession(configuration: .ephemeral)
    register(s)
}

final class Fetcher: NSObject, URLSessionTaskDelegate {
    func start(_ url: URL) {
        let s = URLSession(configuration: .default, delegate: self, delegateQueue: nil)
        s.dataTask(with: url).resume()
    }
    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        session.finishTasksAndInvalidate()
    }
}
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Client.swift"), CLIENT).unwrap();
    dir
}

#[test]
fn a_stored_session_names_its_member_and_where_the_owner_invalidates_it() {
    let dir = project();
    let out = sessionlint(dir.path(), &["check", "--explain", "Client.swift:7"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("Client.swift:7:23: this session\n  silent:\n"),
        "{text}"
    );
    assert!(
        text.contains("stored in `Client.session` at line 7"),
        "{text}"
    );
    assert!(
        text.contains("`Client` invalidates `session` in `close` at line 11"),
        "{text}"
    );
}

#[test]
fn a_reported_site_says_which_rule_reports_it() {
    let dir = project();
    let out = sessionlint(dir.path(), &["check", "--explain", "Client.swift:15"]);
    let text = stdout(&out);
    assert!(
        text.contains("Client.swift:15:13: session `s`\n  reported: SL001"),
        "{text}"
    );
}

#[test]
fn json_lists_each_reason_with_its_kind_and_place() {
    let dir = project();
    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--explain", "Client.swift:20"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let site = &v["sites"][0];
    assert_eq!(site["line"], 20);
    assert_eq!(site["silent"], true);
    assert_eq!(site["reasons"][0]["kind"], "handed_off");
    assert_eq!(site["reasons"][0]["line"], 21);
    assert!(site["reasons"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`register`"));

    let out = sessionlint(
        dir.path(),
        &["check", "--format", "json", "--explain", "Client.swift:26"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let reason = &v["sites"][0]["reasons"][0];
    assert_eq!(reason["kind"], "invalidated_by_delegate");
    assert_eq!(reason["line"], 29);
}

#[test]
fn a_line_without_a_creation_says_so() {
    let dir = project();
    let out = sessionlint(dir.path(), &["check", "--explain", "Client.swift:9"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("no session is created on this line"));
}

#[test]
fn a_bad_location_exits_2() {
    let dir = project();
    for bad in [
        "Client.swift",
        "Client.swift:0",
        "Client.swift:x",
        "Missing.swift:3",
    ] {
        let out = sessionlint(dir.path(), &["check", "--explain", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

#[test]
fn a_rule_turned_off_is_a_reason_not_a_report() {
    let dir = project();
    let out = sessionlint(
        dir.path(),
        &["check", "--ignore", "SL001", "--explain", "Client.swift:15"],
    );
    let text = stdout(&out);
    assert!(
        text.contains("Client.swift:15:13: session `s`\n  silent:"),
        "{text}"
    );
    assert!(
        text.contains("SL001 would report it, but the configuration turns it off"),
        "{text}"
    );
}
