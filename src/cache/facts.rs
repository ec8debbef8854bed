//! The facts of every file the last run parsed, by the file's bytes: when an edit to a file
//! that matters makes a run lint again, only the files whose bytes changed are parsed.
//!
//! It also holds the identifiers of the files the run found inert, by path and hash of
//! their bytes: such a file that has not changed (the entry's stamps tell) is not read at
//! all, unless the analysis comes to want it.
//!
//! One pack of facts and one of identifiers per cache entry, in the cache's `facts/` folder
//! (loaded only when a run lints again: a warm run never reads them), each written whole
//! after the run if it changed (so two hooks at once each write a true pack). The facts the
//! last pack lacks go to a small pack of their own while they are few: an edit to a file
//! that matters writes its facts, not every parsed file's again. A file's key is the hash of its language,
//! path and text; the pack's own key covers the build and the settings (the entry's). A pack that cannot be read is ignored,
//! and a file's facts that cannot be decoded are lowered again: never a wrong result.

use super::store::Store;
use crate::facts::{FileFacts, Language};
use crate::prefilter::Identifiers;
use crate::run::{InputRecord, LowerFn, Unchanged};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The packs' folder, inside the cache's.
pub const FOLDER: &str = "facts";

/// Encoded facts past this many bytes in all are not kept (a whole tree linted with the
/// prefilter off): the pack stays a fraction of what a run holds.
const MAX_PACK_BYTES: usize = 64 << 20;

/// One file's facts, encoded: read and written as one run of bytes, not byte by byte.
struct Encoded(Vec<u8>);

