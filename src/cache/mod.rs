//! The persistent cache (`.sessionlint_cache/`): a re-run on an unchanged tree reuses the last
//! run's outcome instead of linting again, as ruff and SwiftLint do.
//!
//! An entry is keyed by the tool's build, the settings and the folders of the inputs
//! ([`key`]). Each input is checked by size and modification time, and by the hash of its
//! bytes when those moved or are too recent to trust (a file can change twice within one tick
//! of the clock). When only files that the last run found *inert* changed (no seed word,
//! nothing the analysis asked for), and they are still inert, the findings stand (the
//! prefilter's soundness argument: such a file cannot change a finding); those files are
//! read again for their parse notes and suppression comments, and patched in. Any other
//! change runs the whole lint again, on the last run's facts for the files whose bytes did
//! not change, without reading the unchanged inert ones (`facts.rs`). Findings are the same
//! with the cache on, off, or damaged: a damaged entry is ignored and rebuilt.

mod entry;
mod facts;
mod store;

use crate::facts::source::Stamp;
use crate::run::{self, FileError, Input, InputRecord, InputStatus, Outcome, Settings};
use entry::{Entry, StoredFile};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use store::Store;

/// The cache folder's name at the project root.
pub const FOLDER: &str = ".sessionlint_cache";

/// How a run used the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Use {
    /// Nothing had changed: the last outcome, as it was.
    Hit,
    /// These many inert files changed (or went) and were patched in.
    Patched(usize),
    /// Linted again, for this reason.
    Missed(String),
}

/// What a cached run says besides its outcome.
#[derive(Clone, Debug)]
pub struct Report {
    pub used: Use,
    /// Problems with the cache itself (a damaged entry, an unwritable folder): the run's
    /// results are right regardless.
    pub problems: Vec<String>,
    /// Of the inputs recorded, how many were inert (edits to them are patched in).
    pub inert: usize,
    pub recorded: usize,
    /// When it linted again: of the files it parsed, how many had their facts from the
    /// last run (their bytes had not changed).
    pub facts_reused: usize,
    /// ... and how many inert files it did not read at all (unchanged since the last run,
    /// which kept their identifiers).
    pub inert_unread: usize,
}

/// A modification time this close to the start of the run that read the file does not prove
/// the file unchanged since (coarse clocks, a write in the same tick as the read).
const RACY: Duration = Duration::from_secs(2);

/// Lints `inputs` through the cache in `dir`.
pub fn check(inputs: Vec<Input>, settings: &Settings, dir: &Path) -> (Outcome, Report) {
    let started = SystemTime::now();
    let clock = Instant::now();
    let store = Store::new(dir);
    let key = key(settings, &inputs);
    let mut problems = Vec::new();
    let mut missing = "no entry for these settings and folders";
    let saved = store.load::<Entry>(key).unwrap_or_else(|problem| {
        problems.push(problem);
        missing = "the entry could not be read";
        None
    });
    let total = inputs.len();
    // What the last run found relevant is parsed on sight if the cache cannot be reused
    // (an edit to a file that matters): the rounds that would reach it again are saved.
    let mut likely = HashSet::new();
    let mut unchanged = Vec::new();
    let used = match saved {
        None => Use::Missed(missing.into()),
        Some(entry) => match run::in_pool(settings, || {
            likely = relevant_paths(&entry);
            reuse(entry, &inputs, settings, started)
        }) {
            Ok(reused) => {
                if reused.write_back {
                    if let Err(problem) = store.save(key, &reused.entry) {
                        problems.push(problem);
                    }
                }
                let stamps = &reused.stamps;
                let report = Report::new(reused.used, problems, &reused.entry.inputs);
                let mut outcome = reused
                    .entry
                    .into_outcome(&|path: &Path| stamps.get(path.as_os_str()).copied());
                restore_texts(&mut outcome, settings);
                outcome.timings.read_and_lower = clock.elapsed();
                if let Some(done) = &settings.progress {
                    done.fetch_add(total, std::sync::atomic::Ordering::Relaxed);
                }
                return (outcome, report);
            }
            Err(missed) => {
                unchanged = missed.unchanged;
                Use::Missed(missed.reason)
            }
        },
    };
    let packs = Store::new(&dir.join(facts::FOLDER));
    let packed = store::derived_key(key, b"facts");
    let mut pack = facts::FactsPack::load(&packs, packed, &mut problems);
    let unchanged = pack.unchanged(unchanged);
    let inert_unread = unchanged.len();
    let lower = |language, text: &str, path: &Path| {
        pack.lower(&crate::run::lower_finished, language, text, path)
    };
    let (outcome, mut inventory) =
        run::check_inputs_inventoried(inputs, settings, &likely, unchanged, &lower);
    let inert_names = std::mem::take(&mut inventory.inert_names);
    let all_parsed = outcome.timings.files_skipped == 0;
    let entry = Entry::new(started, all_parsed, &outcome, inventory);
    let timed_out = outcome
        .errors
        .iter()
        .find(|e| crate::frontend::budget::timed_out(&e.message));
    if let Some(e) = timed_out {
        // Another run, on a quieter machine, could read it.
        problems.push(format!(
            "not written: the parse of {} ran out of time",
            e.path.display()
        ));
    }
    let facts_reused = pack.reused();
    if timed_out.is_none() {
        let saved = store
            .save(key, &entry)
            .and_then(|()| pack.save(&packs, packed, inert_names));
        if let Err(problem) = saved {
            problems.push(problem);
        }
    }
    let mut report = Report::new(used, problems, &entry.inputs);
    report.facts_reused = facts_reused;
    report.inert_unread = inert_unread;
    (outcome, report)
}

