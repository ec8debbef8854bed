//! Hand-made outcomes for the report tests: real files, real spans, awkward paths and messages.
#![allow(dead_code)]

use sessionlint::facts::{Comment, Language, Span};
use sessionlint::rules::diagnostic::{Diagnostic, Related};
use sessionlint::rules::registry::Severity;
use sessionlint::run::{ErrorKind, FileError, Finding, Outcome, SourceFile, Timings};
use std::path::{Path, PathBuf};

pub const CWD: &str = "/work/my app";

pub const SWIFT: &str = "import Foundation

final class Client {
    func fetch(_ url: URL) {
        let session = URLSession(configuration: .ephemeral)
        guard let host = url.host else { return }
        session.dataTask(with: url).resume()
        session.finishTasksAndInvalidate()
    }
}
";

pub const OBJC: &str = "@implementation Fetcher
- (void)fetch {
    NSString *é = @\"ü\"; NSURLSession *s = [NSURLSession sessionWithConfiguration:c];
    [[s dataTaskWithURL:u] resume];
}
@end
";

pub const RUST: &str = "fn stop() {
    unsafe { NSURLSession::sharedSession().invalidateAndCancel() };
}
";

pub fn source(path: &str, language: Language, text: &str) -> SourceFile {
    SourceFile::new(PathBuf::from(path), language, text, comments_of(text))
}

/// `//` comments to end of line: enough for the suppression tests.
pub fn comments_of(text: &str) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(at) = line.find("//") {
            let end = line.trim_end_matches(['\n', '\r']).len();
            comments.push(Comment {
                span: Span::new(offset + at, offset + end),
                text: line[at..end].to_string(),
            });
        }
        offset += line.len();
    }
    comments
}

/// The span of the `nth` (0-based) occurrence of `needle` in the file's text.
pub fn span_of(file: &SourceFile, needle: &str, nth: usize) -> Span {
    let (start, _) = file
        .text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not in {}", file.path.display()));
    Span::new(start, start + needle.len())
}

pub fn finding(
    files: &[SourceFile],
    rule: &'static str,
    severity: Severity,
    file: usize,
    needle: &str,
    message: &str,
    related: Vec<(usize, &str, &str)>,
) -> Finding {
    Finding {
        diagnostic: Diagnostic {
            rule,
            fix: None,
            file,
            span: span_of(&files[file], needle, 0),
            message: message.into(),
            related: related
                .into_iter()
                .map(|(f, needle, message)| Related {
                    file: f,
                    span: span_of(&files[f], needle, 0),
                    message: message.into(),
                })
                .collect(),
        },
        severity,
    }
}

/// Three files (one with spaces, a comma and non-ASCII in its path, one outside the cwd),
/// a finding of each severity, a message with `%`, `:`, `,` and a newline, and two errors.
pub fn awkward_outcome() -> Outcome {
    let files = vec![
        source(
            "/work/my app/Sources/Net, Core/Café Client.swift",
            Language::Swift,
            SWIFT,
        ),
        source("/work/my app/Sources/Ünï/Fetcher.m", Language::ObjC, OBJC),
        source("/elsewhere/vendor/stop.rs", Language::Rust, RUST),
    ];
    let findings = vec![
        finding(
            &files,
            "SL002",
            Severity::Warning,
            0,
            "URLSession(configuration: .ephemeral)",
            "`session` is not invalidated when the `guard` exits: 100% of those paths leak,\nsee line 6",
            vec![(0, "return", "this exit skips `session.finishTasksAndInvalidate()`")],
        ),
        finding(
            &files,
            "SL001",
            Severity::Error,
            1,
            "[NSURLSession sessionWithConfiguration:c]",
            "`s` is never invalidated",
            vec![],
        ),
        finding(
            &files,
            "SL006",
            Severity::Note,
            2,
            "NSURLSession::sharedSession().invalidateAndCancel()",
            "invalidating the shared session has no effect",
            vec![],
        ),
    ];
    Outcome {
        files,
        findings,
        errors: vec![
            FileError {
                path: PathBuf::from("/work/my app/Sources/Broken, 1.swift"),
                message: "could not parse: unexpected `}`".into(),
                line: Some(3),
                column: Some(5),
                kind: ErrorKind::Parse,
            },
            FileError {
                path: PathBuf::from("/work/my app/Sources/Locked.swift"),
                message: "cannot read: Permission denied (os error 13)".into(),
                line: None,
                column: None,
                kind: ErrorKind::Io,
            },
        ],
        timings: Timings::default(),
    }
}

pub fn cwd() -> &'static Path {
    Path::new(CWD)
}
