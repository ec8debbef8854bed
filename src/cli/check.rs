//! `sessionlint check`: configure, lint, filter (suppressions, project context, baseline), report.

use super::args::{CheckArgs, ColorWhen, FailLevel};
use super::{exit, inputs, progress::Progress, UsageError};
use crate::baseline::Baseline;
use crate::config::discovery::{Resolved, Resolver};
use crate::config::{self, Config};
use crate::facts::Language;
use crate::report::{self, Format, Report};
use crate::rules::registry::{self, Severity};
use crate::run::{self, ErrorKind, Input, Settings};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

pub fn run(args: &CheckArgs) -> Result<u8, UsageError> {
    let started = Instant::now();
    let cwd = std::env::current_dir()
        .map_err(|e| UsageError(format!("cannot read the current folder: {e}")))?;
    let overrides = overrides(args)?;
    let apply = |config: &mut Config| overrides.apply(config);
    if let Some(path) = args.config.as_ref().filter(|p| !p.is_file()) {
        let problem = if path.exists() {
            "is not a regular file"
        } else {
            "does not exist"
        };
        return Err(UsageError(format!(
            "config file {problem}: {}",
            path.display()
        )));
    }
    let resolver = Resolver::new(&cwd, args.config.as_deref(), &apply).map_err(config_error)?;
    refuse_unsupported_files(args)?;
    // The project root: the folder of the config that governs the first path asked about.
    let first = args
        .paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .or(args.stdin_filename.as_ref())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let top = resolver.for_path(&first).map_err(config_error)?;
    let root = top.root.clone();
    crate::frontend::budget::set(args.parse_timeout.unwrap_or(top.config.parse_timeout));
    crate::frontend::objc::set_configured_macros(&top.config.objc_macros);
    if args.show_settings {
        print_lines(settings_text(&top, args).lines());
        return Ok(exit::CLEAN);
    }

    let bad_config = std::cell::RefCell::new(None);
    let accepts = |path: &Path| match resolver.for_file(path) {
        Ok(resolved) => resolved.filter.accepts(path),
        Err(e) => {
            bad_config.borrow_mut().get_or_insert(e);
            false
        }
    };
    let admission = inputs::Admission {
        prepare: &|files| resolver.prefetch(files),
        accepts: &accepts,
    };
    let plan = inputs::plan(args, &admission, &cwd, top.config.max_file_size)?;
    if let Some(e) = bad_config.take() {
        return Err(config_error(e));
    }
    if args.verbose {
        eprintln!("{}", ignored_note(&plan.ignored));
    }
    if args.show_files {
        let mut shown: Vec<String> = plan
            .inputs
            .iter()
            .map(|input| {
                let absolute = report::position::absolute_path(&input.path, &cwd);
                report::position::display_path(&absolute, &root)
            })
            .collect();
        shown.sort();
        print_lines(shown.iter().map(String::as_str));
        return Ok(exit::CLEAN);
    }

    // One run per config (usually one): each file is linted with its own settings.
    let mut groups: Vec<(Rc<Resolved>, Vec<Input>)> = Vec::new();
    for input in plan.inputs {
        let resolved = resolver.for_file(&input.path).map_err(config_error)?;
        match groups.iter_mut().find(|(r, _)| Rc::ptr_eq(r, &resolved)) {
            Some((_, inputs)) => inputs.push(input),
            None => groups.push((resolved, vec![input])),
        }
    }
    let total: usize = groups.iter().map(|(_, inputs)| inputs.len()).sum();
    let progress = Progress::start(total, args.quiet);
    let mut outcomes = Vec::new();
    let mut fail_levels = Vec::new();
    // `--explain`: the run (one per config) that holds the asked-about line.
    let mut explained = None;
    for (resolved, inputs) in groups {
        let settings = Settings {
            jobs: args.jobs.map(usize::from),
            prefilter: !args.no_prefilter,
            follow_symlinks: args.follow_symlinks,
            config: resolved.config.clone(),
            progress: Some(progress.done.clone()),
            explain: args.explain.clone(),
        };
        // `--explain` and stdin runs bypass the cache: they want the analysis itself, or
        // lint bytes that are not on disk.
        let cached = !args.no_cache
            && args.explain.is_none()
            && inputs.iter().all(|input| input.content.is_none());
        let (mut outcome, found) = if cached {
            let dir = args
                .cache_dir
                .clone()
                .unwrap_or_else(|| resolved.root.join(crate::cache::FOLDER));
            let (outcome, report) = crate::cache::check(inputs, &settings, &dir);
            if args.verbose || args.timings {
                eprintln!(
                    "sessionlint: cache {}: {}",
                    dir.display(),
                    cache_use(&report.used)
                );
            }
            if args.verbose {
                eprintln!(
                    "sessionlint: cache: {} of {} files cannot change a finding (edits to them reuse it)",
                    report.inert, report.recorded
                );
                if report.facts_reused > 0 || report.inert_unread > 0 {
                    eprintln!(
                        "sessionlint: cache: unchanged files whose facts were reused: {}; not read at all: {}",
                        report.facts_reused, report.inert_unread
                    );
                }
                for problem in &report.problems {
                    eprintln!("sessionlint: cache: {problem}");
                }
            }
            (outcome, Vec::new())
        } else {
            run::check_inputs_explained(inputs, &settings)
        };
        if explained.is_none() && !found.is_empty() {
            explained = Some((outcomes.len(), found));
        }
        let enabled = |id: &str| {
            registry::find(id).is_some_and(|rule| settings.config.level(rule) != config::Level::Off)
        };
        crate::suppress::apply(&mut outcome, args.report_unused_suppressions, &enabled);
        fail_levels.extend(outcome.files.iter().map(|_| settings.config.fail_level));
        outcomes.push(outcome);
    }
    if let Some(at) = &args.explain {
        progress.finish();
        let (index, found) = explained.unwrap_or((0, Vec::new()));
        let outcome = if index < outcomes.len() {
            outcomes.swap_remove(index)
        } else {
            merge(outcomes)
        };
        return super::why::print(args, at, &outcome, &found, &cwd);
    }
    let mut outcome = merge(outcomes);
    progress.finish();
    outcome.timings.walk = plan.walk_time;
    outcome.errors.extend(plan.walk_errors);
    outcome
        .errors
        .sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));

    let report_start = Instant::now();
    let mut report = Report::rooted(&outcome, &cwd, &root);
    if let Some(reported) = &plan.reported {
        report
            .findings
            .retain(|f| reported.contains(&f.location.absolute));
        report.errors.retain(|e| reported.contains(&e.absolute));
    }

    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_report(&report);
        baseline
            .write(path)
            .map_err(|e| UsageError(format!("cannot write baseline {}: {e}", path.display())))?;
        eprintln!(
            "sessionlint: wrote {} to {}",
            crate::report::human::plural(baseline.findings.len(), "finding"),
            path.display()
        );
        return Ok(exit::CLEAN);
    }
    let mut hidden_by_baseline = 0;
    if let Some(path) = &args.baseline {
        let baseline = Baseline::read(path).map_err(UsageError)?;
        let known = baseline.known(&report);
        hidden_by_baseline = known.len();
        let mut index = 0;
        report.findings.retain(|_| {
            index += 1;
            !known.contains(&(index - 1))
        });
    }

    if args.fix || args.diff {
        if let Some(code) = super::fixing::run(args, &report)? {
            return Ok(code);
        }
    }

    let code = exit_code(args, &report, &fail_levels);
    let line_format = matches!(args.format, Format::Human | Format::Github | Format::Xcode);
    // Line formats summarise parse problems in one line (machine formats keep the full list).
    let mut parse_summary = None;
    if line_format && !args.verbose {
        let parse_files = parse_problem_files(&report);
        parse_summary = (parse_files > 0 && !args.quiet).then(|| parse_note(parse_files));
        if args.format == Format::Github {
            report.errors.retain(|e| e.kind != ErrorKind::Parse);
        }
    }
    let invocation = report::Invocation {
        command_line: std::env::args().collect(),
        working_directory: cwd.clone(),
        started: SystemTime::now() - started.elapsed(),
        finished: SystemTime::now(),
        exit_code: code,
    };
    let trailer = match (&parse_summary, args.format) {
        (Some(note), Format::Github) => vec![format!("::notice title=sessionlint::{note}")],
        _ => Vec::new(),
    };
    emit(args, &report, &invocation, &trailer)?;
    let report_time = report_start.elapsed();

    if args.format == Format::Human {
        print_problems(&report, args.verbose);
    } else if args.verbose {
        print_problems(&report, true);
    }
    if let (Some(note), Format::Human | Format::Xcode) = (&parse_summary, args.format) {
        eprintln!("{note}");
    }
    if args.statistics {
        print_statistics(&report, args.format);
    }
    if args.format == Format::Human && !args.quiet {
        eprintln!(
            "{}",
            summary_line(&report, started.elapsed(), hidden_by_baseline)
        );
        if let Some(hint) = super::fixing::hint(&report) {
            eprintln!("{hint}");
        }
    }
    if args.timings {
        print_timings(&outcome.timings, report_time);
    }
    Ok(code)
}

