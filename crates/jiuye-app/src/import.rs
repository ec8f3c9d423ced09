//! Import of persons and enterprises from `.xlsx` / `.csv` files.
//!
//! The file is read on a blocking thread (jiuye-io streams it) and handed over in bounded batches,
//! so memory stays flat however long the file is. Every row is parsed into domain values; a bad row
//! is reported with its spreadsheet row number, column and reason, and the good rows are upserted
//! (by ID number or credit code) in batches inside **one** transaction: either the whole import is
//! stored or, when the database fails or the user asked for all-or-nothing and a row was rejected,
//! nothing is. Re-importing the same file changes nothing (identical rows are left alone).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub use jiuye_io::Limits;
use jiuye_io::{RawCell, RawRow, RowSink, SinkStop};
use jiuye_store::enterprises::EnterpriseWrite;
use jiuye_store::persons::{PersonWrite, UpsertCounts};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::registry::{EnterpriseInput, PersonInput};
use crate::{Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Persons,
    Enterprises,
}

impl ImportKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "persons" => Some(Self::Persons),
            "enterprises" => Some(Self::Enterprises),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Persons => "人员",
            Self::Enterprises => "企业",
        }
    }
    /// The template's headers, in order.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Self::Persons => &PERSON_HEADERS,
            Self::Enterprises => &ENTERPRISE_HEADERS,
        }
    }
    fn required(self) -> &'static [&'static str] {
        match self {
            Self::Persons => &["姓名", "公民身份号码", "乡镇(街道)"],
            Self::Enterprises => &["单位名称", "统一社会信用代码", "乡镇(街道)", "行业"],
        }
    }
}

pub const PERSON_HEADERS: [&str; 9] =
    ["姓名", "公民身份号码", "联系电话", "乡镇(街道)", "村(社区)", "户编号", "人员类别", "学历", "毕业时间"];
pub const ENTERPRISE_HEADERS: [&str; 9] =
    ["单位名称", "统一社会信用代码", "乡镇(街道)", "行业", "从业人数", "参保人数", "营业收入(万元)", "联系人", "联系电话"];

/// Other names clerks give the same columns.
fn canonical_header(h: &str) -> String {
    let n = jiuye_domain::normalize::normalize(h).replace(['（', '）'], "").replace(['(', ')', ' '], "");
    let c = match n.as_str() {
        "身份证号" | "身份证号码" | "公民身份号码" | "证件号码" => "公民身份号码",
        "手机号" | "手机号码" | "联系电话" | "电话" => "联系电话",
        "乡镇" | "乡镇街道" | "所属乡镇" => "乡镇(街道)",
        "村" | "村社区" | "所属村" | "村居" => "村(社区)",
        "户号" | "户编号" => "户编号",
        "人员类别" | "人员类型" | "重点群体" => "人员类别",
        "单位名称" | "企业名称" => "单位名称",
        "统一社会信用代码" | "信用代码" => "统一社会信用代码",
        "营业收入万元" | "营业收入" => "营业收入(万元)",
        other => return other.to_string(),
    };
    c.to_string()
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RowError {
    /// Spreadsheet row number (header = 1); 0 for an error about the whole file.
    pub row: u32,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Whether the accepted rows were stored (false in all-or-nothing mode with rejections).
    pub committed: bool,
    pub all_or_nothing: bool,
    pub ignored_columns: Vec<String>,
    pub errors: Vec<RowError>,
    /// More errors than the report keeps (the first `MAX_ERRORS` are listed).
    pub errors_truncated: bool,
}

const MAX_ERRORS: usize = 10_000;
const BATCH: usize = 500;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub all_or_nothing: bool,
    pub limits: Limits,
}

/// Why a whole file could not be processed (nothing stored).
fn file_error(e: impl std::fmt::Display) -> AppError {
    AppError::BadInput(e.to_string())
}

enum Msg {
    Header(Vec<String>),
    Rows(Vec<RawRow>),
}

