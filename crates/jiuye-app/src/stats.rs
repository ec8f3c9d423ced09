//! The dashboards and the monthly statistics report (issue 7).
//!
//! A refresh groups the raw tables once (registrations, contacts, persons, vacancies, job seekers,
//! monthly reports, alerts, the ledger and payment results) into figures per month, township and
//! dimension, and replaces the stored snapshot in one transaction; dashboards and the report read
//! only the snapshot, and say when it was taken. The server refreshes it every hour (configurable),
//! `jiuye demo` after generating, bureau staff on demand, and `jiuye report monthly` before writing.

use std::collections::BTreeMap;
use std::path::Path;

use jiuye_domain::division::{TOWNSHIPS, township_name};
use jiuye_domain::money::fen_to_yuan;
use jiuye_domain::occupation::MAJOR_GROUPS;
use jiuye_domain::{DomainError, Role, Tag};
use jiuye_io::{OutCell, XlsxSheet, write_xlsx};
use jiuye_store::stats::{StatCell, StatRefresh};
use serde_json::json;
use time::Date;

use crate::monitoring::parse_period;
use crate::{Actor, App, AppError, AppResult};

/// How many months a dashboard shows at most.
pub const MAX_MONTHS: usize = 60;
/// How far back a registration spell is counted month by month.
const SPELL_HORIZON_MONTHS: i32 = 120;

/// Shown instead of a count of 1–4 people of a sensitive key group (disability, poverty, minimum
/// living allowance): "<5" (SECURITY R24, small-cell suppression).
pub const SMALL: i64 = -1;
/// Shown instead of a count hidden so that a suppressed one cannot be worked out from the total
/// and the other townships: "—".
pub const HIDDEN: i64 = -2;

/// Suppresses the small counts of one column (the townships of a sensitive key group): 1–4
/// become `SMALL`; when that leaves a single one, the smallest other positive count is `HIDDEN`
/// too, so the district total does not give it away.
pub fn suppress_column(values: &mut [i64]) {
    let mut small = 0;
    for v in values.iter_mut() {
        if (1..5).contains(v) {
            *v = SMALL;
            small += 1;
        }
    }
    if small == 1
        && let Some(v) = values.iter_mut().filter(|v| **v > 0).min_by_key(|v| **v)
    {
        *v = HIDDEN;
    }
}

/// Key-group counts per township (in `TOWNSHIPS` order) and for the district, per tag, with the
/// sensitive groups suppressed; `now` holds the current-state cells of every township.
pub fn key_group_grid(now: &[StatCell]) -> Vec<(Tag, Vec<i64>, i64)> {
    Tag::ALL
        .iter()
        .map(|tag| {
            let mut values: Vec<i64> = TOWNSHIPS
                .iter()
                .map(|(code, _)| {
                    now.iter().filter(|c| c.metric == "key_group" && c.township_code == *code && c.dim == tag.code()).map(|c| c.value).sum()
                })
                .collect();
            let mut total: i64 = values.iter().sum();
            if tag.is_sensitive() {
                suppress_column(&mut values);
                if (1..5).contains(&total) {
                    total = SMALL;
                }
            }
            (*tag, values, total)
        })
        .collect()
}

/// How a series' integers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// People, posts, reports.
    Count,
    /// Money in fen, shown in yuan.
    Fen,
    /// A share in ‰, shown as a percentage.
    Permille,
}

impl Unit {
    pub fn format(self, v: i64) -> String {
        match self {
            Unit::Count if v == SMALL => "<5".to_string(),
            Unit::Count if v == HIDDEN => "—".to_string(),
            Unit::Count => v.to_string(),
            Unit::Fen => fen_to_yuan(v),
            Unit::Permille => format!("{}.{}%", v / 10, (v % 10).abs()),
        }
    }
}

/// One series of a chart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Series {
    pub name: String,
    /// "bar" or "line".
    pub kind: &'static str,
    /// Bars of the same stack are drawn on top of each other.
    pub stack: Option<&'static str>,
    /// 0: the left axis, 1: the right axis (percentages, money beside counts).
    pub axis: u8,
    pub unit: Unit,
    pub values: Vec<i64>,
}

/// One chart: its categories (months, townships, programs…) and series, with the table of the
/// same numbers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    /// The measure or rule behind the figure.
    pub basis: &'static str,
    /// The heading of the category column of the table.
    pub x_label: &'static str,
    pub x: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    /// The table view: the category column, then one column per series, formatted.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut headers = vec![self.x_label.to_string()];
        headers.extend(self.series.iter().map(|s| match s.unit {
            Unit::Fen => format!("{}（元）", s.name),
            _ => s.name.clone(),
        }));
        let rows = self
            .x
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let mut row = vec![x.clone()];
                row.extend(self.series.iter().map(|s| s.values.get(i).map(|v| s.unit.format(*v)).unwrap_or_default()));
                row
            })
            .collect();
        (headers, rows)
    }

    pub fn has_data(&self) -> bool {
        self.series.iter().any(|s| s.values.iter().any(|v| *v != 0))
    }
}

