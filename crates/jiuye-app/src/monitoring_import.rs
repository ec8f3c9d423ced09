//! Staff import of monitored enterprises' monthly reports (用工监测月报表) from `.xlsx` / `.csv`:
//! one row per enterprise and month, read by jiuye-io (size, zip-bomb, formula and merged-cell
//! checks, encoding sniffing) like the person and enterprise import.
//!
//! Every row goes through the same check as the report form (`monitoring::check_report`), then:
//! the credit code must be in the enterprise registry, the enterprise monitored, and — for a
//! township clerk — in the clerk's township; the same enterprise and month twice in the file is an
//! error on the later row. A row whose enterprise already has a report for that month is a
//! **conflict**: the stored report is never overwritten by an import (a correction is made on the
//! enterprise's monitoring page, by version).
//!
//! Policy on partial failure, as the person and enterprise import: by default the good rows are
//! stored and every bad or conflicting row is listed with its spreadsheet row (header = 1),
//! column and reason; with `all_or_nothing` any bad or conflicting row means nothing is stored. A
//! file that cannot be read at all stores nothing. The stored rows and the alerts they raise are
//! written in one transaction, in order of enterprise and month (so a file holding two months of
//! an enterprise compares the second month's insured staff with the first), with one audit entry.

use std::collections::HashMap;
use std::path::Path;

use jiuye_domain::monitoring::{Finding, Level, PRODUCTION_STATUSES, findings, rule_label};
use jiuye_domain::normalize::normalize;
use jiuye_domain::{CreditCode, Role};
use jiuye_io::{RawCell, RawRow, RowSink, SinkStop};
use jiuye_store::monitoring::{NewReport, ReportTarget};
use serde_json::json;

use crate::import::{ImportOptions, RowError, excel_serial_date};
use crate::monitoring::{ReportInput, channel_label, check_report, figures_of, previous_period, raise_findings};
use crate::{Actor, App, AppError, AppResult};

/// The template's columns, in order.
pub const REPORT_HEADERS: [&str; 11] = [
    "统一社会信用代码",
    "报表月份",
    "月初人数",
    "新招用人数",
    "减员人数",
    "其中裁员人数",
    "月末人数",
    "参保人数",
    "空岗数",
    "生产经营状况",
    "困难和问题",
];

/// Columns a file must have (空岗数 and 困难和问题 may be left out).
const REQUIRED: [&str; 9] =
    ["统一社会信用代码", "报表月份", "月初人数", "新招用人数", "减员人数", "其中裁员人数", "月末人数", "参保人数", "生产经营状况"];

/// Most rows one import takes (a district's monitored enterprises × several years of months).
pub const MAX_REPORT_ROWS: u32 = 50_000;

const MAX_ERRORS: usize = 10_000;

/// An alert a stored row raised.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportedAlert {
    pub row: u32,
    pub enterprise: String,
    pub period: String,
    pub rule: &'static str,
    pub rule_label: &'static str,
    pub level: &'static str,
    pub level_label: &'static str,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReportImport {
    /// Data rows read.
    pub rows: u64,
    /// Reports stored (0 when nothing was committed).
    pub stored: u64,
    /// Rows refused for an error in them.
    pub rejected: u64,
    /// Rows refused because the enterprise already has a report for the month.
    pub conflicts: u64,
    /// Whether the good rows were stored.
    pub committed: bool,
    pub all_or_nothing: bool,
    pub ignored_columns: Vec<String>,
    /// Bad rows, by row: each names the row, the column and the reason, in Chinese.
    pub errors: Vec<RowError>,
    /// Conflicting rows (a report of that month is already stored and was left as it is).
    pub conflict_rows: Vec<RowError>,
    /// Alerts the stored rows raised (empty when nothing was committed).
    pub alerts: Vec<ImportedAlert>,
    pub errors_truncated: bool,
}

/// A header as compared with the known names: normalised, without brackets, spaces, colons and
/// the asterisk some templates put on required columns.
pub(crate) fn header_key(h: &str) -> String {
    normalize(h).replace(['（', '）', '(', ')', ' ', ':', '：', '*'], "")
}

