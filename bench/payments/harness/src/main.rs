//! paybench — the issue-6 measurements (docs/BENCHMARKS.md, "Issue 6 — applications, approvals and
//! the payment ledger"). Every subcommand opens the database itself (`Store::connect` with the
//! default options the CLI also uses: 8 connections), applies the migrations, loads the vault key
//! file (creating it when missing, so `jiuye` can open the same database afterwards) and builds
//! the App with a fixed clock (2026-11-27 10:00 CST). It writes one JSON object to OUT.
//!
//! paybench approvals URL KEYS N CLIENTS SEQ_BASE OUT.json [noverify]
//!     N returning migrant workers (返乡农民工) are created through `App::create_person`, then N
//!     applications for `startup_returnee` are submitted by the clerk of each person's township,
//!     checked by bureau staff and approved by a leader — each of the three phases with CLIENTS
//!     concurrent tokio tasks taking the next application from a shared counter. Every call is
//!     timed (latency) and the phase's wall time gives operations per second. Afterwards: one
//!     ledger entry per approved application, the ledger grew by exactly the approvals,
//!     `verify_ledger` (timed; not with `noverify`) and the audit chain are clean. SEQ_BASE makes the ID numbers of
//!     this run's persons distinct from an earlier run's in the same database.
//!
//! paybench bulk URL KEYS MODE ENTRIES OUT.json
//!     Loads ENTRIES ledger entries with, for each grant, its application (status `approved`, or
//!     `cancelled` when a cancel follows), its approval decision (sealed input facts), its grant
//!     claim, and keeps `ledger_totals`: multi-row INSERTs in transactions of 5,000 grants, the
//!     chain hashed with the store's own `entry_hash`, continuing whatever chain is there. MODE
//!     `batch`: every grant is startup_returnee, 2026, 5,000 yuan (one payable batch). MODE
//!     `ledger`: six programs × seven years (2020–2026) and, of every 50 grants, one cancelled
//!     (cancel entry) and one partly clawed back (clawback entry).
//!
//! paybench op URL KEYS WHAT OUT.json [XLSX]
//!     One timed call: `create-batch` (startup_returnee, 2026), `export` (the newest batch to XLSX),
//!     `verify` (`App::verify_ledger`) or `verify-parts` (the parts of verify_ledger timed one by
//!     one). Run under GNU time for the process's peak RSS.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use jiuye_app::payments::{ApplicationInput, Submitter, Verdict, claim_key, fund_of, period_key};
use jiuye_app::registry::PersonInput;
use jiuye_app::{Actor, App, FixedClock, Policy, Vault};
use jiuye_domain::Role;
use jiuye_domain::division::TOWNSHIPS;
use jiuye_store::payments::{LEDGER_GENESIS, LedgerEntry, entry_hash};
use jiuye_store::{ConnectOptions, Db, Store};
use serde_json::{Value as Json, json};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

type Res<T> = Result<T, String>;

fn s<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The same code once per backend, with `$p` the pool.
macro_rules! on_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            Db::Sqlite($p) => $body,
            Db::Pg($p) => $body,
        }
    };
}

fn actor(login: &str, role: Role, township: Option<&str>) -> Actor {
    Actor {
        user_id: None,
        login: login.into(),
        display_name: login.into(),
        role,
        township: township.map(str::to_string),
        enterprise_id: None,
        ip: None,
        request_id: None,
    }
}

async fn open(url: &str, keys: &str) -> Res<App> {
    let store = Store::connect(url, &ConnectOptions::default()).await.map_err(s)?;
    store.migrate().await.map_err(s)?;
    let vault = Vault::load_or_create(Path::new(keys), true).map_err(s)?;
    let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 02:00:00 UTC)));
    App::new(store, clock, Arc::new(vault), Policy::default()).map_err(s)
}

async fn scalar(db: &Db, q: &'static str) -> Res<i64> {
    let (n,): (i64,) = on_pool!(db, p => sqlx::query_as(q).fetch_one(p).await).map_err(s)?;
    Ok(n)
}

fn write_out(path: &str, v: &Json) -> Res<()> {
    std::fs::write(path, serde_json::to_string_pretty(v).map_err(s)? + "\n").map_err(s)
}

// --- concurrent phases -----------------------------------------------------------------------

type Outcome = Option<(Uuid, i64)>;
type OpFut = Pin<Box<dyn Future<Output = Res<Outcome>> + Send>>;
type Op = Arc<dyn Fn(usize) -> OpFut + Send + Sync>;

fn pct(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted.get(i).copied().unwrap_or(0) as f64 / 1000.0
}