/// Lines to stdout; a reader that went away (`| head`) ends the listing, not the process.
fn print_lines<'a>(lines: impl Iterator<Item = &'a str>) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}

fn cache_use(used: &crate::cache::Use) -> String {
    match used {
        crate::cache::Use::Hit => "nothing changed, last results reused".into(),
        crate::cache::Use::Patched(n) => format!(
            "{} changed without touching what the findings depend on; last findings reused",
            crate::report::human::plural(*n, "file")
        ),
        crate::cache::Use::Missed(why) => format!("linted again ({why})"),
    }
}

/// `--verbose`: how many source files the ignore rules hid, by kind of rule.
fn ignored_note(ignored: &crate::discover::Ignored) -> String {
    use crate::report::human::plural;
    if ignored.total() == 0 {
        return "note: no source file ignored by .gitignore or .git/info/exclude".into();
    }
    let mut kinds = Vec::new();
    if ignored.gitignore > 0 {
        kinds.push(format!("{} by .gitignore", ignored.gitignore));
    }
    if ignored.git_exclude > 0 {
        kinds.push(format!("{} by .git/info/exclude", ignored.git_exclude));
    }
    format!(
        "note: {} ignored ({}); --no-ignore lints them",
        plural(ignored.total(), "source file"),
        kinds.join(", ")
    )
}

