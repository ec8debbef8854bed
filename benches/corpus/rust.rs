//! Ordinary Rust modules: structs, enums with `match`, traits, iterators, generics, tests.

use super::{fill, Rng};

/// A Rust module of about `target` lines, with no session API in it.
pub fn ordinary(rng: &mut Rng, noun: &str, id: usize, target: usize) -> String {
    let mut out = String::from(
        "use std::collections::{BTreeMap, HashMap};\nuse std::fmt;\nuse std::sync::Arc;\n\n",
    );
    let mut part = 0;
    while out.lines().count() < target {
        let name = format!("{noun}{id}x{part}");
        let template = match rng.below(3) {
            0 => STORE,
            1 => STATE,
            _ => PARSER,
        };
        let cap = rng.range(8, 512).to_string();
        out.push_str(&fill(template, &[("$N", &name), ("$CAP", &cap)]));
        out.push('\n');
        part += 1;
    }
    out
}

const STORE: &str = r#"/// An in-memory store of records, indexed by id and by tag.
#[derive(Debug, Default, Clone)]
pub struct $NStore {
    records: BTreeMap<u64, $NRecord>,
    by_tag: HashMap<String, Vec<u64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct $NRecord {
    pub id: u64,
    pub title: String,
    pub tags: Vec<String>,
    pub score: f64,
}

impl $NStore {
    pub fn with_capacity(_capacity: usize) -> Self {
        Self::default()
    }

    pub fn insert(&mut self, record: $NRecord) -> Option<$NRecord> {
        for tag in &record.tags {
            self.by_tag.entry(tag.clone()).or_default().push(record.id);
        }
        self.records.insert(record.id, record)
    }

    pub fn tagged<'a>(&'a self, tag: &str) -> impl Iterator<Item = &'a $NRecord> + 'a {
        self.by_tag
            .get(tag)
            .into_iter()
            .flatten()
            .filter_map(move |id| self.records.get(id))
    }

    pub fn top(&self, n: usize) -> Vec<&$NRecord> {
        let mut all: Vec<&$NRecord> = self.records.values().collect();
        all.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal));
        all.truncate(n.min($CAP));
        all
    }
}
"#;

const STATE: &str = r#"#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum $NPhase {
    Idle,
    Running { attempt: u32 },
    Done,
    Failed(u16),
}

impl fmt::Display for $NPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            $NPhase::Idle => write!(f, "idle"),
            $NPhase::Running { attempt } if *attempt > 1 => write!(f, "retry {attempt}"),
            $NPhase::Running { .. } => write!(f, "running"),
            $NPhase::Done => write!(f, "done"),
            $NPhase::Failed(code) => write!(f, "failed ({code})"),
        }
    }
}

pub trait $NObserver: Send + Sync {
    fn changed(&self, from: $NPhase, to: $NPhase);
}

pub struct $NMachine {
    phase: $NPhase,
    observers: Vec<Arc<dyn $NObserver>>,
}

impl $NMachine {
    pub fn advance(&mut self, ok: bool) -> $NPhase {
        let next = match (self.phase, ok) {
            ($NPhase::Idle, _) => $NPhase::Running { attempt: 1 },
            ($NPhase::Running { attempt }, false) if attempt < 3 => {
                $NPhase::Running { attempt: attempt + 1 }
            }
            ($NPhase::Running { .. }, false) => $NPhase::Failed($CAP),
            ($NPhase::Running { .. }, true) => $NPhase::Done,
            (other, _) => other,
        };
        for observer in &self.observers {
            observer.changed(self.phase, next);
        }
        self.phase = next;
        next
    }
}
"#;

const PARSER: &str = r#"/// Parses `key=value` lines, skipping comments and blank lines.
pub fn parse_$N(input: &str) -> Result<Vec<(String, String)>, String> {
    input
        .lines()
        .enumerate()
        .map(|(n, line)| (n + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(n, line)| {
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| format!("line {n}: expected key=value"))?;
            Ok((key.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

pub fn summarize_$N<T>(values: &[T]) -> Option<(T, T)>
where
    T: Copy + PartialOrd,
{
    let mut iter = values.iter().copied();
    let first = iter.next()?;
    Some(iter.fold((first, first), |(lo, hi), v| {
        (if v < lo { v } else { lo }, if v > hi { v } else { hi })
    }))
}

#[cfg(test)]
mod tests_$N {
    use super::*;

    #[test]
    fn parses_pairs() {
        let parsed = parse_$N("a = 1\n# comment\nb=2").unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(summarize_$N(&[3, 1, $CAP]), Some((1, $CAP)));
    }
}
"#;