/// The inputs the entry's run found relevant.
fn relevant_paths(entry: &Entry) -> HashSet<PathBuf> {
    entry
        .inputs
        .iter()
        .filter(|r| r.status == InputStatus::Relevant)
        .map(|r| r.path.clone())
        .collect()
}

impl Report {
    fn new(used: Use, problems: Vec<String>, inputs: &[InputRecord]) -> Report {
        Report {
            used,
            problems,
            inert: inputs
                .iter()
                .filter(|r| r.status == InputStatus::Inert)
                .count(),
            recorded: inputs.len(),
            facts_reused: 0,
            inert_unread: 0,
        }
    }
}

/// An entry that still holds (patched, if inert files changed).
struct Reused {
    entry: Entry,
    used: Use,
    /// Whether anything about the inputs moved (the entry is written back).
    write_back: bool,
    /// Each input's size and time now.
    stamps: HashMap<std::ffi::OsString, Stamp>,
}

/// Why an entry cannot be reused, and its inputs found inert that have not changed since.
struct Missed {
    reason: String,
    unchanged: Vec<InputRecord>,
}

/// What became of one input since the entry was written.
enum Since {
    Same,
    /// Same bytes, new size-and-time stamp.
    Touched(Stamp),
    Changed,
}

/// The entry if it still holds, patched for inert changes; `Err` says why the lint must run
/// again.
fn reuse(
    mut entry: Entry,
    inputs: &[Input],
    settings: &Settings,
    started: SystemTime,
) -> Result<Reused, Missed> {
    if !entry.rules_known() {
        return Err(Missed {
            reason: "the entry names rules this build does not have".into(),
            unchanged: Vec::new(),
        });
    }
    let max = settings.config.max_file_size;
    let trusted_before = entry.started.checked_sub(RACY);
    let states: Vec<(Option<Stamp>, Since)> = {
        // Keyed by the path's bytes: hashing a `Path` walks its components.
        let recorded: HashMap<&OsStr, &InputRecord> = entry
            .inputs
            .iter()
            .map(|r| (r.path.as_os_str(), r))
            .collect();
        inputs
            .par_iter()
            .with_max_len(64)
            .map(|input| {
                let now = stat(&input.path);
                let since = match (now, recorded.get(input.path.as_os_str())) {
                    (Some(now), Some(record)) => since(record, now, trusted_before, max),
                    _ => Since::Changed,
                };
                (now, since)
            })
            .collect()
    };
    let mut stamps = HashMap::new();
    let mut touched = HashMap::new();
    let mut changed = Vec::new();
    let mut same = HashSet::new();
    for (input, (now, since)) in inputs.iter().zip(states) {
        if let Some(now) = now {
            stamps.insert(input.path.clone().into_os_string(), now);
        }
        match since {
            Since::Same => {
                same.insert(input.path.as_os_str());
            }
            Since::Touched(stamp) => {
                touched.insert(input.path.clone(), stamp);
            }
            Since::Changed => changed.push(input.path.clone()),
        }
    }
    let current: HashSet<&OsStr> = inputs.iter().map(|i| i.path.as_os_str()).collect();
    let mut dropped: HashSet<PathBuf> = entry
        .inputs
        .iter()
        .map(|r| &r.path)
        .chain(entry.errors.iter().map(|e| &e.path))
        .filter(|path| !current.contains(path.as_os_str()))
        .cloned()
        .collect();

    let mut write_back = !touched.is_empty();
    let mut used = Use::Hit;
    if !changed.is_empty() || !dropped.is_empty() {
        let read = read_changed(&entry, &changed, &dropped, settings).map_err(|reason| {
            // What a run that lints again need not read: the same bytes (a touched file's
            // were hashed again), found inert.
            let unchanged = entry
                .inputs
                .iter()
                .filter(|r| r.status == InputStatus::Inert)
                .filter_map(|r| {
                    let mut record = r.clone();
                    if let Some(stamp) = touched.get(&r.path) {
                        record.len = stamp.len;
                        record.modified = stamp.modified;
                    } else if !same.contains(r.path.as_os_str()) {
                        return None;
                    }
                    Some(record)
                })
                .collect();
            Missed { reason, unchanged }
        })?;
        // A file that failed the same way last time is no change (it has no record).
        let read: Vec<(PathBuf, Read)> = read
            .into_iter()
            .filter(|(_, r)| !matches!(r, Err(e) if entry.errors.contains(e)))
            .collect();
        if !read.is_empty() || !dropped.is_empty() {
            used = Use::Patched(read.len() + dropped.len());
            dropped.extend(read.iter().map(|(path, _)| path.clone()));
            patch(&mut entry, &dropped, read);
            write_back = true;
        }
    }
    for record in &mut entry.inputs {
        if let Some(stamp) = touched.get(&record.path) {
            record.len = stamp.len;
            record.modified = stamp.modified;
        }
    }
    if write_back {
        entry.started = started;
    }
    Ok(Reused {
        entry,
        used,
        write_back,
        stamps,
    })
}

