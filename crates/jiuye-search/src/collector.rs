//! A fused collector: counts all hits and keeps the best `limit` of them in one pass.
//!
//! Invariant: the order is total and independent of segment layout — score (when sorting by
//! relevance), then `published_at`, then id, all descending — so equal queries give equal pages
//! whatever merges happened in between. Ids come from the `id` fast column; no stored document
//! is ever loaded.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{ID, PUBLISHED_AT};

/// One ranked hit before paging.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ranked {
    pub score: Score,
    pub published_at: i64,
    pub id: i64,
}

impl Ranked {
    fn key(&self) -> (Score, i64, i64) {
        (self.score, self.published_at, self.id)
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.key(), other.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// Counts hits and keeps the top `limit` by score (if `by_score`) or by newest.
pub(crate) struct TopAndCount {
    pub limit: usize,
    pub by_score: bool,
}

/// Per-segment state of [`TopAndCount`].
pub(crate) struct TopAndCountSegment {
    limit: usize,
    by_score: bool,
    count: u64,
    heap: BinaryHeap<Reverse<Ranked>>,
    ids: Arc<dyn ColumnValues<i64>>,
    published: Arc<dyn ColumnValues<i64>>,
}

impl Collector for TopAndCount {
    type Fruit = (u64, Vec<Ranked>);
    type Child = TopAndCountSegment;

    fn for_segment(&self, _segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<TopAndCountSegment> {
        let fast = reader.fast_fields();
        Ok(TopAndCountSegment {
            limit: self.limit,
            by_score: self.by_score,
            count: 0,
            heap: BinaryHeap::with_capacity(self.limit.min(1024) + 1),
            ids: fast.i64(ID)?.first_or_default_col(0),
            published: fast.i64(PUBLISHED_AT)?.first_or_default_col(0),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.by_score
    }

    fn merge_fruits(&self, fruits: Vec<(u64, Vec<Ranked>)>) -> tantivy::Result<(u64, Vec<Ranked>)> {
        let mut total = 0;
        let mut all = Vec::new();
        for (count, ranked) in fruits {
            total += count;
            all.extend(ranked);
        }
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(self.limit);
        Ok((total, all))
    }
}

impl SegmentCollector for TopAndCountSegment {
    type Fruit = (u64, Vec<Ranked>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if self.limit == 0 {
            return;
        }
        let score = if self.by_score { score } else { 0.0 };
        if self.heap.len() >= self.limit {
            // Cheap rejection before touching the fast columns.
            if let Some(Reverse(min)) = self.heap.peek()
                && score < min.score
            {
                return;
            }
        }
        let ranked = Ranked { score, published_at: self.published.get_val(doc), id: self.ids.get_val(doc) };
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(ranked));
        } else if let Some(mut min) = self.heap.peek_mut()
            && ranked > min.0
        {
            *min = Reverse(ranked);
        }
    }

    fn harvest(self) -> (u64, Vec<Ranked>) {
        (self.count, self.heap.into_iter().map(|Reverse(r)| r).collect())
    }
}
