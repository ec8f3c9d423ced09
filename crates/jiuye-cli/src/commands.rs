//! The subcommands: wiring of store, vault, clock and use cases (the composition root).

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use jiuye_app::import::{ImportKind, ImportOptions, Limits};
use jiuye_app::registry::PersonQuery;
use jiuye_app::{Actor, App, SystemClock, Vault};
use jiuye_store::Store;

use crate::settings::Settings;
use crate::{
    AuditAction, BatchAction, Command, ConfigAction, DecisionAction, ExportWhat, FileFormat, FollowupAction, Format, HouseholdAction,
    ImportWhat, LedgerAction, MonitorAction, PolicyAction, ReportAction, SearchAction, SmsAction, StatsAction, UserAction, VacancyAction,
};

/// The CLI's output. A closed pipe (`jiuye … | head`) is not an error worth a panic.
pub fn print(s: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{s}");
}

#[expect(clippy::print_stderr, reason = "the CLI's error output")]
pub fn eprint(s: &str) {
    eprintln!("{s}");
}

pub fn init_logging(s: &Settings) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if s.log_format == "json" { builder.json().try_init() } else { builder.compact().try_init() };
}

async fn open(settings: &Settings, create_keys: bool) -> anyhow::Result<App> {
    let store = Store::connect(&settings.database_url, &settings.connect_options())
        .await
        .with_context(|| format!("无法连接数据库 {}", jiuye_store::redact_url(&settings.database_url)))?;
    let applied = store.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "migrations applied");
    }
    let key_path = settings.key_path();
    let existed = key_path.exists();
    let vault = Vault::load_or_create(&key_path, create_keys).map_err(|e| anyhow::anyhow!("{e}"))?;
    if !existed {
        eprint(&format!("已生成个人信息加密密钥文件 {}：请妥善备份，丢失后加密的身份证号、电话将无法读取。", key_path.display()));
    }
    let clock: Arc<dyn jiuye_app::Clock> = Arc::new(SystemClock);
    let mut app = App::new(store, clock.clone(), Arc::new(vault), settings.policy())?.with_sms(settings.sms_setup(clock)?);
    if let Some(categories) = settings.difficult_categories()? {
        app = app.with_difficult_categories(categories);
    }
    let m = &settings.monitoring;
    anyhow::ensure!(
        (1..=28).contains(&m.window_from_day) && m.window_from_day <= m.window_to_day && m.window_to_day <= 28,
        "配置错误：monitoring.window_from_day/window_to_day 应为 1–28 日且起始不晚于截止"
    );
    app = app.with_monitoring(m.clone());
    Ok(match settings.rules_ruleset()? {
        Some(rules) => app.with_rules(rules),
        None => app,
    })
}

