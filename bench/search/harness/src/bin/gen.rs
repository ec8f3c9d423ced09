//! Writes a corpus of N published vacancies as CSV for `COPY` into the product's PostgreSQL schema,
//! the matching `vacancy_changes` rows, and the brute-force match count of every benchmark query.
//!
//! gen N SEED OUT_DIR QUERIES_FILE
//!
//! OUT_DIR/vacancies.{0,1}.csv  columns as in VACANCY_COLUMNS (two halves, written by two threads)
//! OUT_DIR/changes.{0,1}.csv    vacancy_id, at
//! OUT_DIR/brute.json           [{"q", "terms", "count"}]; count = documents matching by the rule
//!
//! The count uses `jiuye_search::query_terms` once per query and then exactly the test of
//! `brute_force_matches` (every term a substring of one normalised field); the first 20,000
//! documents are also checked with `brute_force_matches` itself, and any difference aborts.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::time::Instant;

use jiuye_search::{brute_force_matches, normalize, query_terms};
use jiuye_search_bench::{read_queries, vacancy};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const VACANCY_COLUMNS: &str = "id, search_key, kind, enterprise_id, employer_name, title, occupation_code, posts, filled, \
pay_min_yuan, pay_max_yuan, education_min, experience_min_years, work_type, township_code, address, description, how_to_apply, \
contact_name, contact_phone, valid_until, status, checks, submitted_by, submitted_at, reviewed_by, reviewed_at, review_note, \
published_at, closed_at, close_reason, version, created_at, updated_at";

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn ts(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, n, seed, out, queries] = args.as_slice() else {
        return Err("usage: gen N SEED OUT_DIR QUERIES_FILE".into());
    };
    let n: u64 = n.parse()?;
    let seed: u64 = seed.parse()?;
    let queries = read_queries(queries)?;
    let terms: Vec<Vec<String>> = queries.iter().map(|q| query_terms(q)).collect();
    std::fs::create_dir_all(out)?;
    let now = OffsetDateTime::now_utc().replace_nanosecond(0)?;
    let today = now.date();
    let started = Instant::now();

    let halves = [(0u64, n / 2), (n / 2, n)];
    let results: Vec<Result<Vec<u64>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = halves
            .iter()
            .enumerate()
            .map(|(part, &(from, to))| {
                let (queries, terms, out) = (&queries, &terms, out.as_str());
                s.spawn(move || -> Result<Vec<u64>, String> {
                    let e = |e: std::io::Error| e.to_string();
                    let mut vf = BufWriter::new(std::fs::File::create(format!("{out}/vacancies.{part}.csv")).map_err(e)?);
                    let mut cf = BufWriter::new(std::fs::File::create(format!("{out}/changes.{part}.csv")).map_err(e)?);
                    let mut counts = vec![0u64; queries.len()];
                    let mut line = String::new();
                    for i in from..to {
                        let g = vacancy(seed, i);
                        let id = uuid::Uuid::from_u128(g.uuid);
                        let published = now - time::Duration::seconds(g.published_ago_s);
                        let submitted = published - time::Duration::days(2);
                        let valid_until = today + time::Duration::days(g.valid_days);
                        line.clear();
                        let _ = writeln!(
                            line,
                            "{id},{},{},,{},{},{},{},0,{},{},{},{},{},{},{},{},{},{},{},{},published,\"[]\",\"bench:hr\",{},\"bench:reviewer\",{},\"\",{},,,2,{},{}",
                            g.search_key(),
                            g.kind.code(),
                            q(&g.employer),
                            q(&g.title),
                            g.occupation.code,
                            g.posts,
                            g.pay_min,
                            g.pay_max,
                            g.education_min.unwrap_or(""),
                            g.experience_min_years.map(|y| y.to_string()).unwrap_or_default(),
                            g.work_type,
                            g.township_code,
                            q(&g.address),
                            q(&g.description),
                            q("请电话联系预约面试，或到所在乡镇人社服务窗口报名。"),
                            q(&g.contact_name),
                            q(&g.contact_phone),
                            valid_until,
                            ts(submitted),
                            ts(published),
                            ts(published),
                            ts(submitted),
                            ts(published),
                        );
                        vf.write_all(line.as_bytes()).map_err(e)?;
                        writeln!(cf, "{id},{}", ts(published)).map_err(e)?;

                        let doc = g.doc();
                        let fields = [
                            normalize(&doc.title),
                            normalize(&doc.occupation_name),
                            normalize(&doc.description),
                            normalize(&doc.enterprise_name),
                        ];
                        for (k, ts) in terms.iter().enumerate() {
                            let m = ts.iter().all(|t| fields.iter().any(|f| f.contains(t.as_str())));
                            if i < 20_000 && m != brute_force_matches(&queries[k], &doc) {
                                return Err(format!("oracle shortcut disagrees with brute_force_matches: doc {i}, query {}", queries[k]));
                            }
                            if m {
                                counts[k] += 1;
                            }
                        }
                    }
                    vf.flush().map_err(e)?;
                    cf.flush().map_err(e)?;
                    Ok(counts)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("thread panicked".into()))).collect()
    });
    let mut total = vec![0u64; queries.len()];
    for r in results {
        for (t, c) in total.iter_mut().zip(r?) {
            *t += c;
        }
    }
    let brute: Vec<serde_json::Value> = queries
        .iter()
        .zip(&terms)
        .zip(&total)
        .map(|((q, t), c)| serde_json::json!({"q": q, "terms": t, "count": c}))
        .collect();
    std::fs::write(format!("{out}/brute.json"), serde_json::to_string_pretty(&brute)?)?;
    std::fs::write(format!("{out}/columns.txt"), VACANCY_COLUMNS)?;
    eprintln!("gen: {n} vacancies in {:.1} s -> {out}", started.elapsed().as_secs_f64());
    Ok(())
}
