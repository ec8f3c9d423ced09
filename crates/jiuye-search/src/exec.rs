//! Runs a [`Plan`] with less work than one exhaustive scored pass, with the same answer.
//!
//! A query whose required clauses are all terms or exact filters (no range filter) runs on
//! their match sets as bitsets ([`execute_bits`]), taken from the clause cache of `bits.rs`: the
//! AND of the sets is the match set, its popcount the total, and WAND or the time order test
//! candidates against it in O(1). The rest of this comment is the path of queries with a range
//! filter, or of an index whose clause cache is turned off.
//!
//! Only for a query whose match set is one posting list (no words, or one term of 1–2
//! characters, or one exact filter): anything else (phrases, several terms, ranges) is counted
//! and ranked in one scored pass ([`exhaustive`]), as counting it costs a full pass anyway.
//! Three parts, each exact:
//! - **total**: `Weight::count` of the required clauses alone, unscored, per segment. A single
//!   term on a segment without deletions is its document frequency (no posting is read); other
//!   queries iterate their doc ids without scoring.
//! - **by relevance** (when the optional clauses' postings are under a quarter of the matches;
//!   otherwise one scored pass): a document's score is the sum of the optional BM25 clauses it matches, so
//!   it is positive iff it matches one. The best `limit` positive-score documents come from the
//!   union of the optional clauses with block-max WAND pruning (tantivy's `for_each_pruning`),
//!   each candidate being tested against the required clauses by a forward `seek`. The threshold
//!   handed back to WAND is just below the current `limit`-th score, so documents that tie with
//!   it on score still arrive and are ordered by `published_at` and id. If fewer than `limit`
//!   documents have a positive score, all of them were collected (the threshold never rose), and
//!   the rest of the page comes from the required-and-not-optional documents by newest.
//! - **by newest** (and that rest): per segment, the documents in `(published_at, id)`
//!   descending order ([`TimeOrders`], built once per segment from the fast columns) are tested
//!   against the query in windows — sorted by doc id, one forward `seek` each — until `limit`
//!   matches are found. When the query matches a small share of the segment, testing would cost
//!   more than reading the matches, so those are iterated instead (unscored, in blocks).
//!
//! The answer equals [`crate::collector::TopAndCount`] over the whole query (the reference path,
//! `SearchIndex::search_exhaustive`), up to the last bits of summed scores (WAND adds the
//! clauses' scores in another order than the union scorer); tests compare the two.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::Collector;
use tantivy::columnar::ColumnValues;
use tantivy::index::SegmentId;
use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur, Query, Scorer, Weight};
use tantivy::{DocId, Score, Searcher, SegmentReader, TERMINATED};

use crate::bits::{ClauseCache, DocBits, alive_bits};
use crate::collector::{Ranked, TopAndCount};
use crate::error::Result;
use crate::query::Plan;
use crate::schema::{ID, PUBLISHED_AT};

/// Testing a document by `seek` costs roughly this many times reading one posting (measured at
/// 1,000,000 documents: with 8, queries matching 2–3 % of a segment were slower by probing).
pub(crate) const PROBE_COST: u64 = 64;
/// WAND is used when the optional clauses' postings are at most this share of the matches.
const WAND_SHARE: u64 = 4;
/// Expected probes are multiplied by this margin when choosing between probing and iterating.
const PROBE_MARGIN: u64 = 2;
/// First window of documents tested in time order (then doubled).
const FIRST_WINDOW: usize = 64;

/// Per segment, its doc ids by `published_at` then id, both descending (deleted documents
/// included; they are skipped when read). Segments are immutable, so an entry stays valid for
/// the segment's life; entries of segments no longer searched are dropped.
#[derive(Default)]
pub(crate) struct TimeOrders {
    orders: Mutex<HashMap<SegmentId, Arc<[DocId]>>>,
}

impl TimeOrders {
    fn get(&self, searcher: &Searcher, reader: &SegmentReader) -> Result<Arc<[DocId]>> {
        let id = reader.segment_id();
        if let Some(order) = self.orders.lock().unwrap_or_else(PoisonError::into_inner).get(&id) {
            return Ok(order.clone());
        }
        let fast = reader.fast_fields();
        let published = fast.i64(PUBLISHED_AT)?.first_or_default_col(0);
        let ids = fast.i64(ID)?.first_or_default_col(0);
        let mut keyed: Vec<(i64, i64, DocId)> = (0..reader.max_doc()).map(|d| (published.get_val(d), ids.get_val(d), d)).collect();
        keyed.sort_unstable_by_key(|&(published, id, _)| Reverse((published, id)));
        let order: Arc<[DocId]> = keyed.into_iter().map(|(_, _, d)| d).collect();
        let mut orders = self.orders.lock().unwrap_or_else(PoisonError::into_inner);
        let live: Vec<SegmentId> = searcher.segment_readers().iter().map(SegmentReader::segment_id).collect();
        orders.retain(|k, _| live.contains(k));
        orders.insert(id, order.clone());
        Ok(order)
    }