/// Runs op(0..n) with `clients` tasks pulling from a shared counter; stats and each op's outcome.
async fn phase(name: &str, n: usize, clients: usize, op: Op) -> (Json, Vec<Outcome>) {
    let next = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..clients.max(1) {
        let (next, op) = (next.clone(), op.clone());
        handles.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let st = Instant::now();
                let r = op(i).await;
                let end = Instant::now();
                out.push((i, (end - t0).as_micros() as u64, (end - st).as_micros() as u64, r));
            }
            out
        }));
    }
    let mut recs = Vec::new();
    let mut panics = 0;
    for h in handles {
        match h.await {
            Ok(r) => recs.extend(r),
            Err(_) => panics += 1,
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let mut outcomes = vec![None; n];
    let (mut lats, mut ends, mut samples, mut errors) = (Vec::new(), Vec::new(), Vec::<String>::new(), 0u64);
    for (i, end, lat, r) in recs {
        match r {
            Ok(v) => {
                if let Some(slot) = outcomes.get_mut(i) {
                    *slot = v;
                }
                lats.push(lat);
                ends.push(end);
            }
            Err(e) => {
                errors += 1;
                if samples.len() < 5 && !samples.contains(&e) {
                    samples.push(e);
                }
            }
        }
    }
    lats.sort_unstable();
    ends.sort_unstable();
    // Throughput in each fifth of the completed operations (does it slow down as the run goes?).
    let mut fifths = Vec::new();
    let (mut prev_i, mut prev_t) = (0usize, 0u64);
    for k in 1..=5 {
        let idx = ends.len() * k / 5;
        if idx == 0 || idx <= prev_i {
            continue;
        }
        let t = ends.get(idx - 1).copied().unwrap_or(0);
        let dt = (t.saturating_sub(prev_t)) as f64 / 1e6;
        fifths.push(if dt > 0.0 { (idx - prev_i) as f64 / dt } else { f64::NAN });
        prev_i = idx;
        prev_t = t;
    }
    let ok = lats.len();
    let mean = if ok > 0 { lats.iter().sum::<u64>() as f64 / ok as f64 / 1000.0 } else { f64::NAN };
    let stats = json!({
        "phase": name, "ops": n, "clients": clients, "ok": ok, "errors": errors, "task_panics": panics,
        "error_samples": samples, "wall_s": wall, "ops_per_s": ok as f64 / wall,
        "mean_ms": mean, "p50_ms": pct(&lats, 0.50), "p90_ms": pct(&lats, 0.90), "p99_ms": pct(&lats, 0.99),
        "max_ms": lats.last().map(|m| *m as f64 / 1000.0),
        "ops_per_s_by_fifth": fifths,
    });
    eprintln!(
        "  {name}: {ok}/{n} ok, {errors} errors, {:.1} s, {:.1}/s, p50 {:.1} ms, p99 {:.1} ms",
        wall,
        ok as f64 / wall,
        pct(&lats, 0.5),
        pct(&lats, 0.99)
    );
    (stats, outcomes)
}

const GIVEN: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];

fn startup(person: Uuid) -> ApplicationInput {
    let facts = json!({"person.is_first_business": true, "business.operating_normally": true, "business.started_on": "2026-01-05"});
    ApplicationInput {
        program: "startup_returnee".into(),
        person_id: Some(person),
        facts: facts.as_object().cloned().unwrap_or_default(),
        payee_bank: "中国农业银行南和支行".into(),
        payee_account: "6228 4801 2345 6789 012".into(),
        ..Default::default()
    }
}

fn township_of(seq: u32) -> (&'static str, &'static str) {
    TOWNSHIPS.get(seq as usize % TOWNSHIPS.len()).copied().unwrap_or(("130527100", "和阳镇"))
}

