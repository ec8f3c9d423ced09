//! Times top-k matching: the best 50 vacancies out of V for a seeker, and the best 50 seekers
//! out of S for a vacancy.
//!
//! `cargo run --release --example match_bench -- 1000000 20000`
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

mod common;

use std::error::Error;
use std::time::Instant;

use jiuye_search::matching::{SeekerProfile, VacancyProfile, top_seekers_for, top_vacancies_for};

use common::{Rng, percentile, seeker, vacancy_profile};

const K: usize = 50;
const ROUNDS: u64 = 10;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let n_vacancies: u64 = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let n_seekers: u64 = args.next().map_or(Ok(20_000), |a| a.parse())?;

    let t = Instant::now();
    let mut rng = Rng::new(7);
    let vacancies: Vec<VacancyProfile> = (0..n_vacancies).map(|i| vacancy_profile(&mut rng, i)).collect();
    let seekers: Vec<SeekerProfile> = (0..n_seekers).map(|i| seeker(&mut rng, i)).collect();
    println!("match_bench: {n_vacancies} vacancies, {n_seekers} seekers generated in {:.1} s", t.elapsed().as_secs_f64());

    let mut ms = Vec::new();
    let mut best = 0;
    for round in 0..ROUNDS {
        let Some(s) = seekers.get(round as usize * 97 % seekers.len().max(1)) else { break };
        let t = Instant::now();
        let top = top_vacancies_for(s, &vacancies, K);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        best = best.max(top.first().map_or(0, |(_, m)| m.score));
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "top {K} vacancies of {n_vacancies} for one seeker: p50 {:.0} ms, max {:.0} ms ({ROUNDS} seekers, best score {best})",
        percentile(&ms, 50.0),
        percentile(&ms, 100.0)
    );

    let mut ms = Vec::new();
    let mut returned = 0;
    for round in 0..ROUNDS {
        let Some(v) = vacancies.get(round as usize * 7919 % vacancies.len().max(1)) else { break };
        let t = Instant::now();
        let top = top_seekers_for(v, &seekers, K);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        returned = top.len();
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "top {K} seekers of {n_seekers} for one vacancy: p50 {:.1} ms, max {:.1} ms ({ROUNDS} vacancies, {returned} returned)",
        percentile(&ms, 50.0),
        percentile(&ms, 100.0)
    );
    Ok(())
}