/// Other names offices give the template's columns.
fn canonical_header(h: &str) -> String {
    let n = header_key(h);
    let c = match n.as_str() {
        "统一社会信用代码" | "信用代码" | "社会信用代码" => "统一社会信用代码",
        "报表月份" | "月份" | "统计月份" | "所属月份" | "报告期" | "报表期" => "报表月份",
        "月初人数" | "期初人数" | "月初职工人数" | "月初用工人数" => "月初人数",
        "新招用人数" | "新招人数" | "新增人数" | "本月新招用人数" => "新招用人数",
        "减员人数" | "本月减员人数" | "减少人数" => "减员人数",
        "其中裁员人数" | "裁员人数" | "其中裁员" => "其中裁员人数",
        "月末人数" | "期末人数" | "月末职工人数" | "月末用工人数" => "月末人数",
        "参保人数" | "月末参保人数" | "参加社会保险人数" => "参保人数",
        "空岗数" | "空缺岗位数" | "岗位空缺数" | "空岗人数" => "空岗数",
        "生产经营状况" | "生产经营状态" | "经营状况" | "生产状况" => "生产经营状况",
        "困难和问题" | "存在的困难和问题" | "困难问题" | "存在困难和问题" => "困难和问题",
        other => return other.to_string(),
    };
    c.to_string()
}

/// The production status as typed: the code, the label, or a common short form.
fn production_code(s: &str) -> Option<&'static str> {
    let t = normalize(s).replace(['（', '）', '(', ')', '、', ' '], "");
    let code = match t.as_str() {
        "normal" | "正常" | "正常生产" | "正常经营" => "normal",
        "reduced" | "减产" | "部分停工" | "减产部分停工" | "半停产" => "reduced",
        "stopped" | "停产" | "停工" | "停产停业" => "stopped",
        "closed" | "关闭" | "注销" | "破产" | "关闭注销破产" | "关闭注销" => "closed",
        _ => return None,
    };
    Some(code)
}

/// The month of a cell: `2020-03` as text (also 2020/3, 2020.03, 2020年3月, 202003, or a whole
/// date), or a date cell (Excel and LibreOffice turn a typed 2020-03 into 2020-03-01).
fn period_text(cell: Option<&RawCell>) -> Result<String, String> {
    match cell {
        None | Some(RawCell::Empty) => Ok(String::new()),
        Some(RawCell::DateTime(serial)) => {
            excel_serial_date(*serial).map(|d| format!("{}-{:02}", d.year(), u8::from(d.month()))).ok_or_else(|| "日期值无效".into())
        }
        Some(RawCell::DateIso(s)) => Ok(s.chars().take(7).collect()),
        Some(RawCell::Int(i)) => Ok(month_of_text(&i.to_string())),
        Some(RawCell::Float(f)) if f.fract() == 0.0 && f.abs() < 1e9 => Ok(month_of_text(&format!("{}", *f as i64))),
        Some(RawCell::Text(s)) => Ok(month_of_text(s)),
        Some(RawCell::Float(_)) => Err("不是有效月份，应为 2020-03 这样的年月".into()),
        Some(RawCell::Bool(_)) => Err("不应为逻辑值（TRUE/FALSE）".into()),
        Some(RawCell::Error(e)) => Err(format!("单元格为错误值{e}")),
    }
}

fn month_of_text(s: &str) -> String {
    let t = normalize(s).replace(['/', '.', '年'], "-").replace(['月', '日'], "");
    let t = t.trim_end_matches('-').to_string();
    if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{}-{}", &t[..4], &t[4..]);
    }
    let parts: Vec<&str> = t.split('-').collect();
    match parts.as_slice() {
        [y, m] | [y, m, _] if y.len() == 4 && !m.is_empty() && m.len() <= 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{y}-{:0>2}", m)
        }
        _ => t,
    }
}