/// The headline figures of the last month of the range.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Headline {
    pub period: String,
    pub unemployed: i64,
    pub registered_new: i64,
    pub reemployed: i64,
    pub coverage_permille: Option<i64>,
    pub open_posts: i64,
    pub seekers: i64,
    pub alerts_red: i64,
    pub alerts_orange: i64,
    pub alerts_yellow: i64,
    pub headcount: i64,
    /// The month the monitoring figures (headcount, alerts) are of: the last month of the range
    /// before this one with reports (this month's reports are due only next month).
    pub monitor_period: String,
    pub committed_fen: i64,
    pub paid_fen: i64,
}

/// What a dashboard shows: the range, the township, when the figures were taken, the charts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    pub township: Option<String>,
    pub township_name: &'static str,
    pub refreshed: Option<StatRefresh>,
    pub headline: Headline,
    pub charts: Vec<Chart>,
}

impl Dashboard {
    pub fn chart(&self, id: &str) -> Option<&Chart> {
        self.charts.iter().find(|c| c.id == id)
    }
}

/// 'YYYY-MM' of a date.
pub fn month_key(d: Date) -> String {
    format!("{}-{:02}", d.year(), u8::from(d.month()))
}

/// The month index (year × 12 + month − 1) of 'YYYY-MM', or None.
fn month_index(s: &str) -> Option<i32> {
    let (y, m) = parse_period(s).ok()?;
    Some(y * 12 + i32::from(u8::from(m)) - 1)
}

