//! Wires the stages together: read + lower every file in parallel, merge, analyse, collect.

use crate::config::{Config, Level};
use crate::facts::{FileFacts, Language, LineIndex};
use crate::prefilter::{Identifiers, Seeds, Wanted};
use crate::project::Project;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::registry::{self, Severity};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a run is done (the command line and config file, resolved).
#[derive(Clone, Debug)]
pub struct Settings {
    pub config: Config,
    /// Worker threads; `None` = all cores.
    pub jobs: Option<usize>,
    /// Skip parsing files that cannot matter (results are identical either way).
    pub prefilter: bool,
    pub follow_symlinks: bool,
    /// Counts the inputs read so far (each once), for a progress display.
    pub progress: Option<Arc<std::sync::atomic::AtomicUsize>>,
    /// Explain the creation sites on this line (`--explain FILE:LINE`).
    pub explain: Option<ExplainAt>,
}

/// A line of a file whose creation sites `--explain` asks about.
#[derive(Clone, Debug)]
pub struct ExplainAt {
    pub path: PathBuf,
    /// 1-based.
    pub line: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            config: Config::default(),
            jobs: None,
            prefilter: true,
            follow_symlinks: false,
            progress: None,
            explain: None,
        }
    }
}

/// One source to lint: a path, and its bytes when they do not come from disk (stdin).
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    pub content: Option<Vec<u8>>,
}

impl Input {
    pub fn file(path: impl Into<PathBuf>) -> Input {
        Input {
            path: path.into(),
            content: None,
        }
    }
}

pub use crate::facts::source::SourceFile;
use crate::facts::source::{Dropped, Stamp};

/// A file (or folder) that could not be read or fully parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileError {
    pub path: PathBuf,
    pub message: String,
    /// 1-based position of the first problem, when there is one.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Parse problems are partial results (the file was still linted); other errors are not.
    pub kind: ErrorKind,
}

impl FileError {
    /// A problem with the whole file (no position), of `kind`.
    fn whole_file(path: &Path, kind: ErrorKind, message: String) -> FileError {
        FileError {
            path: path.to_path_buf(),
            message,
            line: None,
            column: None,
            kind,
        }
    }
}

/// A folder or file the walk could not enter.
impl From<crate::discover::WalkError> for FileError {
    fn from(e: crate::discover::WalkError) -> FileError {
        FileError {
            path: e.path,
            message: e.message,
            line: None,
            column: None,
            kind: ErrorKind::Io,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// The parser could not read part of the file; the rest was linted.
    Parse,
    /// The file could not be read, was skipped, or its analysis failed.
    Io,
    Internal,
    Skipped,
}

/// Wall time of each phase.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub walk: Duration,
    pub read_and_lower: Duration,
    pub merge: Duration,
    pub analyze: Duration,
    pub files_parsed: usize,
    pub files_skipped: usize,
    /// Bytes of the files parsed.
    pub bytes: u64,
    /// Bytes of the files the prefilter skipped.
    pub bytes_skipped: u64,
}

/// A diagnostic with its effective severity.
#[derive(Clone, Debug)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub severity: Severity,
}

pub struct Outcome {
    /// Every file linted, indexed by [`crate::rules::diagnostic::FileId`].
    pub files: Vec<SourceFile>,
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    pub errors: Vec<FileError>,
    pub timings: Timings,
}

/// What a run read of each input: enough for a cache to tell later whether an input changed
/// and whether a change to it could change the run's findings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Inventory {
    /// One per input that was read, in no particular order.
    pub inputs: Vec<InputRecord>,
    /// What the last analysis asked of the files it had not parsed (prefilter runs only): a
    /// file with no seed word that meets none of it cannot change a finding.
    pub wanted: Option<Wanted>,
    /// The identifiers of each input found inert, with the hash of its bytes (a cache keeps
    /// them, so that a later run need not read the file while it stays as it is).
    #[serde(skip)]
    pub inert_names: Vec<(PathBuf, u128, Identifiers)>,
}