async fn approvals(url: &str, keys: &str, n: usize, clients: usize, seq_base: u32, out: &str, verify: bool) -> Res<()> {
    let app = Arc::new(open(url, keys).await?);
    let db = app.store.db().clone();
    let entries_before = scalar(&db, "SELECT COUNT(*) FROM ledger_entries").await?;
    let cli = Actor::cli();
    // Enough budget for this run on top of what the ledger already commits.
    let (alloc, committed) = app.store.budget_position("employment_fund", "startup_returnee", 2026).await.map_err(s)?;
    let need_fen = committed + n as i64 * 500_000 - alloc.unwrap_or(0);
    if need_fen > 0 {
        let yuan = need_fen / 100 + 10_000;
        app.allocate_budget(&cli, "employment_fund", "startup_returnee", 2026, &yuan.to_string(), "南人社〔基准〕1号").await.map_err(s)?;
    }
    eprintln!("approvals: {} n={n} clients={clients}, ledger has {entries_before} entries", app.store.backend());

    let create: Op = {
        let app = app.clone();
        Arc::new(move |i| {
            let app = app.clone();
            Box::pin(async move {
                let seq = seq_base + i as u32;
                let (_, township) = township_of(seq);
                let birth = date!(1980 - 01 - 01) + Duration::days(i64::from(seq / 1000));
                let input = PersonInput {
                    name: format!("返乡人员{}{}", GIVEN[seq as usize % 10], GIVEN[(seq as usize / 10) % 10]),
                    id_number: jiuye_app::demo::make_id_number("130527", birth, seq),
                    township: township.into(),
                    tags: "返乡农民工".into(),
                    employment_status: "flexible".into(),
                    ..Default::default()
                };
                let id = app.create_person(&Actor::cli(), &input).await.map_err(s)?;
                Ok(Some((id, 0)))
            })
        })
    };
    let (create_stats, persons) = phase("create_person", n, 4, create).await;
    let persons = Arc::new(persons);

    let submit: Op = {
        let (app, persons) = (app.clone(), persons.clone());
        Arc::new(move |i| {
            let (app, persons) = (app.clone(), persons.clone());
            Box::pin(async move {
                let (person, _) = persons.get(i).copied().flatten().ok_or("no person")?;
                let (code, _) = township_of(seq_base + i as u32);
                let clerk = actor(&format!("clerk-{code}"), Role::TownshipClerk, Some(code));
                let a = app.submit_application(&Submitter::Staff(&clerk), &startup(person)).await.map_err(s)?;
                Ok(Some((a.id, a.version)))
            })
        })
    };
    let (submit_stats, submitted) = phase("submit", n, clients, submit).await;
    let submitted = Arc::new(submitted);

    let check: Op = {
        let (app, prev) = (app.clone(), submitted.clone());
        Arc::new(move |i| {
            let (app, prev) = (app.clone(), prev.clone());
            Box::pin(async move {
                let (id, v) = prev.get(i).copied().flatten().ok_or("not submitted")?;
                let staff = actor("bench-staff", Role::BureauStaff, None);
                let a = app.check_application(&staff, id, v, Verdict::Pass, "材料齐全").await.map_err(s)?;
                Ok(Some((a.id, a.version)))
            })
        })
    };
    let (check_stats, checked) = phase("check", n, clients, check).await;
    let checked = Arc::new(checked);

    let approve: Op = {
        let (app, prev) = (app.clone(), checked.clone());
        Arc::new(move |i| {
            let (app, prev) = (app.clone(), prev.clone());
            Box::pin(async move {
                let (id, v) = prev.get(i).copied().flatten().ok_or("not checked")?;
                let leader = actor("bench-leader", Role::Leader, None);
                let a = app.approve_application(&leader, id, v, Verdict::Pass, "同意", false).await.map_err(s)?;
                if a.status != "approved" {
                    return Err(format!("status {}", a.status));
                }
                Ok(Some((a.id, a.version)))
            })
        })
    };
    let (approve_stats, approved) = phase("approve", n, clients, approve).await;

    // Afterwards: one grant entry per approved application; the ledger grew by exactly that many.
    let approved: Vec<Uuid> = approved.iter().flatten().map(|(id, _)| *id).collect();
    let mut not_one = 0usize;
    for id in &approved {
        let e = app.store.entries_of_application(*id).await.map_err(s)?;
        if e.len() != 1 || e.first().map(|e| e.kind.as_str()) != Some("grant") {
            not_one += 1;
        }
    }
    let entries_after = scalar(&db, "SELECT COUNT(*) FROM ledger_entries").await?;
    let t = Instant::now();
    let report = if verify { app.verify_ledger(&mut |_| {}).await.map_err(s)? } else { Default::default() };
    let verify_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let audit = app.store.verify_audit().await.map_err(s)?;
    let audit_s = t.elapsed().as_secs_f64();
    eprintln!("  verify_ledger: ok={} entries={} in {verify_s:.2} s; audit problems {}", report.ok(), report.entries, audit.problems.len());
    let v = json!({
        "backend": app.store.backend(), "n": n, "clients": clients, "seq_base": seq_base,
        "ledger_entries_before": entries_before, "ledger_entries_after": entries_after,
        "phases": [create_stats, submit_stats, check_stats, approve_stats],
        "approved": approved.len(),
        "applications_without_exactly_one_grant_entry": not_one,
        "ledger_grew_by_approvals": entries_after - entries_before == approved.len() as i64,
        "verify_ledger": {"run": verify, "seconds": verify_s, "ok": report.ok(), "entries": report.entries, "net_fen": report.net_fen,
                          "problems": report.problems.iter().take(5).map(|p| format!("{}: {}", p.at, p.message)).collect::<Vec<_>>()},
        "verify_audit": {"seconds": audit_s, "problems": audit.problems.len()},
    });
    write_out(out, &v)?;
    if (verify && !report.ok()) || not_one > 0 || entries_after - entries_before != approved.len() as i64 {
        return Err("verification failed (see the result file)".into());
    }
    Ok(())
}