pub async fn run(cmd: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Serve { bind } => {
            let app = with_search(open(&settings, true).await?, &settings)?;
            announce_admin(&app).await?;
            serve(app, &settings, bind.as_deref().unwrap_or(&settings.bind)).await?;
        }
        Command::Demo { persons, seed, bind, no_serve } => {
            let app = with_search(open(&settings, true).await?, &settings)?;
            let existing = app.store.count_persons(&jiuye_store::Scope::All).await?;
            if existing == 0 {
                let bar = indicatif::ProgressBar::new(u64::from(persons));
                bar.set_style(
                    indicatif::ProgressStyle::with_template("生成演示数据 {bar:40} {pos}/{len} 人 ({per_sec})")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                let started = std::time::Instant::now();
                let summary = app.generate_demo(persons, seed, &mut |n| bar.set_position(n)).await?;
                bar.finish_and_clear();
                let vacancies = app.generate_demo_vacancies((persons / 25).max(60), seed).await?;
                let (seekers, pushes) = app.generate_demo_seekers((persons / 20).max(50), seed).await?;
                let (spells, contacts) = app.generate_demo_registrations(seed).await?;
                let pay = app.generate_demo_payments((persons / 10).clamp(30, 400), seed).await?;
                let mon = app.generate_demo_monitoring(seed).await?;
                let statements = app.generate_demo_insurance(seed).await?;
                print(&format!(
                    "已生成南和区演示数据（种子 {seed}）：{} 个村(社区)、{} 户、{} 人、{} 家企业、{vacancies} 个岗位、{seekers} 名求职登记人员、{pushes} 条岗位推送、{spells} 条失业登记（{contacts} 次跟踪）、{} 份补贴申请（批准 {}，已支付 {}）、{} 份免申即享待确认补贴、{} 家监测企业的 {} 份用工月报（预警：红 {}、橙 {}、黄 {}；{} 份裁员方案）、{statements} 份单位年度参保缴费数据，用时 {:.1} 秒。",
                    summary.villages,
                    summary.households,
                    summary.persons.inserted,
                    summary.enterprises.inserted,
                    pay.applications,
                    pay.approved,
                    pay.paid,
                    pay.offers,
                    mon.monitored,
                    mon.reports,
                    mon.red,
                    mon.orange,
                    mon.yellow,
                    mon.plans,
                    started.elapsed().as_secs_f64()
                ));
            } else {
                print(&format!("数据库中已有 {existing} 名人员，不再生成演示数据。"));
            }
            announce_admin(&app).await?;
            if !no_serve {
                serve(app, &settings, bind.as_deref().unwrap_or(&settings.bind)).await?;
            }
        }
        Command::Search { action: SearchAction::Reindex { format } } => {
            let app = with_search(open(&settings, false).await?, &settings)?;
            let started = std::time::Instant::now();
            let n = app.search.rebuild(&app.store).await?;
            let secs = started.elapsed().as_secs_f64();
            let dir = settings.search_path();
            print(&match format {
                Format::Json => serde_json::json!({"documents": n, "seconds": secs, "dir": dir.display().to_string()}).to_string(),
                Format::Text => format!("已重建岗位检索索引：{n} 个已发布岗位，用时 {secs:.1} 秒（{}）。", dir.display()),
            });
        }
        Command::Vacancies { action: VacancyAction::Export { file, format, full } } => {
            let app = open(&settings, false).await?;
            let f = match format {
                FileFormat::Json => jiuye_app::vacancy_export::ExportFormat::Json,
                FileFormat::Xlsx => jiuye_app::vacancy_export::ExportFormat::Xlsx,
            };
            let s = app.export_vacancies(&Actor::cli(), f, full, &file).await?;
            print(&format!(
                "已导出归集文件 {}：{}，发布/更新 {} 个、撤下 {} 个（变更序号 {}–{}）。",
                file.display(),
                if s.full { "全量" } else { "增量" },
                s.upserts,
                s.withdrawals,
                s.from_seq,
                s.to_seq
            ));
        }
        Command::Households { action: HouseholdAction::ZeroEmployment { township, cleared, format } } => {
            let app = open(&settings, false).await?;
            let items = app.zero_employment(&Actor::cli(), township.as_deref(), !cleared).await?;
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&items)?),
                Format::Text => {
                    for z in &items {
                        print(&match z.cleared_on {
                            Some(c) => format!("{}\t户{}\t{}起\t{}清零\t用时{}天", z.township_name, z.household_no, z.since, c, z.days),
                            None => format!("{}\t户{}\t{}起\t已{}天", z.township_name, z.household_no, z.since, z.days),
                        });
                    }
                    print(&format!("共 {} 户。", items.len()));
                }
            }
        }
        Command::Followup { action: FollowupAction::Due { township, as_of, format } } => {
            let app = open(&settings, false).await?;
            let as_of = match as_of.as_deref() {
                Some(d) => Some(jiuye_app::jobs::parse_date("as-of", d).map_err(|e| anyhow::anyhow!("{e}"))?),
                None => None,
            };
            let due = app.followup_due(&Actor::cli(), township.as_deref(), as_of).await?;
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&due)?),
                Format::Text => {
                    for d in &due {
                        print(&format!(
                            "{}\t{}\t{}\t登记于{}\t最近联系{}\t{}个月未联系{}",
                            d.township_name,
                            d.name,
                            d.id_number_masked,
                            d.registered_on,
                            d.last_contact_on.map(|c| c.to_string()).unwrap_or_else(|| "无".into()),
                            d.months_without_contact,
                            if d.overdue { "（逾期）" } else { "" }
                        ));
                    }
                    print(&format!("共 {} 人本月待联系，其中逾期 {} 人。", due.len(), due.iter().filter(|d| d.overdue).count()));
                }
            }
        }
        Command::Sms { action: SmsAction::SendDue { format } } => {
            let app = open(&settings, false).await?;
            let r = app.send_due_sms(10_000).await?;
            print(&match format {
                Format::Json => serde_json::to_string(&r)?,
                Format::Text => format!(
                    "短信：已发送 {}，稍后重试 {}，失败 {}，顺延（每日上限或夜间）{}，取消（已退订）{}。发送方式：{}",
                    r.sent,
                    r.retrying,
                    r.failed,
                    r.deferred,
                    r.cancelled,
                    app.sms.sender.name()
                ),
            });
        }
        Command::Migrate => {
            let store = Store::connect(&settings.database_url, &settings.connect_options()).await?;
            let applied = store.migrate().await?;
            print(&if applied.is_empty() {
                "数据库已是最新结构。".to_string()
            } else {
                format!("已应用迁移：{}", applied.join(", "))
            });
        }
        Command::Import { kind, file, all_or_nothing, format } => return import(&settings, kind, &file, all_or_nothing, format).await,
        Command::Export { kind, file, township, tag, name } => {
            let app = open(&settings, false).await?;
            let actor = Actor::cli();
            let n = match kind {
                ExportWhat::Households => {
                    let f = jiuye_store::households::HouseholdFilter {
                        township_code: township
                            .as_deref()
                            .map(jiuye_domain::division::parse_township)
                            .transpose()
                            .map_err(|e| anyhow::anyhow!("{e}"))?
                            .map(str::to_string),
                        ..Default::default()
                    };
                    app.export_households(&actor, &f, &file).await?
                }
                ExportWhat::Persons => {
                    let q = PersonQuery {
                        township: township.unwrap_or_default(),
                        tag: tag.unwrap_or_default(),
                        name: name.unwrap_or_default(),
                        ..Default::default()
                    };
                    app.export_persons(&actor, &q, &file).await?
                }
                ExportWhat::Enterprises => {
                    let f = jiuye_store::enterprises::EnterpriseFilter {
                        township_code: township
                            .as_deref()
                            .map(jiuye_domain::division::parse_township)
                            .transpose()
                            .map_err(|e| anyhow::anyhow!("{e}"))?
                            .map(str::to_string),
                        name_prefix: name,
                        ..Default::default()
                    };
                    app.export_enterprises(&actor, &f, serde_json::json!({"cli": true}), &file).await?
                }
            };
            print(&format!("已导出 {n} 行到 {}（个人信息已脱敏，本次导出已记入审计日志）", file.display()));
        }
        Command::Template { kind, file } => {
            let app = open(&settings, false).await?;
            match kind_of(kind) {
                Some(k) => app.write_import_template(k, &file)?,
                None => app.write_insurance_template(&file)?,
            }
            print(&format!("已写入模板 {}", file.display()));
        }
        Command::User { action } => user(&settings, action).await?,
        Command::Ledger { action: LedgerAction::Verify { format } } => {
            let app = open(&settings, false).await?;
            let bar = if format == Format::Text { indicatif::ProgressBar::new_spinner() } else { indicatif::ProgressBar::hidden() };
            let report = app
                .verify_ledger(&mut |n| {
                    bar.set_position(n);
                })
                .await?;
            bar.finish_and_clear();
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&report)?),
                Format::Text => {
                    for (fund, program, year, n, sum) in &report.totals {
                        print(&format!(
                            "{year}\t{}\t{program}\t{n}笔\t{}元",
                            jiuye_app::payments::fund_label(fund),
                            jiuye_app::payments::fen_yuan(*sum)
                        ));
                    }
                    if report.ok() {
                        print(&format!(
                            "账目平衡：共 {} 笔，{} 个发放批次，净额 {} 元。",
                            report.entries,
                            report.batches,
                            jiuye_app::payments::fen_yuan(report.net_fen)
                        ));
                    } else {
                        print(&format!("账目校验失败（已检查 {} 笔）：", report.entries));
                        for p in &report.problems {
                            print(&format!("  - {}：{}", p.at, p.message));
                        }
                    }
                }
            }
            if !report.ok() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Decision { action: DecisionAction::Replay { id, format } } => {
            let app = open(&settings, false).await?;
            let r = app.replay_decision(id).await?;
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&r)?),
                Format::Text => {
                    print(&format!(
                        "决定 {}（申请 {}，{}，评估日期 {}）：记录为 {} {}，重放为 {} {}",
                        r.decision_id,
                        r.application_id,
                        r.step,
                        r.as_of,
                        r.recorded_outcome,
                        r.recorded_amount_yuan.as_deref().unwrap_or(""),
                        r.replayed_outcome,
                        r.replayed_amount_yuan.as_deref().unwrap_or("")
                    ));
                    if r.identical() {
                        print(&format!("完全一致（规则集版本 {}）。", r.current_ruleset));
                    } else {
                        print("今天重放会不同，原因：");
                        for d in &r.differences {
                            print(&format!("  - {d}"));
                        }
                    }
                }
            }
            if !r.identical() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Batch { action } => return batch(&settings, action).await,
        Command::Report { action: ReportAction::Monthly { period, out } } => {
            let app = open(&settings, false).await?;
            app.refresh_stats(None).await?;
            let p = app.monthly_report(&Actor::cli(), period.as_deref().unwrap_or(""), &out).await?;
            print(&format!("已生成 {p} 就业情况月报：{}", out.display()));
        }
        Command::Stats { action: StatsAction::Refresh { format } } => {
            let app = open(&settings, false).await?;
            let r = app.refresh_stats(Some(&Actor::cli())).await?;
            print(&match format {
                Format::Json => serde_json::to_string(&r)?,
                Format::Text => format!("已刷新统计数据：{} 项，用时 {} 毫秒。", r.cells, r.millis),
            });
        }
        Command::Monitor { action: MonitorAction::Late { period, township, format } } => {
            let app = open(&settings, false).await?;
            let l = app.late_reports(&Actor::cli(), period.as_deref(), township.as_deref()).await?;
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&l)?),
                Format::Text => {
                    for e in &l.enterprises {
                        print(&format!(
                            "{}\t{}\t{}\t{}\t提醒 {} 次",
                            e.enterprise,
                            e.township,
                            if e.is_key { "重点企业" } else { "" },
                            e.commissioner,
                            e.reminders.len()
                        ));
                    }
                    print(&format!("{} 月报：{} 家未报送，截止日期 {}。", l.period, l.enterprises.len(), l.deadline));
                }
            }
        }
        Command::Monitor { action: MonitorAction::Alerts { period, township, format } } => {
            let app = open(&settings, false).await?;
            // Missing reports of key enterprises become alerts once the window closed (the server
            // does this daily; the command does it too, so a CLI-only office sees them).
            app.refresh_missing_report_alerts(app.clock.today()).await?;
            let alerts = app.monitor_alerts(&Actor::cli(), period.as_deref(), township.as_deref()).await?;
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&alerts)?),
                Format::Text => {
                    for a in &alerts {
                        print(&format!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            a.period, a.level_label, a.township, a.enterprise, a.industry, a.rule_label, a.message, a.owner
                        ));
                    }
                    print(&format!(
                        "共 {} 条预警：红色 {}，橙色 {}，黄色 {}。",
                        alerts.len(),
                        alerts.iter().filter(|a| a.level == "red").count(),
                        alerts.iter().filter(|a| a.level == "orange").count(),
                        alerts.iter().filter(|a| a.level == "yellow").count()
                    ));
                }
            }
        }
        Command::Audit { action: AuditAction::Verify } => {
            let store = Store::connect(&settings.database_url, &settings.connect_options()).await?;
            let report = store.verify_audit().await?;
            if report.ok() {
                print(&format!("审计链完整：共 {} 条，链头序号 {}。", report.checked, report.head_seq));
            } else {
                print(&format!("审计链校验失败（已检查 {} 条）：", report.checked));
                for p in &report.problems {
                    print(&format!("  - {p}"));
                }
                return Ok(ExitCode::from(1));
            }
        }
        Command::Backup { dest } => {
            let store = Store::connect(&settings.database_url, &settings.connect_options()).await?;
            if store.backend() != "sqlite" {
                anyhow::bail!(
                    "PostgreSQL 请使用 pg_dump 备份，例如：pg_dump -Fc -f jiuye.dump 数据库名；并另行备份密钥文件 {}",
                    settings.key_path().display()
                );
            }
            anyhow::ensure!(!dest.exists(), "目标文件 {} 已存在，请换一个文件名", dest.display());
            store.backup_sqlite(&dest.display().to_string()).await?;
            print(&format!("已备份到 {}。密钥文件 {} 请另行备份、分开保管。", dest.display(), settings.key_path().display()));
        }
        Command::Policy { action } => return policy(&settings, action),
        Command::Scan { program, as_of, township, output, format } => {
            let app = open(&settings, false).await?;
            let req = jiuye_app::scan::ScanRequest { program, as_of: parse_date(as_of.as_deref())?, township };
            let bar = if format == Format::Text { indicatif::ProgressBar::new_spinner() } else { indicatif::ProgressBar::hidden() };
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} 已读取 {pos} 人 ({elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            let report = app.scan_registry(&Actor::cli(), &req, &mut |n| bar.set_position(n)).await?;
            bar.finish_and_clear();
            if let Some(path) = &output {
                app.write_scan_xlsx(&Actor::cli(), &report, path).await?;
            }
            if format == Format::Json {
                print(&serde_json::to_string(&report)?);
            } else {
                print(&format!(
                    "政策扫描：评估日期 {}，{} 人、{} 家企业，规则集 {}",
                    report.as_of, report.persons, report.enterprises, report.ruleset_version
                ));
                for p in &report.programs {
                    match p.skipped {
                        Some(why) => print(&format!("  {:<28} {:<8} 未扫描：{why}", p.program, p.measure)),
                        None => print(&format!(
                            "  {:<28} {:<8} 符合 {:>6}  {} {:>14} 元  差一个条件 {:>6}  需补充信息 {:>6}",
                            p.program,
                            p.measure,
                            p.eligible,
                            if p.amount_kind == Some("贷款额度上限") { "贷款额度合计" } else { "补贴金额合计" },
                            p.total_amount_yuan,
                            p.one_condition_short,
                            p.needs_facts
                        )),
                    }
                }
                if let Some(path) = &output {
                    print(&format!("名单已写入 {}（已脱敏，已记入审计日志）", path.display()));
                }
            }
        }
        Command::Simulate { sets, program, as_of, township, format } => {
            let app = open(&settings, false).await?;
            let req = jiuye_app::scan::ScanRequest { program, as_of: parse_date(as_of.as_deref())?, township };
            let sim = app.simulate(&Actor::cli(), &req, &sets, &mut |_| {}).await?;
            if format == Format::Json {
                print(&serde_json::to_string(&sim)?);
            } else {
                print(&format!(
                    "模拟：{}（评估日期 {}；规则集 {} → {}）",
                    sim.changes.join("，"),
                    sim.as_of,
                    sim.ruleset_before,
                    sim.ruleset_after
                ));
                for p in &sim.programs {
                    if p.eligible_before != p.eligible_after || p.amount_before_yuan != p.amount_after_yuan {
                        print(&format!(
                            "  {:<28} {:<8} 符合 {} → {}，金额 {} → {} 元{}",
                            p.program,
                            p.measure,
                            p.eligible_before,
                            p.eligible_after,
                            p.amount_before_yuan,
                            p.amount_after_yuan,
                            if p.amount_kind == Some("贷款额度上限") { "（贷款额度）" } else { "" }
                        ));
                        for (t, (b, a)) in p.by_township.iter().filter(|(_, (b, a))| b != a) {
                            print(&format!("      {} {b} → {a}", jiuye_domain::division::township_name(t).unwrap_or(t)));
                        }
                    }
                }
                print(&format!("新增符合 {} 人次，不再符合 {} 人次", sim.entering.len(), sim.leaving.len()));
                for h in sim.entering.iter().take(20) {
                    print(&format!("  + {} {} {} {}", h.program, h.name, h.identifier, h.township_name));
                }
                for h in sim.leaving.iter().take(20) {
                    print(&format!("  - {} {} {} {}", h.program, h.name, h.identifier, h.township_name));
                }
            }
        }
        Command::Config { action: ConfigAction::Show } => print(&format!("{settings:#?}")),
        Command::Config { action: ConfigAction::PrintDefault } => print(crate::settings::DEFAULT_TOML),
    }
    Ok(ExitCode::SUCCESS)
}