fn month_of_index(i: i32) -> String {
    format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// The months `from..=to`.
pub fn months(from: &str, to: &str) -> Vec<String> {
    match (month_index(from), month_index(to)) {
        (Some(a), Some(b)) => (a..=b).map(month_of_index).collect(),
        _ => Vec::new(),
    }
}

#[derive(Default)]
struct Acc(BTreeMap<(&'static str, String, String, String), i64>);

impl Acc {
    fn add(&mut self, metric: &'static str, period: &str, township: &str, dim: &str, v: i64) {
        if v != 0 {
            *self.0.entry((metric, period.to_string(), township.to_string(), dim.to_string())).or_insert(0) += v;
        }
    }

    fn into_cells(self) -> Vec<StatCell> {
        self.0
            .into_iter()
            .filter(|(_, v)| *v != 0)
            .map(|((metric, period, township_code, dim), value)| StatCell { metric: metric.to_string(), period, township_code, dim, value })
            .collect()
    }
}

/// The cells of one range and township, summed over townships, for building charts.
struct Cells {
    map: BTreeMap<(String, String, String), i64>,
}

impl Cells {
    fn new(cells: Vec<StatCell>, by_township: bool) -> Self {
        let mut map = BTreeMap::new();
        for c in cells {
            let dim = if by_township && c.dim.is_empty() { c.township_code } else { c.dim };
            *map.entry((c.metric, c.period, dim)).or_insert(0) += c.value;
        }
        Self { map }
    }

    fn get(&self, metric: &str, period: &str, dim: &str) -> i64 {
        self.map.get(&(metric.to_string(), period.to_string(), dim.to_string())).copied().unwrap_or(0)
    }

    /// Summed over every dimension.
    fn total(&self, metric: &str, period: &str) -> i64 {
        self.map.iter().filter(|((m, p, _), _)| m == metric && p == period).map(|(_, v)| *v).sum()
    }

    fn per_month(&self, metric: &str, months: &[String]) -> Vec<i64> {
        months.iter().map(|m| self.total(metric, m)).collect()
    }

    fn dims(&self, metric: &str) -> Vec<String> {
        let d: std::collections::BTreeSet<&String> = self.map.keys().filter(|(m, _, _)| m == metric).map(|(_, _, d)| d).collect();
        d.into_iter().cloned().collect()
    }
}

fn series(name: &str, kind: &'static str, unit: Unit, values: Vec<i64>) -> Series {
    Series { name: name.to_string(), kind, stack: None, axis: 0, unit, values }
}

fn permille(part: i64, whole: i64) -> i64 {
    if whole <= 0 { 0 } else { part.saturating_mul(1000) / whole }
}

/// Validated dashboard range.
fn range(from: &str, to: &str, today: Date) -> AppResult<(String, String)> {
    let this_month = month_key(today);
    let to = if to.trim().is_empty() { this_month.clone() } else { to.trim().to_string() };
    let ti = month_index(&to).ok_or_else(|| {
        AppError::Validation(vec![DomainError::new("截止月份", "stats.to", format!("“{to}”不是有效月份，应为 2020-03 这样的年月"))])
    })?;
    let fi = if from.trim().is_empty() {
        ti - 11
    } else {
        month_index(from.trim()).ok_or_else(|| {
            AppError::Validation(vec![DomainError::new(
                "起始月份",
                "stats.from",
                format!("“{}”不是有效月份，应为 2020-03 这样的年月", from.trim()),
            )])
        })?
    };
    if fi > ti {
        return Err(AppError::Validation(vec![DomainError::new("起始月份", "stats.range", "起始月份晚于截止月份")]));
    }
    if usize::try_from(ti - fi).unwrap_or(usize::MAX) >= MAX_MONTHS {
        return Err(AppError::Validation(vec![DomainError::new("起始月份", "stats.range", format!("一次最多查看{MAX_MONTHS}个月"))]));
    }
    Ok((month_of_index(fi), month_of_index(ti)))
}

fn viewer(actor: &Actor) -> AppResult<()> {
    if matches!(actor.role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::Leader) {
        Ok(())
    } else {
        Err(AppError::Forbidden("当前角色不能查看统计分析"))
    }
}

impl App {
    /// Recomputes every dashboard figure from the raw tables and replaces the snapshot at once.
    /// `actor` is audited when a person asked for it (scheduled refreshes are not).
    pub async fn refresh_stats(&self, actor: Option<&Actor>) -> AppResult<StatRefresh> {
        if let Some(a) = actor
            && !matches!(a.role, Role::Admin | Role::BureauStaff)
        {
            return Err(AppError::Forbidden("统计数据由区人社局刷新"));
        }
        let started_at = self.now();
        let clock = std::time::Instant::now();
        let now_index = month_index(&month_key(self.clock.today())).unwrap_or(0);
        let mut acc = Acc::default();

        for (township, registered, closed, reemployed, n) in self.store.stat_registration_spells().await? {
            let Some(start) = month_index(&registered) else { continue };
            acc.add("registered_new", &registered, &township, "", n);
            let end = closed.as_deref().and_then(month_index);
            if let (Some(_), Some(month)) = (end, closed.as_deref()) {
                acc.add("closed", month, &township, "", n);
                if reemployed {
                    acc.add("reemployed", month, &township, "", n);
                }
            }
            let first = start.max(now_index - SPELL_HORIZON_MONTHS);
            // Registered at a month's end: from the month of registration up to the month before the close.
            let last_end = end.map_or(now_index, |c| c - 1).min(now_index);
            for m in first..=last_end {
                acc.add("unemployed_end", &month_of_index(m), &township, "", n);
            }
            // Registered at some time in the month (the denominator of follow-up coverage).
            for m in first..=end.unwrap_or(now_index).min(now_index) {
                acc.add("unemployed_active", &month_of_index(m), &township, "", n);
            }
        }
        for (township, month, n) in self.store.stat_contacts().await? {
            acc.add("contacted", &month, &township, "", n);
        }
        for (township, tags, n) in self.store.stat_person_tags().await? {
            for tag in Tag::from_storage(&tags) {
                acc.add("key_group", "now", &township, tag.code(), n);
            }
        }
        for (township, major, n) in self.store.stat_open_posts().await? {
            acc.add("open_posts", "now", &township, &major, n);
        }
        for (township, month, n) in self.store.stat_posts_published().await? {
            acc.add("posts_published", &month, &township, "", n);
        }
        for (township, codes, n) in self.store.stat_seekers().await? {
            let mut majors: Vec<&str> = codes.split(',').filter(|c| !c.is_empty()).filter_map(|c| c.split('-').next()).collect();
            majors.sort_unstable();
            majors.dedup();
            for major in majors {
                acc.add("seekers", "now", &township, major, n);
            }
        }
        for (township, period, reports, headcount, insured, hires, separations, layoffs) in self.store.stat_reports().await? {
            acc.add("reports", &period, &township, "", reports);
            acc.add("headcount_end", &period, &township, "", headcount);
            acc.add("insured", &period, &township, "", insured);
            acc.add("new_hires", &period, &township, "", hires);
            acc.add("separations", &period, &township, "", separations);
            acc.add("layoffs", &period, &township, "", layoffs);
        }
        for (township, period, level, n) in self.store.stat_alerts().await? {
            acc.add("alerts", &period, &township, &level, n);
        }
        for (township, month, program, fen) in self.store.stat_committed().await? {
            acc.add("committed_fen", &month, &township, &program, fen);
        }
        for (township, month, program, fen) in self.store.stat_paid().await? {
            acc.add("paid_fen", &month, &township, &program, fen);
        }

        let cells = acc.into_cells();
        let refresh = StatRefresh {
            started_at,
            finished_at: self.now(),
            cells: i64::try_from(cells.len()).unwrap_or(i64::MAX),
            millis: i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX),
            refreshed_by: actor.map_or_else(|| "system:stats".to_string(), |a| a.login.clone()),
        };
        let mut tx = self.store.begin_write().await?;
        tx.replace_stat_cells(&cells, &refresh).await?;
        if let Some(a) = actor {
            tx.audit(self.audit_entry(a, "stats.refresh", "stats", None, "ok", json!({"cells": refresh.cells, "millis": refresh.millis})))
                .await?;
        }
        tx.commit().await?;
        Ok(refresh)
    }

    /// The dashboard of months `from..=to` (default: the last 12 months) in a township or the
    /// district; a township clerk always sees their own township.
    pub async fn dashboard(&self, actor: &Actor, from: &str, to: &str, township: &str) -> AppResult<Dashboard> {
        viewer(actor)?;
        let (from, to) = range(from, to, self.clock.today())?;
        let township = match (actor.role, township.trim()) {
            (Role::TownshipClerk, _) => Some(actor.township.clone().unwrap_or_default()),
            (_, "") => None,
            (_, t) => Some(jiuye_domain::division::parse_township(t).map_err(|e| AppError::Validation(vec![e]))?.to_string()),
        };
        let refreshed = self.store.last_stat_refresh().await?;
        let raw = self.store.stat_cells(&from, &to, township.as_deref()).await?;
        let months = months(&from, &to);
        let by_township = Cells::new(raw.clone(), true);
        let cells = Cells::new(raw, false);
        let grid = key_group_grid(&self.store.stat_cells("now", "now", None).await?);
        let column = township.as_deref().map(|t| TOWNSHIPS.iter().position(|(c, _)| *c == t));
        let key_groups: Vec<i64> = grid
            .iter()
            .map(|(_, values, total)| match column {
                None => *total,
                Some(Some(i)) => values.get(i).copied().unwrap_or(0),
                Some(None) => 0,
            })
            .collect();
        let charts = build_charts(self, &cells, &by_township, &months, township.is_none(), &key_groups);
        let headline = headline(&cells, &months, &to, &month_key(self.clock.today()));
        Ok(Dashboard {
            township_name: township.as_deref().and_then(township_name).unwrap_or("全区"),
            from,
            to,
            township,
            refreshed,
            headline,
            charts,
        })
    }

    /// Writes one chart's table as .xlsx (audited: an export).
    pub async fn export_chart(&self, actor: &Actor, chart: &str, from: &str, to: &str, township: &str, path: &Path) -> AppResult<u64> {
        let d = self.dashboard(actor, from, to, township).await?;
        let c = d.chart(chart).ok_or(AppError::NotFound)?;
        let (headers, _) = c.table();
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let sheet = XlsxSheet { name: "统计", headers: &header_refs, text_columns: &[0] };
        let units: Vec<Unit> = c.series.iter().map(|s| s.unit).collect();
        let out = c.x.iter().enumerate().map(|(i, x)| {
            let mut row = vec![OutCell::Text(x.clone())];
            for (s, unit) in c.series.iter().zip(&units) {
                let v = s.values.get(i).copied().unwrap_or(0);
                row.push(match unit {
                    Unit::Count if v >= 0 => OutCell::Int(v),
                    _ => OutCell::Text(unit.format(v)),
                });
            }
            row
        });
        let note = format!(
            "{}（{}，{} 至 {}）；数据截至 {}；导出人 {} {}",
            c.title,
            d.township_name,
            d.from,
            d.to,
            d.refreshed.as_ref().map(|r| crate::local_time(r.finished_at)).unwrap_or_else(|| "未刷新".into()),
            actor.display_name,
            crate::local_time(self.now())
        );
        let n = write_xlsx(path, &sheet, out, Some(&note)).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.store.begin_write().await?;
        tx.audit(self.audit_entry(
            actor,
            "stats.export",
            "chart",
            Some(chart.to_string()),
            "ok",
            json!({"from": d.from, "to": d.to, "township": d.township, "rows": n}),
        ))
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// The columns of the township table (overview and monthly report), after the township's name.
pub const TOWNSHIP_COLUMNS: [&str; 12] = [
    "月末登记失业人数",
    "当月新登记失业",
    "当月实现再就业",
    "当月跟踪服务人数",
    "跟踪服务覆盖率",
    "监测企业报送户数",
    "监测企业月末用工",
    "监测企业当月新招用",
    "监测企业当月裁员",
    "当月裁员预警",
    "当月新发布岗位",
    "当月补贴支付（元）",
];

/// One township's (or the total's) figures of a month, in the order of `TOWNSHIP_COLUMNS`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TownshipLine {
    pub code: String,
    pub name: String,
    pub values: Vec<(Unit, i64)>,
    pub cells: Vec<String>,
}

fn township_line(code: &str, name: &str, c: &Cells, p: &str) -> TownshipLine {
    let values = vec![
        (Unit::Count, c.total("unemployed_end", p)),
        (Unit::Count, c.total("registered_new", p)),
        (Unit::Count, c.total("reemployed", p)),
        (Unit::Count, c.total("contacted", p)),
        (Unit::Permille, permille(c.total("contacted", p), c.total("unemployed_active", p))),
        (Unit::Count, c.total("reports", p)),
        (Unit::Count, c.total("headcount_end", p)),
        (Unit::Count, c.total("new_hires", p)),
        (Unit::Count, c.total("layoffs", p)),
        (Unit::Count, c.total("alerts", p)),
        (Unit::Count, c.total("posts_published", p)),
        (Unit::Fen, c.total("paid_fen", p)),
    ];
    let cells = values.iter().map(|(u, v)| u.format(*v)).collect();
    TownshipLine { code: code.to_string(), name: name.to_string(), values, cells }
}

fn period_arg(period: &str, today: Date) -> AppResult<String> {
    let p = period.trim();
    if p.is_empty() {
        let i = month_index(&month_key(today)).unwrap_or(0) - 1;
        return Ok(month_of_index(i));
    }
    let (y, m) = parse_period(p).map_err(|e| AppError::Validation(vec![e]))?;
    Ok(format!("{y}-{:02}", u8::from(m)))
}

fn out(values: &[(Unit, i64)]) -> Vec<OutCell> {
    values.iter().map(|(u, v)| if *u == Unit::Count { OutCell::Int(*v) } else { OutCell::Text(u.format(*v)) }).collect()
}

impl App {
    /// Each township's figures of a month (a clerk: their own), then the total when there are several.
    pub async fn township_lines(&self, actor: &Actor, period: &str) -> AppResult<Vec<TownshipLine>> {
        viewer(actor)?;
        let p = period_arg(period, self.clock.today())?;
        let own = (actor.role == Role::TownshipClerk).then(|| actor.township.clone().unwrap_or_default());
        let raw = self.store.stat_cells(&p, &p, own.as_deref()).await?;
        let mut lines = Vec::new();
        for (code, name) in TOWNSHIPS.iter().filter(|(c, _)| own.as_deref().is_none_or(|o| o == *c)) {
            let cells = Cells::new(raw.iter().filter(|c| c.township_code == *code).cloned().collect(), false);
            lines.push(township_line(code, name, &cells, &p));
        }
        if own.is_none() {
            lines.push(township_line("", "合计", &Cells::new(raw, false), &p));
        }
        Ok(lines)
    }

    /// Writes the monthly employment statistics report of `period` (default: last month) as
    /// .xlsx from the stored figures, never typed: the township table, subsidies by program
    /// (month and year to date) and key groups by township. Audited as an export. Returns the period.
    pub async fn monthly_report(&self, actor: &Actor, period: &str, path: &Path) -> AppResult<String> {
        viewer(actor)?;
        let p = period_arg(period, self.clock.today())?;
        let lines = self.township_lines(actor, &p).await?;
        let own = (actor.role == Role::TownshipClerk).then(|| actor.township.clone().unwrap_or_default());
        let year_start = format!("{}-01", p.get(..4).unwrap_or("2000"));
        let year = Cells::new(self.store.stat_cells(&year_start, &p, own.as_deref()).await?, false);
        let refreshed = self.store.last_stat_refresh().await?;
        let (y, m) = p.split_once('-').unwrap_or((&p, "01"));
        let m = m.trim_start_matches('0');
        let unit = own
            .as_deref()
            .and_then(township_name)
            .map_or("南和区人力资源和社会保障局".to_string(), |t| format!("南和区{t}人社服务窗口"));
        let as_of = refreshed.as_ref().map_or_else(|| "尚未统计".to_string(), |r| crate::local_time(r.finished_at));
        let source = format!(
            "数据来源：本系统的失业登记、跟踪服务、企业用工监测月报、岗位和补贴台账，由系统生成，不得手工改动；数据截至 {as_of}。生成人：{}，生成时间：{}。",
            actor.display_name,
            crate::local_time(self.now())
        );
        let mut headers = vec!["乡镇(街道)".to_string()];
        headers.extend(TOWNSHIP_COLUMNS.iter().map(|h| (*h).to_string()));
        let main = jiuye_io::ReportSheet {
            name: "就业情况月报".into(),
            title: format!("南和区就业情况月报表（{y}年{m}月）"),
            subtitle: format!("填报单位：{unit}        报告期：{y}年{m}月        单位：人、户、个、元"),
            headers,
            total_row: own.is_none(),
            rows: lines
                .iter()
                .map(|l| {
                    let mut r = vec![OutCell::Text(l.name.clone())];
                    r.extend(out(&l.values));
                    r
                })
                .collect(),
            notes: vec![
                "注：月末登记失业人数为月末仍在登记期内的人数；覆盖率 = 当月跟踪服务人数 ÷ 当月在册登记失业人数；监测企业为纳入用工监测的企业（措施（三十））。".into(),
                source.clone(),
            ],
        };
        let mut programs = year.dims("committed_fen");
        programs.extend(year.dims("paid_fen"));
        programs.sort();
        programs.dedup();
        let mut program_rows = Vec::new();
        let (mut t_c, mut t_p, mut t_y) = (0, 0, 0);
        for program in &programs {
            let committed = year.get("committed_fen", &p, program);
            let paid = year.get("paid_fen", &p, program);
            let paid_year: i64 = months(&year_start, &p).iter().map(|mm| year.get("paid_fen", mm, program)).sum();
            if committed == 0 && paid == 0 && paid_year == 0 {
                continue;
            }
            (t_c, t_p, t_y) = (t_c + committed, t_p + paid, t_y + paid_year);
            let name = self.rules.program(program).map_or_else(|| program.clone(), |r| r.name.to_string());
            let fund = crate::payments::fund_label(crate::payments::fund_of(program));
            program_rows.push(vec![
                OutCell::Text(name),
                OutCell::Text(fund.to_string()),
                OutCell::Text(fen_to_yuan(committed)),
                OutCell::Text(fen_to_yuan(paid)),
                OutCell::Text(fen_to_yuan(paid_year)),
            ]);
        }
        program_rows.push(vec![
            OutCell::Text("合计".into()),
            OutCell::Empty,
            OutCell::Text(fen_to_yuan(t_c)),
            OutCell::Text(fen_to_yuan(t_p)),
            OutCell::Text(fen_to_yuan(t_y)),
        ]);
        let subsidies = jiuye_io::ReportSheet {
            name: "补贴发放".into(),
            title: format!("南和区就业补贴发放情况表（{y}年{m}月）"),
            subtitle: format!("填报单位：{unit}        报告期：{y}年{m}月        单位：元"),
            headers: ["补贴项目", "资金渠道", "当月批准入账", "当月支付", "本年累计支付"].iter().map(|h| (*h).to_string()).collect(),
            rows: program_rows,
            total_row: true,
            notes: vec!["注：批准入账为当月台账记录（已扣除撤销和追回）；支付以银行回单为准（措施（二十））。".into(), source.clone()],
        };
        let grid = key_group_grid(&self.store.stat_cells("now", "now", None).await?);
        let cell = |v: i64| if v < 0 { OutCell::Text(Unit::Count.format(v)) } else { OutCell::Int(v) };
        let mut key_rows = Vec::new();
        for (i, (code, name)) in TOWNSHIPS.iter().enumerate() {
            if own.as_deref().is_some_and(|o| o != *code) {
                continue;
            }
            let mut r = vec![OutCell::Text((*name).to_string())];
            r.extend(grid.iter().map(|(_, values, _)| cell(values.get(i).copied().unwrap_or(0))));
            key_rows.push(r);
        }
        if own.is_none() {
            let mut r = vec![OutCell::Text("合计".into())];
            r.extend(grid.iter().map(|(_, _, total)| cell(*total)));
            key_rows.push(r);
        }
        let mut key_headers = vec!["乡镇(街道)".to_string()];
        key_headers.extend(Tag::ALL.iter().map(|t| t.label().to_string()));
        let key_groups = jiuye_io::ReportSheet {
            name: "重点群体".into(),
            title: "南和区重点群体人员情况表".into(),
            subtitle: format!("填报单位：{unit}        统计时点：{as_of}        单位：人"),
            headers: key_headers,
            rows: key_rows,
            total_row: own.is_none(),
            notes: vec![
                "注：同一人属于多个类别的，在各类别分别计数；为登记在册的当前状态。残疾人、低保、建档立卡贫困户不足5人的显示为“<5”，为防止由合计推算，另一乡镇相应数字显示为“—”。".into(),
                source,
            ],
        };
        jiuye_io::write_report(path, &[main, subsidies, key_groups]).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.store.begin_write().await?;
        tx.audit(self.audit_entry(actor, "stats.report", "period", Some(p.clone()), "ok", json!({"townships": lines.len()}))).await?;
        tx.commit().await?;
        Ok(p)
    }
}

fn headline(cells: &Cells, months: &[String], to: &str, this_month: &str) -> Headline {
    let active = cells.total("unemployed_active", to);
    // A month's reports are due in the next month: the monitoring figures are of the last month
    // before this one that has reports (a closure reported today, or an early report, does not
    // make this month the one shown).
    let monitored = months.iter().rev().find(|m| m.as_str() < this_month && cells.total("reports", m) > 0).map_or(to, String::as_str);
    Headline {
        period: to.to_string(),
        unemployed: cells.total("unemployed_end", to),
        registered_new: cells.total("registered_new", to),
        reemployed: cells.total("reemployed", to),
        coverage_permille: (active > 0).then(|| permille(cells.total("contacted", to), active)),
        open_posts: cells.total("open_posts", "now"),
        seekers: cells.total("seekers", "now"),
        alerts_red: cells.get("alerts", monitored, "red"),
        alerts_orange: cells.get("alerts", monitored, "orange"),
        alerts_yellow: cells.get("alerts", monitored, "yellow"),
        headcount: cells.total("headcount_end", monitored),
        monitor_period: monitored.to_string(),
        committed_fen: cells.total("committed_fen", to),
        paid_fen: cells.total("paid_fen", to),
    }
}

fn build_charts(app: &App, cells: &Cells, by_township: &Cells, months: &[String], district: bool, key_groups: &[i64]) -> Vec<Chart> {
    let mut charts = Vec::new();

    // 1. Registered unemployed at each month's end, stacked by township for the district.
    let unemployed = if district {
        TOWNSHIPS
            .iter()
            .map(|(code, name)| Series {
                stack: Some("townships"),
                ..series(name, "bar", Unit::Count, months.iter().map(|m| by_township.get("unemployed_end", m, code)).collect())
            })
            .collect()
    } else {
        vec![series("登记失业人数", "bar", Unit::Count, cells.per_month("unemployed_end", months))]
    };
    charts.push(Chart {
        id: "unemployed",
        title: "登记失业人数（月末）".into(),
        basis: "措施（二十二）：失业登记与分级分类服务",
        x_label: "月份",
        x: months.to_vec(),
        series: unemployed,
    });

    // 2. Follow-up: registrations contacted in the month and the share of those registered.
    let contacted = cells.per_month("contacted", months);
    let coverage = months.iter().zip(&contacted).map(|(m, c)| permille(*c, cells.total("unemployed_active", m))).collect();
    charts.push(Chart {
        id: "followup",
        title: "失业人员跟踪服务覆盖".into(),
        basis: "措施（二十二）：每月跟踪服务",
        x_label: "月份",
        x: months.to_vec(),
        series: vec![
            series("当月登记在册人数", "bar", Unit::Count, cells.per_month("unemployed_active", months)),
            series("当月已跟踪服务人数", "bar", Unit::Count, contacted),
            Series { axis: 1, ..series("覆盖率", "line", Unit::Permille, coverage) },
        ],
    });

    // 3. New jobs and re-employment.
    charts.push(Chart {
        id: "jobs",
        title: "新增就业与再就业".into(),
        basis: "措施（三十）：就业形势监测；（二十二）：失业人员再就业",
        x_label: "月份",
        x: months.to_vec(),
        series: vec![
            series("监测企业新招用", "bar", Unit::Count, cells.per_month("new_hires", months)),
            series("失业人员实现再就业", "bar", Unit::Count, cells.per_month("reemployed", months)),
            series("新发布岗位数", "bar", Unit::Count, cells.per_month("posts_published", months)),
            series("新登记失业", "line", Unit::Count, cells.per_month("registered_new", months)),
        ],
    });

    // 4. Key groups (current).
    charts.push(Chart {
        id: "key_groups",
        title: "重点群体人数（当前）".into(),
        basis: "措施（七）至（十九）：重点群体就业",
        x_label: "人员类别",
        x: Tag::ALL.iter().map(|t| t.label().to_string()).collect(),
        series: vec![series("人数", "bar", Unit::Count, key_groups.to_vec())],
    });

    // 5. Open posts against job seekers by occupation major group (current).
    charts.push(Chart {
        id: "supply",
        title: "岗位需求与求职人数（按职业大类，当前）".into(),
        basis: "措施（二十一）：人岗对接",
        x_label: "职业大类",
        x: MAJOR_GROUPS.iter().map(|(c, n)| format!("{c} {n}")).collect(),
        series: vec![
            series("空缺岗位数", "bar", Unit::Count, MAJOR_GROUPS.iter().map(|(c, _)| cells.get("open_posts", "now", c)).collect()),
            series("求职人数", "bar", Unit::Count, MAJOR_GROUPS.iter().map(|(c, _)| cells.get("seekers", "now", c)).collect()),
        ],
    });

    // 6. Monitored enterprises: headcount, insured staff and layoffs.
    charts.push(Chart {
        id: "monitoring",
        title: "监测企业用工人数趋势".into(),
        basis: "措施（三十）：企业用工监测",
        x_label: "月份",
        x: months.to_vec(),
        series: vec![
            series("月末用工人数", "line", Unit::Count, cells.per_month("headcount_end", months)),
            series("参保人数", "line", Unit::Count, cells.per_month("insured", months)),
            Series { axis: 1, ..series("裁员人数", "bar", Unit::Count, cells.per_month("layoffs", months)) },
            Series { axis: 1, ..series("报送企业数", "line", Unit::Count, cells.per_month("reports", months)) },
        ],
    });

    // 7. Alerts by level.
    let levels = [("red", "红色预警"), ("orange", "橙色预警"), ("yellow", "黄色预警")];
    charts.push(Chart {
        id: "alerts",
        title: "裁员预警（按级别）".into(),
        basis: "措施（三十二）：规模性失业风险预警",
        x_label: "月份",
        x: months.to_vec(),
        series: levels
            .iter()
            .map(|(code, name)| Series {
                stack: Some("levels"),
                ..series(name, "bar", Unit::Count, months.iter().map(|m| cells.get("alerts", m, code)).collect())
            })
            .collect(),
    });

    // 8. Subsidies committed and paid by program over the range.
    let mut programs = cells.dims("committed_fen");
    for p in cells.dims("paid_fen") {
        if !programs.contains(&p) {
            programs.push(p);
        }
    }
    programs.sort();
    let sum = |metric: &str, program: &str| months.iter().map(|m| cells.get(metric, m, program)).sum::<i64>();
    let mut rows: Vec<(String, i64, i64)> = programs
        .iter()
        .map(|p| (app.rules.program(p).map_or_else(|| p.clone(), |r| r.name.to_string()), sum("committed_fen", p), sum("paid_fen", p)))
        .filter(|(_, c, p)| *c != 0 || *p != 0)
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    charts.push(Chart {
        id: "subsidies",
        title: "补贴资金（按项目，期间合计）".into(),
        basis: "措施（二十）：补贴申领与发放",
        x_label: "补贴项目",
        x: rows.iter().map(|r| r.0.clone()).collect(),
        series: vec![
            series("已批准（入账）", "bar", Unit::Fen, rows.iter().map(|r| r.1).collect()),
            series("已支付", "bar", Unit::Fen, rows.iter().map(|r| r.2).collect()),
        ],
    });
    charts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ranges() {
        assert_eq!(months("2019-11", "2020-02"), vec!["2019-11", "2019-12", "2020-01", "2020-02"]);
        assert!(months("2020-02", "2019-11").is_empty());
        let today = time::macros::date!(2026 - 11 - 27);
        assert_eq!(range("", "", today).ok(), Some(("2025-12".to_string(), "2026-11".to_string())));
        assert!(range("2020-05", "2020-04", today).is_err());
        assert!(range("2015-01", "2020-04", today).is_err(), "more than 60 months");
        assert!(range("2020-13", "", today).is_err());
    }

    #[test]
    fn small_sensitive_counts_are_suppressed_so_that_the_total_does_not_give_them_away() {
        let mut one = vec![0, 3, 12, 40, 7];
        suppress_column(&mut one);
        assert_eq!(one, vec![0, SMALL, 12, 40, HIDDEN], "a single small count takes the smallest other one with it");
        let mut two = vec![2, 4, 12, 0];
        suppress_column(&mut two);
        assert_eq!(two, vec![SMALL, SMALL, 12, 0]);
        let mut none = vec![0, 5, 9];
        suppress_column(&mut none);
        assert_eq!(none, vec![0, 5, 9]);
        assert_eq!((Unit::Count.format(SMALL), Unit::Count.format(HIDDEN)), ("<5".to_string(), "—".to_string()));
    }

    #[test]
    fn units_format() {
        assert_eq!(Unit::Permille.format(875), "87.5%");
        assert_eq!(Unit::Fen.format(123_456), "1234.56");
        assert_eq!(Unit::Count.format(42), "42");
        assert_eq!(permille(1, 3), 333);
        assert_eq!(permille(5, 0), 0);
    }
}
