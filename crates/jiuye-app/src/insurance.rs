//! The unemployment-insurance agency's yearly statements of enterprises (参保缴费数据), imported by
//! the bureau from the agency's `.xlsx` / `.csv` export, and the stable-post refund's facts they
//! give (measure (二)): whether the enterprise takes part in unemployment insurance, last year's
//! unemployment-insurance contributions (the refund is at most half of them) and the monthly
//! social-insurance contributions (the hardship variant's ceiling).
//!
//! Import rules, as the other imports: every row is checked on its own (credit code, year, yes/no,
//! whole counts, yuan with at most two decimals), then against the registry (the enterprise must be
//! registered; the same enterprise and year twice in the file is an error on the later row). A
//! stored statement of the same enterprise and year is replaced by a row with other figures (a
//! corrected statement from the agency): version + 1 and an audit entry with before and after; a
//! row with the same figures changes nothing, so re-importing a file changes nothing. By default
//! good rows are stored and bad ones listed (row, column, reason); with `all_or_nothing` any bad
//! row means nothing is stored. One transaction, with the file's audit entry.

use std::collections::HashMap;
use std::path::Path;

use jiuye_domain::Role;
use jiuye_domain::normalize::normalize;
use jiuye_io::{RawCell, RawRow};
use jiuye_store::insurance::InsuranceRecord;
use jiuye_store::monitoring::ReportTarget;
use rust_decimal::Decimal;
use serde_json::json;

use crate::import::{ImportOptions, RowError};
use crate::monitoring_import::{credit_code_cell, header_key, map_columns, plain_text, push, read_small_table};
use crate::{Actor, App, AppError, AppResult};

/// The template's columns, in order.
pub const INSURANCE_HEADERS: [&str; 7] =
    ["统一社会信用代码", "单位名称", "年度", "参加失业保险", "参保职工人数", "全年实缴失业保险费(元)", "月应缴社会保险费(元)"];

/// Columns a file must have (单位名称 is for the reader; 月应缴社会保险费 may be left out).
const REQUIRED: [&str; 5] = ["统一社会信用代码", "年度", "参加失业保险", "参保职工人数", "全年实缴失业保险费(元)"];

/// Most rows one import takes (every enterprise of a district × several years).
pub const MAX_INSURANCE_ROWS: u32 = 200_000;

