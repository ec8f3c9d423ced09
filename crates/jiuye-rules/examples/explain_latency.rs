//! One explained decision, in process: mean µs per `Ruleset::evaluate` call (and per call plus
//! serialisation to the API's JSON), over N calls per program, on one eligible case each of the
//! three programs of issue 3's benchmark.
//!
//! ```sh
//! cargo run --release -p jiuye-rules --example explain_latency -- [N=100000]
//! ```

use std::error::Error;
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use jiuye_rules::{Facts, Outcome, Ruleset};

fn main() -> Result<(), Box<dyn Error>> {
    let n: u32 = std::env::args().nth(1).map_or(Ok(100_000), |s| s.parse())?;
    let rules = Ruleset::default_2020()?;
    let as_of = time::macros::date!(2020 - 06 - 30);
    let cases = [
        (
            "hire_unemployed",
            serde_json::json!({
                "person.registered_unemployed_since": "2019-09-01",
                "hire.date": "2020-05-06",
                "hire.contract_months": 24,
                "hire.social_insurance_paid": true,
                "prior_grants": [{"program": "startup_returnee", "date": "2020-01-15"}]
            }),
        ),
        (
            "stable_post_refund",
            serde_json::json!({
                "enterprise.size_class": "small",
                "enterprise.unemployment_insured": true,
                "enterprise.insured_staff": 30,
                "enterprise.average_insured_staff": "200",
                "enterprise.staff_total": 34,
                "enterprise.layoffs_in_period": 11,
                "enterprise.ui_contributions_last_year_yuan": "184729.63"
            }),
        ),
        (
            "unemployment_supplement",
            serde_json::json!({
                "person.unemployment_benefit_ended_on": "2020-06-30",
                "person.employed": false,
                "person.insured_unemployed": true,
                "person.entitled_to_unemployment_benefit": true
            }),
        ),
    ];
    let mut out = serde_json::Map::new();
    for (program, json) in cases {
        let facts = Facts::from_json(&json)?;
        let first = rules.evaluate(program, &facts, as_of)?;
        if first.decision != Outcome::Eligible {
            return Err(format!("{program}: the sample case should be eligible, got {:?}", first.decision).into());
        }
        let json_len = serde_json::to_string(&first)?.len();
        for _ in 0..n / 10 {
            black_box(rules.evaluate(black_box(program), black_box(&facts), as_of)?);
        }
        let t = Instant::now();
        for _ in 0..n {
            black_box(rules.evaluate(black_box(program), black_box(&facts), as_of)?);
        }
        let evaluate_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        let t = Instant::now();
        for _ in 0..n {
            let d = rules.evaluate(black_box(program), black_box(&facts), as_of)?;
            black_box(serde_json::to_string(&d)?);
        }
        let with_json_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        out.insert(
            program.to_string(),
            serde_json::json!({"calls": n, "evaluate_us": evaluate_us, "evaluate_and_json_us": with_json_us, "json_bytes": json_len}),
        );
    }
    // The size of one cell of a scan column (what memory per case in scan mode is made of).
    out.insert("scan_cell_bytes".to_string(), serde_json::json!(std::mem::size_of::<Option<jiuye_rules::value::Scalar>>()));
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", serde_json::Value::Object(out))?;
    Ok(())
}