impl Serialize for Encoded {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Encoded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Encoded, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Encoded;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("encoded facts")
            }
            fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Encoded, E> {
                Ok(Encoded(bytes.to_vec()))
            }
            fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Encoded, E> {
                Ok(Encoded(bytes))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

/// By [`file_key`]: the facts of a file the run parsed.
type Pack = Vec<(u128, Encoded)>;

/// By [`names_key`]: the identifiers of a file the run found inert.
type NamesPack = Vec<(u128, Identifiers)>;

/// The last run's facts and identifiers, and what this run parsed or reused (to be
/// written back).
pub struct FactsPack {
    stored: HashMap<u128, Encoded>,
    names: HashMap<u128, Identifiers>,
    /// The keys of each pack as loaded, in order: a pack that would be written the same is
    /// not written (the inert files' identifiers were 60% of the bytes an edit rewrote).
    loaded_facts: Vec<u128>,
    loaded_delta: Vec<u128>,
    loaded_names: Vec<u128>,
    /// The encoded bytes of the facts' pack as loaded.
    loaded_bytes: usize,
    used: Mutex<Used>,
    reused: AtomicUsize,
}

#[derive(Default)]
struct Used {
    /// Lowered now.
    files: Vec<(u128, Encoded)>,
    /// Taken from the pack (moved out of it when the pack is written back).
    reused: Vec<(u128, usize)>,
    bytes: usize,
}

impl FactsPack {
    /// The pack under `key`, or an empty one (none yet, or damaged: `problems` says so).
    pub fn load(store: &Store, key: u128, problems: &mut Vec<String>) -> FactsPack {
        let facts: Pack = load_or_report(store, key, problems);
        let delta: Pack = load_or_report(store, delta_pack_key(key), problems);
        let names: NamesPack = load_or_report(store, names_pack_key(key), problems);
        FactsPack {
            loaded_facts: facts.iter().map(|(key, _)| *key).collect(),
            loaded_delta: delta.iter().map(|(key, _)| *key).collect(),
            loaded_names: names.iter().map(|(key, _)| *key).collect(),
            loaded_bytes: facts.iter().map(|(_, encoded)| encoded.0.len()).sum(),
            stored: facts.into_iter().chain(delta).collect(),
            names: names.into_iter().collect(),
            used: Mutex::new(Used::default()),
            reused: AtomicUsize::new(0),
        }
    }

    /// Of the inputs a run found inert and that have not changed since, those whose
    /// identifiers the pack holds: a run need not read them.
    pub fn unchanged(&mut self, records: Vec<InputRecord>) -> HashMap<PathBuf, Unchanged> {
        records
            .into_iter()
            .filter_map(|record| {
                let names = self.names.remove(&names_key(&record.path, record.hash))?;
                Some((record.path.clone(), Unchanged { record, names }))
            })
            .collect()
    }

    /// `lower`'s facts for this file: the stored ones if its bytes are those of a file the
    /// last run parsed, else lowered now (and kept for the next run).
    pub fn lower(
        &self,
        lower: &LowerFn<'_>,
        language: Language,
        text: &str,
        path: &Path,
    ) -> FileFacts {
        let key = file_key(language, text, path);
        if let Some(encoded) = self.stored.get(&key) {
            if let Ok(facts) = postcard::from_bytes::<FileFacts>(&encoded.0) {
                self.reused.fetch_add(1, Ordering::Relaxed);
                self.keep_reused(key, encoded.0.len());
                return facts;
            }
        }
        let facts = lower(language, text, path);
        // A parse that ran out of time may read on a quieter machine: not kept.
        let timed_out = facts
            .problems
            .iter()
            .any(|p| crate::frontend::budget::timed_out(&p.message));
        if !timed_out {
            if let Ok(bytes) = postcard::to_allocvec(&facts) {
                self.keep(key, Encoded(bytes));
            }
        }
        facts
    }

    fn keep(&self, key: u128, encoded: Encoded) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if used.bytes + encoded.0.len() <= MAX_PACK_BYTES {
            used.bytes += encoded.0.len();
            used.files.push((key, encoded));
        }
    }

    fn keep_reused(&self, key: u128, len: usize) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if used.bytes + len <= MAX_PACK_BYTES {
            used.bytes += len;
            used.reused.push((key, len));
        }
    }

    /// How many files' facts came from the pack.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Writes what this run parsed or reused, and the identifiers of the inputs it found
    /// inert (path, hash of the bytes, identifiers), under `key` (in key order: the same run
    /// writes the same bytes).
    pub fn save(
        self,
        store: &Store,
        key: u128,
        inert: Vec<(PathBuf, u128, Identifiers)>,
    ) -> Result<(), String> {
        let mut stored = self.stored;
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let lowered_now = !used.files.is_empty();
        let mut facts = used.files;
        for (key, _) in used.reused {
            facts.extend(stored.remove(&key).map(|encoded| (key, encoded)));
        }
        drop(stored);
        facts.sort_unstable_by_key(|(key, _)| *key);
        facts.dedup_by_key(|(key, _)| *key);
        let mut names: Vec<(u128, Identifiers)> = inert
            .into_iter()
            .map(|(path, hash, names)| (names_key(&path, hash), names))
            .collect();
        names.sort_unstable_by_key(|(key, _)| *key);
        names.dedup_by_key(|(key, _)| *key);
        // Keys name contents (a file's bytes, the build, the settings): the same keys are
        // the same pack, and facts found in either pack are the facts of those bytes.
        let in_base: std::collections::HashSet<u128> = self.loaded_facts.iter().copied().collect();
        let (kept, fresh): (Pack, Pack) = facts.into_iter().partition(|(k, _)| in_base.contains(k));
        let fresh_bytes: usize = fresh.iter().map(|(_, encoded)| encoded.0.len()).sum();
        let unused = self.loaded_facts.len() - kept.len();
        // A few new files' facts go to the small pack (an edit of a file that matters wrote
        // every parsed file's facts again: 2.4 MB on the real corpus); past a quarter of the
        // last pack, new or no longer used, one pack is written again.
        let small = fresh_bytes * 4 <= self.loaded_bytes && unused * 4 <= self.loaded_facts.len();
        if small && !self.loaded_facts.is_empty() {
            if !same_keys(&fresh, &self.loaded_delta) {
                store.save(delta_pack_key(key), &fresh)?;
            }
        } else {
            let mut facts = kept;
            facts.extend(fresh);
            facts.sort_unstable_by_key(|(key, _)| *key);
            if lowered_now || !same_keys(&facts, &self.loaded_facts) {
                store.save(key, &facts)?;
            }
            if !self.loaded_delta.is_empty() {
                store.save(delta_pack_key(key), &Pack::new())?;
            }
        }
        if !same_keys(&names, &self.loaded_names) {
            store.save(names_pack_key(key), &names)?;
        }
        Ok(())
    }
}

fn load_or_report<T: serde::de::DeserializeOwned + Default>(
    store: &Store,
    key: u128,
    problems: &mut Vec<String>,
) -> T {
    store
        .load(key)
        .unwrap_or_else(|problem| {
            problems.push(problem);
            None
        })
        .unwrap_or_default()
}

