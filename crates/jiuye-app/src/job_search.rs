//! The public job board's search: the validated query, and the search index kept consistent with
//! the database through the vacancy change feed.
//!
//! Consistency: before answering, a search makes sure the index has caught up to the feed's head
//! as it was at most [`JobSearch::max_staleness`] ago (default [`DEFAULT_MAX_STALENESS`], 100 ms):
//! if the last check of the head (one indexed `MAX(seq)` query) started longer ago than that, the
//! search checks and applies the changes first; otherwise it answers at once. Writes on any server
//! append to the feed in commit order, so every server — several `jiuye serve` behind one
//! PostgreSQL, each with its own index — answers from an index that includes every change
//! committed at least `max_staleness` before the search began. A write made through this server
//! marks its index stale, so its own next search checks at once (read-your-writes on one server).
//! A staleness of zero checks before every search (tests, and in-memory indexes by default).
//!
//! The page's rows come from the database, or from a bounded in-process cache of public rows keyed
//! by search key: a catch-up that applies a change to a vacancy drops that vacancy's cached row
//! (and a rebuild drops them all), and a row read from the database is only cached if no catch-up
//! ran meanwhile, so a cached row is never older than the index it is served with.
//!
//! The index stores the last applied sequence number in its own commit, so a restarted server
//! continues where it stopped; an index that is behind by a lot, empty, or ahead of the database
//! (restored backup) is rebuilt from the published vacancies.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use jiuye_domain::normalize::normalize;
use jiuye_domain::{VacancyKind, VacancyStatus, WorkType, occupation};
use jiuye_search::{SearchIndex, SearchQuery, Sort, VacancyDoc};
use jiuye_store::Store;
use jiuye_store::vacancies::VacancyRecord;

use crate::{App, AppError, AppResult};

/// How far behind the index may be before a full rebuild is cheaper than replaying changes.
const REBUILD_AFTER: i64 = 50_000;
const CHANGE_BATCH: i64 = 5_000;
/// How stale a server's index may be by default (see the module docs).
pub const DEFAULT_MAX_STALENESS: Duration = Duration::from_millis(100);
/// Rows kept in the page-row cache; when full it starts over.
const ROW_CACHE_ROWS: usize = 10_000;

/// The board's search parameters as they arrive (query string or form); all optional text.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct BoardParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub work_type: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub pay_min: String,
    #[serde(default)]
    pub posted_within_days: String,
    /// relevance | newest (default: relevance with words, newest without).
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub per_page: String,
}

/// One page of the board.
#[derive(Debug, Clone)]
pub struct BoardPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub sort: &'static str,
    pub terms: Vec<String>,
    pub items: Vec<VacancyRecord>,
}

/// The index and the lock that lets one catch-up run at a time.
pub struct JobSearch {
    index: Arc<SearchIndex>,
    dir: Option<PathBuf>,
    catch_up: tokio::sync::Mutex<()>,
    max_staleness: Duration,
    /// When the last completed check of the feed's head started (`None`: check before the next
    /// search), and the number of writes through this server so far: a check that started before a
    /// write does not count as fresh for it.
    checked: Mutex<(Option<Instant>, u64)>,
    /// Index searches in flight, at most one per core: a search is CPU work on a blocking thread,
    /// and queueing the rest in order keeps one slow query from slowing every other one.
    searches: tokio::sync::Semaphore,
    rows: Mutex<RowCache>,
}

/// Public rows by search key, with the number of catch-ups that dropped rows so far.
#[derive(Default)]
struct RowCache {
    rows: HashMap<i64, Arc<VacancyRecord>>,
    epoch: u64,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("search: {e}"))
}

impl JobSearch {
    /// An index in memory (tests, and servers started without a search directory).
    pub fn in_memory() -> AppResult<Self> {
        Ok(Self::with(SearchIndex::in_memory().map_err(internal)?, None, Duration::ZERO))
    }

