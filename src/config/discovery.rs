//! Which config applies to a path, as ruff finds it: `--config` for every path, else the
//! nearest `sessionlint.toml` / `.sessionlint.toml` in the path's folder or above it (not
//! the current folder's). Each config file is read once; its folder is its project root.

use super::{Config, ConfigError, FileFilter};
use crate::discover::absolute_path;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A config with the command line's overrides applied, and what it decides from.
pub struct Resolved {
    pub config: Config,
    /// The config file's folder (the current folder when there is none): paths in the config,
    /// the baseline and the output are relative to it.
    pub root: PathBuf,
    pub filter: FileFilter,
}

/// Finds, reads and caches configs by folder.
pub struct Resolver<'a> {
    cwd: PathBuf,
    /// `--config`: one config for every path.
    forced: Option<Rc<Resolved>>,
    /// Applies the command line's flags (select, ignore, fail level...) to each config read.
    overrides: &'a dyn Fn(&mut Config),
    /// Folder -> the config file that governs it (`None`: none up to the filesystem root).
    /// Folders are keyed by their bytes (they are cleaned): hashing a `Path` walks its
    /// components.
    by_folder: RefCell<HashMap<OsString, Option<PathBuf>>>,
    /// Folder -> the config file in it, if any, looked up ahead ([`Resolver::prefetch`]).
    in_folder: RefCell<HashMap<OsString, Option<PathBuf>>>,
    loaded: RefCell<HashMap<Option<PathBuf>, Rc<Resolved>>>,
    /// The last folder [`Resolver::for_file`] was asked about (as the path named it, and
    /// made absolute), and its config: a walk lists a folder's files together.
    last: RefCell<Option<(PathBuf, PathBuf, Rc<Resolved>)>>,
}

impl<'a> Resolver<'a> {
    /// `forced` is `--config`'s file, if given (read now, so its errors come first).
    pub fn new(
        cwd: &Path,
        forced: Option<&Path>,
        overrides: &'a dyn Fn(&mut Config),
    ) -> Result<Resolver<'a>, ConfigError> {
        let mut resolver = Resolver {
            cwd: cwd.to_path_buf(),
            forced: None,
            overrides,
            by_folder: RefCell::new(HashMap::new()),
            in_folder: RefCell::new(HashMap::new()),
            loaded: RefCell::new(HashMap::new()),
            last: RefCell::new(None),
        };
        if let Some(file) = forced {
            resolver.forced = Some(resolver.load(Some(absolute_path(file, cwd)))?);
        }
        Ok(resolver)
    }

    /// The config for a file (its folder's) or a folder (its own, or the nearest above).
    pub fn for_path(&self, path: &Path) -> Result<Rc<Resolved>, ConfigError> {
        if let Some(forced) = &self.forced {
            return Ok(forced.clone());
        }
        let absolute = absolute_path(path, &self.cwd);
        let folder = if absolute.is_dir() {
            absolute
        } else {
            absolute
                .parent()
                .map_or_else(|| absolute.clone(), Path::to_path_buf)
        };
        let file = self.config_file_for(&folder);
        self.load(file)
    }

    /// [`Resolver::for_path`] for a path known to be a file (a walked or named source): no
    /// look at the disk to tell, which is most of the cost for a large tree.
    pub fn for_file(&self, path: &Path) -> Result<Rc<Resolved>, ConfigError> {
        if let Some(forced) = &self.forced {
            return Ok(forced.clone());
        }
        // The same folder as named: no need to make the path absolute (a tenth of the time
        // spent on a large tree's files before they are read).
        let named = path.parent().unwrap_or(Path::new(""));
        if let Some((last_named, _, resolved)) = &*self.last.borrow() {
            if last_named.as_os_str() == named.as_os_str() {
                return Ok(resolved.clone());
            }
        }
        let absolute = absolute_path(path, &self.cwd);
        let folder = absolute.parent().unwrap_or(&absolute);
        if let Some((_, last, resolved)) = &*self.last.borrow() {
            if last.as_os_str() == folder.as_os_str() {
                return Ok(resolved.clone());
            }
        }
        let resolved = self.load(self.config_file_for(folder))?;
        *self.last.borrow_mut() =
            Some((named.to_path_buf(), folder.to_path_buf(), resolved.clone()));
        Ok(resolved)
    }

    /// Looks for config files in the folders of `files`, in parallel, before
    /// [`Resolver::for_file`] asks about them one by one: on a large tree, two lookups per
    /// folder one after the other were half the time of the walk.
    pub fn prefetch(&self, files: &[PathBuf]) {
        use rayon::prelude::*;
        if self.forced.is_some() {
            return;
        }
        // A walk lists a folder's files together: most repeats are neighbours.
        let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
        folders.dedup();
        let mut unknown: Vec<OsString> = folders
            .into_iter()
            .map(|folder| absolute_path(folder, &self.cwd))
            .filter(|folder| !self.knows(folder))
            .map(PathBuf::into_os_string)
            .collect();
        // By bytes: comparing `Path`s walks their components.
        unknown.sort_unstable();
        unknown.dedup();
        let found: Vec<(OsString, Option<PathBuf>)> = unknown
            .into_par_iter()
            .map(|folder| {
                let own = own_config(Path::new(&folder));
                (folder, own)
            })
            .collect();
        self.in_folder.borrow_mut().extend(found);
    }

    fn knows(&self, folder: &Path) -> bool {
        let folder = folder.as_os_str();
        self.by_folder.borrow().contains_key(folder) || self.in_folder.borrow().contains_key(folder)
    }

    /// Every config read so far, keyed by its file (`None`: the defaults).
    pub fn loaded(&self) -> Vec<Rc<Resolved>> {
        let mut all: Vec<_> = self.loaded.borrow().values().cloned().collect();
        all.sort_by(|a, b| a.config.source.cmp(&b.config.source));
        all
    }

    fn config_file_for(&self, folder: &Path) -> Option<PathBuf> {
        if let Some(known) = self.by_folder.borrow().get(folder.as_os_str()) {
            return known.clone();
        }
        let own = self.in_folder.borrow_mut().remove(folder.as_os_str());
        let found = own
            .unwrap_or_else(|| own_config(folder))
            .or_else(|| folder.parent().and_then(|up| self.config_file_for(up)));
        self.by_folder
            .borrow_mut()
            .insert(folder.as_os_str().to_os_string(), found.clone());
        found
    }

    fn load(&self, file: Option<PathBuf>) -> Result<Rc<Resolved>, ConfigError> {
        if let Some(known) = self.loaded.borrow().get(&file) {
            return Ok(known.clone());
        }
        let mut config = match &file {
            Some(path) => super::load_file(path)?,
            None => Config::default(),
        };
        (self.overrides)(&mut config);
        let root = config.root(&self.cwd);
        let filter = config.file_filter(&self.cwd);
        let resolved = Rc::new(Resolved {
            config,
            root,
            filter,
        });
        self.loaded.borrow_mut().insert(file, resolved.clone());
        Ok(resolved)
    }
}