/// The command line's changes to every config: rules, fail level, extra excludes.
struct Overrides {
    select: Option<Vec<String>>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
    exclude: Vec<String>,
    fail_level: Option<Severity>,
}

impl Overrides {
    fn apply(&self, config: &mut Config) {
        if let Some(select) = &self.select {
            config.select = select.clone();
        }
        if !self.extend_select.is_empty() && !config.select.is_empty() {
            config.select.extend(self.extend_select.iter().cloned());
        }
        config.ignore.extend(self.ignore.iter().cloned());
        config.exclude.extend(self.exclude.iter().cloned());
        if let Some(level) = self.fail_level {
            config.fail_level = level;
        }
    }
}

fn overrides(args: &CheckArgs) -> Result<Overrides, UsageError> {
    for glob in &args.exclude {
        config::glob_set(std::slice::from_ref(glob))
            .map_err(|e| UsageError(format!("invalid glob in --exclude: {e}")))?;
    }
    Ok(Overrides {
        select: (!args.select.is_empty())
            .then(|| rule_ids(&args.select, "--select"))
            .transpose()?,
        extend_select: rule_ids(&args.extend_select, "--extend-select")?,
        ignore: rule_ids(&args.ignore, "--ignore")?,
        exclude: args.exclude.clone(),
        fail_level: args.fail_level.map(|level| match level {
            FailLevel::Error => Severity::Error,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Note => Severity::Note,
        }),
    })
}

fn config_error(e: config::ConfigError) -> UsageError {
    UsageError(e.to_string())
}

/// A file named on the command line that sessionlint cannot lint is a usage error.
fn refuse_unsupported_files(args: &CheckArgs) -> Result<(), UsageError> {
    for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        let is_file = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        if is_file && Language::from_path(path).is_none() {
            return Err(UsageError(format!(
                "{} is not a source file sessionlint lints (.swift, .m, .mm, .h, .rs)",
                path.display()
            )));
        }
    }
    Ok(())
}