/// A changed file read again: its source, notes and record, or why it cannot be linted.
type Read = Result<(crate::run::SourceFile, Vec<FileError>, InputRecord), FileError>;

/// Reads the changed files again; `Err` if any changed or gone file matters to the findings,
/// before or now.
fn read_changed(
    entry: &Entry,
    changed: &[PathBuf],
    gone: &HashSet<PathBuf>,
    settings: &Settings,
) -> Result<Vec<(PathBuf, Read)>, String> {
    let Some(wanted) = &entry.wanted else {
        return Err("files changed, and the last run parsed every file".into());
    };
    let mut relevant: HashSet<&Path> = entry
        .inputs
        .iter()
        .filter(|r| r.status == InputStatus::Relevant)
        .map(|r| r.path.as_path())
        .collect();
    for finding in &entry.findings {
        let related = finding.related.iter().map(|r| r.file);
        for file in std::iter::once(finding.file).chain(related) {
            relevant.insert(entry.files[file].path.as_path());
        }
    }
    if let Some(path) = changed
        .iter()
        .chain(gone)
        .find(|path| relevant.contains(path.as_path()))
    {
        return Err(format!(
            "{} changed and could change findings",
            path.display()
        ));
    }
    let seeds = crate::prefilter::Seeds::new(&settings.config);
    let read: Vec<(PathBuf, Read)> = changed
        .par_iter()
        .with_max_len(1)
        .map(|path| {
            (
                path.clone(),
                run::read_for_cache(path, settings, &seeds, wanted),
            )
        })
        .collect();
    let now_relevant = read
        .iter()
        .find(|(_, r)| matches!(r, Ok((_, _, record)) if record.status == InputStatus::Relevant));
    if let Some((path, _)) = now_relevant {
        return Err(format!(
            "{} changed and could change findings now",
            path.display()
        ));
    }
    Ok(read)
}

