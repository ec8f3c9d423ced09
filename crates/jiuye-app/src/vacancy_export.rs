//! Passing vacancies up (归集, measure (二十一)): an export of the published vacancies for the
//! higher-level authority, incremental since the last export, as JSON (`jiuye.vacancies.v1`,
//! documented in docs/JOBS.md) or `.xlsx`.
//!
//! An incremental export lists every vacancy whose board view changed since the previous export:
//! `upsert` for those published now, `withdraw` for those that were published and are no longer
//! (filled, closed, expired, or back in review). The export's range of change-sequence numbers is
//! recorded only after the file is written, so a failed export is simply repeated.

use std::path::Path;

use jiuye_domain::{Education, VacancyKind, VacancyStatus, WorkType, occupation};
use jiuye_io::{OutCell, XlsxSheet};
use jiuye_store::vacancies::VacancyRecord;
use serde_json::{Value, json};

use crate::{Actor, App, AppError, AppResult, CST};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Xlsx,
}

impl ExportFormat {
    pub fn code(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Xlsx => "xlsx",
        }
    }
}

/// What an export contained.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportSummary {
    pub from_seq: i64,
    pub to_seq: i64,
    pub full: bool,
    pub upserts: u64,
    pub withdrawals: u64,
}

pub const EXPORT_HEADERS: [&str; 24] = [
    "操作",
    "岗位编号",
    "岗位来源",
    "岗位名称",
    "职业代码",
    "职业名称",
    "用人单位",
    "统一社会信用代码",
    "招聘人数",
    "已招人数",
    "月薪下限(元)",
    "月薪上限(元)",
    "学历要求",
    "工作经验(年)",
    "用工形式",
    "乡镇(街道)代码",
    "乡镇(街道)",
    "工作地址",
    "岗位描述",
    "应聘方式",
    "联系人",
    "联系电话",
    "有效期至",
    "发布时间",
];

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.to_offset(CST).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn item(v: &VacancyRecord, action: &str, credit_code: Option<&str>) -> Value {
    let mut o = crate::jobs::public_json(v);
    if let Some(m) = o.as_object_mut() {
        m.insert("action".into(), json!(action));
        m.insert("employer_credit_code".into(), json!(credit_code));
        m.insert("changed_at".into(), json!(rfc3339(v.updated_at)));
        m.remove("kind_label");
        m.remove("work_type_label");
    }
    o
}

fn row(v: &VacancyRecord, action: &str, credit_code: Option<&str>) -> Vec<OutCell> {
    let t = |s: &str| OutCell::Text(s.to_string());
    vec![
        t(if action == "upsert" { "发布/更新" } else { "撤下" }),
        t(&crate::jobs::short_id(v.id)),
        t(VacancyKind::from_code(&v.kind).map(|k| k.label()).unwrap_or("")),
        t(&v.title),
        t(&v.occupation_code),
        t(occupation::by_code(&v.occupation_code).map(|o| o.name).unwrap_or("")),
        t(&v.employer_name),
        t(credit_code.unwrap_or("")),
        OutCell::Int(v.posts),
        OutCell::Int(v.filled),
        OutCell::Int(v.pay_min_yuan),
        OutCell::Int(v.pay_max_yuan),
        t(v.education_min.as_deref().and_then(Education::from_code).map(|e| e.label()).unwrap_or("不限")),
        v.experience_min_years.map(OutCell::Int).unwrap_or(OutCell::Empty),
        t(WorkType::from_code(&v.work_type).map(|w| w.label()).unwrap_or("")),
        t(&v.township_code),
        t(&v.township_name),
        t(&v.address),
        t(&v.description),
        t(&v.how_to_apply),
        t(&v.contact_name),
        t(&v.contact_phone),
        t(&v.valid_until.to_string()),
        t(&v.published_at.map(rfc3339).unwrap_or_default()),
    ]
}

