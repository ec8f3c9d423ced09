//! The match sets of required clauses, per segment, as bitsets, and the bounded cache that keeps
//! them between searches (the "filter cache" of Lucene and Elasticsearch, for the same reason).
//!
//! A required clause (one query term as an exact substring test, or one exact filter) decides
//! the match set without scoring. Its documents in a segment never change — segments are
//! immutable and deletions are applied separately ([`alive_bits`]) — so the set computed once can
//! answer every later query that uses the clause on that segment: the match set of a query is
//! the AND of its clauses' sets, its total a popcount, and a candidate is tested in O(1). The
//! costly part of a phrase (reading and aligning the positions of several bigrams) then runs once
//! per segment and clause, not once per request.
//!
//! Invariants: an entry is keyed by segment id and clause key (the clause's field and text; two
//! equal keys always denote the same clause); the cache never holds more than its byte budget
//! plus one entry; entries of segments no longer searched are dropped at the next insertion.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::index::SegmentId;
use tantivy::query::Weight;
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use crate::error::Result;

/// A set of doc ids of one segment, `0..max_doc`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DocBits {
    words: Vec<u64>,
    max_doc: u32,
}

impl DocBits {
    /// The empty set.
    pub fn empty(max_doc: u32) -> Self {
        Self { words: vec![0; (max_doc as usize).div_ceil(64)], max_doc }
    }

    /// Every doc id of the segment.
    pub fn full(max_doc: u32) -> Self {
        let mut bits = Self { words: vec![u64::MAX; (max_doc as usize).div_ceil(64)], max_doc };
        let tail = max_doc % 64;
        if tail != 0
            && let Some(last) = bits.words.last_mut()
        {
            *last = (1u64 << tail) - 1;
        }
        bits
    }

    /// The documents of `weight` in the segment (deleted ones included).
    pub fn of_weight(weight: &dyn Weight, reader: &SegmentReader) -> Result<Self> {
        let mut bits = Self::empty(reader.max_doc());
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            bits.insert(doc);
            doc = scorer.advance();
        }
        Ok(bits)
    }

    pub fn insert(&mut self, doc: DocId) {
        if let Some(word) = self.words.get_mut((doc / 64) as usize) {
            *word |= 1u64 << (doc % 64);
        }
    }

    pub fn remove(&mut self, doc: DocId) {
        if let Some(word) = self.words.get_mut((doc / 64) as usize) {
            *word &= !(1u64 << (doc % 64));
        }
    }

    #[inline]
    pub fn contains(&self, doc: DocId) -> bool {
        self.words.get((doc / 64) as usize).is_some_and(|w| w & (1u64 << (doc % 64)) != 0)
    }

    /// Keeps only the documents also in `other` (of the same segment).
    pub fn and_assign(&mut self, other: &DocBits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// Number of documents in the set.
    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// The documents in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = DocId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let base = (i as u32) * 64;
            std::iter::successors(Some(word), |w| Some(w & w.wrapping_sub(1)))
                .take_while(|w| *w != 0)
                .map(move |w| base + w.trailing_zeros())
        })
    }

    pub fn max_doc(&self) -> u32 {
        self.max_doc
    }

    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// The live documents of a segment (all of `0..max_doc` when it has no deletions).
pub(crate) fn alive_bits(reader: &SegmentReader) -> DocBits {
    let mut bits = DocBits::full(reader.max_doc());
    if let Some(alive) = reader.alive_bitset() {
        for doc in 0..reader.max_doc() {
            if !alive.is_alive(doc) {
                bits.remove(doc);
            }
        }
    }
    bits
}

/// Default byte budget of [`ClauseCache`]: 512 clause sets of a 1,000,000-document segment.
pub(crate) const DEFAULT_CACHE_BYTES: usize = 64 << 20;

struct Entry {
    bits: Arc<DocBits>,
    last_used: u64,
}

#[derive(Default)]
struct CacheState {
    entries: HashMap<(SegmentId, String), Entry>,
    bytes: usize,
    tick: u64,
}

/// Clause match sets by (segment, clause key), least recently used dropped first.
pub(crate) struct ClauseCache {
    state: Mutex<CacheState>,
    budget: usize,
}

impl Default for ClauseCache {
    fn default() -> Self {
        Self::with_budget(DEFAULT_CACHE_BYTES)
    }
}

impl ClauseCache {
    pub fn with_budget(budget: usize) -> Self {
        Self { state: Mutex::new(CacheState::default()), budget }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // Entries are immutable once inserted; a panic elsewhere cannot leave one half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The set under `key` in `reader`'s segment: from the cache, or computed by `build`
    /// (outside the lock) and kept.
    pub fn get(
        &self,
        searcher: &Searcher,
        reader: &SegmentReader,
        key: &str,
        build: impl FnOnce() -> Result<DocBits>,
    ) -> Result<Arc<DocBits>> {
        let id = (reader.segment_id(), key.to_owned());
        {
            let mut state = self.lock();
            state.tick += 1;
            let tick = state.tick;
            if let Some(entry) = state.entries.get_mut(&id) {
                entry.last_used = tick;
                return Ok(entry.bits.clone());
            }
        }
        let bits = Arc::new(build()?);
        let mut state = self.lock();
        if bits.bytes() > self.budget || state.entries.contains_key(&id) {
            return Ok(bits);
        }
        let live: Vec<SegmentId> = searcher.segment_readers().iter().map(SegmentReader::segment_id).collect();
        let mut dropped = 0;
        state.entries.retain(|(segment, _), entry| {
            let keep = live.contains(segment);
            if !keep {
                dropped += entry.bits.bytes();
            }
            keep
        });
        state.bytes -= dropped;
        while state.bytes + bits.bytes() > self.budget {
            let Some(oldest) = state.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone()) else { break };
            if let Some(entry) = state.entries.remove(&oldest) {
                state.bytes -= entry.bits.bytes();
            }
        }
        state.tick += 1;
        let tick = state.tick;
        state.bytes += bits.bytes();
        state.entries.insert(id, Entry { bits: bits.clone(), last_used: tick });
        Ok(bits)
    }

    /// Number of cached sets and their bytes (for tests and monitoring).
    pub fn usage(&self) -> (usize, usize) {
        let state = self.lock();
        (state.entries.len(), state.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations_agree_with_a_plain_list() {
        for max_doc in [0u32, 1, 63, 64, 65, 1000] {
            let full = DocBits::full(max_doc);
            assert_eq!(full.count(), u64::from(max_doc));
            assert_eq!(full.iter().collect::<Vec<_>>(), (0..max_doc).collect::<Vec<_>>());
            let mut a = DocBits::empty(max_doc);
            let mut b = DocBits::empty(max_doc);
            for d in (0..max_doc).filter(|d| d % 3 == 0) {
                a.insert(d);
            }
            for d in (0..max_doc).filter(|d| d % 5 == 0) {
                b.insert(d);
            }
            a.and_assign(&b);
            let expected: Vec<u32> = (0..max_doc).filter(|d| d % 15 == 0).collect();
            assert_eq!(a.iter().collect::<Vec<_>>(), expected);
            assert_eq!(a.count(), expected.len() as u64);
            assert!(expected.iter().all(|d| a.contains(*d)));
            assert!(!a.contains(max_doc), "out of range is never contained");
            if let Some(first) = expected.first() {
                a.remove(*first);
                assert!(!a.contains(*first));
            }
        }
    }
}
