//! Objective-C front-end (tree-sitter-objc) for `.m`, `.mm` and `.h`.

use crate::facts::FileFacts;
use std::path::Path;

pub fn lower(_text: &str, path: &Path) -> FileFacts {
    FileFacts {
        declarations_only: path.extension().is_some_and(|e| e == "h"),
        ..FileFacts::default()
    }
}
