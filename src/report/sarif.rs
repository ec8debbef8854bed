//! `--format sarif`: SARIF 2.1.0, one run, as GitHub code scanning ingests it.

use super::position::{all_rules, Location, Report, ResolvedFinding};
use super::Invocation;
use crate::rules::registry::{RuleMeta, Severity};
use crate::run::ErrorKind;
use serde_sarif::sarif;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The base id every relative URI is resolved against: the folder sessionlint ran in.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of our own entry in `partialFingerprints`.
/// v2: the fingerprint covers the enclosing function and type too.
pub const FINGERPRINT_KEY: &str = "sessionlint/v2";

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    write_with(report, None, out)
}

/// [`write`] with how sessionlint was run (command line, folder, times, exit code).
pub fn write_with(
    report: &Report,
    invocation: Option<&Invocation>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &build_with(report, invocation))?;
    writeln!(out)
}

pub fn build(report: &Report) -> sarif::Sarif {
    build_with(report, None)
}

pub fn build_with(report: &Report, how: Option<&Invocation>) -> sarif::Sarif {
    let rules = all_rules();
    let index_of: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let results: Vec<sarif::Result> = report
        .findings
        .iter()
        .map(|f| {
            let related: Vec<sarif::Location> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, (location, message))| {
                    sarif::Location::builder()
                        .id(i as i64)
                        .message(text_message(message))
                        .physical_location(physical_location(location))
                        .build()
                })
                .collect();
            let mut result = sarif::Result::builder()
                .rule_id(f.meta.id.clone())
                .rule_index(index_of.get(f.meta.id.as_str()).copied().unwrap_or(0) as i64)
                .level(level(f.severity))
                .message(text_message(f.message))
                .locations(vec![sarif::Location::builder()
                    .physical_location(physical_location(&f.location))
                    .build()])
                .partial_fingerprints(BTreeMap::from([(
                    FINGERPRINT_KEY.to_string(),
                    f.fingerprint.clone(),
                )]))
                .build();
            if !related.is_empty() {
                result.related_locations = Some(related);
            }
            if let Some(fix) = safe_fix(report, f) {
                result.fixes = Some(vec![fix]);
            }
            result
        })
        .collect();

    let notifications: Vec<sarif::Notification> = report
        .errors
        .iter()
        .map(|e| {
            let mut region = sarif::Region::builder().build();
            region.start_line = e.error.line.map(i64::from);
            region.start_column = e.error.column.map(i64::from);
            let mut physical = sarif::PhysicalLocation::builder()
                .artifact_location(artifact_location(e.relative.as_deref(), &e.absolute))
                .build();
            if region.start_line.is_some() {
                physical.region = Some(region);
            }
            let level = match e.kind {
                ErrorKind::Parse | ErrorKind::Skipped => "warning",
                ErrorKind::Io | ErrorKind::Internal => "error",
            };
            sarif::Notification::builder()
                .level(serde_json::json!(level))
                .message(text_message(&e.error.message))
                .locations(vec![sarif::Location::builder()
                    .physical_location(physical)
                    .build()])
                .build()
        })
        .collect();

    let mut invocation = sarif::Invocation::builder()
        .execution_successful(true)
        .tool_execution_notifications(notifications)
        .build();
    if let Some(how) = how {
        invocation.command_line = Some(command_line(&how.command_line));
        invocation.arguments = Some(how.command_line.iter().skip(1).cloned().collect());
        invocation.working_directory = Some(
            sarif::ArtifactLocation::builder()
                .uri(directory_uri(&how.working_directory))
                .build(),
        );
        invocation.exit_code = Some(i64::from(how.exit_code));
        // 0 and 1 both mean the analysis ran to the end (1: it found something).
        invocation.execution_successful = how.exit_code <= 1;
        invocation.start_time_utc = Some(utc_timestamp(how.started));
        invocation.end_time_utc = Some(utc_timestamp(how.finished));
    }

    let driver = sarif::ToolComponent::builder()
        .name("sessionlint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>())
        .build();

    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(
            SRCROOT.to_string(),
            sarif::ArtifactLocation::builder()
                .uri(directory_uri(&report.cwd))
                .build(),
        )]))
        .build();

    sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The finding's safe fix as a SARIF `fix`: one change to its file, each edit a replacement
/// of a region (empty for an insertion). Unsafe fixes are left out: a log's consumers may
/// apply what it carries, and have no `--unsafe-fixes` to ask for them.
fn safe_fix(report: &Report, f: &ResolvedFinding) -> Option<sarif::Fix> {
    let d = &f.finding.diagnostic;
    let fix = d
        .fix
        .as_ref()
        .filter(|fix| fix.applicability == crate::fix::Applicability::Safe)?;
    let source = &report.outcome.files[d.file];
    let edits = crate::fix::resolve(fix, &source.text, source.language)?;
    let replacements = edits
        .iter()
        .map(|e| {
            let start = source.lines.line_col(&source.text, e.range.start as u32);
            let end = source.lines.line_col(&source.text, e.range.end as u32);
            let region = sarif::Region::builder()
                .start_line(i64::from(start.line))
                .start_column(i64::from(start.column))
                .end_line(i64::from(end.line))
                .end_column(i64::from(end.column))
                .build();
            let mut replacement = sarif::Replacement::builder().deleted_region(region).build();
            if !e.content.is_empty() {
                replacement.inserted_content = Some(
                    sarif::ArtifactContent::builder()
                        .text(e.content.clone())
                        .build(),
                );
            }
            replacement
        })
        .collect::<Vec<_>>();
    let change = sarif::ArtifactChange::builder()
        .artifact_location(artifact_location(
            f.location.relative.as_deref(),
            &f.location.absolute,
        ))
        .replacements(replacements)
        .build();
    Some(
        sarif::Fix::builder()
            .description(text_message(&fix.title))
            .artifact_changes(vec![change])
            .build(),
    )
}

