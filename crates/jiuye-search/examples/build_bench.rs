//! Builds an index of N synthetic vacancies and reports indexing speed, size on disk, query
//! latencies and agreement with the brute-force oracle.
//!
//! `cargo run --release --example build_bench -- 200000 --threads 1`
//! Options: `--threads T` (rebuild threads, default 1), `--heap-mb M` (rebuild heap, default
//! 400), `--runs R` (timed runs per query, default 50), `--dir PATH` (default: a temp dir),
//! `--no-oracle` (skip the brute-force comparison).
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

mod common;

use std::error::Error;
use std::time::Instant;

use jiuye_search::{IndexOptions, SearchIndex, SearchQuery, Sort, VacancyDoc, brute_force_matches, query_terms};

use common::{Rng, percentile, township, vacancy};

struct Args {
    n: u64,
    threads: usize,
    heap_mb: usize,
    runs: usize,
    dir: Option<String>,
    oracle: bool,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut a = Args { n: 200_000, threads: 1, heap_mb: 400, runs: 50, dir: None, oracle: true };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--threads" => a.threads = it.next().ok_or("--threads needs a value")?.parse()?,
            "--heap-mb" => a.heap_mb = it.next().ok_or("--heap-mb needs a value")?.parse()?,
            "--runs" => a.runs = it.next().ok_or("--runs needs a value")?.parse()?,
            "--dir" => a.dir = Some(it.next().ok_or("--dir needs a value")?),
            "--no-oracle" => a.oracle = false,
            n => a.n = n.parse()?,
        }
    }
    Ok(a)
}

fn queries() -> Vec<(String, SearchQuery)> {
    let text = |q: &str| (q.to_owned(), SearchQuery::text(q));
    let mut out: Vec<(String, SearchQuery)> = [
        "焊工",
        "会计",
        "焊",
        "工",
        "工作",
        "司机",
        "CAD制图",
        "c1驾照",
        "氩弧焊工",
        "保洁 包吃包住",
        "经济开发区 五险一金",
        "软件工程师",
        "宇航员",
    ]
    .iter()
    .map(|q| text(q))
    .collect();
    out.push(("<none> + township".into(), SearchQuery { township: Some(township(7)), ..SearchQuery::default() }));
    out.push((
        "焊工 + township + pay≥5000".into(),
        SearchQuery { township: Some(township(3)), pay_min_yuan: Some(5000), ..SearchQuery::text("焊工") },
    ));
    out.push(("会计 newest page 5".into(), SearchQuery { sort: Sort::Newest, page: 5, ..SearchQuery::text("会计") }));
    out.push(("工 page 50".into(), SearchQuery { page: 50, per_page: 100, ..SearchQuery::text("工") }));
    out
}

fn main() -> Result<(), Box<dyn Error>> {
    let a = args()?;
    let temp = tempfile::tempdir()?;
    let dir = a.dir.clone().map_or_else(|| temp.path().to_owned(), Into::into);
    println!("build_bench: {} vacancies, {} rebuild thread(s), {} MB heap, index in {}", a.n, a.threads, a.heap_mb, dir.display());

    let t = Instant::now();
    let mut rng = Rng::new(42);
    let docs: Vec<VacancyDoc> = (0..a.n).map(|i| vacancy(&mut rng, i)).collect();
    let chars: usize = docs.iter().map(|d| d.title.chars().count() + d.description.chars().count()).sum();
    println!("generated in {:.1} s (avg title+description {} chars)", t.elapsed().as_secs_f64(), chars / docs.len().max(1));

    let options = IndexOptions { rebuild_threads: a.threads, rebuild_heap_bytes: a.heap_mb * 1_000_000, ..IndexOptions::default() };
    let index = SearchIndex::open_or_create_with(&dir, options)?;
    let t = Instant::now();
    let added = index.rebuild(docs.iter().cloned())?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "rebuild: {added} docs in {secs:.1} s = {:.0} docs/s (one commit, merges waited for); {} segment(s); {:.0} MB on disk",
        added as f64 / secs,
        index.segment_count(),
        index.disk_bytes()? as f64 / 1e6
    );

    let mut all_ms = Vec::new();
    println!("{:<28} {:>8} {:>8} {:>8} {:>8} {:>10}", "query", "hits", "p50 ms", "p99 ms", "max ms", "oracle");
    for (label, q) in queries() {
        for _ in 0..3 {
            index.search(&q)?;
        }
        let mut ms = Vec::with_capacity(a.runs);
        let mut total = 0;
        for _ in 0..a.runs {
            let t = Instant::now();
            let hits = index.search(&q)?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            total = hits.total;
        }
        ms.sort_by(f64::total_cmp);
        let oracle = if a.oracle && q.township.is_none() {
            let t = Instant::now();
            let terms = query_terms(&q.q);
            let want = docs.iter().filter(|d| brute_force_matches(&q.q, d)).count() as u64;
            let verdict = if want == total { "equal" } else { "DIFFERENT" };
            format!("{verdict} ({want}, {:.0} ms, {} terms)", t.elapsed().as_secs_f64() * 1000.0, terms.len())
        } else {
            "-".into()
        };
        println!(
            "{label:<28} {total:>8} {:>8.2} {:>8.2} {:>8.2} {oracle:>10}",
            percentile(&ms, 50.0),
            percentile(&ms, 99.0),
            percentile(&ms, 100.0)
        );
        all_ms.extend(ms);
    }
    all_ms.sort_by(f64::total_cmp);
    println!(
        "all queries: {} runs, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all_ms.len(),
        percentile(&all_ms, 50.0),
        percentile(&all_ms, 99.0),
        percentile(&all_ms, 100.0)
    );

    let mut upsert_ms = Vec::new();
    for i in 0..20 {
        let doc = vacancy(&mut rng, a.n + i);
        let t = Instant::now();
        index.upsert(&[doc])?;
        upsert_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    upsert_ms.sort_by(f64::total_cmp);
    println!(
        "upsert of one doc (commit + reload): p50 {:.1} ms, max {:.1} ms",
        percentile(&upsert_ms, 50.0),
        percentile(&upsert_ms, 100.0)
    );
    Ok(())
}