impl App {
    /// Writes the passing-up export to `dest`. `full`: every published vacancy now (a snapshot);
    /// otherwise the changes since the last export. Both move the export mark to the current head.
    pub async fn export_vacancies(&self, actor: &Actor, format: ExportFormat, full: bool, dest: &Path) -> AppResult<ExportSummary> {
        if !matches!(actor.role, jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff) {
            return Err(AppError::Forbidden("只有区人社局工作人员可以导出归集数据"));
        }
        let to = self.store.vacancy_change_head().await?;
        let from = if full { 0 } else { self.store.last_vacancy_export_seq().await? };
        let mut items: Vec<(VacancyRecord, &'static str)> = Vec::new();
        if full {
            let mut after = None;
            loop {
                let page = self.store.published_vacancies_after(after, 2000).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id);
                items.extend(page.into_iter().map(|v| (v, "upsert")));
            }
        } else {
            let mut after = from;
            loop {
                let changed = self.store.vacancies_changed_between(from, to, after, 2000).await?;
                let Some(&(last, _)) = changed.last() else { break };
                after = last;
                let ids: Vec<uuid::Uuid> = changed.iter().map(|(_, id)| *id).collect();
                for v in self.store.vacancies_by_ids(&ids).await? {
                    if v.status == VacancyStatus::Published.code() {
                        items.push((v, "upsert"));
                    } else if v.published_at.is_some() {
                        items.push((v, "withdraw"));
                    }
                }
            }
        }
        // Credit codes of the employers, for the receiving system to match enterprises.
        let mut codes = std::collections::HashMap::new();
        for (v, _) in &items {
            if let Some(e) = v.enterprise_id
                && !codes.contains_key(&e)
                && let Some(rec) = self.store.get_enterprise(&jiuye_store::Scope::All, e).await?
            {
                codes.insert(e, rec.credit_code);
            }
        }
        let code_of = |v: &VacancyRecord| v.enterprise_id.and_then(|e| codes.get(&e)).map(String::as_str);
        let summary = ExportSummary {
            from_seq: from,
            to_seq: to,
            full,
            upserts: items.iter().filter(|(_, a)| *a == "upsert").count() as u64,
            withdrawals: items.iter().filter(|(_, a)| *a == "withdraw").count() as u64,
        };
        match format {
            ExportFormat::Json => {
                let doc = json!({
                    "format": "jiuye.vacancies.v1",
                    "district_code": jiuye_domain::division::DISTRICT_CODE,
                    "district_name": "邢台市南和区",
                    "generated_at": rfc3339(self.now()),
                    "full": full,
                    "from_seq": from,
                    "to_seq": to,
                    "count": items.len(),
                    "items": items.iter().map(|(v, a)| item(v, a, code_of(v))).collect::<Vec<_>>(),
                });
                let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
                tokio::fs::write(dest, bytes).await.map_err(|e| AppError::Internal(format!("写入导出文件失败：{e}")))?;
            }
            ExportFormat::Xlsx => {
                let rows: Vec<Vec<OutCell>> = items.iter().map(|(v, a)| row(v, a, code_of(v))).collect();
                let path = dest.to_path_buf();
                let note = format!(
                    "南和区岗位归集导出 {} 变更序号 {from}–{to} 导出人：{}（{}）",
                    if full { "全量" } else { "增量" },
                    actor.display_name,
                    actor.login
                );
                tokio::task::spawn_blocking(move || {
                    let sheet = XlsxSheet { name: "岗位", headers: &EXPORT_HEADERS, text_columns: &[1, 4, 7, 15, 21] };
                    jiuye_io::write_xlsx(&path, &sheet, rows, Some(&note))
                })
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            }
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.record_vacancy_export(now, &actor.login, format.code(), from, to, items.len() as i64).await?;
        tx.audit(self.audit_entry(actor, "export.vacancies", "vacancy", None, "ok", json!({"format": format.code(), "summary": summary})))
            .await?;
        tx.commit().await?;
        Ok(summary)
    }
}