/// Who may import the agency's statements: bureau staff and administrators (the data is the
/// district's, from the insurance agency, not a township's).
pub fn can_import_insurance(role: Role) -> bool {
    matches!(role, Role::Admin | Role::BureauStaff)
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct InsuranceImport {
    /// Data rows read.
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub committed: bool,
    pub all_or_nothing: bool,
    pub ignored_columns: Vec<String>,
    /// Bad rows: each names the row (header = 1), the column and the reason, in Chinese.
    pub errors: Vec<RowError>,
    pub errors_truncated: bool,
}

/// Other names the agency's exports give the columns.
fn canonical_header(h: &str) -> String {
    let n = header_key(h);
    let c = match n.as_str() {
        "统一社会信用代码" | "信用代码" | "社会信用代码" | "单位统一社会信用代码" => "统一社会信用代码",
        "单位名称" | "企业名称" | "参保单位名称" => "单位名称",
        "年度" | "缴费年度" | "所属年度" | "年份" => "年度",
        "参加失业保险" | "是否参加失业保险" | "失业保险参保状态" | "参保状态" => "参加失业保险",
        "参保职工人数" | "失业保险参保人数" | "参保人数" => "参保职工人数",
        "全年实缴失业保险费元" | "实缴失业保险费元" | "失业保险费实缴金额元" | "全年实缴失业保险费" | "实缴失业保险费" => {
            "全年实缴失业保险费(元)"
        }
        "月应缴社会保险费元" | "月应缴社会保险费" | "每月应缴社会保险费元" | "月应缴社保费元" => {
            "月应缴社会保险费(元)"
        }
        other => return other.to_string(),
    };
    c.to_string()
}

/// 是 / 否 as the agency writes them.
fn yes_no(s: &str) -> Option<bool> {
    match normalize(s).as_str() {
        "是" | "参保" | "已参保" | "正常参保" | "参保缴费" | "正常缴费" | "Y" | "y" | "1" | "TRUE" | "true" => Some(true),
        "否" | "未参保" | "暂停缴费" | "终止参保" | "N" | "n" | "0" | "FALSE" | "false" => Some(false),
        _ => None,
    }
}

fn year_of(cell: Option<&RawCell>) -> Result<i32, String> {
    let t = match cell {
        None | Some(RawCell::Empty) => return Err("不能为空，应为 2019 这样的四位年份".into()),
        Some(RawCell::Int(i)) => i.to_string(),
        Some(RawCell::Float(f)) if f.fract() == 0.0 && f.abs() < 1e6 => format!("{}", *f as i64),
        Some(RawCell::Text(s)) => normalize(s).trim_end_matches('年').to_string(),
        Some(RawCell::DateTime(_) | RawCell::DateIso(_)) => return Err("不应为日期格式，应为 2019 这样的四位年份".into()),
        Some(RawCell::Bool(_)) => return Err("不应为逻辑值（TRUE/FALSE）".into()),
        Some(RawCell::Error(e)) => return Err(format!("单元格为错误值{e}")),
        Some(RawCell::Float(_)) => return Err("应为 2019 这样的四位年份".into()),
    };
    match t.parse::<i32>() {
        Ok(y) if (1990..=2100).contains(&y) => Ok(y),
        _ => Err(format!("“{t}”不是有效年度，应为 2019 这样的四位年份")),
    }
}

fn count_of(column: &str, cell: Option<&RawCell>) -> Result<i64, String> {
    let t = plain_text(column, cell)?;
    let t = normalize(&t);
    if t.is_empty() {
        return Err("不能为空".into());
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => Ok(n),
        Ok(_) => Err(format!("“{t}”超出范围，应为0或正整数")),
        Err(_) => Err(format!("“{t}”不是整数")),
    }
}

fn fen_of(column: &str, cell: Option<&RawCell>, required: bool) -> Result<Option<i64>, String> {
    let t = normalize(&plain_text(column, cell)?);
    if t.is_empty() {
        return if required { Err("不能为空（元，最多两位小数）".into()) } else { Ok(None) };
    }
    match jiuye_domain::money::parse_yuan_to_fen("金额", &t) {
        Ok(f) if f < 0 => Err(format!("“{t}”为负数，应为0或正数")),
        Ok(f) if f > 100_000_000_000_000 => Err(format!("“{t}”超出范围")),
        Ok(f) => Ok(Some(f)),
        Err(e) if e.code == "money.precision" => Err(format!("“{t}”最多保留两位小数（元）")),
        Err(_) => Err(format!("“{t}”不是有效金额（元）")),
    }
}

/// A row that passed every check that needs no database.
struct Candidate {
    row: u32,
    credit_code: String,
    year: i32,
    insured: bool,
    staff: i64,
    ui_paid_fen: i64,
    monthly_si_fen: i64,
}

impl App {
    /// Writes the import template (.xlsx): the columns, an example row, and a notes sheet.
    pub fn write_insurance_template(&self, dest: &Path) -> AppResult<()> {
        let last = (self.clock.today().year() - 1).to_string();
        let example = vec!["91130527MA0000010Q", "南和区示例有限公司", last.as_str(), "是", "28", "16800.00", "21500.00"];
        let notes = [
            "本表由失业保险经办机构导出的单位参保缴费数据整理，每行一个单位一个年度。",
            "必填：统一社会信用代码、年度、参加失业保险（是/否）、参保职工人数、全年实缴失业保险费(元)；月应缴社会保险费(元)可空；单位名称仅供核对。",
            "统一社会信用代码列已设为文本格式，请保持文本；年度写四位年份，如2019。",
            "金额单位为元，最多两位小数；人数为整数。",
            "稳岗返还按“上年度”实缴失业保险费计算：2020年申请的，读取2019年度的数据。",
            "同一单位同一年度再次导入不同数字时，以新数据为准并记录修改前后的数值；数字相同则不作改动。",
            "默认正确的行导入、错误的行逐行列出原因；勾选“全部正确才导入”时有任何错误则不导入任何数据。",
        ];
        let sheet = jiuye_io::XlsxSheet { name: "单位参保缴费数据", headers: &INSURANCE_HEADERS, text_columns: &[0] };
        jiuye_io::write_template(dest, &sheet, &[example], &notes).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Imports the agency's statements from a file (see the module documentation). An `Err` means
    /// the file as a whole could not be processed and nothing was stored.
    pub async fn import_insurance(
        &self,
        actor: &Actor,
        path: &Path,
        original_name: &str,
        opts: &ImportOptions,
    ) -> AppResult<InsuranceImport> {
        if !can_import_insurance(actor.role) {
            return Err(AppError::Forbidden("单位参保缴费数据由区人社局导入"));
        }
        let (digest, table) = read_small_table(path, original_name, opts, MAX_INSURANCE_ROWS).await?;
        let mut report = InsuranceImport { all_or_nothing: opts.all_or_nothing, rows: table.rows.len() as u64, ..Default::default() };
        let columns = map_headers(&table.header, &mut report)?;
        let col = |row: &RawRow, name: &str| columns.get(name).and_then(|i| row.cells.get(*i)).cloned();

        // 1. Each row on its own.
        let (mut errors, mut truncated) = (Vec::new(), false);
        let mut candidates = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let n = row.row;
            let mut bad = false;
            let mut err = |column: &str, reason: String| {
                push(&mut errors, &mut truncated, n, column, reason);
                bad = true;
            };
            let code = credit_code_cell(col(row, "统一社会信用代码").as_ref()).map_err(|r| err("统一社会信用代码", r)).ok();
            let year = year_of(col(row, "年度").as_ref()).map_err(|r| err("年度", r)).ok();
            let insured = match plain_text("参加失业保险", col(row, "参加失业保险").as_ref()) {
                Ok(t) => match yes_no(&t) {
                    Some(b) => Some(b),
                    None if normalize(&t).is_empty() => {
                        err("参加失业保险", "不能为空，应填“是”或“否”".into());
                        None
                    }
                    None => {
                        err("参加失业保险", format!("“{}”无法识别，应填“是”或“否”", normalize(&t)));
                        None
                    }
                },
                Err(reason) => {
                    err("参加失业保险", reason);
                    None
                }
            };
            let staff = count_of("参保职工人数", col(row, "参保职工人数").as_ref()).map_err(|r| err("参保职工人数", r)).ok();
            let paid = fen_of("全年实缴失业保险费(元)", col(row, "全年实缴失业保险费(元)").as_ref(), true)
                .map_err(|r| err("全年实缴失业保险费(元)", r))
                .ok()
                .flatten();
            let si = fen_of("月应缴社会保险费(元)", col(row, "月应缴社会保险费(元)").as_ref(), false)
                .map_err(|r| err("月应缴社会保险费(元)", r))
                .ok();
            if bad {
                report.rejected += 1;
                continue;
            }
            if let (Some(credit_code), Some(year), Some(insured), Some(staff), Some(ui_paid_fen), Some(si)) =
                (code, year, insured, staff, paid, si)
            {
                if !insured && staff > 0 {
                    push(&mut errors, &mut truncated, n, "参保职工人数", format!("未参加失业保险的单位参保职工人数应为0（现为{staff}）"));
                    report.rejected += 1;
                    continue;
                }
                candidates.push(Candidate { row: n, credit_code, year, insured, staff, ui_paid_fen, monthly_si_fen: si.unwrap_or(0) });
            } else {
                report.rejected += 1;
            }
        }

        // 2. Against the registry; once per enterprise and year.
        let targets = self.targets_by_code(candidates.iter().map(|c| c.credit_code.as_str())).await?;
        let mut seen: HashMap<(String, i32), u32> = HashMap::new();
        let mut good: Vec<(Candidate, &ReportTarget)> = Vec::with_capacity(candidates.len());
        for c in candidates {
            let Some(t) = targets.get(&c.credit_code) else {
                push(&mut errors, &mut truncated, c.row, "统一社会信用代码", "该代码未在企业名册中登记，请先登记企业");
                report.rejected += 1;
                continue;
            };
            if let Some(first) = seen.get(&(c.credit_code.clone(), c.year)) {
                push(&mut errors, &mut truncated, c.row, "年度", format!("与第{first}行重复（同一单位同一年度只能有一行）"));
                report.rejected += 1;
                continue;
            }
            seen.insert((c.credit_code.clone(), c.year), c.row);
            good.push((c, t));
        }

        // 3. Store in one transaction; a changed statement is audited with before and after.
        let now = self.now();
        let source = format!("{original_name} sha256:{digest}");
        let mut tx = self.store.begin_write().await?;
        for (c, t) in &good {
            let rec = InsuranceRecord {
                enterprise_id: t.enterprise_id,
                year: c.year,
                unemployment_insured: c.insured,
                insured_staff: c.staff,
                ui_paid_fen: c.ui_paid_fen,
                monthly_si_due_fen: c.monthly_si_fen,
                source: source.clone(),
                imported_by: actor.login.clone(),
                imported_at: now,
                version: 1,
            };
            match tx.insurance_for_update(t.enterprise_id, c.year).await? {
                Some(old) if old.same_figures(&rec) => report.unchanged += 1,
                Some(old) => {
                    tx.save_insurance(&rec, Some(old.version)).await?;
                    let figures = |r: &InsuranceRecord| {
                        json!({"unemployment_insured": r.unemployment_insured, "insured_staff": r.insured_staff,
                               "ui_paid_fen": r.ui_paid_fen, "monthly_si_due_fen": r.monthly_si_due_fen, "version": r.version})
                    };
                    let detail = json!({"year": c.year, "row": c.row, "before": figures(&old),
                                        "after": {"version": old.version + 1, "figures": figures(&rec)}, "file_sha256": digest});
                    tx.audit(self.audit_entry(actor, "insurance.update", "enterprise", Some(t.enterprise_id.to_string()), "ok", detail))
                        .await?;
                    report.updated += 1;
                }
                None => {
                    tx.save_insurance(&rec, None).await?;
                    report.inserted += 1;
                }
            }
        }
        errors.sort_by_key(|e| e.row);
        report.errors = errors;
        report.errors_truncated = truncated;
        let detail = |r: &InsuranceImport, committed: bool| {
            json!({"file": original_name, "sha256": digest, "rows": r.rows, "inserted": if committed { r.inserted } else { 0 },
                   "updated": if committed { r.updated } else { 0 }, "unchanged": r.unchanged, "rejected": r.rejected,
                   "all_or_nothing": r.all_or_nothing})
        };
        if opts.all_or_nothing && report.rejected > 0 {
            drop(tx);
            report.committed = false;
            report.inserted = 0;
            report.updated = 0;
            self.store
                .audit_only(self.audit_entry(actor, "insurance.import", "import", Some(digest.clone()), "rejected", detail(&report, false)))
                .await?;
            return Ok(report);
        }
        tx.audit(self.audit_entry(actor, "insurance.import", "import", Some(digest.clone()), "ok", detail(&report, true))).await?;
        tx.commit().await?;
        report.committed = true;
        Ok(report)
    }
}

/// The stable-post refund's facts from the statements, for a decision as of a date in `year`:
/// taking part in unemployment insurance and the monthly social-insurance contributions from this
/// year's statement when there is one, else last year's; the contributions paid from last year's
/// (上年度). `None` where no statement says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InsuranceFacts {
    pub unemployment_insured: Option<bool>,
    pub ui_contributions_last_year_fen: Option<i64>,
    pub monthly_si_contributions_fen: Option<i64>,
}

