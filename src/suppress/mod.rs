//! Suppression comments (`sessionlint:disable-next-line`, `disable-line`, `disable`/`enable`),
//! read from each file's comments and applied to the findings of a run.

pub mod parse;

use crate::facts::Span;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::registry::{self, Examples, RuleMeta, Severity};
use crate::run::{Finding, Outcome, SourceFile};
use parse::Kind;
use std::sync::OnceLock;

/// The id sessionlint reports unused suppressions under (`--report-unused-suppressions`).
pub const UNUSED_SUPPRESSION: &str = "SL000";

/// The words of the `unused-suppression` diagnostic (not an analysis rule: it has no logic file).
pub fn unused_suppression_meta() -> &'static RuleMeta {
    static META: OnceLock<RuleMeta> = OnceLock::new();
    META.get_or_init(|| RuleMeta {
        id: UNUSED_SUPPRESSION.into(),
        name: "unused-suppression".into(),
        severity: Severity::Warning,
        languages: vec!["swift".into(), "objective-c".into(), "rust".into()],
        summary: "A suppression comment that suppresses nothing".into(),
        help: "fix the comment's spelling or rule id, or remove the comment (or the rule ids in \
            it that no longer fire here)"
            .into(),
        explanation: "## What it does\nAlways reports a `sessionlint:` comment that is not a \
            valid directive (`// sessionlint: disable-next-line` with a space, an unknown verb, \
            an unknown rule id or name), with the closest valid spelling. With \
            `--report-unused-suppressions`, also reports a valid `sessionlint:disable...` \
            comment (or one rule named in it) that suppressed no finding.\n\n## Why is this \
            bad?\nA misspelt directive suppresses nothing, silently: the finding it was meant \
            for still fails the build, or the author believes a line is covered when it is \
            not. A stale suppression hides the next real finding on that line.\n"
            .into(),
        examples: Examples::default(),
    })
}

/// One rule (or all rules) suppressed on a range of lines, and whether it was needed.
struct Entry {
    file: usize,
    lines: std::ops::RangeInclusive<u32>,
    /// A rule id; `None` = all rules.
    rule: Option<&'static str>,
    /// The word as written (for the unused message), or `None` for "all".
    written: Option<String>,
    comment: Span,
    used: bool,
}