/// The config file in `folder` itself, if any.
fn own_config(folder: &Path) -> Option<PathBuf> {
    super::CONFIG_FILE_NAMES
        .iter()
        .map(|name| folder.join(name))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_gets_the_nearest_config_at_or_above_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("app/Sources")).unwrap();
        std::fs::create_dir_all(root.join("lib/Vendor")).unwrap();
        std::fs::write(root.join("app/sessionlint.toml"), "ignore = [\"SL006\"]\n").unwrap();
        std::fs::write(
            root.join("lib/Vendor/.sessionlint.toml"),
            "select = [\"SL001\"]\n",
        )
        .unwrap();
        let none = |_: &mut Config| {};
        let resolver = Resolver::new(root, None, &none).unwrap();
        let app = resolver.for_path(Path::new("app/Sources/A.swift")).unwrap();
        assert_eq!(app.root, root.join("app"));
        assert_eq!(app.config.ignore, vec!["SL006"]);
        // A folder uses its own config.
        let vendor = resolver.for_path(&root.join("lib/Vendor")).unwrap();
        assert_eq!(vendor.config.select, vec!["SL001"]);
        // Nothing at or above `lib`: the defaults, rooted at the current folder.
        let lib = resolver.for_path(Path::new("lib")).unwrap();
        assert!(
            lib.config.source.is_none() || !lib.config.source.as_ref().unwrap().starts_with(root)
        );
        // `--config` wins everywhere.
        let forced = Resolver::new(root, Some(Path::new("app/sessionlint.toml")), &none).unwrap();
        let vendor = forced.for_path(Path::new("lib/Vendor/V.m")).unwrap();
        assert_eq!(vendor.config.ignore, vec!["SL006"]);
        assert_eq!(vendor.root, root.join("app"));
    }

    #[test]
    fn files_resolve_alike_with_their_folders_looked_up_ahead_or_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["app/Sources/Deep", "lib/Vendor", "lib/Own"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("app/sessionlint.toml"), "ignore = [\"SL006\"]\n").unwrap();
        std::fs::write(
            root.join("lib/Vendor/.sessionlint.toml"),
            "select = [\"SL001\"]\n",
        )
        .unwrap();
        let files: Vec<PathBuf> = [
            "app/Sources/Deep/A.swift",
            "app/B.swift",
            "lib/Vendor/V.m",
            "lib/Own/O.rs",
            "./lib/Vendor/W.h",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let none = |_: &mut Config| {};
        let one_by_one = Resolver::new(root, None, &none).unwrap();
        let ahead = Resolver::new(root, None, &none).unwrap();
        ahead.prefetch(&files);
        assert_eq!(ahead.in_folder.borrow().len(), 4, "one entry per folder");
        for file in &files {
            let (a, b) = (
                one_by_one.for_file(file).unwrap(),
                ahead.for_file(file).unwrap(),
            );
            assert_eq!(a.root, b.root, "{}", file.display());
            assert_eq!(a.config.source, b.config.source, "{}", file.display());
        }
        let vendor = ahead.for_file(Path::new("lib/Vendor/V.m")).unwrap();
        assert_eq!(vendor.config.select, vec!["SL001"]);
        assert_eq!(
            ahead.for_file(Path::new("app/B.swift")).unwrap().root,
            root.join("app")
        );
    }
}