async fn announce_admin(app: &App) -> anyhow::Result<()> {
    if let Some((login, pw)) = app.bootstrap_admin().await? {
        print(&format!("已创建管理员账号：登录名 {login}，初始密码 {pw}\n（仅显示这一次；首次登录后须修改密码）"));
    }
    Ok(())
}

/// Opens the on-disk search index of this server.
fn with_search(app: App, settings: &Settings) -> anyhow::Result<App> {
    let dir = settings.search_path();
    let search = jiuye_app::job_search::JobSearch::open(&dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(app.with_search(search))
}

/// How often the server recomputes the dashboards' figures.
const STATS_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Keeps the search index close to the database, sends due SMS and closes expired vacancies, in
/// the background.
/// Searches catch up themselves before answering; this only takes the work off their path.
fn spawn_background(app: App) {
    tokio::spawn(async move {
        let mut last_expiry: Option<time::Date> = None;
        let mut last_stats: Option<std::time::Instant> = None;
        loop {
            // The dashboards' figures: at start, then every hour.
            if last_stats.is_none_or(|t| t.elapsed() >= STATS_EVERY) {
                match app.refresh_stats(None).await {
                    Ok(r) => tracing::info!(stats.cells = r.cells, stats.millis = r.millis, "dashboard figures refreshed"),
                    Err(e) => tracing::warn!(error = %e, "dashboard refresh failed"),
                }
                last_stats = Some(std::time::Instant::now());
            }
            if let Err(e) = app.search.catch_up(&app.store).await {
                tracing::warn!(error = %e, "search catch-up failed");
            }
            match app.send_due_sms(200).await {
                Ok(r) if r.sent + r.failed + r.retrying > 0 => {
                    tracing::info!(
                        sms.sent = r.sent,
                        sms.retrying = r.retrying,
                        sms.failed = r.failed,
                        sms.deferred = r.deferred,
                        "sms outbox"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sms outbox run failed"),
            }
            let today = app.clock.today();
            if last_expiry != Some(today) {
                // Daily: people age into and out of working age, so households are re-derived too.
                if let Err(e) = app.refresh_zero_employment().await {
                    tracing::warn!(error = %e, "zero-employment refresh failed");
                }
                match app.refresh_missing_report_alerts(today).await {
                    Ok(n) if n > 0 => tracing::info!(alerts.missing_reports = n, "missing monthly reports"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "missing-report alerts failed"),
                }
                match app.remind_late_reports(today).await {
                    Ok(r) if r.queued > 0 => {
                        tracing::info!(sms.report_reminders = r.queued, period = %r.period, "late monthly reports reminded")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "late-report reminders failed"),
                }
                match app.expire_vacancies().await {
                    Ok(n) => {
                        last_expiry = Some(today);
                        if n > 0 {
                            tracing::info!(vacancies.expired = n, "expired vacancies closed");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "vacancy expiry failed"),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    });
}

async fn serve(app: App, settings: &Settings, bind: &str) -> anyhow::Result<()> {
    spawn_background(app.clone());
    let addr: SocketAddr = bind.parse().with_context(|| format!("无效的监听地址 {bind}"))?;
    let state = jiuye_web::AppState::new(app.clone(), settings.web_config());
    let router = jiuye_web::router(state);
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("无法监听 {addr}"))?;
    print(&format!("jiuye 已启动：http://{addr}  （数据库：{}）", jiuye_store::redact_url(&settings.database_url)));
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    app.store.close().await;
    Ok(())
}

/// The registry imports; `None` for the insurance statements, which have their own.
fn kind_of(k: ImportWhat) -> Option<ImportKind> {
    match k {
        ImportWhat::Persons => Some(ImportKind::Persons),
        ImportWhat::Enterprises => Some(ImportKind::Enterprises),
        ImportWhat::Insurance => None,
    }
}

/// The text report's tail: ignored columns and the first 200 bad rows.
fn print_row_errors(ignored: &[String], errors: &[jiuye_app::import::RowError], truncated: bool, rejected: u64) {
    if !ignored.is_empty() {
        print(&format!("已忽略不在模板中的列：{}", ignored.join("、")));
    }
    for e in errors.iter().take(200) {
        print(&format!("  第{}行 {}：{}", e.row, e.column, e.reason));
    }
    if errors.len() > 200 || truncated {
        print(&format!("  ……共 {rejected} 行错误（用 --format json 查看全部）"));
    }
}

/// A file that could not be processed at all: nothing stored, exit status 2.
fn import_failed(format: Format, e: &impl std::fmt::Display) -> ExitCode {
    if format == Format::Json {
        print(&serde_json::json!({"accepted": 0, "rejected": 0, "errors": [{"row": 0, "column": "", "reason": e.to_string()}], "committed": false}).to_string());
    } else {
        eprint(&format!("无法导入：{e}"));
    }
    ExitCode::from(2)
}

/// `jiuye import insurance FILE`: the agency's statements, one transaction.
async fn import_insurance(settings: &Settings, file: &Path, opts: &ImportOptions, format: Format) -> anyhow::Result<ExitCode> {
    let app = open(settings, true).await?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let started = std::time::Instant::now();
    match app.import_insurance(&Actor::cli(), file, &name, opts).await {
        Ok(r) => {
            if format == Format::Json {
                let mut v = serde_json::to_value(&r)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("accepted".into(), serde_json::json!(r.inserted + r.updated + r.unchanged));
                    o.insert("seconds".into(), serde_json::json!(started.elapsed().as_secs_f64()));
                }
                print(&serde_json::to_string(&v)?);
            } else {
                let verdict = if r.committed { "已导入" } else { "有错误行，按“全部正确才导入”未保存任何数据" };
                print(&format!(
                    "{verdict}：共 {} 行，错误 {}；新增 {}，更新 {}，未变化 {}",
                    r.rows, r.rejected, r.inserted, r.updated, r.unchanged
                ));
                print_row_errors(&r.ignored_columns, &r.errors, r.errors_truncated, r.rejected);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(import_failed(format, &e)),
    }
}

async fn import(settings: &Settings, kind: ImportWhat, file: &Path, all_or_nothing: bool, format: Format) -> anyhow::Result<ExitCode> {
    let opts = ImportOptions {
        all_or_nothing,
        limits: Limits { max_file_bytes: settings.import.max_file_mb * 1024 * 1024, ..Default::default() },
    };
    let Some(kind) = kind_of(kind) else {
        return import_insurance(settings, file, &opts, format).await;
    };
    let app = open(settings, true).await?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let bar = if format == Format::Text { indicatif::ProgressBar::new_spinner() } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} 已读取 {pos} 行 ({per_sec}, {elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let b = bar.clone();
    let started = std::time::Instant::now();
    let result = app.import_file(&Actor::cli(), kind, file, &name, &opts, Arc::new(move |n| b.set_position(n))).await;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    match result {
        Ok(r) => {
            if format == Format::Json {
                let mut v = serde_json::to_value(&r)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("seconds".into(), serde_json::json!(secs));
                }
                print(&serde_json::to_string(&v)?);
            } else {
                let verdict = if r.committed { "已导入" } else { "有错误行，按“全部正确才导入”未保存任何数据" };
                print(&format!(
                    "{verdict}：共 {} 行，正确 {}，错误 {}；新增 {}，更新 {}，未变化 {}（{:.1} 秒，{:.0} 行/秒）",
                    r.rows,
                    r.accepted,
                    r.rejected,
                    r.inserted,
                    r.updated,
                    r.unchanged,
                    secs,
                    r.rows as f64 / secs.max(1e-9)
                ));
                print_row_errors(&r.ignored_columns, &r.errors, r.errors_truncated, r.rejected);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(import_failed(format, &e)),
    }
}

async fn user(settings: &Settings, action: UserAction) -> anyhow::Result<()> {
    let app = open(settings, true).await?;
    let actor = Actor::cli();
    match action {
        UserAction::Create { login, name, role, township, credit_code } => {
            let role = jiuye_domain::Role::from_code(&role)
                .ok_or_else(|| anyhow::anyhow!("未知角色 {role}（可选 admin、bureau_staff、township_clerk、enterprise_hr、leader）"))?;
            let township = township
                .map(|t| jiuye_domain::division::parse_township(&t).map(str::to_string))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let enterprise_id = match credit_code {
                Some(c) => {
                    let f = jiuye_store::enterprises::EnterpriseFilter {
                        credit_code: Some(c.trim().to_ascii_uppercase()),
                        ..Default::default()
                    };
                    let (rows, _) = app
                        .store
                        .list_enterprises(&jiuye_store::Scope::All, &f, jiuye_store::persons::Page { limit: 1, offset: 0 })
                        .await?;
                    Some(rows.first().map(|e| e.id).ok_or_else(|| anyhow::anyhow!("企业名册中没有统一社会信用代码为 {c} 的企业"))?)
                }
                None => None,
            };
            let pw = app
                .create_user(
                    &actor,
                    &jiuye_app::accounts::UserInput { login: login.clone(), display_name: name, role, township, enterprise_id },
                )
                .await?;
            print(&format!("已创建账号 {login}，初始密码 {pw}（仅显示这一次；首次登录须修改）"));
        }
        UserAction::Reset { login } => {
            let pw = app.reset_password(&actor, &login).await?;
            print(&format!("{login} 的新初始密码 {pw}（首次登录须修改）"));
        }
        UserAction::Unlock { login } => {
            app.unlock_user(&actor, &login).await?;
            print(&format!("已解锁 {login}"));
        }
        UserAction::Disable { login } => {
            app.set_user_disabled(&actor, &login, true).await?;
            print(&format!("已停用 {login}"));
        }
        UserAction::Enable { login } => {
            app.set_user_disabled(&actor, &login, false).await?;
            print(&format!("已启用 {login}"));
        }
        UserAction::List => {
            for u in app.list_users(&actor).await? {
                print(&format!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.login,
                    u.display_name,
                    u.role,
                    u.township_code.unwrap_or_default(),
                    if u.disabled { "停用" } else { "正常" }
                ));
            }
        }
    }
    Ok(())
}

fn parse_date(s: Option<&str>) -> anyhow::Result<Option<time::Date>> {
    s.map(|d| {
        time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| anyhow::anyhow!("日期“{d}”应写成 YYYY-MM-DD"))
    })
    .transpose()
}

/// `jiuye policy …`: pure rules, no database needed.
fn policy(settings: &Settings, action: PolicyAction) -> anyhow::Result<ExitCode> {
    let rules = match settings.rules_ruleset()? {
        Some(r) => r,
        None => jiuye_rules::Ruleset::default_2020().map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let today = || jiuye_app::Clock::today(&SystemClock);
    match action {
        PolicyAction::List { format } => {
            if format == Format::Json {
                let list: Vec<_> = rules
                    .programs()
                    .iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": p.name, "measures": p.measures, "applicant": p.applicant}))
                    .collect();
                print(&serde_json::to_string_pretty(&list)?);
            } else {
                for p in rules.programs() {
                    print(&format!("{:<30} {:<10} {}（{}）", p.id, p.measures.join(""), p.name, p.applicant.label()));
                }
                print(&format!("规则集版本：{}", rules.version()));
            }
        }
        PolicyAction::Show { program, as_of, format } => {
            let date = parse_date(as_of.as_deref())?.unwrap_or_else(today);
            let p = rules.program(&program).ok_or_else(|| anyhow::anyhow!("没有名为 {program} 的项目（jiuye policy list 查看全部）"))?;
            // The catalogue view is built by the app layer; it needs no database, so build a view here the same way.
            let view = jiuye_app::policy::program_view(&rules, p, date);
            if format == Format::Json {
                print(&serde_json::to_string_pretty(&view)?);
            } else {
                print(&format!(
                    "{}（{}，{}）\n申请主体：{}\n享受内容：{}",
                    view.name,
                    view.id,
                    view.measures.join(""),
                    view.applicant,
                    view.benefit
                ));
                if let Some(a) = &view.amount {
                    print(&format!("金额：{a}"));
                }
                print("条件：");
                for c in &view.conditions {
                    print(&format!("  [{}] {}", c.measure, c.text));
                    if let Some(cl) = &c.clause {
                        print(&format!("      原文：{cl}"));
                    }
                }
                if !view.parameters.is_empty() {
                    print(&format!("参数（{date}）："));
                    for pv in &view.parameters {
                        let flag = if pv.placeholder { "（区级参数，待确认）" } else { "" };
                        print(&format!("  {} {} = {}{} [{}；{}]{flag}", pv.id, pv.label, pv.value, pv.unit, pv.period, pv.source));
                    }
                }
                print(&format!("读取的事实：{}", view.facts.join("、")));
                for n in &view.not_encoded {
                    print(&format!("注：{n}"));
                }
            }
        }
        PolicyAction::Eval { program, facts, as_of, format } => {
            let date = parse_date(as_of.as_deref())?.unwrap_or_else(today);
            let text = std::fs::read_to_string(&facts).map_err(|e| anyhow::anyhow!("无法读取事实文件 {}：{e}", facts.display()))?;
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("事实文件不是有效的JSON：{e}"))?;
            let facts = jiuye_rules::Facts::from_json(&json).map_err(|e| anyhow::anyhow!("{e}"))?;
            let d = rules.evaluate(&program, &facts, date).map_err(|e| anyhow::anyhow!("{e}"))?;
            if format == Format::Json {
                print(&serde_json::to_string_pretty(&d)?);
            } else {
                print(&d.to_text());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn batch(settings: &Settings, action: BatchAction) -> anyhow::Result<ExitCode> {
    let app = open(settings, false).await?;
    let actor = Actor::cli();
    match action {
        BatchAction::Create { program, year, period, format } => {
            let b = app.create_batch(&actor, &program, year, &period).await?;
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&b)?),
                Format::Text => print(&format!(
                    "已生成发放批次 {}：{} {}，{}笔，合计 {} 元。",
                    b.id,
                    b.program,
                    b.period,
                    b.item_count,
                    jiuye_app::payments::fen_yuan(b.total_fen)
                )),
            }
        }
        BatchAction::Export { id, out } => {
            anyhow::ensure!(!out.exists(), "目标文件 {} 已存在，请换一个文件名", out.display());
            let b = app.export_batch(&actor, id, &out).await?;
            print(&format!(
                "已导出批次 {} 到 {}：{}笔，合计 {} 元（控制总数已核对）。",
                b.id,
                out.display(),
                b.item_count,
                jiuye_app::payments::fen_yuan(b.total_fen)
            ));
        }
        BatchAction::Reconcile { id, file, format } => {
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let r = app.reconcile_batch(&actor, id, &file, &name).await?;
            match format {
                Format::Json => print(&serde_json::to_string_pretty(&r)?),
                Format::Text => print(&format!(
                    "批次 {} 已对账：成功 {}笔 {} 元，失败 {}笔 {} 元。",
                    r.batch,
                    r.paid,
                    jiuye_app::payments::fen_yuan(r.paid_fen),
                    r.failed,
                    jiuye_app::payments::fen_yuan(r.failed_fen)
                )),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
