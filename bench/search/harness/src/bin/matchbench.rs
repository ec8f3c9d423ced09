//! Times `jiuye_search::matching::{top_vacancies_for, top_seekers_for}` (k = 50) on the generated
//! corpus (the same vacancies as `gen`) and generated seekers.
//!
//! matchbench VACANCIES SEEKERS ROUNDS SEED OUT.json

use std::time::Instant;

use jiuye_search::matching::{SeekerProfile, VacancyProfile, top_seekers_for, top_vacancies_for};
use jiuye_search_bench::{seeker, vacancy};

const K: usize = 50;

fn pct(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()).saturating_sub(1)).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, nv, ns, rounds, seed, out] = args.as_slice() else {
        return Err("usage: matchbench VACANCIES SEEKERS ROUNDS SEED OUT.json".into());
    };
    let (nv, ns, rounds, seed): (u64, u64, usize, u64) = (nv.parse()?, ns.parse()?, rounds.parse()?, seed.parse()?);
    let t = Instant::now();
    let vacancies: Vec<VacancyProfile> = (0..nv).map(|i| vacancy(seed, i).profile(i as i64 + 1)).collect();
    let seekers: Vec<SeekerProfile> = (0..ns).map(|i| seeker(seed, i)).collect();
    let gen_s = t.elapsed().as_secs_f64();

    let mut a = Vec::new();
    let mut best = 0;
    for r in 0..rounds {
        let s = &seekers[(r * 7919) % seekers.len()];
        let t = Instant::now();
        let top = top_vacancies_for(s, &vacancies, K);
        a.push(t.elapsed().as_secs_f64() * 1000.0);
        best = best.max(top.first().map_or(0, |(_, m)| m.score));
        assert_eq!(top.len(), K.min(vacancies.len()));
    }
    let mut b = Vec::new();
    for r in 0..rounds {
        let v = &vacancies[(r * 104_729) % vacancies.len()];
        let t = Instant::now();
        let top = top_seekers_for(v, &seekers, K);
        b.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(top.len(), K.min(seekers.len()));
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let res = serde_json::json!({
        "vacancies": nv, "seekers": ns, "rounds": rounds, "generate_s": gen_s,
        "vacancies_for_seeker": {"p50_ms": pct(&a, 50.0), "p99_ms": pct(&a, 99.0), "max_ms": a.last(), "best_score": best},
        "seekers_for_vacancy": {"p50_ms": pct(&b, 50.0), "p99_ms": pct(&b, 99.0), "max_ms": b.last()},
    });
    std::fs::write(out, serde_json::to_string_pretty(&res)?)?;
    eprintln!("matchbench {nv} vacancies / {ns} seekers: {res}");
    Ok(())
}
