//! Finding and reading the config file, with errors that point at the file, line and column.

use super::{Config, Level};
use crate::facts::LineIndex;
use crate::rules::registry::{self, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Looked for in this order in the current folder, then each parent.
pub const CONFIG_FILE_NAMES: &[&str] = &["sessionlint.toml", ".sessionlint.toml"];

/// What the file may contain. Keys are kebab-case; any other key is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    fail_level: Option<Spanned<String>>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    factories: Vec<String>,
    #[serde(default)]
    releasers: Vec<String>,
    #[serde(default)]
    process_lifetime_types: Vec<String>,
    max_file_size: Option<u64>,
    parse_timeout: Option<Spanned<f64>>,
    objc: Option<RawObjc>,
}

/// The `[objc]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawObjc {
    #[serde(default)]
    macros: Vec<Spanned<String>>,
}

/// A config file that cannot be used; exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The nearest config file from `start` upward.
pub fn find_config_file(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        CONFIG_FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// A config file larger than this is refused (a device or a wrong path, not a config).
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// The text of `path` if it has at most `max` bytes (`None` if it has more), reading at most
/// `max + 1` bytes whatever the file is (`/dev/zero`, a FIFO).
pub fn read_capped(path: &Path, max: u64) -> std::io::Result<Option<String>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(None);
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Reads and checks one config file.
pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
    let error = |message: String| ConfigError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    let text = read_capped(path, MAX_CONFIG_BYTES)
        .map_err(|e| error(format!("cannot read config file: {e}")))?
        .ok_or_else(|| {
            error(format!(
                "config file is larger than {} MiB: not a sessionlint config",
                MAX_CONFIG_BYTES >> 20
            ))
        })?;
    parse(&text, path)
}

/// Parses config text; `path` is only used in messages and as the globs' anchor.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let lines = LineIndex::new(text);
    let error_at = |span: Option<std::ops::Range<usize>>, message: String| {
        let pos = span.map(|s| lines.line_col(text, s.start as u32));
        ConfigError {
            path: path.to_path_buf(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message,
        }
    };
    let raw: RawConfig = toml::from_str(text)
        .map_err(|e| error_at(e.span(), e.message().trim().replace('\n', " ")))?;

    let rule_ids = |words: Vec<Spanned<String>>, key: &str| -> Result<Vec<String>, ConfigError> {
        words
            .into_iter()
            .map(|word| match registry::find(word.get_ref()) {
                Some(rule) => Ok(rule.id.clone()),
                None => Err(error_at(
                    Some(word.span()),
                    format!(
                        "unknown rule `{}` in `{key}`; valid rules: {}",
                        word.get_ref(),
                        valid_rules()
                    ),
                )),
            })
            .collect()
    };
    // `[objc] macros`: names of vendor macros, each an identifier.
    let objc_macros = |names: Vec<Spanned<String>>| -> Result<Vec<String>, ConfigError> {
        names
            .into_iter()
            .map(|name| {
                let word = name.get_ref();
                let identifier = word
                    .bytes()
                    .next()
                    .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
                    && word.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric());
                if identifier {
                    Ok(word.clone())
                } else {
                    Err(error_at(
                        Some(name.span()),
                        format!("`{word}` in `[objc] macros` is not a macro name (an identifier)"),
                    ))
                }
            })
            .collect()
    };
    let mut config = Config {
        select: rule_ids(raw.select, "select")?,
        ignore: rule_ids(raw.ignore, "ignore")?,
        factories: raw.factories,
        releasers: raw.releasers,
        process_lifetime_types: raw.process_lifetime_types,
        objc_macros: objc_macros(raw.objc.map(|o| o.macros).unwrap_or_default())?,
        source: Some(path.to_path_buf()),
        ..Config::default()
    };
    for (key, value) in raw.severity {
        let Some(rule) = registry::find(&key) else {
            return Err(error_at(
                Some(value.span()),
                format!(
                    "unknown rule `{key}` in `[severity]`; valid rules: {}",
                    valid_rules()
                ),
            ));
        };
        let level = parse_level(value.get_ref(), true).ok_or_else(|| {
            error_at(
                Some(value.span()),
                format!(
                    "invalid severity `{}` for `{key}`; valid values: error, warning, note, off",
                    value.get_ref()
                ),
            )
        })?;
        config.severity.insert(rule.id.clone(), level);
    }
    if let Some(value) = raw.fail_level {
        config.fail_level = match parse_level(value.get_ref(), false) {
            Some(Level::On(severity)) => severity,
            _ => {
                return Err(error_at(
                    Some(value.span()),
                    format!(
                        "invalid `fail-level` `{}`; valid values: error, warning, note",
                        value.get_ref()
                    ),
                ))
            }
        };
    }
    for (key, globs, target) in [
        ("include", raw.include, &mut config.include),
        ("exclude", raw.exclude, &mut config.exclude),
    ] {
        for glob in globs {
            if let Err(e) = glob_set(std::slice::from_ref(glob.get_ref())) {
                return Err(error_at(
                    Some(glob.span()),
                    format!("invalid glob in `{key}`: {e}"),
                ));
            }
            target.push(glob.into_inner());
        }
    }
    if let Some(size) = raw.max_file_size {
        config.max_file_size = size;
    }
    if let Some(secs) = raw.parse_timeout {
        let span = secs.span();
        config.parse_timeout = valid_timeout(secs.into_inner()).ok_or_else(|| {
            error_at(
                Some(span),
                "`parse-timeout` must be a number of seconds, 0 or more (0 = no limit)".into(),
            )
        })?;
    }
    Ok(config)
}

