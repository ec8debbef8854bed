//! Finding the files to lint: recursive, `.gitignore`-aware, by extension.
//!
//! Ignore rules are git's, read the way git reads them, so the files linted do not depend on
//! the machine: a `.gitignore` counts only inside the git repository its folder belongs to
//! (from the repository root down, never above it, and not at all outside a repository), and
//! so does the repository's `.git/info/exclude`. The user's global excludes
//! (`core.excludesFile`) and `.ignore` files are not read.

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
    /// Source files the ignore rules hid (counted only with [`Walk::count_ignored`]).
    pub ignored: Ignored,
}

/// How to walk folders.
#[derive(Clone, Copy, Debug, Default)]
pub struct Walk {
    pub follow_symlinks: bool,
    /// Lint what `.gitignore` and `.git/info/exclude` hide (`--no-ignore`).
    pub no_ignore: bool,
    /// Count the source files each kind of ignore rule hid (`--verbose`). It walks the
    /// folders twice more, once without each kind of rule.
    pub count_ignored: bool,
}

/// Source files hidden by ignore rules, by kind of rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ignored {
    /// By a `.gitignore` of the file's repository.
    pub gitignore: usize,
    /// By the repository's `.git/info/exclude` (and not by a `.gitignore`).
    pub git_exclude: usize,
}

impl Ignored {
    pub fn total(&self) -> usize {
        self.gitignore + self.git_exclude
    }
}

/// Which git ignore files a walk reads.
#[derive(Clone, Copy)]
struct Rules {
    gitignore: bool,
    git_exclude: bool,
}

/// Expands `paths` into the source files to lint. Files named explicitly are always kept.
pub fn discover(paths: &[PathBuf], follow_symlinks: bool) -> Result<Discovered, MissingPath> {
    discover_with(
        paths,
        Walk {
            follow_symlinks,
            ..Walk::default()
        },
    )
}

/// [`discover`] with every walking option.
pub fn discover_with(paths: &[PathBuf], options: Walk) -> Result<Discovered, MissingPath> {
    let rules = Rules {
        gitignore: !options.no_ignore,
        git_exclude: !options.no_ignore,
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut ignored = Ignored::default();
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
        let before = files.len();
        walk(
            root,
            options.follow_symlinks,
            rules,
            &mut files,
            &mut errors,
        );
        if options.count_ignored && !options.no_ignore {
            let kept = files.len() - before;
            let without = |rules| {
                let mut files = Vec::new();
                walk(
                    root,
                    options.follow_symlinks,
                    rules,
                    &mut files,
                    &mut Vec::new(),
                );
                files.len()
            };
            let no_rules = without(Rules {
                gitignore: false,
                git_exclude: false,
            });
            let exclude_only = without(Rules {
                gitignore: false,
                git_exclude: true,
            });
            ignored.git_exclude += no_rules.saturating_sub(exclude_only);
            ignored.gitignore += exclude_only.saturating_sub(kept);
        }
    }
    files.sort_unstable_by(|a, b| path_order(a, b));
    files.dedup();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Discovered {
        files,
        errors,
        ignored,
    })
}

fn walk(
    root: &Path,
    follow_symlinks: bool,
    rules: Rules,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<WalkError>,
) {
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(follow_symlinks)
        // Git's reading: a `.gitignore` counts only inside a repository, up to its root.
        .require_git(true)
        .parents(true)
        .git_ignore(rules.gitignore)
        .git_exclude(rules.git_exclude)
        // Not git's, and different on every machine: never read.
        .git_global(false)
        .ignore(false)
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

/// `Path`'s order (part by part) for the paths a walk gives, from their bytes: a separator
/// sorts before any other byte, so a part that is a prefix of another sorts first. Sorting
/// a large tree's paths part by part was a tenth of a warm run.
pub fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    if cfg!(windows) {
        return a.cmp(b);
    }
    let key = |c: u8| if c == b'/' { 0 } else { c };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    // Walked paths share long prefixes: find where they part eight bytes at a time (byte
    // by byte, sorting a large tree's paths was a tenth of the work before the first read).
    let common = a.len().min(b.len());
    let mut at = 0;
    while at + 8 <= common && a[at..at + 8] == b[at..at + 8] {
        at += 8;
    }
    while at < common && a[at] == b[at] {
        at += 1;
    }
    match (a.get(at), b.get(at)) {
        (Some(&x), Some(&y)) => key(x).cmp(&key(y)),
        _ => a.len().cmp(&b.len()),
    }
}