fn same_keys<T>(pack: &[(u128, T)], loaded: &[u128]) -> bool {
    pack.len() == loaded.len() && pack.iter().zip(loaded).all(|((a, _), b)| a == b)
}

/// The key of the identifiers' pack that goes with the facts' pack under `key`.
fn names_pack_key(key: u128) -> u128 {
    super::store::derived_key(key, b"names")
}

/// The key of the small pack of the facts the pack under `key` lacks.
fn delta_pack_key(key: u128) -> u128 {
    super::store::derived_key(key, b"delta")
}

/// An inert input's key: its path and the hash of its bytes (which the cache's entry
/// records, so an unchanged file is found without reading it).
fn names_key(path: &Path, hash: u128) -> u128 {
    let mut bytes = path.as_os_str().as_encoded_bytes().to_vec();
    bytes.extend_from_slice(&hash.to_le_bytes());
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

fn file_key(language: Language, text: &str, path: &Path) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(format!("{language:?}").as_bytes());
    field(path.as_os_str().as_encoded_bytes());
    field(text.as_bytes());
    hasher.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(language: Language, text: &str, path: &Path) -> FileFacts {
        crate::frontend::lower(language, text, path)
    }

    #[test]
    fn facts_come_back_as_they_were_lowered_and_are_lowered_again_when_bytes_change() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path());
        let text = "import Foundation\nfunc f() {\n    let s = URLSession(configuration: .default)\n    s.dataTask(with: u).resume()\n}\n";
        let path = Path::new("A.swift");
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let counted = |language: Language, text: &str, path: &Path| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            lowered(language, text, path)
        };
        let mut problems = Vec::new();
        let first = FactsPack::load(&store, 7, &mut problems);
        let fresh = first.lower(&counted, Language::Swift, text, path);
        first.save(&store, 7, Vec::new()).expect("saved");

        let second = FactsPack::load(&store, 7, &mut problems);
        let reused = second.lower(&counted, Language::Swift, text, path);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert_eq!(
            postcard::to_allocvec(&reused).unwrap(),
            postcard::to_allocvec(&fresh).unwrap()
        );
        let edited = text.replace("dataTask", "downloadTask");
        second.lower(&counted, Language::Swift, &edited, path);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 2);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_damaged_pack_is_ignored_and_said_so() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path());
        let pack = FactsPack::load(&store, 9, &mut Vec::new());
        pack.lower(
            &lowered,
            Language::Swift,
            "func f() {}\n",
            Path::new("A.swift"),
        );
        pack.save(&store, 9, Vec::new()).expect("saved");
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().ends_with(".bin"))
            .expect("a pack");
        let mut bytes = std::fs::read(file.path()).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(file.path(), bytes).unwrap();
        let mut problems = Vec::new();
        let pack = FactsPack::load(&store, 9, &mut problems);
        assert!(pack.stored.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn a_pack_is_written_only_when_what_it_holds_changed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path());
        let path = Path::new("A.swift");
        let text = "func f() {\n    let s = URLSession(configuration: .default)\n}\n";
        let inert = || {
            let bytes = b"func g() { print(1) }\n";
            let names = Identifiers::of_file(bytes, Language::Swift);
            vec![(PathBuf::from("B.swift"), 42u128, names)]
        };
        let run = |text: &str| {
            let pack = FactsPack::load(&store, 3, &mut Vec::new());
            pack.lower(&lowered, Language::Swift, text, path);
            pack.save(&store, 3, inert()).expect("saved");
        };
        let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
        let age_all = || {
            for e in std::fs::read_dir(dir.path())
                .unwrap()
                .filter_map(Result::ok)
            {
                let file = std::fs::File::options().write(true).open(e.path()).unwrap();
                file.set_modified(long_ago).unwrap();
            }
        };
        let written = || -> usize {
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".bin"))
                .filter(|e| e.metadata().unwrap().modified().unwrap() != long_ago)
                .count()
        };
        run(text);
        assert_eq!(written(), 2, "the facts and the identifiers");
        age_all();
        run(text);
        assert_eq!(written(), 0, "nothing changed");
        run(&text.replace(".default", ".ephemeral"));
        assert_eq!(
            written(),
            1,
            "an edit to a parsed file rewrites only the facts"
        );
        let pack = FactsPack::load(&store, 3, &mut Vec::new());
        assert_eq!(pack.names.len(), 1, "the identifiers are still there");
        assert_eq!(pack.stored.len(), 1);
    }
}
