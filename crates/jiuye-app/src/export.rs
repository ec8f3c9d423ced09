//! Exports of registry lists to `.xlsx`, with the list's current filter, masked personal data, a
//! watermark naming who exported and when, and an audit entry with the filter and the row count.
//!
//! The store is read page by page on the async side and the workbook is written on a blocking
//! thread in constant-memory mode, so exporting the whole district does not hold it in memory.

use std::path::Path;

use jiuye_domain::{Education, EmploymentStatus, Industry, SizeClass, Tag};
use jiuye_io::{OutCell, XlsxSheet};
use jiuye_store::enterprises::EnterpriseFilter;
use jiuye_store::persons::Page;
use serde_json::json;

use crate::registry::PersonQuery;
use crate::{Actor, App, AppError, AppResult};

pub const PERSON_EXPORT_HEADERS: [&str; 13] = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "乡镇(街道)",
    "村(社区)",
    "户编号",
    "人员类别",
    "学历",
    "毕业时间",
    "就业状态",
    "更新时间",
];
pub const HOUSEHOLD_EXPORT_HEADERS: [&str; 6] = ["户编号", "乡镇(街道)", "村(社区)", "成员人数", "就业人数", "无人就业"];
pub const ENTERPRISE_EXPORT_HEADERS: [&str; 12] = [
    "单位名称",
    "统一社会信用代码",
    "乡镇(街道)",
    "行业",
    "从业人数",
    "参保人数",
    "营业收入(万元)",
    "企业规模",
    "划型依据",
    "联系人",
    "联系电话",
    "更新时间",
];

/// Tag labels for lists and exports: sensitive groups are not spelled out.
pub fn tags_label(stored: &str) -> String {
    let tags = Tag::from_storage(stored);
    let mut labels: Vec<&str> = tags.iter().filter(|t| !t.is_sensitive()).map(|t| t.label()).collect();
    if tags.iter().any(|t| t.is_sensitive()) {
        labels.push("特殊群体（已隐藏）");
    }
    labels.join("、")
}

fn text(s: impl Into<String>) -> OutCell {
    OutCell::Text(s.into())
}

fn opt(s: Option<String>) -> OutCell {
    s.map(OutCell::Text).unwrap_or(OutCell::Empty)
}

fn stamp(t: time::OffsetDateTime) -> String {
    crate::local_time(t)
}

impl App {
    fn watermark(&self, actor: &Actor) -> String {
        format!(
            "导出人：{}（{}） 导出时间：{} 本文件含个人信息，仅限工作使用，不得外传",
            actor.display_name,
            actor.login,
            stamp(self.now())
        )
    }

    /// Writes the persons of the query (in the actor's scope) to `dest`. Returns the row count.
    pub async fn export_persons(&self, actor: &Actor, q: &PersonQuery, dest: &Path) -> AppResult<u64> {
        if !actor.role.can_export() {
            return Err(AppError::Forbidden("当前角色不能导出数据"));
        }
        let filter = self.person_filter(q)?;
        let scope = actor.scope();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<OutCell>>>(4);
        let (path, note) = (dest.to_path_buf(), self.watermark(actor));
        let writer = tokio::task::spawn_blocking(move || {
            let rows = std::iter::from_fn(move || rx.blocking_recv()).flatten();
            let sheet = XlsxSheet { name: "人员名册", headers: &PERSON_EXPORT_HEADERS, text_columns: &[1, 4, 7] };
            jiuye_io::write_xlsx(&path, &sheet, rows, Some(&note))
        });
        let mut offset = 0i64;
        const PAGE: i64 = 2000;
        loop {
            let (rows, _) = self.store.list_persons(&scope, &filter, Page { limit: PAGE, offset }).await?;
            let n = rows.len() as i64;
            let out: Vec<Vec<OutCell>> = rows
                .into_iter()
                .map(|p| {
                    vec![
                        text(p.name),
                        text(p.id_masked),
                        text(jiuye_domain::Sex::from_code(&p.sex).map(|s| s.label()).unwrap_or("")),
                        text(p.birth_date.to_string()),
                        opt(p.phone_masked),
                        text(p.township_name),
                        opt(p.village_name),
                        opt(p.household_no),
                        text(tags_label(&p.tags)),
                        opt(p.education.as_deref().and_then(Education::from_code).map(|e| e.label().to_string())),
                        opt(p.graduation_date.map(|d| d.to_string())),
                        text(EmploymentStatus::from_code(&p.employment_status).map(|s| s.label()).unwrap_or("")),
                        text(stamp(p.updated_at)),
                    ]
                })
                .collect();
            if !out.is_empty() && tx.send(out).await.is_err() {
                break;
            }
            if n < PAGE {
                break;
            }
            offset += PAGE;
        }
        drop(tx);
        let count = writer.await.map_err(|e| AppError::Internal(e.to_string()))?.map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .audit_only(self.audit_entry(
                actor,
                "export.persons",
                "person",
                None,
                "ok",
                json!({"filter": q, "rows": count, "masked": true}),
            ))
            .await?;
        Ok(count)
    }