    fn with(index: SearchIndex, dir: Option<PathBuf>, max_staleness: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            index: Arc::new(index),
            dir,
            catch_up: tokio::sync::Mutex::new(()),
            max_staleness,
            checked: Mutex::new((None, 0)),
            searches: tokio::sync::Semaphore::new(cores),
            rows: Mutex::new(RowCache::default()),
        }
    }

    /// Sets how stale the index may be when a search starts (zero: check before every search).
    pub fn with_max_staleness(mut self, max_staleness: Duration) -> Self {
        self.max_staleness = max_staleness;
        self
    }

    pub fn max_staleness(&self) -> Duration {
        self.max_staleness
    }

    /// Makes the next search check the feed first (after a write through this server).
    pub fn mark_stale(&self) {
        let mut checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        *checked = (None, checked.1 + 1);
    }

    fn is_fresh(&self) -> bool {
        !self.max_staleness.is_zero()
            && self.checked.lock().unwrap_or_else(PoisonError::into_inner).0.is_some_and(|t| t.elapsed() <= self.max_staleness)
    }

    /// The start of a check and the write count then.
    fn check_started(&self) -> (Instant, u64) {
        (Instant::now(), self.checked.lock().unwrap_or_else(PoisonError::into_inner).1)
    }

    /// Records a completed check, unless a write through this server happened since it started.
    fn check_done(&self, (started, writes): (Instant, u64)) {
        let mut checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        if checked.1 == writes {
            checked.0 = Some(started);
        }
    }

    /// Catches up unless the last check started within `max_staleness`.
    pub async fn ensure_fresh(&self, store: &Store) -> AppResult<()> {
        if self.is_fresh() {
            return Ok(());
        }
        let _one = self.catch_up.lock().await;
        // Another search may have checked while this one waited for the lock.
        if self.is_fresh() {
            return Ok(());
        }
        self.catch_up_locked(store).await.map(|_| ())
    }

    /// The cached rows for `keys` (`None` where not cached) and the cache's epoch.
    fn cached_rows(&self, keys: &[i64]) -> (Vec<Option<Arc<VacancyRecord>>>, u64) {
        let cache = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        (keys.iter().map(|k| cache.rows.get(k).cloned()).collect(), cache.epoch)
    }

    /// Caches rows read from the database, unless a catch-up dropped rows since `epoch`.
    fn cache_rows(&self, epoch: u64, rows: &[Arc<VacancyRecord>]) {
        let mut cache = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.epoch != epoch {
            return;
        }
        if cache.rows.len() + rows.len() > ROW_CACHE_ROWS {
            cache.rows.clear();
        }
        for r in rows {
            cache.rows.insert(r.search_key, r.clone());
        }
    }

    /// Drops the cached rows of these search keys (`None`: all of them).
    fn drop_rows(&self, keys: Option<&[i64]>) {
        let mut cache = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        cache.epoch += 1;
        match keys {
            Some(keys) => keys.iter().for_each(|k| {
                cache.rows.remove(k);
            }),
            None => cache.rows.clear(),
        }
    }

    /// Number of rows in the page-row cache (for tests and monitoring).
    pub fn cached_rows_len(&self) -> usize {
        self.rows.lock().unwrap_or_else(PoisonError::into_inner).rows.len()
    }

    /// The index in `dir`, created when missing. An unreadable or incompatible index is derived
    /// data: it is removed and rebuilt from the database on the first catch-up.
    pub fn open(dir: &Path) -> AppResult<Self> {
        let index = match SearchIndex::open_or_create(dir) {
            Ok(i) => i,
            Err(jiuye_search::SearchError::Locked { .. }) => {
                return Err(AppError::Internal(format!(
                    "search index {} is in use by another process; give each server its own",
                    dir.display()
                )));
            }
            Err(e) => {
                // Only a directory that holds an index (and nothing that is not one) is removed: a
                // search_dir set by mistake to the data directory must not cost the database.
                let is_index = dir.join("meta.json").exists()
                    && std::fs::read_dir(dir).map_err(internal)?.filter_map(Result::ok).all(|f| {
                        let n = f.file_name().to_string_lossy().to_lowercase();
                        ![".db", ".keys", "-wal", "-shm", ".sqlite", ".toml"].iter().any(|x| n.ends_with(x))
                    });
                if !is_index {
                    return Err(AppError::Internal(format!(
                        "search directory {} cannot be opened as an index and does not look like one ({e}); check search_dir",
                        dir.display()
                    )));
                }
                tracing::warn!(search.dir = %dir.display(), error = %e, "search index unreadable; rebuilding it");
                std::fs::remove_dir_all(dir).map_err(internal)?;
                SearchIndex::open_or_create(dir).map_err(internal)?
            }
        };
        Ok(Self::with(index, Some(dir.to_path_buf()), DEFAULT_MAX_STALENESS))
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Applies every change committed since the index's watermark; rebuilds when that is cheaper
    /// or the index cannot be caught up. Returns the number of changes applied (or documents indexed).
    pub async fn catch_up(&self, store: &Store) -> AppResult<u64> {
        let _one = self.catch_up.lock().await;
        self.catch_up_locked(store).await
    }

    async fn catch_up_locked(&self, store: &Store) -> AppResult<u64> {
        let started = self.check_started();
        let head = store.vacancy_change_head().await?;
        let mut mark = self.index.watermark().map_err(internal)?;
        if head == mark {
            self.check_done(started);
            return Ok(0);
        }
        if mark > head || head - mark > REBUILD_AFTER {
            let n = self.rebuild_locked(store).await?;
            self.check_done(started);
            return Ok(n);
        }
        let mut applied = 0u64;
        loop {
            let changes = store.vacancy_changes_after(mark, CHANGE_BATCH).await?;
            let Some(&(last, _)) = changes.last() else { break };
            let mut ids: Vec<uuid::Uuid> = changes.iter().map(|(_, id)| *id).collect();
            ids.sort();
            ids.dedup();
            let records = store.vacancies_by_ids(&ids).await?;
            let (upserts, deletes) = split(&records);
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.apply_changes(&upserts, &deletes, Some(last)))
                .await
                .map_err(internal)?
                .map_err(internal)?;
            // A changed vacancy without a row cannot be named by search key: drop every row.
            let keys: Vec<i64> = records.iter().map(|r| r.search_key).collect();
            self.drop_rows((records.len() == ids.len()).then_some(keys.as_slice()));
            applied += changes.len() as u64;
            mark = last;
        }
        self.check_done(started);
        Ok(applied)
    }

    /// The published vacancies with these search keys, in the order given: from the row cache, the
    /// rest from the database (and then cached). A vacancy closed after the catch-up is left out
    /// rather than shown as open.
    pub async fn page_rows(&self, store: &Store, keys: &[i64]) -> AppResult<Vec<VacancyRecord>> {
        let (cached, epoch) = self.cached_rows(keys);
        let missing: Vec<i64> = keys.iter().zip(&cached).filter(|(_, c)| c.is_none()).map(|(k, _)| *k).collect();
        let mut read: HashMap<i64, Arc<VacancyRecord>> = HashMap::new();
        if !missing.is_empty() {
            let rows: Vec<Arc<VacancyRecord>> = store.vacancies_by_search_keys(&missing).await?.into_iter().map(Arc::new).collect();
            self.cache_rows(epoch, &rows);
            read = rows.into_iter().map(|r| (r.search_key, r)).collect();
        }
        Ok(keys
            .iter()
            .zip(cached)
            .filter_map(|(k, c)| c.or_else(|| read.get(k).cloned()))
            .filter(|v| v.status == VacancyStatus::Published.code())
            .map(|v| VacancyRecord::clone(&v))
            .collect())
    }

    /// Rebuilds the index from the published vacancies (`jiuye search reindex`).
    pub async fn rebuild(&self, store: &Store) -> AppResult<u64> {
        let _one = self.catch_up.lock().await;
        self.rebuild_locked(store).await
    }

    async fn rebuild_locked(&self, store: &Store) -> AppResult<u64> {
        self.drop_rows(None);
        // The head is read before the documents: a change committed meanwhile is applied again
        // by the next catch-up, which is harmless (upserts replace by key).
        let head = store.vacancy_change_head().await?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<VacancyDoc>(10_000);
        let index = self.index.clone();
        let builder = tokio::task::spawn_blocking(move || index.rebuild(rx));
        let mut after = None;
        let mut sent = 0u64;
        let mut failed = None;
        loop {
            let page = match store.published_vacancies_after(after, 2_000).await {
                Ok(p) => p,
                Err(e) => {
                    failed = Some(AppError::from(e));
                    break;
                }
            };
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            let docs: Vec<VacancyDoc> = page.iter().map(doc_of).collect();
            let n = docs.len() as u64;
            let tx = tx.clone();
            // The channel is bounded: wait for the indexer on a blocking thread, not the runtime.
            let delivered = tokio::task::spawn_blocking(move || docs.into_iter().all(|d| tx.send(d).is_ok())).await.map_err(internal)?;
            if !delivered {
                break;
            }
            sent += n;
        }
        drop(tx);
        let indexed = builder.await.map_err(internal)?.map_err(internal)?;
        if let Some(e) = failed {
            // The index now holds part of the board: mark it as knowing nothing, so the next
            // catch-up replays every change (or rebuilds) instead of trusting the old watermark.
            self.index.set_watermark(0).map_err(internal)?;
            return Err(e);
        }
        self.index.set_watermark(head).map_err(internal)?;
        tracing::info!(search.documents = indexed, search.sent = sent, search.watermark = head, "search index rebuilt");
        Ok(indexed)
    }
}