    /// Number of segments with a cached order (for tests).
    pub(crate) fn len(&self) -> usize {
        self.orders.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

fn all_of(clauses: &[Box<dyn Query>]) -> Box<dyn Query> {
    match clauses {
        [] => Box::new(AllQuery),
        [one] => one.box_clone(),
        many => Box::new(BooleanQuery::new(many.iter().map(|c| (Occur::Must, c.box_clone())).collect())),
    }
}

/// Whether the forward-only `scorer` contains `doc`; calls must come in increasing `doc` order.
fn contains(scorer: &mut dyn Scorer, doc: DocId) -> bool {
    let current = scorer.doc();
    if current == doc {
        return true;
    }
    current != TERMINATED && current < doc && scorer.seek(doc) == doc
}

/// The `limit` best documents of `set` by score, the score of a document being the sum of the
/// clauses that match it, in clause order (as the union scorer adds them); documents no clause
/// matches are left out, as WAND leaves them out. Each clause is moved forward by `seek` only.
fn seek_top(
    clauses: &[Box<dyn Weight>],
    reader: &SegmentReader,
    columns: &Columns,
    limit: usize,
    set: &DocBits,
) -> Result<Vec<(Ranked, DocId)>> {
    let mut scorers = clauses.iter().map(|w| w.scorer(reader, 1.0)).collect::<tantivy::Result<Vec<_>>>()?;
    let mut top = TopK::new(limit);
    for doc in set.iter() {
        let mut score: Score = 0.0;
        let mut matched = false;
        for scorer in &mut scorers {
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                score += scorer.score();
                matched = true;
            }
        }
        if matched {
            top.offer((columns.ranked(doc, score), doc));
        }
    }
    Ok(top.into_vec())
}

/// The `limit` best documents of one segment by score (ties by `Ranked`'s order), found by
/// block-max WAND over `union_weight`, among the documents `accept` lets through.
fn wand_top(
    union_weight: &dyn Weight,
    reader: &SegmentReader,
    columns: &Columns,
    limit: usize,
    mut accept: impl FnMut(DocId) -> bool,
) -> Result<Vec<(Ranked, DocId)>> {
    let mut top = TopK::new(limit);
    union_weight.for_each_pruning(0.0, reader, &mut |doc, score| {
        if accept(doc) {
            top.offer((columns.ranked(doc, score), doc));
        }
        top.threshold()
    })?;
    Ok(top.into_vec())
}

/// The optional clauses' postings in one segment (the length of their union, counted with
/// repeats): what WAND over them walks at most.
fn optional_postings(plan: &Plan, reader: &SegmentReader) -> Result<u64> {
    let mut postings = 0u64;
    for term in &plan.should_terms {
        postings += u64::from(reader.inverted_index(term.field())?.doc_freq(term).map_err(tantivy::TantivyError::from)?);
    }
    Ok(postings)
}

/// The `limit` greatest hits offered, in a min-heap.
struct TopK {
    heap: BinaryHeap<Reverse<(Ranked, DocId)>>,
    limit: usize,
}

impl TopK {
    fn new(limit: usize) -> Self {
        Self { heap: BinaryHeap::with_capacity(limit.min(1024) + 1), limit }
    }

    fn offer(&mut self, hit: (Ranked, DocId)) {
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(hit));
        } else if let Some(mut min) = self.heap.peek_mut()
            && hit > min.0
        {
            *min = Reverse(hit);
        }
    }

    /// The score a document must exceed to enter: just below the worst kept score once full, so
    /// equal scores still compete on the tie-breaks.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse((min, _))) if self.heap.len() >= self.limit => min.score.next_down(),
            _ => 0.0,
        }
    }

    fn into_vec(self) -> Vec<(Ranked, DocId)> {
        self.heap.into_iter().map(|Reverse(x)| x).collect()
    }
}

struct Columns {
    ids: Arc<dyn ColumnValues<i64>>,
    published: Arc<dyn ColumnValues<i64>>,
}

