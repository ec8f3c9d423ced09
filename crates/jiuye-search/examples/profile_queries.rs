//! Times each query of a query file on an existing index, with `search` (exact count, WAND,
//! time-ordered probing) and with `search_exhaustive` (one scored pass over every match, the
//! search as it was before those cuts), and checks that both give the same totals.
//!
//! `cargo run --release --example profile_queries -- INDEX_DIR QUERIES_FILE [RUNS]`
//! (the index must not be open in a server: opening takes its writer lock). Prints one line per
//! query and sort: total, median and max of each path in ms, then the means over the rotation.
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::error::Error;
use std::time::Instant;

use jiuye_search::{SearchIndex, SearchQuery, Sort};

fn median_max(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v.get(v.len() / 2).copied().unwrap_or(0.0), v.last().copied().unwrap_or(0.0))
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("INDEX_DIR missing")?;
    let queries = std::fs::read_to_string(args.next().ok_or("QUERIES_FILE missing")?)?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(20);
    let index = SearchIndex::open_or_create(std::path::Path::new(&dir))?;
    println!("documents {} segments {}", index.doc_count()?, index.segment_count());
    for sort in [Sort::Relevance, Sort::Newest] {
        let (mut sum_new, mut sum_old) = (0.0, 0.0);
        for line in queries.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let q = SearchQuery { sort, ..SearchQuery::text(line) };
            let (mut new, mut old) = (Vec::new(), Vec::new());
            let (mut total_new, mut total_old) = (0, 0);
            for _ in 0..runs {
                let t = Instant::now();
                total_new = index.search(&q)?.total;
                new.push(t.elapsed().as_secs_f64() * 1e3);
                let t = Instant::now();
                total_old = index.search_exhaustive(&q)?.total;
                old.push(t.elapsed().as_secs_f64() * 1e3);
            }
            if total_new != total_old {
                return Err(format!("{line}: total {total_new} vs exhaustive {total_old}").into());
            }
            let ((new_p50, new_max), (old_p50, old_max)) = (median_max(new), median_max(old));
            sum_new += new_p50;
            sum_old += old_p50;
            println!("{sort:?}\t{line}\t{total_new}\tnew {new_p50:.3} (max {new_max:.3})\texhaustive {old_p50:.3} (max {old_max:.3})");
        }
        println!("{sort:?}\tsum of medians over the rotation: new {sum_new:.1} ms, exhaustive {sum_old:.1} ms");
    }
    Ok(())
}