/// An input known not to have changed since a run that found it inert: a run takes it as
/// pending without reading it (it is read if the analysis comes to want it).
pub struct Unchanged {
    pub record: InputRecord,
    pub names: Identifiers,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InputRecord {
    pub path: PathBuf,
    /// The size and modification time of the bytes that were linted.
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
    /// xxh3-128 of those bytes.
    pub hash: u128,
    pub status: InputStatus,
}

impl InputRecord {
    fn of(path: &Path, bytes: &[u8], stamp: Option<Stamp>, status: InputStatus) -> InputRecord {
        InputRecord {
            path: path.to_path_buf(),
            len: bytes.len() as u64,
            modified: stamp.and_then(|s| s.modified),
            hash: xxhash_rust::xxh3::xxh3_128(bytes),
            status,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputStatus {
    /// It has a seed word or something the analysis asked for: its facts count.
    Relevant,
    /// Neither: the findings are the same without it (its parse notes and suppression
    /// comments still count).
    Inert,
}

/// Parses one file and lowers it to facts: the front-ends ([`crate::frontend::lower`]) in
/// production. Tests pass their own to inject faults (a front-end that panics) without a
/// hook inside the real front-ends.
pub type LowerFn<'a> = dyn Fn(Language, &str, &Path) -> FileFacts + Sync + 'a;

/// Lints the files under `paths`.
pub fn check_paths(
    paths: &[PathBuf],
    settings: &Settings,
) -> Result<Outcome, crate::discover::MissingPath> {
    check_paths_with(paths, settings, &crate::frontend::lower)
}

/// [`check_paths`] with another front-end (for fault-injection tests).
#[doc(hidden)]
pub fn check_paths_with(
    paths: &[PathBuf],
    settings: &Settings,
    lower: &LowerFn<'_>,
) -> Result<Outcome, crate::discover::MissingPath> {
    let start = Instant::now();
    let found = crate::discover::discover(paths, settings.follow_symlinks)?;
    let walk = start.elapsed();
    let inputs = found.files.into_iter().map(Input::file).collect();
    let mut outcome = check_inputs_with(inputs, settings, lower);
    outcome.timings.walk = walk;
    outcome
        .errors
        .extend(found.errors.into_iter().map(FileError::from));
    outcome.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outcome)
}

/// Lints the given sources as one project.
pub fn check_inputs(inputs: Vec<Input>, settings: &Settings) -> Outcome {
    check_inputs_with(inputs, settings, &crate::frontend::lower)
}

/// [`check_inputs`] with another front-end (for fault-injection tests).
#[doc(hidden)]
pub fn check_inputs_with(inputs: Vec<Input>, settings: &Settings, lower: &LowerFn<'_>) -> Outcome {
    in_pool(settings, || {
        check_inputs_in_pool(inputs, settings, lower, &HashSet::new(), HashMap::new()).outcome
    })
}

/// [`check_inputs`], with the explanations of the sites `settings.explain` asks about.
pub fn check_inputs_explained(
    inputs: Vec<Input>,
    settings: &Settings,
) -> (Outcome, Vec<crate::rules::explain::Explanation>) {
    in_pool(settings, || {
        let lower = &crate::frontend::lower;
        let run = check_inputs_in_pool(inputs, settings, lower, &HashSet::new(), HashMap::new());
        (run.outcome, run.explanations)
    })
}

/// [`check_inputs`], with what was read of each input (for [`crate::cache`]); `likely`
/// files are parsed on sight (see [`check_inputs_in_pool`]).
pub fn check_inputs_inventoried(
    inputs: Vec<Input>,
    settings: &Settings,
    likely: &HashSet<PathBuf>,
    unchanged: HashMap<PathBuf, Unchanged>,
    lower: &LowerFn<'_>,
) -> (Outcome, Inventory) {
    in_pool(settings, || {
        let run = check_inputs_in_pool(inputs, settings, lower, likely, unchanged);
        (run.outcome, run.inventory)
    })
}

pub(crate) fn in_pool<T: Send>(settings: &Settings, run: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs.unwrap_or(0))
        .stack_size(64 * 1024 * 1024)
        .build()
        .expect("thread pool");
    pool.install(run)
}

struct Lowered {
    file: SourceFile,
    /// Bytes of text lowered.
    bytes: u64,
    facts: FileFacts,
    errors: Vec<FileError>,
    record: InputRecord,
    /// The identifiers of a file parsed without a seed word (a likely one): whether it was
    /// relevant is decided against the last demand.
    names: Option<Identifiers>,
}

/// What became of one input when it was read.
enum Processed {
    Lowered(Box<Lowered>),
    /// Not parsed: no seed word in it. Only its identifiers are kept (its bytes are read
    /// again if a later round wants it), so memory does not grow with the tree.
    Indexed(Pending),
    /// To be parsed once every file has been read, largest first (see [`first_pass`]).
    Held(Box<Held>),
    Failed(FileError),
}

/// A file read to be parsed, with its bytes.
struct Held {
    input: Input,
    language: Language,
    bytes: Vec<u8>,
    stamp: Option<Stamp>,
    /// Its identifiers, if it has no seed word (a likely file).
    names: Option<Identifiers>,
}

/// The most bytes the first pass holds for parsing later; past it, files are parsed as
/// they are read.
const HELD_MAX: u64 = 32 << 20;

/// A file the prefilter has not parsed (yet).
struct Pending {
    input: Input,
    len: u64,
    names: Identifiers,
    record: InputRecord,
}

/// The files parsed so far, in step: `files[i]` is the file of `facts[i]`.
#[derive(Default)]
struct Parsed {
    files: Vec<SourceFile>,
    facts: Vec<FileFacts>,
    bytes: u64,
    records: Vec<InputRecord>,
}

impl Parsed {
    fn add(
        &mut self,
        processed: Vec<Processed>,
        pending: &mut Vec<Pending>,
        errors: &mut Vec<FileError>,
        spread: &mut HashMap<PathBuf, Identifiers>,
    ) {
        for p in processed {
            match p {
                Processed::Lowered(l) => {
                    if let Some(names) = l.names {
                        spread.insert(l.record.path.clone(), names);
                    }
                    self.bytes += l.bytes;
                    errors.extend(l.errors);
                    self.records.push(l.record);
                    self.files.push(l.file);
                    self.facts.push(l.facts);
                }
                Processed::Indexed(p) => pending.push(p),
                Processed::Held(_) => unreachable!("held files are lowered by the first pass"),
                Processed::Failed(e) => errors.push(e),
            }
        }
    }