/// Is `path` already what [`lexical_clean`] would make of it: no `.` or `..` part, no empty
/// part (`a//b`, a trailing `/`)?
fn is_clean(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let rest = bytes.strip_prefix(b"/").unwrap_or(bytes);
    !rest.is_empty()
        && rest
            .split(|&b| b == b'/' || cfg!(windows) && b == b'\\')
            .all(|part| !matches!(part, b"" | b"." | b".."))
        && !(cfg!(windows) && bytes.contains(&b':'))
}

/// `path` made absolute against `cwd`, with `.` and `..` removed lexically (no symlinks resolved).
pub fn absolute_path(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        lexical_clean(path)
    } else {
        // A walk from `.` names every file `./...`: joined as is, none would be clean.
        let mut rest = path.as_os_str().as_encoded_bytes();
        while let Some(tail) = rest.strip_prefix(b"./") {
            rest = tail;
            while let Some(tail) = rest.strip_prefix(b"/") {
                rest = tail;
            }
        }
        if rest.len() < path.as_os_str().len() && !rest.is_empty() {
            // SAFETY: `rest` is `path`'s bytes past an ASCII prefix (`./`, `/`), so it
            // starts where an `OsStr` may.
            let rest = unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(rest) };
            lexical_clean(&cwd.join(rest))
        } else {
            lexical_clean(&cwd.join(path))
        }
    }
}

/// `path` with `.` and `..` removed lexically.
pub fn lexical_clean(path: &Path) -> PathBuf {
    if is_clean(path) {
        // Every walked path: a run asks this of each file several times.
        return path.to_path_buf();
    }
    clean_components(path)
}

fn clean_components(path: &Path) -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_compare_part_by_part_wherever_they_part() {
        // Long shared prefixes (past the eight-byte steps), partings at a separator against
        // the bytes that sort below it (`-`, `.`, ` `), and prefixes of one another.
        let stems = [
            "./Sources/Networking",
            "./Sources/Networking-Old",
            "./Sources",
        ];
        let tails = [
            "", "/a.swift", "-b/c.m", ".d/e.h", "/a", " x/y.rs", "/a/b", "0",
        ];
        let paths: Vec<String> = stems
            .iter()
            .flat_map(|s| tails.iter().map(move |t| format!("{s}{t}")))
            .collect();
        for a in &paths {
            for b in &paths {
                let (a, b) = (Path::new(a), Path::new(b));
                assert_eq!(path_order(a, b), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn a_path_taken_as_it_is_is_what_cleaning_it_gives() {
        for path in [
            "/a/b/c.swift",
            "a/b.m",
            "/a/./b",
            "./a",
            "a/../b",
            "../a",
            "/a//b",
            "a/b/",
            "/",
            "/..",
            ".",
            "a/b..c/.d",
        ] {
            let path = Path::new(path);
            assert_eq!(lexical_clean(path), clean_components(path), "{path:?}");
        }
        assert!(is_clean(Path::new("/a/b..c/.d")));
        let mut paths: Vec<&Path> = [
            "./a-b/c", "./a/b", "./a/b/c", "./a.b", "./a", "./ab", "./a/b-c", "./a0",
        ]
        .map(Path::new)
        .to_vec();
        let mut by_parts = paths.clone();
        by_parts.sort();
        paths.sort_by(|a, b| path_order(a, b));
        assert_eq!(paths, by_parts);
        let cwd = Path::new("/w");
        for (path, absolute) in [
            ("./a/b", "/w/a/b"),
            ("././a", "/w/a"),
            ("./", "/w"),
            (".//a", "/w/a"),
            ("./../a", "/a"),
            ("a", "/w/a"),
        ] {
            assert_eq!(
                absolute_path(Path::new(path), cwd),
                Path::new(absolute),
                "{path}"
            );
        }
        assert!(!is_clean(Path::new("/a/./b")));
    }
}