/// Replaces what the entry holds of the `dropped` paths by what was `read` of them: records,
/// files (shown when a run would have parsed them), notes; file ids renumbered.
fn patch(entry: &mut Entry, dropped: &HashSet<PathBuf>, read: Vec<(PathBuf, Read)>) {
    let parsed_before: HashSet<PathBuf> = entry.files.iter().map(|f| f.path.clone()).collect();
    let recorded_before: HashSet<PathBuf> = entry.inputs.iter().map(|r| r.path.clone()).collect();
    let old_ids: Vec<PathBuf> = entry.files.iter().map(|f| f.path.clone()).collect();
    entry.files.retain(|f| !dropped.contains(&f.path));
    entry.inputs.retain(|r| !dropped.contains(&r.path));
    entry.errors.retain(|e| !dropped.contains(&e.path));
    for (path, read) in read {
        match read {
            Ok((file, errors, record)) => {
                let shown = parsed_before.contains(&path)
                    || (!recorded_before.contains(&path) && entry.all_parsed);
                if shown {
                    entry.files.push(StoredFile::of(&file, false));
                    entry.errors.extend(errors);
                }
                entry.inputs.push(record);
            }
            Err(error) => entry.errors.push(error),
        }
    }
    entry.files.sort_by(|a, b| a.path.cmp(&b.path));
    entry
        .inputs
        .sort_by(|a, b| crate::discover::path_order(&a.path, &b.path));
    entry
        .errors
        .sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    let new_ids: HashMap<&Path, usize> = entry
        .files
        .iter()
        .enumerate()
        .map(|(id, f)| (f.path.as_path(), id))
        .collect();
    // Files with findings are never dropped (`read_changed`), so each keeps an id.
    let renumber = |id: &mut usize| *id = new_ids[old_ids[*id].as_path()];
    for finding in &mut entry.findings {
        renumber(&mut finding.file);
        for related in &mut finding.related {
            renumber(&mut related.file);
        }
    }
}

/// Whether the input behind `record` is the same now.
fn since(record: &InputRecord, now: Stamp, trusted_before: Option<SystemTime>, max: u64) -> Since {
    let trusted = match (now.modified, trusted_before) {
        (Some(modified), Some(before)) => modified < before,
        _ => false,
    };
    if trusted && record.len == now.len && record.modified == now.modified {
        return Since::Same;
    }
    match run::read_bounded(&record.path, max) {
        Ok((bytes, stamp))
            if bytes.len() as u64 == record.len
                && xxhash_rust::xxh3::xxh3_128(&bytes) == record.hash =>
        {
            Since::Touched(stamp)
        }
        _ => Since::Changed,
    }
}

/// The size and modification time of a regular file.
fn stat(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// Reads again, as a run does, the texts of the files with findings.
fn restore_texts(outcome: &mut Outcome, settings: &Settings) {
    let findings = std::mem::take(&mut outcome.findings);
    run::read_texts_again(
        &mut outcome.files,
        &findings,
        &settings.config,
        &mut outcome.errors,
    );
    outcome.findings = findings;
}

/// The entry's key: this build of the tool, the settings that change results, and the
/// folders linted (so two projects, or two parts of one, sharing a cache keep an entry each).
fn key(settings: &Settings, inputs: &[Input]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(&build_identity().to_le_bytes());
    field(
        format!(
            "{:?}|{}|{}|{:?}",
            settings.config,
            settings.prefilter,
            settings.follow_symlinks,
            crate::frontend::budget::current()
        )
        .as_bytes(),
    );
    let cwd = std::env::current_dir().unwrap_or_default();
    // A walk lists a folder's files together: most repeats are neighbours.
    let mut parents: Vec<&Path> = inputs.iter().filter_map(|i| i.path.parent()).collect();
    parents.dedup();
    let mut folders: Vec<PathBuf> = parents
        .into_iter()
        .map(|p| crate::discover::absolute_path(p, &cwd))
        .collect();
    folders.sort_unstable_by(|a, b| crate::discover::path_order(a, b));
    folders.dedup();
    for folder in &folders {
        field(folder.as_os_str().as_encoded_bytes());
    }
    hasher.digest128()
}

/// The running executable's size and modification time: a rebuilt tool (same version, other
/// code) never reads an entry an older build wrote.
fn build_identity() -> u128 {
    static IDENTITY: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *IDENTITY.get_or_init(|| {
        let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::metadata(exe).ok())
        else {
            return 0;
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        (u128::from(meta.len()) << 64) ^ modified
    })
}
