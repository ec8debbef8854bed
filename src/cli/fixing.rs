//! `check --fix` / `--diff`: the report's fixes written in place or shown as a diff.

use super::args::CheckArgs;
use super::{exit, UsageError};
use crate::fix::apply::{self, WriteError};
use crate::report::Report;

/// Applies (`--fix`) or prints (`--diff`) the report's fixes. `Some(exit code)` when that
/// ends the command (a diff was printed, or files were fixed and linted again); `None` when
/// nothing was fixed and the report is shown as usual.
pub fn run(args: &CheckArgs, report: &Report) -> Result<Option<u8>, UsageError> {
    if args.fix && !args.diff && args.stdin_filename.is_some() {
        return Err(UsageError(
            "--fix cannot write stdin back; use --diff to see the fixes".into(),
        ));
    }
    let fixes = apply::collect(report, args.unsafe_fixes);
    let fixed: usize = fixes.iter().map(|f| f.fixed.len()).sum();
    let hidden = if args.unsafe_fixes {
        0
    } else {
        apply::collect(report, true)
            .iter()
            .map(|f| f.fixed.len())
            .sum::<usize>()
            .saturating_sub(fixed)
    };
    let plural = crate::report::human::plural;
    let hint = if hidden > 0 {
        format!(" ({hidden} more with --unsafe-fixes)")
    } else {
        String::new()
    };
    let files = &report.outcome.files;
    if args.diff {
        let mut out = String::new();
        for f in &fixes {
            let source = &files[f.file];
            let path = crate::report::position::display_path(&source.path, &report.cwd);
            let fixed = apply::apply(&source.text, &f.edits);
            out.push_str(&apply::unified_diff(&path, &source.text, &fixed));
        }
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(out.as_bytes())
            .and_then(|_| stdout.flush());
        eprintln!(
            "sessionlint: {} would fix {} in {}{hint}",
            if fixed > 0 {
                "--fix"
            } else {
                "nothing to fix:"
            },
            plural(fixed, "finding"),
            plural(fixes.len(), "file")
        );
        return Ok(Some(if fixed > 0 {
            exit::FINDINGS
        } else {
            exit::CLEAN
        }));
    }
    let mut written = 0;
    let mut files_written = 0;
    for f in &fixes {
        let source = &files[f.file];
        let new = apply::apply(&source.text, &f.edits);
        match apply::write_if_unchanged(&source.path, &source.text, &new) {
            Ok(()) => {
                written += f.fixed.len();
                files_written += 1;
            }
            Err(e @ (WriteError::Changed | WriteError::Io(_))) => {
                eprintln!("error: {}: {e}", source.path.display())
            }
        }
    }
    if written == 0 {
        if hidden > 0 {
            eprintln!("sessionlint: no safe fixes{hint}");
        }
        return Ok(None);
    }
    eprintln!(
        "sessionlint: fixed {} in {}{hint}",
        plural(written, "finding"),
        plural(files_written, "file")
    );
    // What remains, with the positions of the fixed files.
    let again = CheckArgs {
        fix: false,
        ..args.clone()
    };
    super::check::run(&again).map(Some)
}

/// `2 findings can be fixed with --fix (1 more with --unsafe-fixes)`, when some can.
pub fn hint(report: &Report) -> Option<String> {
    let count = |unsafe_fixes| -> usize {
        apply::collect(report, unsafe_fixes)
            .iter()
            .map(|f| f.fixed.len())
            .sum()
    };
    let (safe, all) = (count(false), count(true));
    let more = if all > safe {
        format!(" ({} more with --unsafe-fixes)", all - safe)
    } else {
        String::new()
    };
    match safe {
        0 if all == 0 => None,
        0 => Some(format!(
            "{} can be fixed with --fix --unsafe-fixes",
            crate::report::human::plural(all, "finding")
        )),
        _ => Some(format!(
            "{} can be fixed with --fix{more}",
            crate::report::human::plural(safe, "finding")
        )),
    }
}