impl Columns {
    fn of(reader: &SegmentReader) -> Result<Self> {
        let fast = reader.fast_fields();
        Ok(Self { ids: fast.i64(ID)?.first_or_default_col(0), published: fast.i64(PUBLISHED_AT)?.first_or_default_col(0) })
    }

    fn ranked(&self, doc: DocId, score: Score) -> Ranked {
        Ranked { score, published_at: self.published.get_val(doc), id: self.ids.get_val(doc) }
    }
}

/// Runs `plan`: the exact total and the best `offset + per_page` hits in result order.
pub(crate) fn execute(
    searcher: &Searcher,
    plan: &Plan,
    orders: &TimeOrders,
    probe_cost: u64,
    cache: Option<&ClauseCache>,
) -> Result<(u64, Vec<Ranked>)> {
    if let Some(cache) = cache
        && plan.required_keys.iter().all(Option::is_some)
    {
        return execute_bits(searcher, plan, orders, cache);
    }
    let limit = plan.offset.saturating_add(plan.per_page);
    if !plan.simple {
        // Phrases, several terms or range filters: counting costs a full pass anyway, so the
        // one scored pass that counts and ranks together is the cheapest.
        return exhaustive(searcher, plan);
    }
    let required = all_of(&plan.required);
    let required_weight = required.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let readers = searcher.segment_readers();
    let mut counts = Vec::with_capacity(readers.len());
    for reader in readers {
        // No required clause: every live document (AllQuery's count would visit each one).
        let count = if plan.required.is_empty() { reader.num_docs() } else { required_weight.count(reader)? };
        counts.push(u64::from(count));
    }
    let total = counts.iter().sum();
    if total == 0 || limit == 0 {
        return Ok((total, Vec::new()));
    }
    if !plan.by_score || plan.should.is_empty() {
        let ranked = newest(searcher, required_weight.as_ref(), &counts, limit, orders, probe_cost)?;
        return Ok((total, ranked));
    }
    // WAND pays off when few documents carry a score; with many (and many equal scores, which
    // WAND cannot prune) one scored pass is cheaper.
    let mut union_postings = 0u64;
    for reader in readers {
        union_postings += optional_postings(plan, reader)?;
    }
    if union_postings.saturating_mul(WAND_SHARE) >= total {
        return exhaustive(searcher, plan);
    }

    // Positive scores: WAND over the optional clauses, filtered by the required ones.
    let union = BooleanQuery::new(plan.should.iter().map(|c| (Occur::Should, c.box_clone())).collect());
    let union_weight = union.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut scored: Vec<Ranked> = Vec::new();
    let mut scored_per_segment = Vec::with_capacity(readers.len());
    for (reader, &count) in readers.iter().zip(&counts) {
        if count == 0 {
            scored_per_segment.push(0);
            continue;
        }
        let columns = Columns::of(reader)?;
        let alive = reader.alive_bitset();
        let mut filter = required_weight.scorer(reader, 1.0)?;
        let top = wand_top(union_weight.as_ref(), reader, &columns, limit, |doc| {
            alive.is_none_or(|a| a.is_alive(doc)) && contains(filter.as_mut(), doc)
        })?;
        scored_per_segment.push(top.len() as u64);
        scored.extend(top.into_iter().map(|(r, _)| r));
    }
    scored.sort_unstable_by(|a, b| b.cmp(a));
    if scored.len() >= limit {
        scored.truncate(limit);
        return Ok((total, scored));
    }
    // Every positive-score document is in `scored` (no segment filled its heap, so no threshold
    // ever rose above 0); the rest of the page has score 0 and comes by newest.
    let rest_query = BooleanQuery::new(vec![(Occur::Must, required.box_clone()), (Occur::MustNot, Box::new(union) as Box<dyn Query>)]);
    let rest_weight = rest_query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let rest_counts: Vec<u64> = counts.iter().zip(&scored_per_segment).map(|(c, s)| c.saturating_sub(*s)).collect();
    let rest = newest(searcher, rest_weight.as_ref(), &rest_counts, limit - scored.len(), orders, probe_cost)?;
    scored.extend(rest);
    Ok((total, scored))
}

