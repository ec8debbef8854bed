//! The prefilter: skip parsing files that cannot contribute to any finding.
//!
//! A file matters when its bytes mention a session API name, or a name the files already
//! parsed make interesting: a function that touches sessions (a possible factory or
//! releaser: calling it is a creation or an invalidation), or a type that owns one (an
//! extension, a singleton declaration or a `Drop` of it elsewhere changes the verdict).
//! Rounds repeat until no new name appears, so the result is the same as parsing
//! everything (`--no-prefilter`; the fixture harness checks both ways).

use crate::analyze::flow;
use crate::facts::{api, FileFacts};
use aho_corasick::AhoCorasick;
use std::collections::BTreeSet;

/// The words that make a file worth parsing.
pub struct Words {
    words: BTreeSet<String>,
    matcher: AhoCorasick,
}

/// Names too common to be worth chasing (they are never factories or owner types alone).
const TOO_COMMON: &[&str] = &[
    "init", "deinit", "dealloc", "drop", "new", "main", "self", "Self",
];

impl Words {
    pub fn initial(config: &crate::config::Config) -> Words {
        let mut words: BTreeSet<String> = api::API_WORDS.iter().map(|w| w.to_string()).collect();
        for entry in config
            .factories
            .iter()
            .chain(&config.releasers)
            .chain(&config.process_lifetime_types)
        {
            words.extend(entry.split('.').map(str::to_string));
        }
        Words::from_set(words)
    }

    fn from_set(words: BTreeSet<String>) -> Words {
        let matcher = AhoCorasick::new(&words).expect("prefilter words build an automaton");
        Words { words, matcher }
    }

    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.matcher.is_match(bytes)
    }

    /// Adds the names `facts` make interesting; returns the grown set if any name was new.
    pub fn grow(&self, facts: &[&FileFacts]) -> Option<Words> {
        let mut words = self.words.clone();
        for ff in facts {
            for f in &ff.functions {
                let touches = flow::is_relevant(&f.body, &|n| self.words.contains(n));
                if !touches {
                    continue;
                }
                add(&mut words, &f.name);
                if let Some(owner) = &f.owner {
                    add(&mut words, owner);
                }
            }
            for t in &ff.types {
                if t.members.iter().any(|m| m.declared_session) {
                    add(&mut words, &t.name);
                }
            }
        }
        (words.len() > self.words.len()).then(|| Words::from_set(words))
    }
}

/// Adds a name as it appears at call sites: an ObjC selector by its first part.
fn add(words: &mut BTreeSet<String>, name: &str) {
    let word = name.split(':').next().unwrap_or(name);
    if word.len() >= 3 && !TOO_COMMON.contains(&word) {
        words.insert(word.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names_match_and_plain_code_does_not() {
        let w = Words::initial(&crate::config::Config::default());
        assert!(w.matches(b"let s = URLSession(configuration: .default)"));
        assert!(w.matches(b"[NSURLSession sharedSession]"));
        assert!(!w.matches(b"struct Point { var x: Int }"));
    }

    #[test]
    fn configured_names_are_words_from_the_start() {
        let config = crate::config::Config {
            factories: vec!["NetworkStack.makeSession".into()],
            ..Default::default()
        };
        let w = Words::initial(&config);
        assert!(w.matches(b"let s = stack.makeSession()"));
    }
}