struct ChannelSink {
    tx: tokio::sync::mpsc::Sender<Msg>,
    buf: Vec<RawRow>,
}

impl RowSink for ChannelSink {
    fn header(&mut self, headers: &[String]) -> Result<(), SinkStop> {
        self.tx.blocking_send(Msg::Header(headers.to_vec())).map_err(|_| SinkStop)
    }
    fn row(&mut self, row: RawRow) -> Result<(), SinkStop> {
        self.buf.push(row);
        if self.buf.len() >= BATCH {
            let rows = std::mem::replace(&mut self.buf, Vec::with_capacity(BATCH));
            self.tx.blocking_send(Msg::Rows(rows)).map_err(|_| SinkStop)?;
        }
        Ok(())
    }
}

/// Converts one cell to the text the domain parsers read, or a reason it cannot be used.
fn cell_text(column: &str, cell: Option<&RawCell>) -> Result<String, String> {
    let Some(cell) = cell else { return Ok(String::new()) };
    match cell {
        RawCell::Empty => Ok(String::new()),
        RawCell::Text(s) => {
            if column == "公民身份号码" && looks_scientific(s) {
                return Err("为科学计数法数值（Excel把长数字存成了数值，后几位已丢失），请将该列设为文本格式后重新填写号码".into());
            }
            Ok(s.clone())
        }
        RawCell::Int(_) | RawCell::Float(_) if column == "公民身份号码" => {
            Err("为数值格式（Excel把18位号码存成数值只保留15位有效数字，后几位已丢失），请将该列设为文本格式后重新填写号码".into())
        }
        RawCell::Int(i) => Ok(i.to_string()),
        RawCell::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
                Ok(format!("{}", *f as i64))
            } else {
                Ok(format!("{f}"))
            }
        }
        RawCell::DateTime(serial) if column == "毕业时间" => {
            excel_serial_date(*serial).map(|d| d.to_string()).ok_or_else(|| "日期值无效".into())
        }
        RawCell::DateTime(_) => Err("不应为日期格式".into()),
        RawCell::DateIso(s) => Ok(s.chars().take(10).collect()),
        RawCell::Bool(_) => Err("不应为逻辑值（TRUE/FALSE）".into()),
        RawCell::Error(e) => Err(format!("单元格为错误值{e}")),
    }
}

fn looks_scientific(s: &str) -> bool {
    let t = s.trim().to_ascii_uppercase();
    t.contains("E+") && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'E' | '+'))
}

/// Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 the nonexistent 1900-02-29, so
/// serials from 61 count from 1899-12-30.
pub fn excel_serial_date(serial: f64) -> Option<time::Date> {
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    base.checked_add(time::Duration::days(serial.floor() as i64))
}

struct Columns {
    index: HashMap<String, usize>,
}

impl Columns {
    fn get<'a>(&self, row: &'a RawRow, name: &str) -> Option<&'a RawCell> {
        self.index.get(name).and_then(|i| row.cells.get(*i))
    }
}

fn push_error(report: &mut ImportReport, row: u32, column: &str, reason: String) {
    if report.errors.len() < MAX_ERRORS {
        report.errors.push(RowError { row, column: column.to_string(), reason });
    } else {
        report.errors_truncated = true;
    }
}