    pub async fn export_enterprises(
        &self,
        actor: &Actor,
        f: &EnterpriseFilter,
        filter_desc: serde_json::Value,
        dest: &Path,
    ) -> AppResult<u64> {
        if !actor.role.can_export() {
            return Err(AppError::Forbidden("当前角色不能导出数据"));
        }
        let scope = actor.scope();
        let mut all = Vec::new();
        let mut offset = 0i64;
        const PAGE: i64 = 2000;
        loop {
            let (rows, _) = self.store.list_enterprises(&scope, f, Page { limit: PAGE, offset }).await?;
            let n = rows.len() as i64;
            all.extend(rows.into_iter().map(|e| {
                vec![
                    text(e.name),
                    text(e.credit_code),
                    text(e.township_name),
                    text(Industry::from_code(&e.industry).map(|i| i.label()).unwrap_or("")),
                    e.staff.map(OutCell::Int).unwrap_or(OutCell::Empty),
                    e.insured.map(OutCell::Int).unwrap_or(OutCell::Empty),
                    opt(e.revenue_fen.map(jiuye_domain::size_class::fen_to_wan)),
                    text(SizeClass::from_code(&e.size_class).map(|s| s.label()).unwrap_or("")),
                    text(e.size_basis),
                    opt(e.contact_name),
                    opt(e.contact_phone_masked),
                    text(stamp(e.updated_at)),
                ]
            }));
            if n < PAGE {
                break;
            }
            offset += PAGE;
        }
        let (path, note) = (dest.to_path_buf(), self.watermark(actor));
        let count = tokio::task::spawn_blocking(move || {
            let sheet = XlsxSheet { name: "企业名册", headers: &ENTERPRISE_EXPORT_HEADERS, text_columns: &[1, 10] };
            jiuye_io::write_xlsx(&path, &sheet, all, Some(&note))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .audit_only(self.audit_entry(
                actor,
                "export.enterprises",
                "enterprise",
                None,
                "ok",
                json!({"filter": filter_desc, "rows": count}),
            ))
            .await?;
        Ok(count)
    }

    /// Writes the households of the filter (in the actor's scope) with their member and working
    /// counts. Members are not listed: the person export carries them, masked.
    pub async fn export_households(&self, actor: &Actor, f: &jiuye_store::households::HouseholdFilter, dest: &Path) -> AppResult<u64> {
        if !actor.role.can_export() {
            return Err(AppError::Forbidden("当前角色不能导出数据"));
        }
        let mut all = Vec::new();
        let mut offset = 0i64;
        const PAGE: i64 = 2000;
        loop {
            let (rows, _) = self.list_households(actor, f, Page { limit: PAGE, offset }).await?;
            let n = rows.len() as i64;
            all.extend(rows.into_iter().map(|h| {
                vec![
                    text(h.household_no),
                    text(h.township_name),
                    opt(h.village_name),
                    OutCell::Int(h.members),
                    OutCell::Int(h.working),
                    text(if h.members > 0 && h.working == 0 { "是" } else { "否" }),
                ]
            }));
            if n < PAGE {
                break;
            }
            offset += PAGE;
        }
        let (path, note) = (dest.to_path_buf(), self.watermark(actor));
        let count = tokio::task::spawn_blocking(move || {
            let sheet = XlsxSheet { name: "家庭户", headers: &HOUSEHOLD_EXPORT_HEADERS, text_columns: &[0] };
            jiuye_io::write_xlsx(&path, &sheet, all, Some(&note))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let desc = json!({"household_no": f.household_no, "township": f.township_code, "none_working": f.none_working});
        self.store
            .audit_only(self.audit_entry(actor, "export.households", "household", None, "ok", json!({"filter": desc, "rows": count})))
            .await?;
        Ok(count)
    }

    /// Writes the import template of a kind, with examples and filling notes.
    pub fn write_import_template(&self, kind: crate::import::ImportKind, dest: &Path) -> AppResult<()> {
        let (examples, text_cols, notes): (Vec<Vec<&str>>, &[usize], &[&str]) = match kind {
            crate::import::ImportKind::Persons => (
                vec![vec!["张三", "130527199003070016", "13812345678", "和阳镇", "", "H0001", "高校毕业生、退役军人", "本科", "2020-06"]],
                &[1, 2, 5],
                &[
                    "必填：姓名、公民身份号码、乡镇(街道)；其余可空。",
                    "公民身份号码请保持文本格式（模板已设置），不要把号码存成数值，否则Excel会丢失后几位。",
                    "性别和出生日期由公民身份号码自动得出，无需填写。",
                    "人员类别可填多个，用“、”或“,”分隔：高校毕业生、离校未就业高校毕业生、农民工、返乡农民工、两后生、退役军人、失业人员、就业困难人员、残疾人、建档立卡贫困户、低保。",
                    "学历：小学及以下、初中、高中、中专/技校、大专、本科、硕士研究生、博士研究生。毕业时间写成2020-06或2020-06-30。",
                    "同一公民身份号码再次导入时更新原记录；内容未变的行不做改动。",
                ],
            ),
            crate::import::ImportKind::Enterprises => (
                vec![vec![
                    "南和区示例玻璃制品有限公司",
                    "91130527MA0000010B",
                    "和阳镇",
                    "工业",
                    "120",
                    "100",
                    "3500",
                    "王五",
                    "0319-1234567",
                ]],
                &[1, 8],
                &[
                    "必填：单位名称、统一社会信用代码、乡镇(街道)、行业。",
                    "行业按《中小企业划型标准规定》（工信部联企业〔2011〕300号）填写，如工业、建筑业、批发业、零售业、交通运输业、住宿业、餐饮业、软件和信息技术服务业、其他未列明行业。",
                    "企业规模由行业、从业人数和营业收入自动划型，无需填写。营业收入单位为万元。",
                    "同一统一社会信用代码再次导入时更新原记录。",
                ],
            ),
        };
        let sheet = XlsxSheet { name: "导入模板", headers: kind.headers(), text_columns: text_cols };
        jiuye_io::write_template(dest, &sheet, &examples, notes).map_err(|e| AppError::Internal(e.to_string()))
    }
}
