//! The `jiuye` binary, run as a user runs it: exit codes, JSON output, the audit verifier, backups,
//! and no personal data in its logs.
// Test code fails loudly: unwrap and indexing are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn jiuye(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiuye"))
        .current_dir(dir)
        .env("RUST_LOG", "debug")
        .env_remove("JIUYE_DATABASE_URL")
        .args(args)
        .output()
        .unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../jiuye-app/tests/fixtures").join(name)
}

fn db(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("t.db").display())
}

#[test]
fn import_prints_one_json_object_and_exits_zero_with_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = jiuye(
        dir.path(),
        &["--database", &db(dir.path()), "import", "persons", fixture("persons_lo.xlsx").to_str().unwrap(), "--format", "json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["accepted"], 3);
    assert_eq!(v["rejected"], 4);
    let first = &v["errors"][0];
    assert_eq!(first["row"], 4);
    assert_eq!(first["column"], "公民身份号码");
    assert!(first["reason"].as_str().unwrap().contains("校验码"));
    // Debug logs of the whole run carry no ID number, phone or name from the file.
    let logs = String::from_utf8_lossy(&out.stderr);
    for secret in ["130527199503040010", "13812345678", "11010519491231002", "张三", "李四"] {
        assert!(!logs.contains(secret), "log leaked {secret}");
    }
}

#[test]
fn the_insurance_template_imports_from_the_command_line_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    let firms = dir.path().join("firms.csv");
    std::fs::write(
        &firms,
        "单位名称,统一社会信用代码,乡镇(街道),行业,从业人数,参保人数,营业收入(万元),联系人,联系电话\n示例企业,91130527MA0000010Q,和阳镇,工业,40,30,800,王经理,13812345678\n",
    )
    .unwrap();
    assert!(jiuye(dir.path(), &["--database", &url, "import", "enterprises", firms.to_str().unwrap()]).status.success());
    let template = dir.path().join("参保.xlsx");
    let out = jiuye(dir.path(), &["--database", &url, "template", "insurance", template.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run = || jiuye(dir.path(), &["--database", &url, "import", "insurance", template.to_str().unwrap(), "--format", "json"]);
    let first: serde_json::Value = serde_json::from_slice(&run().stdout).unwrap();
    assert_eq!(
        (first["accepted"].as_u64(), first["inserted"].as_u64(), first["rejected"].as_u64()),
        (Some(1), Some(1), Some(0)),
        "{first}"
    );
    let second: serde_json::Value = serde_json::from_slice(&run().stdout).unwrap();
    assert_eq!(
        (second["inserted"].as_u64(), second["updated"].as_u64(), second["unchanged"].as_u64()),
        (Some(0), Some(0), Some(1)),
        "{second}"
    );
}

#[test]
fn a_file_that_cannot_be_processed_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xlsx");
    std::fs::write(&bad, "姓名,公民身份号码\n张三,1\n").unwrap();
    let out = jiuye(dir.path(), &["--database", &db(dir.path()), "import", "persons", bad.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["accepted"], 0);
    assert!(v["errors"][0]["reason"].as_str().unwrap().contains("CSV"), "{v}");
}

#[test]
fn audit_verify_exits_one_when_an_entry_was_altered() {
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    let out = jiuye(dir.path(), &["--database", &url, "import", "persons", fixture("persons_lo.xlsx").to_str().unwrap()]);
    assert!(out.status.success());
    let ok = jiuye(dir.path(), &["--database", &url, "audit", "verify"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_log SET detail = '{}' WHERE seq = 1").execute(&pool).await.unwrap();
        pool.close().await;
    });
    let bad = jiuye(dir.path(), &["--database", &url, "audit", "verify"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("第1条"));
}

#[test]
fn a_backup_is_a_working_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    assert!(jiuye(dir.path(), &["--database", &url, "demo", "--persons", "200", "--no-serve"]).status.success());
    let dest = dir.path().join("backup.db");
    let out = jiuye(dir.path(), &["--database", &url, "backup", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The backup opens with the same key file and its audit chain verifies.
    std::fs::copy(dir.path().join("t.db.keys"), dir.path().join("backup.db.keys")).unwrap();
    let burl = format!("sqlite://{}", dest.display());
    let v = jiuye(dir.path(), &["--database", &burl, "audit", "verify"]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    let e = jiuye(dir.path(), &["--database", &burl, "export", "persons", dir.path().join("x.xlsx").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&e.stdout).contains("已导出 200 行"), "{}", String::from_utf8_lossy(&e.stdout));
}

#[test]
fn the_demo_is_deterministic_for_a_seed() {
    let names = |seed: &str| {
        let dir = tempfile::tempdir().unwrap();
        let url = db(dir.path());
        assert!(jiuye(dir.path(), &["--database", &url, "demo", "--persons", "100", "--seed", seed, "--no-serve"]).status.success());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let rows: Vec<(String, String)> =
                sqlx::query_as("SELECT name, id_masked FROM persons ORDER BY id_masked, name").fetch_all(&pool).await.unwrap();
            rows
        })
    };
    assert_eq!(names("7"), names("7"));
    assert_ne!(names("7"), names("8"));
}

#[test]
fn print_default_is_valid_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let out = jiuye(dir.path(), &["config", "print-default"]);
    assert!(out.status.success());
    let path = dir.path().join("jiuye.toml");
    std::fs::write(&path, &out.stdout).unwrap();
    let shown = jiuye(dir.path(), &["--config", path.to_str().unwrap(), "config", "show"]);
    assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "[web]\nsecure_cookie = true\n").unwrap();
    let bad = jiuye(dir.path(), &["--config", typo.to_str().unwrap(), "config", "show"]);
    assert_eq!(bad.status.code(), Some(2), "an unknown key is an error, not silently ignored");
}

#[test]
fn policy_eval_explains_a_case_from_a_facts_file() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.json");
    std::fs::write(&facts, r#"{"person.registered_unemployed_since":"2019-09-01","hire.date":"2020-05-06","hire.contract_months":24,"hire.social_insurance_paid":true}"#).unwrap();
    let out = jiuye(
        dir.path(),
        &["policy", "eval", "hire_unemployed", "--facts", facts.to_str().unwrap(), "--as-of", "2020-06-30", "--format", "json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "eligible");
    assert_eq!(v["amount_yuan"], "1000.00");
    let text = jiuye(dir.path(), &["policy", "eval", "hire_unemployed", "--facts", facts.to_str().unwrap(), "--as-of", "2021-01-01"]);
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(s.contains("原文："), "{s}");
    let list = jiuye(dir.path(), &["policy", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 22);
    let show = jiuye(dir.path(), &["policy", "show", "stable_post_refund", "--as-of", "2020-06-30"]);
    assert!(String::from_utf8_lossy(&show.stdout).contains("（二）"));
    let bad = jiuye(dir.path(), &["policy", "show", "no_such_program"]);
    assert!(!bad.status.success());
}

#[test]
fn scan_and_simulate_run_on_the_demo_registry() {
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    assert!(jiuye(dir.path(), &["--database", &url, "demo", "--persons", "300", "--no-serve"]).status.success());
    let out_xlsx = dir.path().join("scan.xlsx");
    let scan = jiuye(
        dir.path(),
        &["--database", &url, "scan", "--as-of", "2020-06-30", "--format", "json", "--output", out_xlsx.to_str().unwrap()],
    );
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let v: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(v["persons"], 300);
    assert_eq!(v["programs"].as_array().unwrap().len(), 22);
    assert!(std::fs::metadata(&out_xlsx).unwrap().len() > 0);
    let sim = jiuye(
        dir.path(),
        &[
            "--database",
            &url,
            "simulate",
            "--set",
            "startup_loan.ceiling_yuan=200000",
            "--program",
            "startup_loan",
            "--as-of",
            "2020-06-30",
            "--format",
            "json",
        ],
    );
    assert!(sim.status.success(), "{}", String::from_utf8_lossy(&sim.stderr));
    let v: serde_json::Value = serde_json::from_slice(&sim.stdout).unwrap();
    let p = &v["programs"][0];
    assert_eq!(p["eligible_before"], p["eligible_after"]);
    assert_ne!(p["amount_before_yuan"], p["amount_after_yuan"]);
}

#[test]
fn the_jobs_and_follow_up_commands_run_on_the_demo_and_print_json() {
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    let demo = jiuye(dir.path(), &["--database", &url, "demo", "--persons", "600", "--no-serve"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("个岗位"));

    let due = jiuye(dir.path(), &["--database", &url, "followup", "due", "--format", "json"]);
    assert!(due.status.success(), "{}", String::from_utf8_lossy(&due.stderr));
    let v: serde_json::Value = serde_json::from_slice(&due.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert!(!items.is_empty(), "the demo leaves people to contact this month");
    for i in items {
        assert!(i["township_code"].as_str().unwrap().starts_with("130527"), "{i}");
        assert!(i["months_without_contact"].as_i64().unwrap() >= 1, "{i}");
        assert!(i["registered_on"].as_str().unwrap().len() == 10, "dates as YYYY-MM-DD: {i}");
        assert!(i["id_number_masked"].as_str().unwrap().contains('*'));
    }
    let one = jiuye(dir.path(), &["--database", &url, "followup", "due", "--township", "和阳镇", "--format", "json"]);
    let v1: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert!(v1.as_array().unwrap().iter().all(|i| i["township_code"] == "130527100"));
    let bad = jiuye(dir.path(), &["--database", &url, "followup", "due", "--township", "北京"]);
    assert!(!bad.status.success());

    let re = jiuye(dir.path(), &["--database", &url, "search", "reindex", "--format", "json"]);
    assert!(re.status.success(), "{}", String::from_utf8_lossy(&re.stderr));
    let r: serde_json::Value = serde_json::from_slice(&re.stdout).unwrap();
    assert!(r["documents"].as_u64().unwrap() > 0);
    let out = dir.path().join("v.json");
    let ex = jiuye(dir.path(), &["--database", &url, "vacancies", "export", out.to_str().unwrap()]);
    assert!(ex.status.success(), "{}", String::from_utf8_lossy(&ex.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let items = doc["items"].as_array().unwrap();
    let upserts = items.iter().filter(|i| i["action"] == "upsert").count() as u64;
    assert_eq!(upserts, r["documents"].as_u64().unwrap(), "the first export has every published vacancy");
    assert!(items.iter().any(|i| i["action"] == "withdraw"), "and withdraws the ones that left the board since");
    // The binary runs on the wall clock: switch quiet hours off (equal hours) so the result does not
    // depend on the time of day the test runs.
    let sms = Command::new(env!("CARGO_BIN_EXE_jiuye"))
        .current_dir(dir.path())
        .env("RUST_LOG", "debug")
        .env_remove("JIUYE_DATABASE_URL")
        .env("JIUYE_SMS__QUIET_FROM_HOUR", "0")
        .env("JIUYE_SMS__QUIET_UNTIL_HOUR", "0")
        .args(["--database", &url, "sms", "send-due", "--format", "json"])
        .output()
        .unwrap();
    assert!(sms.status.success(), "{}", String::from_utf8_lossy(&sms.stderr));
    let s: serde_json::Value = serde_json::from_slice(&sms.stdout).unwrap();
    assert!(s["sent"].as_u64().unwrap() > 0, "the demo's pushes are sent (to the log): {s}");
    let logs = String::from_utf8_lossy(&sms.stderr);
    assert!(!logs.contains("回复1感兴趣"), "message texts never reach the log");
}

#[test]
fn environment_variables_override_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jiuye"))
        .current_dir(dir.path())
        .env_remove("JIUYE_DATABASE_URL")
        .env("JIUYE_WEB__SECURE_COOKIES", "true")
        .env("JIUYE_SEARCH_DIR", "/srv/jiuye/idx")
        .env("JIUYE_SMS__DAILY_CAP", "5")
        .env("JIUYE_SMS__API_KEY", "k-secret")
        .env("JIUYE_TEST_SWITCH", "ignored")
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("secure_cookies: true"), "{shown}");
    assert!(shown.contains("/srv/jiuye/idx"), "{shown}");
    assert!(shown.contains("daily_cap: 5"), "{shown}");
    assert!(!shown.contains("k-secret"), "secrets stay redacted: {shown}");
}

#[test]
fn ledger_verify_replay_and_batches_run_on_the_demo_and_verify_names_a_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    let demo = jiuye(dir.path(), &["--database", &url, "demo", "--persons", "1500", "--no-serve"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("份补贴申请"));
    let ok = jiuye(dir.path(), &["--database", &url, "ledger", "verify", "--format", "json"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let r: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert!(r["entries"].as_u64().unwrap() >= 3, "{r}");
    assert!(r["problems"].as_array().unwrap().is_empty());

    let replay = jiuye(dir.path(), &["--database", &url, "decision", "replay", "1", "--format", "json"]);
    assert!(replay.status.success(), "{}", String::from_utf8_lossy(&replay.stdout));
    let rp: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    assert!(rp["differences"].as_array().unwrap().is_empty(), "{rp}");
    assert!(!jiuye(dir.path(), &["--database", &url, "decision", "replay", "999999"]).status.success());

    // Approved grants after the demo's batch: a new batch, exported with its control totals.
    let created = jiuye(
        dir.path(),
        &["--database", &url, "batch", "create", "--program", "startup_returnee", "--period", "2026-12", "--format", "json"],
    );
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let b: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let id = b["id"].as_i64().unwrap().to_string();
    let out = dir.path().join("batch.xlsx");
    let ex = jiuye(dir.path(), &["--database", &url, "batch", "export", &id, "--out", out.to_str().unwrap()]);
    assert!(ex.status.success(), "{}", String::from_utf8_lossy(&ex.stderr));
    assert!(out.exists());
    // A result file naming an unknown line is refused whole.
    let csv = dir.path().join("result.csv");
    std::fs::write(&csv, "序号,金额（元）,结果,失败原因,银行流水号\n999,5000.00,成功,,X1\n").unwrap();
    let rec = jiuye(dir.path(), &["--database", &url, "batch", "reconcile", &id, "--file", csv.to_str().unwrap()]);
    assert!(!rec.status.success());
    assert!(String::from_utf8_lossy(&rec.stderr).contains("第2行"), "{}", String::from_utf8_lossy(&rec.stderr));

    // Someone with database access drops the guard and edits an amount: verify names the entry.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER ledger_entries_append_only_u").execute(&pool).await.unwrap();
        sqlx::query("UPDATE ledger_entries SET amount_fen = amount_fen + 100 WHERE id = 2").execute(&pool).await.unwrap();
        pool.close().await;
    });
    let bad = jiuye(dir.path(), &["--database", &url, "ledger", "verify"]);
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(text.contains("entry 2"), "{text}");
}

#[test]
fn monitor_alerts_prints_json_and_refuses_a_bad_period() {
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    let imported = jiuye(dir.path(), &["--database", &url, "import", "persons", fixture("persons_lo.xlsx").to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let ok = jiuye(dir.path(), &["--database", &url, "monitor", "alerts", "--period", "2020-04", "--format", "json"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert!(v.as_array().unwrap().is_empty(), "no monitored enterprise yet: {v}");
    let late = jiuye(dir.path(), &["--database", &url, "monitor", "late", "--period", "2020-04", "--format", "json"]);
    assert!(late.status.success(), "{}", String::from_utf8_lossy(&late.stderr));
    let v: serde_json::Value = serde_json::from_slice(&late.stdout).unwrap();
    assert_eq!(
        (v["period"].as_str(), v["deadline"].as_str(), v["enterprises"].as_array().map(Vec::len)),
        (Some("2020-04"), Some("2020-05-24"), Some(0))
    );
    let bad = jiuye(dir.path(), &["--database", &url, "monitor", "alerts", "--period", "2020-13"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("不是有效月份"), "{}", String::from_utf8_lossy(&bad.stderr));
    let town = jiuye(dir.path(), &["--database", &url, "monitor", "alerts", "--township", "北京"]);
    assert!(!town.status.success());
}

#[test]
fn report_monthly_writes_the_figures_a_count_over_the_raw_rows_gives() {
    use calamine::{Reader, open_workbook_auto};
    let dir = tempfile::tempdir().unwrap();
    let url = db(dir.path());
    assert!(jiuye(dir.path(), &["--database", &url, "demo", "--persons", "300", "--no-serve"]).status.success());
    let refresh = jiuye(dir.path(), &["--database", &url, "stats", "refresh", "--format", "json"]);
    assert!(refresh.status.success(), "{}", String::from_utf8_lossy(&refresh.stderr));
    let v: serde_json::Value = serde_json::from_slice(&refresh.stdout).unwrap();
    assert!(v["cells"].as_i64().unwrap() > 0, "{v}");
    assert!(v["finished_at"].as_str().is_some_and(|t| t.contains('T')), "times as RFC 3339: {v}");
    let out = dir.path().join("月报.xlsx");
    // Default: last month, named in the output.
    let ok = jiuye(dir.path(), &["--database", &url, "report", "monthly", "--out", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let said = String::from_utf8_lossy(&ok.stdout).to_string();
    let period = said.split_whitespace().nth(1).unwrap_or("").to_string();
    let (y, m) = period.split_once('-').unwrap_or_else(|| panic!("{said}"));
    let first = time::Date::from_calendar_date(y.parse().unwrap(), time::Month::try_from(m.parse::<u8>().unwrap()).unwrap(), 1).unwrap();
    let last_day = first.replace_day(first.month().length(first.year())).unwrap().to_string();
    let mut wb = open_workbook_auto(&out).unwrap();
    let sheet = wb.worksheet_range("就业情况月报").unwrap();
    let total = sheet.rows().find(|r| matches!(&r[0], calamine::Data::String(s) if s == "合计")).expect("a total row");
    let reported = total[1].to_string();
    // The same figure counted directly: registrations open at the end of October 2026.
    let expected: i64 = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM registrations WHERE registered_on <= ?1 AND (closed_on IS NULL OR closed_on > ?1)")
                .bind(&last_day)
                .fetch_one(&pool)
                .await
                .unwrap();
        n
    });
    assert!(expected > 0, "the demo has registrations open at the end of {period}");
    assert_eq!(reported, expected.to_string());
    let bad = jiuye(dir.path(), &["--database", &url, "report", "monthly", "--period", "2026-13", "--out", out.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("不是有效月份"), "{}", String::from_utf8_lossy(&bad.stderr));
}
