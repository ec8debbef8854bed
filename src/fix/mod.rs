//! Fixes: what a rule proposes to change, and how that becomes text edits.
//!
//! A rule attaches a [`Fix`] in facts terms (spans, names): it never sees text. [`resolve`]
//! turns it into byte edits against the file's text and its language when it is shown or
//! applied, and refuses (returns `None`) when the text around the spans is not the plain
//! shape the fix assumes: no fix is better than a wrong one.

pub mod apply;
pub mod locate;
mod render;

use crate::facts::{Language, Name, Span};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Like ruff's: a safe fix changes nothing but the leak; an unsafe one may change what the
/// code does otherwise and is applied only with `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A proposed change for one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// What the change does, for people ("Remove the call ...").
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One change, in facts terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    /// Remove this statement (its whole line when nothing else is on it, the `;` that ends it).
    DeleteStatement(Span),
    /// Invalidate `session` (`finishTasksAndInvalidate`) when the scope it was created in
    /// ends. `creation` is the statement that binds it, `last` the scope's last statement,
    /// `leaves_early` whether anything after the creation can leave the scope before `last`.
    /// Swift writes a `defer` after the creation; languages without `defer` add the call
    /// after `last`, only when nothing leaves early.
    FinishAtScopeEnd {
        session: Name,
        creation: Span,
        last: Span,
        leaves_early: bool,
    },
}

/// A change of bytes: replace `range` of the text with `content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub content: String,
}

/// The fix's edits against `text`, sorted, or `None` when the text does not have the shape
/// the fix needs (or it was lost: a blanked text has no statement where the span points).
pub fn resolve(fix: &Fix, text: &str, language: Language) -> Option<Vec<TextEdit>> {
    let mut out = Vec::new();
    for edit in &fix.edits {
        out.push(render::edit(edit, text, language)?);
    }
    out.sort_by_key(|e| (e.range.start, e.range.end));
    let overlapping = out.windows(2).any(|w| w[1].range.start < w[0].range.end);
    (!overlapping).then_some(out)
}

/// Whether a fix of this applicability is applied, given `--unsafe-fixes`.
pub fn allowed(applicability: Applicability, unsafe_fixes: bool) -> bool {
    applicability == Applicability::Safe || unsafe_fixes
}