/// The best `limit` documents of `weight` by newest; `counts[i]` is the number of its matches in
/// segment `i` (exact, or an upper bound).
fn newest(
    searcher: &Searcher,
    weight: &dyn Weight,
    counts: &[u64],
    limit: usize,
    orders: &TimeOrders,
    probe_cost: u64,
) -> Result<Vec<Ranked>> {
    let mut all: Vec<Ranked> = Vec::new();
    for (ord, (reader, &count)) in searcher.segment_readers().iter().zip(counts).enumerate() {
        if count == 0 {
            continue;
        }
        let want = limit.min(usize::try_from(count).unwrap_or(usize::MAX));
        let docs = u64::from(reader.num_docs().max(1));
        // Expected documents to test before `want` matches turn up, against reading all matches.
        let expected_probes = (want as u64).saturating_mul(docs).saturating_mul(PROBE_MARGIN) / count;
        let probed = if expected_probes.saturating_mul(probe_cost) < count {
            probe_newest(searcher, weight, reader, want, count, orders, probe_cost)?
        } else {
            None
        };
        match probed {
            Some(found) => all.extend(found),
            None => {
                let collector = TopAndCount { limit: want, by_score: false };
                let segment_ord = u32::try_from(ord).unwrap_or(u32::MAX);
                let (_, ranked) = collector.collect_segment(weight, segment_ord, reader)?;
                all.extend(ranked);
            }
        }
    }
    all.sort_unstable_by(|a, b| b.cmp(a));
    all.truncate(limit);
    Ok(all)
}

/// Tests the segment's documents in time order, in growing windows, until `want` match. `None`
/// if that took more tests than reading the `count` matches would cost.
fn probe_newest(
    searcher: &Searcher,
    weight: &dyn Weight,
    reader: &SegmentReader,
    want: usize,
    count: u64,
    orders: &TimeOrders,
    probe_cost: u64,
) -> Result<Option<Vec<Ranked>>> {
    let order = orders.get(searcher, reader)?;
    let alive = reader.alive_bitset();
    let columns = Columns::of(reader)?;
    let budget = count / probe_cost.max(1) + FIRST_WINDOW as u64;
    let mut found: Vec<DocId> = Vec::with_capacity(want);
    let mut start = 0usize;
    let mut window = FIRST_WINDOW.max(want);
    let mut batch: Vec<(DocId, usize)> = Vec::new();
    let mut hits: Vec<usize> = Vec::new();
    while found.len() < want && start < order.len() {
        if start as u64 > budget {
            return Ok(None);
        }
        let end = start.saturating_add(window).min(order.len());
        batch.clear();
        batch.extend(
            order
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, &d)| (d, start + i))
                .filter(|(d, _)| alive.is_none_or(|a| a.is_alive(*d))),
        );
        batch.sort_unstable_by_key(|(d, _)| *d);
        let mut scorer = weight.scorer(reader, 1.0)?;
        hits.clear();
        for &(doc, rank) in &batch {
            if contains(scorer.as_mut(), doc) {
                hits.push(rank);
            }
        }
        hits.sort_unstable();
        found.extend(hits.iter().filter_map(|&r| order.get(r).copied()));
        start = end;
        window = window.saturating_mul(2);
    }
    found.truncate(want);
    Ok(Some(found.into_iter().map(|d| columns.ranked(d, 0.0)).collect()))
}

