//! Shared helpers for the hostile-input tests.
//!
//! `toy_lower` is a stand-in front-end: every `URLSession(` in a file becomes a free function
//! that creates a session and drops it (SL001 at that offset), and a file containing
//! `PANIC_HERE` makes it panic. It lets the pipeline's fault handling (reading, decoding,
//! isolation, ordering) be tested with real findings, independently of the real front-ends.
//! The same sources are valid Swift, so the `needs swift front-end` tests expect the same
//! findings from the real one.
#![allow(dead_code)]

use sessionlint::facts::*;
use sessionlint::run::{ErrorKind, Outcome, Settings};
use std::path::Path;

/// A Swift function that leaks one session, created on its second line at column 13.
pub const LEAK_SWIFT: &str = "func leak() {\n    let s = URLSession(configuration: .default)\n    s.dataTask(with: URL(string: \"https://example.com\")!).resume()\n}\n";

/// The stand-in front-end described in the module comment.
pub fn toy_lower(_language: Language, text: &str, _path: &Path) -> FileFacts {
    if text.contains("PANIC_HERE") {
        panic!("injected fault");
    }
    let functions = text
        .match_indices("URLSession(")
        .map(|(at, _)| leaking_function(at))
        .collect();
    FileFacts {
        functions,
        ..FileFacts::default()
    }
}

/// `func f() { let s = <session created at `at`> }`.
pub fn leaking_function(at: usize) -> Function {
    Function {
        name: format!("leak_{at}"),
        kind: FunctionKind::Free,
        owner: None,
        params: Vec::new(),
        span: Span::new(at, at + 1),
        name_span: Span::new(at, at + 1),
        body: vec![let_session(at)].into(),
        visibility: Default::default(),
    }
}

pub fn let_session(at: usize) -> Stmt {
    Stmt {
        kind: StmtKind::Let {
            name: "s".into(),
            name_span: Span::new(at, at + 1),
            value: Some(new_session(at)),
            is_static: false,
        },
        span: Span::new(at, at + 1),
    }
}

pub fn new_session(at: usize) -> Expr {
    Expr {
        kind: ExprKind::NewSession(Creation {
            config: ConfigKind::Default,
            delegate_self: None,
            has_other_delegate: false,
        }),
        span: Span::new(at, at + "URLSession(".len()),
    }
}

pub fn settings() -> Settings {
    Settings {
        jobs: Some(2),
        ..Settings::default()
    }
}

/// Findings as (path as written, line, column, rule), in report order.
pub fn findings(outcome: &Outcome) -> Vec<(String, u32, u32, &'static str)> {
    outcome
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let file = &outcome.files[d.file];
            let pos = file.lines.line_col(&file.text, d.span.start);
            (
                file.path.to_string_lossy().into_owned(),
                pos.line,
                pos.column,
                d.rule,
            )
        })
        .collect()
}

/// Findings of one rule as (file name, line, column).
pub fn located(outcome: &Outcome, rule: &str) -> Vec<(String, u32, u32)> {
    findings(outcome)
        .into_iter()
        .filter(|f| f.3 == rule)
        .map(|(path, line, column, _)| (file_name(&path), line, column))
        .collect()
}

/// Errors as (file name, kind, message).
pub fn errors(outcome: &Outcome) -> Vec<(String, ErrorKind, String)> {
    outcome
        .errors
        .iter()
        .map(|e| {
            (
                file_name(&e.path.to_string_lossy()),
                e.kind,
                e.message.clone(),
            )
        })
        .collect()
}

pub fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// True when this process can read files whatever their permissions (root, CAP_DAC_OVERRIDE).
pub fn reads_despite_permissions(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").expect("write probe");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable = std::fs::read(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    readable
}