/// A count or text cell as text; a number must be whole.
pub(crate) fn plain_text(column: &str, cell: Option<&RawCell>) -> Result<String, String> {
    match cell {
        None | Some(RawCell::Empty) => Ok(String::new()),
        Some(RawCell::Text(s)) => Ok(s.clone()),
        Some(RawCell::Int(i)) => Ok(i.to_string()),
        Some(RawCell::Float(f)) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(format!("{}", *f as i64)),
        Some(RawCell::Float(f)) => Ok(format!("{f}")),
        Some(RawCell::DateTime(_) | RawCell::DateIso(_)) => Err(format!("{column}不应为日期格式")),
        Some(RawCell::Bool(_)) => Err("不应为逻辑值（TRUE/FALSE）".into()),
        Some(RawCell::Error(e)) => Err(format!("单元格为错误值{e}")),
    }
}

/// A credit-code cell: text (a number has lost its last digits), not empty, a valid code.
pub(crate) fn credit_code_cell(cell: Option<&RawCell>) -> Result<String, String> {
    let t = credit_text(cell)?;
    if normalize(&t).is_empty() {
        return Err("不能为空".into());
    }
    CreditCode::parse(&t).map(|c| c.as_str().to_string()).map_err(|e| e.message)
}

pub(crate) fn credit_text(cell: Option<&RawCell>) -> Result<String, String> {
    match cell {
        Some(RawCell::Int(_) | RawCell::Float(_)) => {
            Err("为数值格式（Excel会把长数字存成数值并丢失后几位），请将该列设为文本格式后重新填写".into())
        }
        other => plain_text("统一社会信用代码", other),
    }
}

/// Reads a whole file of at most `max_rows` rows off the async runtime (jiuye-io's checks of size,
/// zip bombs, formulas and merged cells apply), with its SHA-256; a file without a header row or
/// that cannot be read is refused whole.
pub(crate) async fn read_small_table(
    path: &Path,
    original_name: &str,
    opts: &ImportOptions,
    max_rows: u32,
) -> AppResult<(String, Collect)> {
    let digest = crate::import::file_sha256(path).map_err(|e| AppError::BadInput(format!("无法读取文件：{e}")))?;
    let mut limits = opts.limits.clone();
    limits.max_rows = limits.max_rows.min(max_rows);
    let (p, name) = (path.to_path_buf(), original_name.to_string());
    let table = tokio::task::spawn_blocking(move || {
        let mut sink = Collect { header: Vec::new(), rows: Vec::new() };
        jiuye_io::read_table(&p, &name, &limits, &mut sink).map(|_| sink)
    })
    .await
    .map_err(|e| AppError::Internal(format!("读取线程异常：{e}")))?
    .map_err(|e| AppError::BadInput(e.to_string()))?;
    if table.header.iter().all(|h| h.trim().is_empty()) {
        return Err(AppError::BadInput("文件中没有表头".into()));
    }
    Ok((digest, table))
}

pub(crate) struct Collect {
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<RawRow>,
}

impl RowSink for Collect {
    fn header(&mut self, headers: &[String]) -> Result<(), SinkStop> {
        self.header = headers.to_vec();
        Ok(())
    }
    fn row(&mut self, row: RawRow) -> Result<(), SinkStop> {
        self.rows.push(row);
        Ok(())
    }
}

/// A row that passed every check that needs no database.
struct Candidate {
    row: u32,
    credit_code: String,
    period: String,
    figures: jiuye_domain::monitoring::Figures,
    difficulties: String,
}

pub(crate) fn push(list: &mut Vec<RowError>, truncated: &mut bool, row: u32, column: &str, reason: impl Into<String>) {
    if list.len() < MAX_ERRORS {
        list.push(RowError { row, column: column.to_string(), reason: reason.into() });
    } else {
        *truncated = true;
    }
}

/// Who may import reports: bureau staff (and administrators) for any enterprise, a township clerk
/// for the enterprises of their township.
pub fn can_import_reports(role: Role) -> bool {
    matches!(role, Role::Admin | Role::BureauStaff | Role::TownshipClerk)
}