/// Runs `plan` on the match sets of its required clauses (all cacheable: terms and exact
/// filters), per segment the AND of the clauses' cached sets and the live documents:
/// - **total**: the popcount;
/// - **by relevance**: block-max WAND over the optional BM25 clauses, each candidate tested
///   against the set in O(1); if fewer than `limit` documents score, the rest of the page
///   (score 0) comes by newest from the set without them;
/// - **by newest**: the documents in time order tested against the set, or, when the set is
///   too sparse for that to find `limit` quickly, the set's documents ranked by time.
fn execute_bits(searcher: &Searcher, plan: &Plan, orders: &TimeOrders, cache: &ClauseCache) -> Result<(u64, Vec<Ranked>)> {
    let limit = plan.offset.saturating_add(plan.per_page);
    let unscored = EnableScoring::disabled_from_searcher(searcher);
    let weights = plan.required.iter().map(|c| c.weight(unscored)).collect::<tantivy::Result<Vec<_>>>()?;
    let readers = searcher.segment_readers();
    let mut sets: Vec<DocBits> = Vec::with_capacity(readers.len());
    let mut total = 0u64;
    for reader in readers {
        let mut set: Option<DocBits> = None;
        for (weight, key) in weights.iter().zip(&plan.required_keys) {
            let key = key.as_deref().unwrap_or_default();
            let clause = cache.get(searcher, reader, key, || DocBits::of_weight(weight.as_ref(), reader))?;
            match &mut set {
                None => set = Some(DocBits::clone(&clause)),
                Some(set) => set.and_assign(&clause),
            }
        }
        let mut set = set.unwrap_or_else(|| DocBits::full(reader.max_doc()));
        if reader.has_deletes() {
            // Deletions only accumulate in a segment: equal counts mean equal sets.
            let key = format!("alive:{}", reader.num_deleted_docs());
            set.and_assign(&*cache.get(searcher, reader, &key, || Ok(alive_bits(reader)))?);
        }
        total += set.count();
        sets.push(set);
    }
    if total == 0 || limit == 0 {
        return Ok((total, Vec::new()));
    }
    if !plan.by_score || plan.should.is_empty() {
        return Ok((total, newest_in_sets(searcher, &sets, limit, orders)?));
    }
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let union = BooleanQuery::new(plan.should.iter().map(|c| (Occur::Should, c.box_clone())).collect());
    let union_weight = union.weight(scoring)?;
    let clause_weights = plan.should.iter().map(|c| c.weight(scoring)).collect::<tantivy::Result<Vec<_>>>()?;
    let mut scored: Vec<(Ranked, DocId, usize)> = Vec::new();
    for (ord, (reader, set)) in readers.iter().zip(&sets).enumerate() {
        let columns = Columns::of(reader)?;
        let union_postings = optional_postings(plan, reader)?;
        // A few matches against a long union (several words, each common, rarely together):
        // score the matches by seeking each clause to them instead of walking the union.
        let seeks = set.count().saturating_mul(clause_weights.len() as u64).saturating_mul(PROBE_COST);
        let top = if seeks < union_postings {
            seek_top(&clause_weights, reader, &columns, limit, set)?
        } else {
            wand_top(union_weight.as_ref(), reader, &columns, limit, |doc| set.contains(doc))?
        };
        scored.extend(top.into_iter().map(|(r, d)| (r, d, ord)));
    }
    scored.sort_unstable_by_key(|s| Reverse(s.0));
    if scored.len() >= limit {
        return Ok((total, scored.into_iter().take(limit).map(|(r, _, _)| r).collect()));
    }
    // Every positive-score document is in `scored` (no segment filled its heap, so no threshold
    // ever rose above 0); the rest of the page has score 0 and comes by newest.
    for (_, doc, ord) in &scored {
        if let Some(set) = sets.get_mut(*ord) {
            set.remove(*doc);
        }
    }
    let rest = newest_in_sets(searcher, &sets, limit - scored.len(), orders)?;
    let mut ranked: Vec<Ranked> = scored.into_iter().map(|(r, _, _)| r).collect();
    ranked.extend(rest);
    Ok((total, ranked))
}

/// The best `limit` documents of the per-segment sets by newest.
fn newest_in_sets(searcher: &Searcher, sets: &[DocBits], limit: usize, orders: &TimeOrders) -> Result<Vec<Ranked>> {
    let mut all: Vec<Ranked> = Vec::new();
    for (reader, set) in searcher.segment_readers().iter().zip(sets) {
        let count = set.count();
        if count == 0 {
            continue;
        }
        let want = limit.min(usize::try_from(count).unwrap_or(usize::MAX));
        let columns = Columns::of(reader)?;
        // Testing a document in time order costs about as much as ranking one of the set's.
        let expected_probes = (want as u64).saturating_mul(u64::from(set.max_doc())).saturating_mul(PROBE_MARGIN) / count;
        if expected_probes < count {
            let order = orders.get(searcher, reader)?;
            all.extend(order.iter().filter(|d| set.contains(**d)).take(want).map(|d| columns.ranked(*d, 0.0)));
        } else {
            let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(want + 1);
            for doc in set.iter() {
                let ranked = columns.ranked(doc, 0.0);
                if heap.len() < want {
                    heap.push(Reverse(ranked));
                } else if let Some(mut min) = heap.peek_mut()
                    && ranked > min.0
                {
                    *min = Reverse(ranked);
                }
            }
            all.extend(heap.into_iter().map(|Reverse(r)| r));
        }
    }
    all.sort_unstable_by(|a, b| b.cmp(a));
    all.truncate(limit);
    Ok(all)
}

/// One scored pass over every match of the whole query, counting and keeping the best.
pub(crate) fn exhaustive(searcher: &Searcher, plan: &Plan) -> Result<(u64, Vec<Ranked>)> {
    let collector = TopAndCount { limit: plan.offset.saturating_add(plan.per_page), by_score: plan.by_score };
    Ok(searcher.search(plan.query.as_ref(), &collector)?)
}
