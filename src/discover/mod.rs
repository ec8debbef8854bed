//! Finding the files to lint: recursive, `.gitignore`-aware, by extension.

use crate::facts::Language;
use std::path::{Component, Path, PathBuf};

/// Folders never entered unless named on the command line: dependencies and build output.
const SKIPPED_DIRS: &[&str] = &["Pods", "Carthage", ".build", "DerivedData", "target"];

/// A path named on the command line that does not exist.
#[derive(Debug)]
pub struct MissingPath(pub PathBuf);

/// A problem met while walking (an unreadable folder, a symlink loop). The walk goes on.
#[derive(Debug, Clone)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

pub struct Discovered {
    /// Source files, sorted, without duplicates.
    pub files: Vec<PathBuf>,
    pub errors: Vec<WalkError>,
}

/// Expands `paths` into the source files to lint. Files named explicitly are always kept.
pub fn discover(paths: &[PathBuf], follow_symlinks: bool) -> Result<Discovered, MissingPath> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        // Anything named that is not a folder is kept: reading it reports what is wrong with
        // it (a FIFO, a symlink loop, no permission) instead of dropping it silently.
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(MissingPath(root.clone()))
            }
            _ => {
                files.push(root.clone());
                continue;
            }
        }
        walk(root, follow_symlinks, &mut files, &mut errors);
    }
    files.sort();
    files.dedup();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Discovered { files, errors })
}

fn walk(root: &Path, follow_symlinks: bool, files: &mut Vec<PathBuf>, errors: &mut Vec<WalkError>) {
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(follow_symlinks)
        .require_git(false)
        .filter_entry(|entry| {
            entry.depth() == 0
                || !entry.file_type().is_some_and(|t| t.is_dir())
                || !SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d)
        })
        .build_parallel();
    let (tx, rx) = std::sync::mpsc::channel();
    walker.run(|| {
        let tx = tx.clone();
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && Language::from_path(entry.path()).is_some() {
                        let _ = tx.send(Ok(entry.into_path()));
                    }
                }
                Err(err) => {
                    let path = error_path(&err).unwrap_or_else(|| root.to_path_buf());
                    let _ = tx.send(Err(WalkError {
                        path,
                        message: err.to_string(),
                    }));
                }
            }
            ignore::WalkState::Continue
        })
    });
    drop(tx);
    for item in rx {
        match item {
            Ok(path) => files.push(path),
            Err(e) => errors.push(e),
        }
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` removed lexically (no symlinks resolved).
pub fn absolute_path(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        lexical_clean(path)
    } else {
        lexical_clean(&cwd.join(path))
    }
}

/// `path` with `.` and `..` removed lexically.
pub fn lexical_clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}