/// `--show-settings`: the config file and every resolved setting.
fn settings_text(resolved: &Resolved, args: &CheckArgs) -> String {
    let config = &resolved.config;
    let list = |items: &[String]| format!("{items:?}");
    let mut text = format!(
        "config file: {}\nproject root: {}\n",
        config
            .source
            .as_ref()
            .map_or_else(|| "(none: defaults)".into(), |p| p.display().to_string()),
        resolved.root.display()
    );
    text.push_str(&format!("select = {}\n", list(&config.select)));
    text.push_str(&format!("ignore = {}\n", list(&config.ignore)));
    text.push_str(&format!(
        "fail-level = \"{}\"\n",
        config.fail_level.as_str()
    ));
    text.push_str(&format!("include = {}\n", list(&config.include)));
    text.push_str(&format!("exclude = {}\n", list(&config.exclude)));
    text.push_str(&format!("factories = {}\n", list(&config.factories)));
    text.push_str(&format!("releasers = {}\n", list(&config.releasers)));
    text.push_str(&format!(
        "process-lifetime-types = {}\n",
        list(&config.process_lifetime_types)
    ));
    text.push_str(&format!("max-file-size = {}\n", config.max_file_size));
    let timeout = args.parse_timeout.unwrap_or(config.parse_timeout);
    text.push_str(&format!("parse-timeout = {}\n", timeout.as_secs_f64()));
    text.push_str(&format!("force-exclude = {}\n", args.force_exclude));
    text.push_str("\n[rules]\n");
    for rule in registry::all() {
        let level = match config.level(rule) {
            config::Level::Off => "off",
            config::Level::On(severity) => severity.as_str(),
        };
        text.push_str(&format!("{} = \"{level}\"  # {}\n", rule.id, rule.name));
    }
    text
}

/// The outcomes of several runs (one per config) as one, file ids renumbered.
fn merge(mut outcomes: Vec<run::Outcome>) -> run::Outcome {
    if outcomes.len() == 1 {
        return outcomes.pop().expect("one outcome");
    }
    let mut merged = run::Outcome {
        files: Vec::new(),
        findings: Vec::new(),
        errors: Vec::new(),
        timings: run::Timings::default(),
    };
    for mut outcome in outcomes {
        let offset = merged.files.len();
        for finding in &mut outcome.findings {
            finding.diagnostic.file += offset;
            for related in &mut finding.diagnostic.related {
                related.file += offset;
            }
        }
        merged.files.append(&mut outcome.files);
        merged.findings.append(&mut outcome.findings);
        merged.errors.append(&mut outcome.errors);
        let (t, m) = (&outcome.timings, &mut merged.timings);
        m.read_and_lower += t.read_and_lower;
        m.merge += t.merge;
        m.analyze += t.analyze;
        m.files_parsed += t.files_parsed;
        m.files_skipped += t.files_skipped;
        m.bytes += t.bytes;
        m.bytes_skipped += t.bytes_skipped;
    }
    run::sort_findings(&mut merged.findings, &merged.files);
    merged
}

/// Files with parse problems, each counted once (bad UTF-8 and a parse error are one file).
fn parse_problem_files(report: &Report) -> usize {
    report
        .errors
        .iter()
        .filter(|e| e.kind == ErrorKind::Parse)
        .map(|e| &e.absolute)
        .collect::<std::collections::HashSet<_>>()
        .len()
}

fn parse_note(files: usize) -> String {
    format!(
        "note: {} could not be fully parsed and {} linted as far as the parser could read (--verbose lists them)",
        crate::report::human::plural(files, "file"),
        if files == 1 { "was" } else { "were" }
    )
}

