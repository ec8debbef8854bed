//! The command line, as clap reads it.

use crate::report::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "sessionlint",
    version,
    about = "Finds URLSession / NSURLSession objects that are never invalidated, in Swift, Objective-C and Rust"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and folders (default: the current folder).
    Check(Box<CheckArgs>),
    /// Print a rule's full documentation (by id or name).
    Explain {
        /// `SL001` or `session-not-invalidated`.
        rule: String,
    },
    /// List every rule: id, name, default severity, languages, summary.
    Rules,
    /// Run the language server (LSP over stdin/stdout) for editors.
    Server,
}

#[derive(Parser, Debug, Clone)]
pub struct CheckArgs {
    /// Files and folders to lint; `-` reads one source from stdin (needs --stdin-filename).
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run only these rules (comma-separated ids or names); replaces the config's `select`.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Vec<String>,

    /// Never run these rules (comma-separated ids or names); adds to the config's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,

    /// Use this config file instead of the nearest sessionlint.toml / .sessionlint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Lint stdin as if it were the file PATH (use `-` as the path to lint).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Load the files under DIR for owner context, but report only the named paths
    /// (pre-commit, editors). Default with --stdin-filename: the current folder.
    #[arg(long, value_name = "DIR")]
    pub project_root: Option<PathBuf>,

    /// Lint only the named files and stdin, without loading the rest of the project.
    #[arg(long, conflicts_with = "project_root")]
    pub no_project_context: bool,

    /// Apply the config's `exclude`/`include` to files named on the command line too.
    #[arg(long)]
    pub force_exclude: bool,

    /// Worker threads (default: all cores; at most 256).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,

    /// Report findings, but exit 0.
    #[arg(long)]
    pub exit_zero: bool,

    /// Files that cannot be read or parsed make the exit code 1.
    #[arg(long)]
    pub strict: bool,

    /// The lowest severity that makes the exit code 1 (default: the config's, else warning).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_level: Option<FailLevel>,

    /// Colours in human output (`auto` honours NO_COLOR and whether stdout is a terminal).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// List every file with parse problems (otherwise summarised in one line).
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Print per-phase wall times on stderr.
    #[arg(long)]
    pub timings: bool,

    /// Parse every file, even those that cannot matter (for checking the prefilter).
    #[arg(long)]
    pub no_prefilter: bool,

    /// Lint everything again: neither read nor write the cache.
    #[arg(long)]
    pub no_cache: bool,

    /// Where the cache lives (default: `.sessionlint_cache` at the project root).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Skip a file (with a note) whose parse takes longer than SECS seconds (0 = no limit;
    /// overrides the config's `parse-timeout`).
    #[arg(long, value_name = "SECS", value_parser = parse_timeout_arg)]
    pub parse_timeout: Option<std::time::Duration>,

    /// Follow symbolic links while walking folders.
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Lint the files `.gitignore` and `.git/info/exclude` hide too.
    #[arg(long)]
    pub no_ignore: bool,

    /// Report suppression comments that suppress nothing (as SL000 unused-suppression).
    #[arg(long)]
    pub report_unused_suppressions: bool,

    /// Record the current findings in FILE (JSON) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings that are not in the baseline FILE.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Findings only: no parse-problem note, progress line or summary.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,

    /// After the report, print how many findings each rule has (stderr for line formats).
    #[arg(long)]
    pub statistics: bool,

    /// Print the config file used for the first path and the resolved settings, then exit.
    #[arg(long)]
    pub show_settings: bool,

    /// Print the files that would be linted (after include/exclude), then exit.
    #[arg(long)]
    pub show_files: bool,

    /// Run these rules as well as the selected ones (comma-separated ids or names).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub extend_select: Vec<String>,

    /// Never lint files matching these globs (comma-separated, relative to the project root);
    /// adds to the config's `exclude`.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,

    /// Apply the safe fixes in place (a file that changed since it was read is left alone),
    /// then report what remains.
    #[arg(long)]
    pub fix: bool,

    /// Print the fixes as a unified diff and write nothing.
    #[arg(long)]
    pub diff: bool,

    /// With --fix or --diff: unsafe fixes too (they may change more than the leak).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Say why each session created on FILE:LINE is reported or silent, instead of the report.
    #[arg(long, value_name = "FILE:LINE", value_parser = super::why::parse_location)]
    pub explain: Option<crate::run::ExplainAt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Error,
    Warning,
    Note,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--parse-timeout`: seconds, 0 or more.
fn parse_timeout_arg(text: &str) -> Result<std::time::Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(crate::config::valid_timeout)
        .ok_or_else(|| format!("`{text}` is not a number of seconds, 0 or more"))
}
