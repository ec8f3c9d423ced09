//! A closed-loop HTTP/1.1 load generator (keep-alive, one OS thread per client) and a totals probe.
//!
//! load run   HOST:PORT PATH_PREFIX QUERIES_FILE CLIENTS SECONDS OUT.json
//!     Each client loops over the query list (client c starts at query c × 7), GET PATH_PREFIX +
//!     urlencoded(query), and records the latency of every request. After SECONDS no client starts a
//!     new request, and requests in flight are completed and counted (no truncation bias for slow
//!     engines). req/s = completed ÷ wall time including that drain. Non-200 answers count as errors.
//! load totals HOST:PORT PATH_PREFIX QUERIES_FILE OUT.json
//!     One GET per query, sequentially; records "total" of each answer and the latency.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jiuye_search_bench::{read_queries, urlencode};

struct Conn {
    host: String,
    r: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(host: &str) -> Self {
        Self { host: host.to_string(), r: None }
    }

    fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>), String> {
        for attempt in 0..2 {
            if self.r.is_none() {
                let s = TcpStream::connect(&self.host).map_err(|e| e.to_string())?;
                s.set_nodelay(true).map_err(|e| e.to_string())?;
                self.r = Some(BufReader::with_capacity(1 << 16, s));
            }
            match self.try_get(path) {
                Ok(x) => return Ok(x),
                Err(e) => {
                    self.r = None;
                    if attempt == 1 {
                        return Err(e);
                    }
                }
            }
        }
        Err("unreachable".into())
    }

    fn try_get(&mut self, path: &str) -> Result<(u16, Vec<u8>), String> {
        let r = self.r.as_mut().ok_or("no connection")?;
        let req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\r\n", self.host);
        r.get_mut().write_all(req.as_bytes()).map_err(|e| e.to_string())?;
        let mut line = String::new();
        r.read_line(&mut line).map_err(|e| e.to_string())?;
        if line.is_empty() {
            return Err("connection closed".into());
        }
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or("bad status line")?;
        let mut len: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            r.read_line(&mut line).map_err(|e| e.to_string())?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse().ok();
            } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            } else if lower.starts_with("connection:") && lower.contains("close") {
                close = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                r.read_line(&mut line).map_err(|e| e.to_string())?;
                let n = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).map_err(|e| e.to_string())?;
                let mut buf = vec![0; n + 2];
                r.read_exact(&mut buf).map_err(|e| e.to_string())?;
                buf.truncate(n);
                body.extend_from_slice(&buf);
                if n == 0 {
                    break;
                }
            }
        } else if let Some(n) = len {
            body.resize(n, 0);
            r.read_exact(&mut body).map_err(|e| e.to_string())?;
        } else {
            r.read_to_end(&mut body).map_err(|e| e.to_string())?;
            close = true;
        }
        if close {
            self.r = None;
        }
        Ok((status, body))
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    // Nearest rank.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("run") => {
            let [_, _, host, prefix, qfile, clients, secs, out] = args.as_slice() else {
                return Err("usage: load run HOST:PORT PATH_PREFIX QUERIES CLIENTS SECONDS OUT.json".into());
            };
            let queries = Arc::new(read_queries(qfile)?);
            let clients: usize = clients.parse()?;
            let secs: f64 = secs.parse()?;
            let stop = Arc::new(AtomicBool::new(false));
            let done = Arc::new(AtomicU64::new(0));
            let started = Instant::now();
            let handles: Vec<_> = (0..clients)
                .map(|c| {
                    let (queries, stop, done, host, prefix) = (queries.clone(), stop.clone(), done.clone(), host.clone(), prefix.clone());
                    std::thread::spawn(move || {
                        let mut conn = Conn::new(&host);
                        let mut lat: Vec<(usize, f64)> = Vec::new();
                        let mut errors = 0u64;
                        let mut first_error = None;
                        let mut k = c * 7;
                        while !stop.load(Ordering::Relaxed) {
                            let qi = k % queries.len();
                            k += 1;
                            let path = format!("{prefix}{}", urlencode(&queries[qi]));
                            let t = Instant::now();
                            match conn.get(&path) {
                                Ok((200, _)) => {
                                    lat.push((qi, t.elapsed().as_secs_f64() * 1000.0));
                                    done.fetch_add(1, Ordering::Relaxed);
                                }
                                Ok((s, b)) => {
                                    errors += 1;
                                    first_error.get_or_insert(format!("{s}: {}", String::from_utf8_lossy(&b[..b.len().min(200)])));
                                }
                                Err(e) => {
                                    errors += 1;
                                    first_error.get_or_insert(e);
                                    std::thread::sleep(Duration::from_millis(10));
                                }
                            }
                        }
                        (lat, errors, first_error)
                    })
                })
                .collect();
            // At least SECONDS, and at least one request per query in all (slow engines).
            while (started.elapsed().as_secs_f64() < secs || done.load(Ordering::Relaxed) < queries.len() as u64)
                && started.elapsed().as_secs_f64() < secs * 30.0
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            stop.store(true, Ordering::Relaxed);
            let mut all = Vec::new();
            let mut errors = 0;
            let mut first_error = None;
            for h in handles {
                let (l, e, f) = h.join().map_err(|_| "client thread panicked")?;
                all.extend(l);
                errors += e;
                if first_error.is_none() {
                    first_error = f;
                }
            }
            let wall = started.elapsed().as_secs_f64();
            let mut ms: Vec<f64> = all.iter().map(|x| x.1).collect();
            ms.sort_by(f64::total_cmp);
            let mut per_query = Vec::new();
            for (qi, q) in queries.iter().enumerate() {
                let mut m: Vec<f64> = all.iter().filter(|x| x.0 == qi).map(|x| x.1).collect();
                m.sort_by(f64::total_cmp);
                per_query.push(serde_json::json!({"q": q, "n": m.len(), "p50_ms": pct(&m, 50.0), "max_ms": m.last()}));
            }
            let res = serde_json::json!({
                "clients": clients, "seconds": secs, "wall_s": wall, "requests": ms.len(), "errors": errors,
                "first_error": first_error, "rps": ms.len() as f64 / wall,
                "p50_ms": pct(&ms, 50.0), "p90_ms": pct(&ms, 90.0), "p99_ms": pct(&ms, 99.0), "max_ms": ms.last(),
                "mean_ms": ms.iter().sum::<f64>() / ms.len().max(1) as f64,
                "per_query": per_query,
            });
            std::fs::write(out, serde_json::to_string_pretty(&res)?)?;
            eprintln!(
                "load: {clients} clients, {} req in {wall:.1} s = {:.1} req/s, p50 {:.2} ms, p99 {:.2} ms, errors {errors}",
                ms.len(),
                ms.len() as f64 / wall,
                pct(&ms, 50.0),
                pct(&ms, 99.0)
            );
        }
        Some("totals") => {
            let [_, _, host, prefix, qfile, out] = args.as_slice() else {
                return Err("usage: load totals HOST:PORT PATH_PREFIX QUERIES OUT.json".into());
            };
            let queries = read_queries(qfile)?;
            let mut conn = Conn::new(host);
            let mut res = Vec::new();
            for q in &queries {
                let t = Instant::now();
                let (status, body) = conn.get(&format!("{prefix}{}", urlencode(q)))?;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                let items = v.get("items").and_then(|i| i.as_array()).map(|a| {
                    a.iter().map(|x| x.get("id").cloned().unwrap_or_default()).collect::<Vec<_>>()
                });
                res.push(serde_json::json!({"q": q, "status": status, "total": v.get("total"), "ms": ms, "item_ids": items,
                    "error": (status != 200).then(|| String::from_utf8_lossy(&body).chars().take(300).collect::<String>())}));
            }
            std::fs::write(out, serde_json::to_string_pretty(&res)?)?;
        }
        _ => return Err("usage: load run|totals …".into()),
    }
    Ok(())
}
