//! [`SearchIndex`]: the on-disk (or in-memory) vacancy index, its single writer and its reader.
//!
//! Invariants:
//! - one `IndexWriter` per index, behind a mutex; every change ends in a commit followed by a
//!   manual reader reload, so a search that starts after a write returns sees it;
//! - every commit carries the watermark in its payload (`jiuye-search:watermark=N`), so the
//!   watermark on disk always belongs to the documents on disk;
//! - searches never take the writer mutex: they use a searcher from the shared reader.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tantivy::directory::MmapDirectory;
use tantivy::indexer::IndexWriterOptions;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError, Term};

use crate::bits::{ClauseCache, DEFAULT_CACHE_BYTES};
use crate::error::{Result, SearchError};
use crate::exec::{PROBE_COST, TimeOrders, execute, exhaustive};
use crate::query::{SearchQuery, plan};
use crate::schema::{self, Fields};
use crate::{Hit, SearchHits, VacancyDoc};

const PAYLOAD_PREFIX: &str = "jiuye-search:watermark=";

/// Writer sizing. The defaults suit a server: a small heap for incremental changes, a large one
/// for [`SearchIndex::rebuild`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexOptions {
    /// Memory budget of the long-lived writer used by upsert/delete (at least 15 MB).
    pub writer_heap_bytes: usize,
    /// Total memory budget of the writer used by [`SearchIndex::rebuild`] (at least 15 MB per
    /// thread).
    pub rebuild_heap_bytes: usize,
    /// Indexing threads used by [`SearchIndex::rebuild`].
    pub rebuild_threads: usize,
    /// Byte budget of the cache of clause match sets (see `src/bits.rs`; 64 MiB by default, one
    /// bit per document per cached clause); 0 turns the cache off and every search evaluates its
    /// clauses afresh (for comparisons; results are the same either way).
    pub clause_cache_bytes: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            writer_heap_bytes: 50_000_000,
            rebuild_heap_bytes: 400_000_000,
            rebuild_threads: cores.clamp(1, 4),
            clause_cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

struct WriterState {
    /// `None` only while [`SearchIndex::rebuild`] runs with its own writer, or after a failure to
    /// reopen; taken lazily again by [`SearchIndex::writer`].
    writer: Option<IndexWriter>,
    watermark: i64,
}

/// The vacancy index. `Send + Sync`; share it in an `Arc`. Writes are serialised internally;
/// searches run concurrently with each other and with writes.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    options: IndexOptions,
    /// Directory for error messages (`None` in memory).
    path: Option<PathBuf>,
    state: Mutex<WriterState>,
    /// Per-segment time orders for sorting by newest (derived from the segments, never stale).
    orders: TimeOrders,
    probe_cost: std::sync::atomic::AtomicU64,
    /// Match sets of required clauses per segment (`None` if turned off).
    clauses: Option<ClauseCache>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("path", &self.path).field("options", &self.options).finish_non_exhaustive()
    }
}