// --- bulk load -----------------------------------------------------------------------------------

struct AppRow {
    id: Uuid,
    program: String,
    subject_id: Uuid,
    township: &'static str,
    period: String,
    status: &'static str,
    amount: i64,
    payee_name: String,
    acct_enc: Vec<u8>,
    last4: String,
    at: OffsetDateTime,
}

struct DecRow {
    id: i64,
    app: Uuid,
    amount: i64,
    ruleset: Arc<String>,
    json: Arc<String>,
    facts_enc: Vec<u8>,
    at: OffsetDateTime,
}

struct ClaimRow {
    key: String,
    subject: Uuid,
    period: String,
    app: Uuid,
    program: String,
    at: OffsetDateTime,
}

struct Chunk {
    apps: Vec<AppRow>,
    decs: Vec<DecRow>,
    claims: Vec<ClaimRow>,
    entries: Vec<LedgerEntry>,
}

const ROWS_PER_INSERT: usize = 500;

fn values(sqlite: bool, rows: usize, cols: usize) -> String {
    let mut q = String::with_capacity(rows * cols * 5);
    let mut n = 0;
    for r in 0..rows {
        q.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                q.push_str(", ");
            }
            n += 1;
            if sqlite {
                q.push('?');
            } else {
                q.push_str(&format!("${n}"));
            }
        }
        q.push(')');
    }
    q
}

const FACTS_JSON: &str = r#"{"business.operating_normally":true,"business.started_on":"2026-01-05","person.is_first_business":true}"#;

/// Inserts one chunk in one transaction (same code for both backends).
macro_rules! insert_chunk {
    ($pool:expr, $sqlite:expr, $ch:expr, $kv:expr) => {{
        let ch: &Chunk = $ch;
        let kv: i64 = $kv;
        let mut tx = $pool.begin().await.map_err(s)?;
        for part in ch.apps.chunks(ROWS_PER_INSERT) {
            let q = format!(
                "INSERT INTO applications (id, program, subject_kind, subject_id, township_code, period_key, status, origin, channel, \
                 facts_json, amount_fen, months, payee_name, payee_bank, payee_account_enc, payee_account_kv, payee_account_last4, \
                 submitted_by, submitted_role, submitted_at, checked_by, checked_role, checked_at, decided_by, decided_at, version, updated_at) VALUES {}",
                values($sqlite, part.len(), 27)
            );
            let mut qq = sqlx::query(sqlx::AssertSqlSafe(q));
            for a in part {
                qq = qq
                    .bind(a.id).bind(a.program.clone()).bind("person").bind(a.subject_id).bind(a.township).bind(a.period.clone())
                    .bind(a.status).bind("application").bind("window").bind(FACTS_JSON).bind(a.amount).bind(1i64)
                    .bind(a.payee_name.clone()).bind("中国农业银行南和支行").bind(a.acct_enc.clone()).bind(kv).bind(a.last4.clone())
                    .bind("bench-clerk").bind("township_clerk").bind(a.at).bind("bench-staff").bind("bureau_staff").bind(a.at)
                    .bind("bench-leader").bind(a.at).bind(3i64).bind(a.at);
            }
            qq.execute(&mut *tx).await.map_err(s)?;
        }
        for part in ch.decs.chunks(ROWS_PER_INSERT) {
            let q = format!(
                "INSERT INTO decisions (id, application_id, step, outcome, amount_fen, ruleset_version, as_of, decision_json, facts_enc, facts_kv, actor, note, at) VALUES {}",
                values($sqlite, part.len(), 13)
            );
            let mut qq = sqlx::query(sqlx::AssertSqlSafe(q));
            for d in part {
                qq = qq
                    .bind(d.id).bind(d.app).bind("approve").bind("eligible").bind(Some(d.amount)).bind(d.ruleset.as_str().to_string())
                    .bind(d.at.date()).bind(d.json.as_str().to_string()).bind(d.facts_enc.clone()).bind(kv).bind("bench-leader")
                    .bind("同意").bind(d.at);
            }
            qq.execute(&mut *tx).await.map_err(s)?;
        }
        for part in ch.claims.chunks(ROWS_PER_INSERT) {
            let q = format!(
                "INSERT INTO grant_claims (claim_key, subject_id, period_key, application_id, program, at) VALUES {}",
                values($sqlite, part.len(), 6)
            );
            let mut qq = sqlx::query(sqlx::AssertSqlSafe(q));
            for c in part {
                qq = qq.bind(c.key.clone()).bind(c.subject).bind(c.period.clone()).bind(c.app).bind(c.program.clone()).bind(c.at);
            }
            qq.execute(&mut *tx).await.map_err(s)?;
        }
        for part in ch.entries.chunks(ROWS_PER_INSERT) {
            let q = format!(
                "INSERT INTO ledger_entries (id, kind, application_id, program, fund_code, year, subject_kind, subject_id, township_code, \
                 amount_fen, decision_id, corrects_entry_id, reason, created_by, created_at, prev_hash, hash) VALUES {}",
                values($sqlite, part.len(), 17)
            );
            let mut qq = sqlx::query(sqlx::AssertSqlSafe(q));
            for e in part {
                qq = qq
                    .bind(e.id).bind(e.kind.clone()).bind(e.application_id).bind(e.program.clone()).bind(e.fund_code.clone()).bind(e.year)
                    .bind(e.subject_kind.clone()).bind(e.subject_id).bind(e.township_code.clone()).bind(e.amount_fen).bind(e.decision_id)
                    .bind(e.corrects_entry_id).bind(e.reason.clone()).bind(e.created_by.clone()).bind(e.created_at)
                    .bind(e.prev_hash.clone()).bind(e.hash.clone());
            }
            qq.execute(&mut *tx).await.map_err(s)?;
        }
        tx.commit().await.map_err(s)?;
    }};
}