/// `--statistics`: findings per rule, most first.
fn print_statistics(report: &Report, format: Format) {
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for f in &report.findings {
        *counts
            .entry((f.meta.id.as_str(), f.meta.name.as_str()))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows.first().map_or(1, |(_, n)| n.to_string().len());
    let text: String = rows
        .iter()
        .map(|((id, name), n)| format!("{n:>width$}\t{id}\t{name}\n"))
        .collect();
    // Human output's statistics go with the report; machine formats keep stdout parseable.
    if format == Format::Human {
        print!("{text}");
    } else {
        eprint!("{text}");
    }
}

fn rule_ids(words: &[String], flag: &str) -> Result<Vec<String>, UsageError> {
    words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .map(|word| {
            registry::find(word)
                .map(|rule| rule.id.clone())
                .ok_or_else(|| {
                    UsageError(format!(
                        "unknown rule `{word}` in {flag}; valid rules: {}",
                        config::valid_rules()
                    ))
                })
        })
        .collect()
}

fn emit(
    args: &CheckArgs,
    report: &Report,
    invocation: &report::Invocation,
    trailer: &[String],
) -> Result<(), UsageError> {
    let color = use_color(args);
    let write = |out: &mut dyn Write| {
        if args.quiet && args.format == Format::Human {
            // Findings only: no count line.
            report::human::write_findings(report, color, out)?;
        } else {
            report::write_invoked(report, args.format, color, Some(invocation), out)?;
        }
        for line in trailer {
            writeln!(out, "{line}")?;
        }
        Ok(())
    };
    let written = match &args.output {
        Some(path) => write_to_file(path, write),
        None => {
            let mut out = std::io::stdout().lock();
            write(&mut out).and_then(|_| out.flush())
        }
    };
    match written {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(UsageError(format!("cannot write the report: {e}"))),
    }
}

fn write_to_file(
    path: &PathBuf,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    write(&mut out)?;
    out.flush()
}

/// Colours for human output: `always`/`never`, or `auto`: not with NO_COLOR, only to a terminal.
fn use_color(args: &CheckArgs) -> bool {
    match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && args.output.is_none()
                && std::io::stdout().is_terminal()
        }
    }
}

/// Files that could not be read are listed; parse problems too when they are still in the
/// report (`--verbose`, or machine formats with `--verbose`).
fn print_problems(report: &Report, verbose: bool) {
    for e in &report.errors {
        if e.kind == ErrorKind::Parse && !verbose {
            continue;
        }
        let position = match (e.error.line, e.error.column) {
            (Some(line), Some(column)) => format!(":{line}:{column}"),
            _ => String::new(),
        };
        let what = match e.kind {
            ErrorKind::Parse => "parse problem",
            ErrorKind::Skipped => "skipped",
            ErrorKind::Io | ErrorKind::Internal => "error",
        };
        let path = crate::report::position::escape_control(&e.path);
        eprintln!("{what}: {path}{position}: {}", e.error.message);
    }
}

/// `checked 12 files in 0.31s` (the counts are in the report's own last line).
fn summary_line(report: &Report, elapsed: Duration, hidden_by_baseline: usize) -> String {
    let mut line = format!(
        "checked {} in {:.2}s",
        crate::report::human::plural(report.files_scanned(), "file"),
        elapsed.as_secs_f64(),
    );
    if hidden_by_baseline > 0 {
        line.push_str(&format!(
            " ({hidden_by_baseline} in the baseline not shown)"
        ));
    }
    line
}

fn print_timings(t: &run::Timings, report: Duration) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "timings: walk {:.1} ms, read+lower {:.1} ms, merge {:.1} ms, analyze {:.1} ms, report {:.1} ms; \
         {} parsed ({} bytes), {} skipped by the prefilter ({} bytes)",
        ms(t.walk),
        ms(t.read_and_lower),
        ms(t.merge),
        ms(t.analyze),
        ms(report),
        crate::report::human::plural(t.files_parsed, "file"),
        t.bytes,
        t.files_skipped,
        t.bytes_skipped
    );
}

/// `fail_levels[file]`: the fail level of the config that governs the file.
fn exit_code(args: &CheckArgs, report: &Report, fail_levels: &[Severity]) -> u8 {
    if args.exit_zero {
        return exit::CLEAN;
    }
    let failing = report
        .findings
        .iter()
        .any(|f| f.severity >= fail_levels[f.location.file]);
    let unreadable = args.strict && report.errors.iter().any(|e| e.kind != ErrorKind::Skipped);
    if failing || unreadable {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
