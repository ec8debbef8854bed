//! A linted file as reporting sees it: path, language, text (when kept), line index and the
//! comments suppressions read. Below `project` so that every stage can name it.

use super::{Language, LineIndex};
use std::path::PathBuf;
use std::sync::Arc;

/// A file that was linted: what reporting needs to show its diagnostics.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub language: Language,
    /// The text, for the files with findings or suppression comments. Other files' text is
    /// dropped after lowering (memory does not grow with the tree) and left empty.
    pub text: Arc<str>,
    pub lines: LineIndex,
    /// The comments suppressions are read from (a run keeps only those with a directive).
    pub comments: Vec<super::Comment>,
    /// Set while the text is dropped.
    pub(crate) dropped: Option<Dropped>,
}

impl SourceFile {
    pub fn new(
        path: PathBuf,
        language: Language,
        text: &str,
        comments: Vec<super::Comment>,
    ) -> SourceFile {
        SourceFile {
            path,
            language,
            lines: LineIndex::new(text),
            text: Arc::from(text),
            comments,
            dropped: None,
        }
    }
}

/// A file's size and modification time when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) len: u64,
    pub(crate) modified: Option<std::time::SystemTime>,
}

/// What is left of a dropped text: enough to tell whether the file changed before it is read
/// again, and to stand in for it if it did.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dropped {
    pub(crate) stamp: Stamp,
    pub(crate) text_len: usize,
}