async fn bulk(url: &str, keys: &str, mode: &str, target: u64, out: &str) -> Res<()> {
    let app = open(url, keys).await?;
    let db = app.store.db().clone();
    let sqlite = matches!(db, Db::Sqlite(_));
    let today = date!(2026 - 11 - 27);
    let program_ids: Vec<&'static str> = match mode {
        "batch" => vec!["startup_returnee"],
        "ledger" => {
            let mut v: Vec<&'static str> = app.payable_programs().into_iter().map(|p| p.id).take(6).collect();
            if !v.contains(&"startup_returnee") {
                v.pop();
                v.push("startup_returnee");
            }
            v
        }
        other => return Err(format!("mode {other}: batch or ledger")),
    };
    let programs: Vec<&jiuye_rules::Program> = program_ids.iter().filter_map(|id| app.rules.program(id)).collect();
    // A real explained decision per program (the facts of a returning migrant worker's startup).
    let facts_in = json!({
        "person.id_number": jiuye_app::demo::make_id_number("130527", date!(1980 - 01 - 01), 11), "person.employed": true, "person.is_returning_migrant_worker": true,
        "person.is_college_graduate": false, "person.is_employment_difficult": false, "person.is_key_group": true,
        "person.from_poor_family": false, "person.registered_unemployed": false,
        "person.is_first_business": true, "business.operating_normally": true, "business.started_on": "2026-01-05",
        "prior_grants": []
    });
    let facts = jiuye_rules::Facts::from_json(&facts_in).map_err(s)?;
    let mut dec_json = Vec::new();
    for p in &programs {
        let d = app.rules.evaluate(p.id, &facts, today).map_err(s)?;
        dec_json.push((Arc::new(d.ruleset_version.clone()), Arc::new(serde_json::to_string(&d).map_err(s)?)));
    }
    let facts_text = facts_in.to_string();
    let kv = app.vault.key_version();

    let last: Option<(i64, String)> =
        on_pool!(&db, p => sqlx::query_as("SELECT id, hash FROM ledger_entries ORDER BY id DESC LIMIT 1").fetch_optional(p).await).map_err(s)?;
    let (mut entry_id, mut prev) = last.unwrap_or((0, LEDGER_GENESIS.to_string()));
    let mut decision_id = scalar(&db, "SELECT COALESCE(MAX(id), 0) FROM decisions").await?;
    let start_entries = scalar(&db, "SELECT COUNT(*) FROM ledger_entries").await?;
    eprintln!("bulk {mode}: {} entries to add on {} (ledger has {start_entries})", target, app.store.backend());

    const GRANTS_PER_TX: usize = 5_000;
    let t0 = Instant::now();
    let (mut made, mut grants, mut cancels, mut clawbacks, mut net) = (0u64, 0u64, 0u64, 0u64, 0i64);
    let mut totals: std::collections::BTreeMap<(String, String, i64), (i64, i64)> = Default::default();
    let mut g: u64 = 0;
    let mut seal_s = 0f64;
    let mut insert_s = 0f64;
    while made < target {
        let ts = Instant::now();
        let mut ch = Chunk { apps: Vec::new(), decs: Vec::new(), claims: Vec::new(), entries: Vec::new() };
        while ch.apps.len() < GRANTS_PER_TX && made < target {
            let (pi, year) = if mode == "batch" { (0usize, 2026i64) } else { (((g / 7) % programs.len() as u64) as usize, 2020 + (g % 7) as i64) };
            let p = programs.get(pi).copied().ok_or("program")?;
            let (ruleset, json) = dec_json.get(pi).cloned().ok_or("decision")?;
            let amount: i64 = if mode == "batch" { 500_000 } else { 100_000 + (g % 41) as i64 * 10_000 };
            let correction = if mode == "ledger" && made + 1 < target {
                match g % 50 {
                    7 => Some("cancel"),
                    33 => Some("clawback"),
                    _ => None,
                }
            } else {
                None
            };
            let at = OffsetDateTime::new_utc(
                time::Date::from_calendar_date(year as i32, time::Month::June, 1).map_err(s)?,
                time::Time::from_hms(2, 0, 0).map_err(s)?,
            ) + Duration::seconds((g % 10_000_000) as i64);
            let app_id = Uuid::now_v7();
            let subject = Uuid::new_v4();
            let township = township_of(g as u32).0;
            let period = period_key(p, Some(&year.to_string()), today).map_err(s)?;
            let account = format!("62284801{:011}", g);
            let sealed = Instant::now();
            let acct_enc = app.vault.seal(&account).map_err(s)?;
            let facts_enc = app.vault.seal(&facts_text).map_err(s)?;
            seal_s += sealed.elapsed().as_secs_f64();
            decision_id += 1;
            ch.apps.push(AppRow {
                id: app_id,
                program: p.id.to_string(),
                subject_id: subject,
                township,
                period: period.clone(),
                status: if correction == Some("cancel") { "cancelled" } else { "approved" },
                amount,
                payee_name: format!("收款人{}{}{}", GIVEN[(g % 10) as usize], GIVEN[((g / 10) % 10) as usize], g % 1000),
                acct_enc,
                last4: account.chars().skip(account.len() - 4).collect(),
                at,
            });
            ch.decs.push(DecRow { id: decision_id, app: app_id, amount, ruleset, json, facts_enc, at });
            ch.claims.push(ClaimRow { key: claim_key(p), subject, period, app: app_id, program: p.id.to_string(), at });
            let mut push = |kind: &str, amount_fen: i64, corrects: Option<i64>, reason: &str, at: OffsetDateTime| {
                entry_id += 1;
                let mut e = LedgerEntry {
                    id: entry_id,
                    kind: kind.to_string(),
                    application_id: app_id,
                    program: p.id.to_string(),
                    fund_code: fund_of(p.id).to_string(),
                    year,
                    subject_kind: "person".into(),
                    subject_id: subject,
                    township_code: township.to_string(),
                    amount_fen,
                    decision_id: Some(decision_id),
                    corrects_entry_id: corrects,
                    reason: reason.to_string(),
                    created_by: if kind == "grant" { "bench-leader".into() } else { "bench-staff".into() },
                    created_at: at,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&prev, &e);
                prev = e.hash.clone();
                let t = totals.entry((e.fund_code.clone(), e.program.clone(), year)).or_insert((0, 0));
                t.0 += 1;
                t.1 += amount_fen;
                net += amount_fen;
                ch.entries.push(e);
                entry_id
            };
            let grant_id = push("grant", amount, None, "", at);
            grants += 1;
            made += 1;
            match correction {
                Some("cancel") => {
                    push("cancel", -amount, Some(grant_id), "申请人放弃，账户已销户", at + Duration::days(20));
                    cancels += 1;
                    made += 1;
                }
                Some(_) => {
                    push("clawback", -50_000, Some(grant_id), "经营月数不实，追回部分", at + Duration::days(40));
                    clawbacks += 1;
                    made += 1;
                }
                None => {}
            }
            g += 1;
        }
        let ti = Instant::now();
        on_pool!(&db, p => insert_chunk!(p, sqlite, &ch, kv));
        insert_s += ti.elapsed().as_secs_f64();
        let _ = ts;
        if made % 100_000 < GRANTS_PER_TX as u64 || made >= target {
            eprintln!("  {made} entries, {:.0} s", t0.elapsed().as_secs_f64());
        }
    }
    // The running totals, the sequences (PostgreSQL), planner statistics (PostgreSQL, as autovacuum would).
    on_pool!(&db, p => {
        let mut tx = p.begin().await.map_err(s)?;
        for ((fund, program, year), (count, sum)) in &totals {
            let q = if sqlite {
                "INSERT INTO ledger_totals (fund_code, program, year, entry_count, sum_fen) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (fund_code, program, year) DO UPDATE SET entry_count = ledger_totals.entry_count + excluded.entry_count, \
                 sum_fen = ledger_totals.sum_fen + excluded.sum_fen"
            } else {
                "INSERT INTO ledger_totals (fund_code, program, year, entry_count, sum_fen) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (fund_code, program, year) DO UPDATE SET entry_count = ledger_totals.entry_count + excluded.entry_count, \
                 sum_fen = ledger_totals.sum_fen + excluded.sum_fen"
            };
            sqlx::query(q).bind(fund.clone()).bind(program.clone()).bind(*year).bind(*count).bind(*sum).execute(&mut *tx).await.map_err(s)?;
        }
        tx.commit().await.map_err(s)?;
        Ok::<(), String>(())
    })?;
    let load_s = t0.elapsed().as_secs_f64();
    let mut vacuum_s = 0.0;
    if let Db::Pg(p) = &db {
        for q in [
            "SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'), (SELECT MAX(id) FROM ledger_entries))",
            "SELECT setval(pg_get_serial_sequence('decisions', 'id'), (SELECT MAX(id) FROM decisions))",
        ] {
            sqlx::query(q).execute(p).await.map_err(s)?;
        }
        let tv = Instant::now();
        sqlx::query("VACUUM (ANALYZE) applications, decisions, grant_claims, ledger_entries, ledger_totals").execute(p).await.map_err(s)?;
        vacuum_s = tv.elapsed().as_secs_f64();
    }
    let entries = scalar(&db, "SELECT COUNT(*) FROM ledger_entries").await?;
    eprintln!("  loaded in {load_s:.1} s (seal {seal_s:.1} s, insert {insert_s:.1} s); ledger now {entries}");
    let v = json!({
        "backend": app.store.backend(), "mode": mode, "added_entries": made, "grants": grants, "cancels": cancels, "clawbacks": clawbacks,
        "added_net_fen": net, "ledger_entries": entries, "programs": programs.iter().map(|p| p.id).collect::<Vec<_>>(),
        "totals_rows": totals.len(), "load_s": load_s, "seal_s": seal_s, "insert_s": insert_s, "pg_vacuum_analyze_s": vacuum_s,
        "grants_per_tx": GRANTS_PER_TX, "rows_per_insert": ROWS_PER_INSERT,
    });
    write_out(out, &v)
}

