//! Rule metadata, read from `rules/*.toml` (compiled into the binary).

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One rule's words: everything users read about it. The logic lives in `src/rules/*.rs`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub languages: Vec<String>,
    pub summary: String,
    pub help: String,
    /// Markdown: What it does / Why is this bad? / Example / Use instead.
    pub explanation: String,
    pub examples: Examples,
}

/// SwiftLint-style examples: the documentation and the test data at once.
/// `↓` marks where the diagnostic points in triggering examples.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub triggering: Vec<Example>,
    #[serde(default)]
    pub non_triggering: Vec<Example>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub language: String,
    pub code: String,
}

const SOURCES: &[(&str, &str)] = &[
    ("SL001", include_str!("../../rules/SL001.toml")),
    ("SL002", include_str!("../../rules/SL002.toml")),
    ("SL003", include_str!("../../rules/SL003.toml")),
    ("SL004", include_str!("../../rules/SL004.toml")),
    ("SL005", include_str!("../../rules/SL005.toml")),
    ("SL006", include_str!("../../rules/SL006.toml")),
    ("SL007", include_str!("../../rules/SL007.toml")),
];

/// All rules, in id order.
pub fn all() -> &'static [RuleMeta] {
    static RULES: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(id, text)| {
                let meta: RuleMeta = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("rules/{id}.toml is invalid: {e}"));
                assert_eq!(&meta.id, id, "rules/{id}.toml declares another id");
                meta
            })
            .collect()
    })
}

/// Finds a rule by id (`SL001`, case-insensitive) or name (`session-not-invalidated`).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    all()
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name == key)
}

pub fn get(id: &str) -> &'static RuleMeta {
    find(id).unwrap_or_else(|| panic!("unknown rule id {id}"))
}