    /// Sorted by path: file ids (and so output) do not depend on the order files were parsed.
    fn sort(&mut self) {
        let mut order: Vec<usize> = (0..self.files.len()).collect();
        order.sort_by(|&a, &b| self.files[a].path.cmp(&self.files[b].path));
        let mut files: Vec<Option<SourceFile>> = self.files.drain(..).map(Some).collect();
        let mut facts: Vec<Option<FileFacts>> = self.facts.drain(..).map(Some).collect();
        for i in order {
            self.files.extend(files[i].take());
            self.facts.extend(facts[i].take());
        }
    }
}

/// A round that wants at least 1/SPREAD_RATIO of the files still pending takes them all.
const SPREAD_RATIO: usize = 32;
/// ... and at least this many (small projects' rounds are cheap).
const SPREAD_MIN: usize = 64;

/// Everything one run produces.
struct Run {
    outcome: Outcome,
    explanations: Vec<crate::rules::explain::Explanation>,
    inventory: Inventory,
}

/// `likely`: files to parse on sight as if they had a seed word (the ones a previous run
/// found relevant): a superset of what the demand reaches gives the same result, and
/// parsing them up front saves the rounds that would reach them one by one.
fn check_inputs_in_pool(
    inputs: Vec<Input>,
    settings: &Settings,
    lower: &LowerFn<'_>,
    likely: &HashSet<PathBuf>,
    mut unchanged: HashMap<PathBuf, Unchanged>,
) -> Run {
    let mut timings = Timings::default();
    let start = Instant::now();
    let seeds = settings.prefilter.then(|| Seeds::new(&settings.config));
    let mut errors = Vec::new();
    let mut pending = Vec::new();
    let mut parsed = Parsed::default();
    // Files parsed only because a round took all that was pending, with their identifiers:
    // whether they were relevant is decided against the last demand.
    let mut spread: HashMap<PathBuf, Identifiers> = HashMap::new();
    let mut last_wanted = None;
    let (inputs, known): (Vec<Input>, Vec<Input>) = inputs
        .into_iter()
        .partition(|input| !unchanged.contains_key(&input.path));
    for input in known {
        if let Some(Unchanged { record, names }) = unchanged.remove(&input.path) {
            pending.push(Pending {
                input,
                len: record.len,
                names,
                record,
            });
        }
    }
    if let Some(done) = &settings.progress {
        done.fetch_add(pending.len(), std::sync::atomic::Ordering::Relaxed);
    }
    let first = first_pass(inputs, seeds.as_ref(), settings, lower, likely, HELD_MAX);
    parsed.add(first, &mut pending, &mut errors, &mut spread);
    timings.read_and_lower += start.elapsed();

    // Analyse what is parsed; parse what the analysis says could change it; repeat.
    let (project, checked) = loop {
        parsed.sort();
        let start = Instant::now();
        let project = Project::build(
            &parsed.files,
            std::mem::take(&mut parsed.facts),
            &settings.config,
        );
        timings.merge += start.elapsed();
        let start = Instant::now();
        let analysis = crate::analyze::analyze(&project);
        // Whether `last_wanted` below is this analysis's demand.
        let demand_is_this_analysis = !pending.is_empty();
        let wanted = if pending.is_empty() {
            Vec::new()
        } else {
            let demand = Wanted::new(&crate::analyze::relevance::demand(&analysis));
            let (mut wanted, still): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut pending)
                .into_par_iter()
                .partition(|p| p.names.meets(&demand));
            pending = still;
            // Each round re-analyses the whole project: when the demand already spreads to
            // a large share of what is left, parsing the rest now (always sound) costs less
            // than the further rounds it would take to reach it.
            if wanted.len() >= SPREAD_MIN
                && wanted.len() * SPREAD_RATIO >= pending.len() + wanted.len()
            {
                spread.extend(
                    pending
                        .iter()
                        .map(|p| (p.input.path.clone(), p.names.clone())),
                );
                wanted.append(&mut pending);
            }
            last_wanted = Some(demand);
            wanted
        };
        if wanted.is_empty() {
            if settings.prefilter
                && !demand_is_this_analysis
                && (last_wanted.is_none() || !spread.is_empty())
            {
                // The demand of the analysis the findings come from (the loop computed it
                // only while files were pending).
                last_wanted = Some(Wanted::new(&crate::analyze::relevance::demand(&analysis)));
            }
            let query = settings
                .explain
                .as_ref()
                .and_then(|at| explain_query(&parsed.files, at));
            let mut checked = crate::rules::check(&analysis, query);
            crate::rules::explain::honour_config(&mut checked.explanations, &settings.config);
            timings.analyze += start.elapsed();
            drop(analysis);
            break (project, checked);
        }
        drop(analysis);
        timings.analyze += start.elapsed();
        parsed.facts = project.into_facts();
        let start = Instant::now();
        let mut wanted = wanted;
        wanted.sort_by_key(|p| std::cmp::Reverse(p.len));
        let more: Vec<Processed> = wanted
            .into_par_iter()
            .with_max_len(1)
            .map(|p| process(p.input, None, settings, lower, likely))
            .collect();
        parsed.add(more, &mut pending, &mut errors, &mut spread);
        timings.read_and_lower += start.elapsed();
    };
    timings.files_parsed = parsed.files.len();
    timings.bytes = parsed.bytes;
    timings.files_skipped = pending.len();
    timings.bytes_skipped = pending.iter().map(|p| p.len).sum();
    let mut records = std::mem::take(&mut parsed.records);
    let mut inert_names = Vec::new();
    for record in &mut records {
        let inert = spread
            .get(&record.path)
            .zip(last_wanted.as_ref())
            .is_some_and(|(names, wanted)| !names.meets(wanted));
        if inert {
            record.status = InputStatus::Inert;
            if let Some(names) = spread.remove(&record.path) {
                inert_names.push((record.path.clone(), record.hash, names));
            }
        }
    }
    for p in pending {
        inert_names.push((p.record.path.clone(), p.record.hash, p.names));
        records.push(p.record);
    }
    drop(spread);
    let inventory = Inventory {
        inputs: records,
        wanted: last_wanted,
        inert_names,
    };
    let mut files = parsed.files;
    for (file, message) in checked.failures {
        errors.push(FileError {
            path: files[file].path.clone(),
            message,
            line: None,
            column: None,
            kind: ErrorKind::Internal,
        });
    }
    project.free();

