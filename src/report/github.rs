//! `--format github`: GitHub Actions workflow commands, one a line.

use super::position::Report;
use crate::rules::registry::Severity;
use crate::run::ErrorKind;
use std::io::Write;

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let (start, end) = (f.location.start, f.location.end);
        let message = format!("{}\nhelp: {}", f.message, f.meta.help);
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&f.location.path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("{} {}", f.meta.id, f.meta.name)),
            escape_data(&message),
        )?;
    }
    // Files that could not be read are worth a warning; parse trouble only a notice.
    for e in &report.errors {
        let command = match e.kind {
            ErrorKind::Parse | ErrorKind::Skipped => "notice",
            ErrorKind::Io | ErrorKind::Internal => "warning",
        };
        let mut properties = format!("file={}", escape_property(&e.path));
        if let Some(line) = e.error.line {
            properties.push_str(&format!(",line={line}"));
        }
        if let Some(column) = e.error.column {
            properties.push_str(&format!(",col={column}"));
        }
        writeln!(
            out,
            "::{command} {properties},title=sessionlint::{}",
            escape_data(&e.error.message)
        )?;
    }
    Ok(())
}

/// Escapes a command's message (GitHub's runner decodes `%25`, `%0D`, `%0A`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` and `,` which end a property.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
