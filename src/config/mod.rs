//! User configuration: `sessionlint.toml` / `.sessionlint.toml`, merged with command-line flags.

pub mod discovery;
mod load;

pub use load::{
    find_config_file, glob_set, load_file, parse_level, read_capped, valid_rules, valid_timeout,
    ConfigError, CONFIG_FILE_NAMES,
};

use crate::rules::registry::Severity;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A rule's configured level; `Off` disables it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Rule ids to run (empty = all).
    pub select: Vec<String>,
    /// Rule ids never to run.
    pub ignore: Vec<String>,
    /// Per-rule severity overrides, by rule id.
    pub severity: BTreeMap<String, Level>,
    /// Diagnostics at or above this level make the exit code 1.
    pub fail_level: Severity,
    /// Globs (relative to the config file's folder) of files to lint; empty = all.
    pub include: Vec<String>,
    /// Globs of files never to lint.
    pub exclude: Vec<String>,
    /// Extra factory functions the analysis cannot see into: `Type.method` or `function`.
    pub factories: Vec<String>,
    /// Extra functions that invalidate the session they are given or own.
    pub releasers: Vec<String>,
    /// Extra types whose instances live for the whole process.
    pub process_lifetime_types: Vec<String>,
    /// Files larger than this many bytes are skipped with a note.
    pub max_file_size: u64,
    /// How long one file's parse may take before the file is skipped with a note (0 = no limit).
    pub parse_timeout: std::time::Duration,
    /// `[objc] macros`: vendor macros the Objective-C front-end blanks, with their argument
    /// list, wherever they appear (attributes, statements, type wrappers).
    pub objc_macros: Vec<String>,
    /// The config file this came from, if any (its folder anchors `include`/`exclude`).
    pub source: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            fail_level: Severity::Warning,
            include: Vec::new(),
            exclude: Vec::new(),
            factories: Vec::new(),
            releasers: Vec::new(),
            process_lifetime_types: Vec::new(),
            // A dense 15 MB file peaks near 330 MiB (30 MB: 520 MiB); the largest real source
            // in the benchmark repositories is 3.2 MB.
            max_file_size: 16 * 1024 * 1024,
            parse_timeout: std::time::Duration::from_millis(
                crate::frontend::budget::DEFAULT_MILLIS,
            ),
            objc_macros: Vec::new(),
            source: None,
        }
    }
}

impl Config {
    /// The effective level of a rule after select/ignore/severity.
    pub fn level(&self, rule: &crate::rules::registry::RuleMeta) -> Level {
        let matches = |key: &String| key.eq_ignore_ascii_case(&rule.id) || *key == rule.name;
        if self.ignore.iter().any(matches) {
            return Level::Off;
        }
        if !self.select.is_empty() && !self.select.iter().any(matches) {
            return Level::Off;
        }
        self.severity
            .get(&rule.id)
            .copied()
            .unwrap_or(Level::On(rule.severity))
    }

    /// The folder `include`/`exclude` globs are relative to.
    pub fn root(&self, cwd: &Path) -> PathBuf {
        self.source
            .as_deref()
            .and_then(Path::parent)
            .map(|dir| crate::discover::absolute_path(dir, cwd))
            .unwrap_or_else(|| cwd.to_path_buf())
    }

    /// A filter built from `include`/`exclude` (the globs were checked when loaded).
    pub fn file_filter(&self, cwd: &Path) -> FileFilter {
        FileFilter {
            root: self.root(cwd),
            cwd: cwd.to_path_buf(),
            include: load::glob_set(&self.include)
                .ok()
                .filter(|_| !self.include.is_empty()),
            exclude: load::glob_set(&self.exclude).ok(),
        }
    }
}

/// Decides from `include`/`exclude` whether a discovered file is linted.
pub struct FileFilter {
    root: PathBuf,
    cwd: PathBuf,
    include: Option<globset::GlobSet>,
    exclude: Option<globset::GlobSet>,
}

impl FileFilter {
    pub fn accepts(&self, path: &Path) -> bool {
        if self.include.is_none() && self.exclude.is_none() {
            return true;
        }
        let absolute = crate::discover::absolute_path(path, &self.cwd);
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        if self.exclude.as_ref().is_some_and(|g| g.is_match(relative)) {
            return false;
        }
        self.include.as_ref().is_none_or(|g| g.is_match(relative))
    }
}