fn parse_watermark(payload: Option<&str>) -> Option<i64> {
    match payload {
        None => Some(0),
        Some(p) => p.strip_prefix(PAYLOAD_PREFIX)?.parse().ok(),
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if needed.
    ///
    /// Errors: [`SearchError::IncompatibleSchema`] if `dir` holds an index of another schema,
    /// [`SearchError::Locked`] if another writer holds it, [`SearchError::BrokenIndex`] if it
    /// cannot be read.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        Self::open_or_create_with(dir, IndexOptions::default())
    }

    /// [`SearchIndex::open_or_create`] with explicit writer sizing.
    pub fn open_or_create_with(dir: &Path, options: IndexOptions) -> Result<Self> {
        let broken = |reason: String| SearchError::BrokenIndex { path: dir.to_owned(), reason };
        std::fs::create_dir_all(dir).map_err(|e| broken(e.to_string()))?;
        let directory = MmapDirectory::open(dir).map_err(|e| broken(e.to_string()))?;
        let (schema, fields) = schema::build();
        let index = Index::builder().schema(schema).tokenizers(schema::tokenizers()).open_or_create(directory).map_err(|e| match e {
            TantivyError::SchemaError(_) => SearchError::IncompatibleSchema { path: dir.to_owned() },
            other => broken(other.to_string()),
        })?;
        Self::from_index(index, fields, options, Some(dir.to_owned())).map_err(|e| match e {
            SearchError::Engine(inner) => broken(inner.to_string()),
            other => other,
        })
    }

    /// An empty index in memory (for tests and tools).
    pub fn in_memory() -> Result<Self> {
        Self::in_memory_with(IndexOptions { writer_heap_bytes: 20_000_000, ..IndexOptions::default() })
    }

    /// [`SearchIndex::in_memory`] with explicit options.
    pub fn in_memory_with(options: IndexOptions) -> Result<Self> {
        let (schema, fields) = schema::build();
        let index = Index::builder().schema(schema).tokenizers(schema::tokenizers()).create_in_ram()?;
        Self::from_index(index, fields, options, None)
    }

    fn from_index(index: Index, fields: Fields, options: IndexOptions, path: Option<PathBuf>) -> Result<Self> {
        let meta = index.load_metas()?;
        let watermark = parse_watermark(meta.payload.as_deref()).ok_or_else(|| SearchError::BrokenIndex {
            path: path.clone().unwrap_or_default(),
            reason: format!("unexpected commit payload {:?}", meta.payload),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let clauses = (options.clause_cache_bytes > 0).then(|| ClauseCache::with_budget(options.clause_cache_bytes));
        let this = Self {
            index,
            reader,
            fields,
            options,
            path,
            state: Mutex::new(WriterState { writer: None, watermark }),
            orders: TimeOrders::default(),
            probe_cost: std::sync::atomic::AtomicU64::new(PROBE_COST),
            clauses,
        };
        // Take the writer lock now so a second process on the same directory fails early.
        this.writer(&mut this.lock())?;
        Ok(this)
    }

    fn lock(&self) -> MutexGuard<'_, WriterState> {
        // A panic while holding the lock cannot leave a half-applied commit behind (tantivy
        // commits atomically), so the state is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn path(&self) -> PathBuf {
        self.path.clone().unwrap_or_default()
    }

    fn new_writer(&self, threads: usize, heap_bytes: usize) -> Result<IndexWriter> {
        let threads = threads.max(1);
        let options = IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(heap_bytes / threads)
            .num_merge_threads(1)
            .build();
        self.index.writer_with_options(options).map_err(|e| match e {
            TantivyError::LockFailure(..) => SearchError::Locked { path: self.path() },
            other => SearchError::Engine(other),
        })
    }

    fn writer<'a>(&self, state: &'a mut WriterState) -> Result<&'a mut IndexWriter> {
        if state.writer.is_none() {
            state.writer = Some(self.new_writer(1, self.options.writer_heap_bytes)?);
        }
        state.writer.as_mut().ok_or_else(|| SearchError::Engine(TantivyError::InternalError("index writer missing".into())))
    }

    fn commit(&self, writer: &mut IndexWriter, watermark: i64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{PAYLOAD_PREFIX}{watermark}"));
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    fn id_term(&self, id: i64) -> Term {
        Term::from_field_i64(self.fields.id, id)
    }

    /// Applies a batch of changes in one commit: documents in `upserts` replace those with the
    /// same id, ids in `deletes` are removed (an id in both ends up deleted), and the watermark
    /// becomes `watermark` if given. Either the whole batch is visible afterwards or none of it.
    pub fn apply_changes(&self, upserts: &[VacancyDoc], deletes: &[i64], watermark: Option<i64>) -> Result<()> {
        let mut state = self.lock();
        let watermark = watermark.unwrap_or(state.watermark);
        let writer = self.writer(&mut state)?;
        let staged = (|| -> Result<()> {
            for doc in upserts {
                writer.delete_term(self.id_term(doc.id));
                writer.add_document(self.fields.document(doc))?;
            }
            for id in deletes {
                writer.delete_term(self.id_term(*id));
            }
            self.commit(writer, watermark)
        })();
        if let Err(e) = staged {
            // Drop whatever was staged so a later commit does not publish half a batch; if even
            // that fails, discard the writer (a new one starts from the last commit).
            if writer.rollback().is_err() {
                state.writer = None;
            }
            return Err(e);
        }
        state.watermark = watermark;
        Ok(())
    }

    /// Inserts or replaces documents by id, then commits.
    pub fn upsert(&self, docs: &[VacancyDoc]) -> Result<()> {
        self.apply_changes(docs, &[], None)
    }

    /// Removes documents by id (unknown ids are ignored), then commits.
    pub fn delete(&self, ids: &[i64]) -> Result<()> {
        self.apply_changes(&[], ids, None)
    }

    /// Replaces the whole index content with `docs` in one commit, using the large rebuild
    /// writer, and waits for segment merges so searches afterwards are fast. Returns the number
    /// of documents added. The watermark is kept: set it afterwards to the change sequence read
    /// before the documents were read (replaying changes is idempotent).
    pub fn rebuild<I: IntoIterator<Item = VacancyDoc>>(&self, docs: I) -> Result<u64> {
        let mut state = self.lock();
        // Release the incremental writer's lock for the rebuild writer.
        state.writer = None;
        let mut writer = self.new_writer(self.options.rebuild_threads, self.options.rebuild_heap_bytes)?;
        let added = (|| -> Result<u64> {
            writer.delete_all_documents()?;
            let mut added = 0u64;
            for doc in docs {
                writer.add_document(self.fields.document(&doc))?;
                added += 1;
            }
            self.commit(&mut writer, state.watermark)?;
            Ok(added)
        })();
        let added = match added {
            Ok(added) => added,
            Err(e) => {
                let _ = writer.rollback();
                return Err(e);
            }
        };
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        self.writer(&mut state)?;
        Ok(added)
    }

    /// Runs a search. See the crate docs for the match rule, filters and ordering, and
    /// `src/exec.rs` for how the work is cut (exact count, WAND, newest by time order).
    pub fn search(&self, q: &SearchQuery) -> Result<SearchHits> {
        let plan = plan(&self.fields, q)?;
        let searcher = self.reader.searcher();
        let probe_cost = self.probe_cost.load(std::sync::atomic::Ordering::Relaxed);
        let (total, ranked) = execute(&searcher, &plan, &self.orders, probe_cost, self.clauses.as_ref())?;
        let hits = ranked.into_iter().skip(plan.offset).take(plan.per_page).map(|r| Hit { id: r.id, score: r.score }).collect();
        Ok(SearchHits { total, hits, terms: plan.terms })
    }

    /// The same search as [`SearchIndex::search`] done the plain way: one scored pass over every
    /// match of the whole query, counting and keeping the best. The reference for tests and
    /// benchmarks; scores may differ from `search` in the last bits (summation order).
    pub fn search_exhaustive(&self, q: &SearchQuery) -> Result<SearchHits> {
        let plan = plan(&self.fields, q)?;
        let (total, ranked) = exhaustive(&self.reader.searcher(), &plan)?;
        let hits = ranked.into_iter().skip(plan.offset).take(plan.per_page).map(|r| Hit { id: r.id, score: r.score }).collect();
        Ok(SearchHits { total, hits, terms: plan.terms })
    }

    /// Sets how many postings one test by `seek` is taken to cost when choosing between testing
    /// documents in time order and reading every match (default 64; tests lower it to force the
    /// time-order path on small indexes). Never changes results.
    pub fn set_probe_cost(&self, cost: u64) {
        self.probe_cost.store(cost.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// The last change sequence number applied (0 if never set).
    pub fn watermark(&self) -> Result<i64> {
        Ok(self.lock().watermark)
    }

    /// Records `seq` as the last applied change sequence number, in a commit of its own.
    pub fn set_watermark(&self, seq: i64) -> Result<()> {
        self.apply_changes(&[], &[], Some(seq))
    }

    /// Number of live documents visible to searches.
    pub fn doc_count(&self) -> Result<u64> {
        Ok(self.reader.searcher().num_docs())
    }

    /// Bytes the index occupies on disk (0 in memory). For monitoring and benchmarks.
    pub fn disk_bytes(&self) -> Result<u64> {
        let Some(path) = &self.path else { return Ok(0) };
        let mut total = 0;
        let entries = std::fs::read_dir(path).map_err(|e| SearchError::BrokenIndex { path: path.clone(), reason: e.to_string() })?;
        for entry in entries.flatten() {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                total += meta.len();
            }
        }
        Ok(total)
    }

    /// Number of clause match sets held in memory and their bytes (for tests and monitoring).
    pub fn cached_clause_sets(&self) -> (usize, usize) {
        self.clauses.as_ref().map_or((0, 0), ClauseCache::usage)
    }

    /// Number of segments whose time order is held in memory (for tests).
    pub fn cached_time_orders(&self) -> usize {
        self.orders.len()
    }

    /// Number of index segments (fewer is faster to search). For monitoring and benchmarks.
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watermark_payload_round_trips_and_rejects_foreign_payloads() {
        assert_eq!(parse_watermark(None), Some(0));
        assert_eq!(parse_watermark(Some("jiuye-search:watermark=42")), Some(42));
        assert_eq!(parse_watermark(Some("something else")), None);
    }

    #[test]
    fn the_index_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SearchIndex>();
    }
}
