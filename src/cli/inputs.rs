//! What `check` lints, and which of it it reports.
//!
//! Owner facts (a type's other extensions, a factory or a cleanup helper in another file) can
//! live anywhere in the project. So when only some files are to be reported (stdin from an
//! editor, the staged files pre-commit passes), the rest of the project under the project root
//! is still loaded for context, and only the named files' findings are reported. The cost is a
//! parse of the whole project per run; `--no-project-context` trades precision for speed.

use super::args::CheckArgs;
use super::UsageError;
use crate::report::position::absolute_path;
use crate::run::{FileError, Input};
use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Plan {
    pub inputs: Vec<Input>,
    /// Absolute paths whose findings are reported; `None` = all.
    pub reported: Option<HashSet<PathBuf>>,
    pub walk_errors: Vec<FileError>,
    pub walk_time: Duration,
    /// Source files under the paths asked about that ignore rules hid (with `--verbose`).
    pub ignored: crate::discover::Ignored,
}

/// Whether the config that governs a walked file lets it be linted.
pub struct Admission<'a> {
    /// Learns at once what deciding for these files needs (their folders' configs).
    pub prepare: &'a dyn Fn(&[PathBuf]),
    pub accepts: &'a dyn Fn(&Path) -> bool,
}

/// `stdin_max`: the most bytes stdin may hold (the governing config's `max-file-size`).
pub fn plan(
    args: &CheckArgs,
    admission: &Admission<'_>,
    cwd: &Path,
    stdin_max: u64,
) -> Result<Plan, UsageError> {
    let start = Instant::now();
    let stdin_requested = args.paths.iter().any(|p| p.as_os_str() == "-");
    let mut plan = Plan {
        inputs: Vec::new(),
        reported: None,
        walk_errors: Vec::new(),
        walk_time: Duration::ZERO,
        ignored: Default::default(),
    };

    let named: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let mut stdin_path = None;
    match (&args.stdin_filename, stdin_requested) {
        (Some(path), true) => {
            if crate::facts::Language::from_path(path).is_none() {
                return Err(UsageError(format!(
                    "--stdin-filename {:?} does not name a Swift, Objective-C or Rust file (.swift, .m, .mm, .h, .rs): its language is unknown",
                    path.display().to_string()
                )));
            }
            // Bounded like a file on disk: `- < /dev/zero` must not fill the memory.
            let max = stdin_max;
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(max.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| UsageError(format!("cannot read stdin: {e}")))?;
            if bytes.len() as u64 > max {
                return Err(UsageError(format!(
                    "stdin is larger than max-file-size ({max} bytes): not linted"
                )));
            }
            plan.inputs.push(Input {
                path: path.clone(),
                content: Some(bytes),
            });
            stdin_path = Some(absolute_path(path, cwd));
        }
        (None, true) => {
            return Err(UsageError(
                "`-` reads stdin and needs --stdin-filename PATH to know its language".into(),
            ))
        }
        (Some(_), false) => {
            return Err(UsageError(
                "--stdin-filename needs `-` among the paths to read stdin".into(),
            ))
        }
        (None, false) => {}
    }

    // The files the user asked about.
    let roots = if named.is_empty() && stdin_path.is_none() {
        vec![PathBuf::from(".")]
    } else {
        named
    };
    let explicit: HashSet<PathBuf> = roots
        .iter()
        .filter(|p| p.is_file())
        .map(|p| absolute_path(p, cwd))
        .collect();
    let asked = discover(
        &roots,
        args,
        admission,
        &explicit,
        cwd,
        &mut plan,
        args.verbose,
    )?;

    let context_root = if args.no_project_context {
        None
    } else if let Some(root) = &args.project_root {
        Some(root.clone())
    } else if let Some(stdin) = &stdin_path {
        // An editor buffer inside the current project gets that project's context.
        stdin.starts_with(cwd).then(|| PathBuf::from("."))
    } else {
        None
    };

    // Keyed by the cleaned path's bytes: hashing a `Path` walks its components.
    let mut seen: HashSet<OsString> = stdin_path
        .iter()
        .map(|p| p.clone().into_os_string())
        .collect();
    // Only a run with files beyond those asked about reports a subset.
    let subset = context_root.is_some() || stdin_path.is_some();
    let mut reported = HashSet::new();
    reported.extend(stdin_path.iter().cloned());
    // One walk names each file once: the set of paths seen is for several roots, stdin or
    // the project's context (making 7,000 paths absolute and hashing them was a tenth of
    // the time before the first file is read).
    if roots.len() == 1 && !subset {
        plan.inputs.extend(asked.into_iter().map(Input::file));
        plan.walk_time = start.elapsed();
        return Ok(plan);
    }
    for path in asked {
        let absolute = absolute_path(&path, cwd);
        if seen.insert(absolute.clone().into_os_string()) {
            if subset {
                reported.insert(absolute);
            }
            plan.inputs.push(Input::file(path));
        }
    }
    if let Some(root) = context_root {
        let mut context_errors = Plan {
            inputs: Vec::new(),
            reported: None,
            walk_errors: Vec::new(),
            walk_time: Duration::ZERO,
            ignored: Default::default(),
        };
        let context = discover(
            &[root],
            args,
            admission,
            &HashSet::new(),
            cwd,
            &mut context_errors,
            false,
        )?;
        for path in context {
            if seen.insert(absolute_path(&path, cwd).into_os_string()) {
                plan.inputs.push(Input::file(path));
            }
        }
        plan.reported = Some(reported);
    } else if stdin_path.is_some() {
        plan.reported = Some(reported);
    }
    plan.walk_time = start.elapsed();
    Ok(plan)
}

/// Source files under `roots`, filtered by the config's globs (explicit files are kept unless
/// `--force-exclude`); `count_ignored`: add the files ignore rules hid to `plan.ignored`.
fn discover(
    roots: &[PathBuf],
    args: &CheckArgs,
    admission: &Admission<'_>,
    explicit: &HashSet<PathBuf>,
    cwd: &Path,
    plan: &mut Plan,
    count_ignored: bool,
) -> Result<Vec<PathBuf>, UsageError> {
    let walk = crate::discover::Walk {
        follow_symlinks: args.follow_symlinks,
        no_ignore: args.no_ignore,
        count_ignored,
    };
    let found = crate::discover::discover_with(roots, walk)
        .map_err(|missing| UsageError(format!("path does not exist: {}", missing.0.display())))?;
    plan.ignored.gitignore += found.ignored.gitignore;
    plan.ignored.git_exclude += found.ignored.git_exclude;
    plan.walk_errors
        .extend(found.errors.into_iter().map(FileError::from));
    (admission.prepare)(&found.files);
    Ok(found
        .files
        .into_iter()
        .filter(|path| {
            let named = || !explicit.is_empty() && explicit.contains(&absolute_path(path, cwd));
            (!args.force_exclude && named()) || (admission.accepts)(path)
        })
        .collect())
}
