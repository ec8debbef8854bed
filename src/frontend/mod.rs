//! Front-ends: one per language. Each parses a file and lowers it to [`FileFacts`].
//!
//! Only this folder knows tree-sitter or syn. Lowering never fails: what a front-end
//! does not understand becomes [`crate::facts::ExprKind::Opaque`] and parse trouble
//! is recorded in [`FileFacts::problems`].

pub mod objc;
pub mod rust;
pub mod swift;

use crate::facts::{FileFacts, Language};
use std::path::Path;

/// Parses `text` (the file's contents, already decoded) and lowers it to facts.
pub fn lower(language: Language, text: &str, path: &Path) -> FileFacts {
    match language {
        Language::Swift => swift::lower(text),
        Language::ObjC => objc::lower(text, path),
        Language::Rust => rust::lower(text),
    }
}
