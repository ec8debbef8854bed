//! What the cache keeps of a run: what was read of each input, the last demand, and the
//! outcome without the source texts (those are read again for the files with findings, as a
//! run does).

use crate::facts::source::{Dropped, Stamp};
use crate::facts::{Comment, Language, LineIndex};
use crate::prefilter::Wanted;
use crate::run::{FileError, Finding, InputRecord, Outcome, SourceFile, Timings};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

#[derive(Serialize, Deserialize)]
pub struct Entry {
    /// When the run that made it started: an input modified since (or shortly before) may
    /// have changed without its size or time showing it, and is hashed again.
    pub started: SystemTime,
    /// Sorted by path.
    pub inputs: Vec<InputRecord>,
    pub wanted: Option<Wanted>,
    /// Whether every input that could be read was parsed (then a new one is, too).
    pub all_parsed: bool,
    pub files: Vec<StoredFile>,
    pub findings: Vec<StoredFinding>,
    pub errors: Vec<FileError>,
}

/// A [`Finding`], its rule by id.
#[derive(Serialize, Deserialize)]
pub struct StoredFinding {
    pub rule: String,
    pub file: usize,
    pub span: crate::facts::Span,
    pub message: String,
    pub related: Vec<crate::rules::diagnostic::Related>,
    pub fix: Option<crate::fix::Fix>,
    pub severity: crate::rules::registry::Severity,
}

impl StoredFinding {
    fn of(finding: &Finding) -> StoredFinding {
        let d = &finding.diagnostic;
        StoredFinding {
            rule: d.rule.to_string(),
            file: d.file,
            span: d.span,
            message: d.message.clone(),
            related: d.related.clone(),
            fix: d.fix.clone(),
            severity: finding.severity,
        }
    }

    /// `None` for a rule this build does not have.
    fn into_finding(self) -> Option<Finding> {
        let rule = crate::rules::registry::find(&self.rule)?;
        Some(Finding {
            diagnostic: crate::rules::diagnostic::Diagnostic {
                rule: rule.id.as_str(),
                file: self.file,
                span: self.span,
                message: self.message,
                related: self.related,
                fix: self.fix,
            },
            severity: self.severity,
        })
    }
}

/// A [`SourceFile`] without its text, unless suppressions read it.
#[derive(Serialize, Deserialize)]
pub struct StoredFile {
    pub path: PathBuf,
    pub language: Language,
    pub lines: LineIndex,
    pub comments: Vec<Comment>,
    pub text_len: usize,
    pub text: Option<String>,
}

impl StoredFile {
    /// `shown`: whether a finding points into it (else its line index, only ever read to
    /// place findings and suppressions, is not kept unless it has suppression comments).
    pub fn of(file: &SourceFile, shown: bool) -> StoredFile {
        let text_len = file
            .dropped
            .map_or(file.text.len(), |dropped| dropped.text_len);
        let commented = !file.comments.is_empty();
        StoredFile {
            path: file.path.clone(),
            language: file.language,
            lines: if shown || commented {
                file.lines.clone()
            } else {
                LineIndex::default()
            },
            comments: file.comments.clone(),
            text_len,
            text: (commented && file.dropped.is_none()).then(|| file.text.to_string()),
        }
    }

    /// The file as a run leaves it; a text not kept is marked dropped at `stamp` (what the
    /// file is now), so it is read again if a finding needs it.
    pub fn into_source(self, stamp: Option<Stamp>) -> SourceFile {
        let (text, dropped) = match self.text {
            Some(text) => (Arc::from(text), None),
            None => (
                Arc::from(""),
                stamp.map(|stamp| Dropped {
                    stamp,
                    text_len: self.text_len,
                }),
            ),
        };
        SourceFile {
            path: self.path,
            language: self.language,
            text,
            lines: self.lines,
            comments: self.comments,
            dropped,
        }
    }
}

impl Entry {
    pub fn new(
        started: SystemTime,
        all_parsed: bool,
        outcome: &Outcome,
        inventory: crate::run::Inventory,
    ) -> Entry {
        let mut inputs = inventory.inputs;
        inputs.sort_by(|a, b| crate::discover::path_order(&a.path, &b.path));
        let shown: std::collections::HashSet<usize> = outcome
            .findings
            .iter()
            .flat_map(|f| {
                let d = &f.diagnostic;
                std::iter::once(d.file).chain(d.related.iter().map(|r| r.file))
            })
            .collect();
        Entry {
            started,
            all_parsed,
            inputs,
            wanted: inventory.wanted,
            files: outcome
                .files
                .iter()
                .enumerate()
                .map(|(id, file)| StoredFile::of(file, shown.contains(&id)))
                .collect(),
            findings: outcome.findings.iter().map(StoredFinding::of).collect(),
            errors: outcome.errors.clone(),
        }
    }

    /// Whether every finding's rule is one of this build's.
    pub fn rules_known(&self) -> bool {
        self.findings
            .iter()
            .all(|f| crate::rules::registry::find(&f.rule).is_some())
    }

    /// The stored outcome, its files' texts marked dropped at the stamps given by path (a
    /// finding of a rule this build does not have is left out: see [`Entry::rules_known`]).
    pub fn into_outcome(self, stamp: &dyn Fn(&std::path::Path) -> Option<Stamp>) -> Outcome {
        let findings = self
            .findings
            .into_iter()
            .filter_map(StoredFinding::into_finding)
            .collect();
        // The inputs a run would have left to the prefilter: recorded, not parsed.
        let parsed: std::collections::HashSet<&std::ffi::OsStr> =
            self.files.iter().map(|f| f.path.as_os_str()).collect();
        let files_skipped = self
            .inputs
            .iter()
            .filter(|r| !parsed.contains(r.path.as_os_str()))
            .count();
        let timings = Timings {
            files_parsed: self.files.len(),
            files_skipped,
            ..Timings::default()
        };
        Outcome {
            files: self
                .files
                .into_iter()
                .map(|f| {
                    let now = stamp(&f.path);
                    f.into_source(now)
                })
                .collect(),
            findings,
            errors: self.errors,
            timings,
        }
    }
}
