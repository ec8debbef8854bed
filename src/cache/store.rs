//! The cache's files: one entry per project and settings, each written whole to a temporary
//! file and renamed into place, so a reader sees an old entry or a new one, never half of
//! one (two hooks at once both write; the last rename wins, and both entries are true).
//!
//! An entry starts with a magic, its payload's length and the payload's xxh3-128: a
//! truncated, corrupt or foreign file is ignored and rebuilt, never trusted.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The format's version is in the magic: a new format never reads an old entry.
const MAGIC: &[u8; 8] = b"SLCACHE\x01";
const HEADER: usize = MAGIC.len() + 8 + 16;
/// Entries kept per cache folder (one per project and settings); the least recently written
/// go first.
const KEEP: usize = 16;
/// A file this large is not an entry this tool wrote for a source tree.
const MAX_ENTRY: u64 = 1 << 31;

pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: &Path) -> Store {
        Store {
            dir: dir.to_path_buf(),
        }
    }

    fn entry_path(&self, key: u128) -> PathBuf {
        self.dir.join(format!("{key:032x}.bin"))
    }

    /// The entry under `key`, if there is one and it is whole.
    pub fn load<T: DeserializeOwned>(&self, key: u128) -> Result<Option<T>, String> {
        let path = self.entry_path(key);
        let bytes = match read_capped(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        decode(&bytes)
            .map(Some)
            .ok_or_else(|| format!("{} is damaged: ignored and rebuilt", path.display()))
    }

    /// Writes the entry under `key` (atomically) and forgets the oldest entries past [`KEEP`].
    pub fn save<T: Serialize>(&self, key: u128, value: &T) -> Result<(), String> {
        let framed = frame(value).map_err(|e| format!("cannot encode: {e}"))?;
        self.prepare()
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let temporary = self
            .dir
            .join(format!(".{key:032x}.{}.{nonce}.tmp", std::process::id()));
        let written = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(&framed)?;
            drop(file);
            std::fs::rename(&temporary, self.entry_path(key))
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(format!("cannot write into {}: {e}", self.dir.display()));
        }
        self.prune();
        Ok(())
    }

    /// The folder, with a `.gitignore` that keeps it out of version control and a
    /// `CACHEDIR.TAG` that keeps it out of backups.
    fn prepare(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(ignore, "# Created by sessionlint.\n*\n")?;
        }
        let tag = self.dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            std::fs::write(
                tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by sessionlint.\n",
            )?;
        }
        Ok(())
    }

    fn prune(&self) {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".bin"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if entries.len() <= KEEP {
            return;
        }
        entries.sort();
        for (_, path) in &entries[..entries.len() - KEEP] {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The header and the encoded value, in one buffer of the exact size: grown as it was
/// written, a pack of several megabytes was copied and faulted in again at each doubling.
fn frame<T: Serialize>(value: &T) -> postcard::Result<Vec<u8>> {
    use postcard::ser_flavors::{ExtendFlavor, Size};
    let size = postcard::serialize_with_flavor(value, Size::default())?;
    let mut framed = Vec::with_capacity(HEADER + size);
    framed.extend_from_slice(MAGIC);
    framed.resize(HEADER, 0);
    let mut framed = postcard::serialize_with_flavor(value, ExtendFlavor::new(framed))?;
    let payload = &framed[HEADER..];
    let len = (payload.len() as u64).to_le_bytes();
    let hash = xxhash_rust::xxh3::xxh3_128(payload).to_le_bytes();
    framed[MAGIC.len()..MAGIC.len() + 8].copy_from_slice(&len);
    framed[MAGIC.len() + 8..HEADER].copy_from_slice(&hash);
    Ok(framed)
}

/// The key of what goes with the entry under `key` (its facts, their identifiers), named by
/// `tag`.
pub fn derived_key(key: u128, tag: &[u8]) -> u128 {
    let mut bytes = key.to_le_bytes().to_vec();
    bytes.extend_from_slice(tag);
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len().min(MAX_ENTRY);
    // Sized up front: growing a buffer of megabytes doubles its pages' cost.
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.take(MAX_ENTRY).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The payload of a whole entry, decoded; `None` for anything else.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let (header, payload) = bytes.split_at_checked(HEADER)?;
    let (magic, rest) = header.split_at(MAGIC.len());
    let (len, hash) = rest.split_at(8);
    let len = u64::from_le_bytes(len.try_into().ok()?);
    let hash = u128::from_le_bytes(hash.try_into().ok()?);
    if magic != MAGIC || len != payload.len() as u64 || hash != xxhash_rust::xxh3::xxh3_128(payload)
    {
        return None;
    }
    postcard::from_bytes(payload).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_back_and_any_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let value = (String::from("findings"), vec![1u32, 2, 3]);
        store.save(7, &value).unwrap();
        assert_eq!(store.load::<(String, Vec<u32>)>(7).unwrap(), Some(value));
        assert_eq!(store.load::<(String, Vec<u32>)>(8).unwrap(), None);

        let path = store.entry_path(7);
        let whole = std::fs::read(&path).unwrap();
        for damaged in [
            whole[..whole.len() - 1].to_vec(),
            whole[..HEADER - 1].to_vec(),
            Vec::new(),
            {
                let mut flipped = whole.clone();
                *flipped.last_mut().unwrap() ^= 1;
                flipped
            },
            {
                let mut foreign = whole.clone();
                foreign[0] = b'X';
                foreign
            },
        ] {
            std::fs::write(&path, &damaged).unwrap();
            assert!(store.load::<(String, Vec<u32>)>(7).is_err());
        }
    }

    #[test]
    fn the_folder_is_ignored_by_git_and_keeps_a_bounded_number_of_entries() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(&dir.path().join(".sessionlint_cache"));
        for key in 0..(KEEP as u128 + 4) {
            store.save(key, &key).unwrap();
        }
        let folder = dir.path().join(".sessionlint_cache");
        assert_eq!(
            std::fs::read_to_string(folder.join(".gitignore"))
                .unwrap()
                .lines()
                .last(),
            Some("*")
        );
        assert!(folder.join("CACHEDIR.TAG").is_file());
        let names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.iter().filter(|n| n.ends_with(".bin")).count(), KEEP);
        assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    }
}