impl App {
    /// Imports a file. `progress` receives the number of data rows read so far.
    /// An `Err` means the file as a whole could not be processed (nothing stored); rejected rows
    /// are in the report.
    pub async fn import_file(
        &self,
        actor: &Actor,
        kind: ImportKind,
        path: &Path,
        original_name: &str,
        opts: &ImportOptions,
        progress: Arc<dyn Fn(u64) + Send + Sync>,
    ) -> AppResult<ImportReport> {
        if !actor.role.can_import() {
            return Err(AppError::Forbidden("当前角色不能导入数据"));
        }
        let digest = file_sha256(path).map_err(|e| file_error(format!("无法读取文件：{e}")))?;
        let (tx_rows, mut rx) = tokio::sync::mpsc::channel::<Msg>(4);
        let (p, name, limits) = (path.to_path_buf(), original_name.to_string(), opts.limits.clone());
        let reader = tokio::task::spawn_blocking(move || {
            let mut sink = ChannelSink { tx: tx_rows, buf: Vec::with_capacity(BATCH) };
            let res = jiuye_io::read_table(&p, &name, &limits, &mut sink);
            if res.is_ok() && !sink.buf.is_empty() {
                let rows = std::mem::take(&mut sink.buf);
                if sink.tx.blocking_send(Msg::Rows(rows)).is_err() {
                    return Err(jiuye_io::ReadError::Stopped);
                }
            }
            res
        });

        let mut report = ImportReport { all_or_nothing: opts.all_or_nothing, ..Default::default() };
        let Some(Msg::Header(headers)) = rx.recv().await else {
            drop(rx);
            return match reader.await {
                Ok(Err(e)) => Err(file_error(e)),
                _ => Err(file_error("文件中没有表头")),
            };
        };
        let cols = match self.map_headers(kind, &headers, &mut report) {
            Ok(c) => c,
            Err(e) => {
                drop(rx);
                let _ = reader.await;
                return Err(e);
            }
        };

        let villages: HashMap<(String, String), String> =
            self.store.list_villages(None).await?.into_iter().map(|v| ((v.township_code, v.name), v.code)).collect();
        // Stage 2 (a blocking thread): cells → domain values → sealed writes, while stage 3 (here)
        // writes the previous batch: parsing and encryption overlap the database work.
        let (tx_prepared, mut prepared_rx) = tokio::sync::mpsc::channel::<Prepared>(4);
        let preparer = {
            let (app, township) = (self.clone(), actor.scope_township().map(str::to_string));
            tokio::task::spawn_blocking(move || {
                let mut stage = Preparer { app, cols, villages, township, seen: HashMap::new() };
                while let Some(msg) = rx.blocking_recv() {
                    let Msg::Rows(rows) = msg else { continue };
                    let out = match kind {
                        ImportKind::Persons => stage.persons(rows),
                        ImportKind::Enterprises => stage.enterprises(rows),
                    };
                    if tx_prepared.blocking_send(out?).is_err() {
                        break;
                    }
                }
                Ok::<(), AppError>(())
            })
        };
        let mut tx = self.store.begin_write().await?;
        let mut counts = UpsertCounts::default();
        let mut read_error = None;
        while let Some(batch) = prepared_rx.recv().await {
            report.rows += batch.rows;
            report.rejected += batch.rejected;
            for e in batch.errors {
                push_error(&mut report, e.row, &e.column, e.reason);
            }
            let c = match kind {
                ImportKind::Persons => self.store_person_batch(&mut tx, actor, batch.persons, &mut report).await?,
                ImportKind::Enterprises => self.store_enterprise_batch(&mut tx, actor, batch.enterprises, &mut report).await?,
            };
            counts.inserted += c.inserted;
            counts.updated += c.updated;
            counts.unchanged += c.unchanged;
            progress(report.rows);
        }
        match preparer.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(e) => read_error = Some(format!("处理线程异常：{e}")),
        }
        match reader.await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => read_error = read_error.or(Some(e.to_string())),
            Err(e) => read_error = read_error.or(Some(format!("读取线程异常：{e}"))),
        }
        if let Some(e) = read_error {
            // The file broke part-way (a formula, a bad cell…): store nothing of it.
            drop(tx);
            return Err(file_error(e));
        }
        report.inserted = counts.inserted;
        report.updated = counts.updated;
        report.unchanged = counts.unchanged;
        if opts.all_or_nothing && report.rejected > 0 {
            drop(tx);
            report.committed = false;
            report.inserted = 0;
            report.updated = 0;
            report.unchanged = 0;
            self.store
                .audit_only(self.audit_entry(actor, &format!("import.{}", kind_code(kind)), "import", Some(digest.clone()), "rejected", json!({"file": original_name, "sha256": digest, "rows": report.rows, "rejected": report.rejected, "all_or_nothing": true})))
                .await?;
            return Ok(report);
        }
        tx.audit(self.audit_entry(
            actor,
            &format!("import.{}", kind_code(kind)),
            "import",
            Some(digest.clone()),
            "ok",
            json!({"file": original_name, "sha256": digest, "rows": report.rows, "accepted": report.accepted, "rejected": report.rejected,
                   "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged, "all_or_nothing": opts.all_or_nothing}),
        ))
        .await?;
        tx.commit().await?;
        report.committed = true;
        if report.inserted + report.updated >= 10_000 {
            self.store.analyze_after_bulk_load().await?;
        }
        // Imported persons may have changed households' members: zero-employment follows.
        if kind == ImportKind::Persons && report.inserted + report.updated > 0 {
            self.refresh_zero_employment().await?;
        }
        Ok(report)
    }

    fn map_headers(&self, kind: ImportKind, headers: &[String], report: &mut ImportReport) -> AppResult<Columns> {
        let known = kind.headers();
        let mut index = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if h.trim().is_empty() {
                continue;
            }
            let c = canonical_header(h);
            if known.contains(&c.as_str()) {
                if index.insert(c.clone(), i).is_some() {
                    return Err(file_error(format!("第1行 表头“{c}”出现了两次，请删除重复的列")));
                }
            } else {
                report.ignored_columns.push(h.trim().to_string());
            }
        }
        let missing: Vec<&str> = kind.required().iter().copied().filter(|r| !index.contains_key(*r)).collect();
        if !missing.is_empty() {
            return Err(file_error(format!(
                "第1行 缺少必需的列：{}。请使用{}导入模板（表头：{}）",
                missing.join("、"),
                kind.label(),
                known.join("、")
            )));
        }
        Ok(Columns { index })
    }

    /// Stage 3 for persons: households (created when new; one of another township rejects the
    /// row), the clerk's scope against stored persons, then the upsert.
    async fn store_person_batch(
        &self,
        tx: &mut jiuye_store::WriteTx,
        actor: &Actor,
        good: Vec<PreparedPerson>,
        report: &mut ImportReport,
    ) -> AppResult<UpsertCounts> {
        let wanted: Vec<(String, String, Option<String>)> = {
            let mut m: HashMap<String, (String, Option<String>)> = HashMap::new();
            for p in &good {
                if let Some(no) = &p.household_no {
                    m.entry(no.clone()).or_insert((p.write.township_code.clone(), p.write.village_code.clone()));
                }
            }
            m.into_iter().map(|(no, (t, v))| (no, t, v)).collect()
        };
        let mut gen_id = || self.new_id();
        let households: HashMap<String, (uuid::Uuid, String)> = tx
            .ensure_households(&wanted, &mut gen_id, self.now())
            .await?
            .into_iter()
            .map(|h| (h.household_no, (h.id, h.township_code)))
            .collect();
        // Persons already registered in another township are not moved by a clerk's import.
        let existing: HashMap<Vec<u8>, String> = if actor.scope_township().is_some() {
            let b: Vec<Vec<u8>> = good.iter().map(|p| p.write.id_bidx.clone()).collect();
            tx.existing_persons(&b).await?.into_iter().map(|e| (e.id_bidx, e.township_code)).collect()
        } else {
            HashMap::new()
        };
        let mut writes = Vec::with_capacity(good.len());
        for mut p in good {
            if let Some(no) = &p.household_no {
                match households.get(no) {
                    Some((id, t)) if *t == p.write.township_code => p.write.household_id = Some(*id),
                    _ => {
                        push_error(report, p.row, "户编号", "该户编号属于其他乡镇，请核对".into());
                        report.rejected += 1;
                        continue;
                    }
                }
            }
            if existing.get(&p.write.id_bidx).is_some_and(|t| *t != p.write.township_code) {
                push_error(report, p.row, "公民身份号码", "该人员已在其他乡镇登记，请联系区人社局办理迁移".into());
                report.rejected += 1;
                continue;
            }
            writes.push((self.new_id(), p.write));
        }
        report.accepted += writes.len() as u64;
        Ok(tx.upsert_persons(&writes, self.now()).await?)
    }

    /// Stage 3 for enterprises: the clerk's scope against stored enterprises, then the upsert.
    async fn store_enterprise_batch(
        &self,
        tx: &mut jiuye_store::WriteTx,
        actor: &Actor,
        good: Vec<(u32, EnterpriseWrite)>,
        report: &mut ImportReport,
    ) -> AppResult<UpsertCounts> {
        let existing: HashMap<String, String> = if actor.scope_township().is_some() {
            let codes: Vec<String> = good.iter().map(|(_, w)| w.credit_code.clone()).collect();
            tx.existing_enterprises(&codes).await?.into_iter().map(|e| (e.credit_code, e.township_code)).collect()
        } else {
            HashMap::new()
        };
        let mut writes = Vec::with_capacity(good.len());
        for (rownum, w) in good {
            if existing.get(&w.credit_code).is_some_and(|t| *t != w.township_code) {
                push_error(report, rownum, "统一社会信用代码", "该企业已在其他乡镇登记，请联系区人社局".into());
                report.rejected += 1;
                continue;
            }
            writes.push((self.new_id(), w));
        }
        report.accepted += writes.len() as u64;
        Ok(tx.upsert_enterprises(&writes, self.now()).await?)
    }
}