    let mut findings: Vec<Finding> = checked
        .diagnostics
        .into_iter()
        .filter_map(|d| match settings.config.level(registry::get(d.rule)) {
            Level::Off => None,
            Level::On(severity) => Some(Finding {
                diagnostic: d,
                severity,
            }),
        })
        .collect();
    read_texts_again(&mut files, &findings, &settings.config, &mut errors);
    sort_findings(&mut findings, &files);
    findings.dedup_by(|a, b| a.diagnostic == b.diagnostic);
    errors.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    let outcome = Outcome {
        files,
        findings,
        errors,
        timings,
    };
    Run {
        outcome,
        explanations: checked.explanations,
        inventory,
    }
}

/// The linted file `--explain` names (as given, or the same file by another path).
fn explain_query(files: &[SourceFile], at: &ExplainAt) -> Option<crate::rules::explain::Query> {
    let wanted = std::fs::canonicalize(&at.path).ok();
    let file = files.iter().position(|f| {
        f.path == at.path || wanted.is_some() && std::fs::canonicalize(&f.path).ok() == wanted
    })?;
    Some(crate::rules::explain::Query {
        file,
        line: at.line,
    })
}

/// Reads again the text of the files that have findings and whose text was dropped after
/// lowering. A file that changed in between is read as it is now, and said so.
pub(crate) fn read_texts_again(
    files: &mut [SourceFile],
    findings: &[Finding],
    config: &Config,
    errors: &mut Vec<FileError>,
) {
    let mut wanted: Vec<usize> = findings
        .iter()
        .flat_map(|f| {
            let d = &f.diagnostic;
            std::iter::once(d.file).chain(d.related.iter().map(|r| r.file))
        })
        .filter(|&file| files[file].dropped.is_some())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    for file in wanted {
        let source = &mut files[file];
        let Some(dropped) = source.dropped.take() else {
            continue;
        };
        let error = |message: String| FileError::whole_file(&source.path, ErrorKind::Io, message);
        match read_bounded(&source.path, config.max_file_size) {
            Ok((bytes, now)) if now == dropped.stamp => {
                let mut ignored = Vec::new();
                source.text = decode(&bytes, &source.path, &mut ignored);
            }
            // Positions stay those of the text that was analysed; only its lines are not shown.
            Ok(_) => {
                source.text = blank_text(&source.lines, dropped.text_len).into();
                errors.push(error(
                    "changed while it was being linted: its findings are shown without source lines; lint again".into(),
                ));
            }
            Err((_, message)) => {
                source.text = blank_text(&source.lines, dropped.text_len).into();
                errors.push(error(format!(
                    "{message} (it was read earlier in this run; its findings are shown without source lines)"
                )));
            }
        }
    }
}

/// Spaces in place of a text of `len` bytes, with its line ends where `lines` has them: every
/// position of the lost text is still valid in it.
fn blank_text(lines: &LineIndex, len: usize) -> String {
    let mut bytes = vec![b' '; len];
    for line in 2..=lines.line_count() as u32 {
        if let Some(start) = lines.line_start(line) {
            if let Some(end) = bytes.get_mut((start as usize).wrapping_sub(1)) {
                *end = b'\n';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Reads every input; parses those with a seed word (or likely), largest first.
/// - With the prefilter on, files are read in the order given (the walk's: each folder's
///   files together) and those to parse are held until all are read, then parsed largest
///   first: their sizes come from reading them, not from a `stat` of every file first
///   (7,000 calls on a large tree, for the few hundred files parsed). Past `held_max`
///   bytes held, a file is parsed as it is read.
/// - With it off, every file is parsed: sizes come from `stat`, so that no text is held.
///
/// One file per job: rayon otherwise hands out runs of files that cannot be split once
/// started, and the last run kept one thread busy for a second after the other ran dry on a
/// million-line tree.
fn first_pass(
    inputs: Vec<Input>,
    seeds: Option<&Seeds>,
    settings: &Settings,
    lower: &LowerFn<'_>,
    likely: &HashSet<PathBuf>,
    held_max: u64,
) -> Vec<Processed> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let done = |n: usize| {
        if let Some(done) = &settings.progress {
            done.fetch_add(n, Ordering::Relaxed);
        }
    };
    if seeds.is_none() {
        return largest_first(inputs)
            .into_par_iter()
            .with_max_len(1)
            .map(|input| {
                let processed = process(input, None, settings, lower, likely);
                done(1);
                processed
            })
            .collect();
    }
    let held_bytes = AtomicU64::new(0);
    let read: Vec<Processed> = inputs
        .into_par_iter()
        .with_max_len(1)
        .map(|input| {
            let processed = match read_and_classify(input, seeds, settings, likely) {
                Ok(Processed::Held(held)) => {
                    let len = held.bytes.len() as u64;
                    if held_bytes.fetch_add(len, Ordering::Relaxed) + len <= held_max {
                        return Processed::Held(held);
                    }
                    lower_held(*held, lower).unwrap_or_else(Processed::Failed)
                }
                Ok(processed) => processed,
                Err(e) => Processed::Failed(e),
            };
            done(1);
            processed
        })
        .collect();
    let mut held = Vec::new();
    let mut done_reading = Vec::with_capacity(read.len());
    for p in read {
        match p {
            Processed::Held(h) => held.push(*h),
            other => done_reading.push(other),
        }
    }
    held.sort_by(|a, b| {
        (b.bytes.len().cmp(&a.bytes.len())).then_with(|| a.input.path.cmp(&b.input.path))
    });
    let lowered: Vec<Processed> = held
        .into_par_iter()
        .with_max_len(1)
        .map(|held| {
            let processed = lower_held(held, lower).unwrap_or_else(Processed::Failed);
            done(1);
            processed
        })
        .collect();
    done_reading.extend(lowered);
    done_reading
}

/// The inputs, largest first (by `stat`): a big file started last would keep one
/// thread busy while the others idle. (Results are sorted by path afterwards.)
fn largest_first(inputs: Vec<Input>) -> Vec<Input> {
    let mut sized: Vec<(Input, u64)> = inputs
        .into_par_iter()
        .map(|input| {
            let len = match &input.content {
                Some(bytes) => bytes.len() as u64,
                None => std::fs::metadata(&input.path).map_or(0, |m| m.len()),
            };
            (input, len)
        })
        .collect();
    sized.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.path.cmp(&b.0.path)));
    sized.into_iter().map(|(input, _)| input).collect()
}

/// The order INTERFACES.md promises: path, position, rule (then message, for ties).
pub fn sort_findings(findings: &mut [Finding], files: &[SourceFile]) {
    findings.sort_by(|a, b| {
        let (da, db) = (&a.diagnostic, &b.diagnostic);
        files[da.file]
            .path
            .cmp(&files[db.file].path)
            .then(da.span.start.cmp(&db.span.start))
            .then(da.rule.cmp(db.rule))
            .then(da.message.cmp(&db.message))
    });
}

/// Reads one file and lowers it, unless `seeds` are given and it has none of them: then
/// only its identifiers are kept.
fn process(
    input: Input,
    seeds: Option<&Seeds>,
    settings: &Settings,
    lower: &LowerFn<'_>,
    likely: &HashSet<PathBuf>,
) -> Processed {
    match read_and_lower(input, seeds, settings, lower, likely) {
        Ok(p) => p,
        Err(e) => Processed::Failed(e),
    }
}

fn read_and_lower(
    input: Input,
    seeds: Option<&Seeds>,
    settings: &Settings,
    lower: &LowerFn<'_>,
    likely: &HashSet<PathBuf>,
) -> Result<Processed, FileError> {
    match read_and_classify(input, seeds, settings, likely)? {
        Processed::Held(held) => lower_held(*held, lower),
        processed => Ok(processed),
    }
}

/// Reads one file: [`Processed::Indexed`] if `seeds` are given and it has none of them
/// (and is not likely), else [`Processed::Held`] for [`lower_held`].
fn read_and_classify(
    input: Input,
    seeds: Option<&Seeds>,
    settings: &Settings,
    likely: &HashSet<PathBuf>,
) -> Result<Processed, FileError> {
    let (input, language, bytes, stamp) = read_input(input, settings)?;
    let mut names = None;
    if seeds.is_some_and(|s| !s.matches(&bytes, language)) {
        if !likely.contains(&input.path) {
            return Ok(Processed::Indexed(Pending {
                names: Identifiers::of_file(&bytes, language),
                record: InputRecord::of(&input.path, &bytes, stamp, InputStatus::Inert),
                len: bytes.len() as u64,
                input,
            }));
        }
        names = Some(Identifiers::of_file(&bytes, language));
    }
    Ok(Processed::Held(Box::new(Held {
        input,
        language,
        bytes,
        stamp,
        names,
    })))
}

fn lower_held(held: Held, lower: &LowerFn<'_>) -> Result<Processed, FileError> {
    let Held {
        input,
        language,
        bytes,
        stamp,
        names,
    } = held;
    let path = input.path;
    let record = InputRecord::of(&path, &bytes, stamp, InputStatus::Relevant);
    lower_bytes(path, language, &bytes, stamp, record, lower).map(|mut lowered| {
        lowered.names = names;
        Processed::Lowered(Box::new(lowered))
    })
}

/// One input's language and bytes (with the stamp they were read at, when from disk), or
/// why it cannot be linted.
fn read_input(
    input: Input,
    settings: &Settings,
) -> Result<(Input, Language, Vec<u8>, Option<Stamp>), FileError> {
    let error = |kind, message| FileError::whole_file(&input.path, kind, message);
    let Some(language) = Language::from_path(&input.path) else {
        return Err(error(
            ErrorKind::Io,
            "not a Swift, Objective-C or Rust source file".into(),
        ));
    };
    let max = settings.config.max_file_size;
    let (bytes, stamp) = match &input.content {
        Some(bytes) => (bytes.clone(), None),
        None => read_bounded(&input.path, max)
            .map(|(bytes, stamp)| (bytes, Some(stamp)))
            .map_err(|(kind, message)| error(kind, message))?,
    };
    if bytes.len() as u64 > max {
        return Err(error(ErrorKind::Skipped, too_big(bytes.len() as u64, max)));
    }
    Ok((input, language, bytes, stamp))
}

/// [`crate::frontend::lower`], then [`finish`]: facts as the facts cache keeps them.
pub fn lower_finished(language: Language, text: &str, path: &Path) -> FileFacts {
    let mut facts = crate::frontend::lower(language, text, path);
    finish(&mut facts);
    facts
}

/// Indexes what each function mentions and packs the bodies no project-wide pass reads
/// unconditionally. Facts that come finished (from the cache) are left as they are.
fn finish(facts: &mut FileFacts) {
    if facts.mentions.len() == facts.functions.len() {
        return;
    }
    facts.mentions = crate::analyze::mentions::index(facts);
    crate::analyze::mentions::pack_quiet_bodies(facts);
}

/// Lowers one file's bytes (read at `stamp`, or not from disk): its facts, its source as
/// reporting sees it, its parse notes.
fn lower_bytes(
    path: PathBuf,
    language: Language,
    bytes: &[u8],
    stamp: Option<Stamp>,
    record: InputRecord,
    lower: &LowerFn<'_>,
) -> Result<Lowered, FileError> {
    let mut errors = Vec::new();
    let text = decode(bytes, &path, &mut errors);
    let lines = LineIndex::new(&text);
    let mut facts = lower_isolated(lower, language, &text, &path)
        .map_err(|message| FileError::whole_file(&path, ErrorKind::Internal, message))?;
    finish(&mut facts);
    if let Some(first) = facts.problems.first() {
        let pos = lines.line_col(&text, first.span.start);
        let more = facts.problems.len() - 1;
        errors.push(FileError {
            path: path.clone(),
            message: if more == 0 {
                first.message.clone()
            } else {
                format!("{} (and {more} more)", first.message)
            },
            line: Some(pos.line),
            column: Some(pos.column),
            kind: ErrorKind::Parse,
        });
    }
    // Only comments with a directive are read again, by suppressions: the others (often a
    // good share of a file's bytes) are freed now. They are read against the text later; a
    // file from disk without them gives its text back now and reads it again only if a
    // finding needs it.
    let comments: Vec<crate::facts::Comment> = std::mem::take(&mut facts.comments)
        .into_iter()
        .filter(|c| crate::suppress::parse::mentions_directive(&c.text))
        .collect();
    let keep = stamp.is_none() || !comments.is_empty();
    let text_len = text.len();
    Ok(Lowered {
        file: SourceFile {
            path,
            language,
            text: if keep { text } else { Arc::from("") },
            lines,
            comments,
            dropped: if keep {
                None
            } else {
                stamp.map(|stamp| Dropped { stamp, text_len })
            },
        },
        bytes: text_len as u64,
        facts,
        errors,
        record,
        names: None,
    })
}

/// A file read again by a cache, as a run would show it (its facts are not needed): its
/// source, its parse notes, and whether it has a seed word or meets `wanted`.
pub(crate) fn read_for_cache(
    path: &Path,
    settings: &Settings,
    seeds: &Seeds,
    wanted: &Wanted,
) -> Result<(SourceFile, Vec<FileError>, InputRecord), FileError> {
    let (input, language, bytes, stamp) = read_input(Input::file(path), settings)?;
    let relevant =
        seeds.matches(&bytes, language) || Identifiers::of_file(&bytes, language).meets(wanted);
    let status = if relevant {
        InputStatus::Relevant
    } else {
        InputStatus::Inert
    };
    let record = InputRecord::of(&input.path, &bytes, stamp, status);
    let lowered = lower_bytes(
        input.path,
        language,
        &bytes,
        stamp,
        record,
        &crate::frontend::lower,
    )?;
    Ok((lowered.file, lowered.errors, lowered.record))
}

/// One file's share of a run with the prefilter off: read, decode, parse, lower, index what
/// its functions mention, pack its quiet bodies. The benchmark times it against a bare
/// parse of the same files; what it returns is kept alive as a run keeps it.
#[doc(hidden)]
pub fn lower_one(path: &Path, settings: &Settings) -> Option<Box<dyn std::any::Any + Send>> {
    let input = Input::file(path);
    match read_and_lower(
        input,
        None,
        settings,
        &crate::frontend::lower,
        &HashSet::new(),
    ) {
        Ok(Processed::Lowered(lowered)) => Some(lowered),
        _ => None,
    }
}

fn too_big(len: u64, max: u64) -> String {
    format!("skipped: {len} bytes is over max-file-size ({max} bytes)")
}

/// Reads a source file without trusting it: what is not a regular file is refused (opening a
/// FIFO blocks forever), and at most `max + 1` bytes are read (a huge or growing file is
/// skipped by its size, never loaded).
pub(crate) fn read_bounded(path: &Path, max: u64) -> Result<(Vec<u8>, Stamp), (ErrorKind, String)> {
    use std::io::Read;
    let cannot_read = |e: std::io::Error| (ErrorKind::Io, format!("cannot read: {e}"));
    let Some((file, meta)) = open_regular(path).map_err(cannot_read)? else {
        return Err((
            ErrorKind::Io,
            "not a regular file (a folder, FIFO, socket or device): not linted".into(),
        ));
    };
    if meta.len() > max {
        return Err((ErrorKind::Skipped, too_big(meta.len(), max)));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Up to the size the file has now: past it, reading to the end would ask once more
    // only to hear that the file is over (a system call per file). A file that says it
    // is empty (some special file systems) is read to its end, within the limit.
    let limit = match meta.len() {
        0 => max.saturating_add(1),
        len => len,
    };
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    let stamp = Stamp {
        len: bytes.len() as u64,
        modified: meta.modified().ok(),
    };
    Ok((bytes, stamp))
}

/// Opens `path` as a regular file, with its metadata. On Unix it is opened first, without
/// blocking on a FIFO or device, and asked what it is: one walk of the path, not two (a
/// `stat` and an `open` each walk it: a tenth of a re-run's time went to `statx`).
#[cfg(unix)]
fn open_regular(path: &Path) -> std::io::Result<Option<(std::fs::File, std::fs::Metadata)>> {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    match opened {
        Ok(file) => {
            let meta = file.metadata()?;
            Ok(meta.is_file().then_some((file, meta)))
        }
        // A socket cannot be opened at all.
        Err(e) => match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => Ok(None),
            _ => Err(e),
        },
    }
}

/// Elsewhere: asked what it is before it is opened.
#[cfg(not(unix))]
fn open_regular(path: &Path) -> std::io::Result<Option<(std::fs::File, std::fs::Metadata)>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Ok(None);
    }
    Ok(Some((std::fs::File::open(path)?, meta)))
}