impl InsuranceFacts {
    /// From one enterprise's statements of `year` and `year - 1` (others are ignored).
    pub fn of(records: &[&InsuranceRecord], year: i32) -> Self {
        let this = records.iter().find(|r| r.year == year);
        let last = records.iter().find(|r| r.year == year - 1);
        let current = this.or(last);
        InsuranceFacts {
            unemployment_insured: current.map(|r| r.unemployment_insured),
            ui_contributions_last_year_fen: last.map(|r| r.ui_paid_fen),
            monthly_si_contributions_fen: current.map(|r| r.monthly_si_due_fen),
        }
    }

    /// Fen as the rules' yuan.
    pub fn yuan(fen: i64) -> Decimal {
        Decimal::new(fen, 2)
    }
}

impl App {
    /// Demo statements (issue 7): every open enterprise of the demo registry, for each year from
    /// 2019 to last year, written as the agency's CSV export and imported through
    /// `import_insurance` by bureau staff, so the audit trail is what real work leaves. About one
    /// in twelve does not take part in unemployment insurance; contributions follow the insured
    /// staff (about 1% of a 3,000–5,000 yuan monthly wage, enterprise and staff, for 12 months).
    /// Returns the statements stored. Deterministic for a seed and a day.
    pub async fn generate_demo_insurance(&self, seed: u64) -> AppResult<u64> {
        use std::fmt::Write as _;
        let mut rng = crate::demo::Rng::new(seed ^ 0x5EED_0000_0012);
        let last_year = self.clock.today().year() - 1;
        if last_year < 2019 {
            return Ok(0);
        }
        let filter = jiuye_store::enterprises::EnterpriseFilter::default();
        let (all, _) = self
            .store
            .list_enterprises(&jiuye_store::Scope::All, &filter, jiuye_store::persons::Page { limit: 100_000, offset: 0 })
            .await?;
        let mut csv = INSURANCE_HEADERS.join(",");
        csv.push('\n');
        for e in all.iter().filter(|e| e.status != "closed") {
            let outside = rng.below(12) == 0;
            let base = e.insured.or(e.staff).unwrap_or(5).max(1);
            for year in 2019..=last_year {
                let staff = if outside { 0 } else { (base + rng.below(5) as i64 - 2).max(1) };
                let wage_fen = 300_000 + rng.below(200_001) as i64;
                let paid = if outside { 0 } else { staff * wage_fen * 12 / 100 };
                let si = staff * wage_fen * 38 / 100;
                let yes = if outside { "否" } else { "是" };
                let name = e.name.replace([',', '"'], " ");
                let _ = writeln!(
                    csv,
                    "{},{name},{year},{yes},{staff},{},{}",
                    e.credit_code,
                    jiuye_domain::money::fen_to_yuan(paid),
                    jiuye_domain::money::fen_to_yuan(si)
                );
            }
        }
        let dir = tempfile::tempdir().map_err(|e| AppError::Internal(e.to_string()))?;
        let path = dir.path().join("insurance.csv");
        std::fs::write(&path, csv).map_err(|e| AppError::Internal(e.to_string()))?;
        let staff = Actor { role: Role::BureauStaff, ..Actor::system("demo:staff", "demo:staff") };
        let opts = ImportOptions { all_or_nothing: true, limits: crate::import::Limits::default() };
        let r = self.import_insurance(&staff, &path, "单位参保缴费数据（演示）.csv", &opts).await?;
        if r.rejected > 0 {
            let first = r.errors.first().map(|e| format!("第{}行 {}：{}", e.row, e.column, e.reason)).unwrap_or_default();
            return Err(AppError::Internal(format!("演示参保缴费数据有 {} 行未通过校验：{first}", r.rejected)));
        }
        Ok(r.inserted + r.updated)
    }
}

