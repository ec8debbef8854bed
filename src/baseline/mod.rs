//! Baselines: `--write-baseline FILE` records today's findings; `--baseline FILE` hides them.
//!
//! A finding is matched by rule, path and fingerprint (a hash of the normalised text of its
//! primary line, of the lines opening its enclosing function and type, and of its message,
//! plus an occurrence index; see `report::position`), never by line number, so code that
//! moves does not come back as new. Paths are relative to the project root (the config
//! file's folder), so a run from a subfolder matches the same entries.

use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// 2: fingerprints cover the enclosing function and type; paths are relative to the project root.
const FORMAT_VERSION: u32 = 2;
/// Baselines larger than this are refused (some 300,000 findings): a device
/// or a wrong path, and reading on would fill the memory.
const MAX_BASELINE_BYTES: u64 = 64 << 20;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The baseline file format (not sessionlint's version).
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    /// For people reading the file; not used for matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Baseline {
    pub fn from_report(report: &Report) -> Baseline {
        Baseline {
            version: FORMAT_VERSION,
            findings: report
                .findings
                .iter()
                .map(|f| Entry {
                    rule: f.meta.id.clone(),
                    path: f.location.path.clone(),
                    fingerprint: f.fingerprint.clone(),
                    line: Some(f.location.start.line),
                    message: Some(f.message.to_string()),
                })
                .collect(),
        }
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = crate::config::read_capped(path, MAX_BASELINE_BYTES)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?
            .ok_or_else(|| {
                format!(
                    "{}: larger than {} MiB: not a sessionlint baseline",
                    path.display(),
                    MAX_BASELINE_BYTES >> 20
                )
            })?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a sessionlint baseline: {e}", path.display()))?;
        if baseline.version != FORMAT_VERSION {
            return Err(format!(
                "{}: baseline format version {} is not supported (expected {FORMAT_VERSION}): write it again with --write-baseline",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Indexes (into `report.findings`) of the findings the baseline already has.
    pub fn known(&self, report: &Report) -> HashSet<usize> {
        let keys: HashSet<(&str, &str, &str)> = self
            .findings
            .iter()
            .map(|e| (e.rule.as_str(), e.path.as_str(), e.fingerprint.as_str()))
            .collect();
        report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                keys.contains(&(
                    f.meta.id.as_str(),
                    f.location.path.as_str(),
                    f.fingerprint.as_str(),
                ))
            })
            .map(|(i, _)| i)
            .collect()
    }
}