fn split(records: &[VacancyRecord]) -> (Vec<VacancyDoc>, Vec<i64>) {
    let mut upserts = Vec::new();
    let mut deletes = Vec::new();
    for v in records {
        if v.status == VacancyStatus::Published.code() {
            upserts.push(doc_of(v));
        } else {
            deletes.push(v.search_key);
        }
    }
    (upserts, deletes)
}

/// A published vacancy as the index sees it.
pub fn doc_of(v: &VacancyRecord) -> VacancyDoc {
    VacancyDoc {
        id: v.search_key,
        title: v.title.clone(),
        occupation_code: v.occupation_code.clone(),
        occupation_name: occupation::by_code(&v.occupation_code).map(|o| o.name.to_string()).unwrap_or_default(),
        description: v.description.clone(),
        enterprise_name: v.employer_name.clone(),
        township_code: v.township_code.clone(),
        work_type: v.work_type.clone(),
        kind: v.kind.clone(),
        pay_min_yuan: v.pay_min_yuan,
        pay_max_yuan: v.pay_max_yuan,
        published_at: v.published_at.map(|t| t.unix_timestamp()).unwrap_or(0),
    }
}

/// Validates the board's parameters. A filter value that names nothing (an unknown township or
/// occupation) is an error naming the parameter, never an empty result.
pub fn parse_board(p: &BoardParams, now_unix: i64) -> AppResult<SearchQuery> {
    let mut errors = Vec::new();
    let opt = |s: &str| Some(normalize(s)).filter(|v| !v.is_empty());
    let township = opt(&p.township).and_then(|t| match jiuye_domain::division::parse_township(&t) {
        Ok(c) => Some(c.to_string()),
        Err(_) => {
            errors.push(jiuye_domain::DomainError::new("township", "township.unknown", format!("乡镇(街道)“{t}”不存在")));
            None
        }
    });
    let occupation = opt(&p.occupation).and_then(|o| match occupation::parse(&o) {
        Ok(x) => Some(x.code.to_string()),
        Err(_) => {
            errors.push(jiuye_domain::DomainError::new("occupation", "occupation.unknown", format!("职业“{o}”不在职业目录中")));
            None
        }
    });
    let work_type = opt(&p.work_type).and_then(|w| match WorkType::parse(&w) {
        Ok(x) => Some(x.code().to_string()),
        Err(_) => {
            errors.push(jiuye_domain::DomainError::new("work_type", "work_type.unknown", format!("用工形式“{w}”不存在")));
            None
        }
    });
    let kind = opt(&p.kind).and_then(|k| match VacancyKind::from_code(&k).or_else(|| VacancyKind::from_label(&k)) {
        Some(x) => Some(x.code().to_string()),
        None => {
            errors.push(jiuye_domain::DomainError::new("kind", "kind.unknown", format!("岗位来源“{k}”不存在")));
            None
        }
    });
    let mut int = |name: &'static str, s: &str, min: i64, max: i64, label: &str| -> Option<i64> {
        let s = normalize(s);
        if s.is_empty() {
            return None;
        }
        match s.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                errors.push(jiuye_domain::DomainError::new(name, "number.range", format!("{label}应为{min}到{max}之间的整数")));
                None
            }
        }
    };
    let pay_min = int("pay_min", &p.pay_min, 0, 1_000_000, "最低月薪");
    let within = int("posted_within_days", &p.posted_within_days, 1, 3650, "发布天数");
    let page = int("page", &p.page, 1, 10_000, "页码").unwrap_or(1);
    let per_page = int("per_page", &p.per_page, 1, jiuye_search::MAX_PER_PAGE as i64, "每页条数").unwrap_or(20);
    let q = normalize(&p.q);
    let sort = match normalize(&p.sort).as_str() {
        "" if q.is_empty() => Sort::Newest,
        "" | "relevance" => Sort::Relevance,
        "newest" => Sort::Newest,
        other => {
            errors.push(jiuye_domain::DomainError::new("sort", "sort.unknown", format!("排序方式“{other}”应为 relevance 或 newest")));
            Sort::Relevance
        }
    };
    if page * per_page > jiuye_search::MAX_RESULT_WINDOW as i64 {
        errors.push(jiuye_domain::DomainError::new(
            "page",
            "page.window",
            format!("最多翻到第{}条结果，请缩小查询范围", jiuye_search::MAX_RESULT_WINDOW),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(SearchQuery {
        q,
        township,
        occupation,
        work_type,
        kind,
        pay_min_yuan: pay_min,
        published_since: within.map(|d| now_unix - d * 86_400),
        sort,
        page: page as u32,
        per_page: per_page as u32,
    })
}

impl App {
    /// The public job board: published vacancies by words and filters (no login).
    pub async fn board_search(&self, p: &BoardParams) -> AppResult<BoardPage> {
        let query = parse_board(p, self.now().unix_timestamp())?;
        self.search.ensure_fresh(&self.store).await?;
        let index = self.search.index.clone();
        let q = query.clone();
        let permit = self.search.searches.acquire().await.map_err(internal)?;
        let searched = tokio::task::spawn_blocking(move || index.search(&q)).await;
        drop(permit);
        let hits = searched.map_err(internal)?.map_err(|e| match e {
            jiuye_search::SearchError::InvalidFilter { field, value } => {
                AppError::field(field_label(field), "filter.invalid", format!("“{value}”无效"))
            }
            jiuye_search::SearchError::InvalidPaging { .. } => AppError::field("page", "page.invalid", "页码或每页条数无效"),
            other => internal(other),
        })?;
        let keys: Vec<i64> = hits.hits.iter().map(|h| h.id).collect();
        let items = self.search.page_rows(&self.store, &keys).await?;
        Ok(BoardPage {
            total: hits.total,
            page: query.page,
            per_page: query.per_page,
            sort: match query.sort {
                Sort::Relevance => "relevance",
                Sort::Newest => "newest",
            },
            terms: hits.terms,
            items,
        })
    }
}

fn field_label(f: &str) -> &'static str {
    match f {
        "township" => "township",
        "occupation" => "occupation",
        "work_type" => "work_type",
        "kind" => "kind",
        _ => "query",
    }
}