/// Decodes as UTF-8, replacing invalid bytes, and says where the first invalid byte was.
/// Valid text is copied once, straight into the shared string (not through a `String`).
fn decode(bytes: &[u8], path: &Path, errors: &mut Vec<FileError>) -> Arc<str> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let bytes = &bytes[bom..];
    match std::str::from_utf8(bytes) {
        Ok(text) => Arc::from(text),
        Err(e) => {
            let valid = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            let lines = LineIndex::new(&text);
            let pos = lines.line_col(&text, valid as u32);
            errors.push(FileError {
                path: path.to_path_buf(),
                message: format!(
                    "invalid UTF-8 at byte {}; invalid bytes were replaced by U+FFFD and the rest was linted",
                    valid + bom
                ),
                line: Some(pos.line),
                column: Some(pos.column),
                kind: ErrorKind::Parse,
            });
            text.into()
        }
    }
}

/// Runs a front-end with panics caught: one bad file never stops the run.
fn lower_isolated(
    lower: &LowerFn<'_>,
    language: Language,
    text: &str,
    path: &Path,
) -> Result<FileFacts, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lower(language, text, path))).map_err(
        |panic| {
            format!(
                "internal error while analysing this file (please report it): {}",
                panic_message(&*panic)
            )
        },
    )
}

