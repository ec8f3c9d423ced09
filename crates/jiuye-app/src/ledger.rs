//! The payment side: budgets, payment batches with control totals, the bank's result file,
//! corrections by new entries (never edits), `ledger verify` and `decision replay`.
//!
//! The ledger is append-only in the database (triggers refuse UPDATE and DELETE) and chained:
//! each entry carries the SM3 hash of its predecessor and of its own fields, so `verify` finds a
//! changed, removed or reordered entry as well as totals that do not add up.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiuye_domain::Role;
use jiuye_domain::normalize::normalize;
use jiuye_io::{OutCell, RawCell, RawRow, RowSink, SinkStop, XlsxSheet};
use jiuye_store::payments::{BatchRecord, LEDGER_GENESIS, NewEntry, StatusChange, entry_hash};
use jiuye_store::{Scope, StoreError};
use serde_json::{Value as Json, json};

use crate::payments::{fen_yuan, fund_of, parse_yuan, short};
use crate::{Actor, App, AppError, AppResult};

fn money_staff(actor: &Actor) -> AppResult<()> {
    if matches!(actor.role, Role::Admin | Role::BureauStaff) {
        Ok(())
    } else {
        Err(AppError::Forbidden("资金发放由区人社局办理"))
    }
}

/// One problem `ledger verify` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LedgerProblem {
    /// `entry 17`, `batch 3`, `total employment_fund/hire_unemployed/2020`.
    pub at: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LedgerReport {
    pub entries: u64,
    pub batches: u64,
    pub net_fen: i64,
    pub totals: Vec<(String, String, i64, i64, i64)>,
    pub problems: Vec<LedgerProblem>,
}

impl LedgerReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The result of replaying a recorded decision under today's rules.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Replay {
    pub decision_id: i64,
    pub application_id: uuid::Uuid,
    pub step: String,
    pub as_of: String,
    pub recorded_ruleset: String,
    pub current_ruleset: String,
    pub recorded_outcome: String,
    pub replayed_outcome: String,
    pub recorded_amount_yuan: Option<String>,
    pub replayed_amount_yuan: Option<String>,
    /// Empty when the replay reproduces the decision exactly.
    pub differences: Vec<String>,
}

impl Replay {
    pub fn identical(&self) -> bool {
        self.differences.is_empty()
    }
}

/// What a reconciliation did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reconciliation {
    pub batch: i64,
    pub paid: i64,
    pub paid_fen: i64,
    pub failed: i64,
    pub failed_fen: i64,
}

/// The bank's result file: 序号, 金额(元), 结果 (成功/失败), 原因, 银行流水号.
pub const RESULT_HEADERS: [&str; 5] = ["序号", "金额（元）", "结果", "失败原因", "银行流水号"];
pub const BATCH_HEADERS: [&str; 9] = ["序号", "申请编号", "补贴项目", "收款人", "开户银行", "收款账号", "金额（元）", "用途", "结果"];

struct ResultSink {
    cols: HashMap<&'static str, usize>,
    rows: Vec<(u32, Vec<String>)>,
    errors: Vec<String>,
    max: usize,
}