impl App {
    /// The registered enterprises among `codes` (any order, repeats allowed), by credit code: the
    /// registry check shared by the report and insurance imports.
    pub(crate) async fn targets_by_code<'c>(&self, codes: impl Iterator<Item = &'c str>) -> AppResult<HashMap<String, ReportTarget>> {
        let mut codes: Vec<String> = codes.map(str::to_string).collect();
        codes.sort();
        codes.dedup();
        Ok(self.store.report_targets(&codes).await?.into_iter().map(|t| (t.credit_code.clone(), t)).collect())
    }

    /// Writes the import template (.xlsx): the columns, an example row, and a notes sheet.
    pub fn write_report_template(&self, dest: &Path) -> AppResult<()> {
        let today = self.clock.today();
        let (y, m) = if today.month() == time::Month::January {
            (today.year() - 1, time::Month::December)
        } else {
            (today.year(), today.month().previous())
        };
        let last = format!("{y}-{:02}", u8::from(m));
        let example = vec!["91130527MA0000010Q", last.as_str(), "120", "3", "5", "2", "118", "110", "4", "正常生产", ""];
        let statuses: Vec<&str> = PRODUCTION_STATUSES.iter().map(|(_, l)| *l).collect();
        let status_note = format!("生产经营状况填：{}（也可填“正常”“减产”“关闭”）。", statuses.join("、"));
        let notes = [
            "每行一个企业一个月份。必填：统一社会信用代码、报表月份、月初人数、新招用人数、减员人数、其中裁员人数、月末人数、参保人数、生产经营状况；空岗数不填按0，困难和问题可空。",
            "统一社会信用代码和报表月份两列已设为文本格式，请保持文本，报表月份写成2020-03。",
            "人数均为整数；须满足：月初人数 + 新招用人数 − 减员人数 = 月末人数；其中裁员人数不多于减员人数；参保人数不多于在职人数。",
            status_note.as_str(),
            "企业须已在企业名册登记并已纳入用工监测；乡镇窗口只能导入本乡镇企业的报表。",
            "某企业某月已报送的报表不会被导入覆盖（列为“冲突”），如需更正请在该企业的用工监测页面点“更正”。",
            "默认正确的行导入、错误的行逐行列出原因；勾选“全部正确才导入”时有任何错误或冲突行则不导入任何数据。",
        ];
        let sheet = jiuye_io::XlsxSheet { name: "用工监测月报表", headers: &REPORT_HEADERS, text_columns: &[0, 1] };
        jiuye_io::write_template(dest, &sheet, &[example], &notes).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Imports monthly reports from a file (see the module documentation for the rules and the
    /// policy on partial failure). An `Err` means the file as a whole could not be processed and
    /// nothing was stored; rejected and conflicting rows are in the report.
    pub async fn import_reports(&self, actor: &Actor, path: &Path, original_name: &str, opts: &ImportOptions) -> AppResult<ReportImport> {
        if !can_import_reports(actor.role) {
            return Err(AppError::Forbidden("用工监测报表由区人社局或乡镇窗口导入"));
        }
        let (digest, table) = read_small_table(path, original_name, opts, MAX_REPORT_ROWS).await?;
        let mut report = ReportImport { all_or_nothing: opts.all_or_nothing, rows: table.rows.len() as u64, ..Default::default() };
        let columns = map_headers(&table.header, &mut report)?;
        let col = |row: &RawRow, name: &str| columns.get(name).and_then(|i| row.cells.get(*i)).cloned();

        // 1. Each row on its own: cells, credit code, the report's figures (the form's check).
        let today = self.clock.today();
        let mut candidates = Vec::with_capacity(table.rows.len());
        let (mut errors, mut truncated) = (Vec::new(), false);
        let mut out_of_scope: u64 = 0;
        for row in &table.rows {
            let n = row.row;
            let mut bad = false;
            let mut err = |column: &str, reason: String| {
                push(&mut errors, &mut truncated, n, column, reason);
                bad = true;
            };
            let code = credit_code_cell(col(row, "统一社会信用代码").as_ref()).map_err(|r| err("统一社会信用代码", r)).ok();
            let period = match period_text(col(row, "报表月份").as_ref()) {
                Ok(t) if t.is_empty() => {
                    err("报表月份", "不能为空，应为 2020-03 这样的年月".into());
                    String::new()
                }
                Ok(t) => t,
                Err(reason) => {
                    err("报表月份", reason);
                    String::new()
                }
            };
            let mut text = |name: &str| match plain_text(name, col(row, name).as_ref()) {
                Ok(t) => t,
                Err(reason) => {
                    err(name, reason);
                    String::new()
                }
            };
            let counts: Vec<String> =
                ["月初人数", "新招用人数", "减员人数", "其中裁员人数", "月末人数", "参保人数", "空岗数"].iter().map(|c| text(c)).collect();
            let status_text = text("生产经营状况");
            let difficulties = text("困难和问题");
            let production_status = match production_code(&status_text) {
                Some(c) => c.to_string(),
                None => {
                    let allowed: Vec<&str> = PRODUCTION_STATUSES.iter().map(|(_, l)| *l).collect();
                    let reason = if normalize(&status_text).is_empty() {
                        format!("不能为空，应填：{}", allowed.join("、"))
                    } else {
                        format!("“{}”不是有效的生产经营状况，应填：{}", normalize(&status_text), allowed.join("、"))
                    };
                    err("生产经营状况", reason);
                    String::new()
                }
            };
            if bad || period.is_empty() {
                report.rejected += 1;
                continue;
            }
            let [start, hires, sep, layoffs, end, insured, vacancies] = <[String; 7]>::try_from(counts).unwrap_or_default();
            let input = ReportInput {
                period,
                headcount_start: start,
                new_hires: hires,
                separations: sep,
                layoffs,
                headcount_end: end,
                insured,
                vacancies,
                production_status,
                difficulties: difficulties.clone(),
                version: String::new(),
            };
            match check_report(&input, today) {
                Ok((period, figures)) => {
                    if let Some(credit_code) = code {
                        candidates.push(Candidate { row: n, credit_code, period, figures, difficulties: normalize(&difficulties) });
                    } else {
                        report.rejected += 1;
                    }
                }
                Err(errs) => {
                    for e in errs {
                        let column = if e.field == "生产经营状态" { "生产经营状况" } else { e.field };
                        push(&mut errors, &mut truncated, n, column, e.message);
                    }
                    report.rejected += 1;
                }
            }
        }

        // 2. Against the registry: registered, monitored, in the clerk's township, once per month.
        let targets = self.targets_by_code(candidates.iter().map(|c| c.credit_code.as_str())).await?;
        let scope = match actor.role {
            Role::TownshipClerk => Some(actor.township.clone().unwrap_or_default()),
            _ => None,
        };
        let mut seen: HashMap<(String, String), u32> = HashMap::new();
        let mut good: Vec<(Candidate, &ReportTarget)> = Vec::with_capacity(candidates.len());
        for c in candidates {
            // A clerk is told the same for an enterprise of another township as for an unregistered
            // one: the import must not tell which township an enterprise belongs to.
            let target = targets.get(&c.credit_code);
            let outside = matches!((&scope, target), (Some(mine), Some(t)) if *mine != t.township_code);
            let Some(t) = target.filter(|_| !outside) else {
                out_of_scope += u64::from(outside);
                let message = match &scope {
                    Some(mine) => format!(
                        "该代码未在本乡镇（{}）企业名册中登记：只能导入本乡镇企业的报表",
                        jiuye_domain::division::township_name(mine).unwrap_or("本乡镇")
                    ),
                    None => "该代码未在企业名册中登记，请先登记企业".to_string(),
                };
                push(&mut errors, &mut truncated, c.row, "统一社会信用代码", message);
                report.rejected += 1;
                continue;
            };
            if !t.monitored {
                push(&mut errors, &mut truncated, c.row, "统一社会信用代码", format!("{}未纳入用工监测，请先由区人社局纳入监测", t.name));
                report.rejected += 1;
                continue;
            }
            if let Some(first) = seen.get(&(c.credit_code.clone(), c.period.clone())) {
                push(&mut errors, &mut truncated, c.row, "报表月份", format!("与第{first}行重复（同一企业同一月份只能有一行）"));
                report.rejected += 1;
                continue;
            }
            seen.insert((c.credit_code.clone(), c.period.clone()), c.row);
            good.push((c, t));
        }
        // Earlier months first, so each month compares with the one before it.
        good.sort_by(|a, b| (a.1.enterprise_id, &a.0.period).cmp(&(b.1.enterprise_id, &b.0.period)));

        // 3. Store: one transaction; a month already reported is a conflict and is left as it is.
        let now = self.now();
        let thresholds = &self.monitoring.thresholds;
        let mut conflict_rows = Vec::new();
        let mut tx = self.store.begin_write().await?;
        for (c, t) in &good {
            if let Some(existing) = tx.report_for_update(t.enterprise_id, &c.period).await? {
                let when = existing.reported_at.to_offset(crate::CST).date();
                push(
                    &mut conflict_rows,
                    &mut truncated,
                    c.row,
                    "报表月份",
                    format!(
                        "{}{}的报表已于{when}报送（第{}版，{}），导入不覆盖已报数据；如需更正，请在该企业的用工监测页面点“更正”",
                        t.name,
                        c.period,
                        existing.version,
                        channel_label(&existing.channel)
                    ),
                );
                report.conflicts += 1;
                continue;
            }
            let previous = match previous_period(&c.period) {
                Some(p) => tx.report_for_update(t.enterprise_id, &p).await?,
                None => None,
            };
            let found: Vec<Finding> = findings(&c.figures, previous.as_ref().map(figures_of).as_ref(), thresholds);
            let r = NewReport {
                enterprise_id: t.enterprise_id,
                period: &c.period,
                figures: &c.figures,
                difficulties: &c.difficulties,
                channel: "import",
                reported_by: &actor.login,
                at: now,
            };
            tx.save_report(&r, None).await?;
            raise_findings(&mut tx, t.enterprise_id, &c.period, &found, &t.commissioner, now).await?;
            report.stored += 1;
            report.alerts.extend(found.into_iter().map(|f| ImportedAlert {
                row: c.row,
                enterprise: t.name.clone(),
                period: c.period.clone(),
                rule: f.rule,
                rule_label: rule_label(f.rule),
                level: f.level.code(),
                level_label: f.level.label(),
                message: f.message,
            }));
        }
        errors.sort_by_key(|e| e.row);
        conflict_rows.sort_by_key(|e| e.row);
        report.errors = errors;
        report.conflict_rows = conflict_rows;
        report.errors_truncated = truncated;
        report.alerts.sort_by_key(|a| (a.row, level_rank(a.level)));
        let detail = |r: &ReportImport, committed: bool| {
            json!({"file": original_name, "sha256": digest, "rows": r.rows, "stored": if committed { r.stored } else { 0 },
                   "rejected": r.rejected, "conflicts": r.conflicts, "alerts": if committed { r.alerts.len() } else { 0 },
                   "all_or_nothing": r.all_or_nothing, "out_of_scope": out_of_scope})
        };
        if opts.all_or_nothing && report.rejected + report.conflicts > 0 {
            drop(tx);
            report.committed = false;
            report.stored = 0;
            report.alerts.clear();
            self.store
                .audit_only(self.audit_entry(actor, "report.import", "import", Some(digest.clone()), "rejected", detail(&report, false)))
                .await?;
            return Ok(report);
        }
        tx.audit(self.audit_entry(actor, "report.import", "import", Some(digest.clone()), "ok", detail(&report, true))).await?;
        tx.commit().await?;
        report.committed = true;
        Ok(report)
    }
}

fn level_rank(level: &str) -> u8 {
    match Level::from_code(level) {
        Some(Level::Red) => 0,
        Some(Level::Orange) => 1,
        _ => 2,
    }
}

fn map_headers(headers: &[String], report: &mut ReportImport) -> AppResult<HashMap<String, usize>> {
    let (index, ignored) = map_columns(headers, &REPORT_HEADERS, &REQUIRED, canonical_header, "用工监测月报表")?;
    report.ignored_columns = ignored;
    Ok(index)
}

/// The column of each known header (under its canonical name), and the headers ignored; a file
/// with a header twice or without a required one is refused whole, naming the template.
pub(crate) fn map_columns(
    headers: &[String],
    known: &[&str],
    required: &[&str],
    canonical: fn(&str) -> String,
    template: &str,
) -> AppResult<(HashMap<String, usize>, Vec<String>)> {
    let (mut index, mut ignored) = (HashMap::new(), Vec::new());
    for (i, h) in headers.iter().enumerate() {
        if h.trim().is_empty() {
            continue;
        }
        let c = canonical(h);
        if known.contains(&c.as_str()) {
            if index.insert(c.clone(), i).is_some() {
                return Err(AppError::BadInput(format!("第1行 表头“{c}”出现了两次，请删除重复的列")));
            }
        } else {
            ignored.push(h.trim().to_string());
        }
    }
    let missing: Vec<&str> = required.iter().copied().filter(|r| !index.contains_key(*r)).collect();
    if !missing.is_empty() {
        return Err(AppError::BadInput(format!(
            "第1行 缺少必需的列：{}。请使用{template}导入模板（表头：{}）",
            missing.join("、"),
            known.join("、")
        )));
    }
    Ok((index, ignored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_in_the_forms_offices_write_them() {
        for (typed, month) in [
            ("2020-03", "2020-03"),
            ("2020-3", "2020-03"),
            ("2020/03", "2020-03"),
            ("2020.3", "2020-03"),
            ("2020年3月", "2020-03"),
            ("202003", "2020-03"),
            ("2020-03-01", "2020-03"),
            ("２０２０－０３", "2020-03"),
        ] {
            assert_eq!(period_text(Some(&RawCell::Text(typed.into()))).unwrap(), month, "{typed}");
        }
        // A typed 2020-03 that the spreadsheet turned into the date 2020-03-01.
        assert_eq!(period_text(Some(&RawCell::DateTime(43891.0))).unwrap(), "2020-03");
        assert_eq!(period_text(Some(&RawCell::DateIso("2020-03-01T00:00:00".into()))).unwrap(), "2020-03");
        assert_eq!(period_text(Some(&RawCell::Float(202003.0))).unwrap(), "2020-03");
        assert!(period_text(Some(&RawCell::Bool(true))).is_err());
    }

    #[test]
    fn statuses_and_headers_have_their_common_names() {
        assert_eq!(production_code("正常生产"), Some("normal"));
        assert_eq!(production_code("减产（部分停工）"), Some("reduced"));
        assert_eq!(production_code("停产"), Some("stopped"));
        assert_eq!(production_code("关闭（注销、破产）"), Some("closed"));
        assert_eq!(production_code("closed"), Some("closed"));
        assert_eq!(production_code("还行"), None);
        assert_eq!(canonical_header("其中：裁员人数"), "其中裁员人数");
        assert_eq!(canonical_header("生产经营状态"), "生产经营状况");
        assert_eq!(canonical_header(" 月份 "), "报表月份");
        assert_eq!(canonical_header("备注"), "备注");
    }

    #[test]
    fn numeric_credit_codes_are_refused() {
        assert!(credit_text(Some(&RawCell::Float(9.113e17))).unwrap_err().contains("文本"));
        assert_eq!(plain_text("月初人数", Some(&RawCell::Float(120.0))).unwrap(), "120");
        assert_eq!(plain_text("月初人数", Some(&RawCell::Float(1.5))).unwrap(), "1.5");
        assert!(plain_text("月初人数", Some(&RawCell::DateTime(43891.0))).is_err());
    }
}
