//! `sessionlint check`: configure, lint, filter (suppressions, project context, baseline), report.

use super::args::{CheckArgs, ColorWhen, FailLevel};
use super::{exit, inputs, progress::Progress, UsageError};
use crate::baseline::Baseline;
use crate::config::{self, Config};
use crate::report::{self, Format, Report};
use crate::rules::registry::{self, Severity};
use crate::run::{self, ErrorKind, Settings};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn run(args: &CheckArgs) -> Result<u8, UsageError> {
    let started = Instant::now();
    let cwd = std::env::current_dir()
        .map_err(|e| UsageError(format!("cannot read the current folder: {e}")))?;
    let config = load_config(args, &cwd)?;
    let settings = Settings {
        jobs: args.jobs.map(usize::from),
        prefilter: !args.no_prefilter,
        follow_symlinks: args.follow_symlinks,
        explain: args.explain.clone(),
        config,
    };

    let plan = inputs::plan(args, &settings.config, &cwd)?;
    let progress = Progress::start(plan.inputs.len());
    let (mut outcome, explanations) = run::check_inputs_explained(plan.inputs, &settings);
    progress.finish();
    if let Some(at) = &args.explain {
        return super::why::print(args, at, &outcome, &explanations, &cwd);
    }
    outcome.timings.walk = plan.walk_time;
    outcome.errors.extend(plan.walk_errors);
    outcome
        .errors
        .sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));

    let enabled = |id: &str| {
        registry::find(id).is_some_and(|rule| settings.config.level(rule) != config::Level::Off)
    };
    crate::suppress::apply(&mut outcome, args.report_unused_suppressions, &enabled);

    let report_start = Instant::now();
    let mut report = Report::new(&outcome, &cwd);
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

    emit(args, &report)?;
    let report_time = report_start.elapsed();

    if args.format == Format::Human {
        print_problems(&report, args.verbose);
        eprintln!(
            "{}",
            summary_line(&report, started.elapsed(), hidden_by_baseline)
        );
    } else if args.verbose {
        print_problems(&report, true);
    }
    if args.timings {
        print_timings(&outcome.timings, report_time);
    }
    Ok(exit_code(args, &report, settings.config.fail_level))
}

fn load_config(args: &CheckArgs, cwd: &Path) -> Result<Config, UsageError> {
    let file = match &args.config {
        Some(path) if !path.is_file() => {
            return Err(UsageError(format!(
                "config file does not exist: {}",
                path.display()
            )))
        }
        Some(path) => Some(path.clone()),
        None => config::find_config_file(cwd),
    };
    let mut config = match file {
        Some(path) => config::load_file(&path).map_err(|e| UsageError(e.to_string()))?,
        None => Config::default(),
    };
    if !args.select.is_empty() {
        config.select = rule_ids(&args.select, "--select")?;
    }
    config.ignore.extend(rule_ids(&args.ignore, "--ignore")?);
    if let Some(level) = args.fail_level {
        config.fail_level = match level {
            FailLevel::Error => Severity::Error,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Note => Severity::Note,
        };
    }
    Ok(config)
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

fn emit(args: &CheckArgs, report: &Report) -> Result<(), UsageError> {
    let color = use_color(args);
    let written = match &args.output {
        Some(path) => write_to_file(path, |out| report::write(report, args.format, color, out)),
        None => {
            let mut out = std::io::stdout().lock();
            report::write(report, args.format, color, &mut out).and_then(|_| out.flush())
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

/// Files that could not be read are listed; parse problems only with `--verbose`, else one line.
fn print_problems(report: &Report, verbose: bool) {
    let mut parse_problems = 0;
    for e in &report.errors {
        if e.kind == ErrorKind::Parse && !verbose {
            parse_problems += 1;
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
        eprintln!("{what}: {}{position}: {}", e.path, e.error.message);
    }
    if parse_problems > 0 {
        eprintln!(
            "note: {} could not be fully parsed and {} linted as far as the parser could read (--verbose lists them)",
            crate::report::human::plural(parse_problems, "file"),
            if parse_problems == 1 { "was" } else { "were" }
        );
    }
}

/// `checked 12 files in 0.31s: 1 error, 2 warnings, 0 notes`.
fn summary_line(report: &Report, elapsed: Duration, hidden_by_baseline: usize) -> String {
    let (errors, warnings, notes) = report.counts();
    let mut line = format!(
        "checked {} in {:.2}s: {}, {}, {}",
        crate::report::human::plural(report.files_scanned(), "file"),
        elapsed.as_secs_f64(),
        crate::report::human::plural(errors, "error"),
        crate::report::human::plural(warnings, "warning"),
        crate::report::human::plural(notes, "note"),
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

fn exit_code(args: &CheckArgs, report: &Report, fail_level: Severity) -> u8 {
    if args.exit_zero {
        return exit::CLEAN;
    }
    let failing = report.findings.iter().any(|f| f.severity >= fail_level);
    let unreadable = args.strict && report.errors.iter().any(|e| e.kind != ErrorKind::Skipped);
    if failing || unreadable {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