fn map_headers(headers: &[String], report: &mut InsuranceImport) -> AppResult<HashMap<String, usize>> {
    let (index, ignored) = map_columns(headers, &INSURANCE_HEADERS, &REQUIRED, canonical_header, "单位参保缴费数据")?;
    report.ignored_columns = ignored;
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_values_have_the_agencys_names() {
        assert_eq!(canonical_header("失业保险参保人数"), "参保职工人数");
        assert_eq!(canonical_header("实缴失业保险费（元）"), "全年实缴失业保险费(元)");
        assert_eq!(canonical_header("缴费年度"), "年度");
        assert_eq!(canonical_header("备注"), "备注");
        assert_eq!(yes_no("是"), Some(true));
        assert_eq!(yes_no("正常参保"), Some(true));
        assert_eq!(yes_no("否"), Some(false));
        assert_eq!(yes_no("也许"), None);
    }

    #[test]
    fn years_counts_and_yuan_are_read_exactly() {
        assert_eq!(year_of(Some(&RawCell::Float(2019.0))).unwrap(), 2019);
        assert_eq!(year_of(Some(&RawCell::Text("2019年".into()))).unwrap(), 2019);
        assert!(year_of(Some(&RawCell::Text("19".into()))).unwrap_err().contains("四位年份"));
        assert!(year_of(Some(&RawCell::DateTime(43466.0))).is_err());
        assert_eq!(count_of("参保职工人数", Some(&RawCell::Float(28.0))).unwrap(), 28);
        assert!(count_of("参保职工人数", Some(&RawCell::Float(2.5))).unwrap_err().contains("不是整数"));
        assert!(count_of("参保职工人数", Some(&RawCell::Int(-1))).unwrap_err().contains("超出范围"));
        // A float cell of 16800.05 yuan is read through its shortest decimal form, exactly.
        assert_eq!(fen_of("x", Some(&RawCell::Float(16800.05)), true).unwrap(), Some(1_680_005));
        assert_eq!(fen_of("x", Some(&RawCell::Text("1,000.5".into())), true).unwrap(), Some(100_050));
        assert!(fen_of("x", Some(&RawCell::Text("1.005".into())), true).unwrap_err().contains("两位小数"));
        assert!(fen_of("x", Some(&RawCell::Text("-3".into())), true).unwrap_err().contains("负数"));
        assert_eq!(fen_of("x", None, false).unwrap(), None);
        assert!(fen_of("x", None, true).is_err());
    }

    #[test]
    fn facts_take_last_years_contributions_and_the_newest_status() {
        let rec = |year: i32, insured: bool, paid: i64, si: i64| InsuranceRecord {
            enterprise_id: uuid::Uuid::nil(),
            year,
            unemployment_insured: insured,
            insured_staff: 10,
            ui_paid_fen: paid,
            monthly_si_due_fen: si,
            source: String::new(),
            imported_by: String::new(),
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
            version: 1,
        };
        let (y19, y20) = (rec(2019, true, 1_000_000, 50_000), rec(2020, false, 0, 0));
        let f = InsuranceFacts::of(&[&y19, &y20], 2020);
        assert_eq!(
            f,
            InsuranceFacts {
                unemployment_insured: Some(false),
                ui_contributions_last_year_fen: Some(1_000_000),
                monthly_si_contributions_fen: Some(0)
            }
        );
        let f = InsuranceFacts::of(&[&y19], 2020);
        assert_eq!(f.unemployment_insured, Some(true));
        assert_eq!(f.monthly_si_contributions_fen, Some(50_000));
        assert_eq!(InsuranceFacts::of(&[&y19], 2022), InsuranceFacts::default());
        assert_eq!(InsuranceFacts::yuan(1_000_005).to_string(), "10000.05");
    }
}