// --- single operations ---------------------------------------------------------------------------

async fn op(url: &str, keys: &str, what: &str, out: &str, xlsx: Option<&str>) -> Res<()> {
    let app = open(url, keys).await?;
    let staff = actor("bench-staff", Role::BureauStaff, None);
    let t = Instant::now();
    let v = match what {
        "create-batch" => {
            let b = app.create_batch(&staff, "startup_returnee", Some(2026), "2026-11").await.map_err(s)?;
            json!({"batch": b.id, "item_count": b.item_count, "total_fen": b.total_fen})
        }
        "export" => {
            let b = app.store.batches(1).await.map_err(s)?.into_iter().next().ok_or("no batch")?;
            let dest = xlsx.ok_or("export needs the XLSX path")?;
            let b = app.export_batch(&staff, b.id, Path::new(dest)).await.map_err(s)?;
            let bytes = std::fs::metadata(dest).map_err(s)?.len();
            json!({"batch": b.id, "item_count": b.item_count, "total_fen": b.total_fen, "xlsx_bytes": bytes})
        }
        "verify" => {
            let r = app.verify_ledger(&mut |_| {}).await.map_err(s)?;
            json!({"ok": r.ok(), "entries": r.entries, "batches": r.batches, "net_fen": r.net_fen, "totals_rows": r.totals.len(),
                   "problems": r.problems.len(),
                   "problem_samples": r.problems.iter().take(5).map(|p| format!("{}: {}", p.at, p.message)).collect::<Vec<_>>()})
        }
        "verify-parts" => verify_parts(&app).await?,
        other => return Err(format!("op {other}: create-batch, export, verify or verify-parts")),
    };
    let secs = t.elapsed().as_secs_f64();
    let mut v = v;
    if let Some(o) = v.as_object_mut() {
        o.insert("op".into(), json!(what));
        o.insert("backend".into(), json!(app.store.backend()));
        o.insert("seconds".into(), json!(secs));
    }
    eprintln!("op {what}: {:.2} s {}", secs, v);
    write_out(out, &v)?;
    if what == "verify" && v.get("ok") != Some(&json!(true)) {
        return Err("ledger verify reported problems".into());
    }
    Ok(())
}