fn descriptor(rule: &RuleMeta) -> sarif::ReportingDescriptor {
    let help_text = format!("{}\n\n{}", rule.help, rule.explanation.trim());
    sarif::ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(rule.name.clone())
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(rule.summary.clone())
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(first_paragraph(&rule.explanation))
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(help_text)
                .markdown(format!(
                    "**Fix:** {}\n\n{}",
                    rule.help,
                    rule.explanation.trim()
                ))
                .build(),
        )
        .help_uri(help_uri(rule))
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(serde_json::json!(level(rule.severity).to_string()))
                .build(),
        )
        .properties(rule_properties(rule))
        .build()
}

/// What GitHub code scanning ranks and filters by: tags, precision, `problem.severity`.
/// No `security-severity`: a leaked session wastes memory and connections, it is not a
/// vulnerability, and that key would file every finding under security alerts.
fn rule_properties(rule: &RuleMeta) -> sarif::PropertyBag {
    let mut tags = vec!["reliability".to_string(), "resource-leak".to_string()];
    tags.extend(rule.languages.iter().cloned());
    if rule.id == crate::suppress::UNUSED_SUPPRESSION {
        tags = vec!["maintainability".to_string()];
    }
    // The dataflow rules prove a missing call on the paths they report: high. The owner rules
    // (SL003, SL004) reason about lifetimes across files and types: medium.
    let precision = match rule.id.as_str() {
        "SL003" | "SL004" => "medium",
        _ => "high",
    };
    let problem_severity = match rule.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    };
    sarif::PropertyBag::builder()
        .tags(tags)
        .additional_properties(BTreeMap::from([
            ("precision".to_string(), serde_json::json!(precision)),
            (
                "problem.severity".to_string(),
                serde_json::json!(problem_severity),
            ),
        ]))
        .build()
}

/// The command line as one string, each argument quoted for a POSIX shell when it needs it.
fn command_line(words: &[String]) -> String {
    words
        .iter()
        .map(|word| {
            let plain = !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./=,:@%+".contains(&b));
            if plain {
                word.clone()
            } else {
                format!("'{}'", word.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2026-12-05T22:14:25.123Z` (SARIF wants UTC in ISO 8601).
pub fn utc_timestamp(time: std::time::SystemTime) -> String {
    let since = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

/// The README's section on the rule: `…/README.md#sl001-session-not-invalidated`.
pub fn help_uri(rule: &RuleMeta) -> String {
    format!(
        "{}/blob/main/README.md#{}-{}",
        env!("CARGO_PKG_REPOSITORY"),
        rule.id.to_lowercase(),
        rule.name
    )
}

/// The explanation's "What it does" text, without markdown headings.
fn first_paragraph(explanation: &str) -> String {
    explanation
        .split("\n\n")
        .map(|block| {
            block
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .find(|block| !block.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Note => sarif::ResultLevel::Note,
    }
}

fn text_message(text: &str) -> sarif::Message {
    sarif::Message::builder().text(text.to_string()).build()
}

fn physical_location(location: &Location) -> sarif::PhysicalLocation {
    sarif::PhysicalLocation::builder()
        .artifact_location(artifact_location(
            location.relative.as_deref(),
            &location.absolute,
        ))
        .region(
            sarif::Region::builder()
                .start_line(i64::from(location.start.line))
                .start_column(i64::from(location.start.column))
                .end_line(i64::from(location.end.line))
                .end_column(i64::from(location.end.column))
                .build(),
        )
        .build()
}

/// A relative URI against `%SRCROOT%` when the file is under it, else an absolute `file:` URI.
fn artifact_location(relative: Option<&str>, absolute: &Path) -> sarif::ArtifactLocation {
    match relative {
        Some(rel) => sarif::ArtifactLocation::builder()
            .uri(percent_encode_path(rel))
            .uri_base_id(SRCROOT)
            .build(),
        None => sarif::ArtifactLocation::builder()
            .uri(file_uri(absolute))
            .build(),
    }
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(dir);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn file_uri(path: &Path) -> String {
    // `\\` is a separator only on Windows; elsewhere it is part of a name (percent-encoded).
    let text = if std::path::MAIN_SEPARATOR == '\\' {
        path.to_string_lossy().replace('\\', "/")
    } else {
        path.to_string_lossy().into_owned()
    };
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}") // a Windows drive path: file:///C:/...
    };
    format!("file://{}", percent_encode_path(&text))
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986), byte by byte.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_iso_8601() {
        let at = |secs: u64, ms: u64| {
            utc_timestamp(
                std::time::UNIX_EPOCH
                    + std::time::Duration::from_secs(secs)
                    + std::time::Duration::from_millis(ms),
            )
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        // 2024-02-29 (a leap day) 12:34:56.789.
        assert_eq!(at(1_709_210_096, 789), "2024-02-29T12:34:56.789Z");
        assert_eq!(at(951_782_400, 0), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn command_lines_quote_what_a_shell_would_split() {
        let words = ["sessionlint", "check", "My App/a b.swift", "it's"].map(String::from);
        assert_eq!(
            command_line(&words),
            "sessionlint check 'My App/a b.swift' 'it'\\''s'"
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            percent_encode_path("Sources/My App/Café,1.swift"),
            "Sources/My%20App/Caf%C3%A9%2C1.swift"
        );
        assert_eq!(
            directory_uri(Path::new("/work/my app")),
            "file:///work/my%20app/"
        );
    }
}