/// A person row that passed every check that needs no database, sealed and ready to store.
struct PreparedPerson {
    row: u32,
    household_no: Option<String>,
    write: PersonWrite,
}

/// One batch out of stage 2.
#[derive(Default)]
struct Prepared {
    rows: u64,
    rejected: u64,
    errors: Vec<RowError>,
    persons: Vec<PreparedPerson>,
    enterprises: Vec<(u32, EnterpriseWrite)>,
}

impl Prepared {
    fn error(&mut self, row: u32, column: &str, reason: String) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(RowError { row, column: column.to_string(), reason });
        }
    }
}

/// Stage 2: the pure part of the import, run on its own thread.
struct Preparer {
    app: App,
    cols: Columns,
    villages: HashMap<(String, String), String>,
    /// The clerk's township, when the importer is a clerk.
    township: Option<String>,
    /// First row of every ID number / credit code seen, for duplicates within the file.
    seen: HashMap<Vec<u8>, u32>,
}

impl Preparer {
    /// Reads the cells of a row as text; a cell that cannot be text is reported.
    fn texts<'a>(&self, row: &RawRow, names: &[&'a str], out: &mut Prepared) -> Option<HashMap<&'a str, String>> {
        let mut m = HashMap::with_capacity(names.len());
        let mut ok = true;
        for name in names {
            match cell_text(name, self.cols.get(row, name)) {
                Ok(s) => {
                    m.insert(*name, s);
                }
                Err(reason) => {
                    out.error(row.row, name, reason);
                    ok = false;
                }
            }
        }
        if !ok {
            out.rejected += 1;
        }
        ok.then_some(m)
    }

    fn scope_error(&self, township: &str, what: &str, row: u32, out: &mut Prepared) -> bool {
        match &self.township {
            Some(t) if t != township => {
                out.error(
                    row,
                    "乡镇(街道)",
                    format!("只能导入本乡镇（{}）的{what}", jiuye_domain::division::township_name(t).unwrap_or(t)),
                );
                out.rejected += 1;
                true
            }
            _ => false,
        }
    }

    fn duplicate(&mut self, key: Vec<u8>, row: u32, column: &str, out: &mut Prepared) -> bool {
        if let Some(first) = self.seen.get(&key) {
            out.error(row, column, format!("与第{first}行的{column}重复"));
            out.rejected += 1;
            return true;
        }
        self.seen.insert(key, row);
        false
    }

    fn persons(&mut self, rows: Vec<RawRow>) -> AppResult<Prepared> {
        let mut out = Prepared { rows: rows.len() as u64, ..Default::default() };
        for row in rows {
            let Some(mut t) = self.texts(&row, &PERSON_HEADERS, &mut out) else { continue };
            let mut take = |k: &str| t.remove(k).unwrap_or_default();
            let input = PersonInput {
                name: take("姓名"),
                id_number: take("公民身份号码"),
                phone: take("联系电话"),
                township: take("乡镇(街道)"),
                village: take("村(社区)"),
                household_no: take("户编号"),
                tags: take("人员类别"),
                education: take("学历"),
                graduation_date: take("毕业时间"),
                employment_status: String::new(),
            };
            let villages = &self.villages;
            let parsed = match self.app.parse_person(&input, &|t, v| villages.get(&(t.to_string(), v.to_string())).cloned()) {
                Ok(p) => p,
                Err(errs) => {
                    for e in errs {
                        out.error(row.row, e.field, e.message);
                    }
                    out.rejected += 1;
                    continue;
                }
            };
            if self.scope_error(parsed.township, "人员", row.row, &mut out) {
                continue;
            }
            let write = self.app.seal_person(&parsed, None)?;
            if self.duplicate(write.id_bidx.clone(), row.row, "公民身份号码", &mut out) {
                continue;
            }
            out.persons.push(PreparedPerson { row: row.row, household_no: parsed.household_no, write });
        }
        Ok(out)
    }

    fn enterprises(&mut self, rows: Vec<RawRow>) -> AppResult<Prepared> {
        let mut out = Prepared { rows: rows.len() as u64, ..Default::default() };
        for row in rows {
            let Some(mut t) = self.texts(&row, &ENTERPRISE_HEADERS, &mut out) else { continue };
            let mut take = |k: &str| t.remove(k).unwrap_or_default();
            let input = EnterpriseInput {
                name: take("单位名称"),
                credit_code: take("统一社会信用代码"),
                township: take("乡镇(街道)"),
                industry: take("行业"),
                staff: take("从业人数"),
                insured: take("参保人数"),
                revenue_wan: take("营业收入(万元)"),
                contact_name: take("联系人"),
                contact_phone: take("联系电话"),
                status: String::new(),
            };
            let w = match self.app.parse_enterprise(&input) {
                Ok(w) => w,
                Err(errs) => {
                    for e in errs {
                        out.error(row.row, e.field, e.message);
                    }
                    out.rejected += 1;
                    continue;
                }
            };
            if self.scope_error(&w.township_code, "企业", row.row, &mut out) {
                continue;
            }
            if self.duplicate(w.credit_code.as_bytes().to_vec(), row.row, "统一社会信用代码", &mut out) {
                continue;
            }
            out.enterprises.push((row.row, w));
        }
        Ok(out)
    }
}

fn kind_code(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Persons => "persons",
        ImportKind::Enterprises => "enterprises",
    }
}

/// The SHA-256 of a file, hex: what an import's audit entry records of the file.
pub(crate) fn file_sha256(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_id_cells_are_refused_not_repaired() {
        assert!(cell_text("公民身份号码", Some(&RawCell::Float(110_101_199_003_070_000.0))).unwrap_err().contains("文本"));
        assert!(cell_text("公民身份号码", Some(&RawCell::Text("1.10101E+17".into()))).is_err());
        assert_eq!(cell_text("联系电话", Some(&RawCell::Float(13812345678.0))).unwrap(), "13812345678");
        assert_eq!(cell_text("毕业时间", Some(&RawCell::DateTime(44012.0))).unwrap(), "2020-06-30");
    }

    #[test]
    fn header_aliases_map_to_the_template() {
        assert_eq!(canonical_header("身份证号"), "公民身份号码");
        assert_eq!(canonical_header("乡镇（街道）"), "乡镇(街道)");
        assert_eq!(canonical_header(" 村（社区） "), "村(社区)");
        assert_eq!(canonical_header("备注"), "备注");
    }
}