/// A parse budget in seconds (0 = none), if it is one.
pub fn valid_timeout(secs: f64) -> Option<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(secs).ok()
}

/// `error`/`warning`/`note` (and `off` when allowed).
pub fn parse_level(word: &str, allow_off: bool) -> Option<Level> {
    match word {
        "error" => Some(Level::On(Severity::Error)),
        "warning" => Some(Level::On(Severity::Warning)),
        "note" => Some(Level::On(Severity::Note)),
        "off" if allow_off => Some(Level::Off),
        _ => None,
    }
}

/// `SL001 (session-not-invalidated), SL002 (...)`: what every "unknown rule" message lists.
pub fn valid_rules() -> String {
    registry::all()
        .iter()
        .map(|r| format!("{} ({})", r.id, r.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Globs matched against paths relative to the config file's folder; `*` stays in one folder.
pub fn glob_set(globs: &[String]) -> Result<globset::GlobSet, globset::Error> {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        builder.add(
            globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()?,
        );
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ConfigError {
        parse(text, Path::new("sessionlint.toml")).expect_err("should fail")
    }

    #[test]
    fn reads_every_key() {
        let config = parse(
            r#"
select = ["SL001", "session-invalidated-on-some-paths"]
ignore = ["SL006"]
fail-level = "error"
include = ["Sources/**"]
exclude = ["**/Generated/**"]
factories = ["Client.makeSession"]
releasers = ["tearDown"]
process-lifetime-types = ["AppEnvironment"]
max-file-size = 1000

[severity]
SL003 = "note"
session-replaced-without-invalidate = "off"
"#,
            Path::new("/p/sessionlint.toml"),
        )
        .expect("valid config");
        assert_eq!(config.select, vec!["SL001", "SL002"]);
        assert_eq!(config.ignore, vec!["SL006"]);
        assert_eq!(config.fail_level, Severity::Error);
        assert_eq!(
            config.severity.get("SL003"),
            Some(&Level::On(Severity::Note))
        );
        assert_eq!(config.severity.get("SL005"), Some(&Level::Off));
        assert_eq!(config.include, vec!["Sources/**"]);
        assert_eq!(config.exclude, vec!["**/Generated/**"]);
        assert_eq!(config.factories, vec!["Client.makeSession"]);
        assert_eq!(config.releasers, vec!["tearDown"]);
        assert_eq!(config.process_lifetime_types, vec!["AppEnvironment"]);
        assert_eq!(config.max_file_size, 1000);
        assert_eq!(config.root(Path::new("/x")), PathBuf::from("/p"));
    }

    #[test]
    fn objc_macros_are_names() {
        let config = parse(
            "[objc]\nmacros = [\"cg_nullable\", \"FIR_LOG\"]\n",
            Path::new("/p/sessionlint.toml"),
        )
        .expect("valid config");
        assert_eq!(config.objc_macros, vec!["cg_nullable", "FIR_LOG"]);
        let e = err("[objc]\nmacros = [\"A\", \"LOG(x)\"]\n");
        assert_eq!((e.line, e.column), (Some(2), Some(16)));
        assert!(e.message.contains("`LOG(x)`"), "{}", e.message);
        let e = err("[objc]\nmacro = []\n");
        assert!(e.message.contains("unknown field `macro`"), "{}", e.message);
    }

    #[test]
    fn unknown_key_points_at_it_and_lists_the_keys() {
        let e = err("select = []\nfail_level = \"error\"\n");
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        assert!(
            e.message.contains("unknown field `fail_level`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("`fail-level`"), "{}", e.message);
    }

    #[test]
    fn bad_values_point_at_the_value_and_list_the_choices() {
        let e = err("[severity]\nSL001 = \"loud\"\n");
        assert_eq!((e.line, e.column), (Some(2), Some(9)));
        assert_eq!(
            e.message,
            "invalid severity `loud` for `SL001`; valid values: error, warning, note, off"
        );
        let e = err("ignore = [\"SL001\", \"SL042\"]\n");
        assert_eq!((e.line, e.column), (Some(1), Some(20)));
        assert!(e.message.starts_with(
            "unknown rule `SL042` in `ignore`; valid rules: SL001 (session-not-invalidated), "
        ));
        let e = err("fail-level = \"off\"\n");
        assert!(e.message.contains("valid values: error, warning, note"));
        let e = err("exclude = [\"a/[b\"]\n");
        assert_eq!(e.line, Some(1));
        assert!(e.message.starts_with("invalid glob in `exclude`"));
        let e = err("max-file-size = \"big\"\n");
        assert_eq!(e.line, Some(1));
        assert_eq!(
            e.to_string().split(": ").next(),
            Some("sessionlint.toml:1:17")
        );
    }
}