/// Removes suppressed findings. With `report_unused`, adds an `unused-suppression` warning for
/// every directive entry that suppressed nothing (rules that are off in `enabled` excepted).
/// Misspelt directives and unknown rule ids are always reported (they would otherwise
/// suppress nothing, silently).
pub fn apply(outcome: &mut Outcome, report_unused: bool, enabled: &dyn Fn(&str) -> bool) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut typos: Vec<Finding> = Vec::new();
    for (file_id, file) in outcome.files.iter().enumerate() {
        collect_entries(file_id, file, &mut entries);
        collect_typos(file_id, file, &mut typos);
    }
    if !typos.is_empty() {
        outcome.findings.append(&mut typos);
        sort_findings(outcome);
    }
    if entries.is_empty() {
        return;
    }
    // Entries are collected file by file: index each file's run of them.
    let mut by_file: std::collections::HashMap<usize, std::ops::Range<usize>> =
        std::collections::HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        by_file.entry(entry.file).or_insert(i..i).end = i + 1;
    }
    outcome.findings.retain(|finding| {
        let d = &finding.diagnostic;
        let Some(range) = by_file.get(&d.file) else {
            return true;
        };
        let file = &outcome.files[d.file];
        let line = file.lines.line_of(d.span.start);
        let mut suppressed = false;
        for entry in &mut entries[range.clone()] {
            if entry.lines.contains(&line) && entry.rule.is_none_or(|r| r == d.rule) {
                entry.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    for entry in entries.iter().filter(|e| !e.used) {
        let unknown = entry.rule.is_none() && entry.written.is_some();
        if (!report_unused && !unknown) || entry.rule.is_some_and(|r| !enabled(r)) {
            continue;
        }
        let message = match &entry.written {
            Some(word) if entry.rule.is_none() => match parse::closest_rule(word) {
                Some(near) => {
                    format!("unknown rule `{word}` in suppression comment: did you mean `{near}`?")
                }
                None => format!(
                    "unknown rule `{word}` in suppression comment (`sessionlint rules` lists them)"
                ),
            },
            Some(word) => format!("unused suppression: `{word}` reports nothing here"),
            None => "unused suppression: no finding here to suppress".into(),
        };
        outcome.findings.push(Finding {
            diagnostic: Diagnostic {
                rule: UNUSED_SUPPRESSION,
                fix: None,
                file: entry.file,
                span: entry.comment,
                message,
                related: Vec::new(),
            },
            severity: Severity::Warning,
        });
    }
    sort_findings(outcome);
}

/// A warning for each comment that looks meant as a directive but is not one.
fn collect_typos(file_id: usize, file: &SourceFile, out: &mut Vec<Finding>) {
    for comment in &file.comments {
        let Some(typo) = parse::malformed(&comment.text) else {
            continue;
        };
        out.push(Finding {
            diagnostic: Diagnostic {
                rule: UNUSED_SUPPRESSION,
                file: file_id,
                span: comment.span,
                message: format!(
                    "`{}` is not a suppression directive and suppresses nothing: did you mean `{}`?",
                    typo.written, typo.suggestion
                ),
                related: Vec::new(),
                fix: None,
            },
            severity: Severity::Warning,
        });
    }
}

fn sort_findings(outcome: &mut Outcome) {
    crate::run::sort_findings(&mut outcome.findings, &outcome.files);
}

fn collect_entries(file_id: usize, file: &SourceFile, entries: &mut Vec<Entry>) {
    let last_line = file.lines.line_count() as u32;
    // Open `disable` regions: (start line, rule, written word, comment).
    let mut open: Vec<(u32, Option<&'static str>, Option<String>, Span)> = Vec::new();
    let mut push = |lines, rule, written, comment| {
        entries.push(Entry {
            file: file_id,
            lines,
            rule,
            written,
            comment,
            used: false,
        })
    };
    for comment in &file.comments {
        let Some(directive) = parse::parse(&comment.text) else {
            continue;
        };
        let first = file.lines.line_col(&file.text, comment.span.start).line;
        let last = file
            .lines
            .line_col(
                &file.text,
                comment.span.end.saturating_sub(1).max(comment.span.start),
            )
            .line;
        // Known rules as (id, word); an unknown word covers no line (reported when unused).
        let mut targets: Vec<(Option<&'static str>, Option<String>)> = Vec::new();
        for word in &directive.rules {
            match registry::find(word) {
                Some(rule) => targets.push((Some(rule.id.as_str()), Some(word.clone()))),
                None if directive.kind != Kind::Enable => {
                    push(0..=0, None, Some(word.clone()), comment.span)
                }
                None => {}
            }
        }
        if directive.rules.is_empty() {
            targets.push((None, None));
        }
        match directive.kind {
            Kind::DisableNextLine => {
                for (rule, written) in targets {
                    push(last + 1..=last + 1, rule, written, comment.span);
                }
            }
            Kind::DisableLine => {
                for (rule, written) in targets {
                    push(first..=last, rule, written, comment.span);
                }
            }
            Kind::Disable => {
                for (rule, written) in targets {
                    open.push((first, rule, written, comment.span));
                }
            }
            Kind::Enable => {
                let closes_all = directive.rules.is_empty();
                let mut still_open = Vec::new();
                for region in open.drain(..) {
                    let closes = closes_all
                        || targets
                            .iter()
                            .any(|(rule, _)| rule.is_some() && *rule == region.1);
                    if closes {
                        push(region.0..=last, region.1, region.2, region.3);
                    } else {
                        still_open.push(region);
                    }
                }
                open = still_open;
            }
        }
    }
    for (start, rule, written, comment) in open {
        push(start..=last_line, rule, written, comment);
    }
}
