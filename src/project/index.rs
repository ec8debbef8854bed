//! Functions by name, for call resolution.
//!
//! Keyed by a hash of the name (and owner) rather than by the strings themselves: building a
//! map of owned keys cloned two strings per function of the project on one thread, which
//! showed at the end of every whole-tree run. The hashes are computed per file in parallel;
//! a lookup filters its candidates by the real names, so a collision costs a comparison,
//! never a wrong answer.

use super::FnId;
use rayon::prelude::*;

/// Function ids with the hash of their key.
pub type Keyed = Vec<(u64, FnId)>;

/// Function ids sorted by key hash; ids with the same hash stay in file order.
#[derive(Debug, Default)]
pub struct NameIndex {
    entries: Vec<(u64, FnId)>,
}

impl NameIndex {
    /// `entries` in file order: every id with the hash of its key.
    pub fn new(mut entries: Keyed) -> NameIndex {
        // Stable: candidates for one key keep their file order.
        entries.par_sort_by_key(|&(hash, _)| hash);
        NameIndex { entries }
    }

    /// The ids whose key hashes to `hash`, in file order (the caller checks the names).
    pub fn candidates(&self, hash: u64) -> impl Iterator<Item = FnId> + '_ {
        let from = self.entries.partition_point(|&(h, _)| h < hash);
        self.entries[from..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, id)| id)
    }
}

/// The key hash of a function `name` owned by `owner` (the same in every run, so output
/// does not depend on it). xxh3: the analysis asks this at every lookup of a type or a
/// call, and with SipHash a run after a session edit took a tenth more CPU.
pub fn key(owner: Option<&str>, name: &str) -> u64 {
    use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};
    /// Sets an owned key's seed apart from an unowned one's (0).
    const OWNED: u64 = 0x9e37_79b9_7f4a_7c15;
    let seed = owner.map_or(0, |owner| xxh3_64(owner.as_bytes()) ^ OWNED);
    xxh3_64_with_seed(name.as_bytes(), seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(file: usize, index: usize) -> FnId {
        FnId { file, index }
    }

    #[test]
    fn candidates_are_every_id_of_a_hash_in_file_order() {
        let index = NameIndex::new(vec![
            (7, id(0, 0)),
            (3, id(0, 1)),
            (7, id(1, 0)),
            (9, id(1, 1)),
            (7, id(2, 5)),
        ]);
        let sevens: Vec<FnId> = index.candidates(7).collect();
        assert_eq!(sevens, vec![id(0, 0), id(1, 0), id(2, 5)]);
        assert_eq!(index.candidates(3).collect::<Vec<_>>(), vec![id(0, 1)]);
        assert_eq!(index.candidates(4).count(), 0);
        assert_eq!(index.candidates(10).count(), 0);
    }

    #[test]
    fn keys_tell_owners_apart() {
        assert_ne!(key(Some("A"), "run"), key(Some("B"), "run"));
        assert_ne!(key(None, "run"), key(Some(""), "run"));
        assert_eq!(key(Some("A"), "run"), key(Some("A"), "run"));
    }
}
