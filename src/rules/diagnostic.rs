//! What a rule reports: a rule id, a primary span and secondary labels, all in facts terms.

use crate::facts::Span;
use serde::{Deserialize, Serialize};

/// Index of a file in the run's file list.
pub type FileId = usize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub related: Vec<Related>,
    /// A change that would remove the finding, when the rule knows one (see [`crate::fix`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::Fix>,
}

/// A secondary location that explains the diagnostic (the early exit, the `deinit`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}