/// `verify_ledger` taken apart with the store's public methods, each part timed: the chain walk
/// (keyset pages of 20,000, SM3 of every entry, the totals recomputed), the stored totals, the
/// batch control totals and the grant consistency query. The last one can be given a time limit
/// (PAYBENCH_GC_TIMEOUT seconds; 0 skips it) because on SQLite it grows with the square of the
/// ledger.
async fn verify_parts(app: &App) -> Res<Json> {
    let t = Instant::now();
    let (mut prev, mut after, mut n, mut bad) = (LEDGER_GENESIS.to_string(), 0i64, 0u64, 0u64);
    let mut totals: std::collections::BTreeMap<(String, String, i64), (i64, i64)> = Default::default();
    let mut read_s = 0f64;
    loop {
        let tr = Instant::now();
        let page = app.store.ledger_page(after, 20_000).await.map_err(s)?;
        read_s += tr.elapsed().as_secs_f64();
        let len = page.len();
        for e in page {
            if e.prev_hash != prev || entry_hash(&e.prev_hash, &e) != e.hash {
                bad += 1;
            }
            let x = totals.entry((e.fund_code.clone(), e.program.clone(), e.year)).or_insert((0, 0));
            x.0 += 1;
            x.1 += e.amount_fen;
            prev = e.hash.clone();
            after = e.id;
            n += 1;
        }
        if len < 20_000 {
            break;
        }
    }
    let chain_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let stored = app.store.ledger_totals().await.map_err(s)?;
    let totals_s = t.elapsed().as_secs_f64();
    let totals_match = stored.len() == totals.len()
        && stored.iter().all(|r| totals.get(&(r.fund_code.clone(), r.program.clone(), r.year)) == Some(&(r.entry_count, r.sum_fen)));
    let t = Instant::now();
    let batches = app.store.batch_checks().await.map_err(s)?;
    let batch_s = t.elapsed().as_secs_f64();
    let limit: u64 = std::env::var("PAYBENCH_GC_TIMEOUT").ok().and_then(|v| v.parse().ok()).unwrap_or(600);
    let gc = if limit == 0 {
        json!({"skipped": true})
    } else {
        let t = Instant::now();
        match tokio::time::timeout(std::time::Duration::from_secs(limit), app.store.grant_consistency()).await {
            Ok(r) => json!({"seconds": t.elapsed().as_secs_f64(), "problems": r.map_err(s)?.len()}),
            Err(_) => json!({"timed_out_after_s": limit}),
        }
    };
    eprintln!("  chain {chain_s:.2} s (reading {read_s:.2} s) for {n} entries, {bad} bad; totals {totals_s:.3} s; batches {batch_s:.3} s; grant consistency {gc}");
    Ok(json!({"entries": n, "chain_s": chain_s, "chain_read_s": read_s, "chain_bad": bad, "totals_s": totals_s, "totals_match": totals_match,
              "batch_checks_s": batch_s, "batches": batches.len(), "grant_consistency": gc}))
}

fn usage() -> String {
    "usage: paybench approvals URL KEYS N CLIENTS SEQ_BASE OUT [noverify] | bulk URL KEYS batch|ledger ENTRIES OUT | op URL KEYS create-batch|export|verify|verify-parts OUT [XLSX]".into()
}

#[tokio::main]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    let arg = |i: usize| a.get(i).map(String::as_str).unwrap_or("");
    let num = |i: usize| arg(i).parse::<u64>().map_err(|_| usage());
    let r: Res<()> = async {
        match arg(1) {
            "approvals" => approvals(arg(2), arg(3), num(4)? as usize, num(5)? as usize, num(6)? as u32, arg(7), arg(8) != "noverify").await,
            "bulk" => bulk(arg(2), arg(3), arg(4), num(5)?, arg(6)).await,
            "op" => op(arg(2), arg(3), arg(4), arg(5), a.get(6).map(String::as_str)).await,
            _ => Err(usage()),
        }
    }
    .await;
    // Exit at once: a statement abandoned by a time limit keeps running in the SQLite worker thread.
    match r {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("paybench: {e}");
            std::process::exit(1)
        }
    }
}