fn cell_text(c: &RawCell) -> String {
    match c {
        RawCell::Empty => String::new(),
        RawCell::Text(s) | RawCell::DateIso(s) | RawCell::Error(s) => s.trim().to_string(),
        RawCell::Int(i) => i.to_string(),
        RawCell::Float(f) => {
            // Amounts typed as numbers: render with at most two decimals, exactly as shown.
            let s = format!("{f:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        RawCell::Bool(b) => b.to_string(),
        RawCell::DateTime(f) => f.to_string(),
    }
}

impl RowSink for ResultSink {
    fn header(&mut self, headers: &[String]) -> Result<(), SinkStop> {
        for want in RESULT_HEADERS {
            let short = want.split('（').next().unwrap_or(want);
            match headers.iter().position(|h| h.split('（').next().unwrap_or(h).split('(').next().unwrap_or(h).trim() == short) {
                Some(i) => {
                    self.cols.insert(want, i);
                }
                None if want == "失败原因" || want == "银行流水号" => {}
                None => self.errors.push(format!("第1行：缺少“{want}”列")),
            }
        }
        if self.errors.is_empty() { Ok(()) } else { Err(SinkStop) }
    }
    fn row(&mut self, row: RawRow) -> Result<(), SinkStop> {
        if self.rows.len() >= self.max {
            self.errors.push(format!("结果文件行数超过批次笔数（{}）", self.max));
            return Err(SinkStop);
        }
        let get = |name: &str| self.cols.get(name).and_then(|i| row.cells.get(*i)).map(cell_text).unwrap_or_default();
        let vals = RESULT_HEADERS.iter().map(|h| get(h)).collect();
        self.rows.push((row.row, vals));
        Ok(())
    }
}

impl App {
    /// Adds an allocation (or a negative adjustment) to a fund's budget for a program and year.
    pub async fn allocate_budget(
        &self,
        actor: &Actor,
        fund: &str,
        program: &str,
        year: i64,
        amount_yuan: &str,
        note: &str,
    ) -> AppResult<i64> {
        money_staff(actor)?;
        if !matches!(fund, "employment_fund" | "ui_fund") {
            return Err(AppError::field("资金", "budget.fund", "资金应为就业补助资金（employment_fund）或失业保险基金（ui_fund）"));
        }
        let p =
            self.rules.program(program).ok_or_else(|| AppError::field("补贴项目", "budget.program", format!("没有补贴项目“{program}”")))?;
        if !(2000..=2099).contains(&year) {
            return Err(AppError::field("年度", "budget.year", "年度应在2000至2099之间"));
        }
        let fen = parse_yuan("预算金额", amount_yuan).map_err(|e| AppError::Validation(vec![e]))?;
        if fen == 0 {
            return Err(AppError::field("预算金额", "budget.amount", "预算金额不能为0"));
        }
        let note = normalize(note);
        if note.chars().count() < 2 {
            return Err(AppError::field("依据", "budget.note", "请写明预算下达的文号或依据"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let id = tx.insert_allocation(fund, p.id, year, fen, &note, (&actor.login, now)).await?;
        tx.audit(self.audit_entry(
            actor,
            "budget.allocate",
            "budget",
            Some(id.to_string()),
            "ok",
            json!({"fund": fund, "program": p.id, "year": year, "amount_fen": fen}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Groups a program's payable grants (approved, not paid, not waiting in a batch) into a batch.
    pub async fn create_batch(&self, actor: &Actor, program: &str, year: Option<i64>, period: &str) -> AppResult<BatchRecord> {
        money_staff(actor)?;
        let p =
            self.rules.program(program).ok_or_else(|| AppError::field("补贴项目", "batch.program", format!("没有补贴项目“{program}”")))?;
        let period = normalize(period);
        if period.is_empty() || period.chars().count() > 20 {
            return Err(AppError::field("发放期间", "batch.period", "请填写发放期间（如 2020-06）"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let items = tx.payable_entries_tx(p.id, year).await?;
        if items.is_empty() {
            return Err(AppError::Conflict(format!("“{}”没有待支付的款项", p.name)));
        }
        let b = tx.insert_batch(p.id, &period, &items, &actor.login, now).await?;
        tx.insert_batch_event(b.id, "created", &json!({"count": b.item_count, "total_fen": b.total_fen}).to_string(), &actor.login, now)
            .await?;
        tx.audit(self.audit_entry(
            actor,
            "batch.create",
            "batch",
            Some(b.id.to_string()),
            "ok",
            json!({"program": p.id, "count": b.item_count, "total_fen": b.total_fen}),
        ))
        .await?;
        tx.commit().await?;
        Ok(b)
    }

    /// Checks a batch's control totals against its items; an error names the difference.
    async fn check_control_totals(&self, b: &BatchRecord) -> AppResult<Vec<jiuye_store::payments::BatchLine>> {
        let lines = self.store.batch_lines(b.id).await?;
        let count = lines.len() as i64;
        let sum: i64 = lines.iter().map(|l| l.amount_fen).sum();
        if count != b.item_count || sum != b.total_fen {
            return Err(AppError::Conflict(format!(
                "批次{}控制总数不符：登记{}笔{}元，明细{}笔{}元；已停止",
                b.id,
                b.item_count,
                fen_yuan(b.total_fen),
                count,
                fen_yuan(sum)
            )));
        }
        if let Some(l) = lines.iter().find(|l| l.amount_fen != l.entry_amount_fen) {
            return Err(AppError::Conflict(format!("批次{}第{}行金额与账目不符", b.id, l.line_no)));
        }
        Ok(lines)
    }

    /// Writes the batch for the bank as .xlsx (full account numbers: the bank needs them; the
    /// export is audited and watermarked). The control totals are checked again first.
    pub async fn export_batch(&self, actor: &Actor, id: i64, dest: &Path) -> AppResult<BatchRecord> {
        money_staff(actor)?;
        let b = self.store.batch(id).await.map_err(not_found)?;
        let lines = self.check_control_totals(&b).await?;
        let program = self.rules.program(&b.program).map(|p| p.name).unwrap_or("");
        // Payees without an account are paid to their social security card, which the bank
        // finds by ID number.
        let card_holders: Vec<uuid::Uuid> = lines.iter().filter(|l| l.payee_account_enc.is_none()).map(|l| l.subject_id).collect();
        let ids = if card_holders.is_empty() { HashMap::new() } else { self.store.person_id_secrets(&Scope::All, &card_holders).await? };
        let mut rows = Vec::with_capacity(lines.len() + 1);
        for l in &lines {
            let account = match (&l.payee_account_enc, l.payee_account_kv) {
                (Some(enc), Some(kv)) => self.vault.open(enc, kv).map_err(|e| AppError::Internal(e.to_string()))?,
                _ => match ids.get(&l.subject_id) {
                    Some((enc, kv)) => {
                        format!("社保卡 身份证号{}", self.vault.open(enc, *kv).map_err(|e| AppError::Internal(e.to_string()))?)
                    }
                    None => String::new(),
                },
            };
            rows.push(vec![
                OutCell::Int(l.line_no),
                OutCell::Text(short(l.application_id)),
                OutCell::Text(program.to_string()),
                OutCell::Text(l.payee_name.clone()),
                OutCell::Text(l.payee_bank.clone()),
                OutCell::Text(account),
                OutCell::Text(fen_yuan(l.amount_fen)),
                OutCell::Text(format!("{program} {}", b.period)),
                OutCell::Empty,
            ]);
        }
        rows.push(vec![
            OutCell::Text("合计".into()),
            OutCell::Text(format!("{}笔", b.item_count)),
            OutCell::Empty,
            OutCell::Empty,
            OutCell::Empty,
            OutCell::Empty,
            OutCell::Text(fen_yuan(b.total_fen)),
            OutCell::Text(format!("批次{}", b.id)),
            OutCell::Empty,
        ]);
        let note = format!(
            "批次{} 控制总数：{}笔 {}元 导出人：{} 含收款账号，仅限发放使用",
            b.id,
            b.item_count,
            fen_yuan(b.total_fen),
            actor.login
        );
        let path = dest.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let sheet = XlsxSheet { name: "发放明细", headers: &BATCH_HEADERS, text_columns: &[1, 5, 6] };
            jiuye_io::write_xlsx(&path, &sheet, rows, Some(&note))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.insert_batch_event(b.id, "exported", &json!({"count": b.item_count, "total_fen": b.total_fen}).to_string(), &actor.login, now)
            .await?;
        tx.audit(self.audit_entry(
            actor,
            "batch.export",
            "batch",
            Some(b.id.to_string()),
            "ok",
            json!({"count": b.item_count, "total_fen": b.total_fen}),
        ))
        .await?;
        tx.commit().await?;
        Ok(b)
    }

    /// Imports the bank's result file for a batch: every line of the batch exactly once, with the
    /// batch's amounts; the file's totals must equal the control totals. All or nothing.
    pub async fn reconcile_batch(&self, actor: &Actor, id: i64, file: &Path, original_name: &str) -> AppResult<Reconciliation> {
        money_staff(actor)?;
        let b = self.store.batch(id).await.map_err(not_found)?;
        let lines = self.check_control_totals(&b).await?;
        if lines.iter().any(|l| l.outcome.is_some()) {
            return Err(AppError::Conflict(format!("批次{}已导入过结果，不能重复导入", b.id)));
        }
        let limits =
            jiuye_io::Limits { max_rows: (b.item_count as u32).saturating_add(10), max_file_bytes: 20 * 1024 * 1024, ..Default::default() };
        let (path, name) = (file.to_path_buf(), original_name.to_string());
        let max = b.item_count as usize + 1; // the totals row
        let sink = tokio::task::spawn_blocking(move || {
            let mut sink = ResultSink { cols: HashMap::new(), rows: Vec::new(), errors: Vec::new(), max };
            let r = jiuye_io::read_table(&path, &name, &limits, &mut sink);
            (sink, r.map_err(|e| e.to_string()))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let (sink, read) = sink;
        if !sink.errors.is_empty() {
            return Err(AppError::BadInput(sink.errors.join("；")));
        }
        read.map_err(AppError::BadInput)?;
        let by_line: HashMap<i64, &jiuye_store::payments::BatchLine> = lines.iter().map(|l| (l.line_no, l)).collect();
        let mut seen = BTreeMap::new();
        let mut errors = Vec::new();
        let (mut paid, mut paid_fen, mut failed, mut failed_fen) = (0i64, 0i64, 0i64, 0i64);
        for (row, v) in &sink.rows {
            let [no, amount, result, reason, bank_ref] = [0, 1, 2, 3, 4].map(|i| v.get(i).cloned().unwrap_or_default());
            if no == "合计" || no.is_empty() && result.is_empty() {
                continue;
            }
            let Ok(n) = no.parse::<i64>() else {
                errors.push(format!("第{row}行“序号”列：“{no}”不是序号"));
                continue;
            };
            let Some(line) = by_line.get(&n) else {
                errors.push(format!("第{row}行“序号”列：批次{}中没有第{n}笔", b.id));
                continue;
            };
            if seen.insert(n, *row).is_some() {
                errors.push(format!("第{row}行“序号”列：第{n}笔重复出现"));
                continue;
            }
            match parse_yuan("金额", &amount) {
                Ok(f) if f == line.amount_fen => {}
                Ok(f) => errors.push(format!("第{row}行“金额（元）”列：{}元，与批次中的{}元不符", fen_yuan(f), fen_yuan(line.amount_fen))),
                Err(_) => errors.push(format!("第{row}行“金额（元）”列：“{amount}”不是有效金额")),
            }
            match result.as_str() {
                "成功" | "已支付" | "paid" => {
                    paid += 1;
                    paid_fen += line.amount_fen;
                }
                "失败" | "退回" | "failed" => {
                    if reason.is_empty() {
                        errors.push(format!("第{row}行“失败原因”列：失败的款项须写明原因"));
                    }
                    failed += 1;
                    failed_fen += line.amount_fen;
                }
                other => errors.push(format!("第{row}行“结果”列：“{other}”应为“成功”或“失败”")),
            }
            let _ = bank_ref;
        }
        for l in &lines {
            if !seen.contains_key(&l.line_no) {
                errors.push(format!("结果文件缺少第{}笔（申请编号 {}）", l.line_no, short(l.application_id)));
                if errors.len() > 50 {
                    break;
                }
            }
        }
        if errors.is_empty() && (paid + failed != b.item_count || paid_fen + failed_fen != b.total_fen) {
            errors.push(format!(
                "结果合计{}笔{}元，与批次控制总数{}笔{}元不符",
                paid + failed,
                fen_yuan(paid_fen + failed_fen),
                b.item_count,
                fen_yuan(b.total_fen)
            ));
        }
        if !errors.is_empty() {
            errors.truncate(50);
            return Err(AppError::BadInput(format!("结果文件未导入（整批不导入）：{}", errors.join("；"))));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        for (_, v) in &sink.rows {
            let Ok(n) = v.first().map(String::as_str).unwrap_or("").parse::<i64>() else { continue };
            let Some(line) = by_line.get(&n) else { continue };
            let ok = matches!(v.get(2).map(String::as_str), Some("成功" | "已支付" | "paid"));
            let reason = v.get(3).cloned().unwrap_or_default();
            let bank_ref = v.get(4).cloned().unwrap_or_default();
            tx.insert_result(b.id, line.entry_id, if ok { "paid" } else { "failed" }, &reason, &bank_ref, (&actor.login, now))
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate { .. } => AppError::Conflict(format!("批次{}已导入过结果", b.id)),
                    other => other.into(),
                })?;
        }
        tx.mark_paid_applications(b.id, now).await?;
        let detail = json!({"paid": paid, "paid_fen": paid_fen, "failed": failed, "failed_fen": failed_fen});
        tx.insert_batch_event(b.id, "reconciled", &detail.to_string(), &actor.login, now).await?;
        tx.audit(self.audit_entry(actor, "batch.reconcile", "batch", Some(b.id.to_string()), "ok", detail)).await?;
        tx.commit().await?;
        Ok(Reconciliation { batch: b.id, paid, paid_fen, failed, failed_fen })
    }

    /// Checks that a ledger entry belongs to an application the actor may see (corrections are
    /// made from the application's page).
    pub async fn entry_of_application(&self, actor: &Actor, application: uuid::Uuid, entry_id: i64) -> AppResult<()> {
        let a = self.application_for(actor, application).await?;
        if self.store.entries_of_application(a.id).await?.iter().any(|e| e.id == entry_id) { Ok(()) } else { Err(AppError::NotFound) }
    }

    /// Recent payment batches (bureau).
    pub async fn list_batches(&self, actor: &Actor, limit: i64) -> AppResult<Vec<BatchRecord>> {
        money_staff(actor)?;
        Ok(self.store.batches(limit).await?)
    }

    /// A batch with its lines and its history (bureau).
    pub async fn batch_detail(&self, actor: &Actor, id: i64) -> AppResult<BatchDetail> {
        money_staff(actor)?;
        let batch = self.store.batch(id).await.map_err(not_found)?;
        Ok(BatchDetail { batch, lines: self.store.batch_lines(id).await?, events: self.store.batch_events(id).await? })
    }

    /// Cancels a grant whose payment failed (or was never made): a negative entry with the reason.
    pub async fn cancel_payment(&self, actor: &Actor, entry_id: i64, reason: &str) -> AppResult<i64> {
        money_staff(actor)?;
        let reason = normalize(reason);
        if reason.chars().count() < 2 {
            return Err(AppError::field("原因", "ledger.reason", "请写明取消原因"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let e = tx.entry_for_update(entry_id).await.map_err(not_found)?;
        if !matches!(e.kind.as_str(), "grant" | "topup") {
            return Err(AppError::Conflict("只能取消待支付或支付失败的发放款项".into()));
        }
        let (paid, pending, cancelled) = tx.entry_state(entry_id).await?;
        if paid || pending || cancelled {
            return Err(AppError::Conflict(
                if paid {
                    "该笔已支付，不能取消；错付请用追回（冲销）"
                } else if pending {
                    "该笔正在发放批次中，待银行结果导入后再处理"
                } else {
                    "该笔已取消"
                }
                .into(),
            ));
        }
        let new = tx
            .append_entry(NewEntry {
                kind: "cancel",
                amount_fen: -e.amount_fen,
                corrects_entry_id: Some(e.id),
                decision_id: e.decision_id,
                reason: reason.clone(),
                created_by: actor.login.clone(),
                created_at: now,
                ..entry_base(&e)
            })
            .await?;
        if e.kind == "grant" {
            let a = tx.application_for_update(e.application_id).await?;
            if a.status == "approved" {
                let ch = StatusChange { status: "cancelled", reason: Some(reason.clone()), ..Default::default() };
                tx.change_application(a.id, a.version, "approved", &ch, now).await?;
            }
        }
        tx.audit(self.audit_entry(
            actor,
            "ledger.cancel",
            "ledger_entry",
            Some(e.id.to_string()),
            "ok",
            json!({"entry": new.id, "reason": reason}),
        ))
        .await?;
        tx.commit().await?;
        Ok(new.id)
    }

    /// Corrects a paid grant: a clawback (negative, money to be recovered) or a top-up (paid in
    /// the next batch). The original entry and its decision stay as they were, linked.
    pub async fn correct_payment(&self, actor: &Actor, entry_id: i64, kind: &str, amount_yuan: &str, reason: &str) -> AppResult<i64> {
        money_staff(actor)?;
        let kind: &'static str = match kind {
            "clawback" | "追回" => "clawback",
            "topup" | "补发" => "topup",
            _ => return Err(AppError::field("更正类型", "ledger.kind", "更正类型应为追回（clawback）或补发（topup）")),
        };
        let fen = parse_yuan("金额", amount_yuan).map_err(|e| AppError::Validation(vec![e]))?;
        if fen <= 0 {
            return Err(AppError::field("金额", "ledger.amount", "金额应大于0"));
        }
        let reason = normalize(reason);
        if reason.chars().count() < 4 {
            return Err(AppError::field("原因", "ledger.reason", "请写明更正原因和依据"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let e = tx.entry_for_update(entry_id).await.map_err(not_found)?;
        if e.kind != "grant" {
            return Err(AppError::Conflict("更正须针对原发放款项".into()));
        }
        let (paid, _, _) = tx.entry_state(entry_id).await?;
        if !paid {
            return Err(AppError::Conflict("该笔尚未支付；未支付的款项请取消".into()));
        }
        if kind == "clawback" {
            let net = tx.net_of_entry(e.id).await?;
            if fen > net {
                return Err(AppError::field("金额", "ledger.amount", format!("追回金额不能超过该笔净额{}元", fen_yuan(net))));
            }
        }
        let new = tx
            .append_entry(NewEntry {
                kind,
                amount_fen: if kind == "clawback" { -fen } else { fen },
                corrects_entry_id: Some(e.id),
                decision_id: e.decision_id,
                reason: reason.clone(),
                created_by: actor.login.clone(),
                created_at: now,
                ..entry_base(&e)
            })
            .await?;
        tx.audit(self.audit_entry(
            actor,
            &format!("ledger.{kind}"),
            "ledger_entry",
            Some(e.id.to_string()),
            "ok",
            json!({"entry": new.id, "amount_fen": new.amount_fen, "reason": reason}),
        ))
        .await?;
        tx.commit().await?;
        Ok(new.id)
    }

    /// Recomputes the chain, every batch total, and every fund/program/year total from the
    /// entries. Reads in pages, so memory stays flat for millions of entries.
    pub async fn verify_ledger(&self, progress: &mut (dyn FnMut(u64) + Send)) -> AppResult<LedgerReport> {
        let mut r = LedgerReport::default();
        let mut prev = LEDGER_GENESIS.to_string();
        let mut after = 0i64;
        let mut totals: BTreeMap<(String, String, i64), (i64, i64)> = BTreeMap::new();
        const PAGE: i64 = 20_000;
        loop {
            let page = self.store.ledger_page(after, PAGE).await?;
            let n = page.len();
            for e in page {
                if e.prev_hash != prev {
                    r.problems.push(LedgerProblem {
                        at: format!("entry {}", e.id),
                        message: "前序哈希不符：之前的账目被删除、插入或改动".into(),
                    });
                }
                if entry_hash(&e.prev_hash, &e) != e.hash {
                    r.problems.push(LedgerProblem {
                        at: format!("entry {}", e.id), message: "账目内容与哈希不符：该笔被改动".into()
                    });
                }
                let sign_ok = match e.kind.as_str() {
                    "grant" | "topup" => e.amount_fen > 0,
                    "cancel" | "clawback" => e.amount_fen < 0,
                    _ => false,
                };
                if !sign_ok {
                    r.problems.push(LedgerProblem {
                        at: format!("entry {}", e.id),
                        message: format!("{}的金额符号不对：{}", e.kind, e.amount_fen),
                    });
                }
                if fund_of(&e.program) != e.fund_code {
                    r.problems.push(LedgerProblem {
                        at: format!("entry {}", e.id),
                        message: format!("资金来源{}与项目{}不符", e.fund_code, e.program),
                    });
                }
                let t = totals.entry((e.fund_code.clone(), e.program.clone(), e.year)).or_insert((0, 0));
                t.0 += 1;
                t.1 += e.amount_fen;
                r.net_fen += e.amount_fen;
                r.entries += 1;
                prev = e.hash.clone();
                after = e.id;
            }
            progress(r.entries);
            if (n as i64) < PAGE {
                break;
            }
        }
        let stored: BTreeMap<(String, String, i64), (i64, i64)> =
            self.store.ledger_totals().await?.into_iter().map(|t| ((t.fund_code, t.program, t.year), (t.entry_count, t.sum_fen))).collect();
        for (k, v) in &totals {
            let at = format!("total {}/{}/{}", k.0, k.1, k.2);
            match stored.get(k) {
                Some(s) if s == v => {}
                Some(s) => r.problems.push(LedgerProblem {
                    at,
                    message: format!("登记{}笔{}元，按账目重算{}笔{}元", s.0, fen_yuan(s.1), v.0, fen_yuan(v.1)),
                }),
                None => r.problems.push(LedgerProblem { at, message: "缺少合计行".into() }),
            }
            r.totals.push((k.0.clone(), k.1.clone(), k.2, v.0, v.1));
        }
        for (k, s) in &stored {
            if !totals.contains_key(k) {
                r.problems.push(LedgerProblem {
                    at: format!("total {}/{}/{}", k.0, k.1, k.2),
                    message: format!("合计行{}笔{}元没有对应账目", s.0, fen_yuan(s.1)),
                });
            }
        }
        for (id, count, total, items, sum, mismatched) in self.store.batch_checks().await? {
            r.batches += 1;
            if count != items || total != sum {
                r.problems.push(LedgerProblem {
                    at: format!("batch {id}"),
                    message: format!("控制总数{}笔{}元，明细{}笔{}元", count, fen_yuan(total), items, fen_yuan(sum)),
                });
            }
            if mismatched > 0 {
                r.problems.push(LedgerProblem { at: format!("batch {id}"), message: format!("{mismatched}行金额与账目不符") });
            }
        }
        for (id, what) in self.store.grant_consistency().await? {
            r.problems.push(LedgerProblem { at: format!("entry {id}"), message: format!("发放与申请不一致：{what}") });
        }
        Ok(r)
    }

    /// Re-evaluates a recorded decision with its stored facts and date under today's rules.
    pub async fn replay_decision(&self, id: i64) -> AppResult<Replay> {
        let rec = self.store.decision(id).await.map_err(not_found)?;
        let recorded: Json = serde_json::from_str(&rec.decision_json).map_err(|e| AppError::Internal(e.to_string()))?;
        let input = self.vault.open(&rec.facts_enc, rec.facts_kv).map_err(|e| AppError::Internal(format!("sealed facts: {e}")))?;
        let facts_json: Json = serde_json::from_str(&input).map_err(|e| AppError::Internal(e.to_string()))?;
        let facts = jiuye_rules::Facts::from_json(&facts_json).map_err(|e| AppError::BadInput(format!("记录的事实无法读取：{e}")))?;
        let program = recorded.get("program").and_then(Json::as_str).unwrap_or("");
        let d = self.rules.evaluate(program, &facts, rec.as_of).map_err(|e| AppError::BadInput(e.to_string()))?;
        let replayed = serde_json::to_value(&d).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut differences = Vec::new();
        if rec.ruleset_version != d.ruleset_version {
            differences.push(format!("规则集版本不同：记录时 {}，现在 {}", rec.ruleset_version, d.ruleset_version));
        }
        for key in ["decision", "amount_yuan", "missing_facts"] {
            if recorded.get(key) != replayed.get(key) {
                differences.push(format!("{key}：记录为 {}，现在为 {}", show(recorded.get(key)), show(replayed.get(key))));
            }
        }
        let conds = |j: &Json| -> BTreeMap<String, Json> {
            j.get("conditions")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .map(|c| {
                            (c.get("id").and_then(Json::as_str).unwrap_or("").to_string(), c.get("met").cloned().unwrap_or(Json::Null))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (ca, cb) = (conds(&recorded), conds(&replayed));
        for (k, v) in &ca {
            match cb.get(k) {
                Some(w) if w == v => {}
                Some(w) => differences.push(format!("条件 {k}：记录为 {v}，现在为 {w}")),
                None => differences.push(format!("条件 {k} 现在已不存在")),
            }
        }
        for k in cb.keys().filter(|k| !ca.contains_key(*k)) {
            differences.push(format!("新增条件 {k}"));
        }
        let params = |j: &Json| j.get("parameters").and_then(Json::as_object).cloned().unwrap_or_default();
        let (pa, pb) = (params(&recorded), params(&replayed));
        for (k, v) in &pa {
            let (va, vb) = (v.get("value"), pb.get(k).and_then(|p| p.get("value")));
            if va != vb {
                differences.push(format!("参数 {k}：记录时 {}，现在 {}", show(va), show(vb)));
            }
        }
        Ok(Replay {
            decision_id: rec.id,
            application_id: rec.application_id,
            step: rec.step,
            as_of: rec.as_of.to_string(),
            recorded_ruleset: rec.ruleset_version,
            current_ruleset: d.ruleset_version.clone(),
            recorded_outcome: rec.outcome,
            replayed_outcome: crate::payments::outcome_code(d.decision).to_string(),
            recorded_amount_yuan: recorded.get("amount_yuan").and_then(Json::as_str).map(str::to_string),
            replayed_amount_yuan: d.amount_yuan(),
            differences,
        })
    }

    /// Budgets, committed and paid money per fund and program for a year (and township).
    pub async fn budget_overview(&self, actor: &Actor, year: i64, township: Option<&str>) -> AppResult<BudgetOverview> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::Leader | Role::TownshipClerk) {
            return Err(AppError::Forbidden("当前角色不能查看资金情况"));
        }
        let township = match actor.role {
            Role::TownshipClerk => actor.township.clone(),
            _ => township.filter(|t| !t.is_empty()).map(str::to_string),
        };
        let budgets = self.store.budgets(Some(year)).await?;
        let spend = self.store.spending(Some(year), township.as_deref()).await?;
        let mut lines: BTreeMap<(String, String), BudgetRow> = BTreeMap::new();
        for b in budgets {
            let row =
                lines.entry((b.fund_code.clone(), b.program.clone())).or_insert_with(|| BudgetRow::new(self, &b.fund_code, &b.program));
            row.allocated_fen = Some(b.allocated_fen);
        }
        let mut by_township: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for s in spend {
            let row =
                lines.entry((s.fund_code.clone(), s.program.clone())).or_insert_with(|| BudgetRow::new(self, &s.fund_code, &s.program));
            row.committed_fen += s.committed_fen;
            row.paid_fen += s.paid_fen;
            let t = by_township.entry(s.township_code).or_insert((0, 0));
            t.0 += s.committed_fen;
            t.1 += s.paid_fen;
        }
        let mut rows: Vec<BudgetRow> = lines.into_values().collect();
        for r in &mut rows {
            r.remaining_fen = r.allocated_fen.map(|a| a - r.committed_fen);
        }
        Ok(BudgetOverview { year, township, rows, by_township: by_township.into_iter().map(|(k, v)| (k, v.0, v.1)).collect() })
    }

    /// The published list of recipients: name, partly hidden ID number (or credit code),
    /// program and amount — nothing else (no address, phone, bank card, birth date, hardship).
    pub async fn recipients_for_publication(
        &self,
        actor: &Actor,
        program: Option<&str>,
        year: Option<i64>,
    ) -> AppResult<Vec<PublicRecipient>> {
        if !matches!(actor.role, Role::Admin | Role::BureauStaff | Role::Leader) {
            return Err(AppError::Forbidden("公示名单由区人社局生成"));
        }
        let rows = self.store.recipients(program, year).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let (name, identifier) = if r.subject_kind == "person" {
                let p = self.store.get_person(&Scope::All, r.subject_id).await?;
                (p.as_ref().map(|p| p.name.clone()).unwrap_or_default(), p.map(|p| p.id_masked).unwrap_or_default())
            } else {
                let e = self.store.get_enterprise(&Scope::All, r.subject_id).await?;
                (e.as_ref().map(|e| e.name.clone()).unwrap_or_default(), e.map(|e| e.credit_code).unwrap_or_default())
            };
            out.push(PublicRecipient {
                name,
                identifier,
                program: self.rules.program(&r.program).map(|p| p.name).unwrap_or("").to_string(),
                township: jiuye_domain::division::township_name(&r.township_code).unwrap_or("").to_string(),
                amount_yuan: fen_yuan(r.net_fen),
                year: r.year,
            });
        }
        self.store
            .audit_only(self.audit_entry(
                actor,
                "recipients.publish",
                "recipients",
                None,
                "ok",
                json!({"program": program, "year": year, "rows": out.len()}),
            ))
            .await?;
        Ok(out)
    }
}

fn entry_base(e: &jiuye_store::payments::LedgerEntry) -> NewEntry {
    NewEntry {
        kind: "grant",
        application_id: e.application_id,
        program: e.program.clone(),
        fund_code: e.fund_code.clone(),
        year: e.year,
        subject_kind: e.subject_kind.clone(),
        subject_id: e.subject_id,
        township_code: e.township_code.clone(),
        amount_fen: 0,
        decision_id: None,
        corrects_entry_id: None,
        reason: String::new(),
        created_by: String::new(),
        created_at: e.created_at,
    }
}

fn show(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "（无）".into(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => AppError::NotFound,
        other => other.into(),
    }
}

/// A batch as its page shows it.
pub struct BatchDetail {
    pub batch: BatchRecord,
    pub lines: Vec<jiuye_store::payments::BatchLine>,
    pub events: Vec<jiuye_store::payments::BatchEvent>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BudgetRow {
    pub fund_code: String,
    pub fund: &'static str,
    pub program: String,
    pub program_name: String,
    pub allocated_fen: Option<i64>,
    pub committed_fen: i64,
    pub paid_fen: i64,
    pub remaining_fen: Option<i64>,
}

impl BudgetRow {
    fn new(app: &App, fund: &str, program: &str) -> Self {
        Self {
            fund_code: fund.to_string(),
            fund: crate::payments::fund_label(fund),
            program: program.to_string(),
            program_name: app.rules.program(program).map(|p| p.name).unwrap_or("").to_string(),
            allocated_fen: None,
            committed_fen: 0,
            paid_fen: 0,
            remaining_fen: None,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BudgetOverview {
    pub year: i64,
    pub township: Option<String>,
    pub rows: Vec<BudgetRow>,
    /// (township code, committed, paid).
    pub by_township: Vec<(String, i64, i64)>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicRecipient {
    pub name: String,
    pub identifier: String,
    pub program: String,
    pub township: String,
    pub amount_yuan: String,
    pub year: i64,
}