pub use crate::isolate::panic_message;

#[cfg(test)]
mod tests {
    use super::*;

    /// What the first pass made of each input: parsed (with its facts' function count) or
    /// only indexed, by path, in the order it returned them.
    fn outcome(processed: &[Processed]) -> Vec<(String, Option<usize>)> {
        processed
            .iter()
            .filter_map(|p| match p {
                Processed::Lowered(l) => Some((
                    l.file.path.display().to_string(),
                    Some(l.facts.functions.len()),
                )),
                Processed::Indexed(p) => Some((p.input.path.display().to_string(), None)),
                Processed::Held(_) | Processed::Failed(_) => None,
            })
            .collect()
    }

    #[test]
    fn files_past_the_hold_limit_are_parsed_as_read_with_the_same_facts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let seed = |n: usize| {
            format!(
                "func make{n}() {{ let s = URLSession(configuration: .default) }}\n{}",
                "// padding\n".repeat(n)
            )
        };
        let mut inputs = Vec::new();
        for (name, text) in [
            ("a.swift", seed(1)),
            ("b.swift", "struct Point { var x: Int }\n".to_string()),
            ("c.swift", seed(30)),
            ("d.swift", seed(5)),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            inputs.push(Input::file(path));
        }
        let settings = Settings::default();
        let seeds = Seeds::new(&settings.config);
        let lower: &LowerFn<'_> = &crate::frontend::lower;
        let pass = |held_max| {
            let processed = first_pass(
                inputs.clone(),
                Some(&seeds),
                &settings,
                lower,
                &HashSet::new(),
                held_max,
            );
            assert_eq!(processed.len(), inputs.len(), "one result per input");
            outcome(&processed)
        };
        let held = pass(HELD_MAX);
        let as_read = pass(0);
        let name = |(path, parsed): &(String, Option<usize>)| {
            let file = Path::new(path).file_name().unwrap().to_string_lossy();
            (file.into_owned(), *parsed)
        };
        // Held: the one file without a seed word first, then the parsed ones largest first.
        assert_eq!(
            held.iter().map(name).collect::<Vec<_>>(),
            [
                ("b.swift".to_string(), None),
                ("c.swift".to_string(), Some(1)),
                ("d.swift".to_string(), Some(1)),
                ("a.swift".to_string(), Some(1)),
            ]
        );
        // Past the limit: each file parsed as it is read, in the order given.
        assert_eq!(
            as_read.iter().map(name).collect::<Vec<_>>(),
            [
                ("a.swift".to_string(), Some(1)),
                ("b.swift".to_string(), None),
                ("c.swift".to_string(), Some(1)),
                ("d.swift".to_string(), Some(1)),
            ]
        );
    }
}
